"""The media pipeline: what the worker makes of each recording, and who gets which file.

Real ffmpeg and ffprobe on short generated files, the real worker where said. Each recording
gets loudness-normalised Opus (WebM) and MP3 copies without metadata, redactions silenced, a
waveform, and a video its MP4; the original stays as uploaded, for curators only.
"""

import hashlib
import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.core.files import File
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from sensemaking import services as sensemaking_services
from stories import services
from stories.forms import VIDEO_NEEDS_AUDIO, ScopeChoiceForm
from stories.media import LOUDNESS_TARGET, WAVEFORM_PEAKS, make_copies
from stories.models import AuditEvent, Consent, Recording, Story, Transcript
from stories.transcripts import parse_transcript_file
from tests.factories import ALL_SCOPES, make_playable, make_story
from tests.sound import body, ffmpeg, loudest, probe

pytestmark = pytest.mark.django_db

SECRETS = {
    "title": "Interview with Jo Bloggs",
    "artist": "Jo Bloggs",
    "comment": "Recorded at 12 Acacia Avenue",
    "location": "+51.5074-000.1278/",
}
# Tags a container writes about itself, which say nothing about anyone.
TECHNICAL_TAGS = {
    "encoder", "ENCODER", "DURATION", "language", "handler_name", "vendor_id",
    "major_brand", "minor_version", "compatible_brands",
}  # fmt: skip
# A quiet tone throughout (far from the -16 LUFS aimed at); the second cue is to be redacted.
TIMED_VTT = b"""WEBVTT

00:00:00.000 --> 00:00:02.000
<v Dee>I grew up on the estate.

00:00:03.000 --> 00:00:04.000
<v Dee>My neighbour Jo Pratt helped me.

00:00:05.000 --> 00:00:08.000
<v Dee>Now I help other people.
"""
NO_VIDEO = {**ALL_SCOPES, "publish_video": False}


def loudness(content: bytes, folder: Path) -> float:
    """Return the integrated loudness (LUFS) as ffmpeg's EBU R128 meter measures it."""
    path = folder / "measured"
    path.write_bytes(content)
    completed = subprocess.run(
        ["ffmpeg", "-nostdin", "-i", path, "-af", "ebur128", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = completed.stderr.rsplit("Summary:", 1)[1]
    return float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))


def assert_no_personal_tags(content: bytes, folder: Path) -> None:
    info = probe(content, folder)
    tags = {**info["format"].get("tags", {})}
    for stream in info["streams"]:
        tags |= stream.get("tags", {})
    assert set(tags) <= TECHNICAL_TAGS, tags
    for secret in SECRETS.values():
        assert secret.encode() not in content


@pytest.fixture(scope="module")
def tagged(tmp_path_factory) -> dict[str, Path]:
    """A phone-like MP4 (picture, title, artist, comment, location), and the same sound as a
    tagged MP3, both a quiet tone of 9 seconds."""
    folder = tmp_path_factory.mktemp("tagged")
    tags = [value for key, text in SECRETS.items() for value in ("-metadata", f"{key}={text}")]
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=9"]
    quiet = ["-af", "volume=-30dB"]
    ffmpeg(*tone, "-f", "lavfi", "-i", "testsrc=s=160x120:d=9:r=10", *quiet, "-shortest", *tags,
           "-movflags", "use_metadata_tags", folder / "phone.mp4")  # fmt: skip
    ffmpeg(*tone, *quiet, *tags, folder / "tagged.mp3")
    return {"mp4": folder / "phone.mp4", "mp3": folder / "tagged.mp3"}


def timed_story(team, *, scopes=ALL_SCOPES, status="submitted") -> Story:
    story = make_story(team.project, team.interviewer, scopes=scopes, status=status)
    services.add_transcript(
        story=story,
        parsed=parse_transcript_file(TIMED_VTT, "talk.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    return story


def upload(story, path: Path, by) -> Recording:
    with path.open("rb") as handle:
        return services.upload_recording(story=story, upload=File(handle, name=path.name), by=by)


def redact(story, words: str, by) -> None:
    transcript = story.transcripts.get(is_current=True)
    start = transcript.text.index(words)
    services.redact_transcript(
        transcript=transcript, char_start=start, char_end=start + len(words), reason="", by=by
    )


def test_the_uploads_really_are_quiet_and_tagged(tagged, tmp_path):
    """Check the inputs, so that the tests below could fail."""
    for path in tagged.values():
        content = path.read_bytes()
        assert SECRETS["artist"] in json.dumps(probe(content, tmp_path)["format"]["tags"])
        assert loudness(content, tmp_path) < LOUDNESS_TARGET - 10
    assert SECRETS["location"] in json.dumps(probe(tagged["mp4"].read_bytes(), tmp_path))


@pytest.mark.django_db(transaction=True)
def test_the_worker_makes_clean_even_copies_and_leaves_the_original_alone(
    client, team, tagged, tmp_path, run_worker
):
    story = timed_story(team)
    recording = upload(story, tagged["mp4"], team.interviewer)
    stored_before = Path(recording.file.path).read_bytes()
    redact(story, "Jo Pratt", team.curator)
    run_worker()
    recording.refresh_from_db()
    assert recording.listener_copy_state == Recording.CopyState.READY
    assert recording.copy_progress == 100
    services.publish_story(story=story, by=team.curator)

    opus = body(client.get(reverse("stories:public-recording-form", args=[recording.pk, "opus"])))
    mp3 = body(client.get(reverse("stories:public-recording", args=[recording.pk])))
    video = body(client.get(reverse("stories:public-recording-form", args=[recording.pk, "video"])))
    opus_info, mp3_info, video_info = (probe(made, tmp_path) for made in (opus, mp3, video))
    assert "webm" in opus_info["format"]["format_name"]
    assert [(s["codec_name"], s["channels"]) for s in opus_info["streams"]] == [("opus", 1)]
    assert [(s["codec_name"], s["channels"]) for s in mp3_info["streams"]] == [("mp3", 1)]
    assert int(mp3_info["format"]["bit_rate"]) < 70_000  # a bitrate fit for speech
    assert [s["codec_name"] for s in video_info["streams"]] == ["h264", "aac"]
    for made in (opus, mp3, video):
        assert_no_personal_tags(made, tmp_path)
        # EBU R128 loudness, from a tone 30 dB quieter: within 1.5 LU of the target.
        assert abs(loudness(made, tmp_path) - LOUDNESS_TARGET) < 1.5
        # The cue saying "Jo Pratt" (3 to 4 seconds) is silent, the rest is not.
        assert loudest(made, tmp_path, 3.0, 4.0) < -80
        assert loudest(made, tmp_path, 0.5, 1.5) > -20
        assert loudest(made, tmp_path, 5.5, 7.5) > -20

    # The original is kept as uploaded, byte for byte, and only curators get it.
    assert Path(recording.file.path).read_bytes() == stored_before == tagged["mp4"].read_bytes()
    assert hashlib.sha256(stored_before).hexdigest() == recording.sha256
    client.force_login(team.curator)
    assert body(client.get(reverse("stories:recording-file", args=[recording.pk]))) == (
        stored_before
    )


def test_a_tagged_mp3s_copies_have_no_title_artist_or_comment(client, team, tagged, tmp_path):
    story = timed_story(team)
    recording = make_playable(upload(story, tagged["mp3"], team.interviewer))
    assert not recording.is_video and not recording.video_copy
    services.publish_story(story=story, by=team.curator)
    for form in ("opus", "mp3"):
        made = body(client.get(reverse("stories:public-recording-form", args=[recording.pk, form])))
        assert_no_personal_tags(made, tmp_path)
        assert made[:3] != b"ID3"
    video = client.get(reverse("stories:public-recording-form", args=[recording.pk, "video"]))
    assert video.status_code == 404  # a recording with no picture has no video


def test_the_waveform_follows_the_sound_and_is_drawn_under_the_player(
    client, team, tagged, tmp_path
):
    story = timed_story(team)
    redact(story, "Jo Pratt", team.curator)
    recording = make_playable(upload(story, tagged["mp3"], team.interviewer))
    services.publish_story(story=story, by=team.curator)
    response = client.get(reverse("stories:public-recording-form", args=[recording.pk, "waveform"]))
    assert response["Content-Type"] == "application/json"
    peaks = json.loads(body(response))["peaks"]
    assert len(peaks) == WAVEFORM_PEAKS
    assert max(peaks) == 100
    # 9 seconds over 240 peaks: the silenced 2.75 to 4.25 seconds is flat, the tone is not.
    per_second = WAVEFORM_PEAKS / 9
    assert max(peaks[int(2.9 * per_second) : int(4.1 * per_second)]) == 0
    assert min(peaks[int(0.2 * per_second) : int(2.5 * per_second)]) > 50

    page = client.get(reverse("stories:public-story", args=[story.pk])).content.decode()
    assert '<svg class="waveform" aria-hidden="true" focusable="false"' in page
    client.force_login(team.interviewer)
    page = client.get(story.get_absolute_url()).content.decode()
    assert '<svg class="waveform" aria-hidden="true"' in page
    assert "type='audio/webm; codecs=\"opus\"'" in page and 'type="audio/mpeg"' in page


def test_the_players_offer_opus_then_mp3(client, team, media_files):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    recording = make_playable(upload(story, media_files["mp3"], team.interviewer))
    services.publish_story(story=story, by=team.curator)
    page = client.get(reverse("stories:public-story", args=[story.pk]) + "?t=1").content.decode()
    opus = reverse("stories:public-recording-form", args=[recording.pk, "opus"])
    mp3 = reverse("stories:public-recording", args=[recording.pk])
    assert page.index(f'<source src="{opus}#t=1"') < page.index(f'<source src="{mp3}#t=1"')
    assert "<video" not in page


def test_progress_is_told_as_the_copies_are_made(tmp_path):
    source = tmp_path / "long.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=300:sample_rate=16000", source)
    told = []
    copies = make_copies(str(source), tmp_path, [], duration=300.0, progress=told.append)
    # ffmpeg reports twice a second; five minutes take a few seconds on two cores.
    assert len(told) >= 2 and told == sorted(set(told)) and told[0] > 0 and told[-1] < 100
    assert copies.video is None and copies.mp3.exists() and copies.opus.exists()


def test_the_team_page_shows_how_far_the_copies_are(client, team, tagged):
    story = timed_story(team)
    recording = upload(story, tagged["mp3"], team.interviewer)
    Recording.objects.filter(pk=recording.pk).update(state="ready", copy_progress=40)
    client.force_login(team.interviewer)
    page = client.get(story.get_absolute_url()).content.decode()
    assert f'<progress id="copy-progress-{recording.pk}" max="100" value="40">' in page
    assert "The recording is being prepared. Try again in a minute." in page


# Video: the team and workshops see it; the public only with consent to "publish video".


@pytest.fixture
def video_story(team, tagged):
    """A published story with a video recording whose copies are made, and all consent."""
    story = timed_story(team)
    recording = make_playable(upload(story, tagged["mp4"], team.interviewer))
    assert recording.is_video and recording.video_copy
    services.publish_story(story=story, by=team.curator)
    return story


def change_consent(story, **scopes) -> None:
    services.record_consent(
        story=story,
        scopes={**ALL_SCOPES, **scopes},
        method=Consent.Method.WRITTEN,
        obtained_on=date(2026, 5, 2),
        obtained_by=story.interviewer,
        recorded_by=story.interviewer,
    )


def test_the_public_sees_the_video_only_with_consent_to_publish_it(client, video_story, tmp_path):
    recording = video_story.recordings.get()
    video_url = reverse("stories:public-recording-form", args=[recording.pk, "video"])
    page = client.get(reverse("stories:public-story", args=[video_story.pk])).content.decode()
    assert f'<source src="{video_url}" type="video/mp4">' in page and "Watch and listen" in page
    assert [s["codec_type"] for s in probe(body(client.get(video_url)), tmp_path)["streams"]] == [
        "video",
        "audio",
    ]
    api = f"/api/v1/stories/{video_story.pk}"
    assert client.get(api).json()["audio"][0]["video_url"] == f"http://testserver{video_url}"

    change_consent(video_story, publish_video=False)
    assert client.get(video_url).status_code == 404
    page = client.get(reverse("stories:public-story", args=[video_story.pk])).content.decode()
    assert "<video" not in page and video_url not in page
    (audio,) = client.get(api).json()["audio"]
    assert audio["video_url"] is None and audio["opus_url"]
    assert "<audio" in page
    # The sound is still published: audio only, no picture.
    for form in ("mp3", "opus"):
        url = reverse("stories:public-recording-form", args=[recording.pk, form])
        assert [s["codec_type"] for s in probe(body(client.get(url)), tmp_path)["streams"]] == [
            "audio"
        ]


def test_nobody_gets_the_video_without_the_scope_from_any_media_url(
    client, team, video_story, tmp_path
):
    recording = video_story.recordings.get()
    change_consent(video_story, publish_video=False)
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[video_story]
    )
    _guest, token = sensemaking_services.invite_guest(
        workshop=workshop, display_name="Dee", by=team.facilitator
    )
    public_urls = [
        reverse("stories:public-recording", args=[recording.pk]),
        *(
            reverse("stories:public-recording-form", args=[recording.pk, form])
            for form in ("mp3", "opus", "video", "waveform")
        ),
    ]
    team_urls = [
        reverse("stories:recording-file", args=[recording.pk]),
        *(
            reverse("stories:recording-form", args=[recording.pk, form])
            for form in ("mp3", "opus", "video", "waveform")
        ),
    ]
    workshop_url = reverse("sensemaking:media", args=[workshop.pk, video_story.pk])

    def no_picture(response) -> None:
        if response.status_code == 200 and response["Content-Type"] == "application/json":
            assert "peaks" in json.loads(b"".join(response.streaming_content))
        elif response.status_code == 200:
            assert response["Content-Type"].startswith("audio/")
            content = b"".join(response.streaming_content)
            streams = probe(content, tmp_path)["streams"]
            assert "video" not in {s["codec_type"] for s in streams}
        else:
            assert response.status_code in (302, 404)

    for user in (None, team.nobody, team.outsider):  # the public, other projects
        client.logout()
        if user:
            client.force_login(user)
        for url in [*public_urls, *team_urls, workshop_url]:
            no_picture(client.get(url))
        if user:
            assert client.get(team_urls[3]).status_code == 404
    client.logout()
    client.get(reverse("sensemaking:join", args=[token]))  # a workshop guest
    for url in [*public_urls, *team_urls, workshop_url]:
        no_picture(client.get(url))
    assert client.get(workshop_url).status_code == 200  # they do hear it


def test_the_team_sees_the_video_and_a_withdrawal_stops_it(
    client, team, video_story, tmp_path, django_capture_on_commit_callbacks
):
    recording = video_story.recordings.get()
    made = [
        Path(getattr(recording, field).path)
        for field in ("listener_copy", "opus_copy", "video_copy", "waveform")
    ]
    assert all(path.exists() for path in made)
    change_consent(video_story, publish_video=False, publish_audio=False)
    url = reverse("stories:recording-form", args=[recording.pk, "video"])
    for member in (team.interviewer, team.facilitator):
        client.force_login(member)
        assert probe(body(client.get(url)), tmp_path)["streams"][0]["codec_name"] == "h264"
        page = client.get(video_story.get_absolute_url()).content.decode()
        assert f'<source src="{url}" type="video/mp4">' in page
    client.force_login(team.interviewer2)  # not this story's interviewer
    assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_consent(story=video_story, reason="")
    assert not any(path.exists() for path in made)  # every copy is deleted
    assert Path(recording.file.path).exists()  # the original is kept until erasure
    for member in (team.interviewer, team.facilitator, team.curator):
        client.force_login(member)
        assert client.get(url).status_code == 404
    client.logout()
    public = reverse("stories:public-recording-form", args=[recording.pk, "video"])
    assert client.get(public).status_code == 404


def test_an_unknown_media_form_is_not_found(client, team, media_files):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    recording = make_playable(upload(story, media_files["mp3"], team.interviewer))
    services.publish_story(story=story, by=team.curator)
    client.force_login(team.curator)
    for name in ("stories:public-recording-form", "stories:recording-form"):
        assert client.get(reverse(name, args=[recording.pk, "original"])).status_code == 404


def test_consent_to_the_video_needs_consent_to_its_sound(client, team):
    story = make_story(team.project, team.interviewer)
    client.force_login(team.interviewer)
    url = reverse("stories:consent-record", args=[story.pk])
    page = client.get(url).content.decode()
    assert "Publish the video of my story" in page
    assert "faces of everyone filmed" in page and "where it was made" in page
    response = client.post(
        url,
        {"publish_video": "on", "publish_transcript": "on", "method": "written",
         "obtained_on": "2026-05-01"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "publishing the video needs publishing the audio" in response.content.decode()
    assert not Consent.objects.filter(story=story).exists()


# A failed or corrupt file: a clear state and message, and Try again.


def junk_recording(folder: Path) -> Path:
    """A file that starts like an MP3 (so it is accepted) but holds no sound."""
    path = folder / "damaged.mp3"
    path.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 20)
    return path


@pytest.mark.django_db(transaction=True)
def test_a_corrupt_recording_says_so_and_can_be_tried_again(client, team, tmp_path, run_worker):
    story = timed_story(team)
    recording = upload(story, junk_recording(tmp_path), team.interviewer)
    run_worker()
    recording.refresh_from_db()
    assert recording.state == Recording.State.FAILED
    client.force_login(team.interviewer)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Could not be read" in page
    assert "The recording could not be read; it may be damaged." in page
    retry = reverse("stories:recording-retry", args=[recording.pk])
    assert f'action="{retry}"' in page and "Try again" in page

    assert client.get(retry).status_code == 405
    queued = DBTaskResult.objects.count()
    response = client.post(retry, follow=True)
    assert "The recording is queued to be tried again." in response.content.decode()
    recording.refresh_from_db()
    assert recording.state == Recording.State.PENDING and recording.error == ""
    assert DBTaskResult.objects.count() == queued + 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.RECORDING_RETRIED)
    assert event.actor == team.interviewer and event.story == story
    assert event.details["error"] == "The recording could not be read; it may be damaged."
    run_worker()
    recording.refresh_from_db()
    assert recording.state == Recording.State.FAILED  # still damaged: upload it again


@pytest.mark.django_db(transaction=True)
def test_copies_that_failed_are_made_on_retry(client, team, tagged, run_worker, monkeypatch):
    story = timed_story(team)
    recording = upload(story, tagged["mp3"], team.interviewer)
    monkeypatch.setenv("FFMPEG_BINARY", "/bin/false")  # ffmpeg fails on the worker, once
    run_worker()
    monkeypatch.delenv("FFMPEG_BINARY")
    recording.refresh_from_db()
    assert recording.state == Recording.State.READY
    assert recording.listener_copy_state == Recording.CopyState.FAILED
    client.force_login(team.curator)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "The copies for listeners could not be made." in page
    assert "Nobody but curators can hear this recording." in page
    client.post(reverse("stories:recording-retry", args=[recording.pk]))
    run_worker()
    recording.refresh_from_db()
    assert recording.listener_copy_state == Recording.CopyState.READY
    assert recording.opus_copy and recording.waveform
    assert AuditEvent.objects.filter(action=AuditEvent.Action.RECORDING_RETRIED).count() == 1


def test_only_the_interviewer_and_curators_may_retry(client, team, tmp_path):
    story = timed_story(team)
    recording = upload(story, junk_recording(tmp_path), team.interviewer)
    Recording.objects.filter(pk=recording.pk).update(state="failed", error="Damaged.")
    retry = reverse("stories:recording-retry", args=[recording.pk])
    for user in (team.facilitator, team.interviewer2, team.outsider, team.nobody):
        client.force_login(user)
        assert client.post(retry).status_code == 404
        page = client.get(story.get_absolute_url())
        assert retry not in page.content.decode()
    client.logout()
    assert client.post(retry).status_code == 302  # to sign in
    recording.refresh_from_db()
    assert recording.state == Recording.State.FAILED
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.RECORDING_RETRIED).exists()
    client.force_login(team.curator)
    client.post(retry)
    recording.refresh_from_db()
    assert recording.state == Recording.State.PENDING


def test_a_recording_that_has_not_failed_is_not_retried(client, team, media_files):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    recording = make_playable(upload(story, media_files["mp3"], team.interviewer))
    client.force_login(team.interviewer)
    response = client.post(reverse("stories:recording-retry", args=[recording.pk]), follow=True)
    assert "This recording has not failed, so there is nothing to try again." in (
        response.content.decode()
    )
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.RECORDING_RETRIED).exists()


def test_a_storyteller_cannot_keep_the_video_without_its_sound():
    form = ScopeChoiceForm(data={"publish_video": "on", "publish_transcript": "on"})
    assert not form.is_valid()
    assert form.errors["publish_video"] == [VIDEO_NEEDS_AUDIO]
    assert "faces of everyone filmed" in str(form["publish_video"].help_text)


def test_cover_art_is_not_video(client, team, tmp_path):
    path = tmp_path / "with-cover.mp3"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=2", "-f", "lavfi", "-i", "color=c=red:s=64x64:d=1",
           "-map", "0:a", "-map", "1:v", "-frames:v", "1", "-c:v", "mjpeg",
           "-disposition:v", "attached_pic", "-id3v2_version", "3", path)  # fmt: skip
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    recording = make_playable(upload(story, path, team.interviewer))
    assert recording.listener_copy_state == Recording.CopyState.READY
    assert not recording.is_video and not recording.video_copy


def test_a_workshop_plays_a_video_as_video_with_its_waveform(client, team, video_story, tmp_path):
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Watching", by=team.facilitator, stories=[video_story]
    )
    _guest, token = sensemaking_services.invite_guest(
        workshop=workshop, display_name="Dee", by=team.facilitator
    )
    video = reverse("sensemaking:media-form", args=[workshop.pk, video_story.pk, "video"])
    page_url = reverse("sensemaking:story", args=[workshop.pk, video_story.pk])
    client.get(reverse("sensemaking:join", args=[token]))  # a workshop guest, as at a session
    page = client.get(page_url).content.decode()
    assert '<video id="story-audio" controls preload="metadata" playsinline>' in page
    assert f'<source src="{video}" type="video/mp4">' in page
    assert '<svg class="waveform" aria-hidden="true"' in page
    streams = {
        s["codec_type"]: s["codec_name"]
        for s in probe(body(client.get(video)), tmp_path)["streams"]
    }
    assert streams == {"video": "h264", "audio": "aac"}
    for form in ("original", "waveform", "nonsense"):  # never the upload; the page draws the wave
        url = reverse("sensemaking:media-form", args=[workshop.pk, video_story.pk, form])
        assert client.get(url).status_code == 404
    client.logout()
    client.force_login(team.outsider)  # someone with no part in the workshop
    assert client.get(video).status_code == 404
    client.force_login(team.facilitator)
    assert client.get(video).status_code == 200
    services.withdraw_consent(story=video_story, reason="")
    assert client.get(video).status_code == 404


def test_a_workshop_offers_opus_then_mp3_for_sound(client, team, media_files):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    make_playable(upload(story, media_files["mp3"], team.interviewer))
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    client.force_login(team.facilitator)
    page = client.get(reverse("sensemaking:story", args=[workshop.pk, story.pk])).content.decode()
    opus = reverse("sensemaking:media-form", args=[workshop.pk, story.pk, "opus"])
    mp3 = reverse("sensemaking:media", args=[workshop.pk, story.pk])
    assert page.index(f'<source src="{opus}" type=\'audio/webm; codecs="opus"\'>') < page.index(
        f'<source src="{mp3}" type="audio/mpeg">'
    )
    assert "<video" not in page
    assert client.get(opus)["Content-Type"] == "audio/webm"

"""What people hear is safe: everyone but curators hears a clean copy made by ffmpeg.

The copy has no metadata, no picture and its redacted words silent; a stale copy is never served.
Everything here uses real files, real ffmpeg and ffprobe, and (where said) the real worker.
"""

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.urls import reverse

from sensemaking import refiqda
from sensemaking import services as sensemaking_services
from sensemaking.models import Quote
from sensemaking.reports import compile_report, extract_clips
from sensemaking.tasks import cut_clip
from stories import services
from stories.media import UNPLACEABLE
from stories.models import Recording, Story, Transcript
from stories.tasks import make_listener_copy
from stories.transcripts import parse_plain_text, parse_transcript_file
from tests.factories import (
    ALL_SCOPES,
    highlight_phrase,
    make_playable,
    make_story,
    make_user,
    redact_words,
)
from tests.sound import body, ffmpeg, loudest, probe

pytestmark = pytest.mark.django_db

SECRETS = {
    "title": "Interview with Jo Bloggs",
    "artist": "Jo Bloggs",
    "comment": "Recorded at 12 Acacia Avenue",
    "location": "+51.5074-000.1278/",
}

# A tone throughout; the second cue holds the words to redact.
TIMED_VTT = b"""WEBVTT

00:00:00.000 --> 00:00:01.000
<v Dee>I grew up on the estate.

00:00:01.500 --> 00:00:02.000
<v Dee>My neighbour Jo Pratt helped me.

00:00:02.500 --> 00:00:04.000
<v Dee>Now I help other people.
"""


def assert_clean(content: bytes, folder: Path) -> None:
    """One audio stream, no tags at all, and none of the recording's secrets anywhere."""
    info = probe(content, folder)
    assert [stream["codec_type"] for stream in info["streams"]] == ["audio"]
    assert "tags" not in info["format"]
    assert all("tags" not in stream for stream in info["streams"])
    for secret in SECRETS.values():
        assert secret.encode() not in content


@pytest.fixture(scope="module")
def tagged(tmp_path_factory) -> dict[str, Path]:
    """A phone-like MP4 (picture, title, artist, comment, location) and a tagged MP3."""
    folder = tmp_path_factory.mktemp("tagged")
    tags = [value for key, text in SECRETS.items() for value in ("-metadata", f"{key}={text}")]
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=4"]
    ffmpeg(*tone, "-f", "lavfi", "-i", "color=c=blue:s=32x32:d=4", "-shortest", *tags,
           "-movflags", "use_metadata_tags", folder / "phone.mp4")  # fmt: skip
    ffmpeg(*tone, *tags, folder / "tagged.mp3")
    return {"mp4": folder / "phone.mp4", "mp3": folder / "tagged.mp3"}


def test_the_uploaded_files_really_carry_the_secrets(tagged, tmp_path):
    """Check the inputs, so that the clean-copy tests below could fail."""
    for path in tagged.values():
        info = probe(path.read_bytes(), tmp_path)
        assert SECRETS["artist"] in json.dumps(info["format"]["tags"])
    mp4 = probe(tagged["mp4"].read_bytes(), tmp_path)
    assert {"video", "audio"} <= {stream["codec_type"] for stream in mp4["streams"]}
    assert SECRETS["location"] in json.dumps(mp4["format"]["tags"])


def timed_story(team, *, status="submitted", scopes=ALL_SCOPES) -> Story:
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


@pytest.mark.django_db(transaction=True)
def test_every_surface_but_curators_hears_a_copy_without_metadata(
    client, team, tagged, tmp_path, run_worker
):
    story = timed_story(team)
    recording = upload(story, tagged["mp4"], team.interviewer)
    run_worker()  # Probes, then makes the copy: the copy is queued once the probe succeeds.
    recording.refresh_from_db()
    assert recording.state == Recording.State.READY
    assert recording.listener_copy_state == Recording.CopyState.READY
    services.publish_story(story=story, by=team.curator)
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    (theme,) = sensemaking_services.themes_named(team.project, ["Home"])
    highlight_phrase(workshop, story, "Now I help", [theme], by=team.facilitator, key=True)
    version = sensemaking_services.create_report(
        project=team.project, title="Voices", by=team.facilitator
    )
    version = sensemaking_services.publish_report(version=version, by=team.curator)

    public = body(client.get(reverse("stories:public-recording", args=[recording.pk])))
    assert_clean(public, tmp_path)
    assert probe(public, tmp_path)["streams"][0]["codec_name"] == "mp3"

    client.force_login(team.facilitator)
    workshop_audio = body(client.get(reverse("sensemaking:media", args=[workshop.pk, story.pk])))
    assert workshop_audio == public

    (clip,) = extract_clips(compile_report(version))
    assert cut_clip.call(clip.pk) == "cut"
    clip.refresh_from_db()
    assert_clean(clip.file.read(), tmp_path)

    out = io.BytesIO()
    quotes = Quote.objects.usable_in_reports().filter(story__project=team.project)
    refiqda.project_qdpx(project=team.project, quotes=quotes, out=out)
    archive = zipfile.ZipFile(out)
    (inside,) = [name for name in archive.namelist() if name.startswith("sources/") and
                 not name.endswith(".txt")]  # fmt: skip
    assert archive.read(inside) == public
    assert b"VideoSource" not in archive.read("project.qde")

    client.force_login(team.curator)
    original = body(client.get(reverse("stories:recording-file", args=[recording.pk])))
    assert original == tagged["mp4"].read_bytes()  # Curators hear it as recorded, to redact.


def test_an_mp3s_id3_title_artist_and_comment_are_not_published(client, team, tagged, tmp_path):
    story = timed_story(team)
    recording = make_playable(upload(story, tagged["mp3"], team.interviewer))
    services.publish_story(story=story, by=team.curator)
    public = body(client.get(reverse("stories:public-recording", args=[recording.pk])))
    assert public[:3] != b"ID3"
    assert_clean(public, tmp_path)


def test_redacted_words_are_silent_in_the_copy_and_nowhere_else(client, team, tagged, tmp_path):
    story = timed_story(team)
    recording = upload(story, tagged["mp3"], team.interviewer)
    redact(story, "Jo Pratt", team.curator)
    make_playable(recording)
    services.publish_story(story=story, by=team.curator)
    public = body(client.get(reverse("stories:public-recording", args=[recording.pk])))
    original = tagged["mp3"].read_bytes()
    # The cue saying "Jo Pratt" runs from 1.5 to 2 seconds.
    assert loudest(original, tmp_path, 1.5, 2.0) > -30
    assert loudest(public, tmp_path, 1.5, 2.0) < -80
    assert loudest(public, tmp_path, 0.1, 0.9) > -30
    assert loudest(public, tmp_path, 2.8, 3.8) > -30


def test_a_stale_copy_is_never_served(client, team, tagged, tmp_path):
    story = timed_story(team)
    recording = make_playable(upload(story, tagged["mp3"], team.interviewer))
    services.publish_story(story=story, by=team.curator)
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    public_url = reverse("stories:public-recording", args=[recording.pk])
    before = body(client.get(public_url))
    # The redaction is saved, but its copy is not made yet (no worker has run).
    redact(story, "Jo Pratt", team.curator)
    response = client.get(public_url)
    assert response.status_code == 503
    assert response.content.decode() == "The recording is being prepared. Try again in a minute."
    page = client.get(reverse("stories:public-story", args=[story.pk])).content.decode()
    assert "The recording is being prepared. Try again in a minute." in page
    assert public_url not in page
    client.force_login(team.facilitator)
    assert client.get(reverse("sensemaking:media", args=[workshop.pk, story.pk])).status_code == 503
    client.force_login(team.interviewer)
    team_url = reverse("stories:recording-file", args=[recording.pk])
    assert client.get(team_url).status_code == 503
    client.force_login(team.curator)
    assert body(client.get(team_url)) == tagged["mp3"].read_bytes()

    assert make_listener_copy.call(recording.pk) == "made"
    client.logout()
    after = body(client.get(public_url))
    assert after != before
    assert loudest(after, tmp_path, 1.5, 2.0) < -80


def redact_with_form(client, team, story, words: str, *, paragraph: int | None = None) -> str:
    """Redact words through the curator's form, everywhere or in one paragraph; return the
    page that follows."""
    client.force_login(team.curator)
    where = {"segment": str(paragraph)} if paragraph else {"everywhere": "on"}
    response = client.post(
        reverse("stories:transcript-redact", args=[story.pk]),
        {"words": words, "reason": "", **where},
        follow=True,
    )
    return response.content.decode()


def test_untimed_transcript_with_a_redaction_cannot_publish_audio(
    client, team, media_files, django_capture_on_commit_callbacks
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    recording = make_playable(upload(story, media_files["mp3"], team.interviewer))
    with django_capture_on_commit_callbacks(execute=True):
        page = redact_with_form(client, team, story, "heard")
    assert UNPLACEABLE in page
    recording.refresh_from_db()
    assert recording.listener_copy_state == Recording.CopyState.FAILED
    assert not recording.listener_copy  # The copy that says the words is deleted.

    # The transcript may still be published; the audio is not, and the curator is told why.
    response = client.post(reverse("stories:story-publish", args=[story.pk]), follow=True)
    page = response.content.decode()
    assert "Only the transcript is published." in page
    assert "Upload a timed transcript (WebVTT or SRT)" in page
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED
    assert "Nobody but curators can hear this recording." in page  # The team page says why.
    public = client.get(reverse("stories:public-story", args=[story.pk])).content.decode()
    assert "<audio" not in public and "heard" not in public.replace("[redacted]", "")
    assert client.get(reverse("stories:public-recording", args=[recording.pk])).status_code == 404


def test_only_audio_with_an_unplaceable_redaction_is_not_published(team, media_files):
    story = make_story(
        team.project,
        team.interviewer,
        scopes={**ALL_SCOPES, "publish_transcript": False},
        status="submitted",
    )
    make_playable(upload(story, media_files["mp3"], team.interviewer))
    redact_words(story, "heard", by=team.curator)
    with pytest.raises(ValidationError, match="The audio can’t be published"):
        services.publish_story(story=story, by=team.curator)


def test_an_untimed_transcript_without_redactions_still_publishes_audio(team, media_files):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    make_playable(upload(story, media_files["mp3"], team.interviewer))
    services.publish_story(story=story, by=team.curator)
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED


def test_a_later_unplaceable_redaction_stops_public_audio_at_once(
    client, team, media_files, django_capture_on_commit_callbacks
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    recording = make_playable(upload(story, media_files["mp3"], team.interviewer))
    services.publish_story(story=story, by=team.curator)
    public_url = reverse("stories:public-recording", args=[recording.pk])
    assert client.get(public_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        page = redact_with_form(client, team, story, "14 Brook Lane", paragraph=3)
    assert "Nobody but curators can hear the recording now." in page
    client.logout()
    assert client.get(public_url).status_code == 404
    page = client.get(reverse("stories:public-story", args=[story.pk])).content.decode()
    assert public_url not in page and "being prepared" not in page


def test_each_role_hears_exactly_what_it_may(client, team, tagged):
    story = timed_story(team)
    recording = make_playable(upload(story, tagged["mp3"], team.interviewer))
    copy = recording.listener_copy.read()
    original = tagged["mp3"].read_bytes()
    admin = make_user(is_superuser=True, is_staff=True)
    url = reverse("stories:recording-file", args=[recording.pk])
    expected = {
        team.curator: original,
        team.curator2: original,
        admin: original,
        team.interviewer: copy,  # Their own story.
        team.facilitator: copy,
        team.facilitator2: copy,
        team.interviewer2: None,  # Not their story.
        team.outsider: None,  # Curator of another project.
        team.nobody: None,
    }
    for user, heard in expected.items():
        client.force_login(user)
        response = client.get(url)
        if heard is None:
            assert response.status_code == 404, user
        else:
            assert body(response) == heard, user
    client.logout()
    assert client.get(url).status_code == 302  # Sign in first.
    # Not published yet: the public player has nothing, whoever asks.
    for user in (None, team.curator):
        if user:
            client.force_login(user)
        assert (
            client.get(reverse("stories:public-recording", args=[recording.pk])).status_code == 404
        )


def test_workshop_guests_and_members_hear_the_copy_others_get_nothing(client, team, tagged):
    story = timed_story(team)
    recording = make_playable(upload(story, tagged["mp3"], team.interviewer))
    copy = recording.listener_copy.read()
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    url = reverse("sensemaking:media", args=[workshop.pk, story.pk])
    for user in (team.facilitator, team.curator):
        client.force_login(user)
        assert body(client.get(url)) == copy, user  # Curators too: the workshop hears the copy.
    for user in (team.outsider, team.nobody):
        client.force_login(user)
        assert client.get(url).status_code in (403, 404), user
    client.logout()
    _guest, token = sensemaking_services.invite_guest(
        workshop=workshop, display_name="Dee", by=team.facilitator
    )
    client.get(reverse("sensemaking:join", args=[token]))
    assert body(client.get(url)) == copy


# ---- Redacting "everywhere" reaches the story's title, summary and place -------------------


def published_with_details(team, words: str) -> Story:
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    services.update_story(
        story=story,
        by=team.interviewer,
        tags=["housing"],
        title=f"Life at {words}",
        summary=f"Sam remembers {words} and the people there.",
        place=words,
    )
    services.publish_story(story=story, by=team.curator)
    return story


def public_texts(client, story) -> dict[str, str]:
    client.logout()
    feed = client.get(reverse("stories-feed")).content.decode()
    return {
        "page": client.get(reverse("stories:public-story", args=[story.pk])).content.decode(),
        "api": client.get(f"/api/v1/stories/{story.pk}").content.decode(),
        "api list": client.get("/api/v1/stories").content.decode(),
        "feed": feed,
        "search": client.get("/api/v1/search", {"q": "Brook"}).content.decode(),
    }


def test_redacting_everywhere_covers_title_summary_and_place(client, team):
    story = published_with_details(team, "14 Brook Lane")
    for surface, text in public_texts(client, story).items():
        assert "14 Brook Lane" in text, surface  # So the check below can fail.
    page = redact_with_form(client, team, story, "14 Brook Lane")
    assert "Redacted 1 place in the transcript and the story’s title, summary and place." in page
    texts = public_texts(client, story)
    for surface, text in texts.items():
        assert "14 Brook Lane" not in text, surface
        assert "Brook" not in text, surface
    assert "Life at [redacted]" in texts["page"]
    assert "Life at [redacted]" in texts["api"]
    assert "Life at [redacted]" in texts["feed"]
    assert "Sam remembers [redacted] and the people there." in texts["feed"]


def test_words_only_in_the_details_are_redacted_there_in_any_letter_case(client, team):
    story = published_with_details(team, "Mill Street")
    Story.objects.filter(pk=story.pk).update(place="MILL STREET, Leeds")
    page = redact_with_form(client, team, story, "mill street")
    assert "Redacted the story’s title, summary and place." in page
    story.refresh_from_db()
    assert (story.title, story.place) == ("Life at [redacted]", "[redacted], Leeds")
    for surface, text in public_texts(client, story).items():
        assert "mill street" not in text.casefold(), surface


def test_redacting_everywhere_finds_the_words_in_the_transcript_in_any_letter_case(client, team):
    story = published_with_details(team, "John Smith")
    transcript = story.transcripts.get()
    services.add_transcript(
        story=story,
        parsed=parse_plain_text("Dee: John Smith helped.\n\nDee: JOHN SMITH again."),
        by=team.curator,
        origin=Transcript.Origin.EDITED,
    )
    assert transcript.pk != story.transcripts.get(is_current=True).pk
    page = redact_with_form(client, team, story, "john smith")
    assert "Redacted 2 places in the transcript and the story’s" in page
    for surface, text in public_texts(client, story).items():
        assert "john smith" not in text.casefold(), surface


def test_the_curator_is_told_when_the_words_are_a_speakers_name(client, team):
    story = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="submitted",
        transcript="Dana Price: I moved in 2019.\n\nInterviewer: And Dana Price stayed?",
    )
    page = redact_with_form(client, team, story, "Dana Price")
    assert "Redacted 1 place in the transcript." in page
    assert "also part of a speaker’s name (Dana Price)" in page


def test_redacting_one_paragraph_leaves_the_story_details_alone(client, team):
    story = published_with_details(team, "14 Brook Lane")
    page = redact_with_form(client, team, story, "14 Brook Lane", paragraph=3)
    assert "Redacted 1 place in the transcript." in page
    story.refresh_from_db()
    assert story.title == "Life at 14 Brook Lane"


@pytest.mark.django_db(transaction=True)
def test_recordings_from_before_copies_existed_get_one_from_the_command(
    client, team, tagged, run_worker
):
    from django.core.management import call_command

    story = timed_story(team)
    recording = make_playable(upload(story, tagged["mp3"], team.interviewer))
    services.publish_story(story=story, by=team.curator)
    recording.listener_copy.delete(save=False)
    Recording.objects.filter(pk=recording.pk).update(
        listener_copy="", listener_copy_key="", listener_copy_state="pending"
    )
    url = reverse("stories:public-recording", args=[recording.pk])
    assert client.get(url).status_code == 503
    call_command("make_listener_copies", stdout=io.StringIO())
    run_worker()
    assert client.get(url).status_code == 200


def test_withdrawal_deletes_the_listeners_copies(
    team, media_files, django_capture_on_commit_callbacks
):
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="published", curator=team.curator
    )
    recording = make_playable(upload(story, media_files["mp3"], team.interviewer))
    copy = Path(recording.listener_copy.path)
    assert copy.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_consent(story=story, reason="Changed my mind")
    recording.refresh_from_db()
    assert not copy.exists() and not recording.listener_copy
    assert recording.listener_copy_state == Recording.CopyState.FAILED
    # A copy asked for before the withdrawal is not made after it.
    assert make_listener_copy.call(recording.pk) == "gone"

"""The players in a real browser: which source Chromium picks, the waveform under them, video."""

import subprocess

import pytest
from django.core.files import File
from playwright.sync_api import expect

from stories import services
from stories.models import Transcript
from stories.transcripts import parse_transcript_file
from tests.browser.conftest import wait_until
from tests.factories import ALL_SCOPES, PASSWORD, make_playable, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUES = b"""WEBVTT

00:00:00.000 --> 00:00:03.000
<v Dee>We planted beans and built trust.

00:00:03.000 --> 00:00:06.000
<v Dee>By summer the council asked us for advice.
"""


def recorded_story(team, folder, *, video: bool, scopes=ALL_SCOPES):
    path = folder / ("talk.mp4" if video else "talk.wav")
    picture = ["-f", "lavfi", "-i", "testsrc=s=320x240:d=6:r=10", "-shortest"] if video else []
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=300:duration=6",
         *picture, str(path)],
        check=True,
    )  # fmt: skip
    story = make_story(
        team.project, team.interviewer, scopes=scopes, title="The allotment", transcript=None
    )
    services.add_transcript(
        story=story,
        parsed=parse_transcript_file(CUES, "talk.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    with path.open("rb") as handle:
        recording = services.upload_recording(
            story=story, upload=File(handle, name=path.name), by=team.interviewer
        )
    make_playable(recording)
    services.submit_story(story=story, by=team.interviewer)
    services.publish_story(story=story, by=team.curator)
    return story, recording


def test_the_public_player_plays_opus_with_the_waveform_under_it(
    page, live_server, team, tmp_path, assert_accessible
):
    story, recording = recorded_story(team, tmp_path, video=False)
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    wait_until(page, "document.getElementById('story-audio').readyState >= 1")
    chosen = page.evaluate("document.getElementById('story-audio').currentSrc")
    assert chosen.endswith(f"/stories/recordings/{recording.pk}/opus/")
    assert page.evaluate("document.getElementById('story-audio').duration") == pytest.approx(
        6, abs=0.2
    )
    waveform = page.locator("svg.waveform")
    expect(waveform).to_be_visible()
    expect(waveform).to_have_attribute("aria-hidden", "true")
    box = waveform.bounding_box()
    assert box["width"] <= 360 and 30 <= box["height"] <= 48  # fits a phone, under the player
    player = page.locator("#story-audio").bounding_box()
    assert box["y"] >= player["y"] + player["height"]
    assert page.locator("svg.waveform path").get_attribute("d").count("M") == 240
    assert_accessible(page)
    # Without the waveform nothing is lost: the player and transcript are still there.
    page.evaluate("document.querySelector('svg.waveform').remove()")
    page.get_by_text("By summer the council asked us for advice.").click()
    wait_until(page, "document.getElementById('story-audio').currentTime >= 2.9")


def test_a_video_plays_as_video_for_the_team_and_the_public_with_consent(
    page, live_server, team, tmp_path, sign_in, assert_accessible
):
    story, recording = recorded_story(team, tmp_path, video=True)
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    expect(page.get_by_role("heading", name="Watch and listen")).to_be_visible()
    wait_until(page, "document.getElementById('story-audio').videoWidth > 0")
    assert page.evaluate("document.getElementById('story-audio').videoWidth") == 320
    assert_accessible(page)

    sign_in(page, team.facilitator, PASSWORD)
    page.goto(f"{live_server.url}/gather/{story.pk}/")
    video = page.locator(f"#recording-{recording.pk} video")
    expect(video).to_be_visible()
    wait_until(page, f"document.querySelector('#recording-{recording.pk} video').videoWidth > 0")
    assert page.evaluate(
        f"document.querySelector('#recording-{recording.pk} video').currentSrc"
    ).endswith(f"/media/recordings/{recording.pk}/video/")
    expect(page.locator(f"#recording-{recording.pk} svg.waveform")).to_be_visible()
    assert_accessible(page)


def test_the_public_hears_only_the_sound_without_consent_to_the_video(
    page, live_server, team, tmp_path
):
    story, _recording = recorded_story(
        team, tmp_path, video=True, scopes={**ALL_SCOPES, "publish_video": False}
    )
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    expect(page.get_by_role("heading", name="Listen", exact=True)).to_be_visible()
    assert page.locator("video").count() == 0
    wait_until(page, "document.getElementById('story-audio').readyState >= 1")
    assert page.evaluate("document.getElementById('story-audio').tagName") == "AUDIO"


def test_a_damaged_recording_says_so_and_can_be_tried_again(
    page, live_server, team, tmp_path, sign_in, assert_accessible
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, transcript=None)
    damaged = tmp_path / "damaged.mp3"
    damaged.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 20)
    with damaged.open("rb") as handle:
        recording = services.upload_recording(
            story=story, upload=File(handle, name=damaged.name), by=team.interviewer
        )
    make_playable(recording)
    sign_in(page, team.interviewer, PASSWORD)
    page.goto(f"{live_server.url}/gather/{story.pk}/")
    panel = page.locator(f"#recording-{recording.pk}")
    expect(panel).to_contain_text("Could not be read")
    expect(panel).to_contain_text("The recording could not be read; it may be damaged.")
    assert_accessible(page)
    panel.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("The recording is queued to be tried again.")).to_be_visible()
    expect(page.locator(f"#recording-{recording.pk}")).to_contain_text("Waiting to be checked")
    assert_accessible(page)

"""The public archive in a real browser: search, open, play, seek from the transcript."""

import subprocess

import pytest
from django.core.files import File
from playwright.sync_api import expect

from stories import services
from stories.models import Transcript
from stories.transcripts import parse_transcript_file
from tests.browser.conftest import wait_until
from tests.factories import ALL_SCOPES, make_playable, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUES = b"""WEBVTT

00:00:00.000 --> 00:00:03.000
<v Interviewer>Tell me about the allotment project.

00:00:03.000 --> 00:00:06.000
<v Dee>We planted beans and built trust, row by row.

00:00:06.000 --> 00:00:10.000
<v Dee>By summer the council were asking us for advice.
"""


@pytest.fixture
def story(team, tmp_path):
    audio = tmp_path / "allotment.ogg"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=300:duration=10",
            "-c:a",
            "libopus",
            str(audio),
        ],
        check=True,
    )
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, title="The allotment", transcript=None
    )
    story.tags.add("growing")
    services.add_transcript(
        story=story,
        parsed=parse_transcript_file(CUES, "allotment.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    with audio.open("rb") as handle:
        recording = services.upload_recording(
            story=story, upload=File(handle, name="allotment.ogg"), by=team.interviewer
        )
    make_playable(recording)
    services.submit_story(story=story, by=team.interviewer)
    services.publish_story(story=story, by=team.curator)
    return story


def audio_time(page) -> float:
    return page.evaluate("document.getElementById('story-audio').currentTime")


def test_search_open_play_and_seek_by_clicking_a_line(page, live_server, story, assert_accessible):
    page.goto(live_server.url)
    assert_accessible(page)
    page.get_by_label("Search stories").fill("council advice")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="The allotment")).to_be_visible()
    expect(page.locator(".snippet mark").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="The allotment").click()
    expect(page.get_by_role("heading", name="The allotment")).to_be_visible()
    wait_until(page, "document.getElementById('story-audio').readyState >= 1")
    assert_accessible(page)
    page.get_by_text("By summer the council were asking us for advice.").click()
    wait_until(page, "document.getElementById('story-audio').currentTime >= 5.9")
    assert audio_time(page) >= 5.9
    expect(page.locator("#segment-2")).to_have_attribute("aria-current", "true")
    page.get_by_text("We planted beans").click()
    wait_until(
        page,
        "(() => { const t = document.getElementById('story-audio').currentTime;"
        " return t >= 2.9 && t < 5.9; })()",
    )


def test_same_journey_with_the_keyboard_only(page, live_server, story):
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "home-q":
            break
    page.keyboard.type("beans")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="The allotment")).to_be_visible()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "The allotment":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="The allotment")).to_be_visible()
    wait_until(page, "document.getElementById('story-audio').readyState >= 1")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.seek") == "6.0":
            break
    assert page.evaluate("document.activeElement.dataset.seek") == "6.0"
    page.keyboard.press("Enter")
    wait_until(page, "document.getElementById('story-audio').currentTime >= 5.9")


def test_every_public_page_type_passes_axe(page, live_server, story, assert_accessible):
    for path in (
        "/",
        "/stories/",
        "/stories/?q=beans",
        f"/stories/{story.pk}/",
        "/topics/growing/",
        "/about/",
        "/stories/?q=beens",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    assert_accessible(page)

"""The transcript editor of a long interview, in Chromium: a page at a time, beside the audio."""

import subprocess

import pytest
from django.core.files import File
from playwright.sync_api import expect

from stories import services
from stories.models import Transcript
from stories.transcripts import ParsedSegment, ParsedTranscript
from tests.browser.conftest import wait_until
from tests.factories import ALL_SCOPES, PASSWORD, make_playable, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARAGRAPHS = 240  # a paragraph every half second of a two-minute recording
SECONDS = 120


@pytest.fixture
def story(team, tmp_path):
    audio = tmp_path / "interview.ogg"
    sine = f"sine=frequency=300:duration={SECONDS}"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", sine, "-c:a", "libopus", audio],
        check=True,
    )
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, transcript=None)
    segments = [
        ParsedSegment(
            text=f"Paragraph {n + 1} of the interview.",
            speaker="Dee",
            start=n * 0.5,
            end=n * 0.5 + 0.4,
        )
        for n in range(PARAGRAPHS)
    ]
    services.add_transcript(
        story=story,
        parsed=ParsedTranscript(segments=segments, has_timings=True, source_format="vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    with audio.open("rb") as handle:
        recording = services.upload_recording(
            story=story, upload=File(handle, name="interview.ogg"), by=team.interviewer
        )
    make_playable(recording)
    return story


def audio_time(page) -> float:
    return page.evaluate("document.getElementById('story-audio').currentTime")


def test_edit_a_page_play_from_a_paragraph_and_go_to_a_time(
    page, live_server, team, story, sign_in, assert_accessible
):
    sign_in(page, team.interviewer, PASSWORD)
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    page.get_by_role("link", name="Edit the transcript").click()
    expect(page.get_by_text("Paragraphs 1 to 50 of 240")).to_be_visible()
    expect(page.locator(".segment-row")).to_have_count(50)
    wait_until(page, "document.getElementById('story-audio').readyState >= 1")
    assert_accessible(page)

    # Play from paragraph 21 (ten seconds in), on the page's own player.
    paragraph = page.locator("#paragraph-21")
    paragraph.get_by_role("link", name="Play from 0:10").click()
    wait_until(page, "document.getElementById('story-audio').currentTime >= 10")
    assert 10 <= audio_time(page) < 20
    expect(paragraph).to_have_attribute("aria-current", "true")
    page.evaluate("document.getElementById('story-audio').pause()")
    assert page.url.endswith("/transcript/edit/")  # the page stayed: nothing typed is lost

    paragraph.get_by_label("What was said").fill("Paragraph 21, as Dee said it.")
    page.get_by_role("button", name="Save paragraphs 1 to 50").click()
    expect(page.get_by_text("Paragraphs 1 to 50 saved as version 2.")).to_be_visible()
    expect(page.locator("#paragraph-21").get_by_label("What was said")).to_have_value(
        "Paragraph 21, as Dee said it."
    )
    assert_accessible(page)

    page.get_by_label("Or go to the time").fill("1:30")
    page.get_by_role("button", name="Show these paragraphs").click()
    # 90 seconds in is paragraph 181.
    expect(page.get_by_text("Paragraphs 181 to 230 of 240")).to_be_visible()
    expect(page.locator("#paragraph-181")).to_be_visible()
    page.get_by_role("link", name="Later paragraphs").first.click()
    expect(page.get_by_text("Paragraphs 231 to 240 of 240")).to_be_visible()

    page.get_by_label("From paragraph").fill("300")
    page.get_by_role("button", name="Show these paragraphs").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "From paragraph: enter a number from 1 to 240 (this transcript has 240 paragraphs)."
    )
    assert_accessible(page)


def test_two_people_on_the_same_paragraph_see_a_conflict_and_keep_their_words(
    page, new_page, live_server, team, story, sign_in, assert_accessible
):
    sign_in(page, team.interviewer, PASSWORD)
    curator = new_page()
    sign_in(curator, team.curator, PASSWORD)
    url = f"{live_server.url}/gather/{story.pk}/transcript/edit/?start=100&end=100"
    page.goto(url)
    curator.goto(url)
    curator.get_by_label("What was said").fill("The curator's correction.")
    curator.get_by_role("button", name="Save paragraphs 100 to 100").click()
    expect(curator.get_by_text("saved as version 2")).to_be_visible()

    page.get_by_label("What was said").fill("The interviewer's correction.")
    page.get_by_role("button", name="Save paragraphs 100 to 100").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Someone else saved changes to these paragraphs (version 2)"
    )
    expect(page.get_by_label("What was said")).to_have_value("The interviewer's correction.")
    expect(page.get_by_text("The curator's correction.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save paragraphs 100 to 100").click()
    expect(page.get_by_text("saved as version 3")).to_be_visible()


def test_without_javascript_play_from_opens_the_recording_at_that_time(
    new_page, live_server, team, story, sign_in
):
    page = new_page(java_script_enabled=False)
    sign_in(page, team.interviewer, PASSWORD)
    page.goto(f"{live_server.url}/gather/{story.pk}/transcript/edit/?start=21&end=21")
    link = page.get_by_role("link", name="Play from 0:10 (opens the recording in a new tab)")
    expect(link).to_have_attribute("target", "_blank")
    assert link.get_attribute("href").endswith("#t=10.0")
    page.get_by_label("What was said").fill("Saved without JavaScript.")
    page.get_by_role("button", name="Save paragraphs 21 to 21").click()
    expect(page.get_by_text("Paragraphs 21 to 21 saved as version 2.")).to_be_visible()

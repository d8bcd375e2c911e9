"""Choosing a report's extracts, and being asked about a quote that could name its storyteller,
in a real browser, checked with axe (the Django client tests try the same forms without
JavaScript; axe itself needs it)."""

import subprocess

import pytest
from playwright.sync_api import expect

from sensemaking import services
from sensemaking.anonymity import USE_ANYWAY
from sensemaking.models import Quote, ReportVersion
from tests.factories import ALL_SCOPES, PASSWORD, highlight_phrase
from tests.sensemaking.test_report_extracts import KEY, OTHER, timed_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tone(tmp_path):
    path = tmp_path / "talk.mp3"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
         "-i", "sine=frequency=440:duration=24", path],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture
def traceable(team, tone):
    """A report on a public story that names its storyteller, who is quoted anonymously."""
    story = timed_story(team, tone, scopes={**ALL_SCOPES, "quote_credited": False})
    workshop = services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    (theme,) = services.themes_named(team.project, ["Home"])
    key = highlight_phrase(workshop, story, KEY, [theme], by=team.facilitator)
    other = highlight_phrase(workshop, story, OTHER, [theme], by=team.facilitator)
    version = services.create_report(project=team.project, title="Voices", by=team.facilitator)
    return workshop, key, other, version.report


def signed_in(new_page, sign_in, user):
    page = new_page()
    sign_in(page, user, PASSWORD)
    return page


def test_a_facilitator_adds_an_extract_after_being_asked(
    new_page, live_server, sign_in, team, traceable, assert_accessible
):
    _workshop, _key, other, report = traceable
    page = signed_in(new_page, sign_in, team.facilitator)
    page.goto(f"{live_server.url}/reports/{report.slug}/edit/")
    assert_accessible(page)
    playlist = page.locator("#extracts")
    playlist.get_by_label("Quote to add").select_option(str(other.pk))
    playlist.get_by_role("button", name="Add to the playlist").click()
    expect(page.get_by_role("alert")).to_contain_text("public story names them")
    assert_accessible(page)
    page.locator("#extracts").get_by_label(USE_ANYWAY).check()
    page.locator("#extracts").get_by_label("Quote to add").select_option(str(other.pk))
    page.locator("#extracts").get_by_role("button", name="Add to the playlist").click()
    expect(page.locator("#extracts .playlist")).to_contain_text(OTHER)
    assert ReportVersion.objects.get(report=report).extracts == [other.pk]
    assert_accessible(page)


def test_marking_such_a_key_quote_asks_first(
    new_page, live_server, sign_in, team, traceable, assert_accessible
):
    workshop, _key, _other, _report = traceable
    page = signed_in(new_page, sign_in, team.facilitator)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/board/")
    page.get_by_role("button", name="Mark as key quote").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This quote could name its storyteller"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Mark as key quote").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box")
    assert_accessible(page)
    page.get_by_label(USE_ANYWAY).check()
    page.get_by_role("button", name="Mark as key quote").click()
    expect(page.get_by_text("Key quote").first).to_be_visible()
    assert Quote.objects.filter(is_key=True).count() == 1

"""Find and note in a real browser: search a workshop, write its journal and theme memos."""

import pytest
from playwright.sync_api import expect

from sensemaking import services
from sensemaking.models import Memo, Theme
from stories import services as story_services
from tests.browser.test_workshop import TEXT, join_as_guest, sign_in_as
from tests.factories import ALL_SCOPES, highlight_phrase, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(team):
    """A story whose address is redacted, as in tests/browser/test_workshop.py."""
    story = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="submitted",
        transcript=TEXT,
        title="Growing together",
    )
    transcript = story.transcripts.get(is_current=True)
    start = transcript.text.index("14 Brook Lane")
    story_services.redact_transcript(
        transcript=transcript,
        char_start=start,
        char_end=start + len("14 Brook Lane"),
        reason="An address",
        by=team.curator,
    )
    return story


@pytest.fixture
def workshop(team, story):
    workshop = services.create_workshop(
        project=team.project, title="Spring workshop", by=team.facilitator, stories=[story]
    )
    services.themes_named(team.project, ["Trust"])
    return workshop


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_guest_on_a_phone_finds_a_quote_and_opens_its_paragraph(
    new_page, live_server, team, workshop, story, assert_accessible
):
    trust = Theme.objects.get(project=team.project, name="Trust")
    highlight_phrase(workshop, story, "built trust, row by row", [trust], by=team.facilitator)
    page = new_page()
    join_as_guest(page, live_server, workshop, team)
    page.get_by_label("Search this workshop’s quotes, notes and transcripts").fill("trust")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text(
        "1 quote and 1 transcript passage match “trust”"
    )
    quotes = page.get_by_role("region", name="Quotes")
    expect(quotes.locator("mark")).to_have_text("trust")
    expect(quotes.get_by_text("Trust", exact=True)).to_be_visible()  # its theme
    assert_accessible(page)
    assert fits(page, 360)
    page.get_by_role("link", name="Open paragraph 1 of Growing together").click()
    assert page.url.endswith(f"/workshops/{workshop.pk}/stories/{story.pk}/#segment-0")
    expect(page.locator("#segment-0")).to_be_in_viewport()


def test_search_from_the_board_on_a_laptop_never_shows_redacted_words_or_markup(
    new_page, live_server, sign_in, team, workshop, assert_accessible
):
    page = new_page(viewport={"width": 1280, "height": 800})
    sign_in_as(sign_in, page, team.facilitator)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/board/")
    box = page.get_by_label("Search this workshop’s quotes, notes and transcripts")
    box.fill("Brook")
    box.press("Enter")
    expect(page.get_by_role("status")).to_have_text(
        "0 quotes and 0 transcript passages match “Brook”"
    )
    assert_accessible(page)
    search = page.get_by_role("searchbox", name="Search this workshop")
    search.fill("<b>lived</b>")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("match “<b>lived</b>”")
    search.fill("lived")
    page.get_by_role("button", name="Search").click()
    passages = page.get_by_role("region", name="Transcript passages")
    expect(passages).to_contain_text("I lived at [redacted] when the project started.")
    search.fill("")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_role("link", name="Enter the words to search for.")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_facilitator_writes_the_journal_and_a_theme_memo_from_the_board(
    new_page, live_server, sign_in, team, workshop, story, assert_accessible, width
):
    trust = Theme.objects.get(project=team.project, name="Trust")
    highlight_phrase(workshop, story, "built trust, row by row", [trust], by=team.facilitator)
    page = new_page(viewport={"width": width, "height": 800})
    sign_in_as(sign_in, page, team.facilitator)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/board/")
    page.get_by_role("link", name="Write in the journal").click()
    assert_accessible(page)
    assert fits(page, width)
    page.get_by_label("Workshop journal").fill("Quiet start.\nThen everyone spoke.")
    page.get_by_role("button", name="Save the journal").click()
    expect(page.get_by_text("Journal saved.")).to_be_visible()
    journal = page.get_by_role("region", name="Workshop journal")
    expect(journal).to_contain_text("Then everyone spoke.")
    page.get_by_role("link", name="Write the memo on Trust").click()
    page.get_by_label("Memo on Trust").fill("Trust grows slowly.")
    page.get_by_role("button", name="Save the memo").click()
    card = page.get_by_role("region", name="Trust")
    expect(card).to_contain_text("Trust grows slowly.")
    assert_accessible(page)
    assert fits(page, width)
    # The earlier versions stay readable, folded.
    page.get_by_role("link", name="Write in the journal").click()
    page.get_by_label("Workshop journal").fill("Quiet start.")
    page.get_by_role("button", name="Save the journal").click()
    page.get_by_role("link", name="Write in the journal").click()
    page.get_by_text("Version 1, by").click()
    expect(page.get_by_text("Then everyone spoke.")).to_be_visible()
    assert_accessible(page)


def test_two_facilitators_writing_at_once_keep_both_texts(
    new_page, live_server, sign_in, team, workshop, assert_accessible
):
    url = f"{live_server.url}/workshops/{workshop.pk}/journal/"
    first = new_page(java_script_enabled=False)  # the page needs no JavaScript
    second = new_page()  # and axe does
    sign_in_as(sign_in, first, team.facilitator)
    sign_in_as(sign_in, second, team.facilitator2)
    for page in (first, second):
        page.goto(url)
    first.get_by_label("Workshop journal").fill("From the first.")
    second.get_by_label("Workshop journal").fill("From the second.")
    first.get_by_role("button", name="Save the journal").click()
    expect(first.get_by_text("Journal saved.")).to_be_visible()
    second.get_by_role("button", name="Save the journal").click()
    expect(second.get_by_role("alert")).to_contain_text("Someone else saved this memo")
    expect(second.get_by_role("region", name="The newer version (version 1)")).to_contain_text(
        "From the first."
    )
    expect(second.get_by_label("Workshop journal")).to_have_value("From the second.")
    assert_accessible(second)
    second.get_by_label("Workshop journal").fill("From the first. From the second.")
    second.get_by_role("button", name="Save the journal").click()
    expect(second.get_by_text("Journal saved.")).to_be_visible()
    assert Memo.objects.get().text == "From the first. From the second."


def test_a_guest_reads_the_memos_but_is_offered_no_box(
    new_page, live_server, team, workshop, assert_accessible
):
    services.write_memo(
        workshop=workshop, text="We began late.", expected_version=0, by=team.facilitator
    )
    page = new_page()
    join_as_guest(page, live_server, workshop, team)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/board/")
    expect(page.get_by_role("region", name="Workshop journal")).to_contain_text("We began late.")
    expect(page.get_by_role("link", name="Write in the journal")).to_have_count(0)
    page.get_by_role("link", name="Earlier versions of the journal").click()
    expect(page.get_by_role("textbox")).to_have_count(0)
    assert_accessible(page)
    assert fits(page, 360)


def test_search_works_without_javascript(new_page, live_server, team, workshop):
    page = new_page(java_script_enabled=False)
    join_as_guest(page, live_server, workshop, team)
    page.get_by_label("Search this workshop’s quotes, notes and transcripts").fill("beans")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text(
        "0 quotes and 1 transcript passage match “beans”"
    )
    expect(page.get_by_role("region", name="Transcript passages").locator("mark")).to_have_text(
        "beans"
    )
    page.get_by_role("link", name="Open paragraph 1 of Growing together").click()
    expect(page.get_by_role("heading", name="Growing together")).to_be_visible()

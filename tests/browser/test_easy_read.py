"""A guest on a phone or a laptop turns easy read on and off with the keyboard, without losing
their place; both ways pass axe."""

import pytest
from playwright.sync_api import expect

from sensemaking import services
from stories import services as story_services
from tests.factories import ALL_SCOPES, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def font_size(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")


@pytest.mark.parametrize(
    "viewport",
    [{"width": 360, "height": 740}, {"width": 1280, "height": 800}],
    ids=["phone", "laptop"],
)
def test_a_guest_switches_easy_read_on_and_off(
    new_page, live_server, team, assert_accessible, viewport
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    workshop = services.create_workshop(
        project=team.project, title="Spring listening", by=team.facilitator, stories=[story]
    )
    _guest, token = services.invite_guest(
        workshop=workshop, display_name="Dee", by=team.facilitator
    )
    page = new_page(viewport=viewport)
    page.goto(f"{live_server.url}/workshops/join/{token}/")
    expect(page.get_by_role("heading", name="Spring listening")).to_be_visible()
    usual = font_size(page)
    switch = page.get_by_role("button", name="Easy read: off. Turn it on")
    switch.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("button", name="Easy read: on. Turn it off")).to_be_visible()
    expect(page.get_by_role("heading", name="Spring listening")).to_be_visible()
    assert font_size(page) > usual
    expect(page.get_by_text("Choose a story.")).to_be_visible()
    expect(page.get_by_role("heading", name="When you have finished")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page)

    page.get_by_role("link", name="Being heard").click()
    assert font_size(page) > usual  # remembered on the next page
    assert_accessible(page)
    page.get_by_role("button", name="Easy read: on. Turn it off").click()
    expect(page.get_by_role("button", name="Easy read: off. Turn it on")).to_be_visible()
    assert font_size(page) == usual


def test_a_storyteller_on_their_link_reads_their_stories_in_easy_read(
    page, live_server, team, assert_accessible
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    _link, token = story_services.create_storyteller_link(
        storyteller=story.storyteller, by=team.curator
    )
    page.goto(f"{live_server.url}/my/{token}/")
    usual = font_size(page)
    page.get_by_role("button", name="Easy read: off. Turn it on").click()
    expect(page.get_by_text("You can take your story back.")).to_be_visible()
    assert font_size(page) > usual
    expect(page.get_by_role("link", name="Withdraw my story “Being heard”")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    page.get_by_text("History").click()  # folded away in easy read
    expect(page.get_by_text("recorded by the project team")).to_be_visible()

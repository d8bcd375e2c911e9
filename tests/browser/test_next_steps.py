"""An interviewer on a phone and a facilitator on a laptop see what to do next."""

import pytest
from playwright.sync_api import expect

from sensemaking import services
from tests.factories import ALL_SCOPES, PASSWORD, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_draft_says_what_it_needs_and_its_task_list_leads_to_each_step(
    page, live_server, team, sign_in, assert_accessible
):
    make_story(team.project, team.interviewer, title="A seat at the table", transcript=None)
    sign_in(page, team.interviewer, PASSWORD)
    expect(page.get_by_text("Still needs consent and a recording or a transcript")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="A seat at the table").click()

    tasks = page.get_by_role("list").filter(has=page.get_by_role("link", name="Consent"))
    expect(tasks.get_by_role("listitem")).to_have_count(7)
    expect(page.get_by_role("link", name="Consent", exact=True)).to_have_accessible_description(
        "To do"
    )
    expect(tasks.get_by_role("listitem").nth(4)).to_contain_text("Submit for review")
    expect(tasks.get_by_role("listitem").nth(4)).to_contain_text("Cannot start yet")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    page.get_by_role("link", name="Consent", exact=True).click()
    expect(page.get_by_role("heading", name="Record the storyteller’s consent")).to_be_visible()


def test_a_facilitators_dashboard_leads_to_their_workshops_reports_and_codebook(
    new_page, live_server, team, sign_in, assert_accessible
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    services.create_workshop(
        project=team.project, title="Spring listening", by=team.facilitator, stories=[story]
    )
    services.create_report(project=team.project, title="What we heard", by=team.facilitator)
    page = new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, team.facilitator, PASSWORD)
    expect(page.get_by_role("heading", name="Workshops and reports")).to_be_visible()
    expect(page.get_by_role("link", name="What we heard")).to_be_visible()
    expect(page.get_by_role("link", name=f"{team.project.name} codebook")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Spring listening", exact=True).click()
    expect(page.get_by_role("heading", name="Spring listening")).to_be_visible()

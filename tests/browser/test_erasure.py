"""A curator on a phone erases a withdrawn story, then its storyteller, checking what goes first."""

import pytest
from playwright.sync_api import expect

from stories.models import AuditEvent, Story, Storyteller
from tests.factories import ALL_SCOPES, PASSWORD, make_story, make_withdrawn_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_curator_checks_what_will_go_then_erases(
    page, live_server, team, sign_in, assert_accessible
):
    story = make_withdrawn_story(
        team,
        title="A story they took back",
    )
    live = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, title="Still here")
    sign_in(page, team.curator, PASSWORD)

    page.goto(f"{live_server.url}/gather/{live.pk}/erase/")
    expect(page.get_by_role("heading", name="This story can’t be erased")).to_be_visible()
    expect(page.get_by_role("button", name="Erase this story")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"{live_server.url}/gather/{story.pk}/")
    page.get_by_role("link", name="Erase this story now").click()
    expect(page.get_by_role("heading", name="Check what will be erased")).to_be_visible()
    expect(page.get_by_text("Transcript versions")).to_be_visible()
    expect(page.get_by_text("Quotes highlighted in workshops")).to_be_visible()
    expect(page.get_by_text("Report versions affected")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    page.get_by_role("button", name="Erase this story").click()

    expect(page.get_by_text("The withdrawn story is erased")).to_be_visible()
    expect(
        page.get_by_role("heading", name=f"Storyteller {story.storyteller.code}")
    ).to_be_visible()
    expect(page.get_by_text("a withdrawn story erased by")).to_be_visible()
    assert_accessible(page)
    assert not Story.objects.filter(pk=story.pk).exists()

    page.get_by_role("link", name="Erase this storyteller").click()
    expect(page.get_by_role("heading", name="Check what will be erased")).to_be_visible()
    expect(page.get_by_text("their credit name, facts and contact details")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Erase this storyteller").click()
    expect(page.get_by_text("The storyteller is erased")).to_be_visible()
    assert_accessible(page)
    assert not Storyteller.objects.filter(pk=story.storyteller_id).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.STORYTELLER_ERASED).count() == 1
    assert Story.objects.filter(pk=live.pk).exists()

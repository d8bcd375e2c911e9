"""Forms as a person meets them: the day / month / year date input on a phone and a laptop, and
an error summary that names each field and moves to it."""

import datetime

import pytest
from playwright.sync_api import expect

from stories.models import Consent
from tests.factories import PASSWORD, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_uk_date_typed_into_the_three_boxes_is_saved_as_that_date(
    new_page, live_server, sign_in, team, assert_accessible, viewport
):
    story = make_story(team.project, team.interviewer)
    page = new_page(viewport=viewport)
    sign_in(page, team.interviewer, PASSWORD)
    page.goto(f"{live_server.url}/gather/{story.pk}/consent/")
    page.get_by_label("Keep my story in the archive for research").check()
    page.get_by_label("Written consent form").check()
    date = page.get_by_role("group", name="Date consent was given")
    expect(date).to_contain_text("For example, 27 3 2026")
    day = date.get_by_label("Day")
    day.focus()
    page.keyboard.type("27")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.type("2026")
    expect(date.get_by_label("Year")).to_have_value("2026")
    assert day.get_attribute("inputmode") == "numeric"
    box = date.get_by_label("Year").bounding_box()
    assert box["x"] + box["width"] <= viewport["width"]
    assert_accessible(page)
    page.get_by_role("button", name="Save consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    consent = Consent.objects.filter(story=story).latest("version")
    assert consent.obtained_on == datetime.date(2026, 3, 27)


def test_the_error_summary_names_each_field_and_its_links_move_to_the_box_to_fix(
    new_page, live_server, sign_in, team, assert_accessible
):
    story = make_story(team.project, team.interviewer)
    page = new_page(viewport=PHONE)
    sign_in(page, team.interviewer, PASSWORD)
    page.goto(f"{live_server.url}/gather/{story.pk}/consent/")
    page.get_by_label("Keep my story in the archive for research").check()
    date = page.get_by_role("group", name="Date consent was given")
    date.get_by_label("Day").fill("27")
    date.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save consent").click()

    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        summary.get_by_role("link", name="How was consent given? Choose an answer")
    ).to_be_visible()
    month_link = summary.get_by_role("link", name="Date consent was given must include a month")
    expect(month_link).to_be_visible()
    expect(page.get_by_text("This field is required")).to_have_count(0)
    assert_accessible(page)
    month_link.click()
    expect(
        page.get_by_role("group", name="Date consent was given").get_by_label("Month")
    ).to_be_focused()
    expect(date.get_by_label("Day")).to_have_value("27")
    assert not Consent.objects.filter(story=story).exists()

"""Arranging a report in a real browser: places typed in, a tie refused, the compact layout."""

import pytest
from playwright.sync_api import expect

from sensemaking import services
from tests.browser.test_reports import (  # noqa: F401 (findings, published: fixtures)
    QUOTE,
    cells,
    findings,
    published,
    sign_in_as,
)
from tests.factories import highlight_phrase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FUNDING = "Funding forms were the hardest part"


def test_a_facilitator_arranges_the_report_and_a_tie_is_explained(
    new_page, live_server, sign_in, team, request, assert_accessible
):
    seeded = request.getfixturevalue("findings")
    version = request.getfixturevalue("published")  # 1.0, so arranging starts 1.1
    (barriers,) = services.themes_named(team.project, ["Barriers"])
    story = seeded.quote.story
    funding = highlight_phrase(
        seeded.workshop, story, FUNDING, [barriers], by=team.facilitator, key=True
    )
    services.write_finding(
        workshop=seeded.workshop,
        theme=barriers,
        statement="Forms get in the way.",
        quotes=[funding],
        by=team.facilitator,
    )
    page = new_page()
    sign_in_as(sign_in, page, team.facilitator)
    page.goto(f"{live_server.url}/reports/{version.report.slug}/edit/#arrange")
    arrange = page.get_by_role("region", name="Arrange the report")
    expect(arrange.get_by_label("Place of “Having a voice”")).to_have_value("1")
    expect(arrange.get_by_label("Place of “Barriers”")).to_have_value("2")
    assert_accessible(page)

    arrange.get_by_label("Place of “Barriers”").fill("1")
    arrange.get_by_role("button", name="Save the arrangement").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Place of “Barriers”: two themes are at place 1")
    assert_accessible(page)

    arrange = page.get_by_role("region", name="Arrange the report")
    arrange.get_by_label("Place of “Barriers”").fill("1")
    arrange.get_by_label("Place of “Having a voice”").fill("2")
    arrange.get_by_label("Lead quote of “Having a voice”").select_option(label=f"“{QUOTE}” — River")
    arrange.get_by_label("Compact: one table of theme, sub-themes and one quote").check()
    arrange.get_by_role("button", name="Save the arrangement").click()
    expect(page.get_by_text("The arrangement of draft version 1.1 is saved.")).to_be_visible()

    page.goto(f"{live_server.url}/reports/{version.report.slug}/v1.1/")
    overview = page.locator("table.overview-table")
    rows = cells(overview)
    assert rows[0] == ["Theme", "Sub-themes and findings", "Quote"]
    assert [row[0] for row in rows[1:]] == ["Barriers", "Having a voice"]
    assert rows[2][2].splitlines()[0] == "Lead quote" and f"“{QUOTE}”" in rows[2][2]
    assert_accessible(page)

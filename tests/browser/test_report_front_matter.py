"""The report form's front matter in a real browser: the co-authorship line, partners' logos
and "who shared" in the editor's words, without JavaScript needed and checked with axe."""

import pytest
from playwright.sync_api import expect

from sensemaking import services
from sensemaking.models import ReportPartner
from tests.browser.test_reports import findings, sign_in_as  # noqa: F401 a fixture
from tests.factories import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


def logo_loaded(image) -> bool:
    return image.evaluate("image => image.complete && image.naturalWidth > 0")


def test_an_editor_writes_the_front_matter_and_adds_a_partners_logo(
    new_page,
    live_server,
    sign_in,
    team,
    findings,  # noqa: F811 the fixture imported above
    assert_accessible,
    tmp_path,
):
    version = services.create_report(project=team.project, title="Value", by=team.facilitator)
    edit_url = f"{live_server.url}/reports/{version.report.slug}/edit/"
    logo, svg = tmp_path / "peer-voices.png", tmp_path / "open-door.svg"
    logo.write_bytes(image_bytes(300, 100))
    svg.write_bytes(SVG)

    facilitator = new_page()
    sign_in_as(sign_in, facilitator, team.facilitator)
    facilitator.goto(edit_url)
    line = facilitator.get_by_label("Who wrote it, on the cover")
    expect(line).to_have_value(
        "This report was co-authored by about 10 people who shared their stories."
    )
    words = facilitator.get_by_label("Who shared their stories, in your words")
    expect(words).to_have_value(
        "About 10 storytellers shared their stories.\n\n"
        "Storytellers' experience by sector: the most common answers were “Housing” and "
        "“Community and voluntary sector”, 50% of storytellers each.\n"
        "Storytellers' roles in co-production: the most common answers were “Person with lived "
        "experience” and “Carer or family member”, 50% of storytellers each.\n"
        "Storytellers were aged 25 to 54.\n"
        "Storytellers' gender: the most common answers were “Woman” and “Man”, 50% of "
        "storytellers each.\n"
        "No storytellers said they identify as LGBTQIA+.\n"
        "5 of 10 storytellers (50%) consider themselves disabled."
    )
    assert_accessible(facilitator)

    line.fill("Co-authored by the ten storytellers, with Peer Voices and Open Door.")
    words.fill("Half of the storytellers were women.")
    first = facilitator.get_by_role("group", name="Add a partner").first
    first.get_by_label("New partner 1: name").fill("Peer Voices")
    first.get_by_label("New partner 1: logo").set_input_files(logo)
    second = facilitator.get_by_role("group", name="Add a partner").last
    second.get_by_label("New partner 2: name").fill("Open Door")
    second.get_by_label("New partner 2: logo").set_input_files(svg)
    facilitator.get_by_role("button", name="Save draft").click()

    summary = facilitator.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("SVG logos can’t be used.")
    assert not ReportPartner.objects.exists()
    expect(line).to_have_value(
        "Co-authored by the ten storytellers, with Peer Voices and Open Door."
    )
    assert_accessible(facilitator)
    summary.get_by_role("link", name="SVG logos").click()
    expect(facilitator.get_by_label("New partner 2: logo")).to_be_focused()
    facilitator.get_by_label("New partner 1: logo").set_input_files(logo)
    facilitator.get_by_label("New partner 2: logo").set_input_files([])
    facilitator.get_by_role("button", name="Save draft").click()
    expect(facilitator.get_by_text("Draft version 1.0 saved.")).to_be_visible()

    header = facilitator.locator(".report-header")
    expect(header).to_contain_text(
        "Co-authored by the ten storytellers, with Peer Voices and Open Door."
    )
    expect(header).to_contain_text("In partnership with:")
    expect(header.get_by_role("listitem").last).to_have_text("Open Door")
    image = header.get_by_role("img", name="Peer Voices")
    expect(image).to_be_visible()
    assert logo_loaded(image)
    who = facilitator.get_by_role("region", name="Who shared their stories?")
    expect(who).to_contain_text("Half of the storytellers were women.")
    assert_accessible(facilitator)
    logo_url = image.get_attribute("src")

    # Before it is published, nobody outside the team sees the logo, even by its address.
    visitor = new_page()
    assert visitor.goto(f"{live_server.url}{logo_url}").status == 404
    outsider = new_page()
    sign_in(outsider, team.outsider, "a-long-test-password-0451")
    assert outsider.goto(f"{live_server.url}{logo_url}").status == 404

    services.publish_report(version=version, by=team.curator)
    visitor.goto(f"{live_server.url}/reports/{version.report.slug}/")
    image = visitor.locator(".report-header").get_by_role("img", name="Peer Voices")
    expect(image).to_be_visible()
    assert logo_loaded(image)
    assert_accessible(visitor)

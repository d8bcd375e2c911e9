"""Summary reports in a real browser: written, published, read on a phone and on paper."""

import io
import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from sensemaking import services
from sensemaking.models import Report, ReportFile, ReportVersion
from sensemaking.tasks import render_report_pdf
from tests.browser.conftest import wait_until
from tests.factories import ALL_SCOPES, PASSWORD, highlight_phrase, make_story, make_storyteller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Dee: Co-production gave me a voice.\n\n"
    "Dee: Funding forms were the hardest part.\n\n"
    "Dee: By summer the council were asking us for advice."
)
QUOTE = "Co-production gave me a voice"
NAMES = ["River", "Ash", "Birch", "Cedar", "Elm", "Fern", "Hazel", "Ivy", "Juniper", "Linden"]
QUESTIONS = 8  # every question of sensemaking.demographics has an answer to show here
PHONE = 360
A4_WIDTH = 658  # CSS pixels between report-print.css's 18 mm side margins of an A4 page


def demographics(number: int) -> dict:
    """Answers that give every question at least one row big enough to show (5 of 10)."""
    first_half = number < len(NAMES) // 2
    return {
        "gender": "woman" if first_half else "man",
        "age_band": "25-34" if number % 2 else "45-54",
        "disability": "yes" if first_half else "no",
        "sectors": ["community"] if first_half else ["housing"],
        "coproduction_roles": ["lived_experience"] if first_half else ["carer"],
    }


@pytest.fixture
def findings(team):
    """Ten storytellers' stories in a workshop with a theme, a finding and a key quote."""
    stories = [
        make_story(
            team.project,
            team.interviewer,
            scopes=ALL_SCOPES,
            status="submitted",
            transcript=TEXT,
            title=f"Story of {name}",
            storyteller=make_storyteller(
                team.project, team.interviewer, credit_name=name, demographics=demographics(number)
            ),
        )
        for number, name in enumerate(NAMES)
    ]
    workshop = services.create_workshop(
        project=team.project, title="Spring workshop", by=team.facilitator, stories=stories
    )
    (voice,) = services.themes_named(team.project, ["Having a voice"])
    quote = highlight_phrase(workshop, stories[0], QUOTE, [voice], by=team.facilitator, key=True)
    services.write_finding(
        workshop=workshop,
        theme=voice,
        statement="People felt heard.",
        quotes=[quote],
        by=team.facilitator,
    )
    return SimpleNamespace(workshop=workshop, theme=voice, quote=quote)


@pytest.fixture
def published(team, findings):
    """Version 1.0, published, with every section and a wide value-for-all table."""
    version = services.create_report(
        project=team.project, title="Value of co-production", by=team.facilitator
    )
    ReportVersion.objects.filter(pk=version.pk).update(
        purpose="To understand the value of co-production.",
        method="Ten people shared their stories; a workshop made sense of them.",
        challenges="Finding rooms with step-free access.",
        acknowledgements="Thanks to the community centre.",
        co_authors="Dee Peer-Researcher",
        value_table={
            "columns": [
                {"heading": heading, "items": [f"{heading}: an impact worth writing down"] * 3}
                for heading in ("Individuals", "Communities", "Organisations", "Systems")
            ]
        },
    )
    return services.publish_report(
        version=ReportVersion.objects.get(pk=version.pk), by=team.curator
    )


def sign_in_as(sign_in, page, user):
    sign_in(page, user, PASSWORD)
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()


def open_menu_link(page, live_server, name):
    page.goto(live_server.url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def type_into(page, label: str, text: str) -> None:
    """Type as a person does, into the text box that has the focus; then Tab on."""
    # A text box: the arrange part of the edit page has pull-quote lists named after sections.
    expect(page.get_by_role("textbox", name=label)).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Tab")


def tab_to(page, label: str, limit: int = 40) -> None:
    field = page.get_by_label(label)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if field.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached: {label}")


def cells(table) -> list[list[str]]:
    """Return a table's cells as the reader sees them, row by row."""
    return table.evaluate(
        "table => [...table.rows].map(row => [...row.cells].map(cell => cell.innerText.trim()))"
    )


def test_a_facilitator_writes_a_report_a_curator_publishes_it_and_anyone_reads_it(
    new_page, live_server, sign_in, team, findings, assert_accessible
):
    facilitator = new_page()
    sign_in_as(sign_in, facilitator, team.facilitator)
    open_menu_link(facilitator, live_server, "Reports")
    expect(facilitator.get_by_role("heading", name="Summary reports")).to_be_visible()
    expect(facilitator.get_by_text("No reports have been published yet.")).to_be_visible()
    assert_accessible(facilitator)

    facilitator.get_by_role("link", name=f"New report in {team.project.name}").click()
    expect(facilitator.get_by_role("heading", name="New summary report")).to_be_visible()
    assert_accessible(facilitator)
    facilitator.get_by_label("Title of the report").focus()
    facilitator.keyboard.type("Value of co-production")
    facilitator.keyboard.press("Enter")

    expect(facilitator.get_by_role("heading", name="Edit draft version 1.0")).to_be_visible()
    expect(facilitator.get_by_text("Report started.")).to_be_visible()
    expect(facilitator.get_by_label("Title", exact=True)).to_have_value("Value of co-production")
    expect(facilitator.get_by_label("Spring workshop")).to_be_checked()
    assert_accessible(facilitator)

    report_date = facilitator.get_by_role("group", name="Date of the report")
    report_date.get_by_label("Day").fill("20")
    report_date.get_by_label("Month").fill("11")
    report_date.get_by_label("Year").fill("2026")
    tab_to(facilitator, "What was the purpose of this research?")
    type_into(facilitator, "What was the purpose of this research?", "To understand the value.")
    type_into(facilitator, "What did we do?", "We listened to ten stories.")
    # "Who shared", in the editor's words, starts as the sentences worked out from the figures.
    expect(facilitator.get_by_label("Who shared their stories, in your words")).to_be_focused()
    facilitator.keyboard.press("Tab")
    type_into(facilitator, "Challenges", "Rooms with <b>step-free</b> access.")
    # Tabbing into a field selects what is in it, so typing replaces the usual heading.
    expect(facilitator.get_by_label("Column 1: heading")).to_have_value("Impacts on individuals")
    expect(facilitator.get_by_label("Column 1: heading")).to_be_focused()
    facilitator.keyboard.type("Impacts on people")
    facilitator.keyboard.press("Tab")
    expect(facilitator.get_by_label("Column 1: impacts")).to_be_focused()
    facilitator.keyboard.type("Growing in confidence")
    facilitator.keyboard.press("Enter")
    facilitator.keyboard.type("Having a voice")
    facilitator.get_by_label("Column 2: heading").fill("Impacts on services")
    facilitator.get_by_label("Column 2: impacts").fill("Listening earlier")
    facilitator.get_by_label("Column 3: heading").fill("")  # leaves the column out
    facilitator.get_by_label("Co-authors").fill("Dee Peer-Researcher\nSam Partner")
    facilitator.get_by_role("button", name="Save draft").click()

    # The refused field is named at the top, the summary has the focus, and its link leads to
    # the field; what was typed elsewhere is kept.
    summary = facilitator.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("HTML is not allowed")
    expect(facilitator.get_by_label("What did we do?")).to_have_value("We listened to ten stories.")
    expect(facilitator.get_by_label("Column 1: impacts")).to_have_value(
        "Growing in confidence\nHaving a voice"
    )
    assert_accessible(facilitator)
    summary.get_by_role("link").click()
    challenges = facilitator.get_by_role("textbox", name="Challenges")
    expect(challenges).to_be_focused()
    facilitator.keyboard.press("ControlOrMeta+a")
    facilitator.keyboard.type("Rooms with step-free access.")
    facilitator.get_by_role("button", name="Save draft").click()

    expect(facilitator.get_by_text("Draft version 1.0 saved.")).to_be_visible()
    report_url = f"{live_server.url}/reports/{Report.objects.get().slug}/"
    expect(facilitator).to_have_url(re.compile(re.escape(f"{report_url}v1.0/")))
    expect(facilitator.get_by_text("Draft, not public")).to_be_visible()
    expect(facilitator.get_by_text("Version 1.0 · 20 November 2026")).to_be_visible()
    team_panel = facilitator.get_by_role("region", name="For the project team")
    expect(team_panel).to_contain_text("A curator of the project publishes the report.")
    expect(team_panel.get_by_role("button", name="Publish version 1.0")).to_have_count(0)
    assert_accessible(facilitator)

    curator = new_page()
    sign_in_as(sign_in, curator, team.curator)
    curator.goto(report_url)
    curator.get_by_role("button", name="Publish version 1.0").click()
    expect(curator.get_by_text("Version 1.0 is published.")).to_be_visible()
    expect(curator.get_by_role("link", name="Start a new version")).to_be_visible()
    assert_accessible(curator)

    visitor = new_page()
    open_menu_link(visitor, live_server, "Reports")
    expect(visitor.get_by_text("version 1.0")).to_be_visible()
    assert_accessible(visitor)
    visitor.get_by_role("link", name="Value of co-production").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Value of co-production")
    expect(visitor.get_by_text("For the project team")).to_have_count(0)
    expect(visitor.get_by_text("Draft, not public")).to_have_count(0)
    expect(visitor.get_by_role("region", name="What was the purpose")).to_contain_text(
        "To understand the value."
    )
    expect(visitor.get_by_role("region", name="Challenges")).to_contain_text(
        "Rooms with step-free access."
    )

    found = visitor.get_by_role("region", name="What did we find out?")
    theme = found.get_by_role("article", name="Having a voice")
    expect(theme.get_by_role("heading", name="Having a voice")).to_be_visible()
    expect(theme).to_contain_text("People felt heard.")
    expect(theme.locator(".report-quote blockquote")).to_have_text(f"“{QUOTE}”")
    expect(theme.locator(".report-quote figcaption")).to_have_text("— River")

    who = visitor.get_by_role("region", name="Who shared their stories?")
    expect(who).to_contain_text("About 10 storytellers shared their stories.")
    expect(who.get_by_role("img")).to_have_count(QUESTIONS)
    expect(who.locator("svg[role=img]")).to_have_count(QUESTIONS)
    gender_chart = who.get_by_role("img", name="Storytellers' gender")
    expect(gender_chart).to_be_visible()
    gender = who.get_by_role("table", name="Storytellers' gender: number and percentage")
    assert cells(gender) == [
        ["Answer", "Storytellers", "Percentage"],
        ["Woman", "5", "50%"],
        ["Man", "5", "50%"],
    ]
    expect(who.get_by_role("table")).to_have_count(QUESTIONS)

    value = visitor.get_by_role("region", name="Value for all", exact=True)
    assert cells(value.get_by_role("table")) == [
        ["Impacts on people", "Impacts on services"],
        ["Growing in confidence", "Listening earlier"],
        ["Having a voice", ""],
    ]

    thanks = visitor.get_by_role("region", name="Acknowledgements and co-authors")
    # The same headings and names as the PDF and Word file give.
    credited = thanks.get_by_role("list").nth(1)
    expect(thanks.get_by_role("heading", level=3).nth(1)).to_have_text(
        "Storytellers who chose to be credited"
    )
    expect(credited.get_by_role("listitem")).to_have_text(sorted(NAMES))
    expect(thanks.get_by_role("list").first.get_by_role("listitem")).to_have_text(
        ["Dee Peer-Researcher", "Sam Partner"]
    )

    versions = visitor.get_by_role("region", name="Versions")
    expect(versions.get_by_role("listitem")).to_have_count(1)
    expect(versions.get_by_role("listitem")).to_contain_text("Version 1.0 (this page)")
    expect(versions.get_by_role("listitem")).to_contain_text("published")
    assert_accessible(visitor)


def test_the_edit_form_shows_the_saved_report_date(new_page, live_server, sign_in, team, published):
    """The date's three boxes hold the saved day, month and year, so saving keeps it."""
    page = new_page()
    sign_in_as(sign_in, page, team.facilitator)
    page.goto(f"{live_server.url}/reports/{published.report.slug}/edit/")
    report_date = page.get_by_role("group", name="Date of the report")
    saved = published.report_date
    expect(report_date.get_by_label("Day")).to_have_value(str(saved.day))
    expect(report_date.get_by_label("Month")).to_have_value(str(saved.month))
    expect(report_date.get_by_label("Year")).to_have_value(str(saved.year))


def report_url(live_server, published) -> str:
    return f"{live_server.url}/reports/{published.report.slug}/"


def test_the_report_fits_a_phone_and_its_wide_table_scrolls_in_its_own_box(
    new_page, live_server, published, assert_accessible
):
    page = new_page()
    refused = []
    page.on("console", lambda message: message.type == "error" and refused.append(message.text))
    page.goto(report_url(live_server, published))
    expect(page.get_by_role("heading", level=1)).to_have_text("Value of co-production")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    assert page.evaluate("document.body.scrollWidth") <= PHONE

    charts = page.locator("#who svg[role=img]")
    expect(charts).to_have_count(QUESTIONS)
    for chart in charts.all():
        box = chart.bounding_box()
        assert 250 < box["width"] <= PHONE - 32, box  # the page's padding is 1rem each side
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE
    # The numbers' tables fit a phone; the four-column value table scrolls inside its box,
    # which a keyboard can reach and scroll.
    for box in page.locator(".table-scroll").all():
        assert box.evaluate("e => e.getBoundingClientRect().right") <= PHONE
    for table in page.locator("#who .table-scroll").all():
        assert table.evaluate("e => e.scrollWidth <= e.clientWidth")
    wide = page.get_by_role("region", name="Value for all, as a table")
    assert wide.evaluate("e => e.scrollWidth > e.clientWidth")
    wide.focus()
    page.keyboard.press("ArrowRight")
    wait_until(page, "document.querySelector('#value .table-scroll').scrollLeft > 0")

    swatch = page.get_by_role("article", name="Having a voice").locator(".swatch")
    assert swatch.bounding_box()["width"] == 16
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert_accessible(page)
    assert not refused, refused  # nothing broken, nothing refused by the CSP

    page.set_viewport_size({"width": 1280, "height": 800})
    assert_accessible(page)
    assert charts.first.bounding_box()["width"] <= 32 * 16  # capped at 32rem


def test_without_javascript_the_report_offers_no_print_button(new_page, live_server, published):
    page = new_page(java_script_enabled=False)
    page.goto(report_url(live_server, published))
    downloads = page.get_by_role("navigation", name="Download this report")
    expect(downloads.get_by_role("button", name="PDF")).to_be_visible()
    expect(downloads.get_by_role("button", name="Print")).to_be_hidden()


def test_the_pdf_page_follows_the_worker_and_downloads_the_pdf(
    new_page, live_server, published, tmp_path, assert_accessible
):
    page = new_page()
    page.goto(report_url(live_server, published))
    page.get_by_role("button", name="PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Making the PDF of “Value of co-production”"
    )
    progress = page.get_by_role("progressbar")
    expect(progress).to_have_attribute("value", "0")
    expect(page.locator("[data-pdf-step]")).to_have_text("Waiting to start")
    assert_accessible(page)
    pdf = ReportFile.objects.get()
    assert pdf.state == ReportFile.State.QUEUED

    # What the worker reports reaches the open page without a reload.
    page.evaluate("window.notReloaded = true")
    ReportFile.objects.filter(pk=pdf.pk).update(
        state=ReportFile.State.RUNNING, progress=30, step="Laying out the pages"
    )
    expect(page.locator("[data-pdf-step]")).to_have_text("Laying out the pages")
    wait_until(page, "document.querySelector('progress').value === 30")
    assert page.evaluate("window.notReloaded === true")

    # When it is done, the page reloads its own address, which now downloads the PDF.
    with page.expect_download(timeout=20_000) as download_info:
        render_report_pdf.call(pdf.pk, f"{live_server.url}/")
    download = download_info.value
    expect(page.get_by_role("status")).to_contain_text("Ready: the download starts now.")
    wait_until(page, "document.querySelector('progress').value === 100")
    assert download.suggested_filename == "value-of-co-production-v1.0.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    reader = PdfReader(io.BytesIO(saved.read_bytes()))
    text = " ".join(page_.extract_text() for page_ in reader.pages)
    for words in ("Value of co-production", "Having a voice", "People felt heard.", QUOTE):
        assert words in text


def test_a_failed_pdf_is_explained_and_can_be_tried_again(
    new_page, live_server, published, assert_accessible
):
    page = new_page()
    url = f"{report_url(live_server, published)}v1.0/report.pdf"
    page.goto(url)
    expect(page.get_by_role("progressbar")).to_have_count(0)  # opening the address starts nothing
    page.get_by_role("button", name="Make the PDF").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    pdf = ReportFile.objects.get()
    ReportFile.objects.filter(pk=pdf.pk).update(
        state=ReportFile.State.FAILED, error="The PDF could not be made: out of paper"
    )
    expect(page.get_by_role("alert")).to_contain_text("out of paper")  # the script reloads
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    pdf.refresh_from_db()
    assert (pdf.state, pdf.error) == (ReportFile.State.QUEUED, "")


def test_printing_leaves_out_the_site_and_the_team_panel_and_keeps_the_findings(
    new_page, live_server, sign_in, team, published
):
    page = new_page()
    sign_in_as(sign_in, page, team.facilitator)
    page.goto(report_url(live_server, published))
    team_panel = page.get_by_role("region", name="For the project team")
    expect(team_panel).to_be_visible()

    page.emulate_media(media="print")
    for hidden in (
        page.locator(".site-header"),
        page.get_by_role("navigation", name="Main"),
        page.locator(".site-footer"),
        team_panel,
        page.get_by_role("navigation", name="Download this report"),
        page.locator("#versions"),
    ):
        expect(hidden).to_be_hidden()
    findings = page.locator("#findings")
    expect(findings).to_be_visible()
    expect(findings.get_by_text("People felt heard.")).to_be_visible()
    expect(findings.get_by_text(QUOTE)).to_be_visible()
    expect(page.locator("#who svg[role=img]").first).to_be_visible()
    expect(page.locator("#value table")).to_be_visible()
    # Paper cannot scroll: the value table's box does not clip it, and it fits an A4 page.
    wide = page.locator("#value .table-scroll")
    assert wide.evaluate("e => getComputedStyle(e).overflowX") == "visible"
    page.set_viewport_size({"width": A4_WIDTH, "height": 1000})
    assert page.locator("#value table").bounding_box()["width"] <= A4_WIDTH

    page.emulate_media(media="screen")
    expect(team_panel).to_be_visible()


def test_the_codebook_page_passes_axe_with_and_without_an_error(
    new_page, live_server, sign_in, team, findings, assert_accessible
):
    services.themes_named(team.project, ["Money worries"])
    page = new_page()
    sign_in_as(sign_in, page, team.facilitator)
    page.goto(f"{live_server.url}/projects/{team.project.slug}/codebook/")
    expect(page.get_by_role("heading", name="Codebook", exact=True)).to_be_visible()
    expect(page.locator(".topic-list > li")).to_have_text(["Having a voice", "Money worries"])
    assert page.locator(".topic-list .swatch").first.bounding_box()["width"] == 16
    assert_accessible(page)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_be_focused()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE

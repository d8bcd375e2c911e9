"""Word, CSV and Excel outputs of a summary report: made from the compiled report only."""

import csv
import io
import subprocess
import zipfile
from types import SimpleNamespace

import docx
import openpyxl
import pytest
from django.http import HttpResponse
from docx.oxml.ns import qn
from pypdf import PdfReader

from sensemaking import services
from sensemaking.exports import (
    QUOTE_COLUMNS,
    hms,
    quotes_csv,
    quotes_xlsx,
    report_docx,
)
from sensemaking.models import Quote
from sensemaking.reports import compile_report
from stories import services as story_services
from stories.models import Transcript
from stories.transcripts import parse_transcript_file
from tests.factories import ALL_SCOPES, highlight_phrase, make_story, make_storyteller

pytestmark = pytest.mark.django_db

BASE_URL = "https://corpro.example"
VOICE = "Co-production gave me a voice"
FUNDING = "Funding forms were the hardest part"
INJECTION = '=HYPERLINK("https://evil.example","Click me") is what they sent us'
TIMED_TRANSCRIPT = f"""WEBVTT

00:00:05.250 --> 00:00:09.900
{FUNDING}.

01:02:03.500 --> 01:02:08.000
{INJECTION}.
"""


@pytest.fixture(autouse=True)
def small_number(settings):
    settings.REPORT_SMALL_NUMBER = 5


@pytest.fixture
def full(team, story, workshop, reported):
    """The reported workshop plus a public, timed story from an anonymous storyteller, a
    sub-theme, a second finding, a quote that looks like a formula, and every text section."""
    storyteller = make_storyteller(team.project, team.interviewer, credit_preference="anonymous")
    timed = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        transcript=None,
        storyteller=storyteller,
        title="+1 for co-production",
    )
    story_services.add_transcript(
        story=timed,
        parsed=parse_transcript_file(TIMED_TRANSCRIPT.encode(), "talk.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    story_services.submit_story(story=timed, by=team.interviewer)
    story_services.publish_story(story=timed, by=team.curator)
    services.set_workshop_stories(workshop=workshop, stories=[story, timed], by=team.facilitator)

    barriers, money = services.themes_named(team.project, ["Barriers", "Money"])
    services.update_theme(
        theme=money, expected_version=money.version, by=team.facilitator, parent=barriers
    )
    services.update_theme(
        theme=barriers,
        expected_version=barriers.version,
        by=team.facilitator,
        description="What got in the way.\n\nAnd what it cost people.",
    )
    funding = highlight_phrase(workshop, timed, FUNDING, [barriers, money], by=team.facilitator)
    formula = highlight_phrase(
        workshop, timed, INJECTION, [barriers], by=team.facilitator, key=True
    )
    services.write_finding(
        workshop=workshop,
        theme=barriers,
        statement="Forms get in the way.",
        quotes=[funding],
        by=team.facilitator,
    )
    version = reported.version
    version = services.edit_report(
        report=reported.report,
        based_on=f"{version.pk}:{version.lock_version}",
        by=team.facilitator,
        workshops=[workshop],
        # A vertical tab is how Word's manual line break arrives when text is pasted from it.
        purpose="We wanted to understand co-production.\n\nWe asked\x0bpeople directly.",
        method="We used the Community Reporting method.",
        challenges="Funding was hard to find.",
        acknowledgements="Thank you to everyone who took part.",
        co_authors="Peer researcher Ada\nPartner Org",
        value_table={
            "columns": [
                {"heading": "Impacts on individuals", "items": ["Having a voice", "Confidence"]},
                {"heading": "Impacts on organisations", "items": ["Better decisions"]},
            ]
        },
    )
    return SimpleNamespace(
        version=version,
        voice=reported.quote,
        funding=funding,
        formula=formula,
        story=story,
        timed=timed,
    )


def open_docx(compiled):
    return docx.Document(io.BytesIO(report_docx(compiled)))


def paragraphs(document) -> list[tuple[str, str]]:
    return [(paragraph.style.name, paragraph.text) for paragraph in document.paragraphs]


def pictures(document) -> dict[str, str]:
    """Map each picture's title to its alternative text."""
    return {
        element.get("title"): element.get("descr")
        for element in document.element.body.xpath(".//wp:docPr")
    }


def all_text(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    described = list(pictures(document).values())
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells + described)


def tables_by_heading(document) -> dict[str, list[list[str]]]:
    """Map each table to the heading just before it, as rows of cell text."""
    tables, heading = {}, None
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            tables[heading] = [[cell.text for cell in row.cells] for row in block.rows]
        elif block.style.name.startswith("Heading"):
            heading = block.text
    return tables


def csv_rows(compiled) -> tuple[bytes, list[list[str]]]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    quotes_csv(compiled, response, base_url=BASE_URL)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    return response.content, rows


def xlsx_book(compiled):
    return openpyxl.load_workbook(io.BytesIO(quotes_xlsx(compiled, base_url=BASE_URL)))


def test_hms_counts_whole_seconds_and_leaves_unknown_times_blank():
    assert hms(None) == ""
    assert hms(0) == "0:00:00"
    assert hms(5.99) == "0:00:05"
    assert hms(3723.5) == "1:02:03"
    assert hms(36000) == "10:00:00"


def test_word_document_has_the_reports_structure_in_real_heading_styles(full):
    compiled = compile_report(full.version)
    document = open_docx(compiled)
    found = paragraphs(document)

    assert found[0] == ("Title", "Value of co-production")
    # The fixture is a draft, and the document says so wherever it goes.
    assert found[1][0] == "Subtitle"
    assert found[1][1].startswith("Version 1.0 · ") and found[1][1].endswith(" · Draft, not public")
    assert [text for style, text in found if style == "Heading 1"] == [
        "What was the purpose of this research?",
        "What did we do?",
        "Who shared their stories?",
        "What did we find out?",
        "Challenges",
        "Value for all",
        "Acknowledgements and co-authors",
    ]
    themes = [text for style, text in found if style == "Heading 2"]
    assert "Having a voice" in themes and "Barriers" in themes
    # Text sections become one paragraph per blank-line-separated block.
    purpose = found.index(("Heading 1", "What was the purpose of this research?"))
    assert found[purpose + 1 : purpose + 3] == [
        ("Normal", "We wanted to understand co-production."),
        ("Normal", "We asked\npeople directly."),  # the pasted break is a line break again
    ]
    assert ("List Bullet", "Money") in found  # Barriers' sub-theme
    assert ("Normal", "And what it cost people.") in found
    assert "removed at the storyteller" not in all_text(document)

    properties = document.core_properties
    assert properties.title == "Value of co-production"
    assert properties.subject == "Community Reporting summary report"
    assert properties.author == "" and "python-docx" not in properties.comments


def test_word_document_quotes_each_finding_with_its_credit(full):
    found = paragraphs(open_docx(compile_report(full.version)))

    heard = found.index(("Normal", "People felt heard."))
    # A finding's quote that is a key quote of its theme says so.
    assert found[heard + 1] == ("Quote", f"Key quote\n“{VOICE}”\n— River")
    forms = found.index(("Normal", "Forms get in the way."))
    assert found[forms + 1] == ("Quote", f"“{FUNDING}”\n— Anonymous storyteller")
    # The key quote already supports a finding of its theme, so it is not printed twice.
    assert sum(VOICE in text for _, text in found) == 1


def test_word_document_tables_repeat_their_header_row_and_describe_themselves(full):
    document = open_docx(compile_report(full.version))
    tables = tables_by_heading(document)

    assert tables["Value for all"] == [
        ["Impacts on individuals", "Impacts on organisations"],
        ["Having a voice", "Better decisions"],
        ["Confidence", ""],
    ]
    for table in document.tables:
        header = table.rows[0]._tr
        assert header.trPr is not None and header.trPr.find(qn("w:tblHeader")) is not None
        assert table._tbl.tblPr.find(qn("w:tblCaption")) is not None
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)


def test_word_document_credits_co_authors_and_storytellers_but_never_names_a_code(full):
    compiled = compile_report(full.version)
    data = report_docx(compiled)
    found = paragraphs(docx.Document(io.BytesIO(data)))

    acknowledgements = found.index(("Heading 1", "Acknowledgements and co-authors"))
    rest = found[acknowledgements + 1 :]
    assert ("Normal", "Thank you to everyone who took part.") in rest
    assert ("List Bullet", "Peer researcher Ada") in rest
    assert ("List Bullet", "Partner Org") in rest
    credited = rest.index(("Heading 2", "Storytellers who chose to be credited"))
    assert rest[credited + 1] == ("List Bullet", "River")
    codes = {quote.storyteller_code for quote in compiled.quotes}
    assert len(codes) == 2
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = b"".join(package.read(name) for name in package.namelist())
    assert not any(code.encode() in xml for code in codes)


def test_word_document_says_so_when_there_are_too_few_storytellers_to_describe(reported):
    document = open_docx(compile_report(reported.version))

    found = paragraphs(document)
    who = found.index(("Heading 1", "Who shared their stories?"))
    assert found[who + 1] == (
        "Normal",
        "Fewer than 5 storytellers shared their stories, so no figures about them are shown.",
    )
    assert found[who + 2] == ("Heading 1", "What did we find out?")
    assert document.tables == []


@pytest.fixture
def counted(team, story, workshop, reported):
    """A draft report whose ten storytellers gave enough answers for a chart of their gender."""
    # Ten storytellers: five women, one man, four who did not say; two of the women are White
    # British and nobody else gave an ethnicity.
    answers = [{"gender": "woman", "ethnicity": "white_british"}] * 2
    answers += [{"gender": "woman"}] * 3 + [{"gender": "man"}] + [{}] * 3
    stories = [story]
    for demographics in answers:
        storyteller = make_storyteller(team.project, team.interviewer, demographics=demographics)
        stories.append(
            make_story(
                team.project,
                team.interviewer,
                scopes=ALL_SCOPES,
                status="submitted",
                storyteller=storyteller,
            )
        )
    services.set_workshop_stories(workshop=workshop, stories=stories, by=team.facilitator)
    # A draft's figures are counted when it is saved, never on a visit.
    draft = services.edit_report(
        report=reported.report,
        based_on=f"{reported.version.pk}:{reported.version.lock_version}",
        by=team.facilitator,
        workshops=[workshop],
    )
    return compile_report(draft)


def test_word_document_shows_demographic_tables_with_small_numbers_hidden(counted):
    document = open_docx(counted)
    found = paragraphs(document)
    # How numbers are rounded is said once, before the tables, not under each one.
    rounded = [text for _, text in found if text.startswith("Numbers are rounded")]
    assert len(rounded) == 1
    assert found.index(("Normal", rounded[0])) < found.index(("Heading 2", "Storytellers' gender"))
    tables = tables_by_heading(document)

    assert ("Normal", "About 10 storytellers shared their stories.") in found
    # One man would be identifiable; "Not answered" is hidden too so he can't be worked out.
    # A hidden row's number and percentage are one merged cell (Word lists it in both).
    assert tables["Storytellers' gender"] == [
        ["Answer", "Storytellers", "Percentage"],
        ["Woman", "5", "50%"],
        ["Man", "not shown", "not shown"],
        ["Not answered", "not shown", "not shown"],
    ]
    (gender_table,) = [
        t for t in document.tables if t.cell(0, 0).text == "Answer" and t.cell(1, 0).text == "Woman"
    ]
    man = gender_table.rows[2].cells
    assert man[1]._tc is man[2]._tc
    gender = found.index(("Heading 2", "Storytellers' gender"))
    following = [text for _, text in found[gender + 1 : gender + 5]]
    assert any("fewer than 5 storytellers" in text for text in following)
    # The chart is a picture whose alternative text gives its numbers in words.
    assert "Of about 10 storytellers: Woman: 5 (50%)." in pictures(document)["Storytellers' gender"]
    # Every ethnicity count is too small to show, so that heading has notes and no table.
    assert "Storytellers' ethnicity" not in tables
    ethnicity = found.index(("Heading 2", "Storytellers' ethnicity"))
    assert "we do not show this breakdown" in found[ethnicity + 1][1]
    assert found[ethnicity + 2][0] == "Heading 2"
    text = all_text(document)  # the man is 10%, the hidden "Not answered" 40%
    assert "10%" not in text and "40%" not in text and "White British" not in text


def test_csv_has_a_row_per_quote_with_its_themes_code_and_times(full):
    compiled = compile_report(full.version)
    content, rows = csv_rows(compiled)

    assert content.startswith(b"\xef\xbb\xbf")  # so Excel reads it as UTF-8
    assert rows[0] == [heading for heading, _ in QUOTE_COLUMNS]
    by_id = {int(row[0]): dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_id) == {full.voice.pk, full.funding.pk, full.formula.pk}
    voice, funding = by_id[full.voice.pk], by_id[full.funding.pk]
    assert voice["Theme in the report"] == voice["Tagged with"] == "Having a voice"
    assert voice["Quote"] == VOICE and voice["Credit"] == "River"
    assert voice["Storyteller code"] == full.story.storyteller.code
    assert voice["Start (seconds)"] == voice["Start (h:mm:ss)"] == ""  # an untimed transcript
    assert voice["Key quote"] == "yes"
    assert voice["Link to the moment in the public story"] == ""  # the story is not public
    # Money is a sub-theme of Barriers: the report presents the quote under Barriers.
    assert funding["Theme in the report"] == "Barriers"
    assert funding["Tagged with"] == "Barriers; Money"
    assert funding["Credit"] == "Anonymous storyteller"
    assert funding["Story"] == "'+1 for co-production"
    assert funding["Storyteller code"] == full.timed.storyteller.code
    assert (funding["Start (seconds)"], funding["Start (h:mm:ss)"]) == ("5.25", "0:00:05")
    assert (funding["End (seconds)"], funding["End (h:mm:ss)"]) == ("9.9", "0:00:09")
    assert by_id[full.formula.pk]["End (h:mm:ss)"] == "1:02:08"
    assert funding["Key quote"] == "no"
    link = f"{BASE_URL}/stories/{full.timed.pk}/?t=5#player"
    assert funding["Link to the moment in the public story"] == link


def test_excel_workbook_has_the_same_rows_and_an_about_sheet(full):
    compiled = compile_report(full.version)
    _, csv_table = csv_rows(compiled)
    book = xlsx_book(compiled)

    assert book.sheetnames == ["Quotes", "About"]
    sheet = book["Quotes"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["D"].width >= 60  # the quote column is wide enough to read
    values = [
        ["" if value is None else str(value) for value in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    assert values == csv_table
    (funding_row,) = [row for row in sheet.iter_rows(min_row=2) if row[0].value == full.funding.pk]
    assert funding_row[7].value == 5.25 and funding_row[7].data_type == "n"
    assert funding_row[-1].hyperlink.target == funding_row[-1].value

    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Report"] == "Value of co-production"
    assert about["Version"].startswith("1.0 (draft")
    assert about["Exported"]
    assert "consent" in about["Consent"]


def test_spreadsheet_files_never_run_a_quote_as_a_formula(full):
    compiled = compile_report(full.version)
    _, rows = csv_rows(compiled)
    book = xlsx_book(compiled)

    (csv_row,) = [row for row in rows[1:] if row[0] == str(full.formula.pk)]
    assert csv_row[3] == f"'{INJECTION}"
    sheet = book["Quotes"]
    (cell,) = [row[3] for row in sheet.iter_rows(min_row=2) if row[0].value == full.formula.pk]
    assert cell.value == f"'{INJECTION}" and cell.data_type == "s"
    # The Word document is not a spreadsheet: it quotes the words as they were said.
    found = paragraphs(open_docx(compiled))
    key_quotes = found.index(("Heading 3", "Key quotes"))
    assert found[key_quotes + 1] == (
        "Quote",
        f"Key quote\n“{INJECTION}”\n— Anonymous storyteller",
    )


def test_outputs_read_nothing_from_the_database(full, django_assert_num_queries):
    compiled = compile_report(full.version)
    with django_assert_num_queries(0):
        report_docx(compiled)
        quotes_csv(compiled, io.StringIO(), base_url=BASE_URL)
        quotes_xlsx(compiled, base_url=BASE_URL)


def test_withdrawn_quote_consent_removes_the_words_from_every_output(full, team):
    published = services.publish_report(version=full.version, by=team.curator)
    before = compile_report(published)
    assert VOICE in all_text(open_docx(before))
    assert VOICE in csv_rows(before)[0].decode("utf-8-sig")

    story_services.change_consent_scopes(
        story=full.story,
        scopes={**ALL_SCOPES, "quote_anonymous": False, "quote_credited": False},
        by=team.interviewer,
    )
    after = compile_report(published)
    document = open_docx(after)
    content, rows = csv_rows(after)
    book = xlsx_book(after)

    assert VOICE not in all_text(document)
    assert after.removed_notice in [text for _, text in paragraphs(document)]
    assert after.removed_notice.startswith("1 quote from this version was removed")
    assert ("Normal", "People felt heard.") in paragraphs(document)  # the finding itself stays
    assert VOICE not in content.decode("utf-8-sig")
    assert {row[0] for row in rows[1:]} == {str(full.funding.pk), str(full.formula.pk)}
    sheet_text = [str(v) for row in book["Quotes"].iter_rows(values_only=True) for v in row]
    assert not any(VOICE in value for value in sheet_text)
    assert [row[0].value for row in book["Quotes"].iter_rows(min_row=2)] == [
        full.funding.pk,
        full.formula.pk,
    ]
    assert Quote.objects.filter(pk=full.voice.pk).exists()  # kept, just no longer usable


def test_word_document_is_a4_numbered_with_contents_and_charts_when_libreoffice_renders_it(
    counted, tmp_path
):
    source = tmp_path / "report.docx"
    source.write_bytes(report_docx(counted))
    # LibreOffice opens it as Word would, without repair, and lays it out as a PDF.
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    reader = PdfReader(tmp_path / "report.pdf")
    pages = reader.pages
    assert 2 <= len(pages) <= 6
    for page in pages:  # A4 is 595 x 842 points
        assert (round(page.mediabox.width), round(page.mediabox.height)) == (595, 842)
    texts = [page.extract_text() for page in pages]
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(pages)}" in text
    contents = texts[0][texts[0].index("Contents") :]
    for heading in ("Who shared their stories?", "Storytellers' gender", "What did we find out?"):
        assert heading in contents
    # The gender chart is drawn as a picture on the page that has its heading and table (the
    # contents lists the heading too).
    (chart_page,) = [
        page
        for page, text in zip(pages, texts, strict=True)
        if "Storytellers' gender\nAnswer Storytellers Percentage" in text
    ]
    assert any(image.image.width >= 800 for image in chart_page.images)
    styles = docx.Document(source).styles
    assert styles["Normal"].font.name == "Arial" and styles["Heading 1"].font.name == "Arial"

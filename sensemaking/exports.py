"""Word, CSV and Excel outputs of a summary report, all made from the compiled report.

compile_report has already applied consent, and nothing here reads the database, so an output
holds exactly what the compiled report held when it was made. The Word document is public (it
never names a storyteller code); the CSV and Excel files of quotes are for the project team.
"""

import csv
import io
import re
from collections.abc import Iterable
from datetime import date
from typing import TextIO
from urllib.parse import urljoin

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.translation import to_locale
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from sensemaking import word
from sensemaking.demographics import bar_chart_png, format_percent
from sensemaking.reports import (
    KEY_QUOTE,
    KEY_QUOTES,
    LEAD_QUOTE,
    NO_FINDINGS,
    OVERVIEW_HEADINGS,
    CompiledReport,
    ReportQuote,
)
from stories.text import UNREADABLE, neutralise_formula

SUBJECT = "Community Reporting summary report"

QUOTE_COLUMNS = (  # (heading, width in characters for the Excel file)
    ("Quote id", 10),
    ("Theme in the report", 30),
    ("Tagged with", 30),
    ("Quote", 80),
    ("Credit", 24),
    ("Story", 30),
    ("Storyteller code", 17),
    ("Start (seconds)", 16),
    ("Start (h:mm:ss)", 16),
    ("End (seconds)", 15),
    ("End (h:mm:ss)", 15),
    ("Key quote", 10),
    ("Link to the moment in the public story", 60),
)
# Text pasted from Word brings its line and page breaks as vertical tab and form feed.
WORD_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
BLANK_LINE = re.compile(r"\n[ \t]*\n")


def hms(seconds: float | None) -> str:
    """Return a time in a recording as h:mm:ss, in whole seconds rounded down ("" if unknown).

    Rounding down matches the public story's link to the moment, which starts at int(seconds).
    """
    if seconds is None:
        return ""
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02}:{second:02}"


# Word --------------------------------------------------------------------------------------------


def report_docx(compiled: CompiledReport, *, extracts=(), base_url: str = "") -> bytes:
    """Return the report as a Word document to edit further: A4, real headings, tables, charts.

    `extracts` (reports.playlist) are listed at the end with links made absolute by `base_url`.
    """
    document = word.new_document()
    headings = word.Headings(document)
    _describe_document(document, compiled)
    document.add_heading(_clean(compiled.title), level=0)
    draft = "" if compiled.version.is_published else f" · {compiled.draft_notice}"
    document.add_paragraph(f"{compiled.version_line}{draft}", style="Subtitle")
    _add_front(document, compiled)
    if compiled.removed:
        document.add_paragraph(compiled.removed_notice)
    contents = document.add_paragraph("Contents", style="TOC Heading")

    for _, heading, text in compiled.opening_sections:
        _add_section(headings, heading, text)
    _add_who(headings, compiled)
    if "who" in compiled.pull_quotes:
        _add_quote(document, compiled.pull_quotes["who"])
    _add_findings(headings, compiled)
    for anchor, heading, text in compiled.closing_sections:
        _add_section(headings, heading, text)
        if anchor == "challenges" and "challenges" in compiled.pull_quotes:
            _add_quote(document, compiled.pull_quotes["challenges"])
    if compiled.value_headings and compiled.value_rows:
        headings.add("Value for all", level=1)
        rows = compiled.value_rows
        if compiled.has_value_pull_quotes:
            rows = [*rows, ["" for _ in compiled.value_headings]]
        table = _add_table(document, compiled.value_headings, rows, caption="Value for all")
        if compiled.has_value_pull_quotes:  # the quote under each column, as its last row
            for cell, quote in zip(table.rows[-1].cells, compiled.value_pull_quotes, strict=True):
                if quote:
                    _write_quote(cell.paragraphs[0], quote)
    if "closing" in compiled.pull_quotes:
        _add_quote(document, compiled.pull_quotes["closing"])
    _add_acknowledgements(headings, compiled)
    if extracts:
        headings.add("Listen to extracts", level=1)
        document.add_paragraph(
            "Short extracts from the stories, in the storytellers' own voices. "
            "Open a link to listen."
        )
        for extract in extracts:
            item = document.add_paragraph(style="List Number")
            word.add_link(item, urljoin(base_url, extract.path), f"“{_clean(extract.text)}”")
            item.add_run(f" — {_clean(extract.credit)}")
    headings.contents_after(contents)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _describe_document(document, compiled: CompiledReport) -> None:
    """Fill in the file's properties, replacing python-docx's own; name no storyteller."""
    properties = document.core_properties
    properties.title = _clean(compiled.title)
    properties.subject = SUBJECT
    properties.keywords = "Community Reporting"
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.version = compiled.number
    properties.revision = 1
    properties.created = properties.modified = timezone.now()
    language = to_locale(settings.LANGUAGE_CODE).replace("_", "-")
    properties.language = language
    # Word checks spelling, and screen readers pronounce, in the document's default language.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_defaults.append(lang)
    lang.set(qn("w:val"), language)


def _add_front(document, compiled: CompiledReport) -> None:
    """The co-authorship line and the partners, under the title as on the other covers."""
    document.add_paragraph(_clean(compiled.co_authorship))
    if not compiled.partners:
        return
    document.add_paragraph(f"{compiled.partners_heading}:")
    row = document.add_paragraph()
    for number, partner in enumerate(compiled.partners):
        if number:
            row.add_run("    ")
        if partner.logo_path:
            word.add_logo(row, partner.logo_png, description=_clean(partner.name))
        else:
            row.add_run(_clean(partner.name))


def _add_section(headings: word.Headings, heading: str, text: str) -> None:
    headings.add(_clean(heading), level=1)
    _add_paragraphs(headings.document, text)


def _add_paragraphs(document, text: str) -> None:
    """Add one paragraph per blank-line-separated block; single line breaks are kept."""
    text = _clean(text).replace("\r\n", "\n").replace("\r", "\n").strip()
    for block in BLANK_LINE.split(text):
        if block.strip():
            document.add_paragraph(block.strip())


def _add_who(headings: word.Headings, compiled: CompiledReport) -> None:
    who, note = compiled.who, compiled.who_note
    document = headings.document
    headings.add("Who shared their stories?", level=1)
    if who.total == 0:
        document.add_paragraph("No stories are part of this report yet.")
        return
    if who.suppressed:
        document.add_paragraph(
            f"{who.total_display} shared their stories, so no figures about them are shown."
        )
        _add_paragraphs(document, compiled.who_words)
        return
    _add_paragraphs(document, compiled.who_words)
    document.add_paragraph(note)
    for shared in compiled.shared_notes:
        document.add_paragraph(shared)
    for table, _, notes in compiled.charts:
        headings.add(table.heading, level=2)
        if not table.hidden:
            # The chart, with the table's words as its alternative text; then its numbers.
            png, width, _ = bar_chart_png(table)
            word.add_picture(
                document,
                png,
                width_points=width * 3 // 4,  # its labels then match the body text's size
                title=table.heading,
                description=table.text_alternative,
            )
            _add_table(
                document,
                ["Answer", "Storytellers", "Percentage"],
                [
                    [row.label, row.display, None]
                    if row.suppressed
                    else [row.label, str(row.count), format_percent(row.percent)]
                    for row in table.rows
                ],
                caption=table.heading,
                description=table.text_alternative,
                numeric={1, 2},
            )
        for own in notes:
            document.add_paragraph(own)


def _add_findings(headings: word.Headings, compiled: CompiledReport) -> None:
    document = headings.document
    headings.add("What did we find out?", level=1)
    if not compiled.themes:
        document.add_paragraph(NO_FINDINGS)
    if compiled.is_compact and compiled.themes:
        _add_overview(document, compiled)
        return
    for theme in compiled.themes:
        headings.add(_clean(theme.name), level=2)
        if theme.lead_quote:
            _add_quote(document, theme.lead_quote, label=LEAD_QUOTE)
        _add_paragraphs(document, theme.description)
        if theme.sub_themes:
            document.add_paragraph("Sub-themes:")
            for name in theme.sub_themes:
                document.add_paragraph(_clean(name), style="List Bullet")
        for finding in theme.findings:
            document.add_paragraph(_clean(finding.statement))
            for quote in finding.quotes:
                _add_quote(document, quote, label=theme.label_of(quote))
        if theme.other_key_quotes:
            document.add_heading(KEY_QUOTES, level=3)
            for quote in theme.other_key_quotes:
                _add_quote(document, quote, label=KEY_QUOTE)


def _add_overview(document, compiled: CompiledReport) -> None:
    """The compact layout: one table of each theme, its sub-themes and findings, one quote."""
    rows = [
        [
            theme.name,
            "\n".join(
                f"• {point}"
                for point in [*theme.sub_themes, *(finding.statement for finding in theme.findings)]
            ),
            "",
        ]
        for theme in compiled.themes
    ]
    # Six themes with their quotes run past a page: the table breaks, between themes.
    table = _add_table(
        document, list(OVERVIEW_HEADINGS), rows, caption="What did we find out?", together=False
    )
    for row, theme in zip(table.rows[1:], compiled.themes, strict=True):
        if quote := theme.overview_quote:
            _write_quote(row.cells[2].paragraphs[0], quote, label=theme.overview_label)


def _add_quote(document, quote: ReportQuote, *, label: str = "") -> None:
    _write_quote(document.add_paragraph(style="Quote"), quote, label=label)


def _write_quote(paragraph, quote: ReportQuote, *, label: str = "") -> None:
    """Write a quote's label (if it has one), words and credit into the paragraph."""
    if label:
        # Not italic like the words: it says what the quote is, as the web page and PDF do.
        run = paragraph.add_run(label)
        run.bold, run.italic = True, False
        run.font.color.rgb = word.ACCENT
        run.add_break()
    paragraph.add_run(f"“{_clean(quote.text).strip()}”").italic = True  # in a table cell too
    paragraph.add_run().add_break()
    paragraph.add_run(f"— {_clean(quote.credit)}")


def _add_acknowledgements(headings: word.Headings, compiled: CompiledReport) -> None:
    document = headings.document
    if not compiled.acknowledgements and not compiled.credits:
        return
    headings.add("Acknowledgements and co-authors", level=1)
    _add_paragraphs(document, compiled.acknowledgements)
    for heading, names in compiled.credits:
        headings.add(heading, level=2)
        word.set_columns(document, 3)
        for name in names:
            document.add_paragraph(_clean(name), style="List Bullet")
        word.set_columns(document, 1)
        if names is compiled.storyteller_credits:
            document.add_paragraph(compiled.unnamed_storytellers)


def _add_table(
    document,
    headings: list[str],
    rows: Iterable[list[str | None]],
    *,
    caption: str,
    description: str = "",
    numeric: set[int] = frozenset(),
    together: bool = True,
):
    """Add a table whose first row Word repeats on every page and reads out as headers; return it.

    No row breaks across pages, and `together` keeps the table on one page if it fits one.
    A None value merges that cell into the one on its left, as a hidden row's two numbers are.
    """
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, heading in zip(header.cells, headings, strict=True):
        cell.paragraphs[0].add_run(_clean(heading)).bold = True
    for values in rows:
        cells = list(table.add_row().cells)
        for index, value in enumerate(values):
            if value is None:
                cells[index] = cells[index - 1].merge(cells[index])
            else:
                cells[index].text = _clean(value)
    # Alternative text, shown in Word's Table Properties and read by screen readers.
    properties = table._tbl.tblPr
    for tag, value in (("w:tblCaption", caption), ("w:tblDescription", description)):
        if value:
            element = OxmlElement(tag)
            element.set(qn("w:val"), _clean(value))
            properties.append(element)
    word.align_numbers(table, numeric)
    word.keep_rows_whole(table, with_next=together)
    return table


def _long_date(value: date) -> str:
    return dateformat.format(value, "j F Y")


def _clean(value: str) -> str:
    return UNREADABLE.sub("", (value or "").translate(WORD_BREAKS))


# CSV and Excel -----------------------------------------------------------------------------------


def quote_rows(compiled: CompiledReport, *, base_url: str) -> list[list]:
    """Return one row per quote the report may use, in QUOTE_COLUMNS order, safe to open.

    Text is stripped of characters a spreadsheet cannot hold and kept from running as a formula;
    times are numbers (seconds, None when unknown) and h:mm:ss text.
    """
    return [
        [
            quote.id,
            _cell("; ".join(quote.report_themes)),
            _cell("; ".join(quote.themes)),
            _cell(quote.text),
            _cell(quote.credit),
            _cell(quote.story_title),
            _cell(quote.storyteller_code),
            _seconds(quote.start_seconds),
            hms(quote.start_seconds),
            _seconds(quote.end_seconds),
            hms(quote.end_seconds),
            "yes" if quote.is_key else "no",
            _cell(urljoin(base_url, quote.public_url)) if quote.public_url else "",
        ]
        for quote in compiled.quotes
    ]


def quotes_csv(compiled: CompiledReport, out: TextIO, *, base_url: str) -> None:
    """Write the report's quotes as CSV to a text stream, for the project team.

    The file starts with a UTF-8 byte order mark so that Excel reads it as UTF-8 (without one it
    guesses the local code page and garbles curly quotes and accents). `out` must encode as
    UTF-8: an HttpResponse with charset=utf-8, or a file opened with encoding="utf-8" (not
    "utf-8-sig", which would add a second mark) and newline="".
    """
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([heading for heading, _ in QUOTE_COLUMNS])
    for row in quote_rows(compiled, base_url=base_url):
        writer.writerow([_csv_value(value) for value in row])


def quotes_xlsx(compiled: CompiledReport, *, base_url: str) -> bytes:
    """Return the report's quotes as an Excel workbook, with an "About" sheet, for the team."""
    rows = quote_rows(compiled, base_url=base_url)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Quotes")
    # A write-only sheet takes its layout before its first row.
    for index, (_, width) in enumerate(QUOTE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(QUOTE_COLUMNS))}{len(rows) + 1}"
    bold, link = Font(bold=True), Font(color="0563C1", underline="single")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    sheet.append([_styled(sheet, heading, font=bold) for heading, _ in QUOTE_COLUMNS])
    quote_column = [heading for heading, _ in QUOTE_COLUMNS].index("Quote")
    for row in rows:
        cells = [
            _styled(sheet, value, alignment=wrap if index == quote_column else top)
            for index, value in enumerate(row)
        ]
        if row[-1]:
            cells[-1].hyperlink = row[-1]
            cells[-1].font = link
        sheet.append(cells)

    about = workbook.create_sheet("About")
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 100
    for label, value in _about(compiled):
        about.append([_styled(about, label, font=bold), _styled(about, value, alignment=wrap)])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _about(compiled: CompiledReport) -> list[tuple[str, str]]:
    exported = timezone.localtime()
    state = "published" if compiled.version.is_published else "draft, not yet published"
    lines = [
        ("Report", _cell(compiled.title)),
        ("Version", f"{compiled.number} ({state}), dated {_long_date(compiled.date)}"),
        ("Exported", f"{dateformat.format(exported, 'j F Y, H:i')} ({exported.tzname()})"),
        ("Quotes", f"{len(compiled.quotes)}, one on each row of the “Quotes” sheet"),
        (
            "Consent",
            "These are the quotes that storytellers’ consent allowed when this file was "
            "exported. Storytellers can change or withdraw consent at any time: export again "
            "before using any quote, and delete old copies of this file.",
        ),
    ]
    if compiled.removed:
        lines.append(
            (
                "Removed",
                f"{compiled.removed} of this version’s quotes were removed at their "
                f"storytellers’ request.",
            )
        )
    lines.append(
        (
            "Who may see this",
            "The project team only: it holds storyteller codes and quotes from stories that "
            "are not public. Do not publish it.",
        )
    )
    return lines


def _styled(sheet, value, *, font: Font | None = None, alignment: Alignment | None = None):
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _cell(value: str) -> str:
    # Clean first: dropping a control character could otherwise uncover a leading "=".
    return neutralise_formula(_clean(value))


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)

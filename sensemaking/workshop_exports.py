"""A workshop's quotes as files, as Taguette exports highlights: one theme or all of them, as
CSV, Excel, a web page and a Word document of quotes by theme.

The quotes follow the rule of the team's data files (Use.DATA, as a report's quotes CSV): a
file that leaves the app holds only quotes of stories whose storyteller agrees to sense-making
and to being quoted, and that the person downloading may open. A story its storyteller
withdrew never goes in, and words redacted since a quote was made are shown as [redacted]. The
files are for the people who run the workshop: they hold quotes from stories that are not public.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from docx.oxml import OxmlElement
from docx.text.paragraph import Paragraph
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from sensemaking import word as word_styles
from sensemaking.anonymity import quote_credit
from sensemaking.exports import _cell, _clean, _csv_value, _seconds, _styled, hms
from sensemaking.models import Quote, QuoteTheme, Theme, Workshop
from sensemaking.services import hide_redacted_words
from stories.access import Use

FORMATS = {  # format: (file extension, content type, what people call it)
    "csv": ("csv", "text/csv; charset=utf-8", "CSV"),
    "xlsx": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel",
    ),
    "html": ("html", "text/html; charset=utf-8", "Web page"),
    "docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
    ),
}
NO_THEME = "No theme yet"
COLUMNS = (  # (heading, width in characters for the Excel file)
    ("Theme", 26),
    ("Quote", 80),
    ("Story", 30),
    ("Quoted", 20),
    ("Start (seconds)", 16),
    ("Start (h:mm:ss)", 16),
    ("End (seconds)", 15),
    ("End (h:mm:ss)", 15),
    ("Note", 40),
    ("Highlighted by", 20),
    ("Key quote", 10),
    ("Quote id", 10),
)
CONSENT_NOTE = (
    "These are the quotes that storytellers’ consent allowed when this file was made. "
    "Storytellers can change or withdraw consent at any time: download again before using any "
    "quote, and delete old copies. For the workshop’s team only: do not publish it."
)


@dataclass(frozen=True)
class ExportedQuote:
    id: int
    text: str
    story_title: str
    credit: str  # as the report would credit the storyteller, or "Anonymous storyteller"
    start_seconds: float | None
    end_seconds: float | None
    note: str
    highlighted_by: str
    is_key: bool

    @property
    def when(self) -> str:
        """The time in the recording as h:mm:ss (to h:mm:ss), or "" if not known."""
        if self.start_seconds is None:
            return ""
        if self.end_seconds is None:
            return hms(self.start_seconds)
        return f"{hms(self.start_seconds)} to {hms(self.end_seconds)}"


@dataclass(frozen=True)
class Section:
    name: str
    description: str
    depth: int  # 0 for a top theme, 1 for its sub-themes...
    quotes: list[ExportedQuote]


@dataclass(frozen=True)
class QuotesByTheme:
    workshop: Workshop
    theme: Theme | None  # None: every theme
    sections: list[Section]
    made_at: datetime

    @property
    def title(self) -> str:
        subject = f"“{self.theme.name}”" if self.theme else "all themes"
        return f"Quotes for {subject} – {self.workshop.title}"

    @property
    def quote_count(self) -> int:
        return len({quote.id for section in self.sections for quote in section.quotes})


def quotes_by_theme(workshop: Workshop, *, user, theme: Theme | None = None) -> QuotesByTheme:
    """Return the workshop's usable quotes under each theme, in codebook order.

    With a theme, only that theme and its sub-themes; without, every theme, then the quotes
    that have none yet.
    """
    themes = list(Theme.objects.filter(project=workshop.project_id))
    quotes = hide_redacted_words(
        list(
            Quote.objects.usable_for(Use.DATA, user)
            .filter(workshop=workshop)
            .select_related(
                "story__storyteller", "story__current_consent", "created_by", "created_by_guest"
            )
            .order_by("story__title", "story_id", "char_start", "pk")
        )
    )
    by_pk = {quote.pk: _exported(quote) for quote in quotes}
    under: dict[int, list[ExportedQuote]] = {}
    tagged = set()
    for theme_id, quote_id in QuoteTheme.objects.filter(content_object__in=list(by_pk)).values_list(
        "tag_id", "content_object_id"
    ):
        under.setdefault(theme_id, []).append(by_pk[quote_id])
        tagged.add(quote_id)
    order = {pk: index for index, pk in enumerate(by_pk)}
    sections = [
        Section(
            name=chosen.name,
            description=chosen.description,
            depth=depth,
            quotes=sorted(under.get(chosen.pk, []), key=lambda quote: order[quote.id]),
        )
        for chosen, depth in theme_tree(themes, theme)
    ]
    if theme is None:
        # As Taguette does, only themes used in this workshop, with the parents they sit under.
        sections = [section for index, section in enumerate(sections) if _used(sections, index)]
        untagged = [quote for pk, quote in by_pk.items() if pk not in tagged]
        if untagged:
            sections.append(Section(NO_THEME, "", 0, untagged))
    return QuotesByTheme(workshop, theme, sections, timezone.localtime())


def _used(sections: list[Section], index: int) -> bool:
    """Whether the section, or one of the sub-themes listed after it, has quotes."""
    depth = sections[index].depth
    for section in sections[index:]:
        if section is not sections[index] and section.depth <= depth:
            return False
        if section.quotes:
            return True
    return False


def theme_tree(themes: list[Theme], top: Theme | None) -> list[tuple[Theme, int]]:
    """Themes in codebook order, each followed by its sub-themes; a loop of parents is cut."""
    known = {theme.pk for theme in themes}
    children: dict[int | None, list[Theme]] = {}
    for theme in themes:
        children.setdefault(theme.parent_id if theme.parent_id in known else None, []).append(theme)
    found: list[tuple[Theme, int]] = []
    seen: set[int] = set()

    def walk(theme: Theme, depth: int) -> None:
        seen.add(theme.pk)
        found.append((theme, depth))
        for child in children.get(theme.pk, []):
            if child.pk not in seen:
                walk(child, depth + 1)

    for theme in [top] if top else children.get(None, []):
        walk(theme, 0)
    if top is None:
        for theme in themes:
            if theme.pk not in seen:
                walk(theme, 0)
    return found


def _exported(quote: Quote) -> ExportedQuote:
    return ExportedQuote(
        id=quote.pk,
        text=quote.display_text,
        story_title=quote.story.title,
        credit=quote_credit(quote.story),
        start_seconds=quote.start_seconds,
        end_seconds=quote.end_seconds,
        note=quote.note,
        highlighted_by=quote.highlighted_by,
        is_key=quote.is_key,
    )


# Spreadsheets ------------------------------------------------------------------------------


def rows(export: QuotesByTheme) -> list[list]:
    """One row per quote under each of its themes, in COLUMNS order, safe to open."""
    return [
        [
            _cell(section.name),
            _cell(quote.text),
            _cell(quote.story_title),
            _cell(quote.credit),
            _seconds(quote.start_seconds),
            hms(quote.start_seconds),
            _seconds(quote.end_seconds),
            hms(quote.end_seconds),
            _cell(quote.note),
            _cell(quote.highlighted_by),
            "yes" if quote.is_key else "no",
            quote.id,
        ]
        for section in export.sections
        for quote in section.quotes
    ]


def quotes_csv(export: QuotesByTheme, out: TextIO) -> None:
    """Write the quotes as CSV, starting with a byte order mark so that Excel reads UTF-8."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([heading for heading, _ in COLUMNS])
    for row in rows(export):
        writer.writerow([_csv_value(value) for value in row])


def quotes_xlsx(export: QuotesByTheme) -> bytes:
    """Return the quotes as an Excel workbook with an "About" sheet."""
    table = rows(export)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Quotes")
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(table) + 1}"
    bold = Font(bold=True)
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    wrapped = {1, 8}  # the quote and the note
    sheet.append([_styled(sheet, heading, font=bold) for heading, _ in COLUMNS])
    for row in table:
        sheet.append(
            [
                _styled(sheet, value, alignment=wrap if index in wrapped else top)
                for index, value in enumerate(row)
            ]
        )
    about = workbook.create_sheet("About")
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 100
    for label, value in _about(export):
        about.append([_styled(about, label, font=bold), _styled(about, value, alignment=wrap)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _about(export: QuotesByTheme) -> list[tuple[str, str]]:
    return [
        ("Workshop", _cell(export.workshop.title)),
        ("Project", _cell(export.workshop.project.name)),
        ("Themes", _cell(export.theme.name) if export.theme else "All themes"),
        ("Made", _made(export)),
        ("Quotes", f"{export.quote_count}; a quote with several themes has a row under each"),
        ("Consent", CONSENT_NOTE),
    ]


def _made(export: QuotesByTheme) -> str:
    return f"{dateformat.format(export.made_at, 'j F Y, H:i')} ({export.made_at.tzname()})"


# Documents ---------------------------------------------------------------------------------


def quotes_html(export: QuotesByTheme) -> bytes:
    """Return the quotes as one web page that opens from a file, with no outside resources."""
    return render_to_string(
        "sensemaking/quotes_by_theme.html",
        {"export": export, "made": _made(export), "consent_note": CONSENT_NOTE},
    ).encode("utf-8")


class _Word:
    """Add paragraphs at the end of a Word document in constant time each.

    python-docx's add_paragraph() looks for the section properties among every paragraph
    already written and looks each style up by name, which made 4,000 quotes take 5 seconds.
    """

    def __init__(self, document):
        self.document = document
        self.end = document.element.body.sectPr
        self.style_ids: dict[str, str] = {}

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        element = OxmlElement("w:p")
        self.end.addprevious(element)
        if style:
            if style not in self.style_ids:
                self.style_ids[style] = self.document.styles[style].style_id
            element.style = self.style_ids[style]
        paragraph = Paragraph(element, self.document._body)
        if text:
            paragraph.add_run(text)
        return paragraph

    def heading(self, text: str, level: int) -> Paragraph:
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")


def quotes_docx(export: QuotesByTheme) -> bytes:
    """Return the quotes as a Word document: a heading per theme, each quote with its source."""
    document = word_styles.new_document()
    properties = document.core_properties
    properties.title = _clean(export.title)
    properties.author = properties.last_modified_by = properties.comments = ""
    properties.created = properties.modified = export.made_at
    word = _Word(document)
    word.heading(_clean(export.title), 0)
    word.paragraph(f"{export.workshop.project.name}. Made {_made(export)}.")
    word.paragraph(CONSENT_NOTE)
    if not export.sections or not export.quote_count:
        word.paragraph("There are no quotes to show.")
    for section in export.sections:
        word.heading(_clean(section.name), min(section.depth + 1, 9))
        if section.description:
            word.paragraph(_clean(section.description))
        if not section.quotes:
            word.paragraph("No quotes are tagged with this theme in this workshop.")
        for quote in section.quotes:
            paragraph = word.paragraph(f"“{_clean(quote.text).strip()}”", "Quote")
            paragraph.add_run().add_break()
            paragraph.add_run(f"— {_clean(quote.credit)}, “{_clean(quote.story_title)}”")
            if quote.when:
                paragraph.add_run(f", {quote.when}")
            if quote.note:
                word.paragraph(f"Note: {_clean(quote.note)}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

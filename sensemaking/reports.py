"""Compile a report version into the data every output is made from.

A draft reads its workshops' themes, findings and key quotes as they are now; publishing
freezes that content (ids and statements) into the version. Consent is applied here, on every
compile, for drafts and published versions alike: a quote whose storyteller withdrew quote
consent disappears from every version and every output on the next request.

The "who shared their stories" figures are the exception: they are counted when a version is
saved (`fix_figures`) and only read here, so that no visit, withdrawal or new version shows
figures that differ by fewer than the small number of people.
"""

import base64
import copy
import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import partial
from itertools import zip_longest
from typing import ClassVar

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import dateformat, timezone

from sensemaking import demographics
from sensemaking.anonymity import quote_credit, traceable_story_ids
from sensemaking.models import (
    Finding,
    Quote,
    QuoteTheme,
    ReportClip,
    ReportFile,
    ReportVersion,
    Theme,
    Workshop,
)
from sensemaking.services import hide_redacted_words
from stories.access import USES, Use
from stories.erasure import Item, delete_files_on_commit
from stories.models import REDACTED, Consent, Recording, Story, Storyteller

# Words every rendering (web page, PDF, Word) uses alike.
NO_FINDINGS = "There are no themes or findings in this report yet."
KEY_QUOTES = "Key quotes"
KEY_QUOTE = "Key quote"  # the label of each key quote
LEAD_QUOTE = "Lead quote"  # the label of the key quote a theme opens with
OVERVIEW_HEADINGS = ("Theme", "Sub-themes and findings", "Quote")  # the compact layout's table
# The seed report's order: purpose and method, who shared, the findings, then the other text
# sections (challenges), the value table and the acknowledgements.
OPENING_SECTIONS = ("purpose", "method")
ACKNOWLEDGEMENTS = "acknowledgements"
UNNAMED_STORYTELLERS = "And the storytellers who chose not to be named."
DRAFT_NOTICE = "Draft, not public"
PARTNERS_HEADING = "In partnership with"


def suggested_co_authorship(who: demographics.Demographics) -> str:
    """The cover's co-authorship line when the editor has not written one.

    It counts storytellers only as the "who shared" figures do: rounded, and never fewer than
    the small number.
    """
    if not who.total:
        return "This report was co-authored by the people who shared their stories."
    people = f"about {who.total}" if who.rounded_to else f"the {who.total}"
    return f"This report was co-authored by {people} people who shared their stories."


def shown_figures(version: ReportVersion) -> demographics.Demographics:
    """The "who shared" figures stored with the version (none before it is first saved)."""
    if not version.who_shared:
        return demographics.Demographics(total=0, threshold=settings.REPORT_SMALL_NUMBER, tables=())
    return demographics.Demographics.from_json(version.who_shared["shown"]["figures"])


def suggestions(version: ReportVersion) -> dict[str, str]:
    """The words offered to an editor who has not written their own, by field name."""
    who = shown_figures(version)
    return {
        "co_authorship": suggested_co_authorship(who),
        "who_shared_words": demographics.suggested_words(who),
    }


@dataclass(frozen=True)
class Partner:
    """A partner named on the cover, with its logo (a PNG) when it has one."""

    id: int
    name: str
    logo: object  # the stored file (FieldFile), falsy when there is none
    logo_path: str  # the logo's address, which checks who may see the version

    @property
    def logo_png(self) -> bytes:
        with self.logo.open("rb") as handle:
            return handle.read()

    @property
    def logo_data_uri(self) -> str:
        """The logo inside the PDF itself, so rendering it fetches nothing."""
        return "data:image/png;base64," + base64.b64encode(self.logo_png).decode("ascii")


# Where the seed report sets a quote of its own: after "who shared", in the challenges, under
# each "value for all" column (value-1 to value-4), and to close.
PULL_QUOTE_SPOTS = ("who", "challenges", "value-1", "value-2", "value-3", "value-4", "closing")


def pull_quote_places(value_table: dict) -> tuple[str, ...]:
    """The PULL_QUOTE_SPOTS a version prints: under "value for all" only the columns it has.

    A table without impacts is not printed, so it has no columns to set a quote under.
    """
    headings, rows = _value_table(value_table)
    columns = {f"value-{number}" for number in range(1, len(headings) + 1)} if rows else set()
    return tuple(
        spot for spot in PULL_QUOTE_SPOTS if not spot.startswith("value-") or spot in columns
    )


def no_column_error(spot: str, places: tuple[str, ...]) -> str:
    """Say why a pull quote cannot go under this "value for all" column (say "value-4")."""
    columns = sum(place.startswith("value-") for place in places)
    has = f"has {columns} column{'s' if columns != 1 else ''}" if columns else "has no impacts yet"
    return (
        f"“Value for all” {has}, so there is no column {spot.removeprefix('value-')} to put a "
        "pull quote under."
    )


@dataclass(frozen=True)
class ReportQuote:
    id: int
    text: str
    credit: str
    story_id: int
    story_title: str
    storyteller_code: str
    start_seconds: float | None
    end_seconds: float | None
    themes: tuple[str, ...]  # the themes and sub-themes it was tagged with
    is_key: bool
    report_themes: tuple[str, ...] = ()  # the report's themes whose sections it comes under
    # Credited anonymously here, but its story is public and names the storyteller: searching
    # the archive for the quoted words would say who said them.
    traceable: bool = False
    public_url: str = ""  # the moment in the public story, when the story is public
    audio_allowed: bool = False


@dataclass
class ReportFinding:
    id: int | None  # None in versions published before findings were kept by id
    statement: str
    theme: str
    quotes: list[ReportQuote]


@dataclass
class ReportTheme:
    id: int
    name: str
    description: str
    colour: str
    sub_themes: list[str]
    findings: list[ReportFinding]  # their quotes leave out those the report shows elsewhere
    key_quotes: list[ReportQuote]  # all of them, for arranging; see shown_key_quotes
    lead_quote: ReportQuote | None = None
    # Quotes this theme does not show because the report shows them in another place: an earlier
    # theme, or where the editor placed them as a pull quote or another theme's lead quote.
    shown_elsewhere: tuple[int, ...] = ()

    @property
    def finding_quotes(self) -> list[ReportQuote]:
        """The quotes already shown under a finding, so key quotes are not shown twice."""
        return [quote for finding in self.findings for quote in finding.quotes]

    @property
    def shown_key_quotes(self) -> list[ReportQuote]:
        """The key quotes this theme shows: those the report does not show in another place."""
        return [quote for quote in self.key_quotes if quote.id not in self.shown_elsewhere]

    @property
    def other_key_quotes(self) -> list[ReportQuote]:
        """The key quotes shown under their own heading: those no finding shows already."""
        shown = {quote.id for quote in self.finding_quotes}
        if self.lead_quote:
            shown.add(self.lead_quote.id)
        return [quote for quote in self.shown_key_quotes if quote.id not in shown]

    @property
    def key_ids(self) -> set[int]:
        """The key quotes' ids, so every rendering labels a finding's quote that is one."""
        return {quote.id for quote in self.key_quotes}

    @property
    def overview_quote(self) -> ReportQuote | None:
        """The one quote the compact layout shows: the lead, else the first key or finding quote."""
        candidates = [self.lead_quote] if self.lead_quote else []
        candidates += [*self.shown_key_quotes, *self.finding_quotes]
        return candidates[0] if candidates else None

    @property
    def overview_label(self) -> str:
        quote = self.overview_quote
        return self.label_of(quote) if quote else ""

    def label_of(self, quote: ReportQuote) -> str:
        """Say what a quote shown under this theme is: its lead quote, a key quote, or nothing."""
        if self.lead_quote and quote.id == self.lead_quote.id:
            return LEAD_QUOTE
        return KEY_QUOTE if quote.id in self.key_ids else ""


@dataclass
class CompiledReport:
    version: ReportVersion
    title: str
    number: str
    date: object
    sections: list[tuple[str, str, str]]  # (anchor, heading, text)
    value_headings: list[str]
    value_rows: list[list[str]]
    who: demographics.Demographics
    themes: list[ReportTheme]
    quotes: list[ReportQuote]  # every coded quote the report may use, for the data files
    quote_objects: list[Quote]  # the same quotes as rows, for the REFI-QDA project export
    storyteller_credits: list[str]
    interviewers: list[str]
    facilitators: list[str]
    co_authors: list[str]
    co_authorship: str  # the cover's line: the editor's, or the suggestion
    who_words: str  # "who shared" in the editor's words, or the suggested sentences
    partners: list[Partner]
    removed: int  # quotes this version had whose storytellers have since stopped quoting, or
    # were erased
    not_allowed_ids: set[int] = field(default_factory=set)  # every quote consent now keeps out
    # The quotes the editor chose as extracts, in their order; None until they choose.
    chosen_extracts: list[ReportQuote] | None = None
    who_counted_on: object = None  # the date the "who shared" figures were counted
    pull_quotes: dict[str, ReportQuote] = field(default_factory=dict)  # by PULL_QUOTE_SPOTS
    layout: str = ReportVersion.Layout.FULL
    fingerprint: str = field(default="")
    key_quotes_heading: ClassVar[str] = KEY_QUOTES
    no_findings: ClassVar[str] = NO_FINDINGS
    key_quote_label: ClassVar[str] = KEY_QUOTE
    lead_quote_label: ClassVar[str] = LEAD_QUOTE
    overview_headings: ClassVar[tuple[str, ...]] = OVERVIEW_HEADINGS

    @property
    def is_compact(self) -> bool:
        return self.layout == ReportVersion.Layout.COMPACT

    @property
    def value_pull_quotes(self) -> list[ReportQuote | None]:
        """The pull quote under each "value for all" column, or None, in the columns' order."""
        return [
            self.pull_quotes.get(f"value-{number}")
            for number in range(1, len(self.value_headings) + 1)
        ]

    @property
    def has_value_pull_quotes(self) -> bool:
        return any(self.value_pull_quotes)

    draft_notice: ClassVar[str] = DRAFT_NOTICE
    partners_heading: ClassVar[str] = PARTNERS_HEADING

    @property
    def version_line(self) -> str:
        """The version and date, as the cover of every rendering shows them."""
        return f"Version {self.number} · {dateformat.format(self.date, 'j F Y')}"

    @property
    def charts(self) -> list[tuple[demographics.Table, str, tuple[str, ...]]]:
        """Each "who shared" table with its SVG bar chart and the notes only it has."""
        shared = set(self.shared_notes)
        return [
            (
                table,
                demographics.bar_chart_svg(table, id_prefix=f"chart-{self.version.pk}"),
                tuple(note for note in table.notes if note not in shared),
            )
            for table in self.who.tables
        ]

    @property
    def shared_notes(self) -> tuple[str, ...]:
        """The notes two or more shown "who shared" tables have (say, the privacy note).

        Every rendering says them once, before the tables, instead of under each one.
        """
        notes = [note for table in self.who.tables if not table.hidden for note in table.notes]
        return tuple(note for note in dict.fromkeys(notes) if notes.count(note) > 1)

    @property
    def opening_sections(self) -> list[tuple[str, str, str]]:
        """The text sections before "Who shared their stories?": (anchor, heading, text)."""
        return [section for section in self.sections if section[0] in OPENING_SECTIONS]

    @property
    def closing_sections(self) -> list[tuple[str, str, str]]:
        """The text sections after the findings and before the value table."""
        placed = (*OPENING_SECTIONS, ACKNOWLEDGEMENTS)
        return [section for section in self.sections if section[0] not in placed]

    @property
    def acknowledgements(self) -> str:
        return next((text for anchor, _, text in self.sections if anchor == ACKNOWLEDGEMENTS), "")

    @property
    def credits(self) -> list[tuple[str, list[str]]]:
        """Who to credit, under the headings every rendering uses, leaving out empty groups."""
        groups = [
            ("Co-authors", self.co_authors),
            ("Storytellers who chose to be credited", self.storyteller_credits),
            ("Peer interviewers", self.interviewers),
            ("Sense-making facilitators", self.facilitators),
        ]
        return [(heading, names) for heading, names in groups if names]

    unnamed_storytellers: ClassVar[str] = UNNAMED_STORYTELLERS

    @property
    def traceable_quotes(self) -> list[ReportQuote]:
        """The quotes this report shows anonymously whose storytellers a public story names.

        The report never links them, but the archive's search finds the same words; the team is
        told, so they can choose another quote or ask the storyteller.
        """
        shown = {}
        for theme in self.themes:
            for quote in [*theme.finding_quotes, *theme.key_quotes]:
                if quote.traceable:
                    shown[quote.id] = quote
        for quote in [*self.pull_quotes.values(), *self.extract_quotes]:
            if quote.traceable:
                shown[quote.id] = quote
        return list(shown.values())

    @property
    def removed_notice(self) -> str:
        """Say how many of this version's quotes were removed at storytellers' request."""
        n = self.removed
        if n == 1:
            return "1 quote from this version was removed at the storyteller’s request."
        return f"{n} quotes from this version were removed at the storytellers’ request."

    @property
    def who_note(self) -> str:
        """Say in plain words how the "who shared" figures are protected."""
        if self.who_counted_on is None:
            return ""
        n = self.who.threshold
        sentences = [
            f"These figures were counted on {dateformat.format(self.who_counted_on, 'j F Y')}.",
            f"They are counted again only when at least {n} storytellers have joined or left, "
            "so no one person's answers can be worked out by comparing versions of this report, "
            "or this page before and after someone withdraws.",
        ]
        if self.who.rounded_to:
            sentences.append(
                f"Every number is rounded to the nearest {self.who.rounded_to}, so that no "
                "combination of versions or reports gives one person's answers either."
            )
        sentences.append(
            f"Answers given by fewer than {n} storytellers are not shown, nor are figures that "
            "would let them be worked out."
        )
        return " ".join(sentences)

    @property
    def extract_quotes(self) -> list[ReportQuote]:
        """The quotes the playlist plays, in order: the editor's choice, or else the key quotes."""
        return self.key_quotes if self.chosen_extracts is None else self.chosen_extracts

    @property
    def key_quotes(self) -> list[ReportQuote]:
        seen, result = set(), []
        for theme in self.themes:
            for quote in theme.key_quotes:
                if quote.id not in seen:
                    seen.add(quote.id)
                    result.append(quote)
        return result


def build_content(version: ReportVersion) -> dict:
    """Read what the version's workshops hold now: the content a draft shows and publishing freezes.

    Theme names and finding statements are copied, so later edits in a workshop do not change a
    published version; quotes are kept by id, so consent is applied to them at every compile.
    Themes, findings and key quotes come in the editor's arrangement, with what it does not list
    after, in the workshops' order; each theme's lead quote and the pull quotes are kept by id.
    """
    arrangement = version.arrangement or {}
    workshops = list(version.workshops.all())
    themes = list(Theme.objects.filter(project=version.report.project_id))
    section_of = _sections_of(themes)
    findings = defaultdict(list)
    for finding in Finding.objects.filter(workshop__in=workshops).prefetch_related(
        Prefetch("quotes", queryset=Quote.objects.only("pk"))
    ):
        findings[section_of[finding.theme_id]].append(
            {
                "id": finding.pk,
                "statement": finding.statement,
                "theme": next(t.name for t in themes if t.pk == finding.theme_id),
                "quotes": sorted(quote.pk for quote in finding.quotes.all()),
            }
        )
    key_quotes = defaultdict(list)
    links = QuoteTheme.objects.filter(
        content_object__workshop__in=workshops,
        content_object__is_key=True,
        content_object__needs_review=False,
        content_object__removed_at=None,  # a join does not go through Quote.objects
    ).order_by("content_object__story_id", "content_object__char_start", "content_object_id")
    for quote_id, theme_id in links.values_list("content_object_id", "tag_id"):
        section = section_of[theme_id]
        if quote_id not in key_quotes[section]:
            key_quotes[section].append(quote_id)
    sections = []
    for theme in (theme for theme in themes if section_of[theme.pk] == theme.pk):
        children = [
            child.name for child in themes if section_of[child.pk] == theme.pk and child != theme
        ]
        if findings[theme.pk] or key_quotes[theme.pk]:
            key = str(theme.pk)  # JSON keys are strings
            chosen = _arranged(key_quotes[theme.pk], arrangement.get("key_quotes", {}).get(key))
            lead = arrangement.get("lead_quotes", {}).get(key)
            sections.append(
                {
                    "id": theme.pk,
                    "name": theme.name,
                    "description": theme.description,
                    "colour": theme.colour,
                    "sub_themes": children,
                    "findings": _arranged(
                        findings[theme.pk],
                        arrangement.get("findings", {}).get(key),
                        key=lambda finding: finding["id"],
                    ),
                    "key_quotes": chosen,
                    "lead_quote": lead if lead in chosen else None,
                }
            )
    sections = _arranged(sections, arrangement.get("themes"), key=lambda section: section["id"])
    quotes = sorted(
        Quote.objects.filter(workshop__in=workshops, needs_review=False).values_list(
            "pk", flat=True
        )
    )
    in_workshops = set(quotes)
    places = pull_quote_places(version.value_table)
    return {
        "workshops": [workshop.pk for workshop in workshops],
        "themes": sections,
        "pull_quotes": {
            spot: pk
            for spot, pk in arrangement.get("pull_quotes", {}).items()
            if spot in places and pk in in_workshops
        },
        "quotes": quotes,
        "stories": sorted(
            Story.objects.filter(workshops__in=workshops).values_list("pk", flat=True).distinct()
        ),
    }


def _arranged(items: list, order: list | None, key=lambda item: item) -> list:
    """Put items in the order's place; those it does not list keep their order, after it."""
    place = {pk: index for index, pk in enumerate(order or [])}
    return sorted(items, key=lambda item: place.get(key(item), len(place)))


def _shown_ids(content: dict) -> set[int]:
    """Every quote id a version's content shows: key, finding and pull quotes."""
    return {
        quote_id
        for theme in content["themes"]
        for quote_id in theme["key_quotes"]
        + [pk for finding in theme["findings"] for pk in finding["quotes"]]
    } | set(content.get("pull_quotes", {}).values())


def _sections_of(themes: list[Theme]) -> dict[int, int]:
    """Map each theme to the top-level theme whose section presents it, at any depth.

    A theme caught in a loop of parents presents itself, so nothing is ever lost.
    """
    by_pk = {theme.pk: theme for theme in themes}
    sections = {}
    for theme in themes:
        seen, top = {theme.pk}, theme
        while top.parent_id in by_pk and top.parent_id not in seen:
            top = by_pk[top.parent_id]
            seen.add(top.pk)
        sections[theme.pk] = theme.pk if top.parent_id in seen else top.pk
    return sections


def compile_report(version: ReportVersion) -> CompiledReport:
    """Return everything a report version shows, with consent applied as it stands now."""
    content = version.content if version.is_published else build_content(version)
    # The extracts the editor chose, of quotes the report has (a workshop may have left since).
    in_report = set(content["quotes"])
    chosen = (
        None if version.extracts is None else [pk for pk in version.extracts if pk in in_report]
    )
    shown_ids = _shown_ids(content) | set(chosen or ())
    rows = list(
        Quote.objects.usable_in_reports()
        .filter(pk__in=set(content["quotes"]) | shown_ids)
        # Each story once, not once per quote (a report may hold thousands of quotes).
        .prefetch_related(
            Prefetch(
                "story",
                queryset=Story.objects.defer("search_vector").select_related(
                    "storyteller", "current_consent"
                ),
            )
        )
        .order_by("story_id", "char_start", "pk")
    )
    hide_redacted_words(rows)
    quotes = _report_quotes(rows, _section_names(version, content))
    by_id = {quote.id: quote for quote in quotes}

    pull_quotes = {
        spot: by_id[pk] for spot, pk in content.get("pull_quotes", {}).items() if pk in by_id
    }
    themes = []
    for theme in content["themes"]:
        lead = by_id.get(theme.get("lead_quote"))
        themes.append(
            ReportTheme(
                id=theme["id"],
                name=theme["name"],
                description=theme["description"],
                colour=theme["colour"],
                sub_themes=theme["sub_themes"],
                findings=[
                    ReportFinding(
                        id=finding.get("id"),
                        statement=finding["statement"],
                        theme=finding["theme"],
                        quotes=[by_id[pk] for pk in finding["quotes"] if pk in by_id],
                    )
                    for finding in theme["findings"]
                ],
                key_quotes=[by_id[pk] for pk in theme["key_quotes"] if pk in by_id],
                lead_quote=lead,
            )
        )
    _show_once(themes, pull_quotes, compact=version.layout == ReportVersion.Layout.COMPACT)
    not_allowed = shown_ids - by_id.keys()
    figures = version.who_shared["shown"] if version.who_shared else None
    value_headings, value_rows = _value_table(version.value_table)
    who = shown_figures(version)
    compiled = CompiledReport(
        version=version,
        title=version.title,
        number=version.number,
        date=version.report_date,
        sections=[
            (name, ReportVersion._meta.get_field(name).verbose_name.capitalize(), text)
            for name in ("purpose", "method", "challenges", "acknowledgements")
            if (text := getattr(version, name).strip())
        ],
        value_headings=value_headings,
        value_rows=value_rows,
        who=who,
        themes=themes,
        quotes=quotes,
        quote_objects=rows,
        storyteller_credits=_storyteller_credits(content["stories"]),
        interviewers=_names(
            Story.objects.filter(pk__in=content["stories"]).values_list(
                "interviewer__first_name", "interviewer__last_name"
            )
        ),
        facilitators=_names(
            Workshop.objects.filter(pk__in=content["workshops"]).values_list(
                "facilitators__first_name", "facilitators__last_name"
            )
        ),
        co_authors=[line.strip() for line in version.co_authors.splitlines() if line.strip()],
        co_authorship=version.co_authorship.strip() or suggested_co_authorship(who),
        who_words=version.who_shared_words.strip() or demographics.suggested_words(who),
        partners=_partners(version),
        removed=_withdrawn(not_allowed) + content.get("erased_quotes", 0),
        not_allowed_ids=not_allowed,
        chosen_extracts=None if chosen is None else [by_id[pk] for pk in chosen if pk in by_id],
        who_counted_on=date.fromisoformat(figures["counted_on"]) if figures else None,
        pull_quotes=pull_quotes,
        layout=version.layout,
    )
    compiled.fingerprint = _fingerprint(compiled)
    return compiled


def _show_once(
    themes: list[ReportTheme], pull_quotes: dict[str, ReportQuote], *, compact: bool
) -> None:
    """Show each quote once in the report: where the editor placed it, else under one theme.

    A pull quote or lead quote is shown where the editor chose; any other quote under the first
    theme, in the report's order, that would show it (under its first finding there), and not
    again as a key quote or a finding's quote in a later theme.
    """
    placed = {quote.id for quote in pull_quotes.values()}
    placed |= {theme.lead_quote.id for theme in themes if theme.lead_quote}
    shown = set()
    for theme in themes:
        own = {theme.lead_quote.id} if theme.lead_quote else set()
        theme.shown_elsewhere = tuple(sorted((placed | shown) - own))
        taken = set(theme.shown_elsewhere) | own  # the lead quote is shown first, not again
        for finding in theme.findings:
            finding.quotes = [quote for quote in finding.quotes if quote.id not in taken]
            taken |= {quote.id for quote in finding.quotes}
        if compact:  # the overview table shows one quote per theme
            shown |= {theme.overview_quote.id} if theme.overview_quote else set()
        else:
            shown |= own | {quote.id for quote in [*theme.finding_quotes, *theme.other_key_quotes]}


def _partners(version: ReportVersion) -> list[Partner]:
    slug, number = version.report.slug, version.number
    return [
        Partner(
            id=partner.pk,
            name=partner.name,
            logo=partner.logo,
            logo_path=reverse("sensemaking:report-logo", args=[slug, number, partner.pk])
            if partner.logo
            else "",
        )
        for partner in version.partners.all()
    ]


def compile_draft(version: ReportVersion) -> CompiledReport:
    """Compile what a draft made from this version shows: its workshops as they are now.

    Editing a published version starts a draft with its workshops, so the choices offered for
    arranging it are the draft's, not the frozen ones.
    """
    if version.is_published:
        version = copy.copy(version)
        version.status = ReportVersion.Status.DRAFT
    return compile_report(version)


ARRANGEMENT_PARTS = ("themes", "findings", "key_quotes", "lead_quotes", "pull_quotes")


def arrangement_errors(version: ReportVersion, arrangement: dict) -> list[str]:
    """Say what is wrong with an arrangement of this draft's workshops; [] if nothing is.

    Refused: ids the report does not have where they are given, an id given twice, and
    quotes reports may not use (Quote.objects.usable_in_reports()).
    """
    if not isinstance(arrangement, dict):
        return ["The arrangement must name its parts: themes, findings, key quotes and so on."]
    errors = [
        f"“{part}” is not a part of a report’s arrangement."
        for part in arrangement
        if part not in ARRANGEMENT_PARTS
    ]
    content = build_content(version)
    themes = {theme["id"]: theme for theme in content["themes"]}
    usable = set(
        Quote.objects.usable_in_reports()
        .filter(pk__in=content["quotes"])
        .values_list("pk", flat=True)
    )
    not_usable = (
        "Quote {} may not be used in reports: its storyteller has not agreed to be quoted, "
        "or has withdrawn."
    )

    def ids(value, what: str) -> list[int]:
        if not isinstance(value, list) or not all(_is_id(pk) for pk in value):
            errors.append(f"The order of {what} must be a list of ids.")
            return []
        errors.extend(f"{what.capitalize()}: {pk} is listed twice." for pk in sorted(_twice(value)))
        return value

    def theme_of(key) -> dict | None:
        theme = themes.get(int(key)) if str(key).isdecimal() else None
        if theme is None:
            errors.append(f"Theme {key} is not in this report (it has no findings or key quotes).")
        return theme

    for pk in ids(arrangement.get("themes", []), "themes"):
        if pk not in themes:
            errors.append(f"Theme {pk} is not in this report (it has no findings or key quotes).")
    for key, order in _mapping(arrangement, "findings", errors).items():
        if (theme := theme_of(key)) is not None:
            known = {finding["id"] for finding in theme["findings"]}
            for pk in ids(order, f"findings of “{theme['name']}”"):
                if pk not in known:
                    errors.append(f"Finding {pk} is not one of the findings of “{theme['name']}”.")
    for key, order in _mapping(arrangement, "key_quotes", errors).items():
        if (theme := theme_of(key)) is not None:
            for pk in ids(order, f"key quotes of “{theme['name']}”"):
                if pk not in theme["key_quotes"]:
                    errors.append(f"Quote {pk} is not a key quote of “{theme['name']}”.")
                elif pk not in usable:
                    errors.append(not_usable.format(pk))
    for key, pk in _mapping(arrangement, "lead_quotes", errors).items():
        if (theme := theme_of(key)) is None:
            continue
        if not _is_id(pk) or pk not in theme["key_quotes"]:
            errors.append(
                f"The lead quote of “{theme['name']}” must be one of its key quotes ({pk} is not)."
            )
        elif pk not in usable:
            errors.append(not_usable.format(pk))
    in_workshops = set(content["quotes"])
    places = pull_quote_places(version.value_table)
    for spot, pk in _mapping(arrangement, "pull_quotes", errors).items():
        if spot not in PULL_QUOTE_SPOTS:
            errors.append(f"“{spot}” is not a place for a pull quote.")
        elif spot not in places:
            errors.append(no_column_error(spot, places))
        elif not _is_id(pk) or pk not in in_workshops:
            errors.append(f"Quote {pk} is not a quote of this report’s workshops.")
        elif pk not in usable:
            errors.append(not_usable.format(pk))
    return errors


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _twice(values: list) -> set:
    return {value for value in values if values.count(value) > 1}


def _mapping(arrangement: dict, part: str, errors: list[str]) -> dict:
    value = arrangement.get(part, {})
    if not isinstance(value, dict):
        by = "place by place" if part == "pull_quotes" else "theme by theme"
        errors.append(f"The {part.replace('_', ' ')} must be given {by}.")
        return {}
    return value


def _withdrawn(quote_ids: set[int]) -> int:
    """Count the quotes whose storyteller once allowed quoting in reports and no longer does.

    A quote never allowed was never in the report, so it was not removed at anyone's request.
    """
    if not quote_ids:
        return 0
    once_allowed = Consent.objects.filter(Q(quote_anonymous=True) | Q(quote_credited=True))
    return (
        Quote.objects.filter(pk__in=quote_ids, story__consents__in=once_allowed).distinct().count()
    )


def counted_storytellers(story_ids) -> dict[int, Storyteller]:
    """Return the storytellers "who shared" would count: those of the stories, not withdrawn."""
    return {
        storyteller.pk: storyteller
        for storyteller in Storyteller.objects.filter(
            USES[Use.FIGURES].condition(prefix="stories__"), stories__in=story_ids
        ).distinct()
    }


def fix_figures(version: ReportVersion, *, story_ids, previous: dict | None) -> dict:
    """Return the "who shared" figures to store with a version being saved (see demographics).

    The caller holds a lock on the project, so two reports saved at once cannot both count.
    """
    earlier = (
        ReportVersion.objects.filter(report__project=version.report.project_id)
        .filter(who_shared__isnull=False)
        .order_by("pk")
        .values_list("who_shared", flat=True)
    )
    return demographics.fixed_figures(
        counted_storytellers(story_ids),
        previous=previous,
        earlier=[*earlier, *([previous] if previous else [])],
        threshold=settings.REPORT_SMALL_NUMBER,
        counted_on=timezone.localdate().isoformat(),
    )


def _section_names(version: ReportVersion, content: dict) -> dict[int, str]:
    """Map each theme to the name of the report theme whose section presents it.

    A section's name is the one the version shows (frozen when it was published); a theme whose
    section has no findings or key quotes takes its top-level theme's name as it is now.
    """
    themes = list(Theme.objects.filter(project=version.report.project_id).only("name", "parent"))
    names = {theme.pk: theme.name for theme in themes}
    names.update({theme["id"]: theme["name"] for theme in content["themes"]})
    return {pk: names[section] for pk, section in _sections_of(themes).items()}


def _report_quotes(rows: list[Quote], section_names: dict[int, str]) -> list[ReportQuote]:
    theme_names, report_themes = defaultdict(list), defaultdict(list)
    for quote_id, theme_id, name in (
        QuoteTheme.objects.filter(content_object__in=[quote.pk for quote in rows])
        .order_by("tag__position", "tag__name")
        .values_list("content_object_id", "tag_id", "tag__name")
    ):
        theme_names[quote_id].append(name)
        section = section_names.get(theme_id, name)
        if section not in report_themes[quote_id]:
            report_themes[quote_id].append(section)
    public = set(
        Story.objects.public()
        .filter(pk__in={quote.story_id for quote in rows})
        .values_list("pk", flat=True)
    )
    urls = {story_id: reverse("stories:public-story", args=[story_id]) for story_id in public}
    traceable_ids = traceable_story_ids(
        list({quote.story_id: quote.story for quote in rows}.values())
    )
    result = []
    for quote in rows:
        story = quote.story
        url = ""
        # A quote told anonymously never links to, or names, a story page that names its
        # storyteller.
        traceable = story.pk in traceable_ids
        if story.pk in public and not traceable:
            url = urls[story.pk]
            if quote.start_seconds is not None:
                url += f"?t={int(quote.start_seconds)}#player"
        result.append(
            ReportQuote(
                id=quote.pk,
                text=quote.display_text,
                credit=quote_credit(story),
                story_id=story.pk,
                story_title="" if traceable else story.title,
                storyteller_code=story.storyteller.code,
                start_seconds=quote.start_seconds,
                end_seconds=quote.end_seconds,
                themes=tuple(theme_names[quote.pk]),
                is_key=quote.is_key,
                report_themes=tuple(report_themes[quote.pk]),
                traceable=traceable,
                public_url=url,
                # Extracts are public audio: only from published stories that allow it, and
                # never of words redacted since (the recording itself is not redacted).
                audio_allowed=USES[Use.EXTRACT].allows_story(story)
                and quote.start_seconds is not None
                and REDACTED not in quote.display_text,
            )
        )
    return result


def _storyteller_credits(story_ids: list[int]) -> list[str]:
    storytellers = Storyteller.objects.filter(
        USES[Use.CREDIT].condition(prefix="stories__"),
        stories__in=story_ids,
    ).exclude(credit_preference="anonymous")
    return sorted(set(storytellers.values_list("credit_name", flat=True)), key=str.casefold)


def _names(pairs) -> list[str]:
    names = {f"{first} {last}".strip() for first, last in pairs if first or last}
    return sorted(names, key=str.casefold)


def _value_table(table: dict) -> tuple[list[str], list[list[str]]]:
    columns = (table or {}).get("columns") or []
    headings = [column.get("heading", "") for column in columns]
    rows = [
        [item or "" for item in row]
        for row in zip_longest(*[column.get("items", []) for column in columns])
    ]
    return headings, rows


def _fingerprint(compiled: CompiledReport) -> str:
    """Name the compiled data, so a file made before a withdrawal is never served again."""
    data = {
        "version": [compiled.version.pk, compiled.version.updated_at.isoformat()],
        "sections": [compiled.sections, compiled.value_headings, compiled.value_rows],
        "front": [
            compiled.co_authorship,
            compiled.who_words,
            [[partner.id, partner.name, partner.logo.name] for partner in compiled.partners],
        ],
        "themes": [asdict(theme) for theme in compiled.themes],
        "pull_quotes": {spot: quote.id for spot, quote in compiled.pull_quotes.items()},
        "layout": compiled.layout,
        "quotes": [
            [q.id, q.text, q.credit, q.public_url, q.themes, q.story_title] for q in compiled.quotes
        ],
        "removed": compiled.removed,
        "extracts": [quote.id for quote in compiled.extract_quotes],
        "credits": compiled.storyteller_credits,
        "names": [compiled.interviewers, compiled.facilitators],
        "who": repr(compiled.who),
    }
    return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()


CLIP_LONGEST = 90.0  # seconds; an extract, not the story


def _with_recordings(quotes: list[ReportQuote]) -> set[int]:
    """The stories of these quotes that have a recording to cut extracts from."""
    return set(
        Recording.objects.filter(
            story__in={quote.story_id for quote in quotes}, state=Recording.State.READY
        ).values_list("story_id", flat=True)
    )


def extract_choices(compiled: CompiledReport) -> list[ReportQuote]:
    """The report's quotes that could be added to its playlist: audio allowed, recording ready."""
    playing = {quote.id for quote in compiled.extract_quotes}
    quotes = [q for q in compiled.quotes if q.audio_allowed and q.id not in playing]
    with_audio = _with_recordings(quotes)
    return [quote for quote in quotes if quote.story_id in with_audio]


def extract_problem(compiled: CompiledReport, quote_id: int) -> str | None:
    """Say why this quote cannot be one of the report's extracts, or None if it can."""
    quote = next((quote for quote in compiled.quotes if quote.id == quote_id), None)
    if quote is None:
        row = Quote.objects.filter(pk=quote_id, workshop__in=compiled.version.workshops.all())
        row = row.only("needs_review").first()
        if row is None:
            return "There is no such quote in this report’s workshops."
        if row.needs_review:
            return "That quote needs checking first: the transcript changed under it."
        return "That quote can’t be used in reports: its storyteller has not agreed to be quoted."
    if quote.start_seconds is None:
        return "That quote has no time in the recording, so no extract can be cut from it."
    if REDACTED in quote.text:
        return "Some of that quote’s words were redacted, so it can’t be heard as an extract."
    if not quote.audio_allowed:
        return (
            "The storyteller has not agreed to their recording being published, or their story "
            "is not public, so that quote can’t be an extract."
        )
    if not _with_recordings([quote]):
        return "That quote’s story has no recording to cut an extract from."
    return None


def _wanted_clips(compiled: CompiledReport) -> dict[tuple, ReportQuote]:
    """The extracts this report may play: (quote id, start, end) of each allowed extract quote."""
    quotes = [quote for quote in compiled.extract_quotes if quote.audio_allowed]
    with_audio = _with_recordings(quotes)
    wanted = {}
    for quote in quotes:
        if quote.story_id not in with_audio:
            continue
        end = quote.end_seconds if quote.end_seconds is not None else quote.start_seconds
        end = min(max(end, quote.start_seconds + 1), quote.start_seconds + CLIP_LONGEST)
        wanted[(quote.id, quote.start_seconds, end)] = quote
    return wanted


def extract_clips(compiled: CompiledReport) -> list[ReportClip]:
    """Return the audio extracts made so far of the playlist's quotes that may be played now.

    Reads only: the extracts are made, and those no longer allowed deleted, by
    `refresh_outputs` when a report or a story changes.
    """
    wanted = _wanted_clips(compiled)
    clips = {
        (clip.quote_id, clip.start_seconds, clip.end_seconds): clip
        for clip in ReportClip.objects.filter(quote_id__in=[quote.id for quote in wanted.values()])
    }
    result = []
    for key, quote in wanted.items():
        if key in clips:
            clips[key].report_quote = quote
            result.append(clips[key])
    return result


@dataclass(frozen=True)
class Extract:
    """One entry of a report's playlist: a quote's extract, cut or being cut."""

    clip_id: int
    text: str
    credit: str
    path: str  # the extract's address, under the report version's own
    ready: bool
    seconds: float  # how long it plays


def chapters(extracts: list[Extract]) -> list[tuple[float, float, str]]:
    """Each extract's (start, end, title) in the one audio file that plays them all in order.

    Both the file's own chapters and its WebVTT chapters file are written from this.
    """
    result, start = [], 0.0
    for number, extract in enumerate(extracts, start=1):
        words = " ".join(extract.text.split())  # one line, whatever paragraphs it spans
        words = words if len(words) <= 80 else words[:79].rstrip() + "…"
        credit = " ".join(extract.credit.split())
        result.append((start, start + extract.seconds, f"{number}. “{words}” — {credit}"))
        start += extract.seconds
    return result


def chapters_vtt(extracts: list[Extract]) -> str:
    """The extracts' chapters as a WebVTT file, for players that show chapters."""
    cues = ["WEBVTT", ""]
    for number, (start, end, title) in enumerate(chapters(extracts), start=1):
        # Cue text is markup in WebVTT: "&" and "<" are escaped, and "-->" may not appear.
        text = title.replace("&", "&amp;").replace("<", "&lt;").replace("-->", "–>")
        cues += [str(number), f"{_vtt_time(start)} --> {_vtt_time(end)}", text, ""]
    return "\n".join(cues)


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02}:{minutes:02}:{millis // 1000:02}.{millis % 1000:03}"


def playlist(compiled: CompiledReport) -> list[Extract]:
    """The report's extracts in its order, for the web page, the PDF and the Word file.

    An extract that could not be cut is left out; one being cut is listed, as its address
    answers "being prepared" until it is ready.
    """
    slug = compiled.version.report.slug  # loaded with the version by every caller
    return [
        Extract(
            clip_id=clip.pk,
            text=clip.report_quote.text,
            credit=clip.report_quote.credit,
            path=reverse("sensemaking:report-clip", args=[slug, compiled.number, clip.pk]),
            ready=bool(clip.file),
            seconds=clip.end_seconds - clip.start_seconds,
        )
        for clip in extract_clips(compiled)
        if not clip.error
    ]


def refresh_outputs(version: ReportVersion) -> None:
    """Make what a version may now show and delete what it may no longer show.

    Deletes PDFs made from other data (before a withdrawal or an edit) and extracts no longer
    allowed, files included, and queues the cutting of extracts not yet made. Called when a
    report or one of its stories changes, never by a page view.
    """
    from sensemaking.tasks import cut_clip  # the tasks module imports this one

    compiled = compile_report(version)
    for stale in ReportFile.objects.filter(version=version).exclude(
        fingerprint=compiled.fingerprint
    ):
        stale.file.delete(save=False)
        stale.delete()
    wanted = _wanted_clips(compiled)
    allowed = {quote.id for quote in wanted.values()}
    not_allowed = compiled.not_allowed_ids | {
        quote.id for quote in compiled.extract_quotes if quote.id not in allowed
    }
    for clip in ReportClip.objects.filter(quote_id__in=not_allowed):
        clip.file.delete(save=False)
        clip.delete()
    ReportClip.objects.bulk_create(
        [ReportClip(quote_id=key[0], start_seconds=key[1], end_seconds=key[2]) for key in wanted],
        ignore_conflicts=True,
    )
    for clip in extract_clips(compiled):
        if not clip.file and not clip.error:
            transaction.on_commit(partial(cut_clip.enqueue, clip.pk))


def versions_presenting(story_ids) -> list[ReportVersion]:
    """Return the report versions that present any of these stories.

    Drafts present their workshops' stories as they are now, and the stories of every quote
    their workshops hold (a story taken out of a workshop keeps its quotes there); a published
    version, the stories and quotes it was published with.
    """
    story_ids = set(story_ids)
    draft = Q(status=ReportVersion.Status.DRAFT)
    versions = ReportVersion.objects.filter(
        (draft & Q(workshops__stories__in=story_ids))
        | (draft & Q(workshops__quotes__story__in=story_ids))
        | Q(status=ReportVersion.Status.PUBLISHED, report__project__stories__in=story_ids)
    ).distinct()
    presenting, unsure = [], []
    for version in versions.select_related("report"):
        shown = not version.is_published or story_ids & set(version.content.get("stories", []))
        (presenting if shown else unsure).append(version)
    if unsure:  # published with a quote of a story no longer in its workshops?
        quote_ids = set(Quote.all_objects.filter(story__in=story_ids).values_list("pk", flat=True))
        presenting += [v for v in unsure if quote_ids & set(v.content.get("quotes", []))]
    return presenting


def erasure_effects(*, story_ids: list[int]) -> list[Item]:
    """Count what erasing these stories removes from sense-making and reports. Reads only."""
    versions = versions_presenting(story_ids)
    return [
        Item(
            "quotes",
            "Quotes highlighted in workshops",
            Quote.all_objects.filter(story__in=story_ids).count(),
        ),
        Item(
            "extracts",
            "Audio extracts of quotes",
            ReportClip.objects.filter(quote__story__in=story_ids).count(),
        ),
        Item(
            "report_versions",
            "Report versions affected",
            len(versions),
            "Each keeps its layout; these quotes and the storyteller’s credit leave it, and it "
            "says that quotes were removed at the storyteller’s request.",
        ),
        Item(
            "report_files",
            "Report PDFs",
            ReportFile.objects.filter(version__in=versions).count(),
            "Deleted; a new one is made when someone next asks for it.",
        ),
    ]


def forget_stories(*, story_ids: list[int]) -> None:
    """Take stories being erased out of every report version that presents them.

    Runs in the erasure's transaction, before the stories' quotes are deleted with them. A
    published version keeps its themes and findings and loses the stories' quote ids, counting
    the quotes it showed as removed at the storyteller's request (as after a withdrawal); every
    PDF of an affected version is deleted, file and all, to be made again without them.
    """
    versions = versions_presenting(story_ids)
    # Removed quotes too: a published version may have printed one before it was removed.
    erased = set(Quote.all_objects.filter(story__in=story_ids).values_list("pk", flat=True))
    for version in versions:
        if version.is_published:
            ReportVersion.objects.filter(pk=version.pk).update(
                content=_without(version.content, set(story_ids), erased)
            )
    pdfs = list(ReportFile.objects.filter(version__in=versions))
    delete_files_on_commit([pdf.file for pdf in pdfs])
    ReportFile.objects.filter(pk__in=[pdf.pk for pdf in pdfs]).delete()


def _without(content: dict, story_ids: set[int], quote_ids: set[int]) -> dict:
    """A published version's content without these stories and quotes, the shown ones counted."""
    shown = _shown_ids(content)
    content = {
        **content,
        "themes": [
            {
                **theme,
                "key_quotes": [pk for pk in theme["key_quotes"] if pk not in quote_ids],
                "lead_quote": None
                if theme.get("lead_quote") in quote_ids
                else theme.get("lead_quote"),
                "findings": [
                    {**finding, "quotes": [pk for pk in finding["quotes"] if pk not in quote_ids]}
                    for finding in theme["findings"]
                ],
            }
            for theme in content["themes"]
        ],
        "pull_quotes": {
            spot: pk for spot, pk in content.get("pull_quotes", {}).items() if pk not in quote_ids
        },
        "quotes": [pk for pk in content["quotes"] if pk not in quote_ids],
        "stories": [pk for pk in content["stories"] if pk not in story_ids],
    }
    content["erased_quotes"] = content.get("erased_quotes", 0) + _withdrawn(shown & quote_ids)
    return content

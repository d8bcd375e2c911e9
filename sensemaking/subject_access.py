"""What sense-making holds about a storyteller, for the copy of everything held about them.

Only the storyteller's own quotes: never anyone else's words from the same workshop, never who
highlighted them (often other storytellers), and of each report only its title and version.
"""

from collections import defaultdict

from sensemaking.models import Quote, QuoteTheme, ReportClip, ReportVersion
from sensemaking.reports import build_content
from stories.access import USES, Use
from stories.subject_access import Entry, Subject, csv_entry, file_entry, json_entry


def _shown_quote_ids(content: dict) -> set[int]:
    """The quotes a report version prints: its key quotes and those supporting its findings."""
    return {
        quote_id
        for theme in content["themes"]
        for quote_id in theme["key_quotes"]
        + [pk for finding in theme["findings"] for pk in finding["quotes"]]
    }


def _reports_using(subject: Subject, quote_ids: set[int]) -> dict[int, list[str]]:
    """Name, for each quote, the report versions that use it: frozen ones, and drafts as now."""
    used = defaultdict(list)
    if not quote_ids:
        return used
    versions = (
        ReportVersion.objects.filter(report__project=subject.project)
        .select_related("report")
        .order_by("report__created_at", "major", "minor")
    )
    for version in versions:
        content = version.content if version.is_published else build_content(version)
        state = "published" if version.is_published else "draft"
        for quote_id in _shown_quote_ids(content) & quote_ids:
            used[quote_id].append(f"{version.title} (version {version.number}, {state})")
    return used


def quotes(subject: Subject) -> list[Entry]:
    """Every quote of the storyteller's words, where it was used, and its audio extracts."""
    rows = list(
        Quote.objects.filter(story__storyteller=subject.storyteller)
        .select_related("workshop", "story__current_consent")
        .order_by("story__created_at", "story_id", "char_start", "pk")
    )
    themes = defaultdict(list)
    for quote_id, name in (
        QuoteTheme.objects.filter(content_object__in=rows)
        .order_by("tag__position", "tag__name")
        .values_list("content_object_id", "tag__name")
    ):
        themes[quote_id].append(name)
    used = _reports_using(subject, {quote.pk for quote in rows})
    entries, extracts = [], defaultdict(list)
    clips = ReportClip.objects.filter(quote__in=rows).exclude(file="").order_by("quote_id", "pk")
    for number, clip in enumerate(clips, start=1):
        entry = file_entry(
            ("quotes",),
            f"extract-{number}",
            "An audio extract of one of your quotes, cut from the copy listeners hear.",
            clip.file,
        )
        if entry is not None:
            entries.append(entry)
            extracts[clip.quote_id].append(entry.name)
    header = [
        "Story",
        "Your words",
        "Starts at (seconds)",
        "Ends at (seconds)",
        "Workshop",
        "Workshop date",
        "Themes",
        "Key quote",
        "Note written in the workshop",
        "Reports that use it",
        "A report may print it now",
        "Audio extracts here",
    ]
    table = [
        [
            quote.story.title,
            quote.text,
            quote.start_seconds,
            quote.end_seconds,
            quote.workshop.title,
            quote.workshop.held_on,
            "; ".join(themes[quote.pk]),
            quote.is_key,
            quote.note,
            "; ".join(used[quote.pk]),
            USES[Use.REPORT].allows_story(quote.story),
            " ".join(extracts[quote.pk]),
        ]
        for quote in rows
    ]
    return [
        csv_entry(
            "quotes.csv",
            "Every quote of your words highlighted in a workshop: the workshop, its themes, and "
            "the reports that use it.",
            header,
            table,
        ),
        json_entry(
            "quotes.json",
            "The same, as JSON.",
            [dict(zip(header, row, strict=True)) for row in table],
        ),
        *entries,
    ]

"""Search inside one workshop: its quotes and its stories' transcript passages, by their words.

PostgreSQL ranks with full-text search (web-search syntax); the SQLite demo looks for every word
as it is typed. Only what the board may show is searched: quotes and stories the workshop may
use now, and only the words others may read (redacted words are never matched nor shown).
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.safestring import SafeString

from sensemaking import services
from sensemaking.models import Quote, Workshop
from stories.models import Segment
from stories.search import HEADLINE_OPTIONS, START, STOP, mark_headline, simple_terms, uses_postgres

# Quotes are short: the whole of one is shown, with its matches marked.
WHOLE = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
# A paragraph up to this long is shown whole; a longer one by its best fragments.
SNIPPET_CHARS = 220
# What a quote needs to have its redacted words hidden, and no more.
QUOTE_FIELDS = ["pk", "story_id", "transcript_id", "char_start", "char_end", "text", "note"]


@dataclass(frozen=True)
class Found:
    """The ids of what matched, best first; the pages shown are read afterwards."""

    quotes: list[int]
    passages: list[int]


def _query(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config=settings.SEARCH_CONFIG)


def _passages(workshop: Workshop):
    """The paragraphs of the current transcripts of the stories the workshop may use now."""
    stories = workshop.stories.usable_in_sensemaking().values("pk")
    return Segment.objects.filter(transcript__is_current=True, transcript__story__in=stories)


def find(workshop: Workshop, quotes, query: str) -> Found:
    """Return the workshop's quotes (from the usable `quotes`) and passages matching the query."""
    if uses_postgres():
        return Found(_ranked_quotes(quotes, query), _ranked_passages(workshop, query))
    return Found(_simple_quotes(quotes, query), _simple_passages(workshop, query))


def _shown_words(quotes) -> list[Quote]:
    """Read the quotes with only their fields, with display_text hiding redacted words."""
    read = quotes.select_related(None).only(*QUOTE_FIELDS).order_by("-pk")
    return services.hide_redacted_words(list(read))


def _ranked_quotes(quotes, query: str) -> list[int]:
    # The words saved with a quote may hold words redacted since: those found by the stored words
    # are matched again on the words others see, and dropped if only a redacted word matched.
    vector = SearchVector("text", "note", config=settings.SEARCH_CONFIG)
    candidates = _shown_words(quotes.annotate(words=vector).filter(words=_query(query)))
    if not candidates:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.id FROM unnest(%s::bigint[], %s::text[]) AS t(id, words),
                 websearch_to_tsquery(%s::regconfig, %s) q
            WHERE to_tsvector(%s::regconfig, t.words) @@ q
            ORDER BY ts_rank(to_tsvector(%s::regconfig, t.words), q) DESC, t.id DESC
            """,
            [
                [quote.pk for quote in candidates],
                [f"{quote.display_text} {quote.note}" for quote in candidates],
                settings.SEARCH_CONFIG,
                query,
                settings.SEARCH_CONFIG,
                settings.SEARCH_CONFIG,
            ],
        )
        return [row[0] for row in cursor.fetchall()]


def _ranked_passages(workshop: Workshop, query: str) -> list[int]:
    # Segments' vectors are stored (GIN-indexed) from their public text, redactions applied.
    search_query = _query(query)
    return list(
        _passages(workshop)
        .filter(search_vector=search_query)
        .annotate(rank=SearchRank(F("search_vector"), search_query))
        .order_by("-rank", "transcript__story_id", "index")
        .values_list("pk", flat=True)
    )


def _pattern(query: str) -> re.Pattern | None:
    terms = simple_terms(query)
    if not terms:
        return None
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def _has_every_term(text: str, query: str) -> bool:
    lowered = text.lower()
    return all(term.lower() in lowered for term in simple_terms(query))


def _simple_quotes(quotes, query: str) -> list[int]:
    terms = simple_terms(query)
    if not terms:
        return []
    for term in terms:
        quotes = quotes.filter(Q(text__icontains=term) | Q(note__icontains=term))
    return [
        quote.pk
        for quote in _shown_words(quotes)
        if _has_every_term(f"{quote.display_text} {quote.note}", query)
    ]


def _simple_passages(workshop: Workshop, query: str) -> list[int]:
    terms = simple_terms(query)
    if not terms:
        return []
    passages = _passages(workshop)
    for term in terms:
        passages = passages.filter(public_text__icontains=term)
    return list(passages.order_by("transcript__story_id", "index").values_list("pk", flat=True))


def with_paragraph(quotes):
    """Annotate each quote with `paragraph`: the paragraph of its transcript where it starts."""
    paragraph = Segment.objects.filter(
        transcript=OuterRef("transcript_id"),
        char_start__lte=OuterRef("char_start"),
        char_end__gt=OuterRef("char_start"),
    ).values("index")[:1]
    return quotes.annotate(paragraph=Subquery(paragraph))


def mark_quotes(page: list[Quote], query: str) -> list[Quote]:
    """Give each quote (display_text already set) `marked_words` and `marked_note`."""
    marks = _marks([(quote.display_text, quote.note) for quote in page], query)
    for quote, (words, note) in zip(page, marks, strict=True):
        quote.marked_words, quote.marked_note = words, note
    return page


def passage_page(ids: list[int], query: str) -> list[Segment]:
    """Read one page of matching paragraphs, in rank order, each with `marked` text."""
    found = Segment.objects.select_related("transcript__story").in_bulk(ids)
    page = [found[pk] for pk in ids if pk in found]
    if uses_postgres() and page:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT s.id, ts_headline(
                    %s::regconfig, s.public_text, q,
                    CASE WHEN length(s.public_text) <= %s THEN %s ELSE %s END
                )
                FROM stories_segment s, websearch_to_tsquery(%s::regconfig, %s) q
                WHERE s.id = ANY(%s)
                """,
                [
                    settings.SEARCH_CONFIG,
                    SNIPPET_CHARS,
                    WHOLE,
                    HEADLINE_OPTIONS,
                    settings.SEARCH_CONFIG,
                    query,
                    ids,
                ],
            )
            headlines = dict(cursor.fetchall())
        for segment in page:
            segment.marked = mark_headline(headlines[segment.pk])
    else:
        for segment in page:
            segment.marked = _simple_snippet(segment.public_text, query)
    return page


def _marks(texts: list[tuple[str, str]], query: str) -> list[tuple[SafeString, SafeString]]:
    """Mark the matching words of each (words, note) pair, whole."""
    if not texts:
        return []
    if not uses_postgres():
        pattern = _pattern(query)
        return [(_mark_all(words, pattern), _mark_all(note, pattern)) for words, note in texts]
    flat = [text for pair in texts for text in pair]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ts_headline(%s::regconfig, t.text, q, %s)
            FROM unnest(%s::text[]) WITH ORDINALITY AS t(text, n),
                 websearch_to_tsquery(%s::regconfig, %s) q
            ORDER BY t.n
            """,
            [settings.SEARCH_CONFIG, WHOLE, flat, settings.SEARCH_CONFIG, query],
        )
        marked = [mark_headline(row[0]) for row in cursor.fetchall()]
    return list(zip(marked[::2], marked[1::2], strict=True))


def _mark_all(text: str, pattern: re.Pattern | None) -> SafeString:
    if pattern is None:
        return mark_headline(text)
    return mark_headline(pattern.sub(lambda match: f"{START}{match.group()}{STOP}", text))


def _simple_snippet(text: str, query: str) -> SafeString:
    pattern = _pattern(query)
    hit = pattern.search(text) if pattern else None
    start = max(0, hit.start() - SNIPPET_CHARS // 2) if hit and len(text) > SNIPPET_CHARS else 0
    excerpt = text[start : start + SNIPPET_CHARS]
    ending = " …" if start + SNIPPET_CHARS < len(text) else ""
    return _mark_all(("… " if start else "") + excerpt + ending, pattern)

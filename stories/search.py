"""Full-text search of public stories: stored vectors per segment on PostgreSQL, simpler elsewhere.

Vectors are computed when text changes (never per query), from the redacted public text, and
kept per transcript segment so long interviews stay fully searchable. Transcript words count
only for stories whose storyteller agreed to publish the transcript.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Prefetch, Q, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from taggit.models import Tag

from stories.access import Part, Role, Surface, rule
from stories.models import SearchTerm, Segment, Story, Transcript

WORD = re.compile(r"[^\W\d_][\w'’-]{2,59}", re.UNICODE)
START, STOP = "\x01", "\x02"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, ShortWord=3, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
SNIPPET_CHARS = 220


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def _config() -> str:
    return settings.SEARCH_CONFIG


def words_in(texts) -> set[str]:
    """Return the words "did you mean" would remember from these texts."""
    return {match.group().lower() for text in texts for match in WORD.finditer(text)}


def _remember_words(texts: list[str]) -> None:
    SearchTerm.objects.bulk_create(
        [SearchTerm(word=word) for word in words_in(texts)], ignore_conflicts=True, batch_size=1000
    )


def forget_words(words: set[str]) -> None:
    """Forget those of these words that no story's details, topic or transcript holds any more.

    Run when stories are erased: a word only they used (a name, a place) must not stay behind
    as a suggestion. Reads every story's text once, stopping as soon as all words are found.
    """
    unused = set(words)
    sources = (
        Story.objects.values_list("title", "summary", "place"),
        Tag.objects.values_list("name"),
        Segment.objects.values_list("public_text"),
    )
    for rows in sources:
        for row in rows.iterator(chunk_size=2000):
            unused -= words_in(row)
            if not unused:
                return
    SearchTerm.objects.filter(word__in=unused).delete()


def index_transcript(transcript: Transcript) -> None:
    """Store each segment's public text (redactions applied) and its search vector."""
    _index(transcript, Segment.objects.all())


def index_segments(transcript: Transcript, indexes: set[int]) -> None:
    """Store the public text and search vector of these segments of the transcript only."""
    _index(transcript, Segment.objects.filter(index__in=indexes))


def _index(transcript: Transcript, chosen) -> None:
    transcript = Transcript.objects.prefetch_related(
        Prefetch("segments", queryset=chosen), "redactions"
    ).get(pk=transcript.pk)
    segments, changed = [], []
    for row in transcript.display_segments():
        segment = row["segment"]
        public_text = "".join(text for text, _redacted in row["parts"])
        if segment.public_text != public_text:
            segment.public_text = public_text
            changed.append(segment)
        segments.append(segment)
    # Writing only what changed: a new version's segments start with their text as public text.
    Segment.objects.bulk_update(changed, ["public_text"], batch_size=500)
    if uses_postgres():
        chosen.filter(transcript=transcript).update(
            search_vector=SearchVector("public_text", config=_config())
        )
    _remember_words([segment.public_text for segment in segments])


def index_story(story: Story) -> None:
    """Store the search vector of a story's title, summary, place and topics."""
    tags = " ".join(story.tags.names())
    if uses_postgres():
        config = _config()
        Story.objects.filter(pk=story.pk).update(
            search_vector=SearchVector("title", weight="A", config=config)
            + SearchVector("summary", weight="B", config=config)
            + SearchVector("place", weight="C", config=config)
            + SearchVector(Value(tags), weight="C", config=config)
        )
    _remember_words([story.title, story.summary, story.place, tags])


def _text_searchable() -> Q:
    return rule(Surface.PUBLIC, Role.ANYONE, Part.TRANSCRIPT).condition()


def search(stories, query: str):
    """Return the stories matching a web-search query (quotes, -word, or), best first."""
    query = query.strip()
    if not query:
        return stories
    if not uses_postgres():
        return _search_simply(stories, query)
    return RankedStories(_ranked_ids(stories, query), stories)


def _ranked_ids(stories, query: str) -> list[int]:
    """Rank matching stories in one query: segments are matched once and grouped by story."""
    candidates, candidate_params = stories.order_by().values("pk").query.sql_with_params()
    with_text, text_params = (
        stories.filter(_text_searchable()).order_by().values("pk").query.sql_with_params()
    )
    sql = f"""
        WITH q AS (SELECT websearch_to_tsquery(%s::regconfig, %s) AS q),
        by_segment AS (
            SELECT t.story_id, max(ts_rank(s.search_vector, q.q)) AS rank
            FROM stories_segment s
            JOIN stories_transcript t ON t.id = s.transcript_id, q
            WHERE t.is_current AND s.search_vector @@ q.q AND t.story_id IN ({with_text})
            GROUP BY t.story_id
        ),
        by_story AS (
            SELECT st.id AS story_id, ts_rank(st.search_vector, q.q) AS rank
            FROM stories_story st, q
            WHERE st.search_vector @@ q.q AND st.id IN ({candidates})
        )
        SELECT m.story_id
        FROM (SELECT * FROM by_segment UNION ALL SELECT * FROM by_story) m
        JOIN stories_story ranked ON ranked.id = m.story_id
        GROUP BY m.story_id, ranked.published_at
        ORDER BY sum(m.rank) DESC, ranked.published_at DESC NULLS LAST, m.story_id
    """  # noqa: S608 (the inner queries are compiled by the ORM with their own parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [_config(), query, *text_params, *candidate_params])
        return [row[0] for row in cursor.fetchall()]


class RankedStories:
    """Search results in rank order: ids from one query, stories read only for the page shown.

    Supports what pagination needs (count, slicing) and the chaining the views use.
    """

    def __init__(self, ids: list[int], queryset):
        self.ids = ids
        self.queryset = queryset

    def select_related(self, *fields) -> "RankedStories":
        return RankedStories(self.ids, self.queryset.select_related(*fields))

    def prefetch_related(self, *lookups) -> "RankedStories":
        return RankedStories(self.ids, self.queryset.prefetch_related(*lookups))

    def all(self) -> "RankedStories":
        return self

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def exists(self) -> bool:
        return bool(self.ids)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, item):
        if isinstance(item, int):
            return self[item : item + 1][0]
        page = self.ids[item]
        found = self.queryset.in_bulk(page)
        return [found[pk] for pk in page if pk in found]


def simple_terms(query: str) -> list[str]:
    """Return the words a simple search looks for: quoted phrases whole, no -words or 'or'."""
    phrases = re.findall(r'"([^"]+)"', query)
    rest = re.sub(r'"[^"]*"', " ", query)
    words = [w for w in rest.split() if not w.startswith("-") and w.lower() != "or"]
    return [term for term in phrases + words if term.strip()]


def _search_simply(stories, query: str):
    """Match every term anywhere in the public fields; the SQLite demo's search."""
    for term in simple_terms(query):
        in_text = Segment.objects.filter(
            transcript__is_current=True, public_text__icontains=term
        ).values("transcript__story_id")
        stories = stories.filter(
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(place__icontains=term)
            | Q(tags__name__iexact=term)
            | (_text_searchable() & Q(pk__in=in_text))
        )
    return stories.distinct().order_by("-published_at")


def mark_headline(text: str) -> SafeString:
    """Escape text, then turn the headline markers into <mark> elements."""
    return mark_safe(  # noqa: S308 (escaped first; only our own markers become tags)
        escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    )


def snippets(stories: list[Story], query: str) -> dict[int, SafeString]:
    """Return a highlighted snippet for each story shown (and only those)."""
    query = query.strip()
    if not query or not stories:
        return {}
    public_text = rule(Surface.PUBLIC, Role.ANYONE, Part.TRANSCRIPT)
    text_ids = [story.pk for story in stories if public_text.allows_story(story)]
    if uses_postgres():
        found = _headlines(text_ids, [story.pk for story in stories], query)
    else:
        found = _simple_snippets(text_ids, query)
    return {story.pk: found[story.pk] for story in stories if story.pk in found}


def _headlines(text_ids: list[int], ids: list[int], query: str) -> dict[int, SafeString]:
    config = _config()
    found = {}
    with connection.cursor() as cursor:
        if text_ids:
            cursor.execute(
                """
                SELECT DISTINCT ON (t.story_id) t.story_id,
                       ts_headline(%s::regconfig, s.public_text, q, %s)
                FROM stories_segment s
                JOIN stories_transcript t ON t.id = s.transcript_id,
                     websearch_to_tsquery(%s::regconfig, %s) q
                WHERE t.is_current AND t.story_id = ANY(%s) AND s.search_vector @@ q
                ORDER BY t.story_id, ts_rank(s.search_vector, q) DESC, s.index
                """,
                [config, HEADLINE_OPTIONS, config, query, text_ids],
            )
            found.update({story_id: mark_headline(text) for story_id, text in cursor.fetchall()})
        rest = [pk for pk in ids if pk not in found]
        if rest:
            cursor.execute(
                """
                SELECT id, ts_headline(%s::regconfig, summary, q, %s)
                FROM stories_story, websearch_to_tsquery(%s::regconfig, %s) q
                WHERE id = ANY(%s) AND summary <> ''
                """,
                [config, HEADLINE_OPTIONS, config, query, rest],
            )
            found.update({story_id: mark_headline(text) for story_id, text in cursor.fetchall()})
    return found


def _simple_snippets(text_ids: list[int], query: str) -> dict[int, SafeString]:
    terms = simple_terms(query)
    if not terms:
        return {}
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    found = {}
    segments = Segment.objects.filter(
        transcript__is_current=True,
        transcript__story_id__in=text_ids,
        public_text__icontains=terms[0],
    ).values_list("transcript__story_id", "public_text")
    for story_id, text in segments:
        if story_id in found:
            continue
        hit = pattern.search(text)
        start = max(0, hit.start() - SNIPPET_CHARS // 2) if hit else 0
        excerpt = text[start : start + SNIPPET_CHARS]
        marked = pattern.sub(lambda m: f"{START}{m.group()}{STOP}", excerpt)
        found[story_id] = mark_headline(("… " if start else "") + marked + " …")
    return found


@dataclass(frozen=True)
class Suggestion:
    query: str
    words: list[tuple[str, bool]]  # (word, changed) for showing the correction


def did_you_mean(query: str, stories) -> Suggestion | None:
    """Suggest a query with misspelt words replaced by similar known words (pg_trgm)."""
    if not uses_postgres():
        return None
    words = query.split()
    changed, result = False, []
    with connection.cursor() as cursor:
        for word in words:
            bare = word.strip('"-').lower()
            if len(bare) < 3 or bare == "or" or SearchTerm.objects.filter(word=bare).exists():
                result.append((word, False))
                continue
            cursor.execute(
                "SELECT word FROM stories_searchterm WHERE word %% %s "
                "ORDER BY similarity(word, %s) DESC, word LIMIT 1",
                [bare, bare],
            )
            row = cursor.fetchone()
            if row:
                changed = True
                result.append((word.lower().replace(bare, row[0]), True))
            else:
                result.append((word, False))
    if not changed:
        return None
    suggested = " ".join(word for word, _ in result)
    # Offer only a correction that finds something public, so no private word is revealed.
    if not search(stories, suggested).exists():
        return None
    return Suggestion(query=suggested, words=result)

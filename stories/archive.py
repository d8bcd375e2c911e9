"""Browsing the public archive: filters, search words and the counts beside each filter value.

Everything starts from Story.objects.public(), so counts and results cover public stories only.
find() is the one way in for the web pages and the API alike: it keeps filters derived from
storytellers' facts (FACT_FILTERS) from singling out fewer than REPORT_SMALL_NUMBER storytellers.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q
from taggit.models import Tag, TaggedItem

from stories import choices, search
from stories.access import Part, Role, Surface, rule
from stories.models import Recording, Story
from stories.querysets import StoryQuerySet

SECTOR_LABELS = dict(choices.SECTORS)
LANGUAGE_LABELS = dict(choices.LANGUAGES)


def audible() -> models.QuerySet:
    """Return the recordings whose clean copy for listeners is ready (see stories.media)."""
    return Recording.objects.filter(
        state=Recording.State.READY, listener_copy_state=Recording.CopyState.READY
    )


def with_public_audio(stories):
    """Return the stories whose audio may be heard: consent to publish it and a ready copy."""
    public_audio = rule(Surface.PUBLIC, Role.ANYONE, Part.AUDIO).condition()
    return stories.filter(public_audio, pk__in=audible().values("story_id"))


def _with_topic(stories, tag: str):
    topics = Tag.objects.filter(Q(slug=tag) | Q(name__iexact=tag))
    return stories.filter(pk__in=Story.objects.filter(tags__in=topics).values("pk"))


def _with_audio(stories, audio: bool):
    audible = with_public_audio(Story.objects.public()).values("pk")
    return stories.filter(pk__in=audible) if audio else stories.exclude(pk__in=audible)


# Filters on facts about the story itself. A filter on what storytellers said about themselves
# belongs in FACT_FILTERS instead; find() refuses a filter that is in neither.
STORY_FILTERS: dict[str, Callable] = {
    "tag": _with_topic,
    "place": lambda stories, place: stories.filter(place__iexact=place),
    "year": lambda stories, year: stories.filter(recorded_on__year=year),
    "language": lambda stories, language: stories.filter(language=language),
    "audio": _with_audio,
}


@dataclass(frozen=True)
class Fact:
    """A filter on one multi-choice answer storytellers gave about themselves."""

    field: str  # the Storyteller field holding the list of answers
    title: str  # how a sentence names the filter
    labels: dict[str, str]
    narrow: Callable[[StoryQuerySet, str], StoryQuerySet]


FACT_FILTERS = {
    "sector": Fact("sectors", "sector", SECTOR_LABELS, StoryQuerySet.in_sector),
}


def small_number() -> int:
    return settings.REPORT_SMALL_NUMBER


@dataclass(frozen=True)
class _Row:
    """What the filters and counts need to know about one story."""

    pk: int
    teller: int
    place: str
    year: int | None
    language: str
    answers: dict[str, frozenset[str]]  # fact filter name: the storyteller's answers

    def has(self, facts: dict[str, str]) -> bool:
        return all(value in self.answers[name] for name, value in facts.items())


def _singles_out(rows: list[_Row], facts: dict[str, str]) -> bool:
    """Say whether a fact filter picks out, or leaves out, fewer than N storytellers of these."""
    for name, value in facts.items():
        others = {other: wanted for other, wanted in facts.items() if other != name}
        tellers, having = set(), set()
        for row in rows:
            if row.has(others):
                tellers.add(row.teller)
                if value in row.answers[name]:
                    having.add(row.teller)
        # Too few outside says as much about each storyteller as too few inside: the report
        # hides 100% rows for the same reason.
        if len(having) < small_number() or len(tellers - having) < small_number():
            return True
    return False


class Found:
    """The stories one request to the archive may list, and what they were chosen from."""

    def __init__(self, *, narrowed, base, filters: dict, facts: dict[str, str]):
        self.narrowed = narrowed  # every filter but the fact-derived ones, before search words
        self.base = base  # the same with search words: the result before fact filters
        self.filters = filters
        self.facts = facts

    @property
    def base_ids(self):
        if isinstance(self.base, search.RankedStories):
            return self.base.ids
        return self.base.order_by().values("pk")

    @cached_property
    def rows(self) -> list[_Row]:
        fields = [f"storyteller__{fact.field}" for fact in FACT_FILTERS.values()]
        return [
            _Row(
                pk=pk,
                teller=teller,
                place=place,
                year=recorded_on.year if recorded_on else None,
                language=language,
                answers={
                    name: frozenset(answers or ())
                    for name, answers in zip(FACT_FILTERS, answer_lists, strict=True)
                },
            )
            for pk, teller, place, recorded_on, language, *answer_lists in Story.objects.filter(
                pk__in=self.base_ids
            ).values_list("pk", "storyteller_id", "place", "recorded_on", "language", *fields)
        ]

    @cached_property
    def withheld(self) -> bool:
        """Say whether the fact filters asked for would single out a few storytellers."""
        return bool(self.facts) and _singles_out(self.rows, self.facts)

    @cached_property
    def stories(self):
        """Return the stories that may be listed: none at all if they are withheld."""
        ranked = isinstance(self.base, search.RankedStories)
        if self.withheld:
            return search.RankedStories([], self.base.queryset) if ranked else self.base.none()
        if ranked and self.facts:
            keep = {row.pk for row in self.rows if row.has(self.facts)}
            return search.RankedStories(
                [pk for pk in self.base.ids if pk in keep], self.base.queryset
            )
        stories = self.base
        for name, value in self.facts.items():
            stories = FACT_FILTERS[name].narrow(stories, value)
        return stories


def find(stories, filters: dict, query: str = "", *, ordering=("-published_at",)) -> Found:
    """Narrow public stories by filters and search words (best first, else by ordering)."""
    unknown = set(filters) - set(STORY_FILTERS) - set(FACT_FILTERS)
    if unknown:
        raise ValueError(f"Unknown filters: {', '.join(sorted(unknown))}")
    narrowed = stories
    for name, value in filters.items():
        if name in STORY_FILTERS:
            narrowed = STORY_FILTERS[name](narrowed, value)
    base = search.search(narrowed, query) if query else narrowed.order_by(*ordering)
    facts = {name: value for name, value in filters.items() if name in FACT_FILTERS}
    return Found(narrowed=narrowed, base=base, filters=filters, facts=facts)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def _tags_by_story(ids) -> dict[int, list[tuple[str, str]]]:
    found = defaultdict(list)
    for story_id, slug, name in TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Story), object_id__in=ids
    ).values_list("object_id", "tag__slug", "tag__name"):
        found[story_id].append((slug, name))
    return found


def facets(found: Found) -> dict[str, list[FacetValue]]:
    """List each filter's values with their number of stories, in three queries.

    For a fact filter's own values, and for every value while a fact filter is asked for, a
    value is listed only if its stories would pass find()'s test; otherwise it leaves no trace.
    """
    rows, facts, filters = found.rows, found.facts, found.filters
    tags = _tags_by_story(found.base_ids)
    topic_names = {slug: name for pairs in tags.values() for slug, name in pairs}
    audible = set(
        with_public_audio(Story.objects.filter(pk__in=found.base_ids)).values_list("pk", flat=True)
    )
    spellings = Counter(row.place for row in rows if row.place)
    place_names = {}
    for place, _count in sorted(spellings.items(), key=lambda item: (-item[1], item[0])):
        place_names.setdefault(place.upper(), place)

    def listed(name, keys_of, label_of=str, value_of=str, chosen_key=str):
        groups = defaultdict(list)
        for row in rows:
            for key in keys_of(row):
                groups[key].append(row)
        chosen = chosen_key(filters[name]) if name in filters else None
        return [
            FacetValue(value_of(key), label_of(key), count, str(key) == str(chosen))
            for key, count in _counted(groups, facts).items()
        ]

    def by_count(values):
        return sorted(values, key=lambda item: (-item.count, item.label))

    result = {
        "tag": by_count(
            listed("tag", lambda row: [slug for slug, _ in tags[row.pk]], topic_names.get)
        ),
        "place": by_count(
            listed(
                "place",
                lambda row: [row.place.upper()] if row.place else [],
                place_names.get,
                place_names.get,
                str.upper,
            )
        ),
        "year": sorted(
            listed("year", lambda row: [row.year] if row.year else []),
            key=lambda item: -int(item.value),
        ),
        "language": by_count(
            listed(
                "language",
                lambda row: [row.language] if row.language else [],
                lambda code: LANGUAGE_LABELS.get(code, code),
            )
        ),
        "audio": listed("audio", lambda row: [True] if row.pk in audible else []),
    }
    for name, fact in FACT_FILTERS.items():
        others = {other: value for other, value in facts.items() if other != name}
        shown = []
        for answer, label in fact.labels.items():
            wanted = {**others, name: answer}
            if answer == choices.PREFER_NOT[0] or _singles_out(rows, wanted):
                continue
            count = sum(1 for row in rows if row.has(wanted))
            shown.append(FacetValue(answer, label, count, facts.get(name) == answer))
        result[name] = by_count(shown)
    return result


def _counted(groups: dict, facts: dict[str, str]) -> dict:
    """Count each group's stories that have these facts, leaving out groups they single out."""
    return {
        key: sum(1 for row in members if row.has(facts))
        for key, members in groups.items()
        if not _singles_out(members, facts)
    }


def topics():
    """Return the topics of public stories with their number of public stories."""
    return (
        Tag.objects.filter(
            taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(Story),
            taggit_taggeditem_items__object_id__in=Story.objects.public().values("pk"),
        )
        .annotate(count=Count("taggit_taggeditem_items"))
        .order_by("-count", "name")
    )


def related(story: Story, limit: int = 3):
    """Return public stories sharing the most topics with this one."""
    tag_ids = [tag.pk for tag in story.tags.all()]
    if not tag_ids:
        return Story.objects.none()
    return (
        Story.objects.public()
        .exclude(pk=story.pk)
        .filter(tags__in=tag_ids)
        .annotate(shared=Count("tags", distinct=True))
        .select_related("storyteller")
        .order_by("-shared", "-published_at")[:limit]
    )

"""Browsing the public archive: filters, search words and the counts beside each filter value.

Everything starts from Story.objects.public(), so counts and results cover public stories only.
find() is the one way in for the web pages and the API alike, and it knows only filters on facts
about the stories themselves. No public filter or count is ever derived from what storytellers
said about themselves (stories.choices.DEMOGRAPHIC_FIELDS, for curators only): a filter such as
sector would tell readers the answer of every storyteller it lists, and counts taken under
different filters can be subtracted to single one out.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q
from taggit.models import Tag, TaggedItem

from stories import choices, search
from stories.access import Part, Role, Surface, rule
from stories.models import Recording, Story
from stories.text import normalise_name

LANGUAGE_LABELS = dict(choices.LANGUAGES)


def audible() -> models.QuerySet:
    """Return the recordings whose clean copy for listeners is ready (see stories.media)."""
    return Recording.objects.filter(
        state=Recording.State.READY, listener_copy_state=Recording.CopyState.READY
    )


def may_be_heard(stories):
    """Return the stories whose storytellers agreed to publish their audio."""
    return stories.filter(rule(Surface.PUBLIC, Role.ANYONE, Part.AUDIO).condition())


def may_be_seen(stories):
    """Return the stories whose storytellers agreed to publish their video (faces and places)."""
    return stories.filter(rule(Surface.PUBLIC, Role.ANYONE, Part.VIDEO).condition())


def with_public_audio(stories):
    """Return the stories whose audio may be heard now: consent to publish it and a ready copy."""
    return may_be_heard(stories).filter(pk__in=audible().values("story_id"))


def _with_topic(stories, tag: str):
    topics = Tag.objects.filter(Q(slug=tag) | Q(name__iexact=normalise_name(tag)))
    return stories.filter(pk__in=Story.objects.filter(tags__in=topics).values("pk"))


def _with_audio(stories, audio: bool):
    audible = with_public_audio(Story.objects.public()).values("pk")
    return stories.filter(pk__in=audible) if audio else stories.exclude(pk__in=audible)


# Every filter the public may use: each is a fact about the story, never about its storyteller.
STORY_FILTERS: dict[str, Callable] = {
    "tag": _with_topic,
    "place": lambda stories, place: stories.filter(place__iexact=place),
    "year": lambda stories, year: stories.filter(recorded_on__year=year),
    "language": lambda stories, language: stories.filter(language=language),
    "audio": _with_audio,
}


@dataclass(frozen=True)
class _Row:
    """What the counts need to know about one story."""

    pk: int
    place: str
    year: int | None
    language: str


class Found:
    """The stories one request to the archive may list, and what they were chosen from."""

    def __init__(self, *, narrowed, stories, filters: dict):
        self.narrowed = narrowed  # every filter, before search words
        self.stories = stories  # the same with search words: what the page lists
        self.filters = filters

    @property
    def ids(self):
        if isinstance(self.stories, search.RankedStories):
            return self.stories.ids
        return self.stories.order_by().values("pk")

    @cached_property
    def rows(self) -> list[_Row]:
        return [
            _Row(
                pk=pk,
                place=place,
                year=recorded_on.year if recorded_on else None,
                language=language,
            )
            for pk, place, recorded_on, language in Story.objects.filter(
                pk__in=self.ids
            ).values_list("pk", "place", "recorded_on", "language")
        ]


def find(stories, filters: dict, query: str = "", *, ordering=("-published_at",)) -> Found:
    """Narrow public stories by filters and search words (best first, else by ordering)."""
    unknown = set(filters) - set(STORY_FILTERS)
    if unknown:
        raise ValueError(f"Unknown filters: {', '.join(sorted(unknown))}")
    narrowed = stories
    for name, value in filters.items():
        narrowed = STORY_FILTERS[name](narrowed, value)
    found = search.search(narrowed, query) if query else narrowed.order_by(*ordering)
    return Found(narrowed=narrowed, stories=found, filters=filters)


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
    """List each filter's values with their number of stories in this result, in three queries."""
    rows, filters = found.rows, found.filters
    tags = _tags_by_story(found.ids)
    topic_names = {slug: name for pairs in tags.values() for slug, name in pairs}
    audible = set(
        with_public_audio(Story.objects.filter(pk__in=found.ids)).values_list("pk", flat=True)
    )
    spellings = Counter(row.place for row in rows if row.place)
    place_names = {}
    for place, _count in sorted(spellings.items(), key=lambda item: (-item[1], item[0])):
        place_names.setdefault(place.upper(), place)

    def listed(name, keys_of, label_of=str, value_of=str, chosen_key=str):
        counts = Counter(key for row in rows for key in keys_of(row))
        chosen = chosen_key(filters[name]) if name in filters else None
        return [
            FacetValue(value_of(key), label_of(key), count, str(key) == str(chosen))
            for key, count in counts.items()
        ]

    def by_count(values):
        return sorted(values, key=lambda item: (-item.count, item.label))

    return {
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

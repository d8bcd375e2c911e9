"""Browsing the public archive: filters and the counts beside each filter value.

Everything starts from Story.objects.public(), so counts and results cover public stories only.
"""

from collections import Counter
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from taggit.models import Tag, TaggedItem

from stories import choices
from stories.models import Recording, Story
from stories.querysets import consent_allows

SECTOR_LABELS = dict(choices.SECTORS)
LANGUAGE_LABELS = dict(choices.LANGUAGES)


def with_public_audio(stories):
    """Return the stories whose audio may be heard: consent to publish it and a ready recording."""
    ready = Recording.objects.filter(state=Recording.State.READY).values("story_id")
    return stories.filter(consent_allows("publish_audio"), pk__in=ready)


def apply_filters(stories, filters: dict):
    """Narrow public stories by topic, sector, place, year, language and audio."""
    if "tag" in filters:
        stories = stories.filter(tags__slug=filters["tag"])
    if "sector" in filters:
        stories = stories.in_sector(filters["sector"])
    if "place" in filters:
        stories = stories.filter(place__iexact=filters["place"])
    if "year" in filters:
        stories = stories.filter(recorded_on__year=filters["year"])
    if "language" in filters:
        stories = stories.filter(language=filters["language"])
    if filters.get("audio"):
        stories = with_public_audio(stories)
    return stories


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def _tag_counts(story_ids):
    """Count stories per topic, for stories given by a subquery or a list of ids."""
    return (
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Story), object_id__in=story_ids
        )
        .values_list("tag__slug", "tag__name")
        .annotate(count=Count("id"))
        .order_by("-count", "tag__name")
    )


def facets(stories, filters: dict) -> dict[str, list[FacetValue]]:
    """Count the stories in this result for each value of each filter, in three queries."""
    ids = stories.ids if hasattr(stories, "ids") else stories.order_by().values("pk")
    matching = Story.objects.filter(pk__in=ids)
    places, years, languages, sectors = Counter(), Counter(), Counter(), Counter()
    for place, recorded_on, language, sector_list in matching.values_list(
        "place", "recorded_on", "language", "storyteller__sectors"
    ):
        places[place] += 1
        years[recorded_on.year if recorded_on else None] += 1
        languages[language] += 1
        sectors.update(
            sector
            for sector in sector_list or []
            if sector in SECTOR_LABELS and sector != choices.PREFER_NOT[0]
        )

    def values(name, counts: Counter, labels=None, order=None):
        rows = sorted(counts.items(), key=order or (lambda item: (-item[1], str(item[0]))))
        return [
            FacetValue(
                value=str(value),
                label=(labels or {}).get(value, str(value)),
                count=count,
                selected=str(filters.get(name, "")) == str(value),
            )
            for value, count in rows
            if value not in ("", None)
        ]

    return {
        "tag": [
            FacetValue(slug, name, count, filters.get("tag") == slug)
            for slug, name, count in _tag_counts(ids)
        ],
        "sector": values("sector", sectors, SECTOR_LABELS),
        "place": values("place", places),
        "year": values("year", years, order=lambda item: -(item[0] or 0)),
        "language": values("language", languages, LANGUAGE_LABELS),
        "audio": values("audio", Counter({"True": with_public_audio(matching).count()})),
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

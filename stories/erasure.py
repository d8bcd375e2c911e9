"""Erase a withdrawn story, or a storyteller whose stories are all withdrawn, for good.

Every row that holds their content goes, and every file in storage: recordings and the copies
made for listeners, transcripts in every version, consent versions with their evidence, the
storyteller's facts, contact details and private links, the search entries and the words only
they used, the admin's log of them, and everything other apps keep about the stories (quotes,
audio extracts, report PDFs), which those apps erase through `register`. What remains is one
audit row, the tombstone, saying who erased what kind of thing and when, with counts and ids
but no content.

Audit rows are append-only in PostgreSQL (migration 0009): the erasure names the stories and the
storyteller it erases in its own transaction, and the database then lets it delete their audit
rows, and no others. Files are deleted once that transaction commits, so a rollback loses none.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.db.models import Count, F, Q
from django.db.models.deletion import Collector
from django.utils import timezone
from taggit.models import Tag

from stories import search, subject_access
from stories.models import (
    AuditEvent,
    Consent,
    Project,
    Recording,
    Redaction,
    Segment,
    Story,
    Storyteller,
    SubjectAccessCopy,
    Transcript,
)
from stories.services import audit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """Something an erasure removes or changes, counted for the check page and the tombstone."""

    key: str
    label: str
    count: int
    hint: str = ""
    text: str = ""  # shown instead of the count

    @property
    def shown(self) -> str:
        return self.text or (str(self.count) if self.count else "None")


@dataclass(frozen=True)
class Handler:
    """What another app does when stories are erased (see `register`)."""

    describe: Callable[..., list[Item]]
    erase: Callable[..., None]


_handlers: list[Handler] = []


def register(*, describe: Callable[..., list[Item]], erase: Callable[..., None]) -> None:
    """Take part in every erasure; each app calls this in its AppConfig.ready().

    describe(story_ids=…) counts what the app will remove or change, and reads only.
    erase(story_ids=…) runs inside the erasure's transaction before the stories' rows are
    deleted; rows that cascade from the stories go with them (their files too), so it need only
    see to what does not: files made from the stories, and copies of their ids or words.
    """
    handler = Handler(describe=describe, erase=erase)
    if handler not in _handlers:
        _handlers.append(handler)


def delete_files_on_commit(files: list[models.fields.files.FieldFile]) -> None:
    """Delete these files from storage once the current transaction commits."""
    named = [(file.storage, file.name) for file in files if file]
    if named:
        transaction.on_commit(lambda: _delete_files(named))


def _delete_files(named: list[tuple]) -> None:
    for storage, name in named:
        try:
            storage.delete(name)
        except Exception:  # the rows are gone already: say which file is left, and go on
            logger.exception("An erased file could not be deleted from storage: %s", name)


# ---- May this be erased? ------------------------------------------------------------------


def story_refusal(story: Story) -> str | None:
    """Say why this story can't be erased, or return None if it can."""
    consent = story.current_consent
    if story.status != Story.Status.WITHDRAWN or consent is None or not consent.withdrawn:
        return (
            "Only a story whose storyteller has withdrawn their consent in full can be erased. "
            f"This story is “{story.get_status_display()}”."
        )
    return None


def storyteller_refusal(storyteller: Storyteller, stories: list[Story] | None = None) -> str | None:
    """Say why this storyteller can't be erased, or return None if they can."""
    if stories is None:
        stories = storyteller.stories.select_related("current_consent")
    kept = [story for story in stories if story_refusal(story)]
    if kept:
        titles = ", ".join(f"“{story.title}”" for story in kept)
        return (
            "Only a storyteller whose stories are all withdrawn can be erased. "
            f"{len(kept)} of their stories {'is' if len(kept) == 1 else 'are'} not: {titles}. "
            "Erase a withdrawn story on its own page instead."
        )
    return None


# ---- What will go -------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What erasing these stories (and this storyteller) removes, before anything goes."""

    stories: list[Story]
    storyteller: Storyteller | None
    items: list[Item]

    @property
    def counts(self) -> dict[str, int]:
        return {item.key: item.count for item in self.items}


def _storyteller_events(storyteller: Storyteller):
    """The audit rows without a story that name this storyteller by code."""
    return AuditEvent.objects.filter(
        project=storyteller.project_id, story=None, details__storyteller=storyteller.code
    )


def plan(stories: list[Story], storyteller: Storyteller | None = None) -> Plan:
    """Count what erasing these stories (and, if given, their storyteller) removes. Reads only."""
    ids = [story.pk for story in stories]
    consents = Consent.objects.filter(story__in=ids)
    history = AuditEvent.objects.filter(story__in=ids).count()
    items = [Item("stories", "Withdrawn stories", len(ids))] if storyteller else []
    items += [
        Item(
            "recordings",
            "Recordings",
            Recording.objects.filter(story__in=ids).count(),
            "With the copies made for listeners.",
        ),
        Item(
            "transcripts", "Transcript versions", Transcript.objects.filter(story__in=ids).count()
        ),
        Item(
            "redactions", "Redactions", Redaction.objects.filter(transcript__story__in=ids).count()
        ),
        Item("consents", "Consent versions", consents.count()),
        Item("evidence", "Consent evidence files", consents.exclude(evidence="").count()),
    ]
    for handler in _handlers:
        items += handler.describe(story_ids=ids)
    if storyteller:
        history += _storyteller_events(storyteller).count()
        items += [
            Item(
                "storyteller",
                "The storyteller",
                1,
                text=f"{storyteller.code}: their credit name, facts and contact details",
            ),
            Item("links", "Private links", storyteller.links.count()),
        ]
    items.append(
        Item(
            "history",
            "Entries in the history",
            history,
            "Replaced by one entry that says who erased what, and when, with none of the content.",
        )
    )
    return Plan(stories=stories, storyteller=storyteller, items=items)


# ---- Erasing ------------------------------------------------------------------------------


def _allow_erasing(story_ids: list[int], storyteller_ids: list[int]) -> None:
    """Tell the audit trigger, for this transaction only, which rows it may let us delete."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('corpro.erasing_stories', %s, true), "
            "set_config('corpro.erasing_storytellers', %s, true)",
            [",".join(map(str, story_ids)), ",".join(map(str, storyteller_ids))],
        )


def _words_of(story_ids: list[int]) -> set[str]:
    """Every word the stories' details, topics and transcripts hold, for search to forget."""
    texts = [
        text
        for row in Story.objects.filter(pk__in=story_ids).values_list("title", "summary", "place")
        for text in row
    ]
    texts += Tag.objects.filter(
        taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(Story),
        taggit_taggeditem_items__object_id__in=story_ids,
    ).values_list("name", flat=True)
    for row in Segment.objects.filter(transcript__story__in=story_ids).values_list(
        "text", "public_text", "speaker"
    ):
        texts += row
    return search.words_in(texts)


def _forget_topics(stories: list[Story]) -> None:
    """Untag the stories (taggit leaves tags behind a deleted row), and drop topics now unused."""
    used = set()
    for story in stories:
        used |= set(story.tags.values_list("pk", flat=True))
        story.tags.clear()
    Tag.objects.filter(pk__in=used, taggit_taggeditem_items__isnull=True).delete()


def _delete_with_files(objects: list[models.Model]) -> list[tuple]:
    """Delete these rows and every row that cascades from them, with the admin's log of them.

    Return the (storage, name) of every file those rows held, read before they go.
    """
    collector = Collector(using=DEFAULT_DB_ALIAS, origin=objects[0])
    collector.collect(objects)
    doomed = [(model, {row.pk for row in rows}) for model, rows in collector.data.items()]
    doomed += [
        (queryset.model, set(queryset.values_list("pk", flat=True)))
        for queryset in collector.fast_deletes
    ]
    files = []
    for model, pks in doomed:
        if not pks:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if fields:
            rows = model._base_manager.filter(pk__in=pks).values_list(
                *(field.attname for field in fields)
            )
            files += [
                (field.storage, name)
                for row in rows
                for field, name in zip(fields, row, strict=True)
                if name
            ]
        content_type = ContentType.objects.filter(
            app_label=model._meta.app_label, model=model._meta.model_name
        ).first()
        if content_type:
            LogEntry.objects.filter(
                content_type=content_type, object_id__in=[str(pk) for pk in pks]
            ).delete()
    collector.delete()
    return files


def _erase(
    *, stories: list[Story], storyteller: Storyteller | None, by, actor_label: str
) -> AuditEvent:
    """Erase the stories (and the storyteller), leaving only the tombstone. In a transaction."""
    project = (storyteller or stories[0]).project
    ids = [story.pk for story in stories]
    _allow_erasing(ids, [storyteller.pk] if storyteller else [])
    counted = plan(stories, storyteller)
    words = _words_of(ids)
    tombstone = audit(
        action=(
            AuditEvent.Action.STORYTELLER_ERASED if storyteller else AuditEvent.Action.STORY_ERASED
        ),
        project=project,
        actor=by,
        actor_label=actor_label,
        counts=counted.counts,
        story_ids=ids,
        storyteller_id=storyteller.pk if storyteller else stories[0].storyteller_id,
    )
    for handler in _handlers:
        handler.erase(story_ids=ids)
    AuditEvent.objects.filter(story__in=ids).delete()
    files = []
    # A copy of everything held about the storyteller holds these stories too; a killed run
    # of the worker may have left one in the copy's folder.
    copies = list(
        SubjectAccessCopy.objects.filter(
            storyteller__in={story.storyteller_id for story in stories}
            | ({storyteller.pk} if storyteller else set())
        )
    )
    if copies:
        files += [file for copy in copies for file in subject_access.copy_files(copy)]
        files += _delete_with_files(copies)
    if stories:
        _forget_topics(stories)
        files += _delete_with_files(stories)
    if storyteller:
        _storyteller_events(storyteller).delete()
        files += _delete_with_files([storyteller])
    search.forget_words(words)
    _allow_erasing([], [])
    if files:
        transaction.on_commit(lambda: _delete_files(files))
    return tombstone


def _locked_stories():
    return Story.objects.select_for_update(of=("self",)).select_related(
        "project", "current_consent"
    )


@transaction.atomic
def erase_story(*, story: Story, by, actor_label: str = "") -> AuditEvent:
    """Erase a withdrawn story for good; the storyteller stays. Return the tombstone."""
    story = _locked_stories().get(pk=story.pk)
    refusal = story_refusal(story)
    if refusal:
        raise ValidationError(refusal)
    return _erase(stories=[story], storyteller=None, by=by, actor_label=actor_label)


@transaction.atomic
def erase_storyteller(*, storyteller: Storyteller, by, actor_label: str = "") -> AuditEvent:
    """Erase a storyteller whose stories are all withdrawn, with those stories, for good."""
    # Locked first: a story added for them meanwhile waits for this, then finds them gone.
    storyteller = (
        Storyteller.objects.select_for_update().select_related("project").get(pk=storyteller.pk)
    )
    stories = list(_locked_stories().filter(storyteller=storyteller).order_by("pk"))
    refusal = storyteller_refusal(storyteller, stories)
    if refusal:
        raise ValidationError(refusal)
    return _erase(stories=stories, storyteller=storyteller, by=by, actor_label=actor_label)


# ---- Retention ----------------------------------------------------------------------------


def retention_label(project: Project) -> str:
    """Name the retention rule, as the actor of the erasures it makes."""
    days = project.withdrawn_retention_days
    return f"Retention rule: erased {days} day{'' if days == 1 else 's'} after withdrawal"


def _expired_condition(project: Project, now: datetime, prefix: str = "") -> Q:
    cutoff = now - timedelta(days=project.withdrawn_retention_days)
    return Q(
        **{
            f"{prefix}status": Story.Status.WITHDRAWN,
            f"{prefix}current_consent__withdrawn": True,
            f"{prefix}current_consent__created_at__lte": cutoff,
        }
    )


@dataclass(frozen=True)
class Expired:
    """What a project's retention rule erases now."""

    project: Project
    storytellers: list[Storyteller]  # every story of theirs expired: they go, stories and all
    stories: list[Story]  # expired stories of storytellers who have others


def find_expired(now: datetime | None = None) -> list[Expired]:
    """Return, per project with a retention period, what it keeps no longer. Reads only."""
    now = now or timezone.now()
    found = []
    for project in Project.objects.filter(withdrawn_retention_days__isnull=False):
        storytellers = list(
            Storyteller.objects.filter(project=project)
            .annotate(
                total=Count("stories", distinct=True),
                expired=Count(
                    "stories",
                    filter=_expired_condition(project, now, prefix="stories__"),
                    distinct=True,
                ),
            )
            .filter(total__gt=0, expired=F("total"))
            .order_by("pk")
        )
        stories = list(
            Story.objects.filter(_expired_condition(project, now), project=project)
            .exclude(storyteller__in=storytellers)
            .order_by("pk")
        )
        if storytellers or stories:
            found.append(Expired(project=project, storytellers=storytellers, stories=stories))
    return found


def erase_expired(now: datetime | None = None) -> tuple[int, int]:
    """Erase what every project's retention rule keeps no longer; return (stories, storytellers).

    Each erasure is its own transaction: one that fails is logged and the others still run.
    """
    stories = storytellers = 0
    for expired in find_expired(now):
        label = retention_label(expired.project)
        for storyteller in expired.storytellers:
            try:
                tombstone = erase_storyteller(storyteller=storyteller, by=None, actor_label=label)
            except Storyteller.DoesNotExist:
                continue  # a curator erased them a moment ago
            except Exception:
                logger.exception("Retention could not erase storyteller %s", storyteller.pk)
                continue
            storytellers += 1
            stories += len(tombstone.details["story_ids"])
        for story in expired.stories:
            try:
                erase_story(story=story, by=None, actor_label=label)
            except Story.DoesNotExist:
                continue
            except Exception:
                logger.exception("Retention could not erase story %s", story.pk)
                continue
            stories += 1
    return stories, storytellers

"""State changes in sense-making: highlighting, tagging, the codebook and findings.

Edits to shared things (themes, findings) carry the version the editor saw; if someone else
saved first the edit is refused with the newer version, never silently overwritten.
"""

import json
import secrets
from datetime import date, timedelta
from functools import partial
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, F, Max, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Lower, Substr
from django.utils import timezone
from django.utils.text import slugify

from sensemaking.anonymity import TRACEABLE_WARNING, traceable_story_ids
from sensemaking.models import (
    Finding,
    Memo,
    MemoVersion,
    Quote,
    QuoteTheme,
    Report,
    ReportPartner,
    ReportVersion,
    Theme,
    Workshop,
    WorkshopGuest,
    palette_colour,
)
from stories.erasure import delete_files_on_commit
from stories.models import REDACTED, AuditEvent, Project, Redaction, Story, Transcript
from stories.services import audit, hash_token, nearest_occurrence
from stories.text import normalise_name
from stories.timing import TimedSegment, span_times


class StaleEdit(Exception):
    """Someone else saved this first; carries the current version to show the editor."""

    def __init__(self, current):
        self.current = current
        super().__init__("Someone else changed this while you were editing it.")


def _check_stories(project: Project, stories) -> list[Story]:
    stories = list(stories)
    usable = set(
        Story.objects.usable_in_sensemaking()
        .filter(project=project, pk__in=[story.pk for story in stories])
        .values_list("pk", flat=True)
    )
    refused = [story.title for story in stories if story.pk not in usable]
    if refused:
        raise ValidationError(
            "These stories can’t be used in a workshop, because their storytellers have not "
            f"agreed to sense-making: {', '.join(refused)}."
        )
    return stories


@transaction.atomic
def create_workshop(
    *,
    project: Project,
    title: str,
    by,
    held_on: date | None = None,
    stories=(),
    facilitators=(),
    participants=(),
) -> Workshop:
    """Create a workshop with stories whose consent allows sense-making."""
    workshop = Workshop(project=project, title=title, held_on=held_on, created_by=by)
    workshop.full_clean()
    workshop.save()
    workshop.stories.set(_check_stories(project, stories))
    workshop.facilitators.set([by, *facilitators])
    workshop.participants.set(participants)
    return workshop


@transaction.atomic
def set_workshop_stories(*, workshop: Workshop, stories, by) -> Workshop:
    """Choose the workshop's stories; only ones whose consent allows sense-making."""
    workshop.stories.set(_check_stories(workshop.project, stories))
    return workshop


@transaction.atomic
@transaction.atomic
def invite_guest(
    *, workshop: Workshop, display_name: str, by, days: int = 14
) -> tuple[WorkshopGuest, str]:
    """Make a private, expiring link for someone without an account to join one workshop."""
    token = secrets.token_urlsafe(32)
    guest = WorkshopGuest(
        workshop=workshop,
        display_name=display_name.strip(),
        token_hash=hash_token(token),
        expires_at=timezone.now() + timedelta(days=days),
        created_by=by,
    )
    guest.full_clean()
    guest.save()
    # The guest's name is not copied into the history: the guest row holds it.
    audit(
        action=AuditEvent.Action.GUEST_LINK_CREATED,
        project=workshop.project,
        actor=by,
        workshop=workshop.pk,
        guest=guest.pk,
        expires_at=guest.expires_at.isoformat(),
    )
    return guest, token


@transaction.atomic
def stop_guest_link(*, guest: WorkshopGuest, by) -> WorkshopGuest:
    """Stop a workshop link at once: its guest is let in no more. Stopping twice changes nothing."""
    guest = (
        WorkshopGuest.objects.select_for_update()
        .select_related("workshop__project")
        .get(pk=guest.pk)
    )
    if guest.revoked_at is not None:
        return guest
    guest.revoked_at = timezone.now()
    guest.save(update_fields=["revoked_at"])
    audit(
        action=AuditEvent.Action.GUEST_LINK_STOPPED,
        project=guest.workshop.project,
        actor=by,
        workshop=guest.workshop_id,
        guest=guest.pk,
    )
    return guest


def find_guest(token: str) -> WorkshopGuest | None:
    """Return the active guest for a workshop link token, or None."""
    return (
        WorkshopGuest.objects.select_related("workshop__project")
        .filter(token_hash=hash_token(token), revoked_at=None, expires_at__gt=timezone.now())
        .first()
    )


def themes_named(project: Project, names: list[str]) -> list[Theme]:
    """Return the project's themes with these names, creating missing ones.

    Names that differ only in letter case, or in how their letters were typed, are the same
    theme.
    """
    names = [name for raw in names if (name := normalise_name(raw)[:100])]
    # One query for all the names, by the same Lower(name) the uniqueness constraint indexes.
    existing = {
        theme.lowered: theme
        for theme in Theme.objects.annotate(lowered=Lower("name")).filter(
            project=project, lowered__in=[name.lower() for name in names]
        )
    }
    found = []
    for name in names:
        theme = existing.get(name.lower())
        if theme is None:
            theme = _new_theme(project, name)
            existing[name.lower()] = theme
        if theme not in found:
            found.append(theme)
    return found


class Selection(NamedTuple):
    """What a highlight needs to know about the words selected in a story's current transcript."""

    transcript_id: int
    words: str  # fewer characters than asked for if the selection runs past the end
    usable: bool  # the story may still be used in this workshop
    redacted: bool  # the words touch a redaction
    story_redacted: bool  # the story has redactions anywhere
    start: float | None  # when the words are said (stories.timing.span_times)
    end: float | None


def _selection(story: Story, usable, char_start: int, char_end: int) -> Selection | None:
    """Read the selected words and what surrounds them in one query.

    Saving a highlight is the workshop's busiest request: this is written in SQL (that SQLite
    and PostgreSQL both run) because building the same query with the ORM took longer than
    running it. The consent rule comes compiled from the `usable` queryset. There is one row
    for each segment the words touch, whose times and word times time them.
    """
    usable_sql, usable_params = usable.values("pk").query.sql_with_params()
    sql = f"""
        SELECT t.id, SUBSTR(t.text, %s, %s), EXISTS({usable_sql}),
            EXISTS(
                SELECT 1 FROM stories_redaction r
                WHERE r.transcript_id = t.id AND r.char_start < %s AND r.char_end > %s
            ),
            EXISTS(
                SELECT 1 FROM stories_redaction r
                JOIN stories_transcript other ON other.id = r.transcript_id
                WHERE other.story_id = t.story_id
            ),
            s.char_start, s.char_end, s.start_seconds, s.end_seconds, s.text, s.word_times
        FROM stories_transcript t
        LEFT JOIN stories_segment s
            ON s.transcript_id = t.id AND s.char_start < %s AND s.char_end > %s
        WHERE t.story_id = %s AND t.is_current
    """  # noqa: S608 (the inner query is compiled by the ORM with its own parameters)
    overlapping = [char_end, char_start]
    params = [char_start + 1, char_end - char_start, *usable_params, *overlapping * 2, story.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    transcript_id, words, *flags = rows[0][:5]
    # Both databases hand JSON to a raw cursor as text.
    segments = [
        TimedSegment(*row[5:10], json.loads(row[10]) if isinstance(row[10], str) else row[10])
        for row in rows
        if row[5] is not None
    ]
    start, end = span_times(segments, char_start, char_end) or (None, None)
    # SQLite answers EXISTS with 0 or 1.
    return Selection(transcript_id, words, *(bool(flag) for flag in flags), start, end)


def _check_story_usable(workshop: Workshop, story: Story, usable) -> None:
    """Say why a story can't be highlighted in this workshop, if it can't."""
    if usable.exists():
        return
    if not workshop.stories.filter(pk=story.pk).exists():
        raise ValidationError("That story is not part of this workshop.", code="story_unusable")
    raise ValidationError(
        "This story can’t be used any more: its storyteller may have withdrawn it.",
        code="story_unusable",
    )


def _new_theme(project: Project, name: str) -> Theme:
    """Add a theme to the codebook, or return the one someone else has just added by that name.

    The database's constraints (one name per project, whatever its letter case; a valid colour)
    are checked by the insert itself rather than by queries before it.
    """
    top = Theme.objects.filter(project=project).aggregate(top=Max("position"))["top"]
    position = (top or 0) + 1
    theme = Theme(project=project, name=name, position=position, colour=palette_colour(position))
    theme.full_clean(exclude=["slug", "project"], validate_constraints=False)
    try:
        with transaction.atomic():
            theme.save()
    except IntegrityError:
        # Two people typed the same new theme at once: both quotes get the one that was saved.
        return Theme.objects.annotate(lowered=Lower("name")).get(
            project=project, lowered=name.lower()
        )
    return theme


def _words_to_quote(workshop: Workshop, story: Story, char_start: int, char_end: int) -> Selection:
    """Read the words of the story's current transcript a quote would hold, or say what is wrong."""
    if not 0 <= char_start < char_end:
        raise ValidationError("Select some words of the transcript.")
    usable = Story.objects.usable_in_sensemaking().filter(pk=story.pk, workshops=workshop)
    selection = _selection(story, usable, char_start, char_end)
    if selection is None or not selection.usable:
        _check_story_usable(workshop, story, usable)
        raise ValidationError("This story has no transcript to highlight.")
    if len(selection.words) < char_end - char_start:  # The selection runs past the end.
        raise ValidationError("Select some words of the transcript.")
    if not selection.words.strip():
        raise ValidationError("Select some words, not only spaces.")
    if selection.redacted:
        raise ValidationError(
            "Your selection includes redacted words. Select the words before or after them."
        )
    return selection


@transaction.atomic
def highlight(
    *,
    workshop: Workshop,
    story: Story,
    char_start: int,
    char_end: int,
    themes: list[Theme] = (),
    theme_names: list[str] = (),
    note: str = "",
    user=None,
    guest: WorkshopGuest | None = None,
) -> Quote:
    """Save a quote from the current transcript, with its times, and tag it with themes.

    `theme_names` are found or created in the project's codebook, only once the quote is known
    to be valid. Reads only the selected words and the segments they touch, so the cost does not
    grow with the transcript's length or the number of quotes. The quote's `theme_list` holds
    the themes it was tagged with.
    """
    selection = _words_to_quote(workshop, story, char_start, char_end)
    text = selection.words
    quote = Quote(
        workshop=workshop,
        story=story,
        transcript_id=selection.transcript_id,
        char_start=char_start,
        char_end=char_end,
        text=text,
        start_seconds=selection.start,
        end_seconds=selection.end,
        note=note.strip(),
        created_by=user,
        created_by_guest=guest,
    )
    # Offsets are checked above and constraints by the database; skip the extra round trips.
    quote.full_clean(
        exclude=["workshop", "story", "transcript", "created_by", "created_by_guest"],
        validate_constraints=False,
    )
    themes = list(themes)
    themes += [t for t in themes_named(workshop.project, theme_names) if t not in themes]
    quote.theme_ids = ",".join(str(theme.pk) for theme in themes)
    quote.save()
    _link_themes(quote, themes, new_quote=True)
    quote.theme_list = themes
    if selection.story_redacted:
        hide_redacted_words([quote])
    else:
        quote.display_text = text
    return quote


def _link_themes(quote: Quote, themes: list[Theme], *, new_quote: bool = False) -> None:
    """Add these themes to the quote; a `new_quote` was saved with their ids already."""
    for theme in themes:
        if theme.project_id != quote.workshop.project_id:
            raise ValidationError("A theme from another project can’t be used here.")
    QuoteTheme.objects.bulk_create(
        [QuoteTheme(tag=theme, content_object=quote) for theme in themes],
        ignore_conflicts=True,
    )
    if not new_quote:
        record_theme_ids([quote.pk])


def record_theme_ids(quote_ids) -> None:
    """Copy these quotes' theme links into `Quote.theme_ids`, after anything changed them.

    Every change of a quote's themes ends here, in one UPDATE whatever the number of quotes.
    """
    ids = (
        QuoteTheme.objects.filter(content_object=OuterRef("pk"))
        .order_by()
        .values("content_object")
        .annotate(ids=StringAgg(Cast("tag_id", CharField()), Value(",")))
        .values("ids")
    )
    Quote.all_objects.filter(pk__in=quote_ids).update(theme_ids=Coalesce(Subquery(ids), Value("")))


@transaction.atomic
def mark_key_quote(*, quote: Quote, is_key: bool, by=None, use_anyway: bool = False) -> Quote:
    """Mark a quote as key to its themes, or not; saying the same twice changes nothing.

    A quote credited anonymously whose public story names its storyteller becomes key only with
    `use_anyway` (the facilitator confirmed they asked), which is audited.
    """
    story = Story.objects.select_related("storyteller", "current_consent").get(pk=quote.story_id)
    traceable = is_key and not quote.is_key and bool(traceable_story_ids([story]))
    if traceable and not use_anyway:
        raise ValidationError(TRACEABLE_WARNING, code="traceable")
    Quote.objects.filter(pk=quote.pk).update(is_key=is_key)
    quote.is_key = is_key
    if traceable:
        audit(
            action=AuditEvent.Action.QUOTE_EDITED,
            project=quote.workshop.project,
            actor=by,
            story=story,
            workshop=quote.workshop_id,
            quote=quote.pk,
            key_quote=True,
            could_name_storyteller=True,
        )
    # Drafts presenting this workshop now have other key quotes, so other extracts.
    for version in ReportVersion.objects.filter(
        status=ReportVersion.Status.DRAFT, workshops=quote.workshop_id
    ):
        transaction.on_commit(partial(refresh_outputs, version))
    return quote


def refresh_outputs(version: ReportVersion) -> None:
    """Make the report files a version may show now, and delete the rest (see reports)."""
    from sensemaking import reports  # reports reads services; avoid a cycle

    reports.refresh_outputs(version)


@transaction.atomic
def tag_quote(*, quote: Quote, themes: list[Theme]) -> Quote:
    """Add themes to a quote (existing links are kept)."""
    _link_themes(quote, themes)
    return quote


@transaction.atomic
def untag_quote(*, quote: Quote, theme: Theme) -> Quote:
    QuoteTheme.objects.filter(content_object=quote, tag=theme).delete()
    record_theme_ids([quote.pk])
    return quote


# ---- Changing, removing and restoring quotes ---------------------------------------------------
#
# Removing a quote sets `removed_at` rather than deleting the row, so that Undo brings back the
# very same quote: its themes, note, key-quote mark, the findings it supports and its audio
# extract, none of which a quote made again from the same words would have (and a published
# report that printed it would then count it as removed). `Quote.objects`, the default manager
# that every page, report, export, .qdpx file and storyteller's copy starts from, leaves removed
# quotes out, so no reader has to remember them; `Quote.all_objects` is for restoring, erasing
# and re-anchoring. Erasing a story deletes its removed quotes with the others.


def _actor(user, guest: WorkshopGuest | None) -> dict:
    """Who the audit row names: the signed-in user, or the guest by the name they joined with."""
    if guest is not None:
        return {"actor": None, "actor_label": f"{guest.display_name} (workshop guest)"}
    return {"actor": user}


def _refresh_drafts(workshop_id: int) -> None:
    """Drafts presenting this workshop may now show other quotes and extracts."""
    for version in ReportVersion.objects.filter(
        status=ReportVersion.Status.DRAFT, workshops=workshop_id
    ):
        transaction.on_commit(partial(refresh_outputs, version))


def _locked(quote: Quote, expected_version: int | None, manager=None) -> Quote:
    locked = (
        (manager or Quote.objects)
        .select_for_update(of=("self",))
        .select_related("workshop__project")
        .get(pk=quote.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(locked)
    return locked


EDITABLE_QUOTE_FIELDS = [
    "transcript",
    "char_start",
    "char_end",
    "text",
    "start_seconds",
    "end_seconds",
    "needs_review",
    "note",
]


@transaction.atomic
def edit_quote(
    *,
    quote: Quote,
    expected_version: int,
    themes: list[Theme] | None = None,
    theme_names: list[str] | None = None,
    note: str | None = None,
    char_start: int | None = None,
    char_end: int | None = None,
    user=None,
    guest: WorkshopGuest | None = None,
) -> Quote:
    """Change a quote's themes, note or words, refusing a lost update; audited.

    Only what is given changes. New words are read from the story's current transcript with
    the same checks as a new highlight (consent, redactions). `themes` and `theme_names`
    together replace the quote's themes.
    """
    quote = _locked(quote, expected_version)
    workshop = quote.workshop
    changed: list[str] = []
    details: dict = {}
    new_span = char_start is not None and char_end is not None
    if new_span and (
        (char_start, char_end) != (quote.char_start, quote.char_end) or quote.needs_review
    ):
        selection = _words_to_quote(workshop, quote.story, char_start, char_end)
        details["span"] = {"old": [quote.char_start, quote.char_end], "new": [char_start, char_end]}
        quote.transcript_id = selection.transcript_id
        quote.char_start, quote.char_end = char_start, char_end
        quote.text = selection.words
        quote.start_seconds, quote.end_seconds = selection.start, selection.end
        quote.needs_review = False
        changed.append("words")
    if note is not None and note.strip() != quote.note:
        quote.note = note.strip()
        changed.append("note")
    if themes is not None or theme_names is not None:
        chosen = list(themes or [])
        named = themes_named(workshop.project, list(theme_names or []))
        chosen += [theme for theme in named if theme not in chosen]
        before = {link.tag_id: link.tag.name for link in quote.theme_links.select_related("tag")}
        if set(before) != {theme.pk for theme in chosen}:
            QuoteTheme.objects.filter(content_object=quote).exclude(
                tag__in=[theme.pk for theme in chosen]
            ).delete()
            _link_themes(quote, chosen)
            details["themes"] = {
                "old": sorted(before.values()),
                "new": sorted(theme.name for theme in chosen),
            }
            changed.append("themes")
    if not changed:
        return quote
    quote.version += 1
    quote.changed_at = timezone.now()
    quote.full_clean(
        exclude=["workshop", "story", "transcript", "created_by", "created_by_guest"],
        validate_constraints=False,
    )
    # Not theme_ids: record_theme_ids wrote it, and this instance holds the old value.
    quote.save(update_fields=[*EDITABLE_QUOTE_FIELDS, "version", "changed_at"])
    # The words themselves stay out of the history: they may be redacted or erased later.
    audit(
        action=AuditEvent.Action.QUOTE_EDITED,
        project=workshop.project,
        story=quote.story,
        quote=quote.pk,
        workshop=workshop.pk,
        changed=changed,
        **details,
        **_actor(user, guest),
    )
    if quote.is_key:
        _refresh_drafts(workshop.pk)
    return quote


@transaction.atomic
def remove_quote(
    *, quote: Quote, user=None, guest: WorkshopGuest | None = None, as_facilitator: bool = False
) -> Quote:
    """Remove a quote from the workshop, its reports and exports, keeping it for Undo; audited.

    `as_facilitator`: removed by someone who runs the workshop (say, because the words identify
    someone), so its maker cannot bring it back. Removing a quote already removed changes nothing.
    """
    quote = _locked(quote, None, Quote.all_objects)
    if quote.removed_at is not None:
        return quote
    return _set_removed(
        quote, timezone.now(), as_facilitator, AuditEvent.Action.QUOTE_REMOVED, user, guest
    )


@transaction.atomic
def restore_quote(
    *, quote: Quote, user=None, guest: WorkshopGuest | None = None, as_facilitator: bool = False
) -> Quote:
    """Bring a removed quote back as it was (Undo); audited. Restoring twice changes nothing.

    A quote a facilitator removed comes back only by a facilitator (`as_facilitator`). The
    story's consent still decides whether anyone sees it.
    """
    quote = _locked(quote, None, Quote.all_objects)
    if quote.removed_at is None:
        return quote
    if quote.removed_by_facilitator and not as_facilitator:
        raise PermissionDenied("Only a facilitator can bring back a quote a facilitator removed.")
    return _set_removed(quote, None, False, AuditEvent.Action.QUOTE_RESTORED, user, guest)


def _set_removed(quote: Quote, removed_at, by_facilitator: bool, action, user, guest) -> Quote:
    """Remove or restore a locked quote, moving its version on for polling pages; audited."""
    quote.removed_at, quote.removed_by_facilitator = removed_at, by_facilitator
    quote.changed_at = timezone.now()
    quote.version += 1
    quote.save(update_fields=["removed_at", "removed_by_facilitator", "changed_at", "version"])
    audit(
        action=action,
        project=quote.workshop.project,
        story=quote.story,
        quote=quote.pk,
        workshop=quote.workshop_id,
        **_actor(user, guest),
    )
    _refresh_drafts(quote.workshop_id)
    return quote


def _save_versioned(model, obj, expected_version: int, **fields):
    """Update only if nobody saved since expected_version; raise StaleEdit otherwise."""
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **fields
    )
    if not updated:
        raise StaleEdit(model.objects.get(pk=obj.pk))
    obj.refresh_from_db()
    return obj


@transaction.atomic
def update_theme(*, theme: Theme, expected_version: int, by, **fields) -> Theme:
    """Rename or describe a theme, refusing a lost update."""
    if "name" in fields:
        name = normalise_name(fields["name"])
        clash = (
            Theme.objects.filter(project=theme.project, name__iexact=name)
            .exclude(pk=theme.pk)
            .first()
        )
        if clash:
            raise ValidationError(f"There is already a theme called “{clash.name}”.")
        fields["name"] = name
    old_name = theme.name
    theme = _save_versioned(Theme, theme, expected_version, **fields)
    if theme.name != old_name:
        audit(
            action=AuditEvent.Action.THEME_RENAMED,
            project=theme.project,
            actor=by,
            theme=theme.pk,
            old=old_name,
            new=theme.name,
        )
    return theme


@transaction.atomic
def merge_themes(*, source: Theme, target: Theme, by) -> Theme:
    """Move every quote, sub-theme and finding of source to target, then remove source."""
    if source.project_id != target.project_id or source.pk == target.pk:
        raise ValidationError("Choose two different themes of the same project.")
    moved = 0
    quote_ids = list(
        QuoteTheme.objects.filter(tag=source).values_list("content_object_id", flat=True)
    )
    for link in QuoteTheme.objects.filter(tag=source).select_related("content_object"):
        if not QuoteTheme.objects.filter(tag=target, content_object=link.content_object).exists():
            QuoteTheme.objects.create(tag=target, content_object=link.content_object)
            moved += 1
    Theme.objects.filter(parent=source).exclude(pk=target.pk).update(parent=target)
    Finding.objects.filter(theme=source).update(theme=target)
    _move_memos(source, target, by)
    audit(
        action=AuditEvent.Action.THEME_MERGED,
        project=target.project,
        actor=by,
        source=source.name,
        target=target.name,
        quotes_moved=moved,
    )
    source.delete()
    record_theme_ids(quote_ids)
    Theme.objects.filter(pk=target.pk).update(version=F("version") + 1)
    target.refresh_from_db()
    return target


@transaction.atomic
def split_theme(*, theme: Theme, new_name: str, quotes: list[Quote], by) -> Theme:
    """Make a new theme from some of a theme's quotes; they move to the new one."""
    new_name = normalise_name(new_name)
    if Theme.objects.filter(project=theme.project, name__iexact=new_name).exists():
        raise ValidationError(f"There is already a theme called “{new_name}”.")
    (new_theme,) = themes_named(theme.project, [new_name])
    new_theme.parent = theme.parent
    new_theme.save(update_fields=["parent"])
    ids = [quote.pk for quote in quotes]
    QuoteTheme.objects.filter(tag=theme, content_object_id__in=ids).update(tag=new_theme)
    record_theme_ids(ids)
    audit(
        action=AuditEvent.Action.THEME_SPLIT,
        project=theme.project,
        actor=by,
        source=theme.name,
        new=new_theme.name,
        quotes_moved=len(ids),
    )
    return new_theme


@transaction.atomic
def reorder_themes(*, project: Project, ordered: list[Theme]) -> None:
    """Store the order the group chose for the codebook."""
    for position, theme in enumerate(ordered, start=1):
        if theme.project_id != project.pk:
            raise ValidationError("A theme from another project can’t be ordered here.")
        Theme.objects.filter(pk=theme.pk).update(position=position)


@transaction.atomic
def write_finding(
    *, workshop: Workshop, theme: Theme, statement: str, quotes: list[Quote], by
) -> Finding:
    """Add a finding to a theme, at the end of its list."""
    last = Finding.objects.filter(workshop=workshop, theme=theme).aggregate(top=Max("position"))
    finding = Finding(
        workshop=workshop,
        theme=theme,
        statement=statement.strip(),
        position=(last["top"] or 0) + 1,
        created_by=by,
    )
    finding.full_clean()
    finding.save()
    finding.quotes.set(quotes)
    return finding


@transaction.atomic
def update_finding(
    *, finding: Finding, expected_version: int, statement: str, quotes: list[Quote] | None = None
) -> Finding:
    """Change a finding's words (and supporting quotes), refusing a lost update."""
    finding = _save_versioned(Finding, finding, expected_version, statement=statement.strip())
    if quotes is not None:
        finding.quotes.set(quotes)
    return finding


@transaction.atomic
def write_memo(
    *, workshop: Workshop, theme: Theme | None = None, text: str, expected_version: int, by
) -> Memo:
    """Save the workshop's journal (no theme) or its memo on a theme, keeping every version.

    expected_version is the version the writer saw (0: there was none yet); if someone saved
    since, StaleEdit carries theirs and nothing is saved.
    """
    if theme is not None and theme.project_id != workshop.project_id:
        raise ValidationError("That theme belongs to another project.")
    text = text.strip()
    memo = Memo.objects.select_for_update().filter(workshop=workshop, theme=theme).first()
    if memo is None:
        if expected_version:
            raise ValidationError("This memo no longer exists.")
        memo = Memo(workshop=workshop, theme=theme, text=text, updated_by=by)
        memo.full_clean()
        try:
            with transaction.atomic():
                memo.save()
        except IntegrityError:
            # Someone else wrote the first version at the same moment.
            raise StaleEdit(Memo.objects.get(workshop=workshop, theme=theme)) from None
    else:
        memo = _save_versioned(Memo, memo, expected_version, text=text, updated_by=by)
    MemoVersion.objects.create(memo=memo, version=memo.version, text=text, written_by=by)
    # The words are in the memo's versions; the history says who saved which, and when.
    audit(
        action=AuditEvent.Action.MEMO_SAVED,
        project=workshop.project,
        actor=by,
        workshop=workshop.pk,
        theme=theme.name if theme else None,
        version=memo.version,
    )
    return memo


def _move_memos(source: Theme, target: Theme, by) -> None:
    """Give target the memos source had; in a workshop with both, one memo keeps both texts."""
    for memo in Memo.objects.filter(theme=source).select_related("workshop"):
        kept = Memo.objects.filter(workshop=memo.workshop, theme=target).first()
        if kept is None:
            Memo.objects.filter(pk=memo.pk).update(theme=target)
            continue
        joined = f"{kept.text}\n\nFrom the memo on “{source.name}”:\n{memo.text}".strip()
        write_memo(
            workshop=memo.workshop, theme=target, text=joined, expected_version=kept.version, by=by
        )


def hide_redacted_words(quotes: list[Quote]) -> list[Quote]:
    """Set each quote's display_text, with every word redacted in its story shown as [redacted].

    A redaction made after a quote was saved still hides those words in the quote: by offsets
    on the quote's own transcript (so a redaction covering part of the quote hides that part),
    and by its words where it was made on another version of the transcript.
    """
    story_ids = {quote.story_id for quote in quotes}
    rows = list(
        Redaction.objects.filter(transcript__story_id__in=story_ids)
        .annotate(
            words=Substr("transcript__text", F("char_start") + 1, F("char_end") - F("char_start"))
        )
        .values_list("transcript_id", "transcript__story_id", "char_start", "char_end", "words")
    )
    for quote in quotes:
        text = quote.text
        spans = sorted(
            (max(start, quote.char_start), min(end, quote.char_end))
            for transcript_id, _story, start, end, _words in rows
            if transcript_id == quote.transcript_id
            and start < quote.char_end
            and end > quote.char_start
        )
        merged: list[list[int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in reversed(merged):
            text = text[: start - quote.char_start] + REDACTED + text[end - quote.char_start :]
        hidden = {
            words
            for _transcript, story_id, _start, _end, words in rows
            if story_id == quote.story_id and words.strip()
        }
        for words in sorted(hidden, key=len, reverse=True):
            text = text.replace(words, REDACTED)
        quote.display_text = text
    return quotes


@transaction.atomic
def move_finding(*, finding: Finding, step: int) -> None:
    """Move a finding up (step -1) or down (step 1) among its theme's findings."""
    siblings = list(Finding.objects.filter(workshop=finding.workshop, theme=finding.theme))
    index = siblings.index(finding)
    if 0 <= index + step < len(siblings):
        siblings[index], siblings[index + step] = siblings[index + step], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            Finding.objects.filter(pk=sibling.pk).update(position=position)


@transaction.atomic
def reanchor_quotes(*, story: Story) -> int:
    """Move quotes on older transcript versions to the current one by their words.

    A quote whose words are found again points at them; one whose words are gone is flagged
    for review, never left pointing at the wrong words. Return how many were flagged. Runs
    when a transcript is saved (sensemaking.consequences).
    """
    current = Transcript.objects.filter(story=story, is_current=True).first()
    if current is None:
        return 0
    return _reanchor(story, current)


def _reanchor(story: Story, current: Transcript) -> int:
    # Removed quotes move too, so that Undo brings them back on the right words.
    stale = Quote.all_objects.filter(story=story).exclude(transcript=current).select_for_update()
    flagged = 0
    for quote in stale:
        start = nearest_occurrence(current.text, quote.text, quote.char_start)
        if start is None:
            quote.needs_review = True
            flagged += 1
            quote.save(update_fields=["needs_review"])
            continue
        quote.transcript = current
        quote.char_start, quote.char_end = start, start + len(quote.text)
        quote.needs_review = False
        quote.save(update_fields=["transcript", "char_start", "char_end", "needs_review"])
    return flagged


# ---- Reports ----------------------------------------------------------------------------------

REPORT_FIELDS = (
    "title",
    "report_date",
    "purpose",
    "method",
    "challenges",
    "acknowledgements",
    "co_authors",
    "co_authorship",
    "who_shared_words",
    "value_table",
    "arrangement",
    "layout",
    "change_note",
    "extracts",
)


class PartnerEdit(NamedTuple):
    """One partner as the report's editor left it, in the order they are shown."""

    name: str
    current: ReportPartner | None = None  # the partner edited, of the version the form showed
    logo: File | None = None  # a new logo, already checked and redrawn (logos.check_logo)
    remove_logo: bool = False


def _set_partners(draft: ReportVersion, partners: list[PartnerEdit]) -> list[str]:
    """Make the draft's partners these, copying any kept from a published version; their names.

    A published version keeps its own rows and files: a partner carried into a new draft gets
    its own copy of the logo, so nothing done to the draft reaches the published version.
    """
    kept, gone = set(), []
    for position, edit in enumerate(partners):
        current = edit.current
        if current is not None and current.version_id == draft.pk:
            partner = current
        else:
            partner = ReportPartner(version=draft)
            if current is not None and current.logo and not (edit.logo or edit.remove_logo):
                with current.logo.open("rb") as handle:
                    partner.logo.save("logo.png", File(handle), save=False)
        partner.name, partner.position = edit.name.strip(), position
        if (edit.logo or edit.remove_logo) and partner.logo:
            gone.append(partner.logo)
            partner.logo = ""
        if edit.logo:
            partner.logo.save("logo.png", edit.logo, save=False)
        partner.full_clean()
        partner.save()
        kept.add(partner.pk)
    dropped = list(draft.partners.exclude(pk__in=kept))
    delete_files_on_commit([*gone, *(partner.logo for partner in dropped)])
    ReportPartner.objects.filter(pk__in=[partner.pk for partner in dropped]).delete()
    return [edit.name.strip() for edit in partners]


def _report_slug(title: str) -> str:
    base = slugify(title)[:60] or "report"
    slug, number = base, 1
    while Report.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _fix_figures(version: ReportVersion, story_ids, previous: dict | None) -> bool:
    """Store the version's "who shared" figures; return whether they changed."""
    from sensemaking.reports import fix_figures  # reports reads services; avoid a cycle

    # One report at a time per project: two counting at once could each miss the other's.
    list(Project.objects.select_for_update().filter(pk=version.report.project_id).values("pk"))
    version.who_shared = fix_figures(version, story_ids=story_ids, previous=previous)
    return previous is None or version.who_shared["shown"] != previous["shown"]


def _workshop_story_ids(workshops) -> list[int]:
    return list(Story.objects.filter(workshops__in=workshops).values_list("pk", flat=True))


@transaction.atomic
def create_report(*, project: Project, title: str, by) -> ReportVersion:
    """Start a report on the project's workshops; its first draft will be version 1.0."""
    report = Report.objects.create(project=project, slug=_report_slug(title), created_by=by)
    version = ReportVersion(report=report, title=title.strip(), created_by=by)
    version.full_clean()
    version.save()
    workshops = list(project.workshops.all())
    version.workshops.set(workshops)
    _fix_figures(version, _workshop_story_ids(workshops), previous=None)
    version.save(update_fields=["who_shared"])
    audit(action=AuditEvent.Action.REPORT_CREATED, project=project, actor=by, report=report.slug)
    return version


def _draft_to_change(report: Report, based_on: str, by) -> tuple[ReportVersion, ReportVersion]:
    """Lock the report's versions; return its draft (or a new one after the latest) and the latest.

    `based_on` is the "<version id>:<lock_version>" the editor saw; if someone saved or published
    since, the change is refused with the newer version.
    """
    versions = ReportVersion.objects.select_for_update().filter(report=report)
    draft = versions.filter(status=ReportVersion.Status.DRAFT).first()
    latest = draft or versions.order_by("-major", "-minor").first()
    if based_on != f"{latest.pk}:{latest.lock_version}":
        raise StaleEdit(latest)
    if draft is None:
        draft = ReportVersion(
            report=report,
            major=latest.major,
            minor=latest.minor + 1,
            created_by=by,
            **{name: getattr(latest, name) for name in REPORT_FIELDS},
        )
        draft.change_note = ""
        draft.who_shared = latest.who_shared
    return draft, latest


@transaction.atomic
def edit_report(
    *,
    report: Report,
    based_on: str,
    by,
    workshops: list[Workshop],
    partners: list[PartnerEdit] | None = None,
    **fields,
) -> ReportVersion:
    """Save changes to the report's draft, starting the next version if the latest is published.

    `based_on` is the "<version id>:<lock_version>" the editor saw; if someone saved or published
    since, the edit is refused with the newer version. `partners` replaces the draft's partners
    (None keeps them, or carries the published version's into a new draft).
    """
    draft, latest = _draft_to_change(report, based_on, by)
    for name, value in fields.items():
        if name not in REPORT_FIELDS:
            raise TypeError(f"{name} is not a report field")
        setattr(draft, name, value.strip() if isinstance(value, str) else value)
    draft.lock_version = draft.lock_version + 1 if draft.pk else 1
    changed = _fix_figures(draft, _workshop_story_ids(workshops), previous=draft.who_shared)
    draft.full_clean()
    draft.save()
    draft.workshops.set(workshops)
    if partners is None:
        partners = [
            PartnerEdit(name=partner.name, current=partner) for partner in latest.partners.all()
        ]
    partner_names = _set_partners(draft, partners)
    audit(
        action=AuditEvent.Action.REPORT_EDITED,
        project=report.project,
        actor=by,
        report=report.slug,
        version=draft.number,
        figures_changed=changed,
        partners=partner_names,
    )
    transaction.on_commit(partial(refresh_outputs, draft))
    return draft


@transaction.atomic
def arrange_report(
    *, report: Report, based_on: str, by, arrangement: dict, layout: str
) -> ReportVersion:
    """Save the editor's order of themes, findings and key quotes, lead and pull quotes, layout.

    Refused with every reason, and nothing saved, if the arrangement names what the report's
    workshops do not have, names something twice, or picks a quote reports may not use. Saved
    and audited as any other edit of the draft (edit_report).
    """
    from sensemaking.reports import arrangement_errors  # reports reads services; avoid a cycle

    versions = ReportVersion.objects.select_for_update().filter(report=report)
    latest = (
        versions.filter(status=ReportVersion.Status.DRAFT).first()
        or versions.order_by("-major", "-minor").first()
    )
    if based_on != f"{latest.pk}:{latest.lock_version}":
        raise StaleEdit(latest)
    if errors := arrangement_errors(latest, arrangement):
        raise ValidationError(errors)
    return edit_report(
        report=report,
        based_on=based_on,
        by=by,
        workshops=list(latest.workshops.all()),
        arrangement=arrangement,
        layout=layout,
    )


@transaction.atomic
def set_report_extracts(
    *, report: Report, based_on: str, quote_ids: list[int] | None, by, use_anyway: bool = False
) -> ReportVersion:
    """Choose the quotes the report's playlist plays, in order; None goes back to the key quotes.

    Each quote added must be one the report may print and whose recording may be heard; one
    credited anonymously whose public story names its storyteller needs `use_anyway`. A refusal
    raises ValidationError and changes nothing.
    """
    from sensemaking import reports  # reports reads services; avoid a cycle

    draft, latest = _draft_to_change(report, based_on, by)
    if quote_ids is not None and len(set(quote_ids)) != len(quote_ids):
        raise ValidationError("That quote is already in the playlist.", code="duplicate")
    if draft.pk is None:  # Start the next draft as any edit does: figures, partners and all.
        draft = edit_report(
            report=report, based_on=based_on, by=by, workshops=list(latest.workshops.all())
        )
    compiled = reports.compile_report(draft)
    playing = [quote.id for quote in compiled.extract_quotes]
    added = [pk for pk in quote_ids or () if pk not in playing]
    for pk in added:
        if problem := reports.extract_problem(compiled, pk):
            raise ValidationError(problem, code="not_allowed")
    traceable = [quote.id for quote in compiled.quotes if quote.id in added and quote.traceable]
    if traceable and not use_anyway:
        raise ValidationError(TRACEABLE_WARNING, code="traceable")
    draft.extracts = None if quote_ids is None else list(quote_ids)
    draft.lock_version += 1
    draft.save(update_fields=["extracts", "lock_version", "updated_at"])
    audit(
        action=AuditEvent.Action.REPORT_EDITED,
        project=report.project,
        actor=by,
        report=report.slug,
        version=draft.number,
        extracts=draft.extracts,
        could_name_storyteller=traceable,
    )
    transaction.on_commit(partial(refresh_outputs, draft))
    return draft


@transaction.atomic
def publish_report(*, version: ReportVersion, by) -> ReportVersion:
    """Freeze a draft's themes, findings and quotes and publish it; consent still applies later."""
    version = ReportVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        raise ValidationError("This version is already published.")
    earlier = version.report.versions.filter(status=ReportVersion.Status.PUBLISHED)
    if earlier.exists() and not version.change_note.strip():
        raise ValidationError(
            {"change_note": "Say what changed since the last version before publishing."}
        )
    from sensemaking.reports import build_content  # reports reads services; avoid a cycle

    version.content = build_content(version)
    if not version.content["themes"]:
        raise ValidationError(
            "There is nothing to publish yet: write findings or mark key quotes in the "
            "report's workshops first."
        )
    changed = _fix_figures(version, version.content["stories"], previous=version.who_shared)
    version.status = ReportVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = by
    version.lock_version += 1
    version.full_clean()
    version.save()
    audit(
        action=AuditEvent.Action.REPORT_PUBLISHED,
        project=version.report.project,
        actor=by,
        report=version.report.slug,
        version=version.number,
        figures_changed=changed,
    )
    transaction.on_commit(partial(refresh_outputs, version))
    return version


@transaction.atomic
def move_quote(
    *,
    quote: Quote,
    from_theme: Theme,
    to_theme: Theme,
    copy: bool = False,
    by=None,
    guest: WorkshopGuest | None = None,
) -> Quote:
    """Move a quote from one of its themes to another theme of the project, or copy it there.

    Moving onto a theme the quote already has only takes it off the first one. `by` is the
    signed-in person doing it, or `guest` a workshop guest (named in the history by id only).
    """
    project_id = quote.workshop.project_id
    if from_theme.project_id != project_id or to_theme.project_id != project_id:
        raise ValidationError(
            {"theme": "Choose a theme of this workshop’s project."}, code="other_project"
        )
    if from_theme.pk == to_theme.pk:
        raise ValidationError(
            {"theme": f"The quote is already under “{to_theme.name}”: choose another theme."},
            code="same_theme",
        )
    links = QuoteTheme.objects.select_for_update().filter(content_object=quote)
    held = set(links.values_list("tag_id", flat=True))
    if from_theme.pk not in held:
        raise ValidationError(
            f"The quote is no longer under “{from_theme.name}”: someone may have just moved it.",
            code="not_under_theme",
        )
    if copy and to_theme.pk in held:
        raise ValidationError(
            {"theme": f"The quote is already under “{to_theme.name}”: choose another theme."},
            code="same_theme",
        )
    if copy:
        QuoteTheme.objects.create(tag=to_theme, content_object=quote)
    elif to_theme.pk in held:
        links.filter(tag=from_theme).delete()
    else:
        links.filter(tag=from_theme).update(tag=to_theme)
    record_theme_ids([quote.pk])
    # Moved on as by an edit, so pages that poll (workshop_updates) show the quote's new themes.
    Quote.objects.filter(pk=quote.pk).update(changed_at=timezone.now(), version=F("version") + 1)
    audit(
        action=AuditEvent.Action.QUOTE_COPIED if copy else AuditEvent.Action.QUOTE_MOVED,
        project=quote.workshop.project,
        actor=by,
        actor_label="" if by or guest is None else "workshop guest",
        story=quote.story,
        workshop=quote.workshop_id,
        quote=quote.pk,
        guest=guest.pk if guest else None,
        source=from_theme.name,
        target=to_theme.name,
    )
    return quote

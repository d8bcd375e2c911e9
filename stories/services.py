"""State changes for stories: every consent change and publication writes an audit row."""

import hashlib
import itertools
import re
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from stories import access, choices, search
from stories.consequences import Change, announce
from stories.media import (
    RECORDING_FORMATS_TEXT,
    RECORDING_TYPES,
    UNPLACEABLE,
    MediaError,
    current_transcript,
    inspect_upload,
    silenced_spans,
    store_file,
)
from stories.models import (
    REDACTED,
    AuditEvent,
    Consent,
    Project,
    Recording,
    Redaction,
    Segment,
    Story,
    Storyteller,
    StorytellerContact,
    StorytellerLink,
    Transcript,
)
from stories.text import normalise_names
from stories.timing import word_times_problem
from stories.transcripts import ParsedSegment, ParsedTranscript

STORYTELLER_ACTOR = "Storyteller (private link)"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SEGMENT_SEPARATOR = "\n\n"
# An editor opened this many versions ago is asked to check rather than followed through them
# all (each is read whole).
MOST_VERSIONS_FOLLOWED = 20


def audit(
    *,
    action: str,
    project: Project,
    actor=None,
    actor_label: str = "",
    story: Story | None = None,
    **details,
) -> AuditEvent:
    """Write an immutable audit row; call inside the transaction that made the change."""
    return AuditEvent.objects.create(
        action=action,
        project=project,
        actor=actor,
        actor_label=actor_label or (actor.get_username() if actor else "system"),
        story=story,
        details=details,
    )


def _new_storyteller_code(project: Project) -> str:
    while True:
        code = "ST-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(5))
        if not Storyteller.objects.filter(project=project, code=code).exists():
            return code


@transaction.atomic
def add_storyteller(
    *,
    project: Project,
    by,
    credit_preference: str,
    credit_name: str = "",
    demographics: dict | None = None,
    contact: dict | None = None,
    code: str = "",
) -> Storyteller:
    """Add a storyteller under a new pseudonymous code (or this one, free in the project, from
    an import), with contact details kept apart."""
    storyteller = Storyteller(
        project=project,
        code=code or _new_storyteller_code(project),
        credit_preference=credit_preference,
        credit_name="" if credit_preference == Storyteller.Credit.ANONYMOUS else credit_name,
        created_by=by,
        **(demographics or {}),
    )
    storyteller.full_clean()
    storyteller.save()
    if contact and any(contact.values()):
        details = StorytellerContact(storyteller=storyteller, **contact)
        details.full_clean()
        details.save()
    audit(
        action=AuditEvent.Action.STORYTELLER_ADDED,
        project=project,
        actor=by,
        storyteller=storyteller.code,
    )
    return storyteller


@transaction.atomic
def create_story(*, storyteller: Storyteller, by, tags: list[str] = (), **fields) -> Story:
    """Start a draft story told by this storyteller and gathered by this interviewer."""
    story = Story(project=storyteller.project, storyteller=storyteller, interviewer=by, **fields)
    story.full_clean()
    story.save()
    if tags:
        story.tags.set(normalise_names(tags))
    search.index_story(story)
    audit(action=AuditEvent.Action.STORY_CREATED, project=story.project, actor=by, story=story)
    return story


@transaction.atomic
def update_story(*, story: Story, by, tags: list[str], **fields) -> Story:
    """Change a story's details and topics, and refresh its search entry."""
    changed = sorted(name for name, value in fields.items() if getattr(story, name) != value)
    for name, value in fields.items():
        setattr(story, name, value)
    story.full_clean()
    story.save()
    story.tags.set(normalise_names(tags))
    search.index_story(story)
    audit(
        action=AuditEvent.Action.STORY_EDITED,
        project=story.project,
        actor=by,
        story=story,
        fields=changed,
    )
    return story


def _lock(story: Story) -> Story:
    """Re-read the story under a row lock so concurrent changes queue up."""
    return (
        Story.objects.select_for_update(of=("self",))
        .select_related("current_consent")
        .get(pk=story.pk)
    )


def _next_consent_version(story: Story) -> int:
    return (story.current_consent.version + 1) if story.current_consent else 1


@transaction.atomic
def record_consent(
    *,
    story: Story,
    scopes: dict[str, bool],
    method: str,
    obtained_on: date,
    obtained_by,
    recorded_by,
    evidence=None,
    reason: str = "",
) -> Consent:
    """Record a new version of the story's consent, as given to the project team."""
    story = _lock(story)
    if story.status == Story.Status.WITHDRAWN:
        raise ValidationError(
            "This story was withdrawn by its storyteller, so no new consent can be recorded."
        )
    consent = Consent(
        story=story,
        version=_next_consent_version(story),
        method=method,
        obtained_on=obtained_on,
        obtained_by=obtained_by,
        recorded_by=recorded_by,
        channel=Consent.Channel.TEAM,
        reason=reason,
        **{scope: bool(scopes.get(scope)) for scope in choices.CONSENT_SCOPES},
    )
    if evidence is not None:
        consent.evidence_filename = evidence.name[:255]
        store_file(consent.evidence, "evidence", evidence)
    _save_consent(consent, story)
    audit(
        action=AuditEvent.Action.CONSENT_RECORDED,
        project=story.project,
        actor=recorded_by,
        story=story,
        version=consent.version,
        scopes=consent.granted_scopes,
        method=method,
    )
    return consent


def _save_consent(consent: Consent, story: Story) -> None:
    try:
        consent.full_clean()
        consent.save()
    except Exception:
        if consent.evidence:
            consent.evidence.storage.delete(consent.evidence.name)
        raise
    story.current_consent = consent
    story.save(update_fields=["current_consent", "status", "updated_at"])
    announce(Change.CONSENT, story_id=story.pk)


@transaction.atomic
def change_consent_scopes(
    *, story: Story, scopes: dict[str, bool], reason: str = "", by=None
) -> Consent:
    """Change which scopes are granted; by a team member, or by the storyteller when by is None.

    Granting nothing at all is a withdrawal in full.
    """
    story = _lock(story)
    previous = story.current_consent
    if previous is None or previous.withdrawn:
        raise ValidationError("There is no consent to change for this story.")
    granted = {scope: bool(scopes.get(scope)) for scope in choices.CONSENT_SCOPES}
    if not any(granted.values()):
        return withdraw_consent(story=story, reason=reason, by=by)
    consent = _consent_successor(previous, by=by, reason=reason, **granted)
    _save_consent(consent, story)
    audit(
        action=AuditEvent.Action.CONSENT_CHANGED,
        project=story.project,
        actor=by,
        actor_label="" if by else STORYTELLER_ACTOR,
        story=story,
        version=consent.version,
        scopes=consent.granted_scopes,
        removed=[s for s in previous.granted_scopes if not granted[s]],
        added=[s for s in consent.granted_scopes if not getattr(previous, s)],
        reason=reason,
    )
    return consent


def _consent_successor(previous: Consent, *, by, reason: str, **fields) -> Consent:
    return Consent(
        story=previous.story,
        version=previous.version + 1,
        method=previous.method if by else Consent.Method.PRIVATE_LINK,
        obtained_on=timezone.localdate(),
        obtained_by=by,
        recorded_by=by,
        channel=Consent.Channel.TEAM if by else Consent.Channel.STORYTELLER,
        reason=reason,
        **fields,
    )


@transaction.atomic
def withdraw_consent(*, story: Story, reason: str = "", by=None) -> Consent:
    """Withdraw consent in full: every scope ends and the story is withdrawn everywhere at once."""
    story = _lock(story)
    previous = story.current_consent
    if previous is None:
        raise ValidationError("There is no consent to withdraw for this story.")
    if previous.withdrawn:
        return previous
    consent = _consent_successor(previous, by=by, reason=reason, withdrawn=True)
    story.status = Story.Status.WITHDRAWN
    _save_consent(consent, story)
    audit(
        action=AuditEvent.Action.CONSENT_WITHDRAWN,
        project=story.project,
        actor=by,
        actor_label="" if by else STORYTELLER_ACTOR,
        story=story,
        version=consent.version,
        removed=previous.granted_scopes,
        reason=reason,
    )
    return consent


class DuplicateRecording(MediaError):
    """The same file (by sha256) was already uploaded to this story."""


@transaction.atomic
def upload_recording(*, story: Story, upload, by) -> Recording:
    """Store a recording under a generated name and queue it to be probed, then copied clean."""
    from stories.tasks import probe_recording

    facts = inspect_upload(
        upload,
        accepted=RECORDING_TYPES,
        formats_text=RECORDING_FORMATS_TEXT,
        max_bytes=settings.RECORDING_MAX_BYTES,
    )
    existing = Recording.objects.filter(story=story, sha256=facts.sha256).first()
    if existing:
        raise DuplicateRecording(
            f"This recording is already uploaded to this story, as “{existing.original_filename}” "
            f"on {timezone.localtime(existing.created_at):%d %B %Y}. Nothing new was added."
        )
    recording = Recording(
        story=story,
        original_filename=upload.name[:255],
        media_type=facts.media_type,
        size=facts.size,
        sha256=facts.sha256,
        uploaded_by=by,
    )
    store_file(recording.file, "recording", upload)
    try:
        recording.full_clean()
        recording.save()
    except Exception:
        recording.file.storage.delete(recording.file.name)
        raise
    audit(
        action=AuditEvent.Action.RECORDING_UPLOADED,
        project=story.project,
        actor=by,
        story=story,
        filename=recording.original_filename,
        sha256=recording.sha256,
    )
    transaction.on_commit(lambda: probe_recording.enqueue(recording.pk))
    return recording


NOTHING_TO_RETRY = "This recording has not failed, so there is nothing to try again."


@transaction.atomic
def retry_recording(*, recording: Recording, by) -> Recording:
    """Queue a recording that failed to be read, or whose copies failed, to be tried again."""
    from stories.tasks import make_listener_copy, probe_recording

    locked = Recording.objects.select_for_update().get(pk=recording.pk)
    if locked.state == Recording.State.FAILED:
        step, error = "reading", locked.error
        locked.state, locked.error = Recording.State.PENDING, ""
        locked.save(update_fields=["state", "error"])
        transaction.on_commit(lambda: probe_recording.enqueue(locked.pk))
    elif (
        locked.state == Recording.State.READY
        and locked.listener_copy_state == Recording.CopyState.FAILED
    ):
        step, error = "copies", locked.listener_copy_error
        locked.listener_copy_state, locked.listener_copy_error = Recording.CopyState.PENDING, ""
        locked.copy_progress = 0
        locked.save(update_fields=["listener_copy_state", "listener_copy_error", "copy_progress"])
        transaction.on_commit(lambda: make_listener_copy.enqueue(locked.pk))
    else:
        raise ValidationError(NOTHING_TO_RETRY)
    audit(
        action=AuditEvent.Action.RECORDING_RETRIED,
        project=recording.story.project,
        actor=by,
        story=recording.story,
        recording=locked.pk,
        step=step,
        error=error,
    )
    return locked


def _join_segments(segments: list[ParsedSegment]) -> tuple[str, list[tuple[int, int]]]:
    """Return the transcript text and each segment's character span within it."""
    spans, position = [], 0
    for segment in segments:
        spans.append((position, position + len(segment.text)))
        position += len(segment.text) + len(SEGMENT_SEPARATOR)
    return SEGMENT_SEPARATOR.join(segment.text for segment in segments), spans


def nearest_occurrence(haystack: str, needle: str, near: int) -> int | None:
    """Return the position of the occurrence of needle closest to near, if any."""
    best, start = None, haystack.find(needle)
    while start != -1:
        if best is None or abs(start - near) < abs(best - near):
            best = start
        start = haystack.find(needle, start + 1)
    return best


@transaction.atomic
def add_transcript(
    *,
    story: Story,
    parsed: ParsedTranscript,
    by,
    origin: str,
    original_filename: str = "",
) -> Transcript:
    """Save a new transcript version; earlier versions are kept and redactions carried over.

    An edited version keeps the word times of each segment whose text and times are unchanged.
    """
    story = _lock(story)
    previous = story.transcripts.filter(is_current=True).prefetch_related("redactions").first()
    text, spans = _join_segments(parsed.segments)
    word_times = [[list(word) for word in segment.word_times] for segment in parsed.segments]
    if previous and origin == Transcript.Origin.EDITED:
        word_times = _kept_word_times(previous, parsed.segments, word_times)
    for number, (segment, words) in enumerate(zip(parsed.segments, word_times, strict=True), 1):
        if problem := word_times_problem(words, segment.text, segment.start, segment.end):
            raise ValidationError(f"Paragraph {number}: {problem}")
    if previous:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    transcript = Transcript(
        story=story,
        version=(previous.version + 1) if previous else 1,
        text=text,
        origin=origin,
        source_format=parsed.source_format,
        original_filename=original_filename[:255],
        has_timings=parsed.has_timings,
        created_by=by,
    )
    transcript.full_clean()
    transcript.save()
    Segment.objects.bulk_create(
        Segment(
            transcript=transcript,
            index=index,
            start_seconds=segment.start,
            end_seconds=segment.end,
            speaker=segment.speaker,
            text=segment.text,
            public_text=segment.text,  # until redactions carried over are applied
            char_start=start,
            char_end=end,
            word_times=words,
        )
        for index, (segment, (start, end), words) in enumerate(
            zip(parsed.segments, spans, word_times, strict=True)
        )
    )
    if previous:
        _carry_redactions(previous, transcript)
    search.index_transcript(transcript)
    story.save(update_fields=["updated_at"])
    announce(Change.TRANSCRIPT, story_id=story.pk)
    audit(
        action=AuditEvent.Action.TRANSCRIPT_SAVED,
        project=story.project,
        actor=by,
        story=story,
        version=transcript.version,
        origin=origin,
        segments=len(parsed.segments),
    )
    return transcript


def _kept_word_times(
    previous: Transcript, segments: list[ParsedSegment], word_times: list[list]
) -> list[list]:
    """Give each segment without word times those of an earlier one with its text and times.

    A segment whose words changed loses them: its words' times are not known.
    """
    earlier = {
        (segment.text, segment.start_seconds, segment.end_seconds): segment.word_times
        for segment in reversed(previous.segments.all())
    }
    return [
        words or earlier.get((segment.text, segment.start, segment.end), [])
        for segment, words in zip(segments, word_times, strict=True)
    ]


class TranscriptConflict(ValidationError):
    """Someone saved these paragraphs since the editor opened them; nothing was saved."""

    def __init__(self, current: Transcript):
        super().__init__(
            f"Someone else saved changes to these paragraphs (version {current.version}) while "
            "you were editing. Nothing was saved: your words are below, with theirs beside "
            "each paragraph. Check them, then save again."
        )
        self.current = current


@transaction.atomic
def edit_transcript_range(
    *,
    story: Story,
    base_version: int,
    first: int,
    last: int,
    paragraphs: list[tuple[str, str]],
    by,
) -> Transcript:
    """Save a new version with paragraphs first to last (0-based, of base_version) rewritten.

    paragraphs holds (speaker, text) for each of them; an emptied one is removed. Each keeps
    its timing, and its word times while its words are unchanged. Only the range is read and
    written in Python; the other paragraphs are copied by the database, so a save costs the
    same for 50 or 6,000 paragraphs. If someone saved since base_version, the edit is applied
    to the same paragraphs of the current version when they did not change them; otherwise
    TranscriptConflict is raised.
    """
    story = _lock(story)
    current = story.transcripts.get(is_current=True)
    if not paragraphs or len(paragraphs) != last - first + 1 or first < 0:
        raise ValidationError("The page was out of date or incomplete: reload it and try again.")
    if current.version != base_version:
        moved = _moved_range(story, base_version, current.version, first, last)
        if moved is None:
            raise TranscriptConflict(current)
        first, last = moved
    old = list(current.segments.filter(index__gte=first, index__lte=last))
    if len(old) != len(paragraphs):
        raise ValidationError("The page was out of date or incomplete: reload it and try again.")
    total = current.segments.count()
    edited = [
        (segment, " ".join(text.split()), speaker.strip())
        for segment, (speaker, text) in zip(old, paragraphs, strict=True)
    ]
    edited = [row for row in edited if row[1]]
    if not edited and len(old) == total:
        raise ValidationError(
            "A transcript needs at least one paragraph. To start again, upload a new one."
        )
    # The text before the range keeps its offsets; the text after it moves by `shift`.
    before = current.text[: old[0].char_start]
    after = current.text[old[-1].char_end :]
    body = SEGMENT_SEPARATOR.join(text for _segment, text, _speaker in edited)
    # Removing the whole range removes one of the separators around it too.
    if body:
        text = before + body + after
    elif before and after:
        text = before + after[len(SEGMENT_SEPARATOR) :]
    elif before:
        text = before[: -len(SEGMENT_SEPARATOR)]
    else:
        text = after[len(SEGMENT_SEPARATOR) :]
    shift = len(text) - len(current.text)
    new_segments, position = [], len(before)
    for segment, words, speaker in edited:
        # Word times stay only on unchanged words: the new words' times are not known.
        word_times = segment.word_times if words == segment.text else []
        new_segments.append(
            Segment(
                index=first + len(new_segments),
                start_seconds=segment.start_seconds,
                end_seconds=segment.end_seconds,
                speaker=speaker,
                text=words,
                public_text=words,
                char_start=position,
                char_end=position + len(words),
                word_times=word_times,
            )
        )
        position += len(words) + len(SEGMENT_SEPARATOR)
    current.is_current = False
    current.save(update_fields=["is_current"])
    transcript = Transcript(
        story=story,
        version=current.version + 1,
        text=text,
        origin=Transcript.Origin.EDITED,
        source_format=current.source_format,
        has_timings=current.has_timings,
        created_by=by,
    )
    transcript.full_clean()
    transcript.save()
    for segment in new_segments:
        segment.transcript = transcript
    _copy_segments_around(
        current,
        transcript,
        first=first,
        last=last,
        index_shift=len(new_segments) - len(old),
        char_shift=shift,
    )
    Segment.objects.bulk_create(new_segments)
    span = (old[0].char_start, old[-1].char_end)
    moved_redactions = _shift_redactions(current, transcript, span=span, shift=shift)
    reindex = {segment.index for segment in new_segments}
    if moved_redactions:
        reindex |= set(
            transcript.segments.filter(_touching(moved_redactions)).values_list("index", flat=True)
        )
    search.index_segments(transcript, reindex)
    story.save(update_fields=["updated_at"])
    announce(Change.TRANSCRIPT, story_id=story.pk)
    audit(
        action=AuditEvent.Action.TRANSCRIPT_SAVED,
        project=story.project,
        actor=by,
        story=story,
        version=transcript.version,
        origin=Transcript.Origin.EDITED,
        segments=total - len(old) + len(new_segments),
        paragraphs=f"{first + 1}-{last + 1}",
        based_on=base_version,
    )
    return transcript


def _moved_range(
    story: Story, base_version: int, current_version: int, first: int, last: int
) -> tuple[int, int] | None:
    """Follow paragraphs first to last of base_version through each later version.

    Return where they are now, or None if any later version changed them (or they cannot be
    followed). Each step compares the paragraphs both versions share at their start and end:
    a version that edited one range elsewhere leaves ours in one of the two.
    """
    if not 0 < current_version - base_version <= MOST_VERSIONS_FOLLOWED:
        return None
    versions = story.transcripts.filter(version__gte=base_version, version__lte=current_version)
    sequences = [
        list(
            Segment.objects.filter(transcript=version)
            .order_by("index")
            .values_list("speaker", "text", "start_seconds", "end_seconds")
        )
        for version in versions.order_by("version")
    ]
    if len(sequences) != current_version - base_version + 1:
        return None
    for older, newer in itertools.pairwise(sequences):
        if last >= len(older):
            return None
        shortest = min(len(older), len(newer))
        same_start = next((i for i in range(shortest) if older[i] != newer[i]), shortest)
        same_end = next(
            (i for i in range(shortest - same_start) if older[-1 - i] != newer[-1 - i]),
            shortest - same_start,
        )
        if last < same_start:
            continue
        if first >= len(older) - same_end:
            shift = len(newer) - len(older)
            first, last = first + shift, last + shift
            continue
        return None
    return first, last


def _copy_segments_around(
    source: Transcript,
    target: Transcript,
    *,
    first: int,
    last: int,
    index_shift: int,
    char_shift: int,
) -> None:
    """Copy the segments outside first..last, search text and vectors included, in one query.

    Those after the range move by index_shift places and char_shift characters. The ORM has
    no INSERT … SELECT, and reading thousands of rows into Python to write them back is what
    made long transcripts slow to save.
    """
    name = {f.name: connection.ops.quote_name(f.column) for f in Segment._meta.concrete_fields}
    kept = ", ".join(
        name[field]
        for field in (
            "start_seconds",
            "end_seconds",
            "speaker",
            "text",
            "public_text",
            "word_times",
            "search_vector",
        )
    )
    moved = ", ".join(
        f"{name[field]} + CASE WHEN {name['index']} > %(last)s THEN %({shift})s ELSE 0 END"
        for field, shift in (
            ("index", "index_shift"),
            ("char_start", "char_shift"),
            ("char_end", "char_shift"),
        )
    )
    # Every name comes from the model's own fields, quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {connection.ops.quote_name(Segment._meta.db_table)} "  # noqa: S608
        f"({name['transcript']}, {name['index']}, {name['char_start']}, {name['char_end']}, "
        f"{kept}) SELECT %(target)s, {moved}, {kept} "
        f"FROM {connection.ops.quote_name(Segment._meta.db_table)} "
        f"WHERE {name['transcript']} = %(source)s "
        f"AND ({name['index']} < %(first)s OR {name['index']} > %(last)s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "target": target.pk,
                "source": source.pk,
                "first": first,
                "last": last,
                "index_shift": index_shift,
                "char_shift": char_shift,
            },
        )


def _shift_redactions(
    previous: Transcript, transcript: Transcript, *, span: tuple[int, int], shift: int
) -> list[Redaction]:
    """Carry redactions into a version whose text changed only within span.

    Those before it stay, those after it move by shift; those in it are found again on the
    same words (words gone need no hiding). Return the redactions found again.
    """
    carried, found_again = [], []
    for redaction in previous.redactions.all():
        start, end = redaction.char_start, redaction.char_end
        if end <= span[0]:
            moved = (start, end)
        elif start >= span[1]:
            moved = (start + shift, end + shift)
        else:
            words = previous.text[start:end]
            found = nearest_occurrence(transcript.text, words, start)
            moved = None if found is None else (found, found + len(words))
        if moved:
            carried.append(
                Redaction(
                    transcript=transcript,
                    char_start=moved[0],
                    char_end=moved[1],
                    reason=redaction.reason,
                    created_by=redaction.created_by,
                )
            )
            if not (end <= span[0] or start >= span[1]):
                found_again.append(carried[-1])
    Redaction.objects.bulk_create(carried)
    return found_again


def _touching(redactions: list[Redaction]) -> Q:
    """Match the segments any of these redactions covers part of."""
    condition = Q(pk__in=[])
    for redaction in redactions:
        condition |= Q(char_start__lt=redaction.char_end, char_end__gt=redaction.char_start)
    return condition


def _carry_redactions(previous: Transcript, transcript: Transcript) -> None:
    """Re-anchor each redaction on the same words in the new text; words gone need no hiding."""
    carried = []
    for redaction in previous.redactions.all():
        words = previous.text[redaction.char_start : redaction.char_end]
        start = nearest_occurrence(transcript.text, words, redaction.char_start)
        if start is not None:
            carried.append(
                Redaction(
                    transcript=transcript,
                    char_start=start,
                    char_end=start + len(words),
                    reason=redaction.reason,
                    created_by=redaction.created_by,
                )
            )
    Redaction.objects.bulk_create(carried)


@transaction.atomic
def submit_story(*, story: Story, by) -> Story:
    """Send a draft to the curators for review, once consent and content are in place."""
    story = _lock(story)
    if story.status not in (Story.Status.DRAFT, Story.Status.CHANGES_REQUESTED):
        raise ValidationError(f"A story that is “{story.get_status_display()}” can’t be submitted.")
    problems = []
    if story.current_consent is None:
        problems.append("Record the storyteller’s consent.")
    if not story.recordings.exists() and not story.transcripts.exists():
        problems.append("Upload a recording or a transcript.")
    if problems:
        raise ValidationError(problems)
    story.status = Story.Status.SUBMITTED
    story.submitted_at = timezone.now()
    story.save(update_fields=["status", "submitted_at", "updated_at"])
    audit(action=AuditEvent.Action.STORY_SUBMITTED, project=story.project, actor=by, story=story)
    return story


@transaction.atomic
def publish_story(*, story: Story, by) -> Story:
    """Publish a submitted story, only if its consent allows something to be published.

    Audio is refused while a redaction cannot be placed in time, as it could not be silenced.
    """
    story = _lock(story)
    if story.status != Story.Status.SUBMITTED:
        raise ValidationError("Only a story submitted for review can be published.")
    public = access.once_published(story.current_consent)
    publishes_text = public.transcript and story.transcripts.exists()
    publishes_audio = public.audio and story.recordings.exists()
    if not (publishes_text or publishes_audio):
        raise ValidationError(
            "The storyteller’s consent does not allow publishing anything this story has: "
            "it needs consent to publish the transcript or the audio, and that content uploaded."
        )
    # A redaction that cannot be placed in time cannot be silenced: then the audio is not heard
    # (nobody but curators gets a copy), and only the transcript, if allowed, is published.
    if (
        publishes_audio
        and not publishes_text
        and silenced_spans(current_transcript(story.pk)) is None
    ):
        raise ValidationError(f"The audio can’t be published. {UNPLACEABLE}")
    story.status = Story.Status.PUBLISHED
    story.published_at = timezone.now()
    story.review_note = ""
    story.save(update_fields=["status", "published_at", "review_note", "updated_at"])
    announce(Change.PUBLICATION, story_id=story.pk)
    audit(
        action=AuditEvent.Action.STORY_PUBLISHED,
        project=story.project,
        actor=by,
        story=story,
        consent_version=story.current_consent.version,
    )
    return story


@transaction.atomic
def set_featured(*, story: Story, featured: bool, by) -> Story:
    """Feature a public story on the home page, or stop featuring it."""
    if featured and not story.is_public:
        raise ValidationError("Only a published story can be featured.")
    story.featured = featured
    story.save(update_fields=["featured", "updated_at"])
    audit(
        action=AuditEvent.Action.STORY_EDITED,
        project=story.project,
        actor=by,
        story=story,
        fields=["featured"],
        featured=featured,
    )
    return story


@transaction.atomic
def request_changes(*, story: Story, by, note: str) -> Story:
    """Send a submitted story back to its interviewer with a note."""
    story = _lock(story)
    if story.status != Story.Status.SUBMITTED:
        raise ValidationError("Changes can only be requested on a story submitted for review.")
    if not note.strip():
        raise ValidationError("Write a note saying what needs to change.")
    story.status = Story.Status.CHANGES_REQUESTED
    story.review_note = note.strip()
    story.save(update_fields=["status", "review_note", "updated_at"])
    audit(
        action=AuditEvent.Action.CHANGES_REQUESTED,
        project=story.project,
        actor=by,
        story=story,
        note=story.review_note,
    )
    return story


@transaction.atomic
def redact_transcript(
    *, transcript: Transcript, char_start: int, char_end: int, reason: str, by
) -> Redaction:
    """Hide a span of the transcript from everyone but curators; the original is kept."""
    (redaction,) = redact_spans(
        transcript=transcript, spans=[(char_start, char_end)], reason=reason, by=by
    )
    return redaction


@transaction.atomic
def redact_spans(
    *, transcript: Transcript, spans: list[tuple[int, int]], reason: str, by
) -> list[Redaction]:
    """Hide these spans of the transcript, each with its audit row; what follows runs once."""
    redactions = []
    story = transcript.story
    for char_start, char_end in spans:
        if not (0 <= char_start < char_end <= len(transcript.text)):
            raise ValidationError("Choose some words of the transcript to redact.")
        redaction = Redaction(
            transcript=transcript,
            char_start=char_start,
            char_end=char_end,
            reason=reason,
            created_by=by,
        )
        redaction.full_clean()
        redaction.save()
        redactions.append(redaction)
        audit(
            action=AuditEvent.Action.TRANSCRIPT_REDACTED,
            project=story.project,
            actor=by,
            story=story,
            transcript_version=transcript.version,
            char_start=char_start,
            char_end=char_end,
            reason=reason,
        )
    search.index_transcript(transcript)
    story.save(update_fields=["updated_at"])
    announce(Change.REDACTION, story_id=story.pk)
    return redactions


DETAIL_FIELDS = ("title", "summary", "place")


def words_pattern(words: str) -> re.Pattern:
    """Match these words in any letter case: how a redaction "everywhere" finds them."""
    return re.compile(re.escape(words), re.IGNORECASE)


def details_with(story: Story, words: str) -> list[str]:
    """Return the names of the story's details that hold these words, in any letter case."""
    found = words_pattern(words)
    return [name for name in DETAIL_FIELDS if words and found.search(getattr(story, name))]


@transaction.atomic
def redact_story_details(*, story: Story, words: str, by) -> list[str]:
    """Replace these words, in any letter case, with "[redacted]" in the title, summary and place.

    These are shown wherever the story is (pages, API, feed, search, sitemap), so a redaction
    "everywhere" must reach them too. Return the names of the fields changed.
    """
    story = _lock(story)
    changed = details_with(story, words)
    if not changed:
        return []
    found = words_pattern(words)
    for name in changed:
        setattr(story, name, found.sub(REDACTED, getattr(story, name)))
    story.full_clean()
    story.save(update_fields=[*changed, "updated_at"])
    search.index_story(story)
    announce(Change.REDACTION, story_id=story.pk)
    audit(
        action=AuditEvent.Action.TRANSCRIPT_REDACTED,
        project=story.project,
        actor=by,
        story=story,
        fields=changed,
    )
    return changed


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_storyteller_link(
    *, storyteller: Storyteller, by, days: int | None = None
) -> tuple[StorytellerLink, str]:
    """Make a private link for a storyteller; the token is returned once and stored hashed."""
    token = secrets.token_urlsafe(32)
    link = StorytellerLink.objects.create(
        storyteller=storyteller,
        token_hash=hash_token(token),
        created_by=by,
        expires_at=timezone.now() + timedelta(days=days or settings.STORYTELLER_LINK_DAYS),
    )
    audit(
        action=AuditEvent.Action.LINK_CREATED,
        project=storyteller.project,
        actor=by,
        storyteller=storyteller.code,
        expires_at=link.expires_at.isoformat(),
    )
    return link, token


@transaction.atomic
def revoke_storyteller_link(*, link: StorytellerLink, by) -> StorytellerLink:
    """End a private link at once."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit(
            action=AuditEvent.Action.LINK_REVOKED,
            project=link.storyteller.project,
            actor=by,
            storyteller=link.storyteller.code,
        )
    return link


def find_storyteller_link(token: str) -> StorytellerLink | None:
    """Return the active link for a token, noting its use; None if unknown, expired or revoked."""
    link = (
        StorytellerLink.objects.active()
        .select_related("storyteller")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link:
        StorytellerLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return link

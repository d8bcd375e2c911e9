"""Background work on gathered stories, run by the task worker (in-process in the demo).

Each task may be run again after its worker was killed at any point (corpro.worker): it
finishes what the killed run started and leaves one result, never a second file or row.
"""

import tempfile
import uuid
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.tasks import task

from corpro.worker import WAITED_FOR, delete_leftovers, store_output
from stories import erasure, subject_access
from stories.consequences import Change, announce
from stories.media import (
    COPY_FIELDS,
    UNPLACEABLE,
    Copies,
    MediaError,
    NoRoom,
    copy_key,
    current_transcript,
    local_path,
    make_copies,
    probe_media,
    silenced_spans,
)
from stories.models import Recording

COPY_NO_ROOM = (
    "There was no room on the server to store the copy for listeners. Once there is, run "
    "`python manage.py make_listener_copies` to make it again."
)


@task()
def probe_recording(recording_id: int) -> str:
    """Read a recording's duration and codecs with ffprobe and record whether it is playable."""
    recording = Recording.objects.filter(pk=recording_id).first()
    if recording is None:
        return "gone"
    if recording.state == Recording.State.PENDING:
        try:
            with local_path(recording.file) as path:
                result = probe_media(path)
        except MediaError as error:
            recording.state = Recording.State.FAILED
            recording.error = str(error)
            recording.save(update_fields=["state", "error"])
            return recording.state
        recording.duration_seconds = result.duration_seconds
        recording.codecs = result.codecs
        recording.state = Recording.State.READY
        recording.error = ""
        recording.save(update_fields=["duration_seconds", "codecs", "state", "error"])
    # Read already by a run that was killed, perhaps before it could queue the copy.
    if (
        recording.state == Recording.State.READY
        and recording.listener_copy_state != Recording.CopyState.READY
    ):
        make_listener_copy.enqueue(recording.pk)
    return recording.state


@task()
def make_listener_copy(recording_id: int) -> str:
    """Make the copies everyone but curators gets: no metadata, loudness normalised,
    redactions silenced; MP3 and Opus, a waveform, and for a video an MP4 of its picture."""
    recording = (
        Recording.objects.filter(pk=recording_id, state=Recording.State.READY)
        .exclude(story__status="withdrawn")
        .first()
    )
    if recording is None:
        return "gone"
    spans = silenced_spans(current_transcript(recording.story_id))
    if spans is None:
        discard_listener_copy(recording, error=UNPLACEABLE)
        return "unplaceable"
    key = copy_key(spans)
    if (
        recording.listener_copy_key == key
        and recording.listener_copy_state == Recording.CopyState.READY
        and recording.listener_copy
    ):
        return "current"
    # Not over a copy for these redactions that another run stored a moment ago.
    Recording.objects.filter(pk=recording.pk).exclude(
        listener_copy_key=key, listener_copy_state=Recording.CopyState.READY
    ).update(
        listener_copy_key=key,
        listener_copy_state=Recording.CopyState.PENDING,
        listener_copy_error="",
        copy_progress=0,
    )

    def progress(percent: int) -> None:
        Recording.objects.filter(pk=recording.pk, listener_copy_key=key).update(
            copy_progress=percent
        )

    with tempfile.TemporaryDirectory() as folder:
        try:
            with local_path(recording.file) as source:
                made = make_copies(
                    source,
                    Path(folder),
                    spans,
                    video=recording.is_video,
                    duration=recording.duration_seconds,
                    progress=progress,
                )
        except MediaError as error:
            Recording.objects.filter(pk=recording.pk, listener_copy_key=key).update(
                listener_copy_state=Recording.CopyState.FAILED, listener_copy_error=str(error)
            )
            return "failed"
        return _store_copy(recording.pk, key, made)


def copies_folder(recording_id: int) -> str:
    """Where a recording's copies are stored: any file there that it does not use is a leftover."""
    return f"private/copies/recording-{recording_id}"


@transaction.atomic
def _store_copy(recording_id: int, key: str, made: Copies) -> str:
    recording = (
        Recording.objects.select_for_update(of=("self",))
        .select_related("story")
        .filter(pk=recording_id)
        .first()
    )
    if recording is None:  # erased while the copy was being made
        return "gone"
    if recording.story.status == "withdrawn":
        return "withdrawn"
    # Checked against the redactions as they are now, not against the key a newer task may
    # not have written yet: a copy made for older redactions is never stored.
    spans = silenced_spans(current_transcript(recording.story_id))
    if spans is None or copy_key(spans) != key:
        return "superseded"
    if (
        recording.listener_copy_key == key
        and recording.listener_copy_state == Recording.CopyState.READY
        and recording.listener_copy
    ):
        return "current"  # another run of this task stored it first
    storage = recording.listener_copy.storage
    old = {getattr(recording, field).name for field in COPY_FIELDS} - {""}
    files = {
        "listener_copy": made.mp3,
        "opus_copy": made.opus,
        "waveform": made.waveform,
        "video_copy": made.video,
    }
    try:
        for field, path in files.items():
            stored = ""
            if path is not None:
                with path.open("rb") as handle:
                    stored = store_output(
                        storage,
                        copies_folder(recording.pk),
                        f"{uuid.uuid4().hex}{path.suffix}",
                        File(handle),
                        keep=old | {getattr(recording, name).name for name in files},
                    )
            getattr(recording, field).name = stored
    except NoRoom:
        # Nothing of this run is kept; the row still names the copies it had.
        for name in {getattr(recording, field).name for field in files} - old - {""}:
            storage.delete(name)
        Recording.objects.filter(pk=recording.pk).update(
            listener_copy_state=Recording.CopyState.FAILED, listener_copy_error=COPY_NO_ROOM
        )
        return "failed"
    recording.listener_copy_state = Recording.CopyState.READY
    recording.copy_progress = 100
    recording.save(update_fields=[*files, "listener_copy_state", "copy_progress"])
    for name in old:
        transaction.on_commit(lambda name=name: storage.delete(name))
    announce(Change.LISTENER_COPY, story_id=recording.story_id)
    return "made"


def discard_listener_copy(recording: Recording, *, error: str) -> None:
    """Delete a copy that may no longer be heard, and say why no new one can be made."""
    _clear_copy(recording, key="", state=Recording.CopyState.FAILED, error=error)


@transaction.atomic
def _clear_copy(recording: Recording, *, key: str, state: str, error: str = "") -> None:
    """Forget a recording's copy under its row lock, and delete the file once that commits.

    The lock waits for a copy being stored at this moment, so that copy is the one deleted.
    """
    locked = Recording.objects.select_for_update().get(pk=recording.pk)
    old = {getattr(locked, field).name for field in COPY_FIELDS} - {""}
    storage = locked.listener_copy.storage
    delete_leftovers(storage, copies_folder(locked.pk), keep=old)
    Recording.objects.filter(pk=recording.pk).update(
        **dict.fromkeys(COPY_FIELDS, ""),
        listener_copy_key=key,
        listener_copy_state=state,
        listener_copy_error=error,
        copy_progress=0,
    )
    for name in old:
        transaction.on_commit(lambda name=name: storage.delete(name))


def refresh_listener_copies(*, story_id: int) -> None:
    """After a redaction or a new transcript, stop the stale copies and queue new ones."""
    recordings = list(Recording.objects.filter(story_id=story_id, state=Recording.State.READY))
    if not recordings:
        return  # Nothing to hear, so no transcript to read (it may have thousands of paragraphs).
    spans = silenced_spans(current_transcript(story_id))
    key = None if spans is None else copy_key(spans)
    for recording in recordings:
        if key is None:
            discard_listener_copy(recording, error=UNPLACEABLE)
        elif recording.listener_copy_key != key:
            # The stale copy still says the newly redacted words: it goes now, not when the
            # new one is made (which may fail). A copy being made for the old key is superseded.
            _clear_copy(recording, key=key, state=Recording.CopyState.PENDING)
            make_listener_copy.enqueue(recording.pk)


WITHDRAWN = "The storyteller withdrew their story, so nobody may hear it."


def forget_listener_copies(*, story_id: int) -> None:
    """Once a story is withdrawn, delete the copies made for listeners."""
    withdrawn = Recording.objects.filter(story_id=story_id, story__status="withdrawn")
    for recording in withdrawn:
        discard_listener_copy(recording, error=WITHDRAWN)


@task(priority=WAITED_FOR)
def make_access_copy(copy_id: int, base_url: str = "") -> str:
    """Write the zip of everything held about a storyteller (stories.subject_access)."""
    return subject_access.make_copy(copy_id, base_url)


@task()
def delete_access_copy(copy_id: int) -> str:
    """Delete a copy of everything held about a storyteller once it has expired."""
    return subject_access.delete_if_expired(copy_id)


@task()
def erase_expired() -> str:
    """Erase the withdrawn stories and storytellers their project's retention period has passed.

    Queued by `manage.py erase_expired`, which an operator runs daily (from cron, say).
    """
    stories, storytellers = erasure.erase_expired()
    return f"Erased {stories} stories and {storytellers} storytellers."

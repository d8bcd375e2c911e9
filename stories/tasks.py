"""Background work on gathered stories, run by the task worker (in-process in the demo)."""

import shutil
import tempfile
from contextlib import contextmanager

from django.tasks import task

from stories.media import MediaError, probe_media
from stories.models import Recording


@task()
def probe_recording(recording_id: int) -> str:
    """Read a recording's duration and codecs with ffprobe and record whether it is playable."""
    recording = Recording.objects.filter(pk=recording_id).first()
    if recording is None:
        return "gone"
    try:
        with _local_path(recording) as path:
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
    return recording.state


@contextmanager
def _local_path(recording: Recording):
    """Give ffprobe a local file path, copying from remote storage when there is none."""
    storage, name = recording.file.storage, recording.file.name
    try:
        path = storage.path(name)
    except NotImplementedError:
        path = None
    if path:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=".media") as copy, storage.open(name, "rb") as source:
        shutil.copyfileobj(source, copy)
        copy.flush()
        yield copy.name

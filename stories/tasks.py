"""Background work on gathered stories, run by the task worker (in-process in the demo)."""

from django.tasks import task

from stories.media import MediaError, local_path, probe_media
from stories.models import Recording


@task()
def probe_recording(recording_id: int) -> str:
    """Read a recording's duration and codecs with ffprobe and record whether it is playable."""
    recording = Recording.objects.filter(pk=recording_id).first()
    if recording is None:
        return "gone"
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
    return recording.state

"""Check uploaded files by their content, read recordings' facts with ffprobe, and decide
which file each listener hears: the original for curators, a clean copy for everyone else."""

import errno
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum

import filetype
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db.models import Prefetch
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from stories.models import Recording, Segment, Transcript

# Media types decided from the file's first bytes, with the names people know them by.
RECORDING_TYPES = {
    "audio/mpeg": "MP3",
    "audio/mp4": "M4A",
    "audio/aac": "AAC",
    "audio/x-wav": "WAV",
    "audio/ogg": "Ogg or Opus",
    "audio/x-flac": "FLAC",
    "video/webm": "WebM",
    "video/mp4": "MP4",
}
RECORDING_FORMATS_TEXT = "MP3, M4A, AAC, WAV, Ogg, Opus, FLAC, WebM or MP4"
RECORDING_ACCEPT_ATTR = (
    ".mp3,.m4a,.aac,.wav,.ogg,.opus,.flac,.webm,.mp4,audio/*,video/mp4,video/webm"
)

EVIDENCE_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    **RECORDING_TYPES,
}
EVIDENCE_FORMATS_TEXT = "PDF, JPEG or PNG (a scan or photo of the form), or an audio recording"

SNIFF_BYTES = 8192
BYTE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class MediaError(ValueError):
    """An uploaded file that cannot be accepted; the message is for the person who sent it."""


class NoRoom(MediaError):
    """The storage had no room for a file, and nothing of it was kept."""


NO_ROOM = (
    "The server has no room to store the file just now, so nothing was saved. Try again "
    "later, and tell the site’s administrator if it keeps happening."
)


def disk_full(error: BaseException | None) -> bool:
    """Say whether an error means there is no room left to write a file."""
    return isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)


def store_file(field_file: FieldFile, name: str, content) -> None:
    """Store content as the file of a file field, without saving its row.

    A write that fails (say the disk is full) leaves nothing behind, not even an empty file, and
    a full disk raises NoRoom. The name is found free before writing, and names are generated
    (uuid4 or dated and checked), so what a failed write leaves is this write's own.
    """
    field, storage = field_file.field, field_file.storage
    name = storage.get_available_name(
        field.generate_filename(field_file.instance, name), max_length=field.max_length
    )
    try:
        stored = storage.save(name, content, max_length=field.max_length)
    except OSError as error:
        storage.delete(name)
        if disk_full(error):
            raise NoRoom(NO_ROOM) from error
        raise
    setattr(field_file.instance, field.attname, stored)


@dataclass(frozen=True)
class UploadFacts:
    media_type: str
    size: int
    sha256: str


def human_size(size: int) -> str:
    """Return a byte count as people say it (for example "2 GB")."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:g} {unit}" if unit == "bytes" else f"{size:.3g} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def inspect_upload(
    upload, *, accepted: dict[str, str], formats_text: str, max_bytes: int
) -> UploadFacts:
    """Decide an upload's type from its content, and hash it in chunks.

    Raise MediaError if it is empty, too large, or not one of the accepted types.
    """
    if upload.size == 0:
        raise MediaError("The file is empty. Choose the file again, or check it plays.")
    if upload.size > max_bytes:
        raise MediaError(f"The file is larger than {human_size(max_bytes)}.")
    upload.seek(0)
    kind = filetype.guess(upload.read(SNIFF_BYTES))
    if kind is None or kind.mime not in accepted:
        raise MediaError(
            f"“{upload.name}” is not a file we can accept. Upload one of these: {formats_text}."
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return UploadFacts(media_type=kind.mime, size=upload.size, sha256=digest.hexdigest())


@dataclass(frozen=True)
class ProbeResult:
    duration_seconds: float | None
    codecs: list[dict]


def probe_media(path: str) -> ProbeResult:
    """Read duration and codecs with ffprobe; raise MediaError if it cannot read the file."""
    try:
        completed = subprocess.run(
            [
                settings.FFPROBE_BINARY,
                "-v",
                "error",
                "-print_format",
                "json",
                "-show_format",
                "-show_streams",
                path,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except FileNotFoundError as error:
        raise MediaError("ffprobe is not installed on the server.") from error
    except subprocess.TimeoutExpired as error:
        raise MediaError("Reading the recording took too long.") from error
    if completed.returncode != 0:
        raise MediaError("The recording could not be read; it may be damaged.")
    info = json.loads(completed.stdout or "{}")
    streams = [
        {"type": stream.get("codec_type", ""), "codec": stream.get("codec_name", "")}
        for stream in info.get("streams", [])
        if stream.get("codec_type") in {"audio", "video"}
    ]
    if not any(stream["type"] == "audio" for stream in streams):
        raise MediaError("The recording has no sound in it.")
    duration = info.get("format", {}).get("duration")
    return ProbeResult(
        duration_seconds=float(duration) if duration not in (None, "N/A") else None,
        codecs=streams,
    )


class SizeLimitUploadHandler(FileUploadHandler):
    """Stop reading an upload as soon as it passes the limit, so nothing large is kept."""

    def __init__(self, request, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0
        self.declared_too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Form fields add a little to the body, so allow a megabyte over the file limit.
        self.declared_too_large = bool(content_length) and (
            content_length > self.max_bytes + 1024 * 1024
        )

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.declared_too_large or self.received > self.max_bytes:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def stream_file(request, field_file, content_type: str, download: str = "") -> HttpResponse:
    """Stream a stored file, honouring a single byte range so that players can seek."""
    size = field_file.size
    match = BYTE_RANGE.fullmatch(request.headers.get("Range", "").strip())
    if match and any(match.groups()) and not download:
        first, last = match.group(1), match.group(2)
        if first:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        else:
            start, end = max(0, size - int(last)), size - 1
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle = field_file.open("rb")
        handle.seek(start)
        response = StreamingHttpResponse(
            read_range(handle, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(
            field_file.open("rb"),
            content_type=content_type,
            as_attachment=bool(download),
            filename=download or None,
        )
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    return response


def read_range(handle, remaining: int, chunk: int = 64 * 1024):
    with handle:
        while remaining > 0:
            data = handle.read(min(chunk, remaining))
            if not data:
                return
            remaining -= len(data)
            yield data


@contextmanager
def local_path(field_file):
    """Give ffmpeg a local file path, copying from remote storage when there is none."""
    storage, name = field_file.storage, field_file.name
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


# Listeners hear MP3: every browser and old phone plays it, a byte range from anywhere decodes
# (no index to move to the front, as AAC-in-M4A needs), and QDA tools import it. Mono 64 kbit/s
# is plenty for speech and light on a weak connection. Changing this changes every copy's key.
COPY_FORMAT = "mp3-mono-64k-1"
COPY_MEDIA_TYPE = "audio/mpeg"
COPY_EXTENSION = "mp3"
COPY_TIMEOUT = 60 * 60  # seconds for ffmpeg to make one copy of a long interview
# Caption times are often a little early or late, so silence a little either side.
SILENCE_MARGIN = 0.25

UNPLACEABLE = (
    "Words are redacted in a transcript without timings, so we cannot tell where they are "
    "said in the recording and cannot silence them. Upload a timed transcript (WebVTT or SRT) "
    "so the audio can be published."
)
PREPARING = "The recording is being prepared. Try again in a minute."
NOT_AVAILABLE = "The recording is not available."


class CopyStatus(StrEnum):
    READY = "ready"
    PREPARING = "preparing"
    FAILED = "failed"
    UNPLACEABLE = "unplaceable"


def silenced_spans(transcript) -> list[tuple[float, float]] | None:
    """Return the times to silence for a transcript's redactions, or None if one can't be placed.

    Cue times are kept per segment, not per word, so a redaction silences every segment it
    touches, whole. A redaction in a segment without times cannot be placed.
    """
    if transcript is None:
        return []
    redactions = list(transcript.redactions.all())
    if not redactions:
        return []
    spans = []
    segments = list(transcript.segments.all())
    for redaction in redactions:
        for segment in segments:
            if segment.char_end <= redaction.char_start or redaction.char_end <= segment.char_start:
                continue
            if segment.start_seconds is None or segment.end_seconds is None:
                return None
            spans.append(
                (
                    round(max(0.0, segment.start_seconds - SILENCE_MARGIN), 3),
                    round(segment.end_seconds + SILENCE_MARGIN, 3),
                )
            )
    merged: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def copy_key(spans: list[tuple[float, float]]) -> str:
    """Name a copy by its format and the spans it silences, so a stale copy never matches."""
    return hashlib.sha256(json.dumps([COPY_FORMAT, spans]).encode()).hexdigest()


def current_transcript(story_id: int) -> Transcript | None:
    """Return a story's current transcript with the segments and redactions placing needs."""
    return (
        Transcript.objects.filter(story_id=story_id, is_current=True)
        .prefetch_related(
            Prefetch("segments", queryset=Segment.objects.defer("search_vector", "public_text")),
            "redactions",
        )
        .first()
    )


_FETCH = object()


def copy_status(recording: Recording, *, transcript=_FETCH) -> CopyStatus:
    """Say whether the recording's clean copy may be heard now, and if not, why.

    Pass the story's current transcript (segments and redactions prefetched) to save queries.
    """
    if recording.state == Recording.State.FAILED:
        return CopyStatus.FAILED
    if transcript is _FETCH:
        transcript = current_transcript(recording.story_id)
    spans = silenced_spans(transcript)
    if spans is None:
        return CopyStatus.UNPLACEABLE
    if recording.state != Recording.State.READY or recording.listener_copy_key != copy_key(spans):
        return CopyStatus.PREPARING
    if recording.listener_copy_state == Recording.CopyState.FAILED:
        return CopyStatus.FAILED
    if recording.listener_copy_state == Recording.CopyState.READY and recording.listener_copy:
        return CopyStatus.READY
    return CopyStatus.PREPARING


@dataclass(frozen=True)
class Heard:
    file: FieldFile
    media_type: str


def file_to_hear(
    recording: Recording, *, original: bool = False, transcript=_FETCH
) -> Heard | None:
    """Return the file a listener may hear, or None while none is ready.

    `original` is for those whose role lets them hear the file as uploaded (curators, on the
    team page: stories.access Part.ORIGINAL); everyone else, everywhere, hears the clean copy,
    and only while it matches the current redactions.
    """
    if original:
        return Heard(recording.file, recording.media_type)
    if copy_status(recording, transcript=transcript) != CopyStatus.READY:
        return None
    return Heard(recording.listener_copy, COPY_MEDIA_TYPE)


def not_ready_response(recording: Recording) -> HttpResponse:
    """Answer a player asking for a copy that is not ready: wait a minute, or it is not there."""
    if copy_status(recording) == CopyStatus.PREPARING:
        response = HttpResponse(PREPARING, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "60"
    else:
        response = HttpResponse(NOT_AVAILABLE, status=404, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def silence_filter(spans: list[tuple[float, float]]) -> str:
    """Return an ffmpeg audio filter that silences these spans (or passes sound through)."""
    if not spans:
        return "anull"
    between = "+".join(f"between(t,{start:.3f},{end:.3f})" for start, end in spans)
    return f"volume=0:enable='{between}'"


def make_clean_copy(source: str, target: str, spans: list[tuple[float, float]]) -> None:
    """Write the first audio stream as MP3 with no metadata and these spans silenced.

    Raise MediaError if ffmpeg cannot make it.
    """
    command = [
        settings.FFMPEG_BINARY, "-nostdin", "-v", "error", "-y", "-i", source,
        "-map", "0:a:0", "-vn", "-sn", "-dn",  # sound only: no picture, cover art or subtitles
        "-map_metadata", "-1", "-map_chapters", "-1",
        "-fflags", "+bitexact", "-flags:a", "+bitexact",  # no encoder name or version
        "-af", silence_filter(spans),
        "-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k",
        "-id3v2_version", "0", "-write_id3v1", "0",
        "-f", "mp3", target,
    ]  # fmt: skip
    try:
        subprocess.run(command, capture_output=True, timeout=COPY_TIMEOUT, check=True)
    except FileNotFoundError as error:
        raise MediaError("ffmpeg is not installed on the server.") from error
    except subprocess.TimeoutExpired as error:
        raise MediaError("Making the copy for listeners took too long.") from error
    except subprocess.CalledProcessError as error:
        raise MediaError("The copy for listeners could not be made from this recording.") from error

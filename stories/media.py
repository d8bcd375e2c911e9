"""Check uploaded files by their content, and read recordings' facts with ffprobe."""

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

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

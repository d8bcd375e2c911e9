"""Check uploaded files by their content, read recordings' facts with ffprobe, and decide
which file each listener hears: the original for curators, a clean copy for everyone else."""

import errno
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
import time
from array import array
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

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
        # Cover art is a still picture, not video.
        and not stream.get("disposition", {}).get("attached_pic")
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


# Listeners hear Opus in WebM where their browser plays it (speech sounds as clear at half the
# bytes), and MP3 otherwise: every browser and old phone plays MP3, a byte range from anywhere
# decodes (no index to move to the front, as AAC-in-M4A needs), and QDA tools import it. Mono is
# plenty for speech and light on a weak connection. Changing this changes every copy's key.
COPY_FORMAT = "r128-mono-opus32k-mp3-64k-2"
COPY_MEDIA_TYPE = "audio/mpeg"
COPY_EXTENSION = "mp3"
COPY_TIMEOUT = 60 * 60  # seconds for ffmpeg to make the copies of a long interview
# EBU R128 loudness, aimed at -16 LUFS (as podcasts are) rather than broadcast's -23, which is
# too quiet on a phone's speaker; every recording then plays at about the same volume. It is
# measured first (ffmpeg's ebur128 meter, quick), then one gain is applied and peaks held under
# -1.5 dBFS. ffmpeg's loudnorm filter does it in one pass, but made all the copies of a
# 20-minute recording take 53 s rather than 24 s (2 busy cores).
LOUDNESS_TARGET = -16.0
PEAK_LIMIT = 0.84  # -1.5 dBFS
MOST_GAIN = 40.0  # dB either way: a near-silent file is not turned into loud noise
# Bars drawn under a player: enough to show the shape of a conversation on any screen.
WAVEFORM_PEAKS = 240
WAVEFORM_RATE = 8000  # samples a second read for the waveform
# Caption times are often a little early or late, so silence a little either side.
SILENCE_MARGIN = 0.25


class Form(StrEnum):
    """The files made for listeners from one recording, as the media URLs name them."""

    MP3 = "mp3"
    OPUS = "opus"
    VIDEO = "video"
    WAVEFORM = "waveform"


# Each form: the Recording field holding it, and its media type.
FORM_FILES = {
    Form.MP3: ("listener_copy", COPY_MEDIA_TYPE),
    Form.OPUS: ("opus_copy", "audio/webm"),
    Form.VIDEO: ("video_copy", "video/mp4"),
    Form.WAVEFORM: ("waveform", "application/json"),
}
COPY_FIELDS = tuple(field for field, _media_type in FORM_FILES.values())

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
    recording: Recording, *, original: bool = False, transcript=_FETCH, form: Form = Form.MP3
) -> Heard | None:
    """Return the file a listener may hear in this form, or None while none is ready.

    `original` is for those whose role lets them hear the file as uploaded (curators, on the
    team page: stories.access Part.ORIGINAL), in place of the MP3; everyone else, everywhere,
    gets the clean copies, and only while they match the current redactions. Callers check
    that the person may see video (Part.VIDEO) before asking for Form.VIDEO.
    """
    if original and form == Form.MP3:
        return Heard(recording.file, recording.media_type)
    if copy_status(recording, transcript=transcript) != CopyStatus.READY:
        return None
    field, media_type = FORM_FILES[form]
    made = getattr(recording, field)
    return Heard(made, media_type) if made else None


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


@dataclass(frozen=True)
class Copies:
    """The files made for listeners from one recording, in a temporary folder."""

    mp3: Path
    opus: Path
    waveform: Path
    video: Path | None


DAMAGED = (
    "The copies for listeners could not be made from this recording: the file may be damaged "
    "or only partly uploaded. Upload it again if trying again fails."
)
# For every file made: no metadata, chapters, encoder name or version.
CLEAN = ["-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact",
         "-flags:a", "+bitexact"]  # fmt: skip


def make_copies(
    source: str,
    folder: Path,
    spans: list[tuple[float, float]],
    *,
    video: bool = False,
    duration: float | None = None,
    progress: Callable[[int], None] = lambda percent: None,
) -> Copies:
    """Make the copies listeners get, in one pass of ffmpeg over the recording.

    The first audio stream, with these spans silenced and its loudness normalised, becomes
    mono MP3, Opus in WebM and (for a video) the sound of an MP4 of the first video stream;
    its peaks become the waveform. `progress` is told the percent done now and then.
    Raise MediaError if ffmpeg cannot make them.
    """
    gain = loudness_gain(source, spans)
    outputs = ["mp3", "opus", "peaks", *(["picture_sound"] if video else [])]
    graph = (
        f"[0:a:0]{silence_filter(spans)},volume={gain:.2f}dB,"
        f"alimiter=limit={PEAK_LIMIT}:level=false,aresample=48000,"
        f"aformat=channel_layouts=mono,asplit={len(outputs)}"
        + "".join(f"[{name}]" for name in outputs)
    )
    if video:  # even sides, as H.264 needs, and no wider than a phone plays smoothly
        graph += ";[0:v:0]scale=w='trunc(min(854,iw)/2)*2':h=-2,format=yuv420p[picture]"
    copies = Copies(
        mp3=folder / "copy.mp3",
        opus=folder / "copy.webm",
        waveform=folder / "waveform.json",
        video=folder / "copy.mp4" if video else None,
    )
    pcm = folder / "peaks.pcm"
    command = [
        settings.FFMPEG_BINARY, "-nostdin", "-v", "error", "-y", "-nostats",
        "-progress", "pipe:1", "-i", source, "-filter_complex", graph,
        "-map", "[mp3]", "-c:a", "libmp3lame", "-b:a", "64k", "-id3v2_version", "0",
        "-write_id3v1", "0", *CLEAN, "-f", "mp3", str(copies.mp3),
        "-map", "[opus]", "-c:a", "libopus", "-b:a", "32k", "-application", "voip",
        *CLEAN, "-f", "webm", str(copies.opus),
        "-map", "[peaks]", "-c:a", "pcm_s16le", "-ar", str(WAVEFORM_RATE), *CLEAN,
        "-f", "s16le", str(pcm),
    ]  # fmt: skip
    if copies.video:
        command += [
            "-map", "[picture]", "-map", "[picture_sound]", "-c:v", "libx264",
            "-preset", "veryfast", "-crf", "28", "-c:a", "aac", "-b:a", "64k",
            "-movflags", "+faststart", *CLEAN, "-flags:v", "+bitexact", "-f", "mp4",
            str(copies.video),
        ]  # fmt: skip
    run_with_progress(command, duration=duration, progress=progress)
    copies.waveform.write_text(json.dumps({"peaks": waveform_peaks(pcm)}))
    pcm.unlink()
    return copies


def loudness_gain(source: str, spans: list[tuple[float, float]]) -> float:
    """Return the gain (dB) bringing the first audio stream, these spans silenced, to
    LOUDNESS_TARGET, as ffmpeg's EBU R128 meter measures its integrated loudness."""
    command = [
        settings.FFMPEG_BINARY, "-nostdin", "-nostats", "-v", "info", "-i", source,
        "-filter_complex", f"[0:a:0]{silence_filter(spans)},ebur128=framelog=verbose[out]",
        "-map", "[out]", "-f", "null", "-",
    ]  # fmt: skip
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=COPY_TIMEOUT, check=False
        )
    except FileNotFoundError as error:
        raise MediaError("ffmpeg is not installed on the server.") from error
    except subprocess.TimeoutExpired as error:
        raise MediaError("Making the copies for listeners took too long.") from error
    # The meter may print a summary each time ffmpeg sets up its filters: the last one counts.
    summary = completed.stderr.rpartition("Summary:")[2]
    measured = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    if completed.returncode != 0 or not measured:
        raise MediaError(DAMAGED)
    loudness = float(measured.group(1))
    if loudness <= -70:  # silence: nothing to bring up
        return 0.0
    return max(-MOST_GAIN, min(MOST_GAIN, LOUDNESS_TARGET - loudness))


def run_with_progress(command: list[str], *, duration: float | None, progress) -> None:
    """Run ffmpeg, telling `progress` the percent of the recording done as it goes."""
    deadline = time.monotonic() + COPY_TIMEOUT
    told = 0
    try:
        with tempfile.TemporaryFile() as errors:
            with subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=errors, text=True
            ) as process:
                for line in process.stdout:
                    if time.monotonic() > deadline:
                        process.kill()
                        raise MediaError("Making the copies for listeners took too long.")
                    name, _, value = line.strip().partition("=")
                    if name == "out_time_us" and duration and value.isdecimal():
                        percent = min(99, int(int(value) / 1e4 / duration))
                        if percent >= told + 5:
                            told = percent
                            progress(percent)
            if process.returncode != 0:
                raise MediaError(DAMAGED)
    except FileNotFoundError as error:
        raise MediaError("ffmpeg is not installed on the server.") from error


def waveform_peaks(pcm: Path) -> list[int]:
    """Return the loudest sample of each of WAVEFORM_PEAKS stretches of raw 16-bit sound,
    from 0 to 100, the loudest stretch being 100."""
    samples = pcm.stat().st_size // 2
    if samples == 0:
        return []
    per_peak = -(-samples // WAVEFORM_PEAKS)  # samples, rounded up
    peaks = []
    with pcm.open("rb") as handle:
        while chunk := handle.read(per_peak * 2):
            sound = array("h")
            sound.frombytes(chunk[: len(chunk) // 2 * 2])
            peaks.append(max(max(sound), -min(sound)) if sound else 0)
    loudest = max(peaks) or 1
    return [round(100 * peak / loudest) for peak in peaks]


@dataclass(frozen=True)
class Waveform:
    """A waveform as an SVG draws it: one bar per peak in a box `width` wide and 40 high."""

    width: int
    path: str


def draw_waveform(recording: Recording) -> Waveform | None:
    """Return the drawing of a recording's waveform, or None if it has none (yet)."""
    if not recording.waveform:
        return None
    try:
        with recording.waveform.open("rb") as handle:
            peaks = json.load(handle)["peaks"]
    except (OSError, ValueError, KeyError):
        return None
    # Silence still shows, as a thin line.
    halves = [max(0.5, round(peak / 5, 1)) for peak in peaks]
    path = "".join(
        f"M{index + 0.5:g} {20 - half:g}V{20 + half:g}" for index, half in enumerate(halves)
    )
    return Waveform(width=len(peaks), path=path) if peaks else None

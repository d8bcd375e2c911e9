"""Background work for reports: the PDF and the audio extracts, run by the task worker.

Each task may be run again after its worker was killed at any point (corpro.worker): a file is
made outside storage and stored under its row's lock, in a folder of that row's own, so a run
killed while storing leaves nothing that a later run does not delete.
"""

import logging
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from corpro.worker import WAITED_FOR, WHEN_IDLE, delete_leftovers, store_output
from sensemaking.models import ReportClip, ReportFile
from stories.media import CopyStatus, NoRoom, copy_status, file_to_hear, local_path
from stories.models import Recording

logger = logging.getLogger(__name__)

CLIP_TIMEOUT = 120  # seconds for ffmpeg to cut one extract
PDF_NO_ROOM = "There was no room on the server to store the PDF. Ask for it again later."
CLIP_NO_ROOM = "There was no room on the server to store the extract."
PLAYLIST_NO_ROOM = "There was no room on the server to store the file of every extract."


def pdf_folder(file_id: int) -> str:
    """Where a report file is stored: any file there that its row does not use is a leftover."""
    return f"reports/pdf-{file_id}"


def clip_folder(clip_id: int) -> str:
    """Where an extract is stored: any file there that its row does not use is a leftover."""
    return f"clips/clip-{clip_id}"


def _progress(pdf: ReportFile, percent: int, step: str) -> None:
    ReportFile.objects.filter(pk=pdf.pk).update(progress=percent, step=step)


@task(priority=WAITED_FOR)
def render_report_pdf(file_id: int, base_url: str) -> str:
    """Lay out the compiled report with WeasyPrint and store the PDF, reporting progress."""
    from weasyprint import HTML  # a heavy import, needed only by the worker

    from sensemaking.reports import compile_report, playlist

    pdf = ReportFile.objects.select_related("version__report").filter(pk=file_id).first()
    if pdf is None:
        # Deleted (say by a withdrawal) after a run of this task was killed while storing it.
        delete_leftovers(ReportFile.file.field.storage, pdf_folder(file_id))
        return "gone"
    if pdf.state == ReportFile.State.READY and pdf.file:
        return pdf.state  # stored by a run that was killed before it could say so
    ReportFile.objects.filter(pk=pdf.pk).update(state=ReportFile.State.RUNNING)
    _progress(pdf, 10, "Gathering the findings and quotes")
    compiled = compile_report(pdf.version)
    if compiled.fingerprint != pdf.fingerprint:
        # Consent or content changed since this was asked for: the next request asks again.
        pdf.delete()
        delete_leftovers(pdf.file.storage, pdf_folder(file_id))
        return "stale"
    try:
        html = render_to_string(
            "sensemaking/report_pdf.html",
            {"compiled": compiled, "base_url": base_url, "extracts": playlist(compiled)},
        )
        _progress(pdf, 30, "Laying out the pages")
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
        _progress(pdf, 80, "Writing the PDF")
        # Tagged, so screen readers follow its headings, lists and tables.
        content = document.write_pdf(pdf_tags=True)
    except Exception as error:  # a failed render is shown to the person waiting, then logged
        logger.exception("PDF of report version %s failed", pdf.version_id)
        ReportFile.objects.filter(pk=pdf.pk).update(
            state=ReportFile.State.FAILED, error=f"The PDF could not be made: {error}"
        )
        return ReportFile.State.FAILED
    name = f"{slugify(compiled.title) or 'report'}-v{compiled.number}.pdf"
    return _store_pdf(pdf, name, ContentFile(content), pages=len(document.pages))


@transaction.atomic
def _store_pdf(pdf: ReportFile, name: str, content: ContentFile, *, pages: int) -> str:
    folder = pdf_folder(pdf.pk)
    locked = (
        ReportFile.objects.select_for_update()
        .filter(pk=pdf.pk, fingerprint=pdf.fingerprint)
        .first()
    )
    if locked is None:
        # A withdrawal deleted this PDF while it was being made: no file of it may stay behind.
        delete_leftovers(pdf.file.storage, folder)
        return "stale"
    if locked.state == ReportFile.State.READY and locked.file:
        return locked.state  # another run of this task stored it first
    try:
        stored = store_output(pdf.file.storage, folder, name, content)
    except NoRoom:
        ReportFile.objects.filter(pk=pdf.pk).update(
            state=ReportFile.State.FAILED, error=PDF_NO_ROOM
        )
        return ReportFile.State.FAILED
    ReportFile.objects.filter(pk=pdf.pk).update(
        file=stored,
        pages=pages,
        state=ReportFile.State.READY,
        progress=100,
        step="Ready",
        updated_at=timezone.now(),
    )
    return ReportFile.State.READY


@task(priority=WHEN_IDLE)
def cut_clip(clip_id: int) -> str:
    """Cut a key quote's extract, as MP3, from the clean copy of its story's recording.

    Never from the original: the copy has no metadata and its redacted words are silent.
    """
    clip = ReportClip.objects.select_related("quote").filter(pk=clip_id).first()
    if clip is None:
        # Deleted after a run of this task was killed while storing it.
        delete_leftovers(ReportClip.file.field.storage, clip_folder(clip_id))
        return "done"
    if clip.file:
        return "done"
    recording = (
        Recording.objects.filter(story_id=clip.quote.story_id, state=Recording.State.READY)
        .order_by("pk")
        .first()
    )
    if recording is None:
        ReportClip.objects.filter(pk=clip.pk).update(error="The story has no playable recording.")
        return "no recording"
    heard = file_to_hear(recording)
    if heard is None:
        if copy_status(recording) == CopyStatus.PREPARING:
            return "waiting"  # Asked for again once the copy is made (Change.LISTENER_COPY).
        ReportClip.objects.filter(pk=clip.pk).update(
            error="The story's recording has no copy that may be heard."
        )
        return "no copy"
    with local_path(heard.file) as source, tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "clip.mp3"
        command = [
            settings.FFMPEG_BINARY, "-nostdin", "-v", "error",
            "-ss", f"{clip.start_seconds:.3f}", "-to", f"{clip.end_seconds:.3f}",
            "-i", source, "-map", "0:a:0", "-vn",
            "-map_metadata", "-1", "-map_chapters", "-1",
            "-fflags", "+bitexact", "-flags:a", "+bitexact",
            "-ac", "1", "-c:a", "libmp3lame", "-q:a", "5",
            "-id3v2_version", "0", "-write_id3v1", "0",
            str(target),
        ]  # fmt: skip
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=CLIP_TIMEOUT)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            logger.warning("Cutting clip %s failed: %s", clip.pk, error)
            ReportClip.objects.filter(pk=clip.pk).update(error="The extract could not be cut.")
            return "failed"
        with target.open("rb") as handle:
            return _store_clip(clip, File(handle))


@transaction.atomic
def _store_clip(clip: ReportClip, content: File) -> str:
    folder = clip_folder(clip.pk)
    locked = ReportClip.objects.select_for_update().filter(pk=clip.pk).first()
    if locked is None:
        # The extract stopped being allowed while it was being cut: nothing may stay behind.
        delete_leftovers(clip.file.storage, folder)
        return "stale"
    if locked.file:
        return "done"  # another run of this task stored one first
    try:
        name = store_output(clip.file.storage, folder, f"clip-{clip.quote_id}.mp3", content)
    except NoRoom:
        ReportClip.objects.filter(pk=clip.pk).update(error=CLIP_NO_ROOM)
        return "failed"
    ReportClip.objects.filter(pk=clip.pk).update(file=name)
    return "cut"


PLAYLIST_TIMEOUT = 600  # seconds for ffmpeg to join every extract
PLAYLIST_WAITING = "Some extracts are still being cut. Try again in a minute."


def playlist_folder(file_id: int) -> str:
    """Where a report's file of every extract is stored (see pdf_folder)."""
    return f"reports/playlist-{file_id}"


def _ffmetadata(title: str, parts: list[tuple[float, float, str]]) -> str:
    """ffmpeg's metadata file: the file's title and one chapter per extract."""

    def escaped(value: str) -> str:
        for character in ("\\", "=", ";", "#", "\n"):
            value = value.replace(character, "\\" + character)
        return value

    lines = [";FFMETADATA1", f"title={escaped(title)}"]
    for start, end, name in parts:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={round(start * 1000)}",
            f"END={round(end * 1000)}",
            f"title={escaped(name)}",
        ]
    return "\n".join(lines) + "\n"


@task(priority=WHEN_IDLE)
def make_playlist(file_id: int) -> str:
    """Join a report's extracts, in its order, into one M4A file with a chapter per extract.

    Made from the extracts already cut (from the clean copies), so nothing redacted or
    withdrawn is in it; stored only if, under its row's lock, the report and every extract are
    still as they were.
    """
    from sensemaking.reports import chapters, compile_report, playlist

    output = ReportFile.objects.select_related("version__report").filter(pk=file_id).first()
    if output is None:
        delete_leftovers(ReportFile.file.field.storage, playlist_folder(file_id))
        return "gone"
    if output.state == ReportFile.State.READY and output.file:
        return output.state
    ReportFile.objects.filter(pk=output.pk).update(state=ReportFile.State.RUNNING)
    _progress(output, 10, "Gathering the extracts")
    compiled = compile_report(output.version)
    extracts = playlist(compiled)
    if compiled.fingerprint != output.fingerprint:
        output.delete()
        delete_leftovers(output.file.storage, playlist_folder(file_id))
        return "stale"
    if not extracts or not all(extract.ready for extract in extracts):
        ReportFile.objects.filter(pk=output.pk).update(
            state=ReportFile.State.FAILED, error=PLAYLIST_WAITING
        )
        return ReportFile.State.FAILED
    clips = ReportClip.objects.in_bulk([extract.clip_id for extract in extracts])
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        sources = [stack.enter_context(local_path(clips[e.clip_id].file)) for e in extracts]
        metadata = Path(folder) / "chapters.txt"
        metadata.write_text(
            _ffmetadata(f"{compiled.title}: extracts", chapters(extracts)), encoding="utf-8"
        )
        target = Path(folder) / "extracts.m4a"
        inputs = [argument for source in sources for argument in ("-i", str(source))]
        joined = "".join(f"[{index}:a]" for index in range(len(sources)))
        command = [
            settings.FFMPEG_BINARY, "-nostdin", "-v", "error", *inputs,
            "-f", "ffmetadata", "-i", str(metadata),
            "-filter_complex", f"{joined}concat=n={len(sources)}:v=0:a=1[all]",
            "-map", "[all]", "-map_metadata", str(len(sources)),
            "-map_chapters", str(len(sources)),
            "-ac", "1", "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart",
            str(target),
        ]  # fmt: skip
        _progress(output, 40, "Joining the extracts")
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=PLAYLIST_TIMEOUT)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            logger.warning("Joining the extracts of report file %s failed: %s", output.pk, error)
            ReportFile.objects.filter(pk=output.pk).update(
                state=ReportFile.State.FAILED, error="The extracts could not be joined."
            )
            return ReportFile.State.FAILED
        name = f"{slugify(compiled.title) or 'report'}-v{compiled.number}-extracts.m4a"
        with target.open("rb") as handle:
            used = {extract.clip_id: clips[extract.clip_id].file.name for extract in extracts}
            return _store_playlist(output, name, File(handle), used)


@transaction.atomic
def _store_playlist(output: ReportFile, name: str, content: File, used: dict[int, str]) -> str:
    folder = playlist_folder(output.pk)
    locked = (
        ReportFile.objects.select_for_update()
        .filter(pk=output.pk, fingerprint=output.fingerprint)
        .first()
    )
    still = dict(
        ReportClip.objects.select_for_update().filter(pk__in=used).values_list("pk", "file")
    )
    if locked is None or still != used:
        # Consent changed, or an extract was remade, while this was being joined.
        if locked is not None:
            locked.delete()
        delete_leftovers(output.file.storage, folder)
        return "stale"
    if locked.state == ReportFile.State.READY and locked.file:
        return locked.state
    try:
        stored = store_output(output.file.storage, folder, name, content)
    except NoRoom:
        ReportFile.objects.filter(pk=output.pk).update(
            state=ReportFile.State.FAILED, error=PLAYLIST_NO_ROOM
        )
        return ReportFile.State.FAILED
    ReportFile.objects.filter(pk=output.pk).update(
        file=stored, state=ReportFile.State.READY, progress=100, step="Ready"
    )
    return ReportFile.State.READY

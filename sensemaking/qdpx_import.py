"""Bring a coded project from another QDA tool (a REFI-QDA .qdpx from QualCoder, NVivo, ATLAS.ti,
MAXQDA or corpro) into a project: sources become stories, codes themes, codings quotes.

read_qdpx() reads the file into a Plan without writing anything (the dry run); import_plan()
writes it in one transaction, on the task worker (run_import). Nothing imported has recorded
consent, so every story starts as a draft that no workshop, report or public page may use until
a curator records its storyteller's consent.

A .qdpx is a ZIP from outside: members are found only by the names the project file gives them
(never extracted by their own paths), each is read with a limit however large it claims to be,
and the XML is refused if it declares a DTD or entities.
"""

import logging
import re
import tempfile
import zipfile
import zlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.tasks import task
from lxml import etree

from sensemaking import services
from sensemaking.models import ProjectImport, Quote, QuoteTheme, Theme, Workshop
from sensemaking.refiqda import (
    GUID,
    MAX_THEME_NAME,
    PROJECT_NS,
    Code,
    add_codes,
    hex_colour,
    parse_xml,
)
from stories import services as story_services
from stories.media import MediaError
from stories.models import AuditEvent, Project, Story, Transcript
from stories.services import audit
from stories.text import UNREADABLE, normalise_name
from stories.transcripts import ParsedSegment, ParsedTranscript

logger = logging.getLogger(__name__)

P = f"{{{PROJECT_NS}}}"
MAX_MEMBERS = 20_000
MAX_PROJECT_XML_BYTES = 50 * 1024**2
MAX_TEXT_BYTES = 20 * 1024**2  # one source's text; a long interview is well under 1 MB
# Everything read from the file (its project and every text), however often a text is pointed
# at: a small file could otherwise unpack to gigabytes.
MAX_READ_BYTES = 200 * 1024**2
MAX_QDPX_BYTES = 4 * 1024**3  # the upload itself, recordings included
MAX_TIMESTAMP_MS = 10**10  # a sync point at most about 115 days into a recording
MAX_SOURCES = 2_000
MAX_SELECTIONS = 100_000
COPY_CHUNK_BYTES = 1024**2
# A paragraph break, however many blank lines; stored transcripts join paragraphs with one.
PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n\s*")
# An internal file is a bare name inside the archive's sources folder: no folders, no "..".
INTERNAL = re.compile(r"internal://([^/\\]+)")
MEDIA = ("AudioSource", "VideoSource")
CORPRO_CODE = re.compile(r"ST-[A-Z0-9]{5}")
CANNOT_MAP = {"PDFSource": "PDF", "PictureSource": "picture"}


@dataclass
class Selection:
    start: int  # positions in the source's text, in Unicode code points
    end: int
    codes: list[str]  # code GUIDs
    note: str = ""


@dataclass
class Source:
    guid: str
    name: str
    text_path: str  # the text file's name inside the archive
    text: str = ""
    media_path: str = ""
    sync: list[tuple[int, int]] = field(default_factory=list)  # (position, milliseconds)
    selections: list[Selection] = field(default_factory=list)
    case: str = ""  # the GUID of the case (person) the source belongs to
    case_name: str = ""


@dataclass
class Plan:
    """What a .qdpx holds that corpro can bring in, and what it cannot, in plain words."""

    name: str
    origin: str
    codes: list[Code]
    sources: list[Source]
    problems: list[str]
    code_count: int = 0

    @property
    def coding_count(self) -> int:
        return sum(len(s.selections) for s in self.sources)

    @property
    def recording_count(self) -> int:
        return sum(1 for s in self.sources if s.media_path)


@dataclass(frozen=True)
class Imported:
    workshop: Workshop
    stories: list[Story]
    themes_added: int
    quotes: int
    notes: list[str]  # what went wrong while writing, such as a recording refused


def _refuse(message: str):
    raise ValidationError(message)


class Archive:
    """An uploaded .qdpx, its members found by name, each read with a limit."""

    def __init__(self, file):
        try:
            self.zip = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError) as error:
            raise ValidationError(
                "This is not a REFI-QDA project file (.qdpx): it is not a ZIP archive. Export "
                "the project from your QDA software as REFI-QDA, and upload the .qdpx file."
            ) from error
        self.budget = MAX_READ_BYTES
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            _refuse(f"The file holds more than {MAX_MEMBERS} files, which is too many to read.")
        # By name only, never extracted by the path it claims: "../x" finds nothing to write.
        self.members = {
            str(PurePosixPath(info.filename.replace("\\", "/").lstrip("/"))).casefold(): info
            for info in infos
            if not info.is_dir()
        }

    def find(self, name: str) -> zipfile.ZipInfo | None:
        """Find a file in the sources folder (or at the top), whatever its capitals."""
        return self.members.get(f"sources/{name}".casefold()) or self.members.get(name.casefold())

    def read(self, info: zipfile.ZipInfo, limit: int) -> bytes | None:
        """Read a member, or None if it is larger than the limit (sizes in a ZIP can lie)."""
        if info.file_size > limit:
            return None
        try:
            with self.zip.open(info) as stream:
                data = stream.read(min(limit, self.budget) + 1)
        except (zipfile.BadZipFile, RuntimeError, EOFError, OSError, zlib.error) as error:
            raise ValidationError(
                f"The file “{info.filename[:80]}” inside the project is damaged or encrypted, so "
                "it cannot be read. Export the project again and upload the new file."
            ) from error
        if len(data) > self.budget:
            _refuse(
                f"The texts in the file come to more than {MAX_READ_BYTES // 1024**2} MB, which "
                "is too much to read."
            )
        if len(data) > limit:
            return None
        self.budget -= len(data)
        return data


def _project_xml(archive: Archive):
    info = archive.members.get("project.qde")
    if info is None:
        _refuse(
            "The file has no project.qde inside, so it is not a REFI-QDA project. A codebook "
            "(.qdc) is imported on the codebook page."
        )
    data = archive.read(info, MAX_PROJECT_XML_BYTES)
    if data is None:
        _refuse("The project inside the file is larger than 50 MB, which is too big to read.")
    root = parse_xml(data, holder="The project inside the file", kind="REFI-QDA projects")
    if root.tag != f"{P}Project":
        _refuse(
            f"This is not a REFI-QDA project: it starts with <{etree.QName(root).localname}>, "
            f"not <Project> in the namespace {PROJECT_NS}."
        )
    return root


def read_qdpx(archive: Archive) -> Plan:
    """Read a .qdpx into a Plan, writing nothing; raise ValidationError if it can't be read."""
    return _Reader(archive).plan()


def _guid(value: str | None) -> str:
    value = (value or "").strip().strip("{}").lower()
    return value if GUID.fullmatch(value) else ""


def _name(element) -> str:
    return normalise_name(element.get("name") or "") or "A source without a name"


class _Reader:
    """Read project.qde, noting in plain words everything that cannot be brought in."""

    def __init__(self, archive: Archive):
        self.archive = archive
        self.root = _project_xml(archive)
        self.problems: list[str] = []
        self.codes: set[str] = set()  # the GUIDs of the codes read
        self.notes = {
            _guid(note.get("guid")): text
            for note in self.root.iterfind(f"{P}Notes/{P}Note")
            if (text := self._words(note, "a note", quiet=True))
        }

    def plan(self) -> Plan:
        root = self.root
        codebook = root.find(f"{P}CodeBook/{P}Codes")
        codes = [] if codebook is None else self._read_codes(codebook)
        plan = Plan(
            name=normalise_name(root.get("name") or "") or "Imported project",
            origin=normalise_name(root.get("origin") or ""),
            codes=codes,
            sources=[],
            problems=self.problems,
            code_count=len(self.codes),
        )
        sources = root.find(f"{P}Sources")
        elements = [] if sources is None else list(sources)
        if len(elements) > MAX_SOURCES:
            _refuse(f"The project has more than {MAX_SOURCES} sources, which is too many.")
        by_text: dict[str, Source] = {}
        for element in elements:
            source = self._source(element)
            if source is None:
                continue
            known = by_text.get(source.text_path)
            if known is not None:
                # The same words as a source already read (corpro exports a recording's
                # transcript as its text source too): one story, with both sets of codings.
                known.selections.extend(source.selections)
                known.media_path = known.media_path or source.media_path
                known.sync = known.sync or source.sync
                continue
            by_text[source.text_path] = source
            plan.sources.append(source)
        if plan.coding_count > MAX_SELECTIONS:
            _refuse(f"The project has more than {MAX_SELECTIONS} codings, which is too many.")
        self._cases(plan.sources)
        if not plan.sources:
            _refuse(
                "The project has no text, audio or video sources that corpro can import. "
                + " ".join(self.problems[:5])
            )
        return plan

    def _cases(self, sources: list[Source]) -> None:
        by_guid = {source.guid: source for source in sources if source.guid}
        for case in self.root.iterfind(f"{P}Cases/{P}Case"):
            for ref in case.iterfind(f"{P}SourceRef"):
                source = by_guid.get(_guid(ref.get("targetGUID")))
                if source is not None and not source.case:
                    source.case = _guid(case.get("guid")) or f"line {case.sourceline}"
                    source.case_name = normalise_name(case.get("name") or "")

    def _read_codes(self, parent) -> list[Code]:
        found = []
        for element in parent.iterfind(f"{P}Code"):
            name = normalise_name(element.get("name") or "")
            guid = _guid(element.get("guid"))
            if not name or not guid or guid in self.codes:
                self.problems.append(
                    f"A code on line {element.sourceline} has no name or no GUID of its own, so "
                    "it and the codings that use it were left out."
                )
                continue
            if len(name) > MAX_THEME_NAME:
                self.problems.append(
                    f"The code “{name[:40]}…” has a name longer than {MAX_THEME_NAME} "
                    "characters; it was shortened."
                )
                name = name[: MAX_THEME_NAME - 1] + "…"
            self.codes.add(guid)
            found.append(
                Code(
                    name=name,
                    colour=hex_colour(element.get("color")),
                    description=(element.findtext(f"{P}Description") or "").strip(),
                    children=self._read_codes(element),
                    guid=guid,
                )
            )
        return found

    def _source(self, element) -> Source | None:
        kind = etree.QName(element).localname
        name = _name(element)
        if kind not in ("TextSource", *MEDIA):
            what = CANNOT_MAP.get(kind, kind)
            self.problems.append(
                f"“{name}” is a {what} source; corpro imports text, audio and video with "
                "transcripts only, so it was left out with its codings."
            )
            return None
        holder = element if kind == "TextSource" else element.find(f"{P}Transcript")
        if holder is None:
            self.problems.append(
                f"“{name}” is a recording without a transcript; corpro needs the words to make "
                "quotes, so it was left out."
            )
            return None
        text = self._words(holder, f"the text of “{name}”")
        if text is None:
            return None
        source = Source(
            guid=_guid(element.get("guid")),
            name=name,
            # Words kept in the project file are this source's own, whatever its GUID says.
            text_path=holder.get("plainTextPath") or f"inline:{id(holder)}",
            text=text,
        )
        if element.find(f"{P}Coding") is not None:
            self.problems.append(
                f"“{name}” is coded as a whole; corpro quotes selected words only, so that "
                "coding was left out."
            )
        if kind == "TextSource":
            source.selections = self._selections(element, "PlainTextSelection", source)
        else:
            self._media(element, holder, source)
        return source

    def _media(self, element, transcript, source: Source) -> None:
        points: dict[str, int] = {}
        for point in transcript.iterfind(f"{P}SyncPoint"):
            try:
                position, stamp = int(point.get("position")), int(point.get("timeStamp"))
            except (TypeError, ValueError):
                continue
            points[_guid(point.get("guid"))] = position
            if 0 <= position <= len(source.text) and 0 <= stamp <= MAX_TIMESTAMP_MS:
                source.sync.append((position, stamp))
        source.sync.sort()
        source.selections = self._selections(transcript, "TranscriptSelection", source, sync=points)
        media = INTERNAL.fullmatch(element.get("path") or "")
        info = self.archive.find(media.group(1)) if media else None
        if info is None:
            self.problems.append(
                f"The recording of “{source.name}” is not inside the file; its transcript was "
                "imported without it."
            )
        elif info.file_size > settings.RECORDING_MAX_BYTES:
            self.problems.append(
                f"The recording of “{source.name}” is too large to upload; it was left out."
            )
        else:
            source.media_path = media.group(1)

    def _words(self, element, what: str, *, quiet: bool = False) -> str | None:
        """Return the words an element holds or points at, or None with the reason noted."""
        inline = element.find(f"{P}PlainTextContent")
        if inline is not None:
            words = inline.text or ""
        else:
            path = element.get("plainTextPath")
            match = INTERNAL.fullmatch(path or "")
            info = self.archive.find(match.group(1)) if match else None
            data = self.archive.read(info, MAX_TEXT_BYTES) if info else None
            if data is None:
                if quiet:
                    return None
                if match is None and element.get("richTextPath"):
                    reason = "is given only as rich text, without the plain text REFI-QDA needs"
                elif match is None:
                    reason = f"is not inside the file (it points at {path or 'nothing'})"
                elif info is None:
                    reason = "is missing from the file"
                else:
                    reason = "is larger than 20 MB"
                self.problems.append(f"{what[0].upper()}{what[1:]} {reason}; it was left out.")
                return None
            try:
                words = data.decode("utf-8").removeprefix("\ufeff")
            except UnicodeDecodeError:
                self.problems.append(
                    f"{what[0].upper()}{what[1:]} is not UTF-8, as REFI-QDA requires; it was "
                    "left out."
                )
                return None
        if UNREADABLE.search(words) or not words.strip():
            if not quiet:
                self.problems.append(
                    f"{what[0].upper()}{what[1:]} is empty or holds characters that are not "
                    "text (such as control codes); it was left out."
                )
            return None
        return words

    def _selections(self, element, tag: str, source: Source, sync=None) -> list[Selection]:
        found = []
        text, name = source.text, source.name
        for selection in element.iterfind(f"{P}{tag}"):
            if sync is None:
                start, end = selection.get("startPosition"), selection.get("endPosition")
            else:
                start = sync.get(_guid(selection.get("fromSyncPoint")))
                end = sync.get(_guid(selection.get("toSyncPoint")))
            try:
                start, end = int(start), int(end)
            except (TypeError, ValueError):
                self.problems.append(
                    f"A coding in “{name}” has no readable position; it was left out."
                )
                continue
            if not 0 <= start < end <= len(text) or not text[start:end].strip():
                self.problems.append(
                    f"A coding in “{name}” (characters {start} to {end}) does not fit its text "
                    f"of {len(text)} characters; it was left out."
                )
                continue
            refs = [
                _guid(ref.get("targetGUID")) for ref in selection.iterfind(f"{P}Coding/{P}CodeRef")
            ]
            if any(ref not in self.codes for ref in refs):
                self.problems.append(
                    f"A coding in “{name}” uses a code that is not in the codebook; that code "
                    "was left off it."
                )
            notes = [(selection.findtext(f"{P}Description") or "").strip()]
            notes += [
                self.notes.get(_guid(ref.get("targetGUID")), "").strip()
                for ref in selection.iterfind(f"{P}NoteRef")
            ]
            found.append(
                Selection(
                    start=start,
                    end=end,
                    codes=[ref for ref in refs if ref in self.codes],
                    note="\n\n".join(note for note in notes if note),
                )
            )
        return found


# Writing -----------------------------------------------------------------------------------


class _Stored:
    """A source's words as a stored transcript: its paragraphs, each stripped, joined by one
    blank line, timed by the last sync point before each; maps source positions to stored ones."""

    def __init__(self, source: Source):
        cuts = {0, len(source.text)}
        for match in PARAGRAPH_BREAK.finditer(source.text):
            cuts.update((match.start(), match.end()))
        times = [(position, stamp / 1000) for position, stamp in source.sync]
        positions = [position for position, _seconds in times]
        self.pieces: list[tuple[int, int, int]] = []  # (source start, source end, stored start)
        segments: list[ParsedSegment] = []
        stored = 0
        bounds = sorted(cuts)
        for low, high in pairwise(bounds):
            chunk = source.text[low:high]
            words = chunk.strip()
            if not words:
                continue
            start = low + len(chunk) - len(chunk.lstrip())
            index = bisect_right(positions, start) - 1
            segments.append(
                ParsedSegment(text=words, start=times[index][1] if index >= 0 else None)
            )
            self.pieces.append((start, start + len(words), stored))
            stored += len(words) + len(story_services.SEGMENT_SEPARATOR)
        segments = [
            ParsedSegment(text=s.text, start=s.start, end=n.start)
            for s, n in zip(segments, [*segments[1:], ParsedSegment(text="")], strict=True)
        ]
        self.parsed = ParsedTranscript(
            segments=segments,
            has_timings=all(segment.start is not None for segment in segments),
            source_format="txt",
        )
        self._starts = [piece[0] for piece in self.pieces]
        self._sync = times
        self._sync_positions = positions

    def position(self, at: int, *, end: bool) -> int:
        """Where a source position lands in the stored text; between paragraphs, a start moves
        on to the next one and an end back to the last."""
        index = bisect_right(self._starts, at) - 1
        if index < 0:
            return 0
        start, stop, stored = self.pieces[index]
        if at <= stop:
            return stored + at - start
        if end:
            return stored + stop - start
        following = self.pieces[index + 1] if index + 1 < len(self.pieces) else None
        return following[2] if following else stored + stop - start

    def times(self, start: int, end: int) -> tuple[float | None, float | None]:
        """When a selection of the source starts and ends: the last sync point at or before
        its start, and the first at or after its end (or the end of its paragraph)."""
        before = bisect_right(self._sync_positions, start) - 1
        after = bisect_left(self._sync_positions, end)
        start_seconds = self._sync[before][1] if before >= 0 else None
        if after < len(self._sync):
            return start_seconds, self._sync[after][1]
        index = max(bisect_right(self._starts, end - 1) - 1, 0)
        return start_seconds, self.parsed.segments[index].end if self.pieces else None


@transaction.atomic
def import_plan(*, project: Project, plan: Plan, archive: Archive, by) -> Imported:
    """Write the plan into the project: themes, draft stories with no consent, one workshop."""
    codes = add_codes(
        project=project,
        codes=[(code, None) for code in plan.codes],
        by=by,
        source="REFI-QDA project",
        origin=plan.origin,
    )
    workshop = Workshop(project=project, title=f"Imported from {plan.name}"[:200], created_by=by)
    workshop.full_clean()
    workshop.save()
    storytellers = {}
    stories, quotes, links, notes = [], [], [], []
    for source in plan.sources:
        key = source.case or f"source:{source.guid or id(source)}"
        if key not in storytellers:
            storytellers[key] = story_services.add_storyteller(
                project=project, by=by, credit_preference="anonymous", code=_code(project, source)
            )
        story = story_services.create_story(
            storyteller=storytellers[key],
            by=by,
            title=_title(source)[:200],
            summary=f"Imported from {plan.name} ({plan.origin or 'a QDA tool'}).",
        )
        stored = _Stored(source)
        transcript = story_services.add_transcript(
            story=story,
            parsed=stored.parsed,
            by=by,
            origin=Transcript.Origin.UPLOADED,
            original_filename=f"{source.name[:250]}.txt",
        )
        if source.media_path:
            notes.extend(_upload(archive, source, story, by))
        stories.append(story)
        for selection in source.selections:
            start = stored.position(selection.start, end=False)
            end = stored.position(selection.end, end=True)
            if end <= start:
                continue
            start_seconds, end_seconds = stored.times(selection.start, selection.end)
            quote = Quote(
                workshop=workshop,
                story=story,
                transcript=transcript,
                char_start=start,
                char_end=end,
                text=transcript.text[start:end],
                start_seconds=start_seconds,
                end_seconds=end_seconds,
                note=selection.note,
                created_by=by,
            )
            quotes.append((quote, selection.codes))
    workshop.stories.add(*stories)
    Quote.objects.bulk_create([quote for quote, _codes in quotes])
    for quote, code_guids in quotes:
        themes: dict[int, Theme] = {}
        for guid in code_guids:
            theme = codes.by_guid[guid]
            themes[theme.pk] = theme
        links.extend(QuoteTheme(tag=theme, content_object=quote) for theme in themes.values())
    QuoteTheme.objects.bulk_create(links)
    services.record_theme_ids([quote.pk for quote, _codes in quotes])
    audit(
        action=AuditEvent.Action.PROJECT_IMPORTED,
        project=project,
        actor=by,
        name=plan.name[:200],
        origin=plan.origin[:200],
        workshop=workshop.pk,
        stories=len(stories),
        quotes=len(quotes),
        left_out=len(plan.problems),
    )
    return Imported(
        workshop=workshop,
        stories=stories,
        themes_added=len(codes.created),
        quotes=len(quotes),
        notes=notes,
    )


def _code(project: Project, source: Source) -> str:
    """Keep a storyteller code from corpro's own export if the project has no such code yet.

    Only a code in corpro's form: another tool's case name may be a person's real name.
    """
    if (
        CORPRO_CODE.fullmatch(source.case_name)
        and not project.storytellers.filter(code=source.case_name).exists()
    ):
        return source.case_name
    return ""


def _title(source: Source) -> str:
    """The source's name, without the storyteller code that corpro's export puts before it."""
    prefix = f"{source.case_name} – "
    if source.case_name and source.name.startswith(prefix) and len(source.name) > len(prefix):
        return source.name.removeprefix(prefix)
    return source.name


def _upload(archive: Archive, source: Source, story: Story, by) -> list[str]:
    """Send the recording through the normal upload, from a temporary copy of at most its
    allowed size; the worker probes it and makes its copy for listeners as for any upload.

    Return what went wrong, if the upload refused it (its story is kept without it).
    """
    info = archive.find(source.media_path)
    suffix = PurePosixPath(source.media_path).suffix[:10]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with archive.zip.open(info) as stream:
            _copy_limited(stream, copy, settings.RECORDING_MAX_BYTES)
        copy.seek(0)
        try:
            story_services.upload_recording(
                story=story, upload=File(copy, name=f"{source.name[:200]}{suffix}"), by=by
            )
        except MediaError as error:
            return [f"The recording of “{source.name}” was left out: {error}"]
    return []


def _copy_limited(stream, target, limit: int) -> None:
    copied = 0
    while chunk := stream.read(COPY_CHUNK_BYTES):
        copied += len(chunk)
        if copied > limit:
            raise ValidationError("A recording in the file is larger than its ZIP entry said.")
        target.write(chunk)
    target.flush()


# The task ----------------------------------------------------------------------------------


def _report(job: ProjectImport, **fields) -> None:
    ProjectImport.objects.filter(pk=job.pk).update(**fields)


@task()
def run_import(import_id: int) -> str:
    """Import a checked .qdpx, saying how far it got; safe to run again after a killed worker.

    The import and the row's "done" are one transaction, so a run killed part way leaves
    nothing behind, and a run after a finished one does nothing.
    """
    job = ProjectImport.objects.select_related("project", "created_by").filter(pk=import_id)
    job = job.first()
    if job is None or job.is_finished:
        return job.state if job else "gone"
    _report(job, state=ProjectImport.State.RUNNING, progress=10, step="Reading the file")
    try:
        with job.file.open("rb") as file:
            archive = Archive(file)
            plan = read_qdpx(archive)
            count = len(plan.sources)
            _report(
                job,
                progress=30,
                step=f"Bringing in {count} source{'' if count == 1 else 's'} with their codings",
            )
            with transaction.atomic():
                if ProjectImport.objects.select_for_update().get(pk=job.pk).is_finished:
                    return ProjectImport.State.DONE
                imported = import_plan(
                    project=job.project, plan=plan, archive=archive, by=job.created_by
                )
                _report(
                    job,
                    state=ProjectImport.State.DONE,
                    progress=100,
                    step="",
                    workshop=imported.workshop,
                    stories=len(imported.stories),
                    quotes=imported.quotes,
                    notes=[*plan.problems, *imported.notes],
                )
        state = ProjectImport.State.DONE
    except ValidationError as error:
        _report(job, state=ProjectImport.State.FAILED, error=" ".join(error.messages))
        state = ProjectImport.State.FAILED
    except Exception:  # shown to the person waiting, then logged
        logger.exception("Import %s failed", job.pk)
        _report(
            job,
            state=ProjectImport.State.FAILED,
            error="The import stopped with an error on the server; nothing was imported.",
        )
        state = ProjectImport.State.FAILED
    # Done or not, the file is not kept: it holds stories nobody has consent for yet.
    job.file.delete(save=False)
    _report(job, file="")
    return state

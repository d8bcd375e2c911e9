"""REFI-QDA exchange files, so a project's codebook and coded quotes open in other QDA tools.

Follows the REFI-QDA 1.5 standard: a codebook is a .qdc XML file; a project is a .qdpx ZIP holding
project.qde and its sources. The official schemas live beside the repository and are used by the
tests only; nothing here reads them at run time.
"""

import bisect
import re
import shutil
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch, Value, prefetch_related_objects
from django.db.models.functions import Lower
from django.utils import timezone
from lxml import etree

from sensemaking.models import Memo, Quote, QuoteTheme, Theme
from stories.media import COPY_EXTENSION, Heard, file_to_hear
from stories.models import REDACTED, AuditEvent, Project, Recording, Story, Transcript
from stories.querysets import current_transcript_prefetch
from stories.services import audit
from stories.text import UNREADABLE, normalise_name

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = "corpro"

# Fixed for ever: every GUID is derived from it, so repeated exports name things the same way.
GUID_NAMESPACE = uuid.UUID("6f1c2a52-8d0e-4f57-9b3a-1f6e0c4d2b71")
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
SHORT_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3}")
# Characters no file system, or not Windows', allows in a file name; QDA tools save sources
# under their names, so a "/" in a title stops QualCoder's import halfway.
UNSAFE_IN_FILE_NAMES = re.compile(r'[/\\:?*"<>|\x00-\x1f\x7f]')

MAX_THEME_NAME = 100  # Theme.name's max_length.
MAX_CODEBOOK_BYTES = 5 * 1024**2  # Codebooks are small; refuse anything that could exhaust memory.
MAX_INTERNAL_FILE_BYTES = 2**31 - 1  # REFI-QDA 1.5 section 8.5.
COPY_CHUNK_BYTES = 1024**2

NO_THEMES = "This project has no themes to export yet."
RECORDING_TOO_LARGE = (
    "The recording was left out: it is larger than the 2 GB that REFI-QDA allows inside a "
    "project file."
)
RECORDING_NOT_READY = (
    "The recording was left out: its copy with redacted words silenced is not ready. "
    "Download the project again in a few minutes."
)


def theme_guid(theme: Theme) -> str:
    """Return the GUID a theme has in every export of its project."""
    return _guid(theme.project_id, "theme", theme.pk)


def _guid(project_pk: int, kind: str, *keys) -> str:
    name = ":".join([ORIGIN, str(project_pk), kind, *(str(key) for key in keys)])
    return str(uuid.uuid5(GUID_NAMESPACE, name))


def _xml(text: str) -> str:
    return UNREADABLE.sub("", text)


def source_name(text: str) -> str:
    """Return a source's name as QDA tools can save it as a file: unsafe characters become "-"."""
    return UNSAFE_IN_FILE_NAMES.sub("-", text).strip(" .") or "Untitled"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent, tag: str, text: str | None = None, **attributes):
    """Append a child in the parent's namespace, leaving out attributes that are None."""
    namespace = etree.QName(parent).namespace
    child = etree.SubElement(
        parent,
        f"{{{namespace}}}{tag}",
        {name: _xml(str(value)) for name, value in attributes.items() if value is not None},
    )
    if text is not None:
        child.text = _xml(text)
    return child


def _to_bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# Codebook out ------------------------------------------------------------------------------


def _add_codes(parent, project: Project) -> bool:
    """Append <Codes> with the project's themes nested under their parents; False if none."""
    themes = list(Theme.objects.filter(project=project).order_by("position", "name", "pk"))
    if not themes:
        return False
    known = {theme.pk for theme in themes}
    children = defaultdict(list)
    for theme in themes:
        children[theme.parent_id if theme.parent_id in known else None].append(theme)
    codes = _add(parent, "Codes")
    written: set[int] = set()

    def add(element, theme: Theme) -> None:
        written.add(theme.pk)
        code = _add(
            element,
            "Code",
            guid=theme_guid(theme),
            name=theme.name,
            isCodable="true",
            color=theme.colour if HEX_COLOUR.fullmatch(theme.colour) else None,
        )
        if theme.description:
            _add(code, "Description", theme.description)
        for child in children[theme.pk]:
            if child.pk not in written:
                add(code, child)

    for theme in children[None]:
        add(codes, theme)
    # A loop of parents (A under B under A) has no top; show its themes at the top instead.
    for theme in themes:
        if theme.pk not in written:
            add(codes, theme)
    return True


def codebook_qdc(project: Project) -> bytes:
    """Return the project's themes as a REFI-QDA codebook (.qdc).

    Raise ValueError with NO_THEMES if there are none: a codebook needs at least one code.
    """
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin=ORIGIN)
    if not _add_codes(root, project):
        raise ValueError(NO_THEMES)
    return _to_bytes(root)


# Codebook in -------------------------------------------------------------------------------


@dataclass
class Code:
    name: str
    colour: str | None
    description: str
    children: list["Code"] = field(default_factory=list)
    guid: str = ""  # the code's GUID in the file it came from, if any


@dataclass(frozen=True)
class ImportResult:
    created: list[Theme]
    reused: list[Theme]
    by_guid: dict[str, Theme] = field(default_factory=dict)  # each code's theme, by its GUID

    @property
    def message(self) -> str:
        """Say in plain words what the import did."""
        added, kept = len(self.created), len(self.reused)
        if added:
            parts = [f"Added {added} theme{'' if added == 1 else 's'}"]
        else:
            parts = ["No new themes were added"]
        if kept == 1:
            parts.append("1 theme was already in the project and was left as it was")
        elif kept:
            parts.append(f"{kept} themes were already in the project and were left as they were")
        return "; ".join(parts) + "."


def hex_colour(value: str | None) -> str | None:
    """Return a colour as #rrggbb (from #rrggbb or #rgb), or None if it is not one."""
    value = (value or "").strip()
    if HEX_COLOUR.fullmatch(value):
        return value.lower()
    if SHORT_HEX_COLOUR.fullmatch(value):
        return "#" + "".join(digit * 2 for digit in value[1:].lower())
    return None


def declares_doctype(data: bytes) -> bool:
    """Say whether XML declares a DTD or entities, in UTF-8 or UTF-16.

    Checked before parsing, so entity tricks never reach the parser.
    """
    return any(
        marker.encode(encoding) in data
        for marker in ("<!DOCTYPE", "<!ENTITY")
        for encoding in ("ascii", "utf-16-le", "utf-16-be")
    )


def parse_xml(data: bytes, *, holder: str, kind: str, advice: str = ""):
    """Parse REFI-QDA XML from outside safely: no DTD or entities (refused before parsing), no
    network, no huge trees; a message naming `holder` ("The file") and `kind` ("Codebooks")
    for anything else."""
    if declares_doctype(data):
        raise ValidationError(
            f"{holder} contains a document type declaration (<!DOCTYPE> or <!ENTITY>). "
            f"{kind} never need one, so for safety it can’t be read."
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ValidationError(
            f"{holder} is not readable XML (line {error.lineno}: {error.msg}).{advice}"
        ) from error


def _read_codebook(data: bytes) -> tuple[list[Code], str]:
    """Parse a .qdc safely and check its structure; return its top codes and origin."""
    if not data or not data.strip():
        raise ValidationError("The file is empty. Choose a REFI-QDA codebook (.qdc) file.")
    if len(data) > MAX_CODEBOOK_BYTES:
        raise ValidationError("The file is larger than 5 MB, which is too big for a codebook.")
    if data.startswith(b"PK\x03\x04"):
        raise ValidationError(
            "This is a ZIP file, such as a REFI-QDA project (.qdpx). Export just the codebook "
            "(.qdc) from your QDA software and upload that."
        )
    root = parse_xml(
        data,
        holder="The file",
        kind="Codebooks",
        advice=" Choose a REFI-QDA codebook (.qdc) file.",
    )
    if root.getroottree().docinfo.doctype:
        raise ValidationError("The file contains a document type declaration; it can’t be read.")
    if root.tag == f"{{{PROJECT_NS}}}Project":
        raise ValidationError(
            "This is a REFI-QDA project (.qde), not a codebook. Export the codebook (.qdc) "
            "from your QDA software and upload that."
        )
    if root.tag != f"{{{CODEBOOK_NS}}}CodeBook":
        raise ValidationError(
            f"This is not a REFI-QDA codebook: it starts with <{etree.QName(root).localname}>, "
            f"not <CodeBook> in the namespace {CODEBOOK_NS}."
        )
    codes = root.find(f"{{{CODEBOOK_NS}}}Codes")
    top = [] if codes is None else codes.findall(f"{{{CODEBOOK_NS}}}Code")
    if not top:
        raise ValidationError("The codebook has no codes in it, so there is nothing to import.")
    guids: set[str] = set()
    return [_read_code(element, guids) for element in top], root.get("origin", "")


def _read_code(element, guids: set[str]) -> Code:
    line = element.sourceline
    name = normalise_name(element.get("name") or "")
    if not name:
        raise ValidationError(f"The code on line {line} has no name.")
    if len(name) > MAX_THEME_NAME:
        raise ValidationError(
            f"The code “{name[:40]}…” on line {line} has a name of {len(name)} characters; "
            f"theme names can have at most {MAX_THEME_NAME}."
        )
    guid = (element.get("guid") or "").strip().strip("{}").lower()
    if not GUID.fullmatch(guid):
        raise ValidationError(f"The code “{name}” on line {line} has no valid guid.")
    if guid in guids:
        raise ValidationError(
            f"The code “{name}” on line {line} has the same guid as another code; "
            "each code needs its own."
        )
    guids.add(guid)
    return Code(
        name=name,
        colour=hex_colour(element.get("color")),
        description=(element.findtext(f"{{{CODEBOOK_NS}}}Description") or "").strip(),
        children=[_read_code(child, guids) for child in element.iterfind(f"{{{CODEBOOK_NS}}}Code")],
        guid=guid,
    )


@transaction.atomic
def import_codebook(*, project: Project, data: bytes, by) -> ImportResult:
    """Add a REFI-QDA codebook's codes to the project's themes, keeping their hierarchy.

    A code whose name the project already has (in any letter case) reuses that theme unchanged.
    Raise ValidationError, changing nothing, if the file is not a readable codebook.
    """
    codes, origin = _read_codebook(data)
    return add_codes(
        project=project,
        codes=[(code, None) for code in codes],
        by=by,
        source="REFI-QDA codebook",
        origin=origin,
    )


@transaction.atomic
def add_codes(
    *, project: Project, codes: list[tuple[Code, Theme | None]], by, source: str, origin: str = ""
) -> ImportResult:
    """Add codes (each under a theme of the project, or at the top) with their sub-codes.

    A code whose name the project already has (in any letter case) reuses that theme unchanged;
    one audit row says what was added and from where.
    """
    top = Theme.objects.filter(project=project).aggregate(top=Max("position"))["top"] or 0
    created: list[Theme] = []
    reused: list[Theme] = []
    by_guid: dict[str, Theme] = {}
    pending = list(codes)
    while pending:
        code, parent = pending.pop(0)
        # Lower() as in theme_unique_name_per_project, so "the same name" means what the
        # database means by it.
        theme = (
            Theme.objects.annotate(key=Lower("name"))
            .filter(project=project, key=Lower(Value(code.name)))
            .first()
        )
        if theme is None:
            theme = Theme(
                project=project,
                name=code.name,
                description=code.description,
                parent=parent,
                position=top + len(created) + 1,
            )
            if code.colour:
                theme.colour = code.colour
            theme.full_clean(exclude=["slug"])
            theme.save()
            created.append(theme)
        elif theme not in created and theme not in reused:
            reused.append(theme)
        if code.guid:
            by_guid[code.guid] = theme
        pending.extend((child, theme) for child in code.children)
    audit(
        action=AuditEvent.Action.CODEBOOK_IMPORTED,
        project=project,
        actor=by,
        source=source,
        origin=origin[:200],
        created=[theme.name for theme in created],
        reused=[theme.name for theme in reused],
    )
    return ImportResult(created=created, reused=reused, by_guid=by_guid)


# Project out -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    start: int  # in the transcript
    end: int
    out_start: int  # in the exported text
    out_end: int
    redacted: bool
    visible: bool  # holds words a reader can see (not only spaces or [redacted])


class _ExportedText:
    """A transcript as the public pages show it, and where each of its characters went.

    Positions are Python str indices, which count Unicode code points as REFI-QDA does.
    """

    def __init__(self, transcript: Transcript):
        self.pieces: list[_Piece] = []
        self._parts: list[str] = []
        self._length = 0
        self._redactions = sorted((r.char_start, r.char_end) for r in transcript.redactions.all())
        text = transcript.text
        cursor = 0
        rows = sorted(transcript.display_segments(), key=lambda row: row["segment"].char_start)
        for row in rows:
            segment = row["segment"]
            if segment.char_start < cursor or segment.char_end > len(text):
                continue  # Not a well-formed segment; its words go out with the gap instead.
            self._gap(text, cursor, segment.char_start)
            for span in row["spans"]:
                self._piece(span["start"], span["end"], span["text"], span["redacted"])
            cursor = segment.char_end
        self._gap(text, cursor, len(text))
        self.text = "".join(self._parts)
        self._starts = [piece.start for piece in self.pieces]
        self._ends = [piece.end for piece in self.pieces]

    def _piece(self, start: int, end: int, shown: str, redacted: bool) -> None:
        if start >= end:
            return
        out_end = self._length + len(shown)
        visible = not redacted and bool(shown.strip())
        self.pieces.append(_Piece(start, end, self._length, out_end, redacted, visible))
        self._parts.append(shown)
        self._length = out_end

    def _gap(self, text: str, start: int, end: int) -> None:
        """Add the text between segments, hiding redacted words the way segments do."""
        cursor = start
        for redaction_start, redaction_end in self._redactions:
            hidden_start, hidden_end = max(redaction_start, cursor), min(redaction_end, end)
            if hidden_start >= hidden_end:
                continue
            self._piece(cursor, hidden_start, text[cursor:hidden_start], False)
            words = text[hidden_start:hidden_end]
            # Blank lines between paragraphs reveal nothing; keep them so paragraphs stay apart.
            if words.isspace():
                self._piece(hidden_start, hidden_end, words, False)
            else:
                self._piece(hidden_start, hidden_end, REDACTED, True)
            cursor = hidden_end
        self._piece(cursor, end, text[cursor:end], False)

    def position(self, at: int) -> int:
        """Return where the transcript position lands in the exported text."""
        index = bisect.bisect_right(self._starts, at) - 1
        if index < 0:
            return 0
        piece = self.pieces[index]
        if at >= piece.end:
            return piece.out_end
        return piece.out_start if piece.redacted else piece.out_start + at - piece.start

    def selection(self, start: int, end: int) -> tuple[int, int] | None:
        """Map [start, end) onto the exported text; a redaction inside it is shown whole.

        Return None if nothing but redacted words or spaces would be selected.
        """
        first = bisect.bisect_right(self._starts, start) - 1
        last = bisect.bisect_left(self._ends, end)
        if first < 0 or last >= len(self.pieces):
            return None
        pieces = self.pieces[first : last + 1]
        if not any(
            piece.visible and self.text[self._clip(piece, start, end)].strip() for piece in pieces
        ):
            return None
        head, tail = pieces[0], pieces[-1]
        out_start = head.out_start if head.redacted else head.out_start + start - head.start
        out_end = tail.out_end if tail.redacted else tail.out_start + end - tail.start
        return out_start, out_end

    @staticmethod
    def _clip(piece: _Piece, start: int, end: int) -> slice:
        low, high = max(start, piece.start), min(end, piece.end)
        return slice(piece.out_start + low - piece.start, piece.out_start + high - piece.start)


@dataclass(frozen=True)
class _Media:
    recording: Recording
    heard: Heard
    size: int
    extension: str = COPY_EXTENSION


def _stories(project: Project, story_ids: set[int]) -> list[Story]:
    return list(
        Story.objects.filter(project=project, pk__in=story_ids)
        .select_related("storyteller")
        .prefetch_related(
            current_transcript_prefetch(),
            Prefetch(
                "recordings",
                queryset=Recording.objects.filter(state=Recording.State.READY).order_by(
                    "created_at", "pk"
                ),
                to_attr="ready_recordings",
            ),
        )
        .order_by("title", "pk")
    )


def _first_media(story: Story) -> _Media | None:
    """Return the clean copy of the story's first ready recording, if it may be heard now.

    Never the original: the copy has no metadata and its redacted words are silent.
    """
    transcript = story.current_transcripts[0] if story.current_transcripts else None
    for recording in story.ready_recordings:
        heard = file_to_hear(recording, transcript=transcript)
        if heard is not None and heard.file.storage.exists(heard.file.name):
            return _Media(recording, heard, heard.file.storage.size(heard.file.name))
    return None


def project_qdpx(*, project: Project, quotes, origin: str = ORIGIN, out: BinaryIO) -> None:
    """Write the project's coded quotes as a REFI-QDA project (.qdpx) to the binary file out.

    quotes must already be filtered by consent, e.g. Quote.objects.usable_in_reports(). Each
    story with a quote becomes one text source: its current transcript, redacted words shown as
    "[redacted]" as on the public pages. Quotes on an older transcript version (stale, flagged
    needs_review) are left out, as are quotes that would select only redacted words; a quote
    that overlaps a redaction selects the whole "[redacted]" marker, never the hidden words.
    The clean copy of the story's first ready recording goes with it (no metadata, redacted
    words silenced), synchronised by segment start times. A quote's note goes with its
    selection, and the journals and theme memos of the quotes' workshops as notes of the
    project and of the themes' codes.
    """
    quotes = [quote for quote in quotes if not quote.needs_review]
    prefetch_related_objects(
        quotes,
        "created_by",
        "created_by_guest",
        Prefetch(
            "theme_links",
            queryset=QuoteTheme.objects.filter(tag__project=project).order_by(
                "tag__position", "tag__name", "pk"
            ),
            to_attr="refiqda_links",
        ),
    )
    by_story: dict[int, list[Quote]] = defaultdict(list)
    for quote in quotes:
        by_story[quote.story_id].append(quote)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = _ProjectWriter(project, origin, archive)
        for story in _stories(project, set(by_story)):
            writer.add_story(story, by_story[story.pk])
        writer.add_memos({quote.workshop_id for quote in quotes})
        archive.writestr("project.qde", writer.finish())


class _ProjectWriter:
    """Build project.qde, writing each source into the archive as soon as it is known."""

    def __init__(self, project: Project, origin: str, archive: zipfile.ZipFile):
        self.project = project
        self.archive = archive
        self.people: dict[str, str] = {}
        self.root = etree.Element(
            f"{{{PROJECT_NS}}}Project",
            nsmap={None: PROJECT_NS},
            name=_xml(project.name),
            origin=_xml(origin),
            creationDateTime=_when(project.created_at),
        )
        self.users = _add(self.root, "Users")
        codebook = _add(self.root, "CodeBook")
        if not _add_codes(codebook, project):
            # A codebook needs at least one code, so a project without themes has none.
            self.root.remove(codebook)
        self.cases = _add(self.root, "Cases")
        self.sources = _add(self.root, "Sources")
        self.notes = _add(self.root, "Notes")
        self.project_notes: list[str] = []

    def guid(self, kind: str, *keys) -> str:
        return _guid(self.project.pk, kind, *keys)

    def finish(self) -> bytes:
        """Return project.qde, leaving out the lists that stayed empty."""
        for guid, name in sorted(self.people.items(), key=lambda item: (item[1].lower(), item[0])):
            _add(self.users, "User", guid=guid, name=name)
        for element in (self.users, self.cases, self.sources, self.notes):
            if len(element) == 0:
                self.root.remove(element)
        if self.project.description:
            _add(self.root, "Description", self.project.description)
        for guid in self.project_notes:
            _add(self.root, "NoteRef", targetGUID=guid)
        return _to_bytes(self.root)

    def _user(self, user) -> str | None:
        if user is None:
            return None
        guid = self.guid("user", user.pk)
        self.people.setdefault(guid, user.get_full_name() or user.get_username())
        return guid

    def _add_note(self, guid: str, name: str, text: str, **attributes) -> str:
        """Add a <Note> with its text inline; return its GUID for the NoteRef pointing at it."""
        note = _add(self.notes, "Note", guid=guid, name=name, **attributes)
        _add(note, "PlainTextContent", text)
        return guid

    def add_memos(self, workshop_ids: set[int]) -> None:
        """Add the journals (project notes) and theme memos (notes of their codes) of these
        workshops. Memos are the team's own words about the analysis, not storytellers'."""
        memos = (
            Memo.objects.filter(workshop__project=self.project, workshop_id__in=workshop_ids)
            .exclude(text="")
            .select_related("workshop", "theme", "updated_by")
            .order_by("workshop__title", "workshop_id", "theme__position", "theme__name", "pk")
        )
        codes = {code.get("guid"): code for code in self.root.iter(f"{{{PROJECT_NS}}}Code")}
        for memo in memos:
            attributes = {
                "creatingUser": self._user(memo.updated_by),
                "creationDateTime": _when(memo.updated_at),
            }
            guid = self.guid("memo", memo.pk)
            if memo.is_journal:
                name = f"Journal: {memo.workshop.title}"
                self.project_notes.append(self._add_note(guid, name, memo.text, **attributes))
                continue
            code = codes.get(theme_guid(memo.theme))
            if code is None:
                continue
            name = f"Memo on {memo.theme.name}: {memo.workshop.title}"
            self._add_note(guid, name, memo.text, **attributes)
            # A code's NoteRefs come after its Description and before its sub-codes.
            after = [child for child in code if etree.QName(child).localname != "Code"]
            reference = etree.Element(f"{{{PROJECT_NS}}}NoteRef", targetGUID=guid)
            code.insert(len(after), reference)

    def add_story(self, story: Story, quotes: list[Quote]) -> None:
        """Add the story as a text source with its quotes, and its recording, if it has quotes."""
        if not story.current_transcripts:
            return
        transcript = story.current_transcripts[0]
        exported = _ExportedText(transcript)
        selections = []
        for quote in quotes:
            if quote.transcript_id != transcript.pk:
                continue  # Stale: its offsets refer to an older version of the words.
            if transcript.text[quote.char_start : quote.char_end] != quote.text:
                continue  # Not anchored on these words; never point at the wrong ones.
            span = exported.selection(quote.char_start, quote.char_end)
            if span is not None:
                selections.append((span, quote))
        if not selections:
            return

        name = source_name(f"{story.storyteller.code} – {story.title}")
        text_file = self.guid("transcript", transcript.pk)
        content = exported.text
        # A leading U+FEFF would be taken for a byte order mark and dropped, shifting every
        # position; the word joiner means the same and keeps the length.
        if content.startswith("\ufeff"):
            content = "\u2060" + content[1:]
        self.archive.writestr(f"sources/{text_file}.txt", content.encode("utf-8"))
        text_path = f"internal://{text_file}.txt"

        source_guid = self.guid("story", story.pk)
        source = _add(
            self.sources,
            "TextSource",
            guid=source_guid,
            name=name,
            plainTextPath=text_path,
            creationDateTime=_when(transcript.created_at),
        )
        # One Case per storyteller, however many of their stories are exported.
        case_guid = self.guid("storyteller", story.storyteller_id)
        case = self.cases.find(f"{{{PROJECT_NS}}}Case[@guid='{case_guid}']")
        if case is None:
            case = _add(self.cases, "Case", guid=case_guid, name=story.storyteller.code)
        _add(case, "SourceRef", targetGUID=source_guid)
        media = _first_media(story)
        if media is None and story.ready_recordings:
            _add(source, "Description", RECORDING_NOT_READY)
        if media and media.size > MAX_INTERNAL_FILE_BYTES:
            _add(source, "Description", RECORDING_TOO_LARGE)
            media = None
        for span, quote in sorted(selections, key=lambda item: (item[0], item[1].pk)):
            self._add_selection(source, exported.text, span, quote)
        if media:
            media_guid = self._add_media(media, name, transcript, exported, text_path)
            _add(case, "SourceRef", targetGUID=media_guid)

    def _add_selection(self, source, text: str, span: tuple[int, int], quote: Quote) -> None:
        start, end = span
        user = None
        if quote.created_by_id or quote.created_by_guest_id:
            kind = "user" if quote.created_by_id else "guest"
            user = self.guid(kind, quote.created_by_id or quote.created_by_guest_id)
            self.people.setdefault(user, quote.highlighted_by)
        shown = text[start:end]
        selection = _add(
            source,
            "PlainTextSelection",
            guid=self.guid("quote", quote.pk),
            name=shown if len(shown) <= 60 else shown[:59] + "…",
            startPosition=start,
            endPosition=end,
            creatingUser=user,
            creationDateTime=_when(quote.created_at),
        )
        for link in quote.refiqda_links:
            coding = _add(
                selection,
                "Coding",
                guid=self.guid("coding", quote.pk, link.tag_id),
                creatingUser=user,
                creationDateTime=_when(link.created_at),
            )
            _add(coding, "CodeRef", targetGUID=self.guid("theme", link.tag_id))
        if quote.note.strip():
            note = self._add_note(
                self.guid("quote-note", quote.pk),
                f"Note on {selection.get('name')}",
                quote.note,
                creatingUser=user,
                creationDateTime=_when(quote.created_at),
            )
            _add(selection, "NoteRef", targetGUID=note)

    def _add_media(
        self,
        media: _Media,
        name: str,
        transcript: Transcript,
        exported: _ExportedText,
        text_path: str,
    ) -> str:
        """Add the recording and its transcript's sync points; return the source's GUID."""
        recording = media.recording
        media_file = self.guid("recording-file", recording.pk)
        info = zipfile.ZipInfo(
            f"sources/{media_file}.{media.extension}",
            date_time=timezone.localtime().timetuple()[:6],
        )
        info.compress_type = zipfile.ZIP_STORED  # Recordings are compressed already.
        # With the size known up front zipfile would pick ZIP64 itself; say so explicitly.
        info.file_size = media.size
        with (
            media.heard.file.storage.open(media.heard.file.name, "rb") as source,
            self.archive.open(
                info, "w", force_zip64=media.size * 1.05 > zipfile.ZIP64_LIMIT
            ) as target,
        ):
            shutil.copyfileobj(source, target, COPY_CHUNK_BYTES)

        media_guid = self.guid("recording", recording.pk)
        element = _add(
            self.sources,
            "AudioSource",
            guid=media_guid,
            name=f"{name}.{media.extension}",
            path=f"internal://{media_file}.{media.extension}",
            creationDateTime=_when(recording.created_at),
        )
        # The transcript shares the text source's file, as in the standard's own example.
        synced = _add(
            element,
            "Transcript",
            guid=self.guid("recording-transcript", recording.pk, transcript.pk),
            name=name,
            plainTextPath=text_path,
            creationDateTime=_when(transcript.created_at),
        )
        for segment in transcript.segments.all():
            if segment.start_seconds is not None:
                _add(
                    synced,
                    "SyncPoint",
                    guid=self.guid("sync", segment.pk),
                    timeStamp=round(segment.start_seconds * 1000),
                    position=exported.position(segment.char_start),
                )
        return media_guid

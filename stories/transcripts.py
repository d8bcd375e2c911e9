"""Read transcripts from text, Word, WebVTT and SubRip files into segments with speakers.

Plain text and Word documents give one segment per paragraph; a "Name:" label at the start of a
paragraph, or of a line within it, names the speaker, who carries on until the next label.
Caption files give one segment per cue, timed, with the speaker from a voice tag or a label.
A WebVTT cue's inline timestamps ("<00:00:01.500>word") are kept as the times of its words.
"""

import html
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import docx
import filetype

ACCEPTED_EXTENSIONS = (".txt", ".docx", ".vtt", ".srt")
UPLOAD_HINT = "Upload a .txt, .docx, .vtt or .srt file."
EMPTY_FILE = "The transcript file is empty."

MAX_SPEAKER_LENGTH = 120  # Segment.speaker's max_length.
MAX_LABEL_LENGTH = 40  # Longest "Name:" label taken as a speaker.
MAX_DOCX_UNPACKED_BYTES = 100 * 1024**2  # Refuse zip bombs before python-docx unpacks them.

LINE_BREAK = re.compile(r"\r\n|\r|\n")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Up to four words before a colon at the start of a line: "Interviewer:", "Storyteller 3:".
# The colon must end the line or be followed by a space, so "https://" is not a speaker.
SPEAKER_LABEL = re.compile(r"(?P<name>[^\W\d_][\w.'’-]*(?:[ \t]+[^\W_][\w.'’-]*){0,3}):(?:\s+|$)")
# A time in brackets at the start of a paragraph: "[00:01:02]", "(1:02)".
PLAIN_TIME = re.compile(r"[\[(](?P<time>[0-9:.,]+)[\])](?:\s+|$)")
TIMESTAMP = re.compile(
    r"(?:(?P<hours>[0-9]+):)?(?P<minutes>[0-9]{1,2}):(?P<seconds>[0-9]{2})"
    r"(?:[.,](?P<fraction>[0-9]{1,3}))?"
)
CUE_TIMING = re.compile(r"(?P<start>\S*?)\s*-->\s*(?P<end>\S*)(?:\s+.*)?")
VTT_HEADER = re.compile(r"WEBVTT(?:[ \t].*)?")
VTT_SKIPPED_BLOCK = re.compile(r"(?:NOTE|STYLE|REGION)(?:[ \t].*)?")
VTT_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+(?P<name>[^>]+)>")
VTT_TAG = re.compile(r"<[^>]*>")
# In WebVTT a tag that starts with a digit is a timestamp: the time the text after it is said.
VTT_INLINE_TIME = re.compile(r"<(?P<time>[0-9][^>]*)>")
# While a cue's text is read, each inline time stands in it as a marker of private-use characters.
TIME_MARK = re.compile("\ue000(?P<seconds>[0-9.]+)\ue001")
MARK_CHARACTERS = re.compile("[\ue000\ue001]")
SRT_TAG = re.compile(r"</?(?:i|b|u|s|font)\b[^>]*>|\{\\[^}]*\}", re.IGNORECASE)


class TranscriptError(ValueError):
    """A transcript that cannot be read; str() gives the message for the person who sent it."""

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(f"Line {line}: {message}" if line is not None else message)


@dataclass(frozen=True)
class ParsedSegment:
    text: str
    speaker: str = ""
    start: float | None = None  # seconds
    end: float | None = None
    # (char_start, char_end, start, end or None) of timed words, offsets within `text`.
    word_times: tuple[tuple[int, int, float, float | None], ...] = ()


@dataclass(frozen=True)
class ParsedTranscript:
    segments: list[ParsedSegment]  # never empty
    has_timings: bool
    source_format: str  # "txt", "docx", "vtt", "srt" or "paste"


class _Opening(NamedTuple):
    """A line's own start time and speaker, and the text after them."""

    start: float | None
    speaker: str
    rest: str


_Line = tuple[int, str]  # 1-based line number and the line without surrounding whitespace.


@dataclass(frozen=True)
class _CueFormat:
    name: str
    kind: str
    example: str
    read_line: Callable[[str], tuple[_Opening | None, str]]


def parse_transcript_file(data: bytes, filename: str) -> ParsedTranscript:
    """Read an uploaded transcript, choosing the format by the file name's ending."""
    extension = _extension(filename)
    if extension not in ACCEPTED_EXTENSIONS:
        raise TranscriptError(_unknown_extension_message(extension))
    if not data.strip():
        raise TranscriptError(EMPTY_FILE)
    if extension == ".docx":
        return parse_plain_text(_docx_text(data), "docx")
    text = _decode(data)
    if not text.strip():
        raise TranscriptError(EMPTY_FILE)
    if extension == ".txt":
        return parse_plain_text(text, "txt")
    if extension == ".vtt":
        return _parse_vtt(text)
    return _parse_cues(_blocks(text), SRT)


def parse_plain_text(text: str, source_format: str = "paste") -> ParsedTranscript:
    """Read paragraphs separated by blank lines, with optional "Name:" labels and times."""
    segments, speaker = [], ""
    for block in _blocks(text):
        for start, label, words in _turns([(_plain_opening(line), line) for _, line in block]):
            speaker = label or speaker
            if words:
                segments.append(ParsedSegment(text=words, speaker=speaker, start=start))
    if not segments:
        raise TranscriptError(_no_text_message(text, source_format))
    return ParsedTranscript(
        segments=segments,
        has_timings=all(segment.start is not None for segment in segments),
        source_format=source_format,
    )


def _extension(filename: str) -> str:
    """Return the file name's ending in lower case, such as ".txt", or "" if it has none."""
    name = filename.strip().replace("\\", "/").rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[1].lower() if "." in name else ""


def _unknown_extension_message(extension: str) -> str:
    """Say which endings are read, with a tip for older Word files."""
    if extension == ".doc":
        return "Older Word .doc files can't be read. Save it from Word as .docx or .txt instead."
    if not extension:
        return f"The file name has no ending such as .txt, so its format is unknown. {UPLOAD_HINT}"
    return f"Transcripts can't be read from {extension} files. {UPLOAD_HINT}"


def _no_text_message(text: str, source_format: str) -> str:
    """Say that there is nothing to read, in the words that fit a file or pasted text."""
    if text.strip():
        return "The transcript has speaker names or times but no words that were said."
    return "The transcript is empty." if source_format == "paste" else EMPTY_FILE


def _decode(data: bytes) -> str:
    """Return the file's text as UTF-8, or else Windows-1252; refuse binary files."""
    if b"\x00" in data or data.startswith(b"%PDF-"):
        raise TranscriptError(_not_text_message(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise TranscriptError(
                "Some characters in this file can't be read. "
                "Save the transcript as UTF-8 text and upload it again."
            ) from None
    if CONTROL_CHARACTERS.search(text):
        raise TranscriptError(_not_text_message(data))
    return text


def _not_text_message(data: bytes) -> str:
    """Say that the file is not text, naming what it is when its content shows that."""
    kind = filetype.guess(data)
    if kind is None:
        return "This file is not a text file. Save the transcript as UTF-8 text and upload that."
    if kind.extension == "docx":
        return "This file is a Word document. Give its name the .docx ending and upload it again."
    return f"This file holds {kind.extension.upper()} data, not text. {UPLOAD_HINT}"


def _docx_text(data: bytes) -> str:
    """Return a Word document's paragraphs separated by blank lines."""
    not_docx = TranscriptError(
        "This file is not a Word document that can be opened. "
        "If it is an older .doc file, save it from Word as .docx or .txt and upload that."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_docx from None
    if unpacked > MAX_DOCX_UNPACKED_BYTES:
        raise TranscriptError(
            "This Word document is too large to read. Save it as .txt and upload that."
        )
    try:
        document = docx.Document(io.BytesIO(data))
        text = "\n\n".join(paragraph.text for paragraph in document.paragraphs)
        has_tables = bool(document.tables)
    except Exception:  # python-docx raises many kinds of error for damaged or non-Word files.
        raise not_docx from None
    if not text.strip() and has_tables:
        raise TranscriptError(
            "The Word document's text is all in tables. "
            "Copy the transcript out of the table into ordinary paragraphs and upload it again."
        )
    return text


def _blocks(text: str) -> list[list[_Line]]:
    """Split text into blocks of numbered, stripped lines, separated by blank lines."""
    blocks, block = [], []
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        if line.strip():
            block.append((number, line.strip()))
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    return blocks


def _turns(lines: list[tuple[_Opening | None, str]]) -> list[tuple[float | None, str, str]]:
    """Group a block's lines into (start, speaker, text), starting anew at each opening line.

    When the first line has no time or speaker, the block is prose and stays whole.
    """
    if not lines:
        return []
    if lines[0][0] is None:
        return [(None, "", _join(text for _, text in lines))]
    turns = []
    for opening, text in lines:
        if opening is not None:
            turns.append((opening.start, opening.speaker, [opening.rest]))
        else:
            turns[-1][2].append(text)
    return [(start, speaker, _join(parts)) for start, speaker, parts in turns]


def _join(parts) -> str:
    """Join wrapped lines with single spaces, leaving out empty ones."""
    return " ".join(part for part in parts if part)


def _plain_opening(line: str) -> _Opening | None:
    """Return the line's leading time and "Name:" label (in either order), if it has one."""
    start, rest = _leading_time(line)
    speaker, rest = _leading_speaker(rest)
    if speaker and start is None:
        start, rest = _leading_time(rest)
    if start is None and not speaker:
        return None
    return _Opening(start, speaker, rest)


def _leading_time(line: str) -> tuple[float | None, str]:
    """Split a bracketed time such as "[00:01:02]" off the start of the line."""
    match = PLAIN_TIME.match(line)
    seconds = _seconds(match["time"], fraction_required=False) if match else None
    return (None, line) if seconds is None else (seconds, line[match.end() :])


def _leading_speaker(line: str) -> tuple[str, str]:
    """Split a "Name:" label off the start of the line, returning ("", line) if there is none."""
    match = SPEAKER_LABEL.match(line)
    if not match or not _looks_like_name(match["name"]):
        return "", line
    return " ".join(match["name"].split()), line[match.end() :]


def _looks_like_name(label: str) -> bool:
    """Accept one word, or up to four capitalised words or numbers, as in "Mary Jones 2".

    This keeps phrases such as "Here's the thing:" in the text.
    """
    words = label.split()
    if len(label) > MAX_LABEL_LENGTH:
        return False
    return len(words) == 1 or all(word[0].isupper() or word[0].isdigit() for word in words)


def _seconds(text: str, *, fraction_required: bool) -> float | None:
    """Return a time such as "01:02:03.500" or "02:03,5" in seconds, or None if it is not one."""
    match = TIMESTAMP.fullmatch(text)
    if not match or (fraction_required and match["fraction"] is None):
        return None
    minutes, seconds = int(match["minutes"]), int(match["seconds"])
    if minutes >= 60 or seconds >= 60:
        return None
    fraction = float("0." + match["fraction"]) if match["fraction"] else 0.0
    return round(int(match["hours"] or 0) * 3600 + minutes * 60 + seconds + fraction, 3)


def _parse_vtt(text: str) -> ParsedTranscript:
    """Read a WebVTT file's cues, skipping its header and NOTE, STYLE and REGION blocks."""
    blocks = _blocks(text)
    number, first = blocks[0][0]
    if number != 1 or not VTT_HEADER.fullmatch(first):
        raise TranscriptError(
            "a WebVTT file must start with “WEBVTT” on its first line. "
            "If this is a plain transcript or a SubRip file, give it a .txt or .srt ending.",
            line=1,
        )
    header, *cues = blocks
    # Without a blank line after the header, the first cue starts at its timing line.
    timing_lines = [index for index, (_, line) in enumerate(header) if "-->" in line]
    if timing_lines:
        cues.insert(0, header[timing_lines[0] :])
    cues = [block for block in cues if not VTT_SKIPPED_BLOCK.fullmatch(block[0][1])]
    if not cues:
        raise TranscriptError(
            "The WebVTT file has no cues. After the “WEBVTT” line and a blank line, "
            "each cue needs a timing such as 00:01:02.500 --> 00:01:05.000 and then its text."
        )
    return _parse_cues(cues, VTT)


def _parse_cues(blocks: list[list[_Line]], cue_format: _CueFormat) -> ParsedTranscript:
    """Read timed cues, one segment per speaker in each cue, leaving out cues without text."""
    segments = []
    for block in blocks:
        start, end, payload = _cue_timing(block, cue_format)
        if cue_format is VTT:
            _check_inline_times(payload, start, end)
        lines = [cue_format.read_line(line) for _, line in payload]
        said_since = start  # the latest time in the cue so far
        for _, speaker, marked in _turns(lines):
            words, word_times = _take_word_times(marked, said_since)
            said_since = word_times[-1][2] if word_times else said_since
            if words:
                segments.append(
                    ParsedSegment(
                        text=words, speaker=speaker, start=start, end=end, word_times=word_times
                    )
                )
    if not segments:
        raise TranscriptError(f"None of the {cue_format.kind}s in this file have any text.")
    return ParsedTranscript(segments=segments, has_timings=True, source_format=cue_format.name)


def _cue_timing(block: list[_Line], cue_format: _CueFormat) -> tuple[float, float, list[_Line]]:
    """Return the cue's start and end seconds and its text lines, after any identifier."""
    if "-->" in block[0][1]:
        timing, payload = block[0], block[1:]
    elif len(block) > 1 and "-->" in block[1][1]:
        timing, payload = block[1], block[2:]
    else:
        number, line = _expected_timing_line(block)
        raise TranscriptError(
            f"expected a {cue_format.kind} timing such as {cue_format.example}, "
            f"but found “{_shorten(line)}”.",
            line=number,
        )
    number, line = timing
    match = CUE_TIMING.fullmatch(line)
    start = _seconds(match["start"], fraction_required=True) if match else None
    end = _seconds(match["end"], fraction_required=True) if match else None
    if start is None or end is None:
        raise TranscriptError(
            f"the {cue_format.kind} timing “{_shorten(line)}” is not valid. "
            f"Timings look like {cue_format.example}.",
            line=number,
        )
    if end < start:
        raise TranscriptError(
            f"the {cue_format.kind} ends ({match['end']}) before it starts ({match['start']}). "
            "The second time must be the same as or later than the first.",
            line=number,
        )
    return start, end, payload


def _check_inline_times(payload: list[_Line], start: float, end: float) -> None:
    """Refuse a cue whose inline timestamps are not times, or not in order within the cue."""
    previous = start
    for number, line in payload:
        for match in VTT_INLINE_TIME.finditer(line):
            seconds = _seconds(match["time"], fraction_required=True)
            if seconds is None:
                raise TranscriptError(
                    f"the time “{_shorten(match[0])}” inside the cue is not valid. "
                    "Times inside a cue look like <00:01:02.500>.",
                    line=number,
                )
            if not start <= seconds <= end:
                raise TranscriptError(
                    f"the time {match[0]} inside the cue is outside the cue's own timing "
                    f"({_vtt_time(start)} --> {_vtt_time(end)}). "
                    "Each time inside a cue must be within it.",
                    line=number,
                )
            if seconds < previous:
                raise TranscriptError(
                    f"the time {match[0]} inside the cue is earlier than the time before it "
                    f"({_vtt_time(previous)}). Times inside a cue must go forward.",
                    line=number,
                )
            previous = seconds


def _take_word_times(
    marked: str, said_since: float
) -> tuple[str, tuple[tuple[int, int, float, None], ...]]:
    """Take the time markers out of a segment's text, returning the text and its words' times.

    The words after a marker, up to the next, are said from its time (those before the first,
    from the latest time before them in the cue); when they end is not known. Without markers
    the text is unchanged.
    """
    pieces = TIME_MARK.split(marked)
    if len(pieces) == 1:
        return marked, ()
    words, word_times, position = [], [], 0
    # split() gives the text before the first marker, then each marker's time and its text.
    for seconds, piece in zip([said_since, *map(float, pieces[1::2])], pieces[0::2], strict=True):
        piece_words = piece.split()
        if not piece_words:
            continue
        text = " ".join(piece_words)
        if words:
            position += 1  # the space before this piece
        word_times.append((position, position + len(text), seconds, None))
        words.append(text)
        position += len(text)
    return " ".join(words), tuple(word_times)


def _expected_timing_line(block: list[_Line]) -> _Line:
    """Return the line that should have held the timing: after an index number, or the first."""
    if len(block) > 1 and (block[0][1].isdigit() or block[1][1][:1].isdigit()):
        return block[1]
    return block[0]


def _shorten(line: str, limit: int = 60) -> str:
    """Return the line, cut short with an ellipsis if it is long, for quoting in a message."""
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _vtt_line(line: str) -> tuple[_Opening | None, str]:
    """Return a cue line's voice or "Name:" label, and its text without tags or entities."""
    voice = VTT_VOICE.search(line)
    marked = VTT_INLINE_TIME.sub(_time_mark, MARK_CHARACTERS.sub("", line))
    text = _vtt_plain(marked).replace("\xa0", " ").strip()
    if voice and voice["name"].strip():
        return _Opening(None, " ".join(voice["name"].split())[:MAX_SPEAKER_LENGTH], text), text
    return _label_opening(text), text


def _vtt_plain(marked: str) -> str:
    """Return cue text without tags or entities, keeping only the time markers put in it."""
    pieces = TIME_MARK.split(marked)
    pieces[0::2] = [
        MARK_CHARACTERS.sub("", html.unescape(VTT_TAG.sub("", piece))) for piece in pieces[0::2]
    ]
    pieces[1::2] = [f"\ue000{seconds}\ue001" for seconds in pieces[1::2]]
    return "".join(pieces)


def _time_mark(match: re.Match) -> str:
    """Stand for a checked inline timestamp in a cue's text until its words are timed."""
    return f"\ue000{_seconds(match['time'], fraction_required=True)}\ue001"


def _srt_line(line: str) -> tuple[_Opening | None, str]:
    """Return a subtitle line's "Name:" label, and its text without formatting tags."""
    text = SRT_TAG.sub("", MARK_CHARACTERS.sub("", line)).strip()
    return _label_opening(text), text


def _label_opening(text: str) -> _Opening | None:
    """Return the "Name:" label that starts a caption line, if it has one."""
    speaker, rest = _leading_speaker(text)
    return _Opening(None, speaker, rest) if speaker else None


VTT = _CueFormat("vtt", "cue", "00:01:02.500 --> 00:01:05.000", _vtt_line)
SRT = _CueFormat("srt", "subtitle", "00:01:02,500 --> 00:01:05,000", _srt_line)


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _timed_words(cue: ParsedSegment, end: float) -> str:
    """The cue's text, escaped, with an inline timestamp before each word that has a time."""
    pieces, position, previous = [], 0, cue.start
    for char_start, char_end, seconds, _word_end in cue.word_times:
        # Times a cue cannot hold (outside it, or going back) are left out, not written wrong.
        if not (position <= char_start < char_end <= len(cue.text) and previous <= seconds <= end):
            continue
        pieces += [_vtt_escape(cue.text[position:char_start]), f"<{_vtt_time(seconds)}>"]
        pieces.append(_vtt_escape(cue.text[char_start:char_end]))
        position, previous = char_end, seconds
    pieces.append(_vtt_escape(cue.text[position:]))
    return "".join(pieces)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_webvtt(cues: list[ParsedSegment]) -> str:
    """Write timed segments as a WebVTT captions file, with speakers as voice tags.

    Words with their own times are written after inline timestamps ("<00:00:01.500>word"), as
    the parser reads them back.
    """
    blocks = ["WEBVTT"]
    for cue in cues:
        if cue.start is None:
            continue
        end = cue.end if cue.end is not None and cue.end > cue.start else cue.start + 2
        text = " ".join(_timed_words(cue, end).split())
        speaker = _vtt_escape(cue.speaker).replace(">", "")
        payload = f"<v {speaker}>{text}" if speaker else text
        blocks.append(f"{_vtt_time(cue.start)} --> {_vtt_time(end)}\n{payload}")
    return "\n\n".join(blocks) + "\n"

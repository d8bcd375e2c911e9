"""The times of words in a transcript: checking a segment's word times, and timing a span.

A segment's `word_times` lists its timed words (or runs of words that share one time) in text
order, each as [char_start, char_end, start_seconds, end_seconds or None], with the character
offsets inside the segment's own text. A word without an end lasts until the next word starts,
or else until its segment ends.
"""

from collections.abc import Sequence
from typing import NamedTuple, Protocol

WordTime = list  # [char_start, char_end, start_seconds, end_seconds | None]


class TimedText(Protocol):
    """What span_times reads of a segment: stories.models.Segment, or a TimedSegment."""

    char_start: int
    char_end: int
    start_seconds: float | None
    end_seconds: float | None
    text: str
    word_times: list[WordTime]


class TimedSegment(NamedTuple):
    """A segment's place in the transcript's text, its times, its text and its words' times."""

    char_start: int
    char_end: int
    start_seconds: float | None
    end_seconds: float | None
    text: str
    word_times: list[WordTime]


def word_times_problem(word_times, text: str, start: float | None, end: float | None) -> str | None:
    """Say what is wrong with a segment's word times, or None if they fit its text and times."""
    if not isinstance(word_times, list):
        return "Word times must be a list."
    if word_times and (start is None or end is None):
        return "Words can only have times in a segment that has a start and an end time."
    previous_end, previous_start = 0, start
    for number, word in enumerate(word_times, start=1):
        if not (isinstance(word, list) and len(word) == 4):
            return f"Word time {number} must be [first character, last character, start, end]."
        char_start, char_end, word_start, word_end = word
        if not all(isinstance(value, int) and not isinstance(value, bool) for value in word[:2]):
            return f"Word time {number} must give its characters as whole numbers."
        if not all(_is_seconds(value) for value in (word_start, word_end or 0.0)):
            return f"Word time {number} must give its times in seconds."
        if not (previous_end <= char_start < char_end <= len(text)):
            return f"Word time {number} does not fit in the segment's text after the word before."
        if not (previous_start <= word_start <= end):
            return f"Word time {number} starts outside the segment or before the word before."
        if word_end is not None and not (word_start <= word_end <= end):
            return f"Word time {number} ends before it starts or after the segment ends."
        previous_end, previous_start = char_end, word_start
    return None


def _is_seconds(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def span_times(
    segments: Sequence[TimedText], char_start: int, char_end: int
) -> tuple[float, float | None] | None:
    """Return when the words from char_start to char_end of a transcript's text are said.

    With word times, from the first quoted word's start to the last quoted word's end; without,
    from the earliest start to the latest end of the segments the words touch. None when none
    of those segments has a start time.
    """
    touched = sorted(
        (s for s in segments if s.char_start < char_end and s.char_end > char_start),
        key=lambda segment: segment.char_start,
    )
    starts = [s.start_seconds for s in touched if s.start_seconds is not None]
    if not starts:
        return None
    ends = [s.end_seconds for s in touched if s.end_seconds is not None]
    start, end = min(starts), max(ends) if ends else None
    first, last = touched[0], touched[-1]
    if first.word_times:
        start = _word_start(first, char_start - first.char_start)
    if last.word_times:
        end = _word_end(last, char_end - last.char_start)
    return start, end


def _word_start(segment: TimedText, offset: int) -> float:
    """When the first word at or after this offset of the segment's text starts."""
    offset = max(offset, 0)
    while offset < len(segment.text) and segment.text[offset].isspace():
        offset += 1
    start = segment.start_seconds
    for char_start, char_end, word_start, word_end in segment.word_times:
        if char_start <= offset < char_end:
            return word_start
        if char_start > offset:
            break
        # Untimed words after this one are said after it ends, or at least after it starts.
        start = word_start if word_end is None else word_end
    return start


def _word_end(segment: TimedText, offset: int) -> float:
    """When the last word before this offset of the segment's text ends."""
    offset = min(offset, len(segment.text))
    while offset > 0 and segment.text[offset - 1].isspace():
        offset -= 1
    words = segment.word_times
    for index, (char_start, char_end, word_start, word_end) in enumerate(words):
        if char_start >= offset:
            # The quote ends on untimed words before this one: they end before it starts.
            return word_start
        if offset <= char_end:
            if word_end is not None:
                return word_end
            return words[index + 1][2] if index + 1 < len(words) else segment.end_seconds
    return segment.end_seconds

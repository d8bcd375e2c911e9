"""Text as people type it: names compared the way people read them, and characters refused
that nothing could store or export.

Theme names, storyteller codes and topics go through normalise_name() before any uniqueness
check, so "Zoë" typed as one character or as "e" plus a combining mark is one theme.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

# Characters that show nothing: zero-width spaces and joiners, direction marks, the word joiner
# and invisible operators, the byte order mark and the soft hyphen.
INVISIBLE = dict.fromkeys(
    [0x00AD, 0x180E, *range(0x200B, 0x2010), *range(0x2060, 0x2065), 0xFEFF], None
)

# What XML 1.0 can hold, and so Word, Excel, PDF and REFI-QDA files: no NUL or other control
# characters (tab and line breaks aside), no lone surrogates, no U+FFFE or U+FFFF.
UNREADABLE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
UNREADABLE_MESSAGE = (
    "This contains characters that are not text (such as control characters), "
    "perhaps from copying and pasting. Type it again."
)


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would otherwise run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def normalise_name(value: str) -> str:
    """Return a name as it is stored and compared: NFC, no invisible characters, single spaces."""
    return " ".join(unicodedata.normalize("NFC", value).translate(INVISIBLE).split())


def normalise_names(values) -> list[str]:
    """Return names normalised, without empty ones, each once, in the order given."""
    return list(dict.fromkeys(name for value in values if (name := normalise_name(value))))


def is_readable(value: str) -> bool:
    """Say whether every character of the text could be stored and exported."""
    return UNREADABLE.search(value) is None


def refuse_unreadable(value) -> None:
    """Refuse text (or a list of texts) holding characters that are not text."""
    values = value if isinstance(value, list | tuple) else [value]
    if any(isinstance(text, str) and not is_readable(text) for text in values):
        raise ValidationError(UNREADABLE_MESSAGE, code="unreadable")

"""Text as people type it: characters refused that nothing could store or export."""

import re

from django.core.exceptions import ValidationError

# What XML 1.0 can hold, and so Word, Excel, PDF and REFI-QDA files: no NUL or other control
# characters (tab and line breaks aside), no lone surrogates, no U+FFFE or U+FFFF.
UNREADABLE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
UNREADABLE_MESSAGE = (
    "This contains characters that are not text (such as control characters), "
    "perhaps from copying and pasting. Type it again."
)


def is_readable(value: str) -> bool:
    """Say whether every character of the text could be stored and exported."""
    return UNREADABLE.search(value) is None


def refuse_unreadable(value) -> None:
    """Refuse text (or a list of texts) holding characters that are not text."""
    values = value if isinstance(value, list | tuple) else [value]
    if any(isinstance(text, str) and not is_readable(text) for text in values):
        raise ValidationError(UNREADABLE_MESSAGE, code="unreadable")

"""Keep private-link tokens out of every log line: Django's, runserver's and gunicorn's.

A token in a path is a key to someone's stories or a workshop. Request lines, referrers and
error messages can all carry one, so the filter masks the token segment of these paths wherever
it appears in a record (message, arguments, traceback). This module imports nothing from Django:
gunicorn loads it (through accounts/gunicorn_logging.py) before the app.
"""

import logging
import re

MASK = "[token]"
# A slash, or a slash percent-encoded (as in ?next=%2Fmy%2F<token>%2F).
_SLASH = r"(?:/|%2[Ff])"
_SEGMENT = rf"(?:(?!{_SLASH})[^?#&\s\"'<>])+"

# Each pattern keeps its first group and masks what follows it. A path may appear without its
# leading slash (Django's "not found" errors quote it so), or percent-encoded in a query. A new
# URL with a token in its path belongs here; tests/accounts/test_log_masking.py fails for one
# that is missing.
_START = rf"(?<![\w.-]){_SLASH}?"
TOKEN_PATHS = [
    # The storyteller's private link, /my/<token>/ (the storyteller's own pages sit beside it).
    re.compile(rf"({_START}my{_SLASH})(?!(?:leave|stories)(?:{_SLASH}|[?#\s\"']|$)){_SEGMENT}"),
    # A workshop guest link.
    re.compile(rf"({_START}workshops{_SLASH}join{_SLASH}){_SEGMENT}"),
    # A password reset link, /accounts/reset/<uidb64>/<token>/.
    re.compile(rf"({_START}accounts{_SLASH}reset{_SLASH}){_SEGMENT}{_SLASH}{_SEGMENT}"),
]


def mask_tokens(text: str) -> str:
    """Return the text with every private-link token in a path replaced by [token]."""
    for pattern in TOKEN_PATHS:
        text = pattern.sub(rf"\g<1>{MASK}", text)
    return text


class MaskTokens(logging.Filter):
    """Rewrite a record so that neither its message nor its traceback holds a token."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_tokens(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_tokens(record.stack_info)
        return True

"""What must follow a change to a story, wherever in the project it shows.

A consent change, a withdrawal, a new transcript version, a redaction or a publication has
consequences beyond the story: quotes move to the new words, audio extracts and report files
that may no longer be shown are deleted, public audio is remade. Each app registers what it must
do in its AppConfig.ready(); the stories services announce the change. Handlers run as soon as
the change is committed (never for a change that was rolled back), so the change and its
consequences are one action and no page has to tidy up when it is next read. A handler with
slow work queues it as a task for the worker. `stories` never imports the apps that listen.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from enum import StrEnum
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


class Change(StrEnum):
    CONSENT = "consent"  # a new consent version, withdrawal included
    TRANSCRIPT = "transcript"  # a new transcript version
    REDACTION = "redaction"
    PUBLICATION = "publication"
    LISTENER_COPY = "listener_copy"  # a new clean copy of a recording, for everyone but curators


Handler = Callable[..., None]
_handlers: dict[Change, list[Handler]] = defaultdict(list)


def register(change: Change, handler: Handler) -> None:
    """Call handler(story_id=…) after every committed change of this kind."""
    if handler not in _handlers[change]:
        _handlers[change].append(handler)


def announce(change: Change, *, story_id: int) -> None:
    """Run the handlers of this change once the current transaction commits."""
    transaction.on_commit(partial(_run, change, story_id), robust=True)


def _run(change: Change, story_id: int) -> None:
    # The change is already committed: one handler failing must not stop the others.
    for handler in _handlers[change]:
        try:
            handler(story_id=story_id)
        except Exception:
            logger.exception("After a %s change to story %s, %s failed", change, story_id, handler)

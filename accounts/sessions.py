"""How long a session lasts: SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after
signing in or opening a private link.

A storyteller's or a workshop guest's link session ends on the same terms: on a shared computer
the next person must not find their stories, or their copy of everything held about them.
"""

import time

from django.conf import settings

STARTED_KEY = "signed_in_at"
SEEN_KEY = "last_seen_at"
# The last-seen time is written at most this often, not on every request.
SEEN_RESOLUTION_SECONDS = 60


# The session keys that hold a private link (stories.views.storyteller, sensemaking.views).
LINK_KEYS = ("storyteller_link_id", "workshop_guest_id")


def holds_link(session) -> bool:
    return any(key in session for key in LINK_KEYS)


def started(session) -> bool:
    return STARTED_KEY in session


def start(request) -> None:
    now = time.time()
    request.session[STARTED_KEY] = now
    request.session[SEEN_KEY] = now


def expired_reason(request, *, signed_in: bool = True) -> str | None:
    """Return why this session is over, or None, and note that it was seen now."""
    session = request.session
    now = time.time()
    started, seen = session.get(STARTED_KEY), session.get(SEEN_KEY)
    if started is None or seen is None:  # Opened a link, or signed in before these limits.
        start(request)
        return None
    ended, began, again = (
        ("you were signed out", "signing in", "Sign in again")
        if signed_in
        else ("your link’s pages closed", "opening your link", "Open your link again")
    )
    if now - started > settings.SESSION_MAX_HOURS * 3600:
        return (
            f"For your safety {ended} {settings.SESSION_MAX_HOURS} hours after {began}. "
            f"{again} to carry on."
        )
    if now - seen > settings.SESSION_IDLE_MINUTES * 60:
        return (
            f"For your safety {ended} after {settings.SESSION_IDLE_MINUTES} minutes without "
            f"activity. {again} to carry on."
        )
    if now - seen > SEEN_RESOLUTION_SECONDS:
        session[SEEN_KEY] = now
    return None

"""How long a signed-in account's session lasts: SESSION_IDLE_MINUTES without a request, and
SESSION_MAX_HOURS after signing in."""

import time

from django.conf import settings

STARTED_KEY = "signed_in_at"
SEEN_KEY = "last_seen_at"
# The last-seen time is written at most this often, not on every request.
SEEN_RESOLUTION_SECONDS = 60


def start(request) -> None:
    now = time.time()
    request.session[STARTED_KEY] = now
    request.session[SEEN_KEY] = now


def expired_reason(request) -> str | None:
    """Return why this session is over, or None, and note that it was seen now."""
    session = request.session
    now = time.time()
    started, seen = session.get(STARTED_KEY), session.get(SEEN_KEY)
    if started is None or seen is None:  # Signed in before these limits existed.
        start(request)
        return None
    if now - started > settings.SESSION_MAX_HOURS * 3600:
        return (
            f"For your safety you were signed out {settings.SESSION_MAX_HOURS} hours after "
            "signing in. Sign in again to carry on."
        )
    if now - seen > settings.SESSION_IDLE_MINUTES * 60:
        return (
            f"For your safety you were signed out after {settings.SESSION_IDLE_MINUTES} "
            "minutes without activity. Sign in again to carry on."
        )
    if now - seen > SEEN_RESOLUTION_SECONDS:
        session[SEEN_KEY] = now
    return None

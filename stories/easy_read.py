"""Easy read: larger text and spacing, shorter help and one action at a time, for a workshop's
guests and storytellers on their private link. Each person turns it on or off; their session
remembers it."""

from django.utils.functional import SimpleLazyObject

SESSION_KEY = "easy_read"


def is_on(request) -> bool:
    return bool(request.session.get(SESSION_KEY))


def context(request) -> dict:
    """Offer templates `easy_read`; the session is read only by a page that asks for it."""
    return {"easy_read": SimpleLazyObject(lambda: is_on(request))}

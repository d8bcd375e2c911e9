"""Rules every request and response obeys: how a response may be cached, and what a query may
hold."""

from django.conf import settings

from corpro.errors import error_response
from stories.text import is_readable

PERSONAL = "private, no-store"
# Caches may keep a public page but must ask each time, so that a withdrawal, a redaction or an
# edit shows on the very next request.
SHARED = "public, no-cache"
SAFE_METHODS = {"GET", "HEAD"}


def is_personal(request, response) -> bool:
    """Say whether a response may hold something for this visitor alone.

    True for anyone the site knows: signed in, holding a storyteller's private link or a
    workshop guest's link (all kept in the session), so for any request with a session cookie;
    and for any response that sets a cookie (the CSRF token a form holds, a message read), and
    any answer to a method other than GET or HEAD. The session cookie is checked before the user,
    so that deciding never reads the database.
    """
    return (
        request.method not in SAFE_METHODS
        or bool(response.cookies)
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "Authorization" in request.headers
        or (hasattr(request, "user") and request.user.is_authenticated)
    )


class CacheControlMiddleware:
    """Say on every response how it may be cached.

    A personal response is `private, no-store` whatever the view said: no shared cache, and no
    Back button on a shared computer, may show it again. Any other response is the same for
    everyone: it keeps a rule its view chose (a recording, the feed), or gets `public, no-cache`.
    Placed above the session and CSRF middleware, so that it sees the cookies they set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_personal(request, response):
            response.headers["Cache-Control"] = PERSONAL
        else:
            response.headers.setdefault("Cache-Control", SHARED)
        return response


class QueryTextMiddleware:
    """Refuse a query string holding characters that are not text (NUL, control characters).

    No page or API parameter takes them, and the database refuses NUL: a 400 that says so,
    on the page or in the API's JSON, instead of a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, values in request.GET.lists():
            if not all(is_readable(text) for text in (name, *values)):
                where = f"“{name}”" if is_readable(name) else "A part of the address"
                return error_response(
                    request,
                    status=400,
                    message=f"{where} holds characters that are not text, such as a NUL or "
                    "another control character. Remove them and try again.",
                    template="400.html",
                )
        return self.get_response(request)

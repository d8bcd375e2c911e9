"""What a request that fails gets: a plain page for people, the API's JSON shape for the API.

A database that does not answer (restarting, say) gives 503 with Retry-After, and a disk with
no room gives 507; both pages are rendered without touching the database.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.urls import reverse

from stories.media import disk_full

RETRY_AFTER_SECONDS = 30
DATABASE_DOWN = (
    "The site can’t reach its database just now, perhaps because it is restarting. "
    "Try again in a minute. If you were saving something, it was not saved."
)
DISK_FULL = (
    "The server has no room to store what you sent just now, so nothing was saved. "
    "Try again later, and tell the site’s administrator if it keeps happening."
)
SERVER_ERROR = "Sorry, something went wrong. Please try again later."

# PostgreSQL's codes for a server that is shutting down, starting up or out of connections;
# a connection that fails on the client side carries no code at all (class 08 is connections).
UNAVAILABLE_CODES = {"57P01", "57P02", "57P03", "53300"}


def is_api(request: HttpRequest) -> bool:
    """Say whether the request is for the JSON API, which answers errors in JSON."""
    return request.path_info.startswith(reverse("api-v1:api-root"))


def database_unavailable(error: BaseException | None) -> bool:
    """Say whether an error means the database cannot be reached, rather than a bad query."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if not hasattr(cause, "pgcode"):  # not PostgreSQL: a locked SQLite file is not a restart
        return False
    code = cause.pgcode
    return code is None or code.startswith("08") or code in UNAVAILABLE_CODES


def error_response(
    request: HttpRequest, *, status: int, message: str, template: str
) -> HttpResponse:
    """Answer with the message, in the API's JSON or on a plain page."""
    if is_api(request):
        # As django-ninja answers: {"detail": …}, in UTF-8.
        response = JsonResponse(
            {"detail": message}, status=status, content_type="application/json; charset=utf-8"
        )
    else:
        page = loader.get_template(template).render({"message": message})
        response = HttpResponse(page, status=status)
    return response


def unavailable_response(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    """A plain answer that reads nothing from the database, asking to try again later."""
    response = error_response(request, status=status, message=message, template="503.html")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: the reason is not shown (it may name internals), only that it was refused."""
    return error_response(
        request,
        status=400,
        message="The request could not be understood, so nothing was done.",
        template="400.html",
    )


def discard_partial_upload(request: HttpRequest) -> None:
    """Close, and so delete, a file whose receiving failed (the disk filled up, say).

    Files received whole are closed with the request; one whose receiving was cut short is held
    only by its upload handler, and would stay on the disk until it is garbage-collected.
    """
    for handler in request.upload_handlers:
        partial = getattr(handler, "file", None)
        if partial is not None:
            partial.close()


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that does not answer is 503 and a full disk 507, not a 500."""
    error = sys.exception()
    discard_partial_upload(request)
    if database_unavailable(error):
        return unavailable_response(request, DATABASE_DOWN, status=503)
    if disk_full(error):
        return unavailable_response(request, DISK_FULL, status=507)
    return error_response(request, status=500, message=SERVER_ERROR, template="500.html")

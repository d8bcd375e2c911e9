"""What a request that fails gets: a plain page for people, the API's JSON shape for the API."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.urls import reverse


def is_api(request: HttpRequest) -> bool:
    """Say whether the request is for the JSON API, which answers errors in JSON."""
    return request.path_info.startswith(reverse("api-v1:api-root"))


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


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: the reason is not shown (it may name internals), only that it was refused."""
    return error_response(
        request,
        status=400,
        message="The request could not be understood, so nothing was done.",
        template="400.html",
    )

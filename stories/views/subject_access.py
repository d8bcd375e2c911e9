"""A copy of everything held about a storyteller: asked for, followed while it is made, downloaded.

The storyteller asks through their private link, and only that browser session may download the
copy; a curator of the storyteller's project asks for a request by post or phone, and only that
curator may download it. Asking and downloading are POSTs (each writes an audit row); a GET only
shows how far the copy has got.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from stories import subject_access
from stories.idempotency import once_per_key
from stories.media import stream_file
from stories.models import Storyteller, SubjectAccessCopy
from stories.views.storyteller import storyteller_required

SESSION_KEY = "subject_access_copies"


def _status(request, template: str, copy: SubjectAccessCopy, context: dict):
    """Show a copy's progress, as a page or (for the page's script) as JSON."""
    state, error = subject_access.shown_state(copy)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"state": state, "progress": copy.progress, "step": copy.step, "error": error}
        )
    return render(request, template, {"copy": copy, "state": state, "error": error, **context})


def _download(request, copy: SubjectAccessCopy, by=None):
    if not copy.is_ready:
        return None
    subject_access.record_download(copy=copy, by=by)
    return stream_file(
        request, copy.file, "application/zip", download=subject_access.download_name(copy)
    )


# The storyteller, through their private link ------------------------------------------------


def _session_copies(request):
    return SubjectAccessCopy.objects.for_storyteller_session(
        request.storyteller_link.pk, request.session.get(SESSION_KEY, [])
    ).filter(storyteller=request.storyteller)


@storyteller_required
@once_per_key
def storyteller_copy(request):
    """Explain the copy and ask for it; list the copies asked for in this session."""
    if request.method == "POST":
        copy = subject_access.request_copy(
            storyteller=request.storyteller,
            link=request.storyteller_link,
            base_url=request.build_absolute_uri("/"),
        )
        request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, []), copy.pk][-20:]
        return redirect("storyteller:copy-status", pk=copy.pk)
    return render(
        request,
        "storyteller/copy_start.html",
        {"copies": _session_copies(request), "days": settings.SUBJECT_ACCESS_COPY_DAYS},
    )


@storyteller_required
def storyteller_copy_status(request, pk):
    copy = get_object_or_404(_session_copies(request), pk=pk)
    return _status(request, "storyteller/copy_progress.html", copy, {})


@require_POST
@storyteller_required
def storyteller_copy_download(request, pk):
    copy = get_object_or_404(_session_copies(request).select_related("storyteller__project"), pk=pk)
    return _download(request, copy) or redirect("storyteller:copy-status", pk=copy.pk)


# A curator of the storyteller's project -----------------------------------------------------


def _curated_storyteller(request, pk) -> Storyteller:
    return get_object_or_404(
        Storyteller.objects.curated_by(request.user).select_related("project"), pk=pk
    )


def _curators_copy(request, pk, copy_pk) -> SubjectAccessCopy:
    return get_object_or_404(
        SubjectAccessCopy.objects.requested_by_curator(request.user).select_related(
            "storyteller__project"
        ),
        storyteller=_curated_storyteller(request, pk),
        pk=copy_pk,
    )


@login_required
@require_POST
@once_per_key
def copy_request(request, pk):
    storyteller = _curated_storyteller(request, pk)
    copy = subject_access.request_copy(
        storyteller=storyteller, by=request.user, base_url=request.build_absolute_uri("/")
    )
    messages.success(request, f"A copy of everything held about {storyteller.code} is being made.")
    return redirect("stories:storyteller-copy", pk=storyteller.pk, copy_pk=copy.pk)


@never_cache
@login_required
def copy_status(request, pk, copy_pk):
    copy = _curators_copy(request, pk, copy_pk)
    return _status(
        request, "stories/subject_access_progress.html", copy, {"storyteller": copy.storyteller}
    )


@never_cache
@login_required
@require_POST
def copy_download(request, pk, copy_pk):
    copy = _curators_copy(request, pk, copy_pk)
    return _download(request, copy, by=request.user) or redirect(
        "stories:storyteller-copy", pk=pk, copy_pk=copy.pk
    )

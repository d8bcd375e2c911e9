"""Files in and out of sense-making: a workshop's quotes, the codebook as a table, and coded
projects from other QDA tools."""

import re
import secrets
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from sensemaking import qdpx_import, workshop_exports
from sensemaking.forms import ProjectImportForm, QuotesDownloadForm
from sensemaking.views import _facilitated
from stories.models import Project

IMPORT_FOLDER = "qdpx-imports"
IMPORT_TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
# A file checked but never imported is deleted when the next one is checked a day later.
KEEP_CHECKED = timedelta(days=1)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
def workshop_quotes(request, pk):
    """Choose a theme and a format, and download the workshop's quotes: for those who run it.

    Guests and participants may read the board but take no copies away: a copy outlives a
    storyteller's withdrawal, so only the team that answers for the data holds one.
    """
    workshop = _facilitated(request, pk)
    form = QuotesDownloadForm(request.GET or None, project=workshop.project)
    if not form.is_valid():
        return render(
            request, "sensemaking/quotes_download.html", {"workshop": workshop, "form": form}
        )
    theme, kind = form.cleaned_data["theme"], form.cleaned_data["format"]
    export = workshop_exports.quotes_by_theme(workshop, theme=theme)
    extension, content_type, _label = workshop_exports.FORMATS[kind]
    response = HttpResponse(content_type=content_type)
    if kind == "csv":
        workshop_exports.quotes_csv(export, response)
    elif kind == "xlsx":
        response.content = workshop_exports.quotes_xlsx(export)
    elif kind == "html":
        response.content = workshop_exports.quotes_html(export)
    else:
        response.content = workshop_exports.quotes_docx(export)
    name = slugify(workshop.title) or "workshop"
    subject = (slugify(theme.name) or f"theme-{theme.pk}") if theme else "all-themes"
    return _attachment(response, f"{name}-quotes-{subject}.{extension}")


def _checked_name(project: Project, token: str) -> str:
    return f"{IMPORT_FOLDER}/{project.pk}/{token}.qdpx"


def _clear_old_checks(project: Project) -> None:
    folder = f"{IMPORT_FOLDER}/{project.pk}"
    if not default_storage.exists(folder):
        return
    for name in default_storage.listdir(folder)[1]:
        path = f"{folder}/{name}"
        if default_storage.get_modified_time(path) < timezone.now() - KEEP_CHECKED:
            default_storage.delete(path)


@never_cache
@login_required
def project_import(request, slug):
    """Bring in a coded project from another QDA tool: check the file first, then import.

    Curators only, as the stories arrive without consent and only curators may record it.
    The file is read in the request: its size is bounded, and the slow part (making the
    recordings playable) goes to the worker through the normal upload.
    """
    project = get_object_or_404(Project.objects.for_member(request.user, "curator"), slug=slug)
    if request.method == "POST" and "token" in request.POST:
        return _import(request, project, request.POST["token"])
    form = ProjectImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _clear_old_checks(project)
        token = secrets.token_urlsafe(16)
        name = default_storage.save(_checked_name(project, token), form.cleaned_data["file"])
        try:
            with default_storage.open(name, "rb") as file:
                plan = qdpx_import.read_qdpx(qdpx_import.Archive(file))
        except ValidationError as error:
            default_storage.delete(name)
            form.add_error("file", error)
        else:
            return render(
                request,
                "sensemaking/project_import.html",
                {"project": project, "plan": plan, "token": token, "form": None},
            )
    return render(request, "sensemaking/project_import.html", {"project": project, "form": form})


def _import(request, project: Project, token: str):
    name = _checked_name(project, token) if IMPORT_TOKEN.fullmatch(token) else None
    with transaction.atomic():
        # One import of a checked file, however often the button is pressed.
        Project.objects.select_for_update().get(pk=project.pk)
        if name is None or not default_storage.exists(name):
            messages.error(
                request,
                "That file was imported already, or was checked too long ago. Choose it again.",
            )
            return redirect("sensemaking:project-import", slug=project.slug)
        try:
            with default_storage.open(name, "rb") as file:
                archive = qdpx_import.Archive(file)
                imported = qdpx_import.import_plan(
                    project=project,
                    plan=qdpx_import.read_qdpx(archive),
                    archive=archive,
                    by=request.user,
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("sensemaking:project-import", slug=project.slug)
        default_storage.delete(name)
    count = len(imported.stories)
    messages.success(
        request,
        f"Imported {count} stor{'y' if count == 1 else 'ies'} and {imported.quotes} "
        f"quote{'' if imported.quotes == 1 else 's'} into this workshop. They have no consent "
        "recorded, so nobody can use them yet: record each storyteller’s consent on the story’s "
        "page, then submit the story, and its quotes appear here.",
    )
    for note in imported.notes:
        messages.warning(request, note)
    return redirect("sensemaking:workshop", pk=imported.workshop.pk)

"""Files in and out of sense-making: a workshop's quotes, the codebook as a table, and coded
projects from other QDA tools."""

import secrets
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from sensemaking import qdpx_import, workshop_exports
from sensemaking.forms import ProjectImportForm, QuotesDownloadForm
from sensemaking.models import ProjectImport
from sensemaking.views import _facilitated, _whole_number
from stories.media import NoRoom, store_file
from stories.models import Project

# The file of an import that has not finished a day later is deleted when the next is checked.
KEEP_CHECKED = timedelta(days=1)
# A queued or running import not heard of for this long is shown as stopped.
IMPORT_PATIENCE = timedelta(minutes=30)


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
    export = workshop_exports.quotes_by_theme(workshop, user=request.user, theme=theme)
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


def _clear_old_checks(project: Project) -> None:
    """Delete the files of imports a day old or more that never finished: a check never
    imported goes with its row; an import the worker never ran is marked as failed.

    Their lists of what was left out go too: they name sources, which may name people.
    """
    old = ProjectImport.objects.filter(
        project=project, created_at__lt=timezone.now() - KEEP_CHECKED
    )
    old.exclude(notes=[]).update(notes=[])
    for job in old.exclude(file=""):
        job.file.delete(save=False)
        if job.state == ProjectImport.State.CHECKED:
            job.delete()
        else:
            ProjectImport.objects.filter(pk=job.pk).update(
                file="",
                state=ProjectImport.State.FAILED,
                error="The file was deleted after a day without being imported.",
            )


def _curated_project(request, slug: str) -> Project:
    return get_object_or_404(Project.objects.for_member(request.user, "curator"), slug=slug)


@never_cache
@login_required
def project_import(request, slug):
    """Bring in a coded project from another QDA tool: check the file first, then import.

    Curators only, as the stories arrive without consent and only curators may record it.
    Checking reads the file in the request (bounded by the limits in qdpx_import); the import
    itself runs on the task worker.
    """
    project = _curated_project(request, slug)
    if request.method == "POST" and "import" in request.POST:
        return _start_import(request, project)
    form = ProjectImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _clear_old_checks(project)
        upload = form.cleaned_data["file"]
        job = ProjectImport(
            project=project, original_filename=upload.name[:255], created_by=request.user
        )
        try:
            store_file(job.file, f"{secrets.token_urlsafe(16)}.qdpx", upload)
        except NoRoom as error:
            form.add_error("file", str(error))
            return render(
                request, "sensemaking/project_import.html", {"project": project, "form": form}
            )
        try:
            with job.file.open("rb") as file:
                plan = qdpx_import.read_qdpx(qdpx_import.Archive(file))
        except ValidationError as error:
            job.file.delete(save=False)
            form.add_error("file", error)
        else:
            job.save()
            return render(
                request,
                "sensemaking/project_import.html",
                {"project": project, "plan": plan, "job": job, "form": None},
            )
    return render(request, "sensemaking/project_import.html", {"project": project, "form": form})


def _start_import(request, project: Project):
    with transaction.atomic():
        # One import of a checked file, however often the button is pressed.
        job = (
            ProjectImport.objects.select_for_update()
            .filter(project=project, pk=_whole_number(request.POST["import"]) or 0)
            .first()
        )
        if job is None or job.state != ProjectImport.State.CHECKED:
            messages.error(
                request,
                "That file was imported already, or was checked too long ago. Choose it again.",
            )
            return redirect("sensemaking:project-import", slug=project.slug)
        ProjectImport.objects.filter(pk=job.pk).update(state=ProjectImport.State.QUEUED)
        transaction.on_commit(lambda: qdpx_import.run_import.enqueue(job.pk))
    return redirect("sensemaking:project-import-status", slug=project.slug, pk=job.pk)


@never_cache
@login_required
def project_import_status(request, slug, pk):
    """How far an import has got; when it is done, what came in and what was left out."""
    project = _curated_project(request, slug)
    job = get_object_or_404(
        ProjectImport.objects.filter(project=project).select_related("workshop"), pk=pk
    )
    stopped = not job.is_finished and job.updated_at < timezone.now() - IMPORT_PATIENCE
    if request.GET.get("format") == "json":
        return JsonResponse(
            {"state": job.state, "progress": job.progress, "step": job.step, "stopped": stopped}
        )
    return render(
        request,
        "sensemaking/project_import_status.html",
        {"project": project, "job": job, "stopped": stopped},
    )

"""Report pages: the public report and its versions, editing and publishing, and every output.

Every page compiles the version afresh (sensemaking.reports), so consent applies on the next
request; files made in the background (the PDF, audio extracts) are served only while the data
they were made from is still what the report may show.
"""

from dataclasses import dataclass, replace
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sensemaking import codebook_tables, exports, refiqda, services
from sensemaking.forms import (
    ArrangeForm,
    CodebookImportForm,
    ExtractsForm,
    NewReportForm,
    PublishForm,
    ReportForm,
)
from sensemaking.models import Quote, Report, ReportFile, ReportVersion
from sensemaking.querysets import RUNNERS
from sensemaking.reports import (
    CompiledReport,
    chapters_vtt,
    compile_draft,
    compile_report,
    extract_choices,
    extract_clips,
    playlist,
)
from sensemaking.tasks import make_playlist, render_report_pdf
from stories.access import Use
from stories.idempotency import once_per_key
from stories.media import stream_file
from stories.models import Project


def _report(request, slug: str) -> Report:
    return get_object_or_404(
        Report.objects.visible_to(request.user).select_related("project"), slug=slug
    )


def _runs(request, report: Report) -> bool:
    return Report.objects.run_by(request.user).filter(pk=report.pk).exists()


def _curates(request, report: Report) -> bool:
    user = request.user
    return user.is_authenticated and (
        user.is_superuser or "curator" in report.project.roles_of(user)
    )


def _version(request, report: Report, number: str | None) -> ReportVersion:
    """Return the version asked for, or the latest the visitor may see."""
    versions = ReportVersion.objects.visible_to(request.user).filter(report=report)
    if number is None:
        version = versions.published().order_by("-major", "-minor").first()
        version = version or versions.order_by("-major", "-minor").first()
    else:
        major, _, minor = number.partition(".")
        if not (major.isdecimal() and minor.isdecimal()):
            raise Http404
        version = versions.filter(major=int(major), minor=int(minor)).first()
    if version is None:
        raise Http404
    version.report = report
    return version


def _team_report(request, slug: str) -> Report:
    report = get_object_or_404(
        Report.objects.run_by(request.user).select_related("project"), slug=slug
    )
    return report


def report_list(request):
    """Published reports, and the drafts of projects this visitor runs reports for."""
    reports = (
        Report.objects.visible_to(request.user)
        .select_related("project")
        .prefetch_related("versions")
    )
    projects = Project.objects.for_member(request.user, *RUNNERS)
    rows = []
    for report in reports:
        versions = sorted(report.versions.all(), key=lambda v: (v.major, v.minor), reverse=True)
        published = [version for version in versions if version.is_published]
        rows.append(
            {"report": report, "latest": (published or versions)[0], "draft": not published}
        )
    return render(request, "sensemaking/report_list.html", {"rows": rows, "projects": projects})


@login_required
@once_per_key
def report_create(request, slug):
    project = get_object_or_404(Project.objects.for_member(request.user, *RUNNERS), slug=slug)
    form = NewReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        version = services.create_report(
            project=project, title=form.cleaned_data["title"], by=request.user
        )
        messages.success(
            request, "Report started. Write its sections, then ask a curator to publish it."
        )
        return redirect("sensemaking:report-edit", slug=version.report.slug)
    return render(request, "sensemaking/report_new.html", {"form": form, "project": project})


@never_cache
def report_detail(request, slug, number=None):
    """Show a report version; consent is applied on every request."""
    report = _report(request, slug)
    version = _version(request, report, number)
    compiled = compile_report(version)
    extracts = playlist(compiled)
    versions = list(
        ReportVersion.objects.visible_to(request.user)
        .filter(report=report)
        .order_by("-major", "-minor")
    )
    runs = _runs(request, report)
    return render(
        request,
        "sensemaking/report.html",
        {
            "report": report,
            "version": version,
            "compiled": compiled,
            "playlist": [extract for extract in extracts if extract.ready],
            "clips_pending": any(not extract.ready for extract in extracts),
            "versions": versions,
            "runs": runs,
            "curates": _curates(request, report),
            "is_latest": version == next((v for v in versions if v.is_published), version),
        },
    )


@login_required
@once_per_key
def report_edit(request, slug):
    """Edit the draft; editing a published report starts its next version."""
    report = _team_report(request, slug)
    draft, base = _draft_and_base(report)
    form = _report_form(request.POST or None, report, draft, base, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.edit_report(
                report=report,
                based_on=form.cleaned_data["based_on"],
                by=request.user,
                workshops=list(form.cleaned_data["workshops"]),
                **form.report_fields(),
            )
        except services.StaleEdit as stale:
            current = stale.current
            messages.error(
                request,
                f"Someone else changed this report (now version {current.number}) while you were "
                "editing. Their version is shown below; make your changes again.",
            )
            return redirect("sensemaking:report-edit", slug=report.slug)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Draft version {saved.number} saved.")
            return redirect("sensemaking:report-version", slug=report.slug, number=saved.number)
    return _edit_page(request, report, draft, base, form)


def _draft_and_base(report: Report) -> tuple[ReportVersion | None, ReportVersion]:
    """Return the report's draft (None if every version is published) and the latest version."""
    versions = report.versions.order_by("-major", "-minor")
    draft = versions.filter(status=ReportVersion.Status.DRAFT).first()
    base = draft or versions.first()
    base.report = report
    return draft, base


def _report_form(data, report: Report, draft, base: ReportVersion, files=None) -> ReportForm:
    form = ReportForm(
        data,
        files,
        instance=base,
        project=report.project,
        initial={"based_on": f"{base.pk}:{base.lock_version}"},
    )
    if draft is None:
        form.initial["change_note"] = ""
    return form


def _arrange_form(data, compiled: CompiledReport) -> ArrangeForm:
    base = compiled.version
    return ArrangeForm(
        data,
        compiled=compiled,
        prefix="arrange",  # the edit form on the same page has a based_on field too
        initial={"based_on": f"{base.pk}:{base.lock_version}"},
    )


def _edit_page(
    request,
    report,
    draft,
    base,
    form: ReportForm | None = None,
    *,
    compiled: CompiledReport | None = None,
    arrange_form: ArrangeForm | None = None,
    extracts_form: ExtractsForm | None = None,
    traceable: bool = False,
):
    """The report's edit page: its words in one form, its arrangement and its playlist in others.

    `compiled` is the draft as compile_draft makes it, read once for every form on the page.
    """
    if form is None:
        form = _report_form(None, report, draft, base)
    number = draft.number if draft else f"{base.major}.{base.minor + 1}"
    if compiled is None:
        compiled = compile_draft(base)
    if arrange_form is None:
        arrange_form = _arrange_form(None, compiled)
    if extracts_form is None:
        extracts_form = ExtractsForm(
            initial={"based_on": f"{base.pk}:{base.lock_version}"},
            choices=extract_choices(compiled),
        )
    with_clips = {clip.quote_id for clip in extract_clips(compiled) if not clip.error}
    return render(
        request,
        "sensemaking/report_form.html",
        {
            "form": form,
            "arrange_form": arrange_form,
            "report": report,
            "number": number,
            "starts_new": draft is None,
            "extracts_form": extracts_form,
            "extracts": [(quote, quote.id in with_clips) for quote in compiled.extract_quotes],
            "extracts_chosen": compiled.chosen_extracts is not None,
            "traceable": traceable,
        },
    )


@require_POST
@login_required
@once_per_key
def report_arrange(request, slug):
    """Save the order of themes, findings and key quotes, lead and pull quotes, and the layout."""
    report = _team_report(request, slug)
    draft, base = _draft_and_base(report)
    compiled = compile_draft(base)
    form = _arrange_form(request.POST, compiled)
    if form.is_valid():
        try:
            saved = services.arrange_report(
                report=report,
                based_on=form.cleaned_data["based_on"],
                by=request.user,
                arrangement=form.cleaned_data["arrangement"],
                layout=form.cleaned_data["layout"],
            )
        except services.StaleEdit as stale:
            messages.error(
                request,
                f"Someone else changed this report (now version {stale.current.number}) while "
                "you were arranging it. Their version is shown below; arrange it again.",
            )
            return redirect(reverse("sensemaking:report-edit", args=[report.slug]) + "#arrange")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The arrangement of draft version {saved.number} is saved.")
            return redirect(reverse("sensemaking:report-edit", args=[report.slug]) + "#arrange")
    return _edit_page(request, report, draft, base, compiled=compiled, arrange_form=form)


@require_POST
@login_required
@once_per_key
def report_extracts(request, slug):
    """Add a quote to the report's playlist of extracts, remove one, move one, or start again."""
    report = _team_report(request, slug)
    draft, base = _draft_and_base(report)
    compiled = compile_draft(base)
    form = ExtractsForm(request.POST, choices=extract_choices(compiled))
    traceable = False
    if form.is_valid():
        try:
            playing = form.new_playlist([quote.id for quote in compiled.extract_quotes])
            saved = services.set_report_extracts(
                report=report,
                based_on=form.cleaned_data["based_on"],
                quote_ids=playing,
                by=request.user,
                use_anyway=form.cleaned_data["use_anyway"],
            )
        except services.StaleEdit as stale:
            messages.error(
                request,
                f"Someone else changed this report (now version {stale.current.number}) while "
                "you were editing. Its playlist is shown below; make your change again.",
            )
            return redirect(f"{reverse('sensemaking:report-edit', args=[report.slug])}#extracts")
        except ValidationError as error:
            traceable = error.code == "traceable"
            form.add_error("quote" if form.cleaned_data["action"] == "add" else None, error)
        else:
            messages.success(request, f"Playlist of draft version {saved.number} saved.")
            return redirect(f"{reverse('sensemaking:report-edit', args=[report.slug])}#extracts")
    return _edit_page(
        request, report, draft, base, compiled=compiled, extracts_form=form, traceable=traceable
    )


@require_POST
@login_required
@once_per_key
def report_publish(request, slug):
    report = _team_report(request, slug)
    if not _curates(request, report):
        raise Http404
    draft = get_object_or_404(report.versions, status=ReportVersion.Status.DRAFT)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The change note: {' '.join(form.errors['change_note'])}")
        return redirect("sensemaking:report-version", slug=report.slug, number=draft.number)
    note = form.cleaned_data["change_note"]
    if note:
        ReportVersion.objects.filter(pk=draft.pk).update(change_note=note)
        draft.refresh_from_db()
    try:
        version = services.publish_report(version=draft, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("sensemaking:report-version", slug=report.slug, number=draft.number)
    messages.success(request, f"Version {version.number} is published.")
    return redirect("sensemaking:report", slug=report.slug)


def _filename(compiled: CompiledReport, extension: str) -> str:
    return f"{slugify(compiled.title) or 'report'}-v{compiled.number}.{extension}"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


PDF_PATIENCE = timedelta(minutes=10)


@dataclass(frozen=True)
class _Output:
    """A file made from a report version on the worker, asked for by a button and then awaited."""

    kind: str
    what: str  # "the PDF"
    content_type: str
    filename: str  # how its download is named, after the report's own name
    url_name: str
    task: object


OUTPUTS = {
    ReportFile.Kind.PDF: _Output(
        ReportFile.Kind.PDF,
        "the PDF",
        "application/pdf",
        "pdf",
        "sensemaking:report-pdf",
        render_report_pdf,
    ),
    ReportFile.Kind.PLAYLIST: _Output(
        ReportFile.Kind.PLAYLIST,
        "the audio file of every extract",
        "audio/mp4",
        "extracts.m4a",
        "sensemaking:report-playlist",
        make_playlist,
    ),
}


@never_cache
def report_pdf(request, slug, number):
    """Serve the PDF made from the report as it may be shown now, or show its progress."""
    return _made_file(request, slug, number, OUTPUTS[ReportFile.Kind.PDF])


@never_cache
def report_playlist(request, slug, number):
    """Serve every extract in one audio file with chapters, or show its progress."""
    return _made_file(request, slug, number, OUTPUTS[ReportFile.Kind.PLAYLIST])


@never_cache
def report_chapters(request, slug, number):
    """The chapters of the file of every extract, as WebVTT, while every extract is cut."""
    report = _report(request, slug)
    extracts = playlist(compile_report(_version(request, report, number)))
    if not extracts or not all(extract.ready for extract in extracts):
        raise Http404
    response = HttpResponse(chapters_vtt(extracts), content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _made_file(request, slug, number, output: _Output):
    """Serve a file made from the report as it may be shown now, or show its progress.

    Asking for it is a POST (the report page's button); a GET only reads, so following or
    reloading the address never starts work.
    """
    report = _report(request, slug)
    version = _version(request, report, number)
    compiled = compile_report(version)
    made = ReportFile.objects.filter(
        version=version, kind=output.kind, fingerprint=compiled.fingerprint
    ).first()
    if request.method == "POST":
        _ask_for(request, output, version, compiled, made)
        return redirect(output.url_name, slug=report.slug, number=version.number)
    if made and made.state == ReportFile.State.READY and made.file:
        return stream_file(
            request, made.file, output.content_type, download=_filename(compiled, output.filename)
        )
    if (
        made
        and made.state != ReportFile.State.FAILED
        and made.updated_at < timezone.now() - PDF_PATIENCE
    ):
        # Shown as failed, so it can be asked for again (the task worker may have stopped).
        made.state = ReportFile.State.FAILED
        made.error = (
            f"Making {output.what} stopped before it finished (the task worker may have stopped)."
        )
    if request.GET.get("format") == "json":
        if made is None:
            return JsonResponse({"state": "none", "progress": 0, "step": "", "error": ""})
        return JsonResponse(
            {"state": made.state, "progress": made.progress, "step": made.step, "error": made.error}
        )
    return render(
        request,
        "sensemaking/report_pdf_progress.html",
        {"report": report, "version": version, "pdf": made, "what": output.what},
    )


def _ask_for(request, output: _Output, version, compiled, made: ReportFile | None) -> None:
    """Queue the file of the report as it may be shown now, unless it is made or being made."""
    stuck = made is not None and (
        made.state == ReportFile.State.FAILED
        or (
            made.state != ReportFile.State.READY and made.updated_at < timezone.now() - PDF_PATIENCE
        )
    )
    if made is None:
        try:
            with transaction.atomic():
                made = ReportFile.objects.create(
                    version=version, kind=output.kind, fingerprint=compiled.fingerprint
                )
        except IntegrityError:  # another request asked for it a moment ago
            return
    elif stuck:
        ReportFile.objects.filter(pk=made.pk).update(
            state=ReportFile.State.QUEUED, error="", progress=0, step=""
        )
    else:
        return
    if output.kind == ReportFile.Kind.PDF:
        output.task.enqueue(made.pk, request.build_absolute_uri("/"))
    else:
        output.task.enqueue(made.pk)


@never_cache
def report_docx(request, slug, number):
    report = _report(request, slug)
    compiled = compile_report(_version(request, report, number))
    return _download(
        exports.report_docx(
            compiled, extracts=playlist(compiled), base_url=request.build_absolute_uri("/")
        ),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _filename(compiled, "docx"),
    )


def _for_person(compiled: CompiledReport, user, use: Use) -> CompiledReport:
    """Narrow a report's quotes to the ones a file made for this person may hold."""
    allowed = set(
        Quote.objects.usable_for(use, user)
        .filter(pk__in=[quote.id for quote in compiled.quotes])
        .values_list("pk", flat=True)
    )
    return replace(
        compiled,
        quotes=[quote for quote in compiled.quotes if quote.id in allowed],
        quote_objects=[quote for quote in compiled.quote_objects if quote.pk in allowed],
    )


@never_cache
@login_required
def report_data(request, slug, number, kind):
    """Quotes as CSV or XLSX, and the coded project as REFI-QDA: for the project team only.

    Each file holds only quotes from stories the person downloading may open; the project file
    carries whole transcripts and recordings, so only stories also kept for research go in.
    """
    report = _team_report(request, slug)
    compiled = compile_report(_version(request, report, number))
    base_url = request.build_absolute_uri("/")
    if kind == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        exports.quotes_csv(
            _for_person(compiled, request.user, Use.DATA), response, base_url=base_url
        )
        response["Content-Disposition"] = f'attachment; filename="{_filename(compiled, "csv")}"'
        response["Cache-Control"] = "private, no-store"
        return response
    if kind == "xlsx":
        return _download(
            exports.quotes_xlsx(_for_person(compiled, request.user, Use.DATA), base_url=base_url),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _filename(compiled, "xlsx"),
        )
    if kind == "qdpx":
        response = HttpResponse(content_type="application/zip")
        quotes = _for_person(compiled, request.user, Use.PROJECT_EXPORT).quote_objects
        refiqda.project_qdpx(project=report.project, quotes=quotes, out=response)
        response["Content-Disposition"] = f'attachment; filename="{_filename(compiled, "qdpx")}"'
        response["Cache-Control"] = "private, no-store"
        return response
    raise Http404


def report_clip(request, slug, number, clip_pk):
    """Stream a quote's audio extract while its storyteller's consent allows it."""
    report = _report(request, slug)
    compiled = compile_report(_version(request, report, number))
    clip = next((clip for clip in extract_clips(compiled) if clip.pk == int(clip_pk)), None)
    if clip is None or clip.error:
        raise Http404
    if not clip.file:
        # Listed in the PDF and Word file before it was cut: say so, as players are told.
        response = HttpResponse(
            "This extract is being prepared. Try again in a minute.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "60"
        response["Cache-Control"] = "no-store"
        return response
    return stream_file(request, clip.file, "audio/mpeg")


def report_logo(request, slug, number, partner_pk):
    """Stream a partner's logo to whoever may see its version: a draft's only to its team."""
    report = _report(request, slug)
    version = _version(request, report, number)
    partner = get_object_or_404(version.partners.exclude(logo=""), pk=partner_pk)
    return stream_file(request, partner.logo, "image/png")


@login_required
@once_per_key
def codebook(request, slug):
    """Download the project's codebook as REFI-QDA (.qdc), CSV or Excel; import a .qdc or CSV."""
    project = get_object_or_404(Project.objects.for_member(request.user, *RUNNERS), slug=slug)
    kind = request.GET.get("download") if request.method == "GET" else None
    if kind in ("csv", "xlsx"):
        return _codebook_table(project, kind)
    if kind:
        try:
            data = refiqda.codebook_qdc(project)
        except ValueError as error:
            messages.error(request, str(error))
            return redirect("sensemaking:codebook", slug=slug)
        return _download(data, "application/xml", f"{project.slug}-codebook.qdc")
    form = CodebookImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        is_csv = upload.name.lower().endswith(".csv")
        read = codebook_tables.import_codebook_csv if is_csv else refiqda.import_codebook
        try:
            result = read(project=project, data=upload.read(), by=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, result.message)
            return redirect("sensemaking:codebook", slug=slug)
    themes = project.themes.order_by("position", "name").prefetch_related("children")
    return render(
        request,
        "sensemaking/codebook.html",
        {
            "project": project,
            "form": form,
            "themes": themes,
            "curates": "curator" in project.roles_of(request.user),
        },
    )


def _codebook_table(project: Project, kind: str) -> HttpResponse:
    filename = f"{project.slug}-codebook.{kind}"
    if kind == "xlsx":
        return _download(
            codebook_tables.codebook_xlsx(project),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename,
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    codebook_tables.codebook_csv(project, response)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response

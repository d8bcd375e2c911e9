"""The project team's pages: gathering stories, storytellers, consent, recordings and transcripts.

For peer interviewers, facilitators and curators of a story's project. Each view reads
permission → object → form → service.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from stories import access, media, services
from stories.access import Surface
from stories.dashboard import sections_for
from stories.forms import (
    PARAGRAPHS_PER_PAGE,
    ConsentForm,
    ParagraphChoiceForm,
    ParagraphRangeForm,
    RecordingForm,
    SegmentFormSet,
    StoryForm,
    StorytellerForm,
    TranscriptForm,
)
from stories.idempotency import once_per_key
from stories.media import (
    EVIDENCE_FORMATS_TEXT,
    EVIDENCE_TYPES,
    MediaError,
    SizeLimitUploadHandler,
    inspect_upload,
    stream_file,
)
from stories.models import (
    AuditEvent,
    Consent,
    Membership,
    Project,
    Recording,
    Story,
    Storyteller,
    StorytellerLink,
    SubjectAccessCopy,
    Task,
    Transcript,
)
from stories.querysets import current_transcript_prefetch, project_ids_for
from stories.transcripts import (
    TranscriptError,
    parse_plain_text,
    parse_transcript_file,
)


def _project(user, slug: str, *roles: str) -> Project:
    return get_object_or_404(Project.objects.for_member(user, *roles), slug=slug)


@login_required
def dashboard(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("project")
        .order_by("project__name", "role")
    )
    projects: dict[Project, set[str]] = {}
    for membership in memberships:
        projects.setdefault(membership.project, set()).add(membership.role)
    my_stories = (
        Story.objects.visible_to(request.user)
        .filter(
            Q(interviewer=request.user)
            | Q(project__in=project_ids_for(request.user, "curator", "facilitator"))
        )
        .with_progress()
        .select_related("storyteller", "project", "interviewer")
        .order_by("-updated_at")
    )
    by_status = {status: [] for status, _ in Story.Status.choices}
    for story in my_stories:
        by_status[story.status].append(story)
    review_count = Story.objects.curated_by(request.user).awaiting_review().count()
    return render(
        request,
        "stories/dashboard.html",
        {
            "projects": projects,
            "by_status": [(label, by_status[status]) for status, label in Story.Status.choices],
            "has_stories": any(by_status.values()),
            "review_count": review_count,
            "sections": sections_for(request.user, projects),
        },
    )


@login_required
def storyteller_list(request, slug):
    project = _project(request.user, slug, "curator", "interviewer")
    storytellers = (
        Storyteller.objects.visible_to(request.user)
        .filter(project=project)
        .annotate(story_count=Count("stories"))
    )
    return render(
        request, "stories/storyteller_list.html", {"project": project, "storytellers": storytellers}
    )


@login_required
@once_per_key
def storyteller_create(request, slug):
    project = _project(request.user, slug, "curator", "interviewer")
    form = StorytellerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        storyteller = services.add_storyteller(
            project=project,
            by=request.user,
            credit_preference=form.cleaned_data["credit_preference"],
            credit_name=form.cleaned_data["credit_name"],
            demographics=form.demographics(),
            contact=form.contact(),
        )
        messages.success(request, f"Storyteller {storyteller.code} added.")
        return redirect(
            f"{reverse('stories:story-create', args=[slug])}?storyteller={storyteller.pk}"
        )
    return render(request, "stories/storyteller_form.html", {"project": project, "form": form})


@login_required
@never_cache  # It may show a private link once; Back must not show it again.
def storyteller_detail(request, pk):
    storyteller = get_object_or_404(
        Storyteller.objects.visible_to(request.user).select_related("project"), pk=pk
    )
    parts = access.storyteller_parts(request.user, storyteller)
    stories = Story.objects.visible_to(request.user).filter(storyteller=storyteller)
    links = storyteller.links.all()
    may_curate = Storyteller.objects.curated_by(request.user).filter(pk=storyteller.pk).exists()
    return render(
        request,
        "stories/storyteller_detail.html",
        {
            "storyteller": storyteller,
            "parts": parts,
            "may_curate": may_curate,
            "erased": AuditEvent.objects.filter(
                project=storyteller.project_id,
                action=AuditEvent.Action.STORY_ERASED,
                details__storyteller_id=storyteller.pk,
            ).select_related("actor")
            if may_curate
            else [],
            "contact": getattr(storyteller, "contact", None) if parts.contact else None,
            "stories": stories,
            "links": links,
            "new_link": request.session.pop("new_storyteller_link", None),
            "copies": SubjectAccessCopy.objects.requested_by_curator(request.user).filter(
                storyteller=storyteller
            )
            if may_curate
            else [],
        },
    )


@login_required
@require_POST
@once_per_key
def storyteller_link_create(request, pk):
    storyteller = get_object_or_404(Storyteller.objects.visible_to(request.user), pk=pk)
    _link, token = services.create_storyteller_link(storyteller=storyteller, by=request.user)
    # Shown once on the next page, then gone: only the token's hash is stored.
    request.session["new_storyteller_link"] = request.build_absolute_uri(
        reverse("storyteller:enter", args=[token])
    )
    return redirect("stories:storyteller-detail", pk=storyteller.pk)


@login_required
@require_POST
def storyteller_link_revoke(request, pk):
    link = get_object_or_404(
        StorytellerLink.objects.filter(
            storyteller__in=Storyteller.objects.visible_to(request.user)
        ).select_related("storyteller__project"),
        pk=pk,
    )
    services.revoke_storyteller_link(link=link, by=request.user)
    messages.success(request, "The private link no longer works.")
    return redirect("stories:storyteller-detail", pk=link.storyteller_id)


@login_required
@once_per_key
def story_create(request, slug):
    project = _project(request.user, slug, "curator", "interviewer")
    storytellers = Storyteller.objects.visible_to(request.user).filter(project=project)
    initial = {"storyteller": request.GET.get("storyteller")}
    form = StoryForm(request.POST or None, storytellers=storytellers, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        story = services.create_story(
            storyteller=data["storyteller"],
            by=request.user,
            tags=data["tags"],
            title=data["title"],
            summary=data["summary"],
            recorded_on=data["recorded_on"],
            place=data["place"],
            language=data["language"],
        )
        messages.success(request, "Story started. Next, record the storyteller’s consent.")
        return redirect("stories:consent-record", pk=story.pk)
    return render(
        request,
        "stories/story_form.html",
        {"project": project, "form": form, "has_storytellers": storytellers.exists()},
    )


@login_required
def story_detail(request, pk):
    story = (
        Story.objects.visible_to(request.user)
        .with_progress()
        .select_related("project", "storyteller", "interviewer", "current_consent")
        .filter(pk=pk)
        .first()
    )
    if story is None:
        # Outside the story's project a person sees what the public sees, and nothing more.
        if Story.objects.public().filter(pk=pk).exists():
            return redirect("stories:public-story", pk=pk)
        raise Http404
    roles = access.team_roles(request.user, story)
    parts = access.parts_for(story, surface=Surface.TEAM, roles=roles)
    # Only the parts this person may see are read at all.
    prefetch_related_objects(
        [story],
        "tags",
        *([current_transcript_prefetch()] if parts.transcript else []),
        *(["recordings"] if parts.audio else []),
        *(
            [Prefetch("consents", queryset=Consent.objects.select_related("recorded_by"))]
            if parts.consent_history
            else []
        ),
    )
    transcript = (
        story.current_transcripts[0] if parts.transcript and story.current_transcripts else None
    )
    recordings = list(story.recordings.all()) if parts.audio else []
    for recording in recordings:
        recording.wave = media.draw_waveform(recording)
    is_curator = access.Role.CURATOR in roles
    can_edit = Story.objects.editable_by(request.user).filter(pk=story.pk).exists()
    return render(
        request,
        "stories/story_detail.html",
        {
            "story": story,
            "parts": parts,
            "is_curator": is_curator,
            "can_edit": can_edit,
            "tasks": _task_links(story, can_edit=can_edit, is_curator=is_curator)
            if (can_edit or is_curator) and story.status != Story.Status.WITHDRAWN
            else [],
            "withdrawn": story.status == Story.Status.WITHDRAWN,
            "transcript": transcript,
            "segments": (
                transcript.display_segments(reveal_redactions=parts.redacted) if transcript else []
            ),
            "recordings": recordings,
            "can_retry": bool(roles & {access.Role.INTERVIEWER, access.Role.CURATOR}),
            "consents": story.consents.all() if parts.consent_history else [],
            "audit_events": story.audit_events.select_related("actor")[:50] if parts.audit else [],
        },
    )


def _task_links(story: Story, *, can_edit: bool, is_curator: bool) -> list[tuple[Task, str]]:
    """Pair each step of the story's task list with where this person does it, if anywhere."""
    sent = story.status in (Story.Status.SUBMITTED, Story.Status.PUBLISHED)
    links = {"storyteller": reverse("stories:storyteller-detail", args=[story.storyteller_id])}
    if can_edit and not sent:
        links["consent"] = reverse("stories:consent-record", args=[story.pk])
        links["recording"] = reverse("stories:recording-upload", args=[story.pk])
        links["transcript"] = reverse("stories:transcript-upload", args=[story.pk])
        links["submit"] = "#submit"
    if is_curator and story.status == Story.Status.SUBMITTED:
        links["review"] = links["publish"] = "#review"
    if story.is_public:
        links["publish"] = reverse("stories:public-story", args=[story.pk])
    tasks = story.task_list()
    return [
        (task, links.get(task.key, "") if task.state != Task.CANNOT_START else "") for task in tasks
    ]


def _editable_story(request, pk) -> Story:
    return get_object_or_404(
        Story.objects.editable_by(request.user).select_related(
            "project", "storyteller", "current_consent"
        ),
        pk=pk,
    )


@login_required
def story_edit(request, pk):
    story = _editable_story(request, pk)
    form = StoryForm(request.POST or None, instance=story)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services.update_story(story=story, by=request.user, tags=data.pop("tags"), **data)
        messages.success(request, "Story details saved.")
        return redirect(story)
    return render(
        request, "stories/story_form.html", {"project": story.project, "form": form, "story": story}
    )


@login_required
@once_per_key
def consent_record(request, pk):
    story = _editable_story(request, pk)
    current = story.current_consent
    initial = {"method": current.method} if current else {}
    initial.update({scope: True for scope in current.granted_scopes} if current else {})
    form = ConsentForm(
        request.POST or None, request.FILES or None, initial=initial, storyteller=story.storyteller
    )
    if request.method == "POST" and form.is_valid():
        evidence = form.cleaned_data.get("evidence")
        try:
            if evidence:
                inspect_upload(
                    evidence,
                    accepted=EVIDENCE_TYPES,
                    formats_text=EVIDENCE_FORMATS_TEXT,
                    max_bytes=settings.EVIDENCE_MAX_BYTES,
                )
            services.record_consent(
                story=story,
                scopes=form.scopes(),
                method=form.cleaned_data["method"],
                obtained_on=form.cleaned_data["obtained_on"],
                obtained_by=request.user,
                recorded_by=request.user,
                evidence=evidence,
                reason=form.cleaned_data["reason"],
            )
        except MediaError as error:
            form.add_error("evidence", str(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Consent recorded.")
            return redirect(story)
    return render(request, "stories/consent_form.html", {"story": story, "form": form})


@csrf_exempt
@login_required
def recording_upload(request, pk):
    # The size limit must be in place before the body is read, so CSRF is checked after it.
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request, settings.RECORDING_MAX_BYTES))
    return _recording_upload(request, pk)


@csrf_protect
@once_per_key
def _recording_upload(request, pk):
    story = _editable_story(request, pk)
    form = RecordingForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        too_large=getattr(request, "upload_too_large", False),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.upload_recording(
                story=story, upload=form.cleaned_data["file"], by=request.user
            )
        except MediaError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, "Recording uploaded. We are checking it now.")
            return redirect(story)
    return render(
        request,
        "stories/recording_form.html",
        {"story": story, "form": form, "max_bytes": settings.RECORDING_MAX_BYTES},
    )


@login_required
@once_per_key
def transcript_upload(request, pk):
    story = _editable_story(request, pk)
    form = TranscriptForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, text = form.cleaned_data["file"], form.cleaned_data["text"]
        try:
            if upload:
                parsed = parse_transcript_file(upload.read(), upload.name)
            else:
                parsed = parse_plain_text(text)
        except TranscriptError as error:
            form.add_error("file" if upload else "text", str(error))
        else:
            services.add_transcript(
                story=story,
                parsed=parsed,
                by=request.user,
                origin=Transcript.Origin.UPLOADED if upload else Transcript.Origin.PASTED,
                original_filename=upload.name if upload else "",
            )
            messages.success(request, f"Transcript saved: {len(parsed.segments)} paragraphs.")
            return redirect(story)
    return render(request, "stories/transcript_form.html", {"story": story, "form": form})


@login_required
def transcript_edit(request, pk):
    """Edit a page of paragraphs (or a chosen range) of the current transcript, beside the audio.

    Only the range is sent and saved back, so a two-hour interview edits like a short one.
    """
    story = _editable_story(request, pk)
    transcript = get_object_or_404(Transcript.objects.filter(story=story, is_current=True))
    total = transcript.segments.count()
    # A save's own range is in its hidden fields: the address's choice counts on GET only.
    chosen = request.GET if request.method == "GET" and request.GET else None
    chooser = ParagraphChoiceForm(chosen, total=total, timed=transcript.has_timings)
    first, last = _chosen_range(transcript, chooser, total)
    conflicted = False
    if request.method == "POST":
        paragraphs = ParagraphRangeForm(request.POST)
        formset = SegmentFormSet(request.POST)
        if paragraphs.is_valid():
            first, last = paragraphs.cleaned_data["first"] - 1, paragraphs.cleaned_data["last"] - 1
        elif formset.is_valid() or not formset.non_form_errors():
            formset._non_form_errors = formset.error_class(
                ["The page was out of date or incomplete: reload it and try again."]
            )
        if paragraphs.is_valid() and formset.is_valid():
            try:
                saved = services.edit_transcript_range(
                    story=story,
                    base_version=paragraphs.cleaned_data["version"],
                    first=first,
                    last=last,
                    paragraphs=[(row["speaker"], row["text"]) for row in formset.cleaned_data],
                    by=request.user,
                )
            except services.TranscriptConflict as conflict:
                formset._non_form_errors = formset.error_class(conflict.messages)
                transcript = conflict.current
                conflicted = True
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                whole = last - first + 1 == total
                return _after_saving(request, story, saved, first, last, whole=whole)
    segments = list(transcript.segments.filter(index__gte=first, index__lte=last))
    if request.method != "POST":
        formset = SegmentFormSet(initial=[{"speaker": s.speaker, "text": s.text} for s in segments])
    paragraphs = ParagraphRangeForm(
        initial={"version": transcript.version, "first": first + 1, "last": last + 1}
    )
    return render(
        request,
        "stories/transcript_edit.html",
        {
            "story": story,
            "transcript": transcript,
            "total": total,
            "first": first + 1,
            "last": last + 1,
            "pages": _neighbouring_pages(first, last, total),
            "chooser": chooser,
            "paragraphs": paragraphs,
            "formset": formset,
            "rows": zip(formset.forms, segments, strict=False),
            "conflicted": conflicted,
            "recording": _recording_to_hear(request.user, story),
        },
    )


def _chosen_range(
    transcript: Transcript, chooser: ParagraphChoiceForm, total: int
) -> tuple[int, int]:
    """Return the 0-based first and last paragraphs to show: chosen, or the first page."""
    first = 0
    if chooser.is_bound and chooser.is_valid():
        data = chooser.cleaned_data
        if data.get("at") is not None:
            said_before = transcript.segments.filter(start_seconds__lte=data["at"])
            first = (
                said_before.order_by("-start_seconds", "-index")
                .values_list("index", flat=True)
                .first()
                or 0
            )
            # The paragraph said at that time starts a page of its own.
            return first, min(first + PARAGRAPHS_PER_PAGE, total) - 1
        if data.get("start"):
            first = data["start"] - 1
            if data.get("end"):
                return first, data["end"] - 1
    return first, min(first + PARAGRAPHS_PER_PAGE, total) - 1


def _neighbouring_pages(first: int, last: int, total: int) -> dict:
    """The paragraph numbers (1-based) the earlier and later pages start at, if any."""
    return {
        "earlier": max(first - PARAGRAPHS_PER_PAGE, 0) + 1 if first > 0 else None,
        "later": last + 2 if last + 1 < total else None,
    }


def _recording_to_hear(user, story: Story) -> Recording | None:
    """The recording the editor plays, if this person may hear one that is ready to play."""
    parts = access.parts_for(story, surface=Surface.TEAM, roles=access.team_roles(user, story))
    if not parts.audio:
        return None
    ready = story.recordings.filter(state=Recording.State.READY).order_by("created_at")
    if not parts.original:
        ready = ready.filter(listener_copy_state=Recording.CopyState.READY)
    return ready.first()


def _after_saving(request, story: Story, saved: Transcript, first: int, last: int, *, whole: bool):
    """Back to the story after saving the whole transcript; otherwise on to the same place."""
    if whole:
        messages.success(request, "Transcript saved. The earlier version is kept.")
        return redirect(story)
    messages.success(
        request,
        f"Paragraphs {first + 1} to {last + 1} saved as version {saved.version}. "
        "The earlier version is kept.",
    )
    url = reverse("stories:transcript-edit", args=[story.pk])
    return redirect(f"{url}?start={first + 1}#paragraph-{first + 1}")


@login_required
@require_POST
def story_submit(request, pk):
    story = _editable_story(request, pk)
    try:
        services.submit_story(story=story, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Story submitted. A curator will review it.")
    return redirect(story)


@login_required
def recording_file(request, pk, form=media.Form.MP3):
    """Stream a recording to a team member whose role lets them hear it: the original to
    curators, the clean copies (and the waveform) to everyone else, the video to those who may
    see it."""
    form = _media_form(form)
    recording = get_object_or_404(
        Recording.objects.filter(story__in=Story.objects.visible_to(request.user)).select_related(
            "story__project", "story__current_consent"
        ),
        pk=pk,
    )
    story = recording.story
    parts = access.parts_for(
        story, surface=Surface.TEAM, roles=access.team_roles(request.user, story)
    )
    if not parts.audio or (form == media.Form.VIDEO and not parts.video):
        raise Http404
    heard = media.file_to_hear(recording, original=parts.original, form=form)
    if heard is None:
        return media.not_ready_response(recording)
    return stream_file(request, heard.file, heard.media_type)


def _media_form(form: str) -> media.Form:
    try:
        return media.Form(form)
    except ValueError:
        raise Http404 from None


@login_required
@require_POST
def recording_retry(request, pk):
    """Queue a failed or corrupt recording again, for those who upload or curate recordings."""
    recording = get_object_or_404(
        Recording.objects.filter(story__in=Story.objects.visible_to(request.user)).select_related(
            "story__project", "story__current_consent"
        ),
        pk=pk,
    )
    story = recording.story
    roles = access.team_roles(request.user, story)
    parts = access.parts_for(story, surface=Surface.TEAM, roles=roles)
    if not (parts.audio and roles & {access.Role.INTERVIEWER, access.Role.CURATOR}):
        raise Http404
    try:
        services.retry_recording(recording=recording, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "The recording is queued to be tried again.")
    return redirect(f"{story.get_absolute_url()}#recording-{recording.pk}")

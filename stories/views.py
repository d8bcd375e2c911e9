"""Views for gathering, reviewing and consenting. Each: permission → object → form → service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from taggit.models import Tag

from stories import archive, search, services
from stories.forms import (
    ConsentForm,
    RecordingForm,
    RedactionForm,
    ReviewNoteForm,
    ScopeChoiceForm,
    SegmentFormSet,
    StoryFilterForm,
    StoryForm,
    StorytellerForm,
    TranscriptForm,
    WithdrawForm,
)
from stories.media import (
    EVIDENCE_FORMATS_TEXT,
    EVIDENCE_TYPES,
    MediaError,
    SizeLimitUploadHandler,
    inspect_upload,
    stream_file,
)
from stories.models import (
    Consent,
    Membership,
    Project,
    Recording,
    Segment,
    Story,
    Storyteller,
    StorytellerLink,
    Transcript,
)
from stories.querysets import current_transcript_prefetch, project_ids_for
from stories.transcripts import (
    ParsedSegment,
    ParsedTranscript,
    TranscriptError,
    parse_plain_text,
    parse_transcript_file,
    to_webvtt,
)

STORYTELLER_SESSION_KEY = "storyteller_link_id"
PAGE_SIZE = 20


def healthz(request):
    """Report whether the database answers; 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# ---- The team's pages -------------------------------------------------------------------


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
        .select_related("storyteller", "project")
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
        request,
        "stories/storyteller_list.html",
        {"project": project, "storytellers": storytellers},
    )


@login_required
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
    is_curator = "curator" in storyteller.project.roles_of(request.user)
    stories = Story.objects.visible_to(request.user).filter(storyteller=storyteller)
    links = storyteller.links.all()
    return render(
        request,
        "stories/storyteller_detail.html",
        {
            "storyteller": storyteller,
            "is_curator": is_curator,
            "contact": getattr(storyteller, "contact", None) if is_curator else None,
            "stories": stories,
            "links": links,
            "new_link": request.session.pop("new_storyteller_link", None),
        },
    )


@login_required
@require_POST
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
    story = get_object_or_404(
        Story.objects.visible_to(request.user)
        .select_related("project", "storyteller", "interviewer", "current_consent")
        .prefetch_related(
            "tags",
            current_transcript_prefetch(),
            Prefetch("consents", queryset=Consent.objects.select_related("recorded_by")),
            "recordings",
        ),
        pk=pk,
    )
    roles = story.project.roles_of(request.user)
    is_curator = "curator" in roles
    can_edit = Story.objects.editable_by(request.user).filter(pk=story.pk).exists()
    transcript = story.current_transcripts[0] if story.current_transcripts else None
    withdrawn = story.status == Story.Status.WITHDRAWN
    return render(
        request,
        "stories/story_detail.html",
        {
            "story": story,
            "is_curator": is_curator,
            "can_edit": can_edit,
            "withdrawn": withdrawn,
            "transcript": transcript,
            "segments": (
                transcript.display_segments(reveal_redactions=is_curator)
                if transcript and not withdrawn
                else []
            ),
            "recordings": [] if withdrawn else story.recordings.all(),
            "consents": story.consents.all(),
            "audit_events": story.audit_events.select_related("actor")[:50] if is_curator else [],
        },
    )


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
def consent_record(request, pk):
    story = _editable_story(request, pk)
    current = story.current_consent
    initial = {"method": current.method} if current else {}
    initial.update({scope: True for scope in current.granted_scopes} if current else {})
    form = ConsentForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        storyteller=story.storyteller,
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
    story = _editable_story(request, pk)
    transcript = get_object_or_404(
        Transcript.objects.filter(story=story, is_current=True).prefetch_related("segments")
    )
    segments = list(transcript.segments.all())
    initial = [{"speaker": s.speaker, "text": s.text} for s in segments]
    formset = SegmentFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        edited = _edited_segments(segments, formset.cleaned_data)
        if not edited:
            formset._non_form_errors = formset.error_class(
                ["A transcript needs at least one paragraph. To start again, upload a new one."]
            )
        else:
            services.add_transcript(
                story=story,
                parsed=ParsedTranscript(
                    segments=edited,
                    has_timings=transcript.has_timings,
                    source_format=transcript.source_format,
                ),
                by=request.user,
                origin=Transcript.Origin.EDITED,
            )
            messages.success(request, "Transcript saved. The earlier version is kept.")
            return redirect(story)
    return render(
        request,
        "stories/transcript_edit.html",
        {
            "story": story,
            "transcript": transcript,
            "rows": zip(formset.forms, segments, strict=False),
            "formset": formset,
        },
    )


def _edited_segments(segments: list[Segment], rows: list[dict]) -> list[ParsedSegment]:
    """Keep each paragraph's timing; an emptied paragraph is removed."""
    edited = []
    for segment, row in zip(segments, rows, strict=False):
        text = " ".join(row.get("text", "").split())
        if text:
            edited.append(
                ParsedSegment(
                    text=text,
                    speaker=row.get("speaker", "").strip(),
                    start=segment.start_seconds,
                    end=segment.end_seconds,
                )
            )
    return edited


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
def review_queue(request):
    stories = (
        Story.objects.curated_by(request.user)
        .awaiting_review()
        .select_related("project", "storyteller", "interviewer", "current_consent")
        .order_by("submitted_at")
    )
    return render(request, "stories/review_queue.html", {"stories": stories})


def _curated_story(request, pk) -> Story:
    return get_object_or_404(
        Story.objects.curated_by(request.user).select_related("project", "current_consent"), pk=pk
    )


@login_required
@require_POST
def story_publish(request, pk):
    story = _curated_story(request, pk)
    try:
        services.publish_story(story=story, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Story published.")
    return redirect("stories:story-detail", pk=story.pk)


@login_required
@require_POST
def story_feature(request, pk):
    story = _curated_story(request, pk)
    try:
        services.set_featured(story=story, featured=not story.featured, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        done = "is now featured on" if story.featured else "is no longer featured on"
        messages.success(request, f"The story {done} the home page.")
    return redirect("stories:story-detail", pk=story.pk)


@login_required
def story_request_changes(request, pk):
    story = _curated_story(request, pk)
    form = ReviewNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_changes(story=story, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Sent back to the interviewer with your note.")
            return redirect("stories:review-queue")
    return render(request, "stories/review_note_form.html", {"story": story, "form": form})


@login_required
def transcript_redact(request, pk):
    story = _curated_story(request, pk)
    transcript = get_object_or_404(
        Transcript.objects.filter(story=story, is_current=True).prefetch_related(
            "segments", "redactions"
        )
    )
    if story.status == Story.Status.WITHDRAWN:
        raise Http404
    form = RedactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        spans = _redaction_spans(transcript, form)
        if spans:
            for start, end in spans:
                services.redact_transcript(
                    transcript=transcript,
                    char_start=start,
                    char_end=end,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            places = "1 place" if len(spans) == 1 else f"{len(spans)} places"
            messages.success(request, f"Redacted {places}.")
            return redirect("stories:story-detail", pk=story.pk)
    return render(
        request,
        "stories/redact_form.html",
        {
            "story": story,
            "form": form,
            "segments": transcript.display_segments(reveal_redactions=True),
        },
    )


def _redaction_spans(transcript: Transcript, form: RedactionForm) -> list[tuple[int, int]]:
    """Find where the chosen words stand; add a form error if they are not there."""
    words = form.cleaned_data["words"].strip()
    segments = list(transcript.segments.all())
    number = form.cleaned_data["segment"]
    if not form.cleaned_data["everywhere"] and number > len(segments):
        form.add_error("segment", f"The transcript has {len(segments)} paragraphs.")
        return []
    chosen = segments if form.cleaned_data["everywhere"] else [segments[number - 1]]
    hidden = [(r.char_start, r.char_end) for r in transcript.redactions.all()]
    spans, already = [], 0
    for segment in chosen:
        start = segment.text.find(words)
        while start != -1:
            span = (segment.char_start + start, segment.char_start + start + len(words))
            if any(first <= span[0] and span[1] <= last for first, last in hidden):
                already += 1
            else:
                spans.append(span)
            start = segment.text.find(words, start + len(words))
    if not spans:
        where = "the transcript" if form.cleaned_data["everywhere"] else "that paragraph"
        form.add_error(
            "words",
            f"Those words are already redacted in {where}."
            if already
            else f"Those exact words are not in {where}. Copy them from the transcript.",
        )
    return spans


@login_required
def recording_file(request, pk):
    """Stream a recording to a team member who may see its story."""
    recording = get_object_or_404(
        Recording.objects.filter(
            story__in=Story.objects.visible_to(request.user).exclude(status="withdrawn")
        ),
        pk=pk,
    )
    return stream_file(request, recording.file, recording.media_type)


@login_required
def consent_evidence(request, pk):
    """Stream consent evidence to curators only."""
    consent = get_object_or_404(
        Consent.objects.filter(story__in=Story.objects.curated_by(request.user)).exclude(
            evidence=""
        ),
        pk=pk,
    )
    return stream_file(
        request, consent.evidence, "application/octet-stream", download=consent.evidence_filename
    )


# ---- The public archive ---------------------------------------------------------------------


def home(request):
    public = Story.objects.public().select_related("storyteller").prefetch_related("tags")
    return render(
        request,
        "stories/home.html",
        {
            "featured": public.filter(featured=True).order_by("-published_at")[:4],
            "recent": public.order_by("-published_at")[:6],
            "topics": archive.topics()[:20],
        },
    )


def about(request):
    return render(request, "stories/about.html")


def story_list(request, tag_slug: str | None = None):
    """Search and filter public stories; a topic page is this list with its topic fixed."""
    form = StoryFilterForm(request.GET or None)
    filters = form.filters()
    tag = None
    if tag_slug:
        tag = get_object_or_404(Tag, slug=tag_slug)
        filters["tag"] = tag_slug
    query = filters.pop("q", "")
    stories = archive.apply_filters(Story.objects.public(), filters)
    results = search.search(stories, query) if query else stories.order_by("-published_at")
    page = Paginator(
        results.select_related("storyteller", "current_consent").prefetch_related("tags"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    found = search.snippets(shown, query)
    for story in shown:
        story.snippet = found.get(story.pk)
    suggestion = search.did_you_mean(query, stories) if query and page.paginator.count < 3 else None
    facet_counts = archive.facets(results if query else stories, filters)
    if tag:
        del facet_counts["tag"]
    return render(
        request,
        "stories/story_list.html",
        {
            "form": form,
            "tag": tag,
            "query": query,
            "filters": filters,
            "has_filters": bool(set(filters) - {"tag"}) if tag else bool(filters),
            "page": page,
            "stories": shown,
            "facets": facet_counts,
            "suggestion": suggestion,
            "querystring": _querystring(request, exclude="page"),
        },
    )


def _querystring(request, exclude: str) -> str:
    params = request.GET.copy()
    params.pop(exclude, None)
    return params.urlencode()


def _public_story(pk: int) -> Story:
    return get_object_or_404(
        Story.objects.public()
        .select_related("storyteller", "current_consent")
        .prefetch_related("tags", current_transcript_prefetch(), "recordings"),
        pk=pk,
    )


def public_story(request, pk):
    story = _public_story(pk)
    transcript = story.current_transcripts[0] if story.current_transcripts else None
    show_text = transcript is not None and story.allows("publish_transcript")
    recordings = (
        [r for r in story.recordings.all() if r.state == Recording.State.READY]
        if story.allows("publish_audio")
        else []
    )
    return render(
        request,
        "stories/public_story.html",
        {
            "story": story,
            "segments": transcript.display_segments() if show_text else [],
            "recording": recordings[0] if recordings else None,
            "has_captions": bool(recordings and show_text and transcript.has_timings),
            "start_at": request.GET.get("t", "").isdigit() and request.GET["t"],
            "related": archive.related(story),
        },
    )


def public_captions(request, pk):
    """Serve WebVTT captions made from the redacted transcript of a public story."""
    story = _public_story(pk)
    transcript = story.current_transcripts[0] if story.current_transcripts else None
    if not (transcript and transcript.has_timings and story.allows("publish_transcript")):
        raise Http404
    cues = [
        ParsedSegment(
            text="".join(text for text, _redacted in row["parts"]),
            speaker=row["segment"].speaker,
            start=row["segment"].start_seconds,
            end=row["segment"].end_seconds,
        )
        for row in transcript.display_segments()
    ]
    response = HttpResponse(to_webvtt(cues), content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def public_recording(request, pk):
    """Stream a recording of a public story whose storyteller agreed to publish the audio."""
    recording = get_object_or_404(
        Recording.objects.filter(
            story__in=archive.with_public_audio(Story.objects.public()),
            state=Recording.State.READY,
        ),
        pk=pk,
    )
    return stream_file(request, recording.file, recording.media_type)


# ---- The storyteller's private pages ------------------------------------------------------


@never_cache
def storyteller_enter(request, token):
    """Open a private link: remember it in the session, then leave the token out of the URL."""
    link = services.find_storyteller_link(token)
    if link is None:
        request.session.pop(STORYTELLER_SESSION_KEY, None)
        return render(request, "storyteller/link_invalid.html", status=404)
    request.session.cycle_key()
    request.session[STORYTELLER_SESSION_KEY] = link.pk
    return redirect("storyteller:home")


def _storyteller_link(request) -> StorytellerLink | None:
    link_id = request.session.get(STORYTELLER_SESSION_KEY)
    if link_id is None:
        return None
    return StorytellerLink.objects.active().select_related("storyteller").filter(pk=link_id).first()


def storyteller_required(view):
    """Let a view run only for a storyteller whose link still works, checked on every request."""

    def wrapper(request, *args, **kwargs):
        link = _storyteller_link(request)
        if link is None:
            request.session.pop(STORYTELLER_SESSION_KEY, None)
            return render(request, "storyteller/link_invalid.html", status=403)
        request.storyteller = link.storyteller
        return never_cache(view)(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _own_story(request, pk) -> Story:
    return get_object_or_404(
        Story.objects.filter(storyteller=request.storyteller).select_related("current_consent"),
        pk=pk,
    )


@storyteller_required
def storyteller_home(request):
    stories = (
        Story.objects.filter(storyteller=request.storyteller)
        .select_related("current_consent")
        .prefetch_related(Prefetch("consents", queryset=Consent.objects.order_by("-version")))
        .order_by("-created_at")
    )
    return render(
        request,
        "storyteller/home.html",
        {"storyteller": request.storyteller, "stories": stories},
    )


@storyteller_required
def storyteller_consent(request, pk):
    """Let the storyteller change their scopes, with a confirmation step before it takes effect."""
    story = _own_story(request, pk)
    consent = story.current_consent
    if consent is None or consent.withdrawn:
        return render(request, "storyteller/nothing_to_change.html", {"story": story})
    initial = {scope: getattr(consent, scope) for scope in consent.granted_scopes}
    form = ScopeChoiceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        scopes = form.scopes()
        changes = [
            (label, granted)
            for scope, label, was in consent.scope_labels()
            if (granted := scopes[scope]) != was
        ]
        if not changes:
            messages.info(request, "You didn’t change anything.")
            return redirect("storyteller:home")
        if request.POST.get("confirmed") == "yes":
            services.change_consent_scopes(
                story=story, scopes=scopes, reason=form.cleaned_data["reason"]
            )
            messages.success(request, "Thank you. Your choices are saved and take effect now.")
            return redirect("storyteller:home")
        return render(
            request,
            "storyteller/consent_confirm.html",
            {
                "story": story,
                "form": form,
                "changes": changes,
                "withdraws_all": not any(scopes.values()),
            },
        )
    return render(request, "storyteller/consent_form.html", {"story": story, "form": form})


@storyteller_required
def storyteller_withdraw(request, pk):
    story = _own_story(request, pk)
    if story.current_consent is None or story.current_consent.withdrawn:
        return render(request, "storyteller/nothing_to_change.html", {"story": story})
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and request.POST.get("confirmed") == "yes":
        services.withdraw_consent(story=story, reason=form.cleaned_data["reason"])
        messages.success(
            request, "Your story has been withdrawn. Nobody can see or use it any more."
        )
        return redirect("storyteller:home")
    return render(request, "storyteller/withdraw_confirm.html", {"story": story, "form": form})


def storyteller_leave(request):
    request.session.pop(STORYTELLER_SESSION_KEY, None)
    return render(request, "storyteller/left.html")

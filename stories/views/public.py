"""The public archive: home, search and filters, story pages, captions and public audio.

Everything starts from Story.objects.public(); nobody needs an account.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from taggit.models import Tag

from stories import access, archive, easy_read, search
from stories.access import Surface
from stories.forms import StoryFilterForm
from stories.media import (
    CopyStatus,
    Form,
    copy_status,
    draw_waveform,
    file_to_hear,
    not_ready_response,
    stream_file,
)
from stories.models import Recording, Story
from stories.querysets import current_transcript_prefetch
from stories.transcripts import ParsedSegment, to_webvtt

PAGE_SIZE = 20


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


@require_POST
def easy_read_switch(request):
    """Turn easy read on or off for this visitor, and go back to the page they were on."""
    request.session[easy_read.SESSION_KEY] = request.POST.get("easy_read") == "on"
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("home")
    return HttpResponseRedirect(back)


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
    found = archive.find(Story.objects.public(), filters, query)
    page = Paginator(
        found.stories.select_related("storyteller", "current_consent").prefetch_related("tags"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    snippets = search.snippets(shown, query)
    for story in shown:
        story.snippet = snippets.get(story.pk)
    suggestion = (
        search.did_you_mean(query, found.narrowed) if query and page.paginator.count < 3 else None
    )
    facet_counts = archive.facets(found)
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
            "querystring": _querystring(request, exclude=["page"]),
        },
    )


def _querystring(request, exclude: list[str]) -> str:
    params = request.GET.copy()
    for name in exclude:
        params.pop(name, None)
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
    parts = access.parts_for(story, surface=Surface.PUBLIC, roles=())
    show_text = transcript is not None and parts.transcript
    recordings = (
        [r for r in story.recordings.all() if r.state == Recording.State.READY]
        if parts.audio
        else []
    )
    # Listeners hear the clean copy only; while it is being made, the page says so.
    status = copy_status(recordings[0], transcript=transcript) if recordings else None
    recording = recordings[0] if status == CopyStatus.READY else None
    return render(
        request,
        "stories/public_story.html",
        {
            "story": story,
            "segments": transcript.display_segments() if show_text else [],
            "recording": recording,
            "video": bool(recording and parts.video and recording.video_copy),
            "wave": draw_waveform(recording) if recording else None,
            "audio_preparing": status == CopyStatus.PREPARING,
            "has_captions": bool(recording and show_text and transcript.has_timings),
            "start_at": request.GET.get("t", "").isdecimal() and request.GET["t"],
            "related": archive.related(story),
        },
    )


def public_captions(request, pk):
    """Serve WebVTT captions made from the redacted transcript of a public story."""
    story = _public_story(pk)
    transcript = story.current_transcripts[0] if story.current_transcripts else None
    shown = access.parts_for(story, surface=Surface.PUBLIC, roles=())
    if not (transcript and transcript.has_timings and shown.transcript):
        raise Http404
    cues = [
        ParsedSegment(
            text="".join(text for text, _redacted in row["parts"]),
            speaker=row["segment"].speaker,
            start=row["segment"].start_seconds,
            end=row["segment"].end_seconds,
            # A redaction changes the text the words' offsets point into: those cues go untimed.
            word_times=()
            if any(redacted for _text, redacted in row["parts"])
            else tuple(map(tuple, row["segment"].word_times)),
        )
        for row in transcript.display_segments()
    ]
    response = HttpResponse(to_webvtt(cues), content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def public_recording(request, pk, form=Form.MP3):
    """Stream a clean copy of a public story's recording (or its waveform), if its storyteller
    agreed to it; the video only if they agreed to publishing the video too."""
    try:
        form = Form(form)
    except ValueError:
        raise Http404 from None
    stories = archive.may_be_heard(Story.objects.public())
    if form == Form.VIDEO:
        stories = archive.may_be_seen(stories)
    recording = get_object_or_404(
        Recording.objects.filter(story__in=stories, state=Recording.State.READY), pk=pk
    )
    heard = file_to_hear(recording, form=form)
    if heard is None:
        return not_ready_response(recording)
    return stream_file(request, heard.file, heard.media_type)

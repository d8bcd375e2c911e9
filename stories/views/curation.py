"""The curators' pages: review, publication, redaction and consent evidence."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from stories import access, services
from stories.forms import RedactionForm, ReviewNoteForm
from stories.media import UNPLACEABLE, current_transcript, silenced_spans, stream_file
from stories.models import Consent, Story, Transcript


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
        audio_agreed = access.once_published(story.current_consent).audio
        unplaceable = silenced_spans(current_transcript(story.pk)) is None
        if audio_agreed and unplaceable and story.recordings.exists():
            messages.warning(request, f"Only the transcript is published. {UNPLACEABLE}")
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
        words = form.cleaned_data["words"].strip()
        everywhere = form.cleaned_data["everywhere"]
        in_details = everywhere and bool(services.details_with(story, words))
        spans = _redaction_spans(transcript, form, elsewhere=in_details)
        if spans or in_details:
            with transaction.atomic():
                if spans:
                    services.redact_spans(
                        transcript=transcript,
                        spans=spans,
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                    )
                fields = (
                    services.redact_story_details(story=story, words=words, by=request.user)
                    if everywhere
                    else []
                )
            done = [f"{len(spans)} place{'' if len(spans) == 1 else 's'} in the transcript"]
            done = (done if spans else []) + ([f"the story’s {_listed(fields)}"] if fields else [])
            messages.success(request, f"Redacted {' and '.join(done)}.")
            _warn_where_words_remain(request, story, transcript, words)
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


def _warn_where_words_remain(request, story: Story, transcript: Transcript, words: str) -> None:
    """Tell the curator what a redaction could not reach, so nothing is left unknowingly."""
    speakers = sorted(
        {
            segment.speaker
            for segment in transcript.segments.all()
            if words.casefold() in segment.speaker.casefold()
        }
    )
    if speakers:
        messages.warning(
            request,
            f"The words are also part of a speaker’s name ({', '.join(speakers)}), which is "
            "shown beside their lines and in the captions. Edit the transcript to change it.",
        )
    if story.recordings.exists() and silenced_spans(current_transcript(story.pk)) is None:
        stopped = " Nobody but curators can hear the recording now." if story.is_public else ""
        messages.warning(request, f"{UNPLACEABLE}{stopped}")


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _redaction_spans(
    transcript: Transcript, form: RedactionForm, *, elsewhere: bool = False
) -> list[tuple[int, int]]:
    """Find where the chosen words stand in the transcript.

    Add a form error if they are not there, unless they are `elsewhere` in the story's details.
    """
    words = form.cleaned_data["words"].strip()
    segments = list(transcript.segments.all())
    number = form.cleaned_data["segment"]
    if not form.cleaned_data["everywhere"] and number > len(segments):
        form.add_error("segment", f"The transcript has {len(segments)} paragraphs.")
        return []
    chosen = segments if form.cleaned_data["everywhere"] else [segments[number - 1]]
    hidden = [(r.char_start, r.char_end) for r in transcript.redactions.all()]
    # Everywhere means in any letter case, as in the story's details; one paragraph, exactly.
    found = (
        services.words_pattern(words)
        if form.cleaned_data["everywhere"]
        else re.compile(re.escape(words))
    )
    spans, already = [], 0
    for segment in chosen:
        for match in found.finditer(segment.text):
            span = (segment.char_start + match.start(), segment.char_start + match.end())
            if any(first <= span[0] and span[1] <= last for first, last in hidden):
                already += 1
            else:
                spans.append(span)
    if not spans and not elsewhere:
        where = "the transcript" if form.cleaned_data["everywhere"] else "that paragraph"
        form.add_error(
            "words",
            f"Those words are already redacted in {where}."
            if already
            else f"Those exact words are not in {where}. Copy them from the transcript.",
        )
    return spans


@login_required
def consent_evidence(request, pk):
    """Stream consent evidence to those whose role may see it (curators)."""
    consent = get_object_or_404(
        Consent.objects.filter(story__in=Story.objects.visible_to(request.user))
        .exclude(evidence="")
        .select_related("story__project", "story__current_consent"),
        pk=pk,
    )
    story = consent.story
    roles = access.team_roles(request.user, story)
    if not access.parts_for(story, surface=access.Surface.TEAM, roles=roles).evidence:
        raise Http404
    return stream_file(
        request, consent.evidence, "application/octet-stream", download=consent.evidence_filename
    )

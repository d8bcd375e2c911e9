"""Curators erase a withdrawn story, or a storyteller whose stories are all withdrawn.

Each has a check page listing exactly what will go; only its POST erases. Anyone but a curator
of the project gets "not found", and a story or storyteller that may not be erased yet is
refused with the reason, nothing changed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from stories import erasure
from stories.models import Story, Storyteller

REFUSED = 409


def _erase_on_post(request, refusal: str | None, erase, *, gone) -> tuple[str | None, bool]:
    """On a POST with nothing against it, erase. Return the refusal, if any, and whether erased.

    `gone` is raised when another curator erased it a moment ago: it is erased all the same.
    """
    if request.method != "POST" or refusal is not None:
        return refusal, False
    try:
        erase()
    except ValidationError as error:
        return " ".join(error.messages), False
    except gone:
        pass
    return None, True


@login_required
def story_erase(request, pk):
    story = get_object_or_404(
        Story.objects.curated_by(request.user).select_related(
            "project", "storyteller", "current_consent"
        ),
        pk=pk,
    )
    refusal, erased = _erase_on_post(
        request,
        erasure.story_refusal(story),
        lambda: erasure.erase_story(story=story, by=request.user),
        gone=Story.DoesNotExist,
    )
    if erased:
        messages.success(
            request,
            "The withdrawn story is erased, files and all. The history keeps one entry "
            "saying who erased it and when.",
        )
        return redirect("stories:storyteller-detail", pk=story.storyteller_id)
    return render(
        request,
        "stories/erase_story.html",
        {
            "story": story,
            "refusal": refusal,
            "plan": None if refusal else erasure.plan([story]),
        },
        status=REFUSED if refusal and request.method == "POST" else 200,
    )


@login_required
def storyteller_erase(request, pk):
    storyteller = get_object_or_404(
        Storyteller.objects.curated_by(request.user).select_related("project"), pk=pk
    )
    stories = list(storyteller.stories.select_related("current_consent").order_by("pk"))
    refusal, erased = _erase_on_post(
        request,
        erasure.storyteller_refusal(storyteller, stories),
        lambda: erasure.erase_storyteller(storyteller=storyteller, by=request.user),
        gone=Storyteller.DoesNotExist,
    )
    if erased:
        messages.success(
            request,
            "The storyteller is erased, with their stories and every file. The history "
            "keeps one entry saying who erased them and when.",
        )
        return redirect("stories:storyteller-list", slug=storyteller.project.slug)
    return render(
        request,
        "stories/erase_storyteller.html",
        {
            "storyteller": storyteller,
            "stories": stories,
            "refusal": refusal,
            "plan": None if refusal else erasure.plan(stories, storyteller),
        },
        status=REFUSED if refusal and request.method == "POST" else 200,
    )

"""The storyteller's own pages, reached through their private link."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from stories import services
from stories.forms import ScopeChoiceForm, WithdrawForm
from stories.models import Consent, Story, StorytellerLink

STORYTELLER_SESSION_KEY = "storyteller_link_id"


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
        request.storyteller_link = link
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
        request, "storyteller/home.html", {"storyteller": request.storyteller, "stories": stories}
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

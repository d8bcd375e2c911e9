"""Workshop pages: listen and highlight, the theme board, findings. Guests join by private link."""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import combinations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.middleware import SignInNeeded
from sensemaking import agreement, services
from sensemaking.anonymity import USE_ANYWAY
from sensemaking.forms import (
    FindingForm,
    GuestForm,
    HighlightForm,
    MergeForm,
    MoveQuoteForm,
    QuoteEditForm,
    SplitForm,
    ThemeForm,
    WorkshopForm,
)
from sensemaking.models import Finding, Memo, Quote, QuoteTheme, Theme, Workshop, WorkshopGuest
from sensemaking.querysets import RUNNERS
from stories import choices
from stories.access import USES, Use
from stories.idempotency import once_per_key
from stories.media import (
    CopyStatus,
    copy_status,
    draw_waveform,
    file_to_hear,
    not_ready_response,
    stream_file,
)
from stories.media import Form as MediaForm
from stories.models import Project, Recording, Segment, Story, Transcript, person_name

GUEST_SESSION_KEY = "workshop_guest_id"
# How far back each poll looks again for changed quotes (see workshop_updates).
CHANGES_OVERLAP = timedelta(seconds=30)
BOARD_FILTERS = ("age_band", "gender", "ethnicity", "disability", "lgbtqia")
QUOTES_PER_THEME = 6
LATEST_QUOTES = 50
# What the board shows of a quote and who highlighted it; reading no more columns makes its
# quotes a third cheaper to load.
BOARD_QUOTE_FIELDS = [
    "story_id",
    "transcript_id",
    "char_start",
    "char_end",
    "text",
    "is_key",
    "needs_review",
    "note",
    "story__title",
    "created_by_id",
    "created_by__first_name",
    "created_by__last_name",
    "created_by__username",
    "created_by_guest_id",
    "created_by_guest__display_name",
]
MEMO_FIELDS = ["workshop_id", "theme_id", "text", "version", "updated_at"]


@dataclass(frozen=True)
class Visitor:
    """Who is looking: a signed-in user or a guest from a workshop link."""

    user: object | None
    guest: WorkshopGuest | None
    is_facilitator: bool  # runs the workshop: a facilitator or curator of its project
    is_curator: bool = False

    @property
    def name(self) -> str:
        if self.guest:
            return self.guest.display_name
        return person_name(self.user)

    @property
    def coder_key(self) -> str:
        """How the board's "Coded by" filter names this visitor (see agreement.Coder.key)."""
        return f"guest-{self.guest.pk}" if self.guest else f"user-{self.user.pk}"

    def may_recode(self, quote: Quote) -> bool:
        """Whether this visitor may move or copy the quote: its maker, or who runs the workshop."""
        if self.is_facilitator:
            return True
        if self.guest:
            return quote.created_by_guest_id == self.guest.pk
        return quote.created_by_id == self.user.pk


def _guest(request) -> WorkshopGuest | None:
    guest_id = request.session.get(GUEST_SESSION_KEY)
    if guest_id is None:
        return None
    guest = WorkshopGuest.objects.select_related("workshop__project").filter(pk=guest_id).first()
    return guest if guest and guest.is_active else None


# The largest id a database column holds; a larger "id" names nothing.
LARGEST_ID = 2**63 - 1


def _whole_number(value: str | None) -> int | None:
    """A query or form value as an id-sized whole number, or None ("", "-1", "²", 10**30)."""
    if not (value and value.isdecimal() and len(value) <= 19):
        return None
    number = int(value)
    return number if number <= LARGEST_ID else None


def _workshop(request, pk: int) -> tuple[Workshop, Visitor]:
    """Return the workshop if this visitor may take part in it; 404 otherwise."""
    if request.user.is_authenticated:
        workshop = get_object_or_404(Workshop.objects.select_related("project"), pk=pk)
        # The visitor's roles answer Workshop.is_run_by() and whether they curate, at once.
        roles = workshop.project.roles_of(request.user)
        runs = bool(roles & set(RUNNERS))
        if not runs and not workshop.has_participant(request.user):
            raise Http404
        return workshop, Visitor(
            user=request.user, guest=None, is_facilitator=runs, is_curator="curator" in roles
        )
    if GUEST_SESSION_KEY not in request.session:
        raise SignInNeeded  # no account, no link: the sign-in page says what to do
    guest = _guest(request)
    if guest is None or guest.workshop_id != pk:
        raise Http404
    return guest.workshop, Visitor(user=None, guest=guest, is_facilitator=False)


def _facilitated(request, pk: int) -> Workshop:
    workshop, visitor = _workshop(request, pk)
    if not visitor.is_facilitator:
        raise Http404
    return workshop


def _workshop_stories(workshop: Workshop):
    return workshop.stories.usable_in_sensemaking().select_related("storyteller")


@login_required
def workshop_list(request):
    workshops = Workshop.objects.visible_to(request.user).select_related("project")
    projects = Project.objects.for_member(request.user, *RUNNERS)
    return render(
        request,
        "sensemaking/workshop_list.html",
        {"workshops": workshops, "projects": projects},
    )


def _workshop_form(request, project: Project, instance: Workshop | None = None) -> WorkshopForm:
    members = (
        get_user_model()
        .objects.filter(memberships__project=project)
        .distinct()
        .order_by("first_name", "username")
    )
    stories = Story.objects.usable_in_sensemaking().filter(project=project).order_by("title")
    return WorkshopForm(request.POST or None, instance=instance, stories=stories, members=members)


@login_required
@once_per_key
def workshop_create(request, slug):
    project = get_object_or_404(Project.objects.for_member(request.user, *RUNNERS), slug=slug)
    form = _workshop_form(request, project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workshop = services.create_workshop(
                project=project,
                title=data["title"],
                held_on=data["held_on"],
                by=request.user,
                stories=data["stories"],
                participants=data["participants"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Workshop created.")
            return redirect("sensemaking:workshop", pk=workshop.pk)
    return render(request, "sensemaking/workshop_form.html", {"form": form, "project": project})


@login_required
def workshop_edit(request, pk):
    workshop = _facilitated(request, pk)
    form = _workshop_form(request, workshop.project, instance=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_workshop_stories(
                workshop=workshop, stories=form.cleaned_data["stories"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form.save()
            messages.success(request, "Workshop saved.")
            return redirect("sensemaking:workshop", pk=workshop.pk)
    return render(
        request,
        "sensemaking/workshop_form.html",
        {"form": form, "project": workshop.project, "workshop": workshop},
    )


@never_cache
def workshop_detail(request, pk):
    workshop, visitor = _workshop(request, pk)
    return render(
        request,
        "sensemaking/workshop_detail.html",
        {
            "workshop": workshop,
            "visitor": visitor,
            "stories": _workshop_stories(workshop),
            "participants": workshop.participants.all(),
            "guests": workshop.guests.all() if visitor.is_facilitator else [],
            "guest_form": GuestForm() if visitor.is_facilitator else None,
            "new_link": request.session.pop("new_workshop_link", None),
        },
    )


@login_required
@require_POST
@once_per_key
def guest_invite(request, pk):
    workshop = _facilitated(request, pk)
    form = GuestForm(request.POST)
    if form.is_valid():
        _guest, token = services.invite_guest(
            workshop=workshop, display_name=form.cleaned_data["display_name"], by=request.user
        )
        request.session["new_workshop_link"] = request.build_absolute_uri(
            reverse("sensemaking:join", args=[token])
        )
    else:
        messages.error(request, " ".join(form.errors["display_name"]))
    return redirect("sensemaking:workshop", pk=workshop.pk)


@login_required
@require_POST
def guest_stop(request, pk, guest_pk):
    """A facilitator stops a workshop link: its guest is let in no more."""
    workshop = _facilitated(request, pk)
    guest = get_object_or_404(workshop.guests, pk=guest_pk)
    services.stop_guest_link(guest=guest, by=request.user)
    messages.success(request, f"The link for {guest.display_name} no longer works.")
    return redirect("sensemaking:workshop", pk=workshop.pk)


@never_cache
def guest_join(request, token):
    """Open a workshop link: remember the guest in the session, without the token in the URL."""
    guest = services.find_guest(token)
    if guest is None:
        return render(request, "sensemaking/link_invalid.html", status=404)
    request.session.cycle_key()
    request.session[GUEST_SESSION_KEY] = guest.pk
    return redirect("sensemaking:workshop", pk=guest.workshop_id)


def _story_in(workshop: Workshop, story_pk: int) -> Story:
    return get_object_or_404(
        _workshop_stories(workshop).select_related("current_consent"), pk=story_pk
    )


def _quote_json(quote: Quote) -> dict:
    return {
        "id": quote.pk,
        "story": quote.story_id,
        "char_start": quote.char_start,
        "char_end": quote.char_end,
        "text": quote.display_text,
        "start_seconds": quote.start_seconds,
        "themes": [theme.name for theme in quote.theme_list],
        "theme_ids": [theme.pk for theme in quote.theme_list],
        "by": quote.highlighted_by,
        "note": quote.note,
        "version": quote.version,
    }


def _quotes_for(workshop: Workshop):
    return (
        Quote.objects.usable_in_sensemaking()
        .filter(workshop=workshop)
        .select_related("created_by", "created_by_guest", "story__storyteller")
    )


def _prepared(quotes: list[Quote], project: Project, themes: list[Theme] | None = None):
    """Attach each quote's themes in one query, and hide redacted words.

    Cheaper than prefetch_related("themes"), which builds a queryset per quote.
    """
    by_id = {theme.pk: theme for theme in themes or Theme.objects.filter(project=project)}
    links = defaultdict(list)
    for quote_id, theme_id in QuoteTheme.objects.filter(
        content_object_id__in=[quote.pk for quote in quotes]
    ).values_list("content_object_id", "tag_id"):
        links[quote_id].append(by_id[theme_id])
    for quote in quotes:
        quote.theme_list = sorted(links[quote.pk], key=lambda theme: (theme.position, theme.name))
    return services.hide_redacted_words(quotes)


@never_cache
@once_per_key
def workshop_story(request, pk, story_pk):
    """Listen to a story and read its transcript, with everyone's quotes; highlight here."""
    workshop, visitor = _workshop(request, pk)
    story = _story_in(workshop, story_pk)
    # The text is read only if the cached markup is rebuilt. Quotes were re-anchored when the
    # transcript changed (sensemaking.consequences), not here: a GET writes nothing.
    transcript = (
        Transcript.objects.filter(story=story, is_current=True)
        .defer("text")
        .prefetch_related("redactions")
        .first()
    )
    recording = story.recordings.filter(state=Recording.State.READY).first()
    form = HighlightForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and transcript:
        quote = _save_highlight(request, form, workshop, story, transcript, visitor)
        if quote:
            messages.success(request, "Quote saved.")
            return redirect(request.path)
    # Participants hear the clean copy only; while it is being made, the page says so.
    listening = copy_status(recording, transcript=transcript) if recording else None
    themes = list(Theme.objects.filter(project=workshop.project))
    story_quotes = _quotes_for(workshop).filter(story=story)
    # The list shows the latest quotes (the board has them all); every quote is painted on the
    # transcript from its offsets alone.
    latest = _prepared(list(story_quotes.order_by("-pk")[:LATEST_QUOTES]), workshop.project, themes)
    # Every quote's offsets and theme ids ("3,7", as the script reads them, kept on the quote's
    # row) in one plain read, in transcript order: thousands of quotes cost little to send.
    painted = list(
        story_quotes.order_by("char_start", "pk").values_list(
            "pk", "char_start", "char_end", "theme_ids"
        )
    )
    return render(
        request,
        "sensemaking/workshop_story.html",
        {
            "workshop": workshop,
            "visitor": visitor,
            "story": story,
            "transcript": transcript,
            # The transcript's markup is cached by version and redactions (quotes are painted on
            # it by the script), so its segments are read only when that changes.
            "redaction_key": [(r.pk, r.char_start, r.char_end) for r in transcript.redactions.all()]
            if transcript
            else [],
            "recording": recording,
            "listening": listening,
            "wave": draw_waveform(recording) if listening == CopyStatus.READY else None,
            "quotes": sorted(latest, key=lambda quote: (quote.char_start, quote.pk)),
            "quote_total": len(painted),
            # Compact, as there may be thousands: [id, start, end, theme ids] per quote, and the
            # codebook in its order; a quote's words, note and maker are fetched when opened.
            "quotes_json": {
                "themes": [[theme.pk, theme.name, theme.colour] for theme in themes],
                "quotes": painted,
            },
            "since": (timezone.now() - CHANGES_OVERLAP).isoformat(),
            "themes": themes,
            "form": form,
        },
    )


def _words_in_paragraph(form, transcript) -> tuple[int, int] | None:
    """Find the form's words in its numbered paragraph: their offsets, or None with an error."""
    data = form.cleaned_data
    segments = list(transcript.segments.all()) if transcript else []
    number = data["paragraph"]
    if number > len(segments):
        count = len(segments)
        form.add_error(
            "paragraph",
            f"The transcript has {count} paragraph{pluralize(count)}: "
            f"enter a number from 1 to {count}."
            if count
            else "This story has no transcript to quote from yet.",
        )
        return None
    segment = segments[number - 1]
    words = data["words"].strip()
    # Only words others can see are found: words under a redaction get the same answer as words
    # that are not there, so nobody can confirm a guess at what was redacted.
    hidden = [(r.char_start, r.char_end) for r in transcript.redactions.all()]
    found = segment.text.find(words)
    while found != -1:
        start = segment.char_start + found
        end = start + len(words)
        if not any(low < end and high > start for low, high in hidden):
            return start, end
        found = segment.text.find(words, found + 1)
    form.add_error("words", "Those exact words are not in that paragraph.")
    return None


def _save_highlight(request, form, workshop, story, transcript, visitor) -> Quote | None:
    """Save a quote from the form; the no-JavaScript path finds the words in a paragraph."""
    data = form.cleaned_data
    start, end = data.get("char_start"), data.get("char_end")
    if start is None or end is None:
        found = _words_in_paragraph(form, transcript)
        if found is None:
            return None
        start, end = found
    try:
        return services.highlight(
            workshop=workshop,
            story=story,
            char_start=start,
            char_end=end,
            theme_names=form.theme_names(),
            note=data.get("note", ""),
            user=visitor.user,
            guest=visitor.guest,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@require_POST
def quote_create(request, pk, story_pk):
    """Save a highlight sent by the page's script as JSON; answer with the quote."""
    workshop, visitor = _workshop(request, pk)
    # highlight() checks that the story is in this workshop and still usable.
    story = Story(pk=story_pk)
    try:
        payload = json.loads(request.body or b"{}")
    except json.JSONDecodeError:
        return JsonResponse({"error": "The request was not understood."}, status=400)
    themes = payload.get("themes") or []
    form = HighlightForm(
        {
            "char_start": payload.get("char_start"),
            "char_end": payload.get("char_end"),
            "themes": ",".join(str(name) for name in themes),
            "note": payload.get("note", ""),
        }
    )
    quote = (
        _save_highlight(request, form, workshop, story, None, visitor) if form.is_valid() else None
    )
    if quote is None:
        errors = [message for messages_ in form.errors.values() for message in messages_]
        status = 404 if form.has_error(NON_FIELD_ERRORS, "story_unusable") else 400
        return JsonResponse({"error": " ".join(errors) or "Select some words."}, status=status)
    return JsonResponse({"quote": _quote_json(quote)}, status=201)


# ---- Opening, changing, removing and restoring a quote ------------------------------------------
# Each answers the page's script with JSON, and a form without JavaScript with a page.


def _may_change(visitor: Visitor, quote: Quote) -> bool:
    """Whether the visitor may change or remove the quote: its maker, or who runs the workshop."""
    return visitor.is_facilitator or quote.is_made_by(user=visitor.user, guest=visitor.guest)


def _may_restore(visitor: Visitor, quote: Quote) -> bool:
    """Whether the visitor may see and bring back a removed quote: a quote a facilitator removed
    comes back only by someone who runs the workshop."""
    if quote.removed_by_facilitator:
        return visitor.is_facilitator
    return _may_change(visitor, quote)


def _quote_in(workshop: Workshop, visitor: Visitor, quote_pk: int) -> Quote:
    """Return a quote of this workshop whose story's consent allows sense-making, or 404.

    A removed quote is found only by those who may restore it.
    """
    quote = get_object_or_404(
        Quote.all_objects.usable_in_sensemaking()
        .filter(workshop=workshop)
        .select_related("created_by", "created_by_guest", "story"),
        pk=quote_pk,
    )
    if quote.removed_at is not None and not _may_restore(visitor, quote):
        raise Http404
    return quote


def _changeable(request, pk: int, quote_pk: int) -> tuple[Workshop, Visitor, Quote]:
    workshop, visitor = _workshop(request, pk)
    quote = _quote_in(workshop, visitor, quote_pk)
    if not _may_change(visitor, quote):
        raise PermissionDenied("Only the person who made a quote, or a facilitator, can change it.")
    return workshop, visitor, quote


def _wants_json(request) -> bool:
    return "application/json" in (request.content_type or "") or "application/json" in (
        request.headers.get("Accept", "")
    )


def _quote_details(quote: Quote, visitor: Visitor) -> dict:
    details = _quote_json(quote)
    details.update(
        removed=quote.removed_at is not None,
        can_change=_may_change(visitor, quote),
        story_title=quote.story.title,
    )
    return details


def _segment_of(quote: Quote) -> Segment | None:
    """The paragraph a quote starts in, to take the reader back to it."""
    return (
        Segment.objects.filter(transcript_id=quote.transcript_id, char_start__lte=quote.char_start)
        .order_by("-char_start")
        .only("index")
        .first()
    )


def _transcript_place(workshop: Workshop, quote: Quote) -> str:
    segment = _segment_of(quote)
    place = f"#segment-{segment.index}" if segment else ""
    return f"{reverse('sensemaking:story', args=[workshop.pk, quote.story_id])}{place}"


@never_cache
def quote_detail(request, pk, quote_pk):
    """A quote's words, themes, note and maker; its maker and facilitators change it here."""
    workshop, visitor = _workshop(request, pk)
    quote = _quote_in(workshop, visitor, quote_pk)
    themes = list(Theme.objects.filter(project=workshop.project))
    _prepared([quote], workshop.project, themes)
    if request.method == "GET" and _wants_json(request):
        return JsonResponse({"quote": _quote_details(quote, visitor)})
    form = None
    stale = False
    if _may_change(visitor, quote) and quote.removed_at is None:
        initial = {
            "version": quote.version,
            "themes": ", ".join(theme.name for theme in quote.theme_list),
            "note": quote.note,
        }
        form = QuoteEditForm(request.POST or None, initial=initial)
    elif request.method == "POST":
        raise PermissionDenied("Only the person who made a quote, or a facilitator, can change it.")
    if request.method == "POST" and form is not None:
        if _wants_json(request):
            return _edit_quote_json(request, workshop, visitor, quote)
        if form.is_valid():
            try:
                changed = _edit_quote(form, workshop, visitor, quote)
            except services.StaleEdit as error:
                stale = True
                current = _prepared([error.current], workshop.project, themes)[0]
                quote = current
                form = QuoteEditForm(
                    initial={
                        "version": current.version,
                        "themes": ", ".join(theme.name for theme in current.theme_list),
                        "note": current.note,
                    }
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if changed is not None:
                    messages.success(request, "Quote changed.")
                    return redirect(_transcript_place(workshop, changed))
    return render(
        request,
        "sensemaking/quote.html",
        {
            "workshop": workshop,
            "visitor": visitor,
            "quote": quote,
            "form": form,
            "stale": stale,
            "themes": themes,
            "back": _transcript_place(workshop, quote),
        },
    )


def _edit_quote(
    form, workshop: Workshop, visitor: Visitor, quote: Quote, given=("themes", "note")
) -> Quote | None:
    """Change the quote from a valid form; new words are found in their paragraph.

    Only the fields `given` change (the script may send only new words).
    """
    data = form.cleaned_data
    start, end = data.get("char_start"), data.get("char_end")
    if (start is None or end is None) and (data.get("words") or "").strip():
        transcript = Transcript.objects.filter(story_id=quote.story_id, is_current=True).first()
        found = _words_in_paragraph(form, transcript)
        if found is None:
            return None
        start, end = found
    return services.edit_quote(
        quote=quote,
        expected_version=data["version"],
        theme_names=form.theme_names() if "themes" in given else None,
        note=data.get("note", "") if "note" in given else None,
        char_start=start,
        char_end=end,
        user=visitor.user,
        guest=visitor.guest,
    )


def _edit_quote_json(request, workshop: Workshop, visitor: Visitor, quote: Quote):
    try:
        payload = json.loads(request.body or b"{}")
    except json.JSONDecodeError:
        return JsonResponse({"error": "The request was not understood."}, status=400)
    themes = payload.get("themes") or []
    form = QuoteEditForm(
        {
            "version": payload.get("version"),
            "char_start": payload.get("char_start"),
            "char_end": payload.get("char_end"),
            "themes": ",".join(str(name) for name in themes),
            "note": payload.get("note", ""),
        }
    )
    try:
        given = [name for name in ("themes", "note") if name in payload]
        changed = _edit_quote(form, workshop, visitor, quote, given) if form.is_valid() else None
    except services.StaleEdit as error:
        current = _prepared([error.current], workshop.project)[0]
        return JsonResponse(
            {
                "error": "Someone else changed this quote while you were editing it. "
                "Here it is as they left it.",
                "quote": _quote_details(current, visitor),
            },
            status=409,
        )
    except ValidationError as error:
        form.add_error(None, error)
        changed = None
    if changed is None:
        errors = [message for messages_ in form.errors.values() for message in messages_]
        return JsonResponse({"error": " ".join(errors) or "Check the quote."}, status=400)
    _prepared([changed], workshop.project)
    return JsonResponse({"quote": _quote_details(changed, visitor)})


@require_POST
def quote_remove(request, pk, quote_pk):
    """Remove a quote (its maker or a facilitator); Undo brings it back."""
    workshop, visitor, quote = _changeable(request, pk, quote_pk)
    quote = services.remove_quote(
        quote=quote, user=visitor.user, guest=visitor.guest, as_facilitator=visitor.is_facilitator
    )
    if _wants_json(request):
        return JsonResponse({"quote": {"id": quote.pk, "removed": True, "version": quote.version}})
    messages.success(request, "Quote removed.")
    return redirect("sensemaking:quote", pk=workshop.pk, quote_pk=quote.pk)


@require_POST
def quote_restore(request, pk, quote_pk):
    """Undo a removal: the quote comes back with its themes, note and findings."""
    workshop, visitor, quote = _changeable(request, pk, quote_pk)
    quote = services.restore_quote(
        quote=quote, user=visitor.user, guest=visitor.guest, as_facilitator=visitor.is_facilitator
    )
    if _wants_json(request):
        _prepared([quote], workshop.project)
        return JsonResponse({"quote": _quote_details(quote, visitor)})
    messages.success(request, "Quote restored.")
    return redirect(_transcript_place(workshop, quote))


@never_cache
def workshop_updates(request, pk):
    """Return quotes newer than ?after=<id>, and the codebook, for pages that poll."""
    workshop, _visitor = _workshop(request, pk)
    quotes = _quotes_for(workshop).filter(pk__gt=_whole_number(request.GET.get("after")) or 0)
    if (story_pk := _whole_number(request.GET.get("story"))) is not None:
        quotes = quotes.filter(story_id=story_pk)
    themes = list(Theme.objects.filter(project=workshop.project))
    now = timezone.now()
    return JsonResponse(
        {
            "quotes": [
                _quote_json(quote)
                for quote in _prepared(list(quotes.order_by("pk")), workshop.project, themes)
            ],
            "changed": _changed_quotes(request, workshop, themes),
            # Changes saved by transactions still running as this is read are seen next time.
            "since": (now - CHANGES_OVERLAP).isoformat(),
            "themes": [
                {"id": theme.pk, "name": theme.name, "colour": theme.colour} for theme in themes
            ],
        }
    )


def _changed_quotes(request, workshop: Workshop, themes: list[Theme]) -> list[dict]:
    """Quotes changed, removed or restored since ?since=, for pages that poll."""
    try:
        since = datetime.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        return []
    if timezone.is_naive(since):
        return []
    changed = Quote.all_objects.usable_in_sensemaking().filter(
        workshop=workshop, changed_at__gt=since
    )
    if (story_pk := _whole_number(request.GET.get("story"))) is not None:
        changed = changed.filter(story_id=story_pk)
    changed = list(changed.select_related("created_by", "created_by_guest").order_by("pk"))
    kept = _prepared(
        [quote for quote in changed if quote.removed_at is None], workshop.project, themes
    )
    removed = [
        {"id": quote.pk, "story": quote.story_id, "removed": True, "version": quote.version}
        for quote in changed
        if quote.removed_at is not None
    ]
    return [_quote_json(quote) for quote in kept] + removed


# The forms of a recording a workshop plays: never the original, and the waveform is drawn
# into the page.
WORKSHOP_FORMS = {form.value: form for form in (MediaForm.MP3, MediaForm.OPUS, MediaForm.VIDEO)}


def workshop_media(request, pk, story_pk, form=MediaForm.MP3.value):
    """Stream a clean copy of a workshop story's recording (sound, or the video's picture and
    sound) to the people taking part: the workshop surface lets them see a video wherever it
    lets them hear it (stories.access)."""
    if form not in WORKSHOP_FORMS:
        raise Http404
    workshop, _visitor = _workshop(request, pk)
    story = _story_in(workshop, story_pk)
    recording = get_object_or_404(
        Recording.objects.filter(story=story, state=Recording.State.READY).order_by("pk")[:1]
    )
    heard = file_to_hear(recording, form=WORKSHOP_FORMS[form])
    if heard is None:
        return not_ready_response(recording)
    return stream_file(request, heard.file, heard.media_type)


def _chosen_coder(coders: list[agreement.Coder], value: str, visitor: Visitor):
    """The coder a board address names ("me", "user-12", "guest-3"), if they coded here."""
    key = visitor.coder_key if value == "me" else value
    return next((coder for coder in coders if coder.key == key), None)


@never_cache
def board(request, pk):
    """Every theme with its quotes, counts of quotes and storytellers, co-occurrence, findings.

    Also who coded what: the quotes of one coder (?coder=), and how far two coders agree
    (?first=&second=, see sensemaking.agreement).
    """
    workshop, visitor = _workshop(request, pk)
    quotes = _quotes_for(workshop)
    coders = agreement.coders(quotes)
    story_filter = request.GET.get("story", "")
    if (story_pk := _whole_number(story_filter)) is not None:
        quotes = quotes.filter(story_id=story_pk)
    # Only curators may filter by storytellers' special-category answers (the storyteller form
    # promises that only they see them), and even they see no group smaller than the threshold.
    # A group is too small if it, or the rest of the storytellers beside it, is under the
    # threshold (a group of all but two says as much about those two).
    curates = visitor.is_curator
    applied = {}
    everyone = quotes
    if curates:
        for name in BOARD_FILTERS:
            value = request.GET.get(name, "")
            if value:
                quotes = quotes.filter(**{f"story__storyteller__{name}": value})
                applied[name] = value
    too_few = False
    if applied:
        group = quotes.values("story__storyteller").distinct().count()
        rest = everyone.values("story__storyteller").distinct().count() - group
        too_few = min(group, rest) < settings.REPORT_SMALL_NUMBER
    if too_few:
        quotes = quotes.none()
    themes = list(
        Theme.objects.filter(project=workshop.project).prefetch_related(
            Prefetch("findings", queryset=Finding.objects.filter(workshop=workshop))
        )
    )
    # Two coders are compared on every quote the board may show, whoever's quotes it lists.
    first = _chosen_coder(coders, request.GET.get("first", ""), visitor)
    second = _chosen_coder(coders, request.GET.get("second", ""), visitor)
    comparison = (
        agreement.compare(quotes, first, second, themes)
        if first and second and first != second
        else None
    )
    coder = _chosen_coder(coders, request.GET.get("coder", ""), visitor)
    if coder:
        quotes = quotes.filter(coder.made())
    # One read of every quote–theme link gives the counts, the quotes shown per theme and the
    # co-occurrence table (three aggregate queries cost more than this at 2,000 quotes).
    links = list(
        QuoteTheme.objects.filter(content_object__in=quotes.values("pk")).values_list(
            "tag_id",
            "content_object_id",
            "content_object__is_key",
            "content_object__story__storyteller_id",
        )
    )
    counts: dict[int, dict] = {}
    themes_of: dict[int, list[int]] = defaultdict(list)
    for tag_id, quote_id, _key, storyteller_id in links:
        count = counts.setdefault(tag_id, {"total": 0, "storytellers": set()})
        count["total"] += 1
        count["storytellers"].add(storyteller_id)
        themes_of[quote_id].append(tag_id)
    # The board shows key quotes first, then the latest, a few per theme; one theme's own view
    # (?theme=) shows all of its quotes.
    theme_filter = request.GET.get("theme", "")
    chosen = _whole_number(theme_filter)
    per_theme: dict[int, list[int]] = defaultdict(list)
    for tag_id, quote_id, _key, _storyteller in sorted(
        links, key=lambda link: (not link[2], -link[1])
    ):
        if tag_id == chosen or len(per_theme[tag_id]) < QUOTES_PER_THEME:
            per_theme[tag_id].append(quote_id)
    shown_links = [
        (tag_id, quote_id) for tag_id, quote_ids in per_theme.items() for quote_id in quote_ids
    ]
    supporting = Finding.quotes.through.objects.filter(
        finding__workshop=workshop, quote__in=quotes.values("pk")
    ).values_list("finding_id", "quote_id")
    wanted = {quote_id for _tag, quote_id in shown_links} | {q for _f, q in supporting}
    # The board names no quote's themes, so unlike _prepared() it reads no theme links again.
    shown = {
        quote.pk: quote
        for quote in services.hide_redacted_words(
            list(
                _with_reportable(quotes.filter(pk__in=wanted))
                .select_related(None)
                .select_related("created_by", "created_by_guest", "story")
                .only(*BOARD_QUOTE_FIELDS)
            )
        )
    }
    # Each quote under each of its themes: its anchor and, if this visitor may move it, the
    # address of the no-JavaScript move form, both written here as the template language would
    # spend several milliseconds joining them for a full board.
    move_url = reverse("sensemaking:quote-move", args=[workshop.pk])
    by_theme: dict[int, list[tuple[str, Quote, str]]] = {}
    for tag_id, quote_id in shown_links:
        quote = shown[quote_id]
        move = f"{move_url}?quote={quote_id}&from={tag_id}" if visitor.may_recode(quote) else ""
        by_theme.setdefault(tag_id, []).append((f"theme-{tag_id}-quote-{quote_id}", quote, move))
    # The journal is the memo without a theme; each theme has at most one memo here.
    memos = {
        memo.theme_id: memo
        for memo in Memo.objects.filter(workshop=workshop).exclude(text="").only(*MEMO_FIELDS)
    }
    support: dict[int, list[Quote]] = {}
    for finding_id, quote_id in supporting:
        support.setdefault(finding_id, []).append(shown[quote_id])
    rows = []
    for theme in themes:
        for finding in theme.findings.all():
            finding.shown_quotes = support.get(finding.pk, [])
        count = counts.get(theme.pk, {"total": 0, "storytellers": set()})
        rows.append(
            {
                "theme": theme,
                "quotes": by_theme.get(theme.pk, []),
                "total": count["total"],
                "storytellers": len(count["storytellers"]),
                "findings": theme.findings.all(),
                "memo": memos.get(theme.pk),
            }
        )
    used = [row["theme"] for row in rows if row["total"]]
    if chosen is not None:
        rows = [row for row in rows if row["theme"].pk == chosen]
        empty = []
    else:
        # Themes with neither quotes nor findings here are folded away under one disclosure.
        empty = [row for row in rows if not row["total"] and not row["findings"]]
        rows = [row for row in rows if row["total"] or row["findings"]]
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    for tag_ids in themes_of.values():
        for first_tag, second_tag in combinations(sorted(set(tag_ids)), 2):
            pairs[(first_tag, second_tag)] += 1
    together = {
        row_theme: [
            pairs.get(tuple(sorted((row_theme.pk, col.pk))), 0) if col != row_theme else None
            for col in used
        ]
        for row_theme in used
    }
    # Up to 900 cells: joined here, as the template language would spend tens of ms on them.
    matrix = [
        (
            row_theme,
            row,
            format_html_join("", "<td>{}</td>", (("–" if n is None else n,) for n in row)),
        )
        for row_theme, row in together.items()
    ]
    withdrawn = (
        Quote.objects.withdrawn_from_sensemaking().filter(workshop=workshop).count()
        if visitor.is_facilitator
        else 0
    )
    return render(
        request,
        "sensemaking/board.html",
        {
            "workshop": workshop,
            "visitor": visitor,
            "rows": rows,
            "empty": empty,
            "themes": themes,
            "used": used,
            "matrix": matrix,
            "withdrawn": withdrawn,
            "stories": _workshop_stories(workshop),
            "story_filter": story_filter,
            "theme_filter": chosen,
            "filter_choices": _filter_choices(applied) if curates else [],
            "applied": applied,
            "coders": coders,
            "coder": coder,
            "coder_filter": request.GET.get("coder", ""),
            "comparison": comparison,
            "first": first,
            "second": second,
            "filtered": bool(story_filter or applied or coder),
            "too_few": too_few,
            "small_number": settings.REPORT_SMALL_NUMBER,
            "finding_form": FindingForm(),
            "journal": memos.get(None),
            "move_url": move_url,
        },
    )


def _with_reportable(quotes):
    """Say of each quote whether a report may print it, so facilitators know when choosing."""
    return quotes.annotate(
        reportable=ExpressionWrapper(
            USES[Use.REPORT].condition(prefix="story__"), output_field=BooleanField()
        )
    )


def _filter_choices(applied: dict) -> list[tuple[str, str, list, str]]:
    """Return the storyteller filters a facilitator may use, with the value chosen for each."""
    filters = [
        ("age_band", "Age band", choices.AGE_BANDS),
        ("gender", "Gender", choices.GENDERS),
        ("ethnicity", "Ethnicity", choices.ETHNICITIES),
        ("disability", "Disabled", choices.YES_NO),
        ("lgbtqia", "LGBTQIA+", choices.YES_NO),
    ]
    return [(name, label, options, applied.get(name, "")) for name, label, options in filters]


@require_POST
def quote_key(request, pk):
    """Mark a quote as key, or not: the board's buttons send `key` or `unkey` with its id."""
    workshop = _facilitated(request, pk)
    is_key = "key" in request.POST
    quote_pk = _whole_number(request.POST.get("key" if is_key else "unkey"))
    quote = get_object_or_404(_quotes_for(workshop), pk=quote_pk or 0)
    theme_pk = _whole_number(request.POST.get("theme"))
    from_quote_page = request.POST.get("back") == "quote"
    try:
        services.mark_key_quote(
            quote=quote, is_key=is_key, by=request.user, use_anyway="use_anyway" in request.POST
        )
    except ValidationError as error:
        # Credited anonymously, but its public story names the storyteller: ask first.
        return render(
            request,
            "sensemaking/quote_key_confirm.html",
            {
                "workshop": workshop,
                "quote": services.hide_redacted_words([quote])[0],
                "warning": " ".join(error.messages),
                "theme_pk": theme_pk,
                "back": "quote" if from_quote_page else "",
                "not_ticked": "confirming" in request.POST,
                "use_anyway": USE_ANYWAY,
            },
        )
    if from_quote_page:
        return redirect("sensemaking:quote", pk=workshop.pk, quote_pk=quote.pk)
    # Back to the quote in the theme whose button was pressed (a quote is under each of its themes).
    where = f"#theme-{theme_pk}-quote-{quote.pk}" if theme_pk else ""
    return redirect(f"{reverse('sensemaking:board', args=[workshop.pk])}{where}")


@never_cache
def quote_move(request, pk):
    """Move or copy a quote (?quote=<id>, or posted) from one of its themes to another.

    The board's picker and drag and drop post here and are answered in JSON; without
    JavaScript, the board links to this page's form (&from=<theme id>). The quote's id is not
    in the path, so the board writes its links without reversing a URL per quote.
    """
    workshop, visitor = _workshop(request, pk)
    quote_pk = _whole_number(request.POST.get("quote") or request.GET.get("quote"))
    quote = get_object_or_404(
        _quotes_for(workshop).select_related("workshop__project", "story"), pk=quote_pk or 0
    )
    if not visitor.may_recode(quote):
        raise Http404
    themes = Theme.objects.filter(project=workshop.project)
    form = MoveQuoteForm(request.POST or None, quote=quote, themes=themes)
    answer_json = "application/json" in request.headers.get("Accept", "")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        copy = data["action"] == "copy"
        try:
            services.move_quote(
                quote=quote,
                from_theme=data["from_theme"],
                to_theme=data["theme"],
                copy=copy,
                by=visitor.user,
                guest=visitor.guest,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = f"Quote {'copied' if copy else 'moved'} to “{data['theme'].name}”."
            if answer_json:
                return JsonResponse({"message": done, "theme": data["theme"].pk})
            messages.success(request, done)
            board_url = reverse("sensemaking:board", args=[workshop.pk])
            return redirect(f"{board_url}#theme-{data['theme'].pk}")
    if request.method == "POST":
        if answer_json:
            problems = [message for field in form.errors.values() for message in field]
            return JsonResponse({"error": " ".join(problems)}, status=400)
        from_theme = form.cleaned_data.get("from_theme")
    else:
        from_theme = get_object_or_404(
            form.fields["from_theme"].queryset, pk=_whole_number(request.GET.get("from")) or 0
        )
        form.initial = {"from_theme": from_theme.pk, "action": "move"}
    return render(
        request,
        "sensemaking/quote_move.html",
        {
            "workshop": workshop,
            "visitor": visitor,
            "quote": services.hide_redacted_words([quote])[0],
            "from_theme": from_theme,
            "form": form,
        },
    )


def _theme_in(workshop: Workshop, theme_pk: int) -> Theme:
    return get_object_or_404(Theme.objects.filter(project=workshop.project), pk=theme_pk)


def theme_edit(request, pk, theme_pk):
    """Rename or describe a theme; a second editor is shown the newer version, not overwritten."""
    workshop = _facilitated(request, pk)
    theme = _theme_in(workshop, theme_pk)
    form = ThemeForm(request.POST or None, instance=theme, initial={"version": theme.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_theme(
                theme=theme,
                expected_version=data["version"],
                by=request.user,
                name=data["name"],
                description=data["description"],
                colour=data["colour"],
                parent=data["parent"],
            )
        except services.StaleEdit as error:
            stale = error.current
            form = ThemeForm(instance=stale, initial={"version": stale.version})
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, "Theme saved.")
            return redirect("sensemaking:board", pk=workshop.pk)
    return render(
        request,
        "sensemaking/theme_form.html",
        {
            "workshop": workshop,
            "theme": theme,
            "form": form,
            "stale": stale,
            "merge_form": MergeForm(theme=theme),
            "quotes": _prepared(
                list(_quotes_for(workshop).filter(theme_links__tag=theme)), workshop.project
            ),
        },
    )


@require_POST
def theme_merge(request, pk, theme_pk):
    workshop = _facilitated(request, pk)
    theme = _theme_in(workshop, theme_pk)
    form = MergeForm(request.POST, theme=theme)
    if form.is_valid():
        target = services.merge_themes(
            source=theme, target=form.cleaned_data["target"], by=request.user
        )
        messages.success(request, f"Merged into “{target.name}”.")
    else:
        messages.error(request, "Choose the theme to merge into.")
    return redirect("sensemaking:board", pk=workshop.pk)


@require_POST
@once_per_key
def theme_split(request, pk, theme_pk):
    workshop = _facilitated(request, pk)
    theme = _theme_in(workshop, theme_pk)
    form = SplitForm(request.POST)
    chosen = [_whole_number(value) for value in request.POST.getlist("quotes")]
    ids = [quote_pk for quote_pk in chosen if quote_pk is not None]
    quotes = list(_quotes_for(workshop).filter(pk__in=ids, themes=theme))
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["new_name"]))
    elif not quotes:
        messages.error(request, "Choose the quotes that move to the new theme.")
    else:
        name = form.cleaned_data["new_name"]
        try:
            new = services.split_theme(theme=theme, new_name=name, quotes=quotes, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{len(quotes)} quote(s) moved to “{new.name}”.")
    return redirect("sensemaking:board", pk=workshop.pk)


@require_POST
def theme_move(request, pk, theme_pk):
    """Move a theme up or down the codebook."""
    workshop = _facilitated(request, pk)
    themes = list(Theme.objects.filter(project=workshop.project))
    theme = _theme_in(workshop, theme_pk)
    index = themes.index(theme)
    step = -1 if request.POST.get("direction") == "up" else 1
    if 0 <= index + step < len(themes):
        themes[index], themes[index + step] = themes[index + step], themes[index]
        services.reorder_themes(project=workshop.project, ordered=themes)
    return redirect(f"{reverse('sensemaking:board', args=[workshop.pk])}#theme-{theme.pk}")


@require_POST
@once_per_key
def finding_create(request, pk, theme_pk):
    workshop, visitor = _workshop(request, pk)
    theme = _theme_in(workshop, theme_pk)
    form = FindingForm(request.POST)
    chosen = [_whole_number(value) for value in request.POST.getlist("quotes")]
    ids = [quote_pk for quote_pk in chosen if quote_pk is not None]
    quotes = list(_with_reportable(_quotes_for(workshop).filter(pk__in=ids)))
    if not form.is_valid():
        # Shown again with its message beside the words, and the quotes chosen still ticked.
        return render(
            request,
            "sensemaking/finding_form.html",
            {
                "workshop": workshop,
                "theme": theme,
                "form": form,
                "chosen": services.hide_redacted_words(quotes),
            },
        )
    services.write_finding(
        workshop=workshop,
        theme=theme,
        statement=form.cleaned_data["statement"],
        quotes=quotes,
        by=visitor.user,
    )
    messages.success(request, "Finding added.")
    return redirect(f"{reverse('sensemaking:board', args=[workshop.pk])}#theme-{theme.pk}")


def finding_edit(request, pk, finding_pk):
    workshop, _visitor = _workshop(request, pk)
    finding = get_object_or_404(Finding.objects.filter(workshop=workshop), pk=finding_pk)
    form = FindingForm(
        request.POST or None,
        initial={"statement": finding.statement, "version": finding.version},
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.update_finding(
                finding=finding,
                expected_version=form.cleaned_data["version"] or 0,
                statement=form.cleaned_data["statement"],
            )
        except services.StaleEdit as error:
            stale = error.current
            form = FindingForm(initial={"statement": stale.statement, "version": stale.version})
        else:
            messages.success(request, "Finding saved.")
            return redirect("sensemaking:board", pk=workshop.pk)
    return render(
        request,
        "sensemaking/finding_form.html",
        {"workshop": workshop, "finding": finding, "form": form, "stale": stale},
    )


@require_POST
def finding_move(request, pk, finding_pk):
    """Move a finding up or down, in the order the group chooses."""
    workshop, _visitor = _workshop(request, pk)
    finding = get_object_or_404(Finding.objects.filter(workshop=workshop), pk=finding_pk)
    services.move_finding(finding=finding, step=-1 if request.POST.get("direction") == "up" else 1)
    return redirect(f"{reverse('sensemaking:board', args=[workshop.pk])}#theme-{finding.theme_id}")


def guest_leave(request):
    request.session.pop(GUEST_SESSION_KEY, None)
    return redirect("home")

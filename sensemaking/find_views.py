"""Find and note in a workshop: search its quotes and transcripts, write its journal and memos.

Everyone taking part may search and read the memos; facilitators (and curators) write them.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from sensemaking import search, services
from sensemaking.forms import MemoForm, WorkshopSearchForm
from sensemaking.models import Memo, Theme, Workshop
from sensemaking.views import _prepared, _quotes_for, _theme_in, _workshop

PAGE_SIZE = 20


def _page_link(request, name: str, number: int) -> str:
    """The address of this search with one of its two lists on another page."""
    params = {key: request.GET.get(key, "") for key in ("q", "quotes_page", "passages_page")}
    params[name] = number
    return "?" + urlencode({key: value for key, value in params.items() if value})


@never_cache
def workshop_search(request, pk):
    """Quotes and transcript passages of this workshop matching the words asked for."""
    workshop, visitor = _workshop(request, pk)
    form = WorkshopSearchForm(request.GET if "q" in request.GET else None)
    context = {"workshop": workshop, "visitor": visitor, "form": form}
    if form.is_valid():
        query = form.cleaned_data["q"]
        quotes = _quotes_for(workshop)
        found = search.find(workshop, quotes, query)
        quote_page = Paginator(found.quotes, PAGE_SIZE).get_page(request.GET.get("quotes_page"))
        passage_page = Paginator(found.passages, PAGE_SIZE).get_page(
            request.GET.get("passages_page")
        )
        ids = list(quote_page.object_list)
        read = search.with_paragraph(quotes.filter(pk__in=ids)).in_bulk()
        shown = _prepared([read[pk] for pk in ids if pk in read], workshop.project)
        context.update(
            query=query,
            quote_page=quote_page,
            quotes=search.mark_quotes(shown, query),
            passage_page=passage_page,
            passages=search.passage_page(list(passage_page.object_list), query),
            links={
                name: {
                    "previous": _page_link(request, name, page.previous_page_number())
                    if page.has_previous()
                    else None,
                    "next": _page_link(request, name, page.next_page_number())
                    if page.has_next()
                    else None,
                }
                for name, page in (("quotes_page", quote_page), ("passages_page", passage_page))
            },
        )
    return render(request, "sensemaking/workshop_search.html", context)


def _memo_page(request, workshop: Workshop, visitor, theme: Theme | None):
    """Show a memo and its versions; facilitators save it without losing anyone’s words."""
    memo = (
        Memo.objects.filter(workshop=workshop, theme=theme)
        .prefetch_related("versions__written_by")
        .first()
    )
    if request.method == "POST" and not visitor.is_facilitator:
        raise Http404
    current_version = memo.version if memo else 0
    form = MemoForm(
        request.POST if request.method == "POST" else None,
        initial={"text": memo.text if memo else "", "version": current_version},
    )
    form.fields["text"].label = f"Memo on {theme.name}" if theme else "Workshop journal"
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            services.write_memo(
                workshop=workshop,
                theme=theme,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"] or 0,
                by=request.user,
            )
        except services.StaleEdit as error:
            # Their words stay in the box; the newer version is shown above it to copy from.
            stale = error.current
            form = MemoForm(
                data={"text": form.cleaned_data["text"], "version": stale.version},
            )
            form.fields["text"].label = f"Memo on {theme.name}" if theme else "Workshop journal"
            form.is_valid()
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, "Memo saved." if theme else "Journal saved.")
            where = f"#theme-{theme.pk}" if theme else "#journal"
            return redirect(f"{reverse('sensemaking:board', args=[workshop.pk])}{where}")
    return render(
        request,
        "sensemaking/memo_form.html",
        {
            "workshop": workshop,
            "visitor": visitor,
            "theme": theme,
            "memo": memo,
            "versions": list(memo.versions.all()) if memo else [],
            "form": form,
            "stale": stale,
        },
    )


@never_cache
def journal(request, pk):
    """The workshop's journal: one running memo about the workshop as a whole."""
    workshop, visitor = _workshop(request, pk)
    return _memo_page(request, workshop, visitor, None)


@never_cache
def theme_memo(request, pk, theme_pk):
    """The workshop's memo on one theme."""
    workshop, visitor = _workshop(request, pk)
    return _memo_page(request, workshop, visitor, _theme_in(workshop, theme_pk))

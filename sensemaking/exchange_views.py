"""Files in and out of sense-making: a workshop's quotes, the codebook as a table, and coded
projects from other QDA tools."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from sensemaking import workshop_exports
from sensemaking.forms import QuotesDownloadForm
from sensemaking.views import _facilitated


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
    export = workshop_exports.quotes_by_theme(workshop, theme=theme)
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

"""Anonymity that holds: a quote credited anonymously whose public story names its storyteller.

The facilitator is asked before such a quote becomes a key quote or an extract, and no rendering
of the report links to or names that story.
"""

import io
import subprocess

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from sensemaking import services
from sensemaking.anonymity import ANONYMOUS, USE_ANYWAY, traceable_story_ids
from sensemaking.models import Quote, ReportFile
from sensemaking.reports import compile_report
from sensemaking.tasks import make_playlist, render_report_pdf
from stories.models import AuditEvent, Story
from tests.factories import ALL_SCOPES, highlight_phrase, make_storyteller
from tests.sensemaking.test_report_extracts import (
    KEY,
    OTHER,
    cut_every_clip,
    latest,
    press,
    timed_story,
    tone,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.django_db

TITLE = "Summer at Brook Farm"
UNCREDITED = {**ALL_SCOPES, "quote_credited": False}  # quoted anonymously, named on the story


@pytest.fixture
def traceable(team, tone):  # noqa: F811
    """A workshop on a public story that names its storyteller, who is quoted anonymously."""
    story = timed_story(team, tone, scopes=UNCREDITED, title=TITLE)
    workshop = services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    (theme,) = services.themes_named(team.project, ["Home"])
    quote = highlight_phrase(workshop, story, KEY, [theme], by=team.facilitator)
    other = highlight_phrase(workshop, story, OTHER, [theme], by=team.facilitator)
    return story, workshop, theme, quote, other


def test_one_rule_says_which_stories_could_name_their_storytellers(team):
    def story(scopes, *, publish=True, credit="pseudonym"):
        fields = {"credit_preference": credit, "credit_name": "" if credit == "anonymous" else "Jo"}
        storyteller = make_storyteller(team.project, team.interviewer, **fields)
        made = timed_story(team, None, scopes=scopes, publish=publish)
        Story.objects.filter(pk=made.pk).update(storyteller=storyteller)
        return Story.objects.select_related("storyteller", "current_consent").get(pk=made.pk)

    named_public = story(UNCREDITED)
    credited = story(ALL_SCOPES)  # credited by name in the report too: nothing to trace
    not_public = story(UNCREDITED, publish=False)  # nothing public names them
    anonymous = story(UNCREDITED, credit="anonymous")  # the public story names nobody
    stories = [named_public, credited, not_public, anonymous]
    assert traceable_story_ids(stories) == {named_public.pk}
    compiled_ids = {
        quote.story_id for quote in compile_report_quotes(team, stories) if quote.traceable
    }
    assert compiled_ids == {named_public.pk}  # the report asks the same function


def compile_report_quotes(team, stories):
    workshop = services.create_workshop(
        project=team.project, title="All", by=team.facilitator, stories=stories
    )
    (theme,) = services.themes_named(team.project, ["All"])
    for story in stories:
        highlight_phrase(workshop, story, KEY, [theme], by=team.facilitator)
    version = services.create_report(project=team.project, title="All", by=team.facilitator)
    return compile_report(version).quotes


def key_url(workshop):
    return reverse("sensemaking:quote-key", args=[workshop.pk])


def edits() -> int:
    return AuditEvent.objects.filter(action=AuditEvent.Action.QUOTE_EDITED).count()


def test_the_board_asks_before_such_a_quote_becomes_a_key_quote(client, team, traceable):
    story, workshop, theme, quote, _other = traceable
    client.force_login(team.facilitator)
    response = client.post(key_url(workshop), {"key": quote.pk, "theme": theme.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This quote could name its storyteller" in html and "public story names them" in html
    assert USE_ANYWAY in html and KEY in html
    assert not Quote.objects.get(pk=quote.pk).is_key and edits() == 0

    # Sent again without ticking the box: asked again, with the reason, and nothing changes.
    response = client.post(key_url(workshop), {"key": quote.pk, "confirming": "1"})
    assert "Tick the box to mark it as a key quote" in response.content.decode()
    assert not Quote.objects.get(pk=quote.pk).is_key and edits() == 0

    data = {"key": quote.pk, "theme": theme.pk, "confirming": "1", "use_anyway": "1"}
    response = client.post(key_url(workshop), data)
    board = reverse("sensemaking:board", args=[workshop.pk])
    assert response["Location"] == f"{board}#theme-{theme.pk}-quote-{quote.pk}"
    assert Quote.objects.get(pk=quote.pk).is_key
    event = AuditEvent.objects.get(action=AuditEvent.Action.QUOTE_EDITED)
    assert event.actor == team.facilitator and event.story_id == story.pk
    assert event.details["could_name_storyteller"] is True and event.details["quote"] == quote.pk

    # Taking it out of the key quotes asks nothing.
    assert client.post(key_url(workshop), {"unkey": quote.pk}).status_code == 302
    assert not Quote.objects.get(pk=quote.pk).is_key


def test_a_quote_that_names_no_one_becomes_key_without_being_asked(client, team, tone):  # noqa: F811
    story = timed_story(team, tone)  # credited by name in reports as on the story
    workshop = services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    quote = highlight_phrase(workshop, story, KEY, by=team.facilitator)
    client.force_login(team.facilitator)
    assert client.post(key_url(workshop), {"key": quote.pk}).status_code == 302
    assert Quote.objects.get(pk=quote.pk).is_key and edits() == 0


def test_the_quote_page_asks_the_same_before_marking_it_key(client, team, traceable):
    _story, workshop, _theme, quote, _other = traceable
    quote_page = reverse("sensemaking:quote", args=[workshop.pk, quote.pk])
    client.force_login(team.facilitator)
    assert "Mark as key quote" in client.get(quote_page).content.decode()
    response = client.post(key_url(workshop), {"key": quote.pk, "back": "quote"})
    html = response.content.decode()
    assert "This quote could name its storyteller" in html
    assert f'href="{quote_page}"' in html  # "back without marking it" returns to the quote
    assert not Quote.objects.get(pk=quote.pk).is_key
    data = {"key": quote.pk, "back": "quote", "confirming": "1", "use_anyway": "1"}
    assert client.post(key_url(workshop), data)["Location"] == quote_page
    assert "Remove from key quotes" in client.get(quote_page).content.decode()


def test_only_those_who_run_the_workshop_mark_key_quotes_even_when_warned(client, team, traceable):
    _story, workshop, _theme, quote, _other = traceable
    data = {"key": quote.pk, "confirming": "1", "use_anyway": "1"}
    for visitor in (team.interviewer, team.outsider, team.nobody):
        client.force_login(visitor)
        assert client.post(key_url(workshop), data).status_code in (403, 404)
    assert not Quote.objects.get(pk=quote.pk).is_key and edits() == 0


def test_adding_such_a_quote_to_the_playlist_asks_first(
    client, team, traceable, django_capture_on_commit_callbacks
):
    _story, _workshop, _theme, quote, _other = traceable
    version = services.create_report(project=team.project, title="Voices", by=team.facilitator)
    slug = version.report.slug
    client.force_login(team.facilitator)
    edit = client.get(reverse("sensemaking:report-edit", args=[slug])).content.decode()
    assert f"{KEY}” — {ANONYMOUS} (could name its storyteller)" in edit  # told when choosing
    response = press(client, slug, "add", quote.pk, callbacks=django_capture_on_commit_callbacks)
    html = response.content.decode()
    assert response.status_code == 200
    assert "public story names them" in html and USE_ANYWAY in html
    assert latest(slug).extracts is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REPORT_EDITED).exists()

    response = press(
        client, slug, "add", quote.pk, use_anyway=True, callbacks=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert latest(slug).extracts == [quote.pk]
    event = AuditEvent.objects.get(action=AuditEvent.Action.REPORT_EDITED)
    assert event.details["could_name_storyteller"] == [quote.pk]


def test_no_rendering_of_the_report_links_or_names_that_story(
    client, team, traceable, tmp_path, django_capture_on_commit_callbacks
):
    story, workshop, theme, quote, other = traceable
    services.mark_key_quote(quote=quote, is_key=True, by=team.facilitator, use_anyway=True)
    services.write_finding(
        workshop=workshop,
        theme=theme,
        statement="Home was the sea.",
        quotes=[quote],
        by=team.facilitator,
    )
    version = services.create_report(project=team.project, title="Voices", by=team.facilitator)
    slug = version.report.slug
    client.force_login(team.facilitator)
    press(
        client, slug, "add", other.pk, use_anyway=True, callbacks=django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        version = services.publish_report(version=latest(slug), by=team.curator)
    cut_every_clip()
    public_page = reverse("stories:public-story", args=[story.pk])
    assert client.get(public_page).status_code == 200  # the story is public, and names them

    def get(name, *args):
        return client.get(reverse(f"sensemaking:{name}", args=[slug, *args]))

    found = {"team page": get("report").content.decode()}
    client.logout()
    found["public page"] = get("report").content.decode()
    client.force_login(team.facilitator)
    pdf_url = reverse("sensemaking:report-pdf", args=[slug, "1.0"])
    client.post(pdf_url)
    render_report_pdf.call(
        ReportFile.objects.get(kind=ReportFile.Kind.PDF).pk, "http://testserver/"
    )
    reader = PdfReader(io.BytesIO(b"".join(client.get(pdf_url).streaming_content)))
    links = [
        annotation.get_object()["/A"].get("/URI", "")
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    found["pdf"] = " ".join(page.extract_text() for page in reader.pages) + " ".join(links)
    document = Document(io.BytesIO(get("report-docx", "1.0").content))
    targets = [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
    found["docx"] = "\n".join(p.text for p in document.paragraphs) + " ".join(targets)
    found["csv"] = get("report-data", "1.0", "csv").content.decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(get("report-data", "1.0", "xlsx").content))
    found["xlsx"] = " ".join(
        str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    )
    found["chapters"] = get("report-chapters", "1.0").content.decode()
    playlist_url = reverse("sensemaking:report-playlist", args=[slug, "1.0"])
    client.post(playlist_url)
    assert make_playlist.call(ReportFile.objects.get(kind=ReportFile.Kind.PLAYLIST).pk) == "ready"
    joined = tmp_path / "extracts.m4a"
    joined.write_bytes(b"".join(client.get(playlist_url).streaming_content))
    found["m4a"] = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_chapters",
            "-show_format",
            joined,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for kind, text in found.items():
        assert KEY in text, kind
        assert TITLE not in text, kind
        assert public_page not in text, kind
        assert "River" not in text, kind  # the name the story is told under
    assert "2 quotes could name their storytellers" in found["team page"]

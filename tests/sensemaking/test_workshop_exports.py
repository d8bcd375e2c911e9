"""Downloading a workshop's quotes (one theme or all; CSV, Excel, web page, Word): only usable
quotes, redacted words hidden, and only for the people who run the workshop."""

import csv
import io

import docx
import openpyxl
import pytest
from django.urls import reverse
from lxml import html

from sensemaking import services
from sensemaking.models import Quote, Theme, Workshop
from stories import services as story_services
from tests.factories import (
    ALL_SCOPES,
    highlight_phrase,
    make_member,
    make_story,
    make_storyteller,
    redact_words,
)

pytestmark = pytest.mark.django_db

VOICE = "Co-production gave me a voice"
FUNDING = "Funding forms were the hardest part"
FORMULA = "=HYPERLINK(1) was on the form"


@pytest.fixture
def coded(team, story, workshop):
    """Quotes under a theme, its sub-theme and no theme; one from an anonymous storyteller with
    a redaction and a formula; a note with HTML in it."""
    voice = Theme.objects.create(project=team.project, name="Having a voice", slug="voice")
    forms = Theme.objects.create(
        project=team.project, name="Forms", slug="forms", parent=voice, position=1
    )
    other = Theme.objects.create(project=team.project, name="Other", slug="other", position=2)
    first = highlight_phrase(workshop, story, VOICE, [voice], by=team.facilitator)
    Quote.objects.filter(pk=first.pk).update(note="<b>Strong</b> & clear")
    highlight_phrase(workshop, story, FUNDING, [forms, other], by=team.facilitator)
    highlight_phrase(workshop, story, "I lived at 14 Brook Lane then", by=team.facilitator)
    redact_words(story, "14 Brook Lane", by=team.curator)
    hidden = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="submitted",
        transcript=f"Sam: {FORMULA}.",
        storyteller=make_storyteller(team.project, team.interviewer, credit_preference="anonymous"),
        title="Forms and more",
    )
    withdrawn = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="submitted",
        transcript="Ann: Withdrawn words here.",
    )
    services.set_workshop_stories(
        workshop=workshop, stories=[story, hidden, withdrawn], by=team.facilitator
    )
    highlight_phrase(workshop, hidden, FORMULA, [other], by=team.facilitator)
    highlight_phrase(workshop, withdrawn, "Withdrawn words", [voice], by=team.facilitator)
    story_services.withdraw_consent(story=withdrawn, reason="Changed my mind")
    return {"voice": voice, "forms": forms, "other": other}


def download(client, workshop, **query):
    response = client.get(reverse("sensemaking:workshop-quotes", args=[workshop.pk]), query)
    assert response.status_code == 200, response.content[:500]
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response


def test_csv_of_all_themes_lists_each_quote_under_each_theme_with_its_source(
    client, team, workshop, coded
):
    client.force_login(team.facilitator)
    response = download(client, workshop, format="csv")
    assert response["Content-Disposition"].endswith('-quotes-all-themes.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    found = [(row["Theme"], row["Quote"]) for row in rows]
    assert found == [
        ("Having a voice", VOICE),
        ("Forms", FUNDING),
        ("Other", FUNDING),
        ("Other", "'" + FORMULA),  # never run as a formula
        ("No theme yet", "I lived at [redacted] then"),
    ]
    assert rows[0]["Story"] == "Being heard" and rows[0]["Quoted"] == "River"
    assert rows[0]["Note"] == "<b>Strong</b> & clear"
    assert rows[3]["Quoted"] == "Anonymous storyteller"
    assert "Withdrawn words" not in response.content.decode()
    assert "Brook Lane" not in response.content.decode()


def test_one_theme_comes_with_its_sub_themes_only(client, team, workshop, coded):
    client.force_login(team.curator)
    response = download(client, workshop, format="xlsx", theme=coded["voice"].pk)
    assert response["Content-Disposition"].endswith('-quotes-having-a-voice.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Quotes"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Theme", "Quote", "Story"]
    assert [row[:2] for row in values[1:]] == [["Having a voice", VOICE], ["Forms", FUNDING]]


def test_web_page_shows_quotes_by_theme_with_html_shown_as_text(client, team, workshop, coded):
    client.force_login(team.facilitator)
    page = html.fromstring(download(client, workshop, format="html").content)
    headings = [heading.text_content() for heading in page.iter("h1", "h2", "h3")]
    assert headings == [
        "Quotes for all themes – First workshop",
        "Having a voice",
        "Forms",
        "Other",
        "No theme yet",
    ]
    text = page.text_content()
    assert "Note: <b>Strong</b> & clear" in text and page.find(".//b") is None
    assert "— River, “Being heard”" in text and "— Anonymous storyteller, “Forms and more”" in text
    assert "Brook Lane" not in text and "Withdrawn words" not in text
    assert page.find(".//link") is None and page.find(".//script") is None


def test_word_document_has_a_heading_per_theme_and_the_quotes_under_it(
    client, team, workshop, coded
):
    client.force_login(team.facilitator)
    response = download(client, workshop, format="docx", theme=coded["other"].pk)
    document = docx.Document(io.BytesIO(response.content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 1", "Other") in paragraphs
    quotes = [text for style, text in paragraphs if style == "Quote"]
    assert quotes == [
        f"“{FUNDING}”\n— River, “Being heard”",
        f"“{FORMULA}”\n— Anonymous storyteller, “Forms and more”",
    ]
    assert document.core_properties.author == ""
    assert round(document.sections[0].page_width.mm) == 210  # corpro's A4 page and styles


def test_all_themes_leave_out_themes_unused_in_the_workshop_but_keep_their_parents(
    client, team, story, workshop
):
    home = Theme.objects.create(project=team.project, name="Home", slug="home")
    rent = Theme.objects.create(project=team.project, name="Rent", slug="rent", parent=home)
    Theme.objects.create(project=team.project, name="Unused", slug="unused")
    highlight_phrase(workshop, story, FUNDING, [rent], by=team.facilitator)
    client.force_login(team.facilitator)
    page = html.fromstring(download(client, workshop, format="html").content)
    assert [h.text_content() for h in page.iter("h2", "h3")] == ["Home", "Rent"]
    one = html.fromstring(download(client, workshop, format="html", theme=home.pk).content)
    assert [h.text_content() for h in one.iter("h2", "h3")] == ["Home", "Rent"]
    assert "No quotes are tagged with this theme in this workshop." in one.text_content()


def test_quote_times_are_given_when_the_transcript_is_timed(client, team, workshop, story):
    Quote.objects.all().delete()
    quote = highlight_phrase(workshop, story, VOICE, by=team.facilitator)
    Quote.objects.filter(pk=quote.pk).update(start_seconds=65.5, end_seconds=70)
    client.force_login(team.facilitator)
    document = docx.Document(io.BytesIO(download(client, workshop, format="docx").content))
    (quoted,) = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert quoted.endswith("“Being heard”, 0:01:05 to 0:01:10")


def test_a_storyteller_who_stops_sense_making_leaves_the_next_download(
    client, team, story, workshop, coded
):
    client.force_login(team.facilitator)
    assert VOICE in download(client, workshop, format="csv").content.decode()
    story_services.change_consent_scopes(
        story=story, scopes={**ALL_SCOPES, "use_sensemaking": False}, by=team.curator
    )
    content = download(client, workshop, format="csv").content.decode()
    assert VOICE not in content and FUNDING not in content
    assert FORMULA in content


def test_a_storyteller_who_asked_not_to_be_quoted_is_in_no_download(
    client, team, story, workshop, coded
):
    # Still in sense-making (the board shows their words), but a file that leaves the app is
    # a quotation: it follows the quoting consent, as a report's quotes CSV does.
    story_services.change_consent_scopes(
        story=story,
        scopes={**ALL_SCOPES, "quote_anonymous": False, "quote_credited": False},
        by=team.curator,
    )
    client.force_login(team.facilitator)
    assert VOICE in client.get(reverse("sensemaking:board", args=[workshop.pk])).content.decode()
    for kind in ("csv", "html"):
        content = download(client, workshop, format=kind).content.decode()
        assert VOICE not in content and FUNDING not in content
        assert FORMULA in content


def test_the_page_asks_for_a_format_and_names_the_field(client, team, workshop, coded):
    client.force_login(team.facilitator)
    url = reverse("sensemaking:workshop-quotes", args=[workshop.pk])
    page = client.get(url).content.decode()
    assert "Download quotes" in page and "All themes" in page
    response = client.get(url, {"format": "pdf", "theme": "nope"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a format: CSV, Excel, web page or Word." in page
    assert "Choose a theme from the list, or all themes." in page


def test_a_theme_of_another_project_is_refused(client, team, workshop, coded):
    stranger = Theme.objects.create(project=team.other_project, name="Elsewhere", slug="x")
    client.force_login(team.facilitator)
    url = reverse("sensemaking:workshop-quotes", args=[workshop.pk])
    response = client.get(url, {"format": "csv", "theme": stranger.pk})
    assert "Choose a theme from the list" in response.content.decode()
    assert "Content-Disposition" not in response


def test_only_the_people_who_run_the_workshop_may_download(client, team, workshop, coded):
    url = reverse("sensemaking:workshop-quotes", args=[workshop.pk])
    participant = make_member(team.project, "interviewer")
    workshop.participants.add(participant)
    for user in (participant, team.interviewer, team.outsider, team.nobody):
        client.force_login(user)
        assert client.get(url, {"format": "csv"}).status_code == 404
    client.logout()
    assert client.get(url, {"format": "csv"})["Location"].startswith(reverse("login"))
    _guest, token = services.invite_guest(workshop=workshop, display_name="Dee", by=team.curator)
    client.get(reverse("sensemaking:join", args=[token]))
    assert client.get(url, {"format": "csv"}).status_code == 404
    # The workshop page shows guests no link to it.
    assert (
        "Download quotes"
        not in client.get(reverse("sensemaking:workshop", args=[workshop.pk])).content.decode()
    )


def test_a_guest_of_another_workshop_cannot_download(client, team, story, workshop, coded):
    other = services.create_workshop(
        project=team.project, title="Second workshop", by=team.facilitator, stories=[story]
    )
    _guest, token = services.invite_guest(workshop=other, display_name="Sam", by=team.curator)
    client.get(reverse("sensemaking:join", args=[token]))
    url = reverse("sensemaking:workshop-quotes", args=[workshop.pk])
    assert client.get(url, {"format": "csv"}).status_code == 404


def test_a_facilitator_of_another_project_cannot_download(client, team, coded):
    elsewhere = Workshop.objects.create(project=team.other_project, title="Theirs")
    client.force_login(team.facilitator)
    assert (
        client.get(
            reverse("sensemaking:workshop-quotes", args=[elsewhere.pk]), {"format": "csv"}
        ).status_code
        == 404
    )


def test_links_on_the_workshop_page_and_board(client, team, workshop):
    client.force_login(team.facilitator)
    link = reverse("sensemaking:workshop-quotes", args=[workshop.pk])
    for page in ("sensemaking:workshop", "sensemaking:board"):
        assert (
            f'href="{link}">Download quotes'
            in client.get(reverse(page, args=[workshop.pk])).content.decode()
        )


@pytest.mark.parametrize("count", [1, 4])
def test_download_reads_the_same_number_of_queries_however_many_quotes(
    client, team, story, workshop, count, django_assert_max_num_queries
):
    theme = Theme.objects.create(project=team.project, name="Having a voice", slug="voice")
    for _ in range(count):
        highlight_phrase(workshop, story, VOICE, [theme], by=team.facilitator)
    client.force_login(team.facilitator)
    # session 1 + user 1 + workshop with project 1 + roles 1 + themes 1 + quotes with stories,
    # storytellers, consents and highlighters 1 + redactions 1 + theme links 1 = 8
    with django_assert_max_num_queries(8):
        download(client, workshop, format="xlsx")

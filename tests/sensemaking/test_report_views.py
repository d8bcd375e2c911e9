"""Report pages and outputs: who may see and change what, and consent in every output."""

import io
import json
import re
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from sensemaking import services
from sensemaking.models import ReportClip, ReportFile
from sensemaking.reports import compile_report, extract_clips
from sensemaking.tasks import cut_clip, make_playlist, render_report_pdf
from stories import services as story_services
from stories.models import Membership, Story, Transcript
from stories.tasks import make_listener_copy
from stories.transcripts import parse_transcript_file
from tests.factories import (
    ALL_SCOPES,
    highlight_phrase,
    make_playable,
    make_project,
    make_story,
    make_storyteller,
)

pytestmark = pytest.mark.django_db

QUOTE = "Co-production gave me a voice"


def page(client, name, *args, **query):
    return client.get(reverse(f"sensemaking:{name}", args=args), query)


@pytest.fixture
def published(reported, team):
    return services.publish_report(version=reported.version, by=team.curator)


def test_a_draft_is_seen_only_by_the_project_team(client, reported, team):
    slug = reported.report.slug
    assert page(client, "report", slug).status_code == 404
    for outsider in (team.outsider, team.interviewer, team.nobody):
        client.force_login(outsider)
        assert page(client, "report", slug).status_code == 404
        assert page(client, "report-edit", slug).status_code == 404
    for member in (team.facilitator, team.curator):
        client.force_login(member)
        response = page(client, "report", slug)
        assert response.status_code == 200
        assert "Draft, not public" in response.content.decode()


def test_anyone_reads_a_published_report_with_its_findings_and_credited_quotes(
    client, published, django_assert_max_num_queries
):
    # session-less visitor: report, versions, compile (content is frozen): quotes, quote
    # themes, redactions, public stories, storytellers, credits, interviewers, facilitators,
    # recordings for the playlist, and the version list.
    with django_assert_max_num_queries(14):
        response = page(client, "report", published.report.slug)
    html = response.content.decode()
    assert response.status_code == 200
    for words in ("Value of co-production", "Having a voice", "People felt heard.", QUOTE, "River"):
        assert words in html
    assert "Who shared their stories?" in html
    assert "For the project team" not in html
    assert page(client, "report-data", published.report.slug, "1.0", "csv").status_code == 302


def test_a_quote_links_to_its_moment_only_when_the_story_is_public(client, published, story, team):
    public_page = reverse("stories:public-story", args=[story.pk])
    assert public_page not in page(client, "report", published.report.slug).content.decode()
    story_services.publish_story(story=story, by=team.curator)
    html = page(client, "report", published.report.slug).content.decode()
    assert f'href="{public_page}' in html
    assert client.get(public_page).status_code == 200


def test_an_anonymous_quote_never_links_to_a_page_that_names_its_storyteller(
    client, published, story, team
):
    story_services.publish_story(story=story, by=team.curator)
    story_services.change_consent_scopes(
        story=story, scopes={**ALL_SCOPES, "quote_credited": False}, by=team.curator
    )
    html = page(client, "report", published.report.slug).content.decode()
    assert QUOTE in html and "Anonymous storyteller" in html
    assert reverse("stories:public-story", args=[story.pk]) not in html
    assert story.title not in html
    assert "could name" not in html  # the warning is for the team only

    # The team is told: the archive's search would find these words on the named story.
    client.force_login(team.facilitator)
    html = page(client, "report", published.report.slug).content.decode()
    assert "1 quote could name its storyteller" in html
    assert "anyone who searches the archive for the quoted words" in html
    story_services.change_consent_scopes(story=story, scopes=ALL_SCOPES, by=team.curator)
    html = page(client, "report", published.report.slug).content.decode()
    assert "could name" not in html  # credited by name again, so nothing is traceable


def test_only_curators_publish(client, reported, team):
    slug = reported.report.slug
    client.force_login(team.facilitator)
    assert client.post(reverse("sensemaking:report-publish", args=[slug])).status_code == 404
    client.force_login(team.curator)
    response = client.post(reverse("sensemaking:report-publish", args=[slug]))
    assert response.status_code == 302
    client.logout()
    assert page(client, "report", slug).status_code == 200


def test_editing_a_published_report_makes_a_new_draft_and_keeps_the_old(client, published, team):
    slug = published.report.slug
    client.force_login(team.facilitator)
    form = page(client, "report-edit", slug).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        title="Value of co-production",
        report_date="2026-11-20",
        workshops=[workshop.pk for workshop in published.workshops.all()],
        purpose="To understand the value of co-production.",
        value_heading_1="Impacts on individuals",
        value_items_1="Growing in confidence\nHaving a voice",
        value_heading_2="",
        value_heading_3="",
        value_heading_4="",
        change_note="Added the purpose.",
    )
    response = client.post(reverse("sensemaking:report-edit", args=[slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert response.url.endswith("/v1.1/")
    html = client.get(response.url).content.decode()
    assert "To understand the value of co-production." in html
    assert "Growing in confidence" in html
    client.logout()
    public = page(client, "report", slug).content.decode()
    assert "Version 1.0" in public and "To understand" not in public
    assert page(client, "report-version", slug, "1.1").status_code == 404
    assert page(client, "report-version", slug, "1.0").status_code == 200
    for odd in ("².0", "1.²", "1", "x.y"):
        assert page(client, "report-version", slug, odd).status_code == 404, odd


def test_html_in_report_fields_is_refused_and_nothing_changes(client, reported, team):
    slug = reported.report.slug
    client.force_login(team.facilitator)
    form = page(client, "report-edit", slug).context["form"]
    response = client.post(
        reverse("sensemaking:report-edit", args=[slug]),
        {
            "based_on": form.initial["based_on"],
            "title": "Report",
            "report_date": "2026-11-20",
            "workshops": [reported.quote.workshop_id],
            "purpose": "<script>alert(1)</script>",
        },
    )
    assert response.status_code == 200
    assert "HTML is not allowed" in response.content.decode()
    reported.version.refresh_from_db()
    assert reported.version.purpose == ""


def test_the_pdf_has_every_theme_and_chart_and_loses_withdrawn_quotes(
    client, published, story, django_capture_on_commit_callbacks
):
    url = reverse("sensemaking:report-pdf", args=[published.report.slug, "1.0"])
    assert b"Make the PDF" in client.get(url).content
    assert not ReportFile.objects.exists()  # reading the address starts nothing
    assert client.post(url).status_code == 302
    response = client.get(url)
    assert response.status_code == 200 and b"Making the PDF" in response.content
    pdf = ReportFile.objects.get()
    render_report_pdf.call(pdf.pk, "http://testserver/")
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    for words in ("Having a voice", "People felt heard.", QUOTE, "Who shared their stories?"):
        assert words in text
    stored = Path(ReportFile.objects.get().file.path)
    with django_capture_on_commit_callbacks(execute=True):
        story_services.change_consent_scopes(
            story=story,
            scopes={**ALL_SCOPES, "quote_anonymous": False, "quote_credited": False},
            by=story.interviewer,
        )
    # The withdrawal itself deleted the old file; it is never served again.
    assert not ReportFile.objects.exists() and not stored.exists()
    assert b"Make the PDF" in client.get(url).content
    client.post(url)
    render_report_pdf.call(ReportFile.objects.get().pk, "http://testserver/")
    text = pdf_text(client.get(url))
    assert QUOTE not in text
    assert "removed at the storyteller" in text


def pdf_text(response) -> str:
    data = b"".join(response.streaming_content)
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


CLIP_VTT = b"""WEBVTT

00:00:00.000 --> 00:00:00.800
<v Dee>Co-production gave me a voice.

00:00:00.800 --> 00:00:01.000
<v Dee>It changed how I see services.
"""


def published_with_audio(team, media_file) -> Story:
    """A published story with a timed transcript and a playable recording of this format."""
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    story_services.add_transcript(
        story=story,
        parsed=parse_transcript_file(CLIP_VTT, "talk.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    with media_file.open("rb") as handle:
        recording = story_services.upload_recording(
            story=story, upload=File(handle, name=f"talk{media_file.suffix}"), by=team.interviewer
        )
    make_playable(recording)
    story_services.publish_story(story=story, by=team.curator)
    return story


@pytest.fixture
def spoken(team, media_files, django_capture_on_commit_callbacks):
    """A published report whose key quote has times and a recording, so it has an extract."""
    story = published_with_audio(team, media_files["mp3"])
    workshop = services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    (theme,) = services.themes_named(team.project, ["Having a voice"])
    highlight_phrase(workshop, story, QUOTE, [theme], by=team.facilitator, key=True)
    version = services.create_report(project=team.project, title="Voices", by=team.facilitator)
    with django_capture_on_commit_callbacks(execute=True):  # publishing makes the extract rows
        version = services.publish_report(version=version, by=team.curator)
    return SimpleNamespace(story=story, version=version, slug=version.report.slug)


def outputs(client, slug) -> dict[str, str]:
    """Every output of version 1.0 as text (the team's data files included)."""
    found = {"html": page(client, "report", slug).content.decode()}
    docx = Document(io.BytesIO(page(client, "report-docx", slug, "1.0").content))
    found["docx"] = "\n".join(paragraph.text for paragraph in docx.paragraphs)
    found["csv"] = page(client, "report-data", slug, "1.0", "csv").content.decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(page(client, "report-data", slug, "1.0", "xlsx").content))
    found["xlsx"] = " ".join(
        str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row
    )
    archive = zipfile.ZipFile(io.BytesIO(page(client, "report-data", slug, "1.0", "qdpx").content))
    found["qdpx"] = " ".join(
        archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".qde")
    )
    return found


def test_key_quotes_with_audio_consent_become_a_playlist_of_extracts(
    client, spoken, team, django_capture_on_commit_callbacks
):
    html = page(client, "report", spoken.slug).content.decode()
    assert "still being prepared" in html  # publishing queued the extract
    (clip,) = ReportClip.objects.all()
    cut_clip.call(clip.pk)
    html = page(client, "report", spoken.slug).content.decode()
    assert "Listen to extracts" in html and "<audio" in html
    url = reverse("sensemaking:report-clip", args=[spoken.slug, "1.0", clip.pk])
    response = client.get(url)
    assert response["Content-Type"] == "audio/mpeg"
    # An MP3 frame from the first byte: no ID3 tag, so nothing about the recording travels.
    assert b"".join(response.streaming_content)[:2] in (b"\xff\xfb", b"\xff\xf3")
    with django_capture_on_commit_callbacks(execute=True):
        story_services.change_consent_scopes(
            story=spoken.story, scopes={**ALL_SCOPES, "publish_audio": False}, by=team.curator
        )
    assert client.get(url).status_code == 404
    assert not ReportClip.objects.exists()  # deleted by the change itself, file and all
    html = page(client, "report", spoken.slug).content.decode()
    assert "<audio" not in html and QUOTE in html  # the words may still be quoted


def test_withdrawal_removes_quotes_from_every_output(client, spoken, team):
    client.force_login(team.curator)
    before = outputs(client, spoken.slug)
    for kind, text in before.items():
        assert QUOTE in text, kind
    story_services.change_consent_scopes(
        story=spoken.story,
        scopes={**ALL_SCOPES, "quote_anonymous": False, "quote_credited": False},
        by=team.curator,
    )
    after = outputs(client, spoken.slug)
    for kind, text in after.items():
        assert QUOTE not in text, kind
    assert "removed at the storyteller" in after["html"]
    assert "removed" in after["docx"]
    assert extract_clips(compile_report(spoken.version)) == []


def test_data_files_and_the_codebook_are_for_the_project_team_only(client, published, team):
    slug = published.report.slug
    for visitor in (None, team.outsider, team.interviewer):
        if visitor:
            client.force_login(visitor)
        for kind in ("csv", "xlsx", "qdpx"):
            assert page(client, "report-data", slug, "1.0", kind).status_code in (302, 404)
        response = page(client, "codebook", team.project.slug)
        assert response.status_code in (302, 404)
    client.force_login(team.facilitator)
    assert page(client, "report-data", slug, "1.0", "csv").status_code == 200
    assert page(client, "report-data", slug, "1.0", "pdf").status_code == 404


def test_a_codebook_round_trips_through_the_codebook_page(client, published, team):
    client.force_login(team.facilitator)
    exported = page(client, "codebook", team.project.slug, download="1")
    assert exported["Content-Type"] == "application/xml"
    other = make_project()
    Membership.objects.create(project=other, user=team.facilitator, role="facilitator")
    url = reverse("sensemaking:codebook", args=[other.slug])
    upload = SimpleUploadedFile("codes.qdc", exported.content, "application/xml")
    response = client.post(url, {"file": upload}, follow=True)
    assert "Added 1 theme" in response.content.decode()
    assert list(other.themes.values_list("name", flat=True)) == ["Having a voice"]
    bad = SimpleUploadedFile("codes.qdc", b"<html>not a codebook</html>", "application/xml")
    response = client.post(url, {"file": bad})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert other.themes.count() == 1


def test_an_extract_is_deleted_once_its_words_are_redacted(
    client, spoken, team, django_capture_on_commit_callbacks
):
    (clip,) = ReportClip.objects.all()
    cut_clip.call(clip.pk)
    clip.refresh_from_db()
    stored = Path(clip.file.path)
    url = reverse("sensemaking:report-clip", args=[spoken.slug, "1.0", clip.pk])
    assert stored.exists() and client.get(url).status_code == 200
    transcript = spoken.story.transcripts.get(is_current=True)
    start = transcript.text.index("gave me")
    with django_capture_on_commit_callbacks(execute=True):
        story_services.redact_transcript(
            transcript=transcript, char_start=start, char_end=start + 7, reason="", by=team.curator
        )
    assert not ReportClip.objects.exists() and not stored.exists()
    html = page(client, "report", spoken.slug).content.decode()
    assert "<audio" not in html
    assert client.get(url).status_code == 404
    assert not ReportClip.objects.exists() and not stored.exists()


def test_no_extract_is_made_from_a_story_not_yet_published(client, reported, team):
    services.publish_report(version=reported.version, by=team.curator)
    assert "Listen to extracts" not in page(client, "report", reported.report.slug).content.decode()
    assert not ReportClip.objects.exists()


def test_a_pdf_left_unfinished_can_be_asked_for_again(client, published):
    url = reverse("sensemaking:report-pdf", args=[published.report.slug, "1.0"])
    client.post(url)
    ReportFile.objects.update(
        state=ReportFile.State.RUNNING, updated_at=timezone.now() - timedelta(hours=1)
    )
    response = client.get(url)
    assert "stopped before it finished" in response.content.decode()
    assert client.post(url).status_code == 302
    pdf = ReportFile.objects.get()
    assert pdf.state == ReportFile.State.QUEUED
    render_report_pdf.call(pdf.pk, "http://testserver/")
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    catalogue = PdfReader(io.BytesIO(b"".join(response.streaming_content))).trailer["/Root"]
    assert "/StructTreeRoot" in catalogue.get_object()  # tagged for screen readers


def test_a_curator_says_what_changed_when_publishing_a_later_version(client, published, team):
    slug = published.report.slug
    services.edit_report(
        report=published.report,
        based_on=f"{published.pk}:{published.lock_version}",
        by=team.facilitator,
        workshops=list(published.workshops.all()),
        purpose="Now with a purpose.",
    )
    client.force_login(team.curator)
    html = page(client, "report-version", slug, "1.1").content.decode()
    assert "What changed in this version" in html
    response = client.post(
        reverse("sensemaking:report-publish", args=[slug]),
        {"change_note": "Added the purpose."},
        follow=True,
    )
    assert "Version 1.1 is published." in response.content.decode()
    client.logout()
    html = page(client, "report", slug).content.decode()
    assert "Version 1.1" in html and "Added the purpose." in html


def test_the_coded_project_holds_only_stories_kept_for_research(client, published, story, team):
    client.force_login(team.facilitator)
    archive = zipfile.ZipFile(
        io.BytesIO(page(client, "report-data", published.report.slug, "1.0", "qdpx").content)
    )
    assert any(name.startswith("sources/") for name in archive.namelist())
    story_services.change_consent_scopes(
        story=story, scopes={**ALL_SCOPES, "archive_research": False}, by=team.curator
    )
    archive = zipfile.ZipFile(
        io.BytesIO(page(client, "report-data", published.report.slug, "1.0", "qdpx").content)
    )
    assert not any(name.startswith("sources/") for name in archive.namelist())


def test_the_pdf_draws_the_charts_of_who_shared_their_stories(client, team):
    stories = [
        make_story(
            team.project,
            team.interviewer,
            scopes=ALL_SCOPES,
            status="submitted",
            storyteller=make_storyteller(
                team.project,
                team.interviewer,
                demographics={"gender": "woman" if number < 5 else "man"},
            ),
        )
        for number in range(10)
    ]
    workshop = services.create_workshop(
        project=team.project, title="Ten stories", by=team.facilitator, stories=stories
    )
    (theme,) = services.themes_named(team.project, ["Being heard"])
    highlight_phrase(workshop, stories[0], "being heard", [theme], by=team.facilitator, key=True)
    version = services.create_report(project=team.project, title="Ten", by=team.facilitator)
    version = services.publish_report(version=version, by=team.curator)
    url = reverse("sensemaking:report-pdf", args=[version.report.slug, "1.0"])
    client.post(url)
    render_report_pdf.call(ReportFile.objects.get().pk, "http://testserver/")
    reader = PdfReader(io.BytesIO(b"".join(client.get(url).streaming_content)))
    pages = [page.extract_text() for page in reader.pages]
    text = " ".join(pages)
    assert "Storytellers' gender" in text
    # The chart labels its bars "50% (5)"; the table and the text alternative write it otherwise.
    assert "50% (5)" in text
    assert "Being heard" in text
    # A cover without a page number, then a contents page giving each section's page.
    assert "Ten" in pages[0] and "Page 1 of" not in pages[0]
    contents = reader.pages[1].extract_text(extraction_mode="layout")
    assert contents.lstrip().startswith("Contents")
    for heading in ("Who shared their stories?", "Being heard", "Acknowledgements and co-authors"):
        page_number = next(number for number, words in enumerate(pages[2:], 3) if heading in words)
        assert re.search(rf"{re.escape(heading)}[ .]+{page_number}\n", contents), heading
    # How numbers are rounded is said once for every chart, not under each one.
    rounding = "Numbers are rounded to the nearest"
    assert text.count(rounding) == 1


def test_report_pages_read_a_fixed_number_of_queries(
    client, published, team, django_assert_max_num_queries
):
    # list: reports with a published version, their versions, the visitor's projects (none)
    with django_assert_max_num_queries(3):
        assert page(client, "report-list").status_code == 200
    client.force_login(team.facilitator)
    # as on the public page, plus session, user, the team and curator checks and drafts
    with django_assert_max_num_queries(18):
        assert page(client, "report", published.report.slug).status_code == 200


def test_extracts_are_cut_again_from_each_new_listener_copy(
    client, spoken, team, django_capture_on_commit_callbacks
):
    (clip,) = ReportClip.objects.all()
    cut_clip.call(clip.pk)
    clip.refresh_from_db()
    old = Path(clip.file.path)
    transcript = spoken.story.transcripts.get(is_current=True)
    start = transcript.text.index("services")
    # Words redacted elsewhere in the story: the copy is remade, so the extract cut from the
    # old copy goes at once, and none is served until it is cut again from the new one.
    with django_capture_on_commit_callbacks(execute=True):
        story_services.redact_transcript(
            transcript=transcript, char_start=start, char_end=start + 8, reason="", by=team.curator
        )
    assert not old.exists()
    assert "<audio" not in page(client, "report", spoken.slug).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_listener_copy.call(spoken.story.recordings.get().pk)
    (fresh,) = ReportClip.objects.all()
    assert not fresh.file  # queued, to be cut from the new copy
    assert cut_clip.call(fresh.pk) == "cut"
    assert "<audio" in page(client, "report", spoken.slug).content.decode()


def test_key_quotes_no_finding_shows_are_labelled_as_key_quotes_on_the_page_and_in_the_pdf(
    client, reported, story, team, workshop
):
    highlight_phrase(
        workshop,
        story,
        "Funding forms were the hardest part",
        [reported.theme],
        by=team.facilitator,
        key=True,
    )
    client.force_login(team.facilitator)
    html = page(client, "report", reported.report.slug).content.decode()
    # Under its own heading, after the finding, not read as support for the finding.
    finding, heading = html.index("People felt heard."), html.index(">Key quotes</h4>")
    assert finding < heading < html.index("Funding forms were the hardest part")
    assert html.count("Co-production gave me a voice") == 1  # the finding's quote, once

    url = reverse("sensemaking:report-pdf", args=[reported.report.slug, "1.0"])
    client.post(url)
    render_report_pdf.call(ReportFile.objects.get().pk, "http://testserver/")
    text = pdf_text(client.get(url))
    assert text.index("People felt heard.") < text.index("Key quotes") < text.index("Funding forms")


def test_the_page_the_pdf_and_the_word_file_have_the_same_sections_in_the_same_order(
    client, reported, team
):
    version = services.edit_report(
        report=reported.report,
        based_on=f"{reported.version.pk}:{reported.version.lock_version}",
        by=team.facilitator,
        workshops=list(reported.version.workshops.all()),
        purpose="Why we asked.",
        method="How we asked.",
        challenges="What was hard.",
        acknowledgements="Thank you.",
    )
    expected = [
        "What was the purpose of this research?",
        "What did we do?",
        "Who shared their stories?",
        "What did we find out?",
        "Challenges",
        "Acknowledgements and co-authors",
    ]
    client.force_login(team.facilitator)
    slug = reported.report.slug
    html = page(client, "report", slug).content.decode()
    headings = [
        heading.replace("&#x27;", "'")
        for heading in re.findall(r'<h2 id="[a-z-]+-heading">([^<]+)</h2>', html)
    ]
    assert [heading for heading in headings if heading in expected] == expected

    url = reverse("sensemaking:report-pdf", args=[slug, version.number])
    client.post(url)
    render_report_pdf.call(ReportFile.objects.get().pk, "http://testserver/")
    text = pdf_text(client.get(url))
    body = text[text.index("Why we asked.") - 60 :]  # after the cover and contents
    assert [body.index(heading) for heading in expected] == sorted(
        body.index(heading) for heading in expected
    )

    docx_url = reverse("sensemaking:report-docx", args=[slug, version.number])
    document = Document(io.BytesIO(client.get(docx_url).content))
    chapters = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert chapters == expected


def test_the_pdf_and_word_file_list_the_extracts_with_links_that_play(client, spoken):
    (clip,) = ReportClip.objects.all()
    path = reverse("sensemaking:report-clip", args=[spoken.slug, "1.0", clip.pk])
    # Listed before it is cut, its link says it is being prepared rather than "not found".
    response = client.get(path)
    assert response.status_code == 503 and b"being prepared" in response.content

    url = reverse("sensemaking:report-pdf", args=[spoken.slug, "1.0"])
    client.post(url)
    render_report_pdf.call(ReportFile.objects.get().pk, "http://testserver/")
    reader = PdfReader(io.BytesIO(b"".join(client.get(url).streaming_content)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Listen to extracts" in text and QUOTE in text
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert f"http://testserver{path}" in links

    document = Document(io.BytesIO(page(client, "report-docx", spoken.slug, "1.0").content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[-1] == "Listen to extracts"
    targets = [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
    assert f"http://testserver{path}" in targets

    cut_clip.call(clip.pk)
    assert client.get(path)["Content-Type"] == "audio/mpeg"


def test_every_extract_downloads_as_one_audio_file_with_a_chapter_each(
    client, spoken, team, media_files, tmp_path, django_capture_on_commit_callbacks
):
    # A second story, so the file joins two extracts.
    story = published_with_audio(team, media_files["wav"])
    workshop = spoken.version.workshops.get()
    services.set_workshop_stories(
        workshop=workshop, stories=[spoken.story, story], by=team.facilitator
    )
    (theme,) = services.themes_named(team.project, ["Having a voice"])
    highlight_phrase(
        workshop, story, "It changed how I see services", [theme], by=team.facilitator, key=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        version = services.edit_report(
            report=spoken.version.report,
            based_on=f"{spoken.version.pk}:{spoken.version.lock_version}",
            by=team.facilitator,
            workshops=[workshop],
            change_note="A second story.",
        )
        version = services.publish_report(version=version, by=team.curator)
    for clip in ReportClip.objects.all():
        cut_clip.call(clip.pk)
    html = page(client, "report", spoken.slug).content.decode()
    assert "Download every extract as one audio file" in html

    url = reverse("sensemaking:report-playlist", args=[spoken.slug, version.number])
    assert b"Make the audio file of every extract" in client.get(url).content
    client.post(url)
    made = ReportFile.objects.get(kind=ReportFile.Kind.PLAYLIST)
    make_playlist.call(made.pk)
    response = client.get(url)
    assert response["Content-Type"] == "audio/mp4"
    joined = tmp_path / "extracts.m4a"
    joined.write_bytes(b"".join(response.streaming_content))
    probed = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_chapters",
             "-show_format", str(joined)],
            check=True, capture_output=True,
        ).stdout
    )  # fmt: skip
    titles = [chapter["tags"]["title"] for chapter in probed["chapters"]]
    assert len(titles) == 2
    assert titles[0].startswith("1. “Co-production gave me a voice") and "River" in titles[0]
    assert titles[1].startswith("2. “It changed how I see services")
    assert "title" in probed["format"]["tags"]  # the file names the report, nothing else
    assert set(probed["format"]["tags"]) <= {
        "title",
        "major_brand",
        "minor_version",
        "compatible_brands",
        "encoder",
    }

    vtt = client.get(reverse("sensemaking:report-chapters", args=[spoken.slug, version.number]))
    cues = vtt.content.decode().split("\n\n")
    assert cues[0] == "WEBVTT" and len(cues[1:]) >= 2
    end_of_first = float(probed["chapters"][0]["end_time"])
    assert f"--> 00:00:{end_of_first:06.3f}" in cues[1]

    # Consent to publish the audio of one story is withdrawn: the joined file goes at once.
    stored = Path(ReportFile.objects.get(kind=ReportFile.Kind.PLAYLIST).file.path)
    with django_capture_on_commit_callbacks(execute=True):
        story_services.change_consent_scopes(
            story=story, scopes={**ALL_SCOPES, "publish_audio": False}, by=team.curator
        )
    assert not ReportFile.objects.filter(kind=ReportFile.Kind.PLAYLIST).exists()
    assert not stored.exists()

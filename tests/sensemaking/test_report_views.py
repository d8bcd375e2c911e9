"""Report pages and outputs: who may see and change what, and consent in every output."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from sensemaking import services
from sensemaking.models import ReportFile
from sensemaking.tasks import render_report_pdf
from stories import services as story_services
from tests.factories import ALL_SCOPES

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
    assert (
        f"/stories/{story.pk}/"
        not in page(client, "report", published.report.slug).content.decode()
    )
    story_services.publish_story(story=story, by=team.curator)
    html = page(client, "report", published.report.slug).content.decode()
    assert f'href="{story.get_absolute_url()}' in html


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


def test_the_pdf_has_every_theme_and_chart_and_loses_withdrawn_quotes(client, published, story):
    url = reverse("sensemaking:report-pdf", args=[published.report.slug, "1.0"])
    response = client.get(url)
    assert response.status_code == 200 and b"Making the PDF" in response.content
    pdf = ReportFile.objects.get()
    render_report_pdf.call(pdf.pk, "http://testserver/")
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    for words in ("Having a voice", "People felt heard.", QUOTE, "Who shared their stories?"):
        assert words in text
    story_services.change_consent_scopes(
        story=story,
        scopes={**ALL_SCOPES, "quote_anonymous": False, "quote_credited": False},
        by=story.interviewer,
    )
    response = client.get(url)
    assert b"Making the PDF" in response.content  # the old file is never served again
    render_report_pdf.call(ReportFile.objects.exclude(pk=pdf.pk).get().pk, "http://testserver/")
    text = pdf_text(client.get(url))
    assert QUOTE not in text
    assert "removed at the storyteller" in text


def pdf_text(response) -> str:
    data = b"".join(response.streaming_content)
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)

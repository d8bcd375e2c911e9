"""A report prints every storyteller's name as they wrote it: accents, other scripts and emoji."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from sensemaking import services
from sensemaking.models import ReportFile
from sensemaking.tasks import render_report_pdf
from tests.factories import ALL_SCOPES, highlight_phrase, make_story, make_storyteller

pytestmark = pytest.mark.django_db

# A name each in Latin with an accent and an emoji, Chinese, Arabic, Devanagari and Cyrillic.
NAMES = ["Tess Ålvarez 🌱", "李小龍", "أمل حداد", "अनीता", "Ольга"]


def fonts_used(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_the_pdf_prints_names_in_every_script_with_real_glyphs(client, team, workshop, story):
    (voice,) = services.themes_named(team.project, ["Having a voice"])
    quotes = [
        highlight_phrase(
            workshop, story, "Co-production gave me a voice", [voice], key=True, by=team.facilitator
        )
    ]
    for name in NAMES:
        teller = make_storyteller(
            team.project, team.interviewer, credit_preference="name", credit_name=name
        )
        told = make_story(
            team.project,
            team.interviewer,
            scopes=ALL_SCOPES,
            status="submitted",
            storyteller=teller,
            transcript="Co-production gave me a voice.",
        )
        services.set_workshop_stories(
            workshop=workshop, stories=[*workshop.stories.all(), told], by=team.facilitator
        )
        quotes.append(
            highlight_phrase(
                workshop,
                told,
                "Co-production gave me a voice",
                [voice],
                key=True,
                by=team.facilitator,
            )
        )
    services.write_finding(
        workshop=workshop,
        theme=voice,
        statement="People felt heard.",
        quotes=quotes,
        by=team.facilitator,
    )
    version = services.create_report(project=team.project, title="Voices", by=team.facilitator)
    client.force_login(team.facilitator)
    url = reverse("sensemaking:report-pdf", args=[version.report.slug, "1.0"])
    client.post(url)
    render_report_pdf.call(ReportFile.objects.get().pk, "http://testserver/")
    reader = PdfReader(io.BytesIO(b"".join(client.get(url).streaming_content)))

    text = " ".join(page.extract_text() for page in reader.pages)
    for name in NAMES:
        assert name in text
    # Each was drawn with a font that has it, not the box of a missing glyph (DejaVu Sans has
    # the accented Latin, Arabic and Cyrillic letters; the Noto fonts the Makefile installs the
    # rest).
    fonts = fonts_used(reader)
    assert any("Emoji" in font for font in fonts), fonts
    assert any("CJK" in font for font in fonts), fonts
    assert any("Devanagari" in font for font in fonts), fonts

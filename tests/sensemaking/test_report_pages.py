"""A report the size of the seed's reads in a few pages: no heading left alone on a page.

The content is made through the services as a facilitator would: 100 storytellers with the
seed's kind of demographic answers, six themes with sub-themes, one key quote each, a finding
each and the "value for all" table. The PDF is the one the worker makes.
"""

import io
import random
import re
import subprocess

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from sensemaking import services
from sensemaking.exports import report_docx
from sensemaking.models import ReportFile, ReportVersion
from sensemaking.reports import compile_report
from sensemaking.tasks import render_report_pdf
from tests.factories import (
    ALL_SCOPES,
    add_partner,
    highlight_phrase,
    image_bytes,
    make_story,
    make_storyteller,
)

pytestmark = pytest.mark.django_db

THEMES = [
    ("Diversity of perspectives", ["Listening to unheard voices", "Cultural inclusion"]),
    ("Depth of insights", ["First-hand and up to date", "Less agenda-driven"]),
    ("Co-learning", ["Finding the answers together", "Sharing learning more widely"]),
    ("Sharing power", ["Removing hierarchy", "Being humans together"]),
    ("People driving change", ["Genuine control", "Feeling ownership"]),
    ("Collective action", ["Connecting with power", "Growing empathy"]),
]
ANSWERS = {
    "age_band": ["25-34", "35-44", "45-54", "55-64", "65-74"],
    "gender": ["woman", "woman", "man"],
    "ethnicity": ["white_british", "white_british", "asian_pakistani", "black_african"],
    "disability": ["yes", "no", "no", "no"],
    "lgbtqia": ["no", "no", "no", "yes"],
}
MULTI = {
    "sectors": ["health_social_care", "housing", "local_authority", "community", "education"],
    "coproduction_roles": ["lived_experience", "carer", "peer_researcher", "practitioner"],
    "lived_experiences": ["mental_health", "poverty", "homelessness", "physical_disability"],
}
NAMES = ["Tess Ålvarez 🌱", "李小龍", "أمل حداد"]


def seed_report(team, workshop) -> str:
    """Make the seed-like report; return its PDF's URL."""
    rng = random.Random(4)
    stories = []
    for n in range(100):
        demographics = {field: rng.choice(values) for field, values in ANSWERS.items()}
        demographics |= {field: rng.sample(values, 2) for field, values in MULTI.items()}
        name = NAMES[n] if n < len(NAMES) else f"Storyteller {n}"
        teller = make_storyteller(
            team.project,
            team.interviewer,
            credit_preference="name",
            credit_name=name,
            demographics=demographics,
        )
        stories.append(
            make_story(
                team.project,
                team.interviewer,
                scopes=ALL_SCOPES,
                status="submitted",
                storyteller=teller,
                transcript=f"Story {n}. Working together we found answers none of us had alone.",
            )
        )
    services.set_workshop_stories(workshop=workshop, stories=stories, by=team.facilitator)
    for position, (name, children) in enumerate(THEMES):
        (top,) = services.themes_named(team.project, [name])
        for child in services.themes_named(team.project, children):
            services.update_theme(
                theme=child, expected_version=child.version, by=team.facilitator, parent=top
            )
        story = stories[position]
        quotes = [
            highlight_phrase(
                workshop,
                story,
                "Working together we found answers none of us had alone",
                [top],
                key=True,
                by=team.facilitator,
            )
        ]
        services.write_finding(
            workshop=workshop,
            theme=top,
            statement=f"Storytellers said {name.lower()} made the work better for everyone.",
            quotes=quotes,
            by=team.facilitator,
        )
    draft = services.create_report(
        project=team.project, title="The value of co-production", by=team.facilitator
    )
    words = "We gathered 100 stories and made sense of them together in workshops. " * 4
    services.edit_report(
        report=draft.report,
        based_on=f"{draft.pk}:{draft.lock_version}",
        by=team.facilitator,
        workshops=[workshop],
        purpose=words,
        method=words,
        challenges=words,
        acknowledgements="Thank you to everyone who shared their story.",
        value_table={
            "columns": [
                {"heading": heading, "items": ["Felt heard", "Learnt new skills", "Met others"]}
                for heading in ("For individuals", "For organisations", "For society")
            ]
        },
    )
    # The seed's cover names its partners by their logos.
    for name, size in (("People's Voice Media", (600, 200)), ("Curators of Change", (300, 300))):
        add_partner(draft, name, logo=image_bytes(*size), by=team.facilitator)
    return reverse("sensemaking:report-pdf", args=[draft.report.slug, "1.0"])


def test_the_seed_sized_report_fits_twelve_pages_with_no_heading_alone(client, team, workshop):
    url = seed_report(team, workshop)
    client.force_login(team.facilitator)
    client.post(url)
    render_report_pdf.call(ReportFile.objects.get().pk, "http://testserver/")
    reader = PdfReader(io.BytesIO(b"".join(client.get(url).streaming_content)))

    assert len(reader.pages) <= 12
    pages = [page.extract_text() for page in reader.pages]
    text = " ".join(pages)
    for name in NAMES:
        assert name in text
    for theme, _children in THEMES:
        assert theme in text
    # No page holds only a heading (or a heading and its page number): the lines of a page
    # other than the "Page n of m" footer are more than a heading's one or two.
    for number, page in enumerate(pages, start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not re.fullmatch(r"Page \d+ of \d+", line.strip())]
        assert len(body) > 2, f"page {number} has only {body}"


def test_the_seed_sized_word_document_fits_eight_a4_pages_numbered_with_its_charts(
    team, workshop, tmp_path
):
    seed_report(team, workshop)
    source = tmp_path / "report.docx"
    source.write_bytes(report_docx(compile_report(ReportVersion.objects.get())))
    document = Document(source)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    pages = PdfReader(tmp_path / "report.pdf").pages

    # The 100 credited names sit in three columns: a page, not three.
    assert len(pages) <= 8  # 9 with the names in one column
    texts = [page.extract_text() for page in pages]
    for number, (page, text) in enumerate(zip(pages, texts, strict=True), start=1):
        assert (round(page.mediabox.width), round(page.mediabox.height)) == (595, 842)
        assert f"Page {number} of {len(pages)}" in text
    assert "Storyteller 99" in texts[-1] or "Storyteller 99" in texts[-2]
    assert sum(len(page.images) for page in pages) >= 8  # the eight "who shared" charts

    # No table row breaks across pages, and a table shorter than a page keeps to one: its
    # rows but the last stay with the next; its headings repeat on the next page if it breaks.
    rows = [row for table in document.tables for row in table.rows]
    assert len(rows) > 30
    assert document.element.body.xpath(".//w:tr[not(w:trPr/w:cantSplit)]") == []
    for table in document.tables:
        assert table.rows[0]._tr.xpath("w:trPr/w:tblHeader")
        for row in table.rows[:-1]:
            for cell in row.cells:
                assert all(line.paragraph_format.keep_with_next for line in cell.paragraphs)
    # The contents lists every section and chart, in order, as LibreOffice shows it without
    # updating fields, with no dotted leaders to missing page numbers; Word opens it without
    # asking to update fields.
    listed = [
        line.text for line in document.paragraphs if line.style.name in ("Heading 1", "Heading 2")
    ]
    assert len(listed) > 15
    text = "\n".join(texts)
    position, end = text.index("Contents"), text.index("We gathered 100 stories")
    for heading in listed:
        position = text.index(heading, position, end) + len(heading)
    assert "..." not in text[:end]
    assert document.settings.element.xpath("w:updateFields") == []

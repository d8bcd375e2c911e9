"""The report's front matter and "who shared" in the editor's words, alike in HTML, PDF and Word.

Made as an editor would, through the report form without JavaScript: the co-authorship line,
partners with logos (decoded by Pillow, kept private until the version is published and frozen
with it), the version and date on every cover, and the "who shared" words beside the figures.
"""

import io
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from PIL import Image
from pypdf import PdfReader

from sensemaking import demographics, services
from sensemaking.exports import report_docx
from sensemaking.models import ReportFile, ReportPartner, ReportVersion
from sensemaking.reports import compile_report
from sensemaking.tasks import render_report_pdf
from stories.models import AuditEvent
from tests.factories import (
    ALL_SCOPES,
    add_partner,
    image_bytes,
    make_story,
    make_storyteller,
)

pytestmark = pytest.mark.django_db

# Ten storytellers, five in each of two age bands, so both bands are shown.
AGES = ["25-34"] * 5 + ["55-64"] * 5
SUGGESTED_LINE = "This report was co-authored by about 10 people who shared their stories."


@pytest.fixture(autouse=True)
def small_number(settings):
    settings.REPORT_SMALL_NUMBER = 5


@pytest.fixture
def ten(team, workshop, reported):
    """The reported draft, its workshop holding ten storytellers' stories, figures counted."""
    stories = [
        make_story(
            team.project,
            team.interviewer,
            scopes=ALL_SCOPES,
            status="submitted",
            storyteller=make_storyteller(
                team.project,
                team.interviewer,
                demographics={"age_band": age, "gender": "woman" if n % 2 else "man"},
            ),
        )
        for n, age in enumerate(AGES)
    ]
    services.set_workshop_stories(workshop=workshop, stories=stories, by=team.facilitator)
    version = save(reported.version, by=team.facilitator)
    assert compile_report(version).who.total == 10
    return version


def save(version, *, by, **fields):
    """Save the report's draft through the service, as the form does."""
    report = version.report
    latest = report.versions.order_by("-major", "-minor").first()
    return services.edit_report(
        report=report,
        based_on=f"{latest.pk}:{latest.lock_version}",
        by=by,
        workshops=list(latest.workshops.all()),
        **fields,
    )


def form_data(client, slug, **changes) -> dict:
    """What the edit page's form would send unchanged, with these changes."""
    form = client.get(reverse("sensemaking:report-edit", args=[slug])).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or name.endswith("_logo"):
            continue
        if name == "workshops":
            value = [getattr(item, "pk", item) for item in value]
        data[name] = value
    return data | changes


def post_edit(client, slug, data):
    return client.post(reverse("sensemaking:report-edit", args=[slug]), data)


def docx_text(compiled) -> list[str]:
    document = Document(io.BytesIO(report_docx(compiled)))
    return [paragraph.text for paragraph in document.paragraphs]


def pdf_text(client, version) -> str:
    """Make the PDF as the report page's button and the worker do; return its text layer."""
    url = reverse("sensemaking:report-pdf", args=[version.report.slug, version.number])
    client.post(url)
    made = ReportFile.objects.filter(version=version, kind="pdf").latest("pk")
    render_report_pdf.call(made.pk, "http://testserver/")
    reader = PdfReader(io.BytesIO(b"".join(client.get(url).streaming_content)))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def page_text(client, version) -> str:
    html = client.get(version.get_absolute_url()).content.decode()
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# The co-authorship line -------------------------------------------------------------------------


def test_the_cover_suggests_a_co_authorship_line_from_the_rounded_count(client, ten, team):
    client.force_login(team.facilitator)
    form = client.get(reverse("sensemaking:report-edit", args=[ten.report.slug])).context["form"]
    assert form["co_authorship"].value() == SUGGESTED_LINE  # offered on the first edit

    compiled = compile_report(ten)
    assert compiled.co_authorship == SUGGESTED_LINE
    assert SUGGESTED_LINE in page_text(client, ten)
    assert docx_text(compiled)[2] == SUGGESTED_LINE  # title, version line, then this


def test_fewer_storytellers_than_the_small_number_are_never_counted_on_the_cover(reported):
    compiled = compile_report(reported.version)  # one storyteller
    assert compiled.who.total is None
    assert compiled.co_authorship == (
        "This report was co-authored by the people who shared their stories."
    )


def test_the_editors_line_replaces_the_suggestion_and_a_blank_brings_it_back(client, ten, team):
    slug = ten.report.slug
    client.force_login(team.facilitator)
    mine = "Co-authored by the ten storytellers and Peer Voices, who ran the workshops."
    response = post_edit(client, slug, form_data(client, slug, co_authorship=mine))
    assert response.status_code == 302, response.context["form"].errors
    version = ReportVersion.objects.get(pk=ten.pk)
    assert version.co_authorship == mine
    compiled = compile_report(version)
    assert compiled.co_authorship == mine
    assert mine in page_text(client, version)
    assert mine in docx_text(compiled)
    assert SUGGESTED_LINE not in page_text(client, version)

    response = post_edit(client, slug, form_data(client, slug, co_authorship=""))
    assert response.status_code == 302
    assert compile_report(ReportVersion.objects.get(pk=ten.pk)).co_authorship == SUGGESTED_LINE


def test_saving_the_suggestion_unchanged_stores_nothing_so_it_follows_the_figures(
    client, ten, team
):
    slug = ten.report.slug
    client.force_login(team.facilitator)
    assert post_edit(client, slug, form_data(client, slug)).status_code == 302
    version = ReportVersion.objects.get(pk=ten.pk)
    assert version.co_authorship == "" and version.who_shared_words == ""


def test_markup_in_the_new_text_fields_is_refused_and_nothing_changes(client, ten, team):
    slug = ten.report.slug
    client.force_login(team.facilitator)
    for field in ("co_authorship", "who_shared_words", "new_partner_1_name"):
        data = form_data(client, slug, **{field: "<img src=x onerror=alert(1)>"})
        response = post_edit(client, slug, data)
        assert response.status_code == 200, field
        assert "HTML is not allowed" in response.content.decode()
    version = ReportVersion.objects.get(pk=ten.pk)
    assert version.lock_version == ten.lock_version
    assert (version.co_authorship, version.who_shared_words) == ("", "")
    assert not ReportPartner.objects.exists()


# Who shared their stories, in the editor's words ------------------------------------------------


def test_who_shared_offers_the_computed_sentences_and_the_editor_may_replace_them(
    client, ten, team
):
    slug = ten.report.slug
    client.force_login(team.facilitator)
    offered = form_data(client, slug)["who_shared_words"]
    assert offered.startswith("About 10 storytellers shared their stories.")
    assert "Storytellers were aged 25 to 64." in offered

    mine = "Half of the storytellers were women.\n\nThey were aged 25 to 64."
    assert post_edit(client, slug, form_data(client, slug, who_shared_words=mine)).status_code
    version = ReportVersion.objects.get(pk=ten.pk)
    compiled = compile_report(version)
    html = page_text(client, version)
    assert "Half of the storytellers were women." in html
    assert "About 10 storytellers shared their stories." not in html
    assert "Storytellers' ages" in html  # the figures and charts stay
    paragraphs = docx_text(compiled)
    # The heading, not its line in the contents before it.
    who = len(paragraphs) - 1 - paragraphs[::-1].index("Who shared their stories?")
    assert paragraphs[who + 1 : who + 3] == [
        "Half of the storytellers were women.",
        "They were aged 25 to 64.",
    ]
    assert "Storytellers' ages" in paragraphs


def test_the_pdf_has_the_same_front_matter_and_words_in_the_same_order(client, ten, team):
    version = add_partner(ten, "Peer Voices", logo=image_bytes(), by=team.facilitator)
    version = add_partner(version, "Open Door Trust", by=team.facilitator)
    version = save(
        version,
        by=team.facilitator,
        co_authorship="Co-authored by ten storytellers.",
        who_shared_words="Half of the storytellers were women.",
    )
    client.force_login(team.facilitator)
    text = pdf_text(client, version)
    compiled = compile_report(version)
    cover = [
        compiled.version_line,
        "Draft, not public",
        "Co-authored by ten storytellers.",
        "In partnership with:",
        "Open Door Trust",  # named in words; Peer Voices by its logo
        "Half of the storytellers were women.",
        "Storytellers' ages",
    ]
    places = [text.find(words) for words in cover]
    assert -1 not in places, list(zip(cover, places, strict=True))
    assert places == sorted(places)
    assert text.count(compiled.version_line) >= 1

    paragraphs = docx_text(compiled)
    order = [
        next(i for i, line in enumerate(paragraphs) if words in line)
        for words in [*cover[:5], cover[5]]
    ]
    assert order == sorted(order)


# Version and date ------------------------------------------------------------------------------


def test_every_cover_states_the_version_and_date_in_the_same_words(client, published, team):
    compiled = compile_report(published)
    line = f"Version 1.0 · {published.report_date:%-d %B %Y}"
    assert compiled.version_line == line
    assert line in page_text(client, published)
    assert docx_text(compiled)[1] == line  # published: no draft notice
    client.force_login(team.facilitator)
    assert line in pdf_text(client, published)


@pytest.fixture
def published(reported, team):
    return services.publish_report(version=reported.version, by=team.curator)


# Partners and their logos -----------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def logo_url(version, partner) -> str:
    return reverse(
        "sensemaking:report-logo", args=[version.report.slug, version.number, partner.pk]
    )


def test_an_editor_adds_a_partner_with_a_logo_through_the_form(client, reported, team):
    slug = reported.report.slug
    client.force_login(team.facilitator)
    data = form_data(
        client,
        slug,
        new_partner_1_name="Peer Voices",
        new_partner_1_logo=upload("peer-voices.png", image_bytes(300, 100)),
        new_partner_2_name="Open Door Trust",
    )
    response = post_edit(client, slug, data)
    assert response.status_code == 302, response.context["form"].errors
    logo, named = ReportPartner.objects.order_by("position")
    assert (logo.name, named.name, named.logo.name) == ("Peer Voices", "Open Door Trust", "")
    # Stored privately under a generated name, redrawn as a PNG.
    assert logo.logo.name.startswith("private/reportpartner/")
    assert "peer-voices" not in logo.logo.name
    version = ReportVersion.objects.get(pk=reported.version.pk)
    html = client.get(version.get_absolute_url()).content.decode()
    assert f'src="{logo_url(version, logo)}" alt="Peer Voices"' in html
    assert logo.logo.name not in html
    response = client.get(logo_url(version, logo))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (300, 100)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.REPORT_EDITED).latest("pk")
    assert event.details["partners"] == ["Peer Voices", "Open Door Trust"]


def test_a_drafts_logo_is_seen_only_by_the_team_and_the_public_sees_it_once_published(
    client, reported, team
):
    version = add_partner(reported.version, "Peer Voices", logo=image_bytes(), by=team.facilitator)
    partner = version.partners.get()
    url = logo_url(version, partner)
    assert client.get(url).status_code == 404  # anonymous
    for outsider in (team.outsider, team.nobody, team.interviewer):
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider
    for member in (team.facilitator, team.facilitator2, team.curator, team.curator2):
        client.force_login(member)
        assert client.get(url).status_code == 200
    client.logout()

    services.publish_report(version=version, by=team.curator)
    assert client.get(url).status_code == 200
    assert "Cache-Control" in client.get(url) and "private" in client.get(url)["Cache-Control"]


def test_guessed_logo_addresses_find_nothing(client, reported, team):
    draft = add_partner(reported.version, "Draft partner", logo=image_bytes(), by=team.facilitator)
    hidden = draft.partners.get()
    other = services.create_report(project=team.project, title="Another", by=team.facilitator)
    other = add_partner(other, "Other partner", logo=image_bytes(), by=team.facilitator)
    # A published version of a second report, whose address the public may read.
    services.publish_report(version=reported.version, by=team.curator)
    reported.version.refresh_from_db()
    public = reported.report.slug
    for address in (
        # the draft's partner under the published version's number
        reverse("sensemaking:report-logo", args=[public, "1.0", hidden.pk + 1000]),
        reverse("sensemaking:report-logo", args=[public, "9.9", hidden.pk]),
        reverse("sensemaking:report-logo", args=[public, "x", hidden.pk]),
        reverse("sensemaking:report-logo", args=[other.report.slug, "1.0", hidden.pk]),
    ):
        assert client.get(address).status_code == 404, address


def test_a_partner_of_another_reports_draft_is_not_served_under_a_published_report(
    client, reported, team
):
    services.publish_report(version=reported.version, by=team.curator)
    other = services.create_report(project=team.project, title="Another", by=team.facilitator)
    other = add_partner(other, "Secret partner", logo=image_bytes(), by=team.facilitator)
    secret = other.partners.get()
    address = reverse("sensemaking:report-logo", args=[reported.report.slug, "1.0", secret.pk])
    assert client.get(address).status_code == 404
    client.force_login(team.outsider)
    assert client.get(address).status_code == 404


def test_a_published_versions_partners_are_frozen_when_the_next_draft_changes(
    client, reported, team
):
    first = add_partner(reported.version, "Peer Voices", logo=image_bytes(), by=team.facilitator)
    first = services.publish_report(version=first, by=team.curator)
    published_logo = first.partners.get()
    original = published_logo.logo.read()

    slug = reported.report.slug
    client.force_login(team.facilitator)
    data = form_data(
        client,
        slug,
        partner_1_name="Peer Voices CIC",
        partner_1_logo=upload("new.png", image_bytes(40, 40)),
        new_partner_1_name="Open Door Trust",
        change_note="New partner.",
    )
    response = post_edit(client, slug, data)
    assert response.status_code == 302, response.context["form"].errors
    draft = ReportVersion.objects.get(status="draft")
    assert [p.name for p in draft.partners.all()] == ["Peer Voices CIC", "Open Door Trust"]

    published_logo.refresh_from_db()
    assert [p.name for p in first.partners.all()] == ["Peer Voices"]
    with published_logo.logo.open("rb") as handle:
        assert handle.read() == original
    assert draft.partners.first().logo.name != published_logo.logo.name
    client.logout()
    html = client.get(first.get_absolute_url()).content.decode()
    assert "Peer Voices CIC" not in html and 'alt="Peer Voices"' in html


def test_a_partner_carried_into_a_new_draft_and_removed_there_stays_published(
    client, reported, team
):
    first = add_partner(reported.version, "Peer Voices", logo=image_bytes(), by=team.facilitator)
    first = services.publish_report(version=first, by=team.curator)
    slug = reported.report.slug
    client.force_login(team.facilitator)
    response = post_edit(client, slug, form_data(client, slug, partner_1_remove="on"))
    assert response.status_code == 302, response.context["form"].errors
    assert not ReportVersion.objects.get(status="draft").partners.exists()
    partner = first.partners.get()
    assert partner.logo.storage.exists(partner.logo.name)
    client.logout()
    assert client.get(logo_url(first, partner)).status_code == 200


def test_an_editor_takes_a_logo_off_a_partner_and_its_file_goes(
    client, reported, team, django_capture_on_commit_callbacks
):
    version = add_partner(reported.version, "Peer Voices", logo=image_bytes(), by=team.facilitator)
    partner = version.partners.get()
    storage, name = partner.logo.storage, partner.logo.name
    slug = reported.report.slug
    client.force_login(team.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_edit(client, slug, form_data(client, slug, partner_1_remove_logo="on"))
    assert response.status_code == 302, response.context["form"].errors
    partner.refresh_from_db()
    assert partner.name == "Peer Voices" and not partner.logo
    assert not storage.exists(name)


PDF_AS_PNG = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("logo.png", PDF_AS_PNG, "The logo is a PDF, not an image, whatever its name says."),
        ("logo.svg", SVG, "SVG logos can’t be used."),
        ("logo.png", b"not an image at all", "The file is not an image we can read."),
        ("logo.png", image_bytes(6000, 10), "a logo can be at most 5,000 pixels each way"),
        ("logo.png", image_bytes(120, 60)[:60], "the file seems damaged"),
        ("logo.tiff", image_bytes(20, 20, "TIFF"), "The logo is a TIFF image"),
    ],
)
def test_a_logo_that_is_not_a_usable_image_is_refused_and_nothing_changes(
    client, reported, team, filename, content, message
):
    slug = reported.report.slug
    client.force_login(team.facilitator)
    data = form_data(
        client, slug, new_partner_1_name="Peer Voices", new_partner_1_logo=upload(filename, content)
    )
    response = post_edit(client, slug, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page.replace("&#x27;", "'").replace("&rsquo;", "’")
    assert 'href="#id_new_partner_1_logo"' in page  # the error summary links to the field
    assert not ReportPartner.objects.exists()
    version = ReportVersion.objects.get(pk=reported.version.pk)
    assert version.lock_version == reported.version.lock_version


def test_a_logo_too_many_bytes_is_refused_before_it_is_decoded(client, reported, team, settings):
    slug = reported.report.slug
    client.force_login(team.facilitator)
    big = image_bytes(100, 100) + b"\0" * (5 * 1024 * 1024 + 1)
    data = form_data(
        client, slug, new_partner_1_name="Peer Voices", new_partner_1_logo=upload("l.png", big)
    )
    response = post_edit(client, slug, data)
    assert response.status_code == 200
    assert "a logo can be at most 5 MB" in response.content.decode()
    assert not ReportPartner.objects.exists()


def test_a_logo_without_a_name_asks_for_the_name(client, reported, team):
    slug = reported.report.slug
    client.force_login(team.facilitator)
    data = form_data(client, slug, new_partner_1_logo=upload("l.png", image_bytes()))
    response = post_edit(client, slug, data)
    assert response.status_code == 200
    assert "Enter the partner’s name." in response.content.decode().replace("&rsquo;", "’")
    assert not ReportPartner.objects.exists()


def test_the_word_file_shows_the_logos_on_its_front_page_with_their_names(reported, team):
    version = add_partner(reported.version, "Peer Voices", logo=image_bytes(), by=team.facilitator)
    version = add_partner(version, "Open Door Trust", by=team.facilitator)
    document = Document(io.BytesIO(report_docx(compile_report(version))))
    texts = [paragraph.text for paragraph in document.paragraphs]
    heading = texts.index("In partnership with:")
    logos = document.paragraphs[heading + 1]
    described = [element.get("descr") for element in logos._p.xpath(".//wp:docPr")]
    assert described == ["Peer Voices"]
    assert "Open Door Trust" in logos.text
    assert heading < texts.index("Contents")


def test_the_pdf_fingerprint_changes_when_a_partner_is_added(reported, team):
    before = compile_report(reported.version).fingerprint
    version = add_partner(reported.version, "Peer Voices", by=team.facilitator)
    assert compile_report(version).fingerprint != before


# Age range -------------------------------------------------------------------------------------


def test_the_age_range_is_stated_from_the_bands_present():
    people = [{"age_band": "25-34"}] * 5 + [{"age_band": "55-64"}] * 5
    table = demographics.who_shared(people).table("age_band")
    assert demographics.age_sentence(table) == "Storytellers were aged 25 to 64."
    assert "Storytellers were aged 25 to 64." in demographics.suggested_words(
        demographics.who_shared(people)
    )


def test_a_hidden_age_band_is_left_out_of_the_range_and_said_to_be():
    # "75 or over" (1) is too small; "55 to 64" (5) is hidden with it, so it cannot be worked
    # out from the total.
    bands = {"25-34": 6, "35-44": 6, "55-64": 5, "75+": 1}
    people = [{"age_band": band} for band, n in bands.items() for _ in range(n)]
    table = demographics.who_shared(people).table("age_band")
    assert [row.value for row in table.rows if row.suppressed] == ["55-64", "75+"]
    assert demographics.age_sentence(table) == "The age bands shown cover ages 25 to 44."

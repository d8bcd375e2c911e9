"""The codebook as CSV and Excel, and importing one from CSV: same columns both ways, a clear
message for each bad row, nothing written on error, an audit row when it works."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sensemaking.codebook_tables import import_codebook_csv
from sensemaking.models import Theme
from sensemaking.refiqda import MAX_CODEBOOK_BYTES
from stories.models import AuditEvent
from tests.factories import make_member, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def codebook(team):
    heard = Theme.objects.create(
        project=team.project,
        name="Being heard",
        slug="heard",
        colour="#1d4f7a",
        description="Listened to, <really>.",
        position=1,
    )
    Theme.objects.create(
        project=team.project, name="Caseworkers", slug="cw", parent=heard, colour="#00aa55"
    )
    Theme.objects.create(project=team.project, name="=SUM(A1)", slug="sum", position=2)
    return heard


def download(client, team, kind):
    client.force_login(team.facilitator)
    url = reverse("sensemaking:codebook", args=[team.project.slug])
    response = client.get(url, {"download": kind})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{team.project.slug}-codebook.{kind}"'
    )
    return response


def upload(client, team, name: str, content: bytes):
    client.force_login(team.facilitator)
    url = reverse("sensemaking:codebook", args=[team.project.slug])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def test_csv_lists_each_theme_with_its_parent_and_neutralises_formulas(client, team, codebook):
    response = download(client, team, "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["name", "description", "colour", "parent"],
        ["Being heard", "Listened to, <really>.", "#1d4f7a", ""],
        ["Caseworkers", "", "#00aa55", "Being heard"],
        ["'=SUM(A1)", "", "#1d4f7a", ""],
    ]


def test_excel_has_the_same_columns(client, team, codebook):
    response = download(client, team, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Codebook"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["name", "description", "colour", "parent"]
    assert values[2] == ["Caseworkers", None, "#00aa55", "Being heard"]


def test_a_downloaded_csv_imports_into_another_project_as_it_was(client, team, codebook):
    content = download(client, team, "csv").content
    other = make_project()
    result = import_codebook_csv(project=other, data=content, by=team.facilitator)
    assert [theme.name for theme in result.created] == ["Being heard", "=SUM(A1)", "Caseworkers"]
    child = Theme.objects.get(project=other, name="Caseworkers")
    assert child.parent.name == "Being heard" and child.colour == "#00aa55"
    assert Theme.objects.get(project=other, name="Being heard").description == (
        "Listened to, <really>."
    )


def test_importing_a_csv_from_the_page_says_what_it_did_and_is_audited(client, team, codebook):
    content = (
        "Name;Description;Color;Parent\n"
        "Housing;Where people live;#abc;\n"
        "Rent;;;Housing\n"
        "Listening;;;being heard\n"
        "caseworkers;;;\n"
    ).encode("utf-8-sig")
    response = upload(client, team, "codes.csv", content)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Added 3 themes; 1 theme was already in the project" in page
    assert Theme.objects.get(project=team.project, name="Rent").parent.name == "Housing"
    assert Theme.objects.get(project=team.project, name="Housing").colour == "#aabbcc"
    assert Theme.objects.get(project=team.project, name="Listening").parent == codebook
    event = AuditEvent.objects.get(action=AuditEvent.Action.CODEBOOK_IMPORTED)
    assert event.actor == team.facilitator and event.project == team.project
    assert event.details["source"] == "CSV codebook"
    assert event.details["created"] == ["Housing", "Listening", "Rent"]


@pytest.mark.parametrize(
    ("content", "messages"),
    [
        (
            b"name,colour,parent\nGood,,\n,#123456,\nBad colour,red,\nOrphan,,Nowhere\n"
            b"good,,\nSelf,,self\n",
            [
                "Row 3: the name is empty. Every theme needs a name.",
                "Row 4: the colour “red” is not a hex colour such as #1d4f7a.",
                "Row 6: “good” is also on row 2; each theme can be listed once.",
                "Row 7: “Self” can’t be its own parent.",
            ],
        ),
        (b"name,parent\nA,B\nB,A\n", ["Rows 2, 3: the parents go round in a loop"]),
        (b"name,parent\nA,B\na,\nB,A\n", ["“a” is also on row 2"]),
        (
            b"name,colour,parent\nHousing,red,\nRent,,Nowhere\n",
            ["Row 2: the colour “red”", "Row 3: the parent “Nowhere” is neither"],
        ),
        (b"name,parent\nA,Nowhere\n", ["Row 2: the parent “Nowhere” is neither a row"]),
        (b"title,colour\nA,#123456\n", ["The first row must name the columns: name"]),
        ("name\nCafé\n".encode("cp1252"), ["The file is not UTF-8 text."]),
        (b"PK\x03\x04rest", ["This is a ZIP file"]),
        (b"name\n" + ("x" * 101).encode() + b"\n", ["has 101 characters"]),
        (b"name\nA\x01B\n", ["Row 2: it holds characters that are not text"]),
        (b"name\n\n", ["The file has no themes in it"]),
    ],
)
def test_a_bad_csv_lists_every_problem_and_imports_nothing(client, team, content, messages):
    response = upload(client, team, "codes.CSV", content)
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    for message in messages:
        assert message in page
    assert not Theme.objects.filter(project=team.project).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CODEBOOK_IMPORTED).exists()


def test_a_qdc_still_imports_from_the_same_form(client, team, codebook):
    client.force_login(team.facilitator)
    qdc = client.get(reverse("sensemaking:codebook", args=[team.project.slug]), {"download": "qdc"})
    other = make_project()
    client.force_login(make_member(other, "facilitator"))
    url = reverse("sensemaking:codebook", args=[other.slug])
    response = client.post(url, {"file": SimpleUploadedFile("codes.qdc", qdc.content)})
    assert response.status_code == 302
    assert Theme.objects.filter(project=other).count() == 3


def test_only_the_projects_runners_get_the_tables(client, team, codebook):
    url = reverse("sensemaking:codebook", args=[team.project.slug])
    for user in (team.interviewer, team.outsider, team.nobody):
        client.force_login(user)
        assert client.get(url, {"download": "csv"}).status_code == 404
        response = client.post(url, {"file": SimpleUploadedFile("x.csv", b"name\nX\n")})
        assert response.status_code == 404
    client.logout()
    assert client.get(url, {"download": "csv"})["Location"].startswith(reverse("login"))
    assert not Theme.objects.filter(name="X").exists()


def test_a_file_too_big_to_be_a_codebook_is_refused_before_it_is_read(client, team):
    client.force_login(team.curator)
    big = b"name\n" + b"x" * (MAX_CODEBOOK_BYTES + 1)
    page = upload(client, team, "codes.csv", big).content.decode()
    assert "A codebook is at most 5 MB" in page
    assert not Theme.objects.filter(project=team.project).exists()

"""The team's data files (CSV, Excel, REFI-QDA) hold only quotes their consent and the
downloader's role allow: the same queryset feeds them as feeds the board and the report."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from sensemaking import services
from sensemaking.models import Quote
from stories import services as story_services
from stories.access import Use
from tests.factories import ALL_SCOPES, highlight_phrase, make_story

pytestmark = pytest.mark.django_db

OTHER = "It meant being heard, not just listened to"


def download(client, user, reported, kind: str) -> str:
    """The file's text: every quote's words, whatever the format."""
    client.force_login(user)
    url = reverse(
        "sensemaking:report-data", args=[reported.report.slug, reported.version.number, kind]
    )
    response = client.get(url)
    assert response.status_code == 200
    content = b"".join(response) if response.streaming else response.content
    if kind == "csv":
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(content.decode())))
    if kind == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content))["Quotes"]
        return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
    archive = zipfile.ZipFile(io.BytesIO(content))
    return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


@pytest.fixture
def second(team, workshop, reported):
    """A second story in the reported workshop, with a quote under the report's theme."""
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    services.set_workshop_stories(
        workshop=workshop, stories=[*workshop.stories.all(), story], by=team.facilitator
    )
    highlight_phrase(workshop, story, OTHER, [reported.theme], by=team.facilitator)
    return story


KINDS = ["csv", "xlsx", "qdpx"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["facilitator", "facilitator2", "curator", "curator2"])
def test_a_story_withdrawn_from_sensemaking_leaves_every_data_file(
    client, team, reported, second, kind, who
):
    user = getattr(team, who)
    assert OTHER in download(client, user, reported, kind)
    story_services.change_consent_scopes(
        story=second, scopes={**ALL_SCOPES, "use_sensemaking": False}, by=team.curator
    )
    text = download(client, user, reported, kind)
    assert OTHER not in text
    assert "Co-production gave me a voice" in text  # the other story's quote stays


def test_quotes_for_one_persons_files_cannot_be_asked_for_without_saying_who():
    with pytest.raises(TypeError, match="say who"):
        Quote.objects.usable_for(Use.DATA)


@pytest.mark.parametrize("kind", KINDS)
def test_people_outside_the_project_get_no_data_files(client, team, reported, kind):
    url = reverse(
        "sensemaking:report-data", args=[reported.report.slug, reported.version.number, kind]
    )
    for user in (team.outsider, team.nobody, team.interviewer):
        client.force_login(user)
        assert client.get(url).status_code == 404

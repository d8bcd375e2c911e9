"""Exchange with other QDA tools: source names that every file system accepts."""

import io
import zipfile

import pytest
from lxml import etree

from sensemaking import refiqda
from sensemaking.models import Quote, Theme
from stories.models import Story
from tests.factories import highlight_phrase

pytestmark = pytest.mark.django_db

PR = "{urn:QDA-XML:project:1.0}"


def exported_root(project):
    out = io.BytesIO()
    quotes = Quote.objects.usable_in_reports().filter(story__project=project)
    refiqda.project_qdpx(project=project, quotes=quotes, out=out)
    return etree.fromstring(zipfile.ZipFile(out).read("project.qde"))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Before/after: why? *yes*", "Before-after- why- -yes-"),
        ('He said "no" <loudly> | back\\slash', "He said -no- -loudly- - back-slash"),
        ("Tabs\tand\x7fdeletes", "Tabs-and-deletes"),
        ("Ends with dots...", "Ends with dots"),
    ],
)
def test_source_names_are_safe_file_names_and_titles_stay_as_typed(
    team, workshop, story, title, expected
):
    Story.objects.filter(pk=story.pk).update(title=title)
    theme = Theme.objects.create(project=team.project, name="Voice", slug="voice")
    highlight_phrase(workshop, story, "gave me a voice", [theme], by=team.facilitator)
    (source,) = exported_root(team.project).iter(f"{PR}TextSource")
    assert source.get("name") == f"{story.storyteller.code} – {expected}"
    story.refresh_from_db()
    assert story.title == title


def test_a_name_of_nothing_but_unsafe_characters_still_names_the_file():
    assert refiqda.source_name("///") == "---"
    assert refiqda.source_name(" .. ") == "Untitled"

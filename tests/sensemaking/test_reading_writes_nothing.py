"""Reading a page never writes: consequences happen when things change, not when read."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sensemaking import services
from stories import services as story_services
from stories.transcripts import parse_plain_text

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def test_no_page_of_a_story_or_its_report_writes_when_read(client, team, story, workshop, reported):
    published = services.publish_report(version=reported.version, by=team.curator)
    # An edited transcript leaves quotes to move, which pages used to do when read.
    story_services.add_transcript(
        story=story,
        parsed=parse_plain_text("Dee: Co-production gave me a voice, I said.\n\nDee: New line."),
        by=team.interviewer,
        origin="edited",
    )
    slug, number = published.report.slug, published.number
    pages = [
        reverse("sensemaking:report", args=[slug]),
        reverse("sensemaking:report-pdf", args=[slug, number]),
        reverse("sensemaking:report-docx", args=[slug, number]),
        reverse("sensemaking:workshop", args=[workshop.pk]),
        reverse("sensemaking:story", args=[workshop.pk, story.pk]),
        reverse("sensemaking:board", args=[workshop.pk]),
        reverse("stories:story-detail", args=[story.pk]),
    ]
    client.force_login(team.curator)
    for url in pages:
        client.get(url)  # sessions and caches settle on a first visit
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        writes = [query["sql"] for query in queries if WRITE.match(query["sql"])]
        assert writes == [], url

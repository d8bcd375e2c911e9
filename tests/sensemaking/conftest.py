"""A story whose consent allows sense-making, and a workshop that uses it."""

from types import SimpleNamespace

import pytest

from sensemaking import services
from sensemaking.models import Quote
from tests.factories import ALL_SCOPES, make_story

TEXT = (
    "Dee: Co-production gave me a voice.\n\n"
    "Dee: Funding forms were the hardest part.\n\n"
    "Dee: I lived at 14 Brook Lane then."
)


@pytest.fixture
def story(team):
    return make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted", transcript=TEXT
    )


@pytest.fixture
def workshop(team, story):
    return services.create_workshop(
        project=team.project, title="First workshop", by=team.facilitator, stories=[story]
    )


@pytest.fixture
def reported(team, story, workshop):
    """A workshop with a finding and a key quote, and a report draft that presents it."""
    text = story.transcripts.get(is_current=True).text
    phrase = "Co-production gave me a voice"
    start = text.index(phrase)
    (voice,) = services.themes_named(team.project, ["Having a voice"])
    quote = services.highlight(
        workshop=workshop,
        story=story,
        char_start=start,
        char_end=start + len(phrase),
        themes=[voice],
        user=team.facilitator,
    )
    Quote.objects.filter(pk=quote.pk).update(is_key=True)
    services.write_finding(
        workshop=workshop,
        theme=voice,
        statement="People felt heard.",
        quotes=[quote],
        by=team.facilitator,
    )
    version = services.create_report(
        project=team.project, title="Value of co-production", by=team.facilitator
    )
    return SimpleNamespace(version=version, report=version.report, quote=quote, theme=voice)

"""A story whose consent allows sense-making, and a workshop that uses it."""

from types import SimpleNamespace

import pytest

from sensemaking import services
from tests.factories import ALL_SCOPES, highlight_phrase, make_story

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
    (voice,) = services.themes_named(team.project, ["Having a voice"])
    quote = highlight_phrase(
        workshop, story, "Co-production gave me a voice", [voice], by=team.facilitator, key=True
    )
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

"""A story whose consent allows sense-making, and a workshop that uses it."""

import pytest

from sensemaking import services
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

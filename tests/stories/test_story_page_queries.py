"""The team story page reads a fixed number of queries, whatever the story holds."""

import pytest
from django.urls import reverse

from tests.factories import ALL_SCOPES, make_story

pytestmark = pytest.mark.django_db

# Session and user (2), the story with its project, storyteller, interviewer and consent (1),
# the visitor's roles (1), topics (1), then only the parts the role may see: the transcript
# with its segments and redactions (3), recordings (1), consent history (1, not facilitators),
# whether they may edit (1) and the audit history (1, curators only).
MOST = {"curator": 12, "curator2": 12, "interviewer": 11, "facilitator": 10, "facilitator2": 10}


@pytest.mark.parametrize(("who", "most"), MOST.items())
def test_the_team_story_page_reads_a_fixed_number_of_queries(
    client, team, who, most, django_assert_max_num_queries
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    for number in range(5):
        make_story(team.project, team.interviewer, scopes=ALL_SCOPES, title=f"Other {number}")
    client.force_login(getattr(team, who))
    url = reverse("stories:story-detail", args=[story.pk])
    client.get(url)
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200

"""A long unbroken word (a name, a topic) wraps on a 360 px phone instead of widening the page."""

import pytest
from django.urls import reverse

from tests.factories import ALL_SCOPES, PASSWORD, make_story, make_storyteller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "Bartholomew" * 11  # 121 letters without a space


def test_long_names_and_topics_wrap_on_a_phone(new_page, live_server, sign_in, team):
    teller = make_storyteller(
        team.project, team.interviewer, credit_preference="name", credit_name=LONG[:120]
    )
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, storyteller=teller, title=LONG[:150]
    )
    story.tags.add(LONG[:100])
    page = new_page(viewport={"width": 360, "height": 740})
    sign_in(page, team.interviewer, PASSWORD)
    for url in (
        reverse("stories:story-detail", args=[story.pk]),
        reverse("stories:storyteller-list", args=[team.project.slug]),
        reverse("stories:dashboard"),
    ):
        page.goto(f"{live_server.url}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (url, width)

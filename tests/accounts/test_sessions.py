"""A signed-in session ends after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS
after signing in."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import sessions
from stories import services
from tests.accounts.conftest import sign_in
from tests.factories import make_story

pytestmark = pytest.mark.django_db


def move_back(client, key, seconds):
    """Edit the stored session as if that time had passed."""
    session = client.session
    session[key] -= seconds
    session.save()


def test_a_session_ends_after_the_idle_time(client, team):
    sign_in(client, team.curator.username)
    idle = settings.SESSION_IDLE_MINUTES * 60
    move_back(client, sessions.SEEN_KEY, idle - 60)
    assert client.get(reverse("stories:dashboard")).status_code == 200

    move_back(client, sessions.SEEN_KEY, idle + 1)
    response = client.get(reverse("stories:review-queue"))
    assert response["Location"] == f"{reverse('login')}?next={reverse('stories:review-queue')}"
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page
    assert client.get(reverse("stories:dashboard")).status_code == 302


def test_each_request_keeps_the_session_alive(client, team):
    sign_in(client, team.curator.username)
    move_back(client, sessions.SEEN_KEY, 20 * 60)
    assert client.get(reverse("stories:dashboard")).status_code == 200
    move_back(client, sessions.SEEN_KEY, 20 * 60)  # 40 minutes since sign-in, 20 since seen.
    assert client.get(reverse("stories:dashboard")).status_code == 200


def test_a_session_ends_after_the_absolute_time_however_busy(client, team):
    sign_in(client, team.curator.username)
    move_back(client, sessions.STARTED_KEY, settings.SESSION_MAX_HOURS * 3600 - 60)
    assert client.get(reverse("stories:dashboard")).status_code == 200
    move_back(client, sessions.STARTED_KEY, 120)
    response = client.get(reverse("stories:dashboard"))
    assert response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"]).content.decode()
    assert "signed out 12 hours after signing in" in page


def test_the_limits_follow_the_settings(client, team, settings):
    settings.SESSION_IDLE_MINUTES = 5
    sign_in(client, team.curator.username)
    move_back(client, sessions.SEEN_KEY, 5 * 60 + 1)
    assert client.get(reverse("stories:dashboard")).status_code == 302


def test_a_storytellers_link_session_is_not_cut_short(client, team):
    from stories import services
    from tests.factories import make_storyteller

    storyteller = make_storyteller(team.project, team.interviewer)
    _link, token = services.create_storyteller_link(storyteller=storyteller, by=team.interviewer)
    client.get(reverse("storyteller:enter", args=[token]))
    session = client.session
    assert sessions.SEEN_KEY not in session
    assert client.get(reverse("storyteller:home")).status_code == 200


def test_a_private_link_opened_after_the_session_ended_is_not_put_in_the_next_address(client, team):
    sign_in(client, team.curator.username)
    story = make_story(team.project, team.interviewer)
    _link, token = services.create_storyteller_link(storyteller=story.storyteller, by=team.curator)
    move_back(client, sessions.SEEN_KEY, settings.SESSION_IDLE_MINUTES * 60 + 1)
    response = client.get(reverse("storyteller:enter", args=[token]))
    assert token not in response["Location"]
    assert response["Location"] == reverse("storyteller:home")
    assert client.get(reverse("stories:dashboard")).status_code == 302  # signed out

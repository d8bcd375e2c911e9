"""A signed-in session ends after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS
after signing in."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import sessions
from sensemaking import services as sensemaking_services
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


@pytest.mark.parametrize("limit", ["idle", "absolute"])
def test_a_storytellers_link_session_ends_on_the_same_terms(client, team, limit):
    """On a shared computer the next person must not find the storyteller's pages."""
    story = make_story(team.project, team.interviewer)
    _link, token = services.create_storyteller_link(storyteller=story.storyteller, by=team.curator)
    client.get(reverse("storyteller:enter", args=[token]))
    assert client.get(reverse("storyteller:home")).status_code == 200
    if limit == "idle":
        move_back(client, sessions.SEEN_KEY, settings.SESSION_IDLE_MINUTES * 60 + 1)
        said = "after 30 minutes without activity"
    else:
        move_back(client, sessions.STARTED_KEY, settings.SESSION_MAX_HOURS * 3600 + 1)
        said = "12 hours after opening your link"
    page = client.get(reverse("storyteller:home"))
    assert page.status_code == 403
    text = page.content.decode()
    assert f"your link’s pages closed {said}" in text and "Open your link again" in text
    assert client.post(reverse("storyteller:copy")).status_code == 403
    # Opening the link again starts afresh.
    client.get(reverse("storyteller:enter", args=[token]))
    assert client.get(reverse("storyteller:home")).status_code == 200


def test_a_workshop_guests_session_ends_after_the_idle_time(client, team):
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="W", by=team.facilitator
    )
    _guest, token = sensemaking_services.invite_guest(
        workshop=workshop, display_name="Guest", by=team.facilitator
    )
    client.get(reverse("sensemaking:join", args=[token]))
    detail = reverse("sensemaking:workshop", args=[workshop.pk])
    assert client.get(detail).status_code == 200
    move_back(client, sessions.SEEN_KEY, settings.SESSION_IDLE_MINUTES * 60 + 1)
    assert client.get(detail).status_code != 200
    assert "workshop_guest_id" not in client.session


def test_a_private_link_opened_after_the_session_ended_is_not_put_in_the_next_address(client, team):
    sign_in(client, team.curator.username)
    story = make_story(team.project, team.interviewer)
    _link, token = services.create_storyteller_link(storyteller=story.storyteller, by=team.curator)
    move_back(client, sessions.SEEN_KEY, settings.SESSION_IDLE_MINUTES * 60 + 1)
    response = client.get(reverse("storyteller:enter", args=[token]))
    assert token not in response["Location"]
    assert response["Location"] == reverse("storyteller:home")
    assert client.get(reverse("stories:dashboard")).status_code == 302  # signed out

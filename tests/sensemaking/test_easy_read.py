"""Easy read for a workshop's guests and storytellers on their link: a switch that posts, kept
in the session, with larger text, shorter help and one action at a time."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from sensemaking import services
from stories import services as story_services

pytestmark = pytest.mark.django_db

SWITCH = reverse("stories:easy-read")


@pytest.fixture
def guest(client, team, workshop):
    _guest, token = services.invite_guest(
        workshop=workshop, display_name="Dee", by=team.facilitator
    )
    client.get(reverse("sensemaking:join", args=[token]))
    return client


def body_class(page: str) -> str:
    return re.search(r'<body class="([^"]*)"', page)[1]


def test_a_guest_turns_easy_read_on_and_it_stays_on_from_page_to_page(guest, workshop, story):
    home = reverse("sensemaking:workshop", args=[workshop.pk])
    page = guest.get(home).content.decode()
    assert "easy-read" not in body_class(page)
    assert "Easy read: off" in page
    response = guest.post(SWITCH, {"easy_read": "on", "next": home})
    assert response.status_code == 302
    assert response["Location"] == home
    page = guest.get(home).content.decode()
    assert "easy-read" in body_class(page)
    assert "Easy read: on" in page
    # One action at a time: the stories come first, and the way on is after them.
    assert page.index(reverse("sensemaking:story", args=[workshop.pk, story.pk])) < page.index(
        reverse("sensemaking:board", args=[workshop.pk])
    )
    assert "Highlight the words that matter" not in page  # the shorter help
    story_page = guest.get(reverse("sensemaking:story", args=[workshop.pk, story.pk]))
    assert "easy-read" in body_class(story_page.content.decode())
    assert "Copy the words." in story_page.content.decode()  # a field's short help
    guest.post(SWITCH, {"easy_read": "off", "next": home})
    page = guest.get(home).content.decode()
    assert "easy-read" not in body_class(page)
    assert "Highlight the words that matter" in page


def test_the_switch_goes_back_only_to_this_site(guest):
    response = guest.post(SWITCH, {"easy_read": "on", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_reading_the_switchs_address_changes_nothing(guest, workshop):
    assert guest.get(SWITCH).status_code == 405
    page = guest.get(reverse("sensemaking:workshop", args=[workshop.pk])).content.decode()
    assert "easy-read" not in body_class(page)


def test_one_guests_easy_read_is_not_anothers(guest, team, workshop):
    guest.post(SWITCH, {"easy_read": "on", "next": "/"})
    _other, token = services.invite_guest(workshop=workshop, display_name="Lu", by=team.facilitator)
    other = Client()
    other.get(reverse("sensemaking:join", args=[token]))
    page = other.get(reverse("sensemaking:workshop", args=[workshop.pk])).content.decode()
    assert "easy-read" not in body_class(page)


def test_the_team_has_no_switch_in_their_header(client, team, workshop):
    client.force_login(team.facilitator)
    page = client.get(reverse("sensemaking:workshop", args=[workshop.pk])).content.decode()
    assert "Easy read:" not in page


def test_a_storyteller_on_their_link_turns_easy_read_on(client, team, story):
    _link, token = story_services.create_storyteller_link(
        storyteller=story.storyteller, by=team.curator
    )
    client.get(reverse("storyteller:enter", args=[token]))
    home = reverse("storyteller:home")
    assert "Easy read: off" in client.get(home).content.decode()
    client.post(SWITCH, {"easy_read": "on", "next": home})
    page = client.get(home).content.decode()
    assert "easy-read" in body_class(page)
    assert "You can take your story back." in page
    assert "<summary>History</summary>" in page
    withdraw = client.get(reverse("storyteller:withdraw", args=[story.pk])).content.decode()
    assert "easy-read" in body_class(withdraw)
    assert "not in workshops and not in reports" not in withdraw

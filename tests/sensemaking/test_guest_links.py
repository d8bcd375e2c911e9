"""Facilitators stop workshop links; making or stopping one is in the history; a visitor with
neither an account nor a link is asked to sign in."""

import pytest
from django.urls import reverse

from sensemaking import services
from sensemaking.models import WorkshopGuest
from stories import services as story_services
from stories.models import AuditEvent
from tests.factories import make_member, make_project, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest_link(team, workshop):
    guest, token = services.invite_guest(
        workshop=workshop, display_name="Dee Sentinelname", by=team.facilitator
    )
    return guest, token


def stop(client, workshop, guest):
    return client.post(reverse("sensemaking:guest-stop", args=[workshop.pk, guest.pk]))


def test_a_facilitator_stops_a_guest_link_from_the_workshop_page(
    client, team, workshop, guest_link
):
    guest, token = guest_link
    guest_client = client.__class__()
    guest_client.get(reverse("sensemaking:join", args=[token]))
    page = reverse("sensemaking:workshop", args=[workshop.pk])
    assert guest_client.get(page).status_code == 200

    client.force_login(team.facilitator)
    assert "Stop the link for Dee Sentinelname" in client.get(page).content.decode()
    response = stop(client, workshop, guest)
    assert response["Location"] == page
    shown = client.get(page).content.decode()
    assert "no longer works" in shown and "Stop the link for Dee" not in shown
    # The guest already in the workshop is let in no more, and the link opens nothing.
    assert guest_client.get(page).status_code == 404
    assert guest_client.get(reverse("sensemaking:join", args=[token])).status_code == 404


def test_making_and_stopping_a_link_are_in_the_history_without_the_guests_name(
    client, team, workshop, guest_link
):
    guest, _token = guest_link
    client.force_login(team.facilitator)
    stop(client, workshop, guest)
    stop(client, workshop, guest)  # stopping twice changes nothing
    events = AuditEvent.objects.filter(
        action__in=[AuditEvent.Action.GUEST_LINK_CREATED, AuditEvent.Action.GUEST_LINK_STOPPED]
    ).order_by("pk")
    assert [event.action for event in events] == ["guest_link_created", "guest_link_stopped"]
    for event in events:
        assert event.actor == team.facilitator and event.project == team.project
        assert event.details["workshop"] == workshop.pk and event.details["guest"] == guest.pk
        assert "Sentinelname" not in str(event.details)


@pytest.mark.parametrize("who", ["participant", "guest", "interviewer", "stranger", "nobody"])
def test_only_those_running_the_workshop_may_stop_a_link(client, team, workshop, guest_link, who):
    guest, _token = guest_link
    if who == "participant":
        person = make_user()
        workshop.participants.add(person)
        client.force_login(person)
    elif who == "guest":
        _other, other_token = services.invite_guest(
            workshop=workshop, display_name="Other", by=team.facilitator
        )
        client.get(reverse("sensemaking:join", args=[other_token]))
    elif who == "interviewer":
        client.force_login(team.interviewer2)
    elif who == "stranger":
        client.force_login(make_member(make_project(), "facilitator"))
    response = stop(client, workshop, guest)
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
    guest.refresh_from_db()
    assert guest.revoked_at is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.GUEST_LINK_STOPPED).exists()


def test_a_link_of_another_workshop_cannot_be_stopped_through_this_one(client, team, workshop):
    other = services.create_workshop(project=team.project, title="Other", by=team.facilitator)
    other_guest, _token = services.invite_guest(
        workshop=other, display_name="Elsewhere", by=team.facilitator
    )
    client.force_login(team.facilitator)
    assert stop(client, workshop, other_guest).status_code == 404
    assert WorkshopGuest.objects.get(pk=other_guest.pk).revoked_at is None


def test_a_visitor_with_neither_account_nor_link_is_asked_to_sign_in(client, workshop):
    for name in ("sensemaking:workshop", "sensemaking:board"):
        url = reverse(name, args=[workshop.pk])
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


def header_of(page: str) -> str:
    return page[page.index('<header class="site-header">') : page.index("</header>")]


def test_a_guest_has_a_header_of_their_own(client, team, workshop, story, guest_link):
    _guest, token = guest_link
    client.get(reverse("sensemaking:join", args=[token]))
    for url in (
        reverse("sensemaking:workshop", args=[workshop.pk]),
        reverse("sensemaking:story", args=[workshop.pk, story.pk]),
    ):
        header = header_of(client.get(url).content.decode())
        assert workshop.title in header and "Dee Sentinelname" in header
        assert reverse("sensemaking:leave") in header
        assert "Sign in" not in header and f'href="{reverse("stories:story-list")}"' not in header


def test_a_storyteller_on_their_link_has_a_header_of_their_own(client, team, story):
    _link, token = story_services.create_storyteller_link(
        storyteller=story.storyteller, by=team.curator
    )
    client.get(reverse("storyteller:enter", args=[token]))
    header = header_of(client.get(reverse("storyteller:home")).content.decode())
    assert "My stories" in header and reverse("storyteller:leave") in header
    assert "Sign in" not in header and reverse("sensemaking:report-list") not in header


def test_the_team_keeps_the_sites_header_in_a_workshop(client, team, workshop):
    client.force_login(team.facilitator)
    header = header_of(
        client.get(reverse("sensemaking:workshop", args=[workshop.pk])).content.decode()
    )
    assert "Sign out" in header and reverse("stories:dashboard") in header

"""The storyteller's private link: unguessable, revocable, expiring; changes apply at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from stories import services
from stories.models import Story, StorytellerLink
from tests.factories import ALL_SCOPES, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(team):
    return make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="published", curator=team.curator
    )


@pytest.fixture
def token(team, story):
    _link, token = services.create_storyteller_link(storyteller=story.storyteller, by=team.curator)
    return token


def enter(client, token):
    return client.get(reverse("storyteller:enter", args=[token]))


def test_link_opens_the_storytellers_page_without_the_token_in_the_url(client, story, token):
    response = enter(client, token)
    assert response.status_code == 302
    assert response["Location"] == reverse("storyteller:home")
    page = client.get(response["Location"]).content.decode()
    assert story.title in page
    assert "Publish the audio of my story" in page
    assert StorytellerLink.objects.get().last_used_at is not None
    assert token not in StorytellerLink.objects.get().token_hash  # Only the hash is stored.


def test_unknown_token_is_refused(client, story, token):
    assert enter(client, token[:-2] + "xx").status_code == 404
    assert client.get(reverse("storyteller:home")).status_code == 403


def test_expired_link_stops_working(client, story, token):
    enter(client, token)
    StorytellerLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("storyteller:home")).status_code == 403
    assert enter(client, token).status_code == 404


def test_revoked_link_stops_working_on_the_next_request(client, team, story, token):
    enter(client, token)
    assert client.get(reverse("storyteller:home")).status_code == 200
    services.revoke_storyteller_link(link=StorytellerLink.objects.get(), by=team.curator)
    assert client.get(reverse("storyteller:home")).status_code == 403


def test_a_storyteller_sees_only_their_own_stories(client, team, story, token):
    other = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, title="Someone else")
    enter(client, token)
    assert "Someone else" not in client.get(reverse("storyteller:home")).content.decode()
    url = reverse("storyteller:consent", args=[other.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(
            reverse("storyteller:withdraw", args=[other.pk]), {"confirmed": "yes"}
        ).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.status == "draft"


def test_storyteller_link_gives_no_access_to_team_pages(client, story, token):
    enter(client, token)
    response = client.get(reverse("stories:story-detail", args=[story.pk]))
    assert response.status_code == 302  # Sent to sign in.


def test_changing_scopes_needs_confirmation_then_takes_effect(client, story, token):
    enter(client, token)
    url = reverse("storyteller:consent", args=[story.pk])
    # Without the audio, the video goes too (it is published with its sound).
    choices = {
        scope: "on" for scope in ALL_SCOPES if scope not in ("publish_audio", "publish_video")
    }
    confirm = client.post(url, choices)
    assert "Check your changes" in confirm.content.decode()
    assert "Now no" in confirm.content.decode()
    story.refresh_from_db()
    assert story.current_consent.publish_audio  # Nothing changed before confirmation.
    client.post(url, {**choices, "confirmed": "yes"})
    story.refresh_from_db()
    assert not story.current_consent.publish_audio
    assert story.current_consent.channel == "storyteller"


def test_withdrawal_hides_the_story_on_the_very_next_request(client, story, token):
    public_url = reverse("stories:public-story", args=[story.pk])
    assert client.get(public_url).status_code == 200
    enter(client, token)
    withdraw_url = reverse("storyteller:withdraw", args=[story.pk])
    assert "Are you sure" in client.get(withdraw_url).content.decode()
    client.post(withdraw_url, {"reason": "I moved on"})  # Not confirmed: nothing happens.
    story.refresh_from_db()
    assert story.status == "published"
    client.post(withdraw_url, {"reason": "I moved on", "confirmed": "yes"})
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN
    assert client.get(public_url).status_code == 404
    assert "You withdrew this story" in client.get(reverse("storyteller:home")).content.decode()


def test_team_member_makes_and_revokes_a_link(client, team, story):
    client.force_login(team.interviewer)
    url = reverse("stories:storyteller-link-create", args=[story.storyteller.pk])
    page = client.post(url, follow=True).content.decode()
    assert "It is shown only once" in page
    link = StorytellerLink.objects.get()
    assert link.is_active
    again = client.get(reverse("stories:storyteller-detail", args=[story.storyteller.pk]))
    assert "It is shown only once" not in again.content.decode()
    client.force_login(team.interviewer2)
    revoke = reverse("stories:storyteller-link-revoke", args=[link.pk])
    assert client.post(revoke).status_code == 404
    client.force_login(team.interviewer)
    client.post(revoke)
    link.refresh_from_db()
    assert not link.is_active


def test_storyteller_home_query_count_is_constant(
    client, team, story, token, django_assert_max_num_queries
):
    for number in range(4):
        make_story(
            team.project,
            team.interviewer,
            scopes=ALL_SCOPES,
            storyteller=story.storyteller,
            title=f"Another {number}",
        )
    enter(client, token)
    # Session, link with storyteller, stories with consent, their consent versions.
    with django_assert_max_num_queries(4):
        page = client.get(reverse("storyteller:home")).content.decode()
    assert page.count("Change what I agreed to") == 5

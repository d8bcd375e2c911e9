"""The consent rule: a story is shown only if consent and role both allow it."""

import pytest

from stories import choices, services
from stories.models import Story
from tests.factories import ALL_SCOPES, NO_SCOPES, make_story

pytestmark = pytest.mark.django_db

PUBLISH_SCOPES = {"publish_transcript", "publish_audio"}


def only(*scopes: str) -> dict:
    return {scope: scope in scopes for scope in choices.CONSENT_SCOPES}


@pytest.mark.parametrize("scope", choices.CONSENT_SCOPES)
def test_public_needs_a_publish_scope(team, scope):
    story = make_story(team.project, team.interviewer, scopes=only(scope), status="submitted")
    story.status = Story.Status.PUBLISHED  # Forced past the service, which would refuse.
    story.published_at = story.submitted_at
    story.save()
    assert (story in Story.objects.public()) == (scope in PUBLISH_SCOPES)


def test_publishing_is_refused_without_a_publish_scope(team):
    scopes = {**ALL_SCOPES, "publish_transcript": False, "publish_audio": False}
    story = make_story(team.project, team.interviewer, scopes=scopes, status="submitted")
    with pytest.raises(Exception, match="does not allow publishing"):
        services.publish_story(story=story, by=team.curator)
    story.refresh_from_db()
    assert story.status == Story.Status.SUBMITTED


def test_unpublished_stories_are_never_public(team):
    for status in ("draft", "submitted"):
        story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status=status)
        assert story not in Story.objects.public()


def test_withdrawal_in_full_hides_story_from_everyone_but_curators(team):
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="published", curator=team.curator
    )
    assert story in Story.objects.public()
    services.withdraw_consent(story=story, reason="No longer comfortable")
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN
    assert story not in Story.objects.public()
    assert story not in Story.objects.visible_to(team.facilitator)
    assert story in Story.objects.visible_to(team.curator)
    assert story not in Story.objects.editable_by(team.curator)
    assert story not in Story.objects.editable_by(team.interviewer)


def test_withdrawing_one_publish_scope_keeps_the_other(team):
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="published", curator=team.curator
    )
    services.change_consent_scopes(story=story, scopes={**ALL_SCOPES, "publish_audio": False})
    story.refresh_from_db()
    assert story in Story.objects.public()
    assert not story.current_consent.publish_audio
    services.change_consent_scopes(
        story=story, scopes={**ALL_SCOPES, "publish_audio": False, "publish_transcript": False}
    )
    assert story not in Story.objects.public()


def test_unticking_every_scope_is_a_withdrawal(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    consent = services.change_consent_scopes(story=story, scopes=NO_SCOPES)
    story.refresh_from_db()
    assert consent.withdrawn
    assert story.status == Story.Status.WITHDRAWN


def test_every_consent_change_is_a_new_version_with_an_audit_row(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    services.change_consent_scopes(story=story, scopes=only("archive_research"), reason="Less")
    services.withdraw_consent(story=story, reason="Done")
    versions = list(story.consents.order_by("version").values_list("version", "withdrawn"))
    assert versions == [(1, False), (2, False), (3, True)]
    actions = list(
        story.audit_events.filter(action__startswith="consent")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["consent_recorded", "consent_changed", "consent_withdrawn"]
    change = story.audit_events.get(action="consent_changed")
    assert change.actor_label == "Storyteller (private link)"
    assert set(change.details["removed"]) == set(choices.CONSENT_SCOPES) - {"archive_research"}


def test_sensemaking_consent_decides_what_facilitators_see(team):
    allowed = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    refused = make_story(
        team.project,
        team.interviewer,
        scopes={**ALL_SCOPES, "use_sensemaking": False},
        status="submitted",
    )
    visible = Story.objects.visible_to(team.facilitator)
    assert allowed in visible
    assert refused not in visible
    assert allowed in Story.objects.usable_in_sensemaking()
    assert refused not in Story.objects.usable_in_sensemaking()


def test_interviewers_see_only_their_own_unpublished_stories(team):
    mine = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    assert mine in Story.objects.visible_to(team.interviewer)
    assert mine not in Story.objects.visible_to(team.interviewer2)
    assert mine not in Story.objects.visible_to(team.outsider)
    assert mine not in Story.objects.visible_to(team.nobody)


def test_a_curator_sees_only_their_own_projects(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    assert story in Story.objects.visible_to(team.curator)
    assert story in Story.objects.visible_to(team.curator2)
    assert story not in Story.objects.visible_to(team.outsider)
    assert story not in Story.objects.curated_by(team.outsider)

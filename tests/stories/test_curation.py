"""The curator's journey: review queue, publishing, requesting changes and redaction."""

import pytest
from django.urls import reverse

from stories import services
from stories.models import AuditEvent, Story
from stories.transcripts import parse_plain_text
from tests.factories import ALL_SCOPES, make_story

pytestmark = pytest.mark.django_db


def test_publish_from_review(client, team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    client.force_login(team.curator)
    client.post(reverse("stories:story-publish", args=[story.pk]))
    story.refresh_from_db()
    assert story.status == "published"
    assert AuditEvent.objects.filter(story=story, action="story_published").exists()
    client.logout()
    assert client.get(reverse("stories:public-story", args=[story.pk])).status_code == 200


def test_publish_refused_when_consent_does_not_allow(client, team):
    scopes = {"archive_research": True, "use_sensemaking": True}
    story = make_story(team.project, team.interviewer, scopes=scopes, status="submitted")
    client.force_login(team.curator)
    page = client.post(reverse("stories:story-publish", args=[story.pk]), follow=True)
    assert "does not allow publishing" in page.content.decode()
    story.refresh_from_db()
    assert story.status == "submitted"


def test_request_changes_returns_story_to_interviewer(client, team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    client.force_login(team.curator)
    empty = client.post(reverse("stories:story-request-changes", args=[story.pk]), {"note": ""})
    assert "What needs to change? Write an answer" in empty.content.decode()
    client.post(
        reverse("stories:story-request-changes", args=[story.pk]),
        {"note": "Please check the date."},
    )
    story.refresh_from_db()
    assert story.status == "changes_requested"
    client.force_login(team.interviewer)
    page = client.get(reverse("stories:story-detail", args=[story.pk])).content.decode()
    assert "Please check the date." in page
    assert client.get(reverse("stories:story-edit", args=[story.pk])).status_code == 200


def test_redaction_hides_words_from_all_but_curators(client, team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    client.force_login(team.curator)
    response = client.post(
        reverse("stories:transcript-redact", args=[story.pk]),
        {"words": "14 Brook Lane", "segment": 3, "reason": "Address"},
    )
    assert response.status_code == 302
    curator_page = client.get(reverse("stories:story-detail", args=[story.pk])).content.decode()
    assert "14 Brook Lane" in curator_page
    services.publish_story(story=story, by=team.curator)
    client.logout()
    public_page = client.get(reverse("stories:public-story", args=[story.pk])).content.decode()
    assert "14 Brook Lane" not in public_page
    assert "[redacted]" in public_page
    client.force_login(team.facilitator)
    page = client.get(reverse("stories:story-detail", args=[story.pk])).content.decode()
    assert "14 Brook Lane" not in page


def test_redaction_of_words_not_in_paragraph_is_refused(client, team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    client.force_login(team.curator)
    response = client.post(
        reverse("stories:transcript-redact", args=[story.pk]),
        {"words": "14 Brook Lane", "segment": 1},
    )
    assert "not in that paragraph" in response.content.decode()
    assert not story.transcripts.get().redactions.exists()


def test_redactions_follow_the_words_into_an_edited_transcript(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    transcript = story.transcripts.get()
    start = transcript.text.index("14 Brook Lane")
    services.redact_transcript(
        transcript=transcript, char_start=start, char_end=start + 13, reason="", by=team.curator
    )
    edited = services.add_transcript(
        story=story,
        parsed=parse_plain_text("Storyteller: A new first line.\n\n" + transcript.text),
        by=team.interviewer,
        origin="edited",
    )
    redaction = edited.redactions.get()
    assert edited.text[redaction.char_start : redaction.char_end] == "14 Brook Lane"
    assert story.transcripts.count() == 2  # The earlier version is kept.


def test_review_queue_query_count_is_constant(client, team, django_assert_max_num_queries):
    for number in range(6):
        make_story(
            team.project,
            team.interviewer,
            scopes=ALL_SCOPES,
            status="submitted",
            title=f"S{number}",
        )
    client.force_login(team.curator)
    # Session, user, stories with their storyteller, interviewer, project and consent.
    with django_assert_max_num_queries(3):
        page = client.get(reverse("stories:review-queue")).content.decode()
    assert page.count("consent allows publishing") == 6
    assert Story.objects.awaiting_review().count() == 6


def test_redacting_everywhere_needs_no_paragraph_and_never_twice(client, team):
    story = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="submitted",
        transcript="A: Brook Lane again.\n\nB: Still Brook Lane.",
    )
    client.force_login(team.curator)
    url = reverse("stories:transcript-redact", args=[story.pk])
    client.post(url, {"words": "Brook Lane", "everywhere": "on"})
    assert story.transcripts.get().redactions.count() == 2
    again = client.post(url, {"words": "Brook Lane", "everywhere": "on"})
    assert "already redacted" in again.content.decode()
    assert story.transcripts.get().redactions.count() == 2
    missing = client.post(url, {"words": "Brook Lane"})
    assert "Enter the paragraph number" in missing.content.decode()


def test_every_change_to_a_story_leaves_an_audit_row(client, team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    client.force_login(team.interviewer)
    client.post(
        reverse("stories:story-edit", args=[story.pk]),
        {"title": "Renamed", "language": "en", "tags": "trust"},
    )
    actions = set(story.audit_events.values_list("action", flat=True))
    assert {"story_created", "consent_recorded", "transcript_saved", "story_edited"} <= actions
    assert AuditEvent.objects.filter(action="storyteller_added").exists()


def test_curator_features_a_public_story_on_the_home_page(client, team):
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="published", curator=team.curator
    )
    url = reverse("stories:story-feature", args=[story.pk])
    client.force_login(team.interviewer)
    assert client.post(url).status_code == 404
    client.force_login(team.curator)
    client.post(url)
    client.logout()
    assert "Featured stories" in client.get(reverse("home")).content.decode()
    services.withdraw_consent(story=story, reason="")
    assert "Featured stories" not in client.get(reverse("home")).content.decode()

"""Invariants kept by the database itself, whatever code writes the rows."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from stories.models import AuditEvent, Consent, Segment, Storyteller, Transcript
from tests.factories import ALL_SCOPES, make_story

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_credit_name_is_required_unless_anonymous(team):
    refused(
        lambda: Storyteller.objects.create(
            project=team.project, code="ST-X", credit_preference="name", credit_name=""
        )
    )
    Storyteller.objects.create(project=team.project, code="ST-Y", credit_preference="anonymous")


def test_storyteller_codes_are_unique_per_project(team):
    Storyteller.objects.create(project=team.project, code="ST-Z", credit_preference="anonymous")
    refused(
        lambda: Storyteller.objects.create(
            project=team.project, code="ST-Z", credit_preference="anonymous"
        )
    )
    Storyteller.objects.create(
        project=team.other_project, code="ST-Z", credit_preference="anonymous"
    )


def test_a_withdrawn_consent_grants_nothing(team):
    story = make_story(team.project, team.interviewer)
    refused(
        lambda: Consent.objects.create(
            story=story,
            version=1,
            withdrawn=True,
            publish_audio=True,
            method="written",
            obtained_on=date(2026, 1, 1),
        )
    )


def test_consent_versions_are_unique(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    refused(
        lambda: Consent.objects.create(
            story=story, version=1, method="written", obtained_on=date(2026, 1, 1)
        )
    )


def test_only_one_current_transcript(team):
    story = make_story(team.project, team.interviewer)
    refused(lambda: Transcript.objects.create(story=story, version=2, text="x", origin="pasted"))


def test_segment_spans_and_times_are_ordered(team):
    transcript = make_story(team.project, team.interviewer).transcripts.get()
    refused(
        lambda: Segment.objects.create(
            transcript=transcript, index=99, text="x", char_start=10, char_end=5
        )
    )
    refused(
        lambda: Segment.objects.create(
            transcript=transcript,
            index=99,
            text="x",
            char_start=0,
            char_end=1,
            start_seconds=5,
            end_seconds=2,
        )
    )


def test_published_story_needs_a_publication_date(team):
    story = make_story(team.project, team.interviewer)
    story.status = "published"
    refused(story.save)


def test_audit_events_cannot_be_changed(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    event = AuditEvent.objects.filter(story=story).first()
    event.actor_label = "someone else"
    with pytest.raises(ValueError, match="immutable"):
        event.save()

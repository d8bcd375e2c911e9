"""The access tests generated from the policy table (stories.access.POLICY).

For every story state and every consent state, each role (two people per role, and everyone
outside the project) opens the team page, its recordings and the public page; what they get
must be exactly what the table says, part by part, found by sentinel strings in every part.
"""

from datetime import date

import pytest
from django.core.files import File
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from sensemaking import services as sensemaking_services
from stories import access, choices, services
from stories.access import POLICY, Part, Role, Surface
from stories.models import Consent, Story, StorytellerContact, Transcript
from stories.transcripts import parse_transcript_file
from tests.factories import make_playable, make_story, make_user, redact_words

pytestmark = pytest.mark.django_db

TIMED = """WEBVTT

00:00:00.000 --> 00:00:00.500
<v Dee>SENTINEL-TRANSCRIPT words about my life.

00:00:00.500 --> 00:00:01.000
<v Dee>HIDDEN-WORD here.
"""
SENTINELS = {
    Part.TRANSCRIPT: "SENTINEL-TRANSCRIPT",
    Part.REDACTED: "HIDDEN-WORD",
    Part.FILE_NAMES: "SENTINEL-FILENAME",
    Part.CONSENT: "Keep my story in the archive for research",
    Part.CONSENT_HISTORY: "SENTINEL-REASON",
    Part.EVIDENCE: "SENTINEL-EVIDENCE",
    Part.CONTACT: "SENTINEL-CONTACT",
    Part.AUDIT: "Transcript redacted",
}
CONSENT_PARTS = {Part.CONSENT, Part.CONSENT_HISTORY, Part.EVIDENCE}
# Parts the team page never shows to anyone (they live on the storyteller's page).
NEVER_ON_STORY_PAGE = {Part.CONTACT}

CONSENT_STATES = {
    "none": None,
    **{scope: {scope} for scope in choices.CONSENT_SCOPES},
    "all": set(choices.CONSENT_SCOPES),
    "withdrawn": "withdrawn",
}


def test_every_surface_and_role_has_its_row():
    assert set(POLICY) == {(surface, role) for surface in Surface for role in Role}
    for rules in POLICY.values():
        assert set(rules) <= set(Part)


def test_the_querysets_reach_exactly_what_the_table_lets_people_see(team, media_files):
    """Story.objects.public() and visible_to() are built from the same rules as parts_for()."""
    stories = [build(team, status, consent, media_files["mp3"]) for status, consent in STATES]
    for story in stories:
        story.refresh_from_db()
        public = access.parts_for(story, surface=Surface.PUBLIC, roles=())
        assert (story in Story.objects.public()) == public.summary
        for user in (team.curator, team.interviewer, team.facilitator, team.interviewer2):
            parts = access.parts_for(
                story, surface=Surface.TEAM, roles=access.team_roles(user, story)
            )
            assert (story in Story.objects.visible_to(user)) == parts.summary


def build(team, status: str, consent_state, recording_file) -> Story:
    """A story in any state and consent state, with a sentinel in every part."""
    story = make_story(team.project, team.interviewer, transcript=None)
    services.add_transcript(
        story=story,
        parsed=parse_transcript_file(TIMED.encode(), "talk.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    redact_words(story, "HIDDEN-WORD", by=team.curator)
    StorytellerContact.objects.create(storyteller=story.storyteller, full_name="SENTINEL-CONTACT")
    with recording_file.open("rb") as handle:
        recording = services.upload_recording(
            story=story, upload=File(handle, name="SENTINEL-FILENAME.mp3"), by=team.interviewer
        )
    make_playable(recording)
    if consent_state is not None:
        services.record_consent(
            story=story,
            scopes=dict.fromkeys(() if consent_state == "withdrawn" else consent_state, True),
            method=Consent.Method.WRITTEN,
            obtained_on=date(2026, 5, 1),
            obtained_by=team.interviewer,
            recorded_by=team.interviewer,
            evidence=ContentFile(b"%PDF-1.4", name="SENTINEL-EVIDENCE.pdf"),
            reason="SENTINEL-REASON",
        )
        if consent_state == "withdrawn":
            services.withdraw_consent(story=story, reason="SENTINEL-REASON")
    # The table must hold in every state, even ones the services would not produce.
    Story.objects.filter(pk=story.pk).update(
        status=status, published_at=timezone.now() if status == "published" else None
    )
    story.refresh_from_db()
    return story


STATES, STATE_IDS = [], []
for _status in sorted(access.Status.ALL):
    for _name, _consent in CONSENT_STATES.items():
        # A withdrawn story always has withdrawn consent.
        if _status != "withdrawn" or _name == "withdrawn":
            STATES.append((_status, _consent))
            STATE_IDS.append(f"{_status}-{_name}")


def people(team) -> list[tuple[str, object]]:
    participant = make_user()
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, participants=[participant]
    )
    assert workshop.participants.filter(pk=participant.pk).exists()
    return [
        ("anonymous", None),
        ("nobody", team.nobody),
        ("outsider", team.outsider),
        ("participant", participant),
        ("other interviewer", team.interviewer2),
        ("interviewer", team.interviewer),
        ("facilitator", team.facilitator),
        ("facilitator2", team.facilitator2),
        ("curator", team.curator),
        ("curator2", team.curator2),
    ]


@pytest.mark.parametrize(("status", "consent"), STATES, ids=STATE_IDS)
def test_each_role_sees_exactly_the_parts_the_table_allows(
    client, team, media_files, status, consent
):
    story = build(team, status, consent, media_files["mp3"])
    recording = story.recordings.get()
    public_parts = access.parts_for(story, surface=Surface.PUBLIC, roles=())
    for who, user in people(team):
        client.logout()
        if user is not None:
            client.force_login(user)
        roles = access.team_roles(user, story) if user is not None else set()
        parts = access.parts_for(story, surface=Surface.TEAM, roles=roles)

        page = client.get(reverse("stories:story-detail", args=[story.pk]))
        if user is None:
            assert page.status_code == 302 and "login" in page["Location"], who
        elif not parts.summary:
            # Outside the story's team: the public page if there is one, else nothing.
            expected = reverse("stories:public-story", args=[story.pk])
            if public_parts.summary:
                assert (page.status_code, page["Location"]) == (302, expected), who
            else:
                assert page.status_code == 404, who
        else:
            assert page.status_code == 200, who
            html = page.content.decode()
            for part, sentinel in SENTINELS.items():
                exists = consent is not None or part not in CONSENT_PARTS
                shown = part in parts and part not in NEVER_ON_STORY_PAGE and exists
                assert (sentinel in html) == shown, (who, part, status, consent)
            player = reverse("stories:recording-file", args=[recording.pk])
            assert (player in html) == parts.audio, (who, status, consent)

        audio = client.get(reverse("stories:recording-file", args=[recording.pk]))
        assert audio.status_code == (200 if parts.audio else 302 if user is None else 404), who

        public = client.get(reverse("stories:public-story", args=[story.pk]))
        assert public.status_code == (200 if public_parts.summary else 404), who
        if public.status_code == 200:
            html = public.content.decode()
            assert ("SENTINEL-TRANSCRIPT" in html) == public_parts.transcript, who
            for part in (Part.REDACTED, Part.FILE_NAMES, Part.CONSENT_HISTORY, Part.EVIDENCE):
                assert SENTINELS[part] not in html, (who, part)
            assert ("<audio" in html) == public_parts.audio, who


def test_workshops_reach_exactly_what_the_table_lets_people_taking_part_see(
    client, team, media_files
):
    """Each workshop page and its audio, for people taking part, in every state."""
    participant = make_user()
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, participants=[participant]
    )
    assert access.USES[access.Use.SENSEMAKING] == access.rule(
        Surface.WORKSHOP, Role.PARTICIPANT, Part.TRANSCRIPT
    )
    for status, consent in STATES:
        story = build(team, status, consent, media_files["mp3"])
        workshop.stories.add(story)  # as if chosen before anything changed
        parts = access.parts_for(story, surface=Surface.WORKSHOP, roles={Role.PARTICIPANT})
        for user in (participant, team.facilitator, team.curator):
            client.force_login(user)
            page = client.get(reverse("sensemaking:story", args=[workshop.pk, story.pk]))
            assert page.status_code == (200 if parts.transcript else 404), (status, consent)
            if parts.transcript:
                assert "SENTINEL-TRANSCRIPT" in page.content.decode()
            audio = client.get(reverse("sensemaking:media", args=[workshop.pk, story.pk]))
            assert audio.status_code == (200 if parts.audio else 404), (status, consent)

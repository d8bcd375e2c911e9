"""A crawler: sentinel strings in every private field, then every public and team surface,
download and export, fetched as each role (two people per role where roles have two). Any
sentinel found where its role may not see it fails the test."""

import io
import zipfile
from datetime import date

import pytest
from django.core.files import File
from django.core.files.base import ContentFile
from django.urls import reverse

from sensemaking import services as sensemaking_services
from sensemaking.models import ReportClip
from sensemaking.tasks import cut_clip
from stories import services
from stories.models import Consent, Transcript
from stories.transcripts import parse_transcript_file
from tests.factories import (
    ALL_SCOPES,
    NO_SCOPES,
    add_partner,
    highlight_phrase,
    image_bytes,
    make_playable,
    make_story,
    make_storyteller,
    make_user,
    redact_words,
)

pytestmark = pytest.mark.django_db

# Who may see each sentinel, anywhere. The crawler only checks that nobody else does.
CURATORS = {"curator", "curator2"}
STORY_TEAM = CURATORS | {"interviewer"}
WORKSHOP = CURATORS | {"facilitator", "facilitator2", "participant", "guest"}
MAY_SEE = {
    "SENTINELCONTACT": CURATORS,
    "sentinel-contact@example.org": CURATORS,
    "SENTINELREASON": STORY_TEAM | {"storyteller"},  # their own consent history
    "SENTINELEVIDENCE": CURATORS,
    "SENTINELFILENAME": STORY_TEAM,
    "SENTINELREDACTED": CURATORS,
    "SENTINELNOTE": WORKSHOP,
    "SENTINELPRIVATE": STORY_TEAM | WORKSHOP,
    "SENTINELDRAFT": STORY_TEAM,
    "SENTINELREVIEW": STORY_TEAM,
}

PUBLIC_VTT = b"""WEBVTT

00:00:00.000 --> 00:00:00.500
<v Dee>It meant being heard, SENTINELREDACTED said so.

00:00:00.500 --> 00:00:01.000
<v Dee>Funding forms were the hardest part.
"""


def add_consent_record(story, team):
    services.record_consent(
        story=story,
        scopes=ALL_SCOPES,
        method=Consent.Method.WRITTEN,
        obtained_on=date(2026, 5, 1),
        obtained_by=team.interviewer,
        recorded_by=team.interviewer,
        evidence=ContentFile(b"%PDF-1.4", name="SENTINELEVIDENCE.pdf"),
        reason="SENTINELREASON",
    )


@pytest.fixture
def world(team, media_files, django_capture_on_commit_callbacks):
    """A published story, a private one used in a workshop, a draft, a report, a guest."""
    storyteller = services.add_storyteller(
        project=team.project,
        by=team.interviewer,
        credit_preference="pseudonym",
        credit_name="River",
        demographics={"gender": "woman", "sectors": ["criminal_justice"]},
        contact={
            "full_name": "SENTINELCONTACT",
            "email": "sentinel-contact@example.org",
            "phone": "",
            "notes": "",
        },
    )
    public = make_story(team.project, team.interviewer, transcript=None, storyteller=storyteller)
    services.add_transcript(
        story=public,
        parsed=parse_transcript_file(PUBLIC_VTT, "SENTINELFILENAME.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
        original_filename="SENTINELFILENAME.vtt",
    )
    add_consent_record(public, team)
    with media_files["mp3"].open("rb") as handle:
        recording = services.upload_recording(
            story=public, upload=File(handle, name="SENTINELFILENAME.mp3"), by=team.interviewer
        )
    redact_words(public, "SENTINELREDACTED", by=team.curator)
    make_playable(recording)
    services.submit_story(story=public, by=team.interviewer)
    services.publish_story(story=public, by=team.curator)

    private = make_story(
        team.project,
        team.interviewer,
        scopes={**NO_SCOPES, "use_sensemaking": True, "quote_anonymous": True},
        status="submitted",
        transcript="Dee: SENTINELPRIVATE is what I never told anyone.",
        storyteller=make_storyteller(team.project, team.interviewer),
        title="Private story",
    )
    draft = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, title="SENTINELDRAFT")
    sent_back = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    services.request_changes(story=sent_back, by=team.curator, note="SENTINELREVIEW")

    participant = make_user()
    workshop = sensemaking_services.create_workshop(
        project=team.project,
        title="Listening",
        by=team.facilitator,
        stories=[public, private],
        participants=[participant],
    )
    _guest, token = sensemaking_services.invite_guest(
        workshop=workshop, display_name="Guest", by=team.facilitator
    )
    (theme,) = sensemaking_services.themes_named(team.project, ["Being heard"])
    quote = highlight_phrase(workshop, public, "being heard", [theme], key=True)
    sensemaking_services.highlight(
        workshop=workshop,
        story=quote.story,
        char_start=quote.char_start,
        char_end=quote.char_end,
        themes=[theme],
        note="SENTINELNOTE",
        user=team.facilitator,
    )
    highlight_phrase(workshop, private, "never told anyone", [theme], key=True)
    version = sensemaking_services.create_report(
        project=team.project, title="Voices", by=team.facilitator
    )
    version = add_partner(version, "Partner Org", logo=image_bytes(), by=team.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        version = sensemaking_services.publish_report(version=version, by=team.curator)
    for clip in ReportClip.objects.all():
        cut_clip.call(clip.pk)
    _link, storyteller_token = services.create_storyteller_link(
        storyteller=public.storyteller, by=team.curator
    )
    return {
        "storyteller_token": storyteller_token,
        "stories": [public, private, draft, sent_back],
        "public": public,
        "recording": recording,
        "workshop": workshop,
        "token": token,
        "participant": participant,
        "report": version.report,
        "version": version,
        "storytellers": [public.storyteller, private.storyteller],
    }


def urls(team, world) -> list[str]:
    public, workshop, report = world["public"], world["workshop"], world["report"]
    number = world["version"].number
    found = [
        "/",
        reverse("stories:story-list"),
        reverse("stories:story-list") + "?q=heard",
        reverse("stories:public-story", args=[public.pk]),
        reverse("stories:public-captions", args=[public.pk]),
        reverse("stories:public-recording", args=[world["recording"].pk]),
        "/api/v1/stories",
        f"/api/v1/stories/{public.pk}",
        "/api/v1/search?q=heard",
        "/api/v1/tags",
        "/feeds/stories.atom",
        "/sitemap.xml",
        reverse("sensemaking:report-list"),
        reverse("sensemaking:report", args=[report.slug]),
        reverse("sensemaking:report-docx", args=[report.slug, number]),
        reverse("sensemaking:report-pdf", args=[report.slug, number]),
        *(
            reverse("sensemaking:report-data", args=[report.slug, number, kind])
            for kind in ("csv", "xlsx", "qdpx")
        ),
        reverse("sensemaking:report-edit", args=[report.slug]),
        reverse("sensemaking:codebook", args=[team.project.slug]) + "?download=1",
        reverse("stories:dashboard"),
        reverse("stories:review-queue"),
        reverse("stories:storyteller-list", args=[team.project.slug]),
        reverse("sensemaking:workshop-list"),
        reverse("sensemaking:workshop", args=[workshop.pk]),
        reverse("sensemaking:board", args=[workshop.pk]),
        reverse("sensemaking:updates", args=[workshop.pk]) + "?after=0",
    ]
    for story in world["stories"]:
        found.append(reverse("stories:story-detail", args=[story.pk]))
        found.append(reverse("sensemaking:story", args=[workshop.pk, story.pk]))
    for storyteller in world["storytellers"]:
        found.append(reverse("stories:storyteller-detail", args=[storyteller.pk]))
    for recording in world["public"].recordings.all():
        found.append(reverse("stories:recording-file", args=[recording.pk]))
    for consent in world["public"].consents.exclude(evidence=""):
        found.append(reverse("stories:consent-evidence", args=[consent.pk]))
    for story in world["stories"]:
        found.append(reverse("sensemaking:media", args=[workshop.pk, story.pk]))
    for clip in ReportClip.objects.exclude(file=""):
        found.append(reverse("sensemaking:report-clip", args=[report.slug, number, clip.pk]))
    for partner in world["version"].partners.all():
        found.append(reverse("sensemaking:report-logo", args=[report.slug, number, partner.pk]))
    found += [reverse("storyteller:home")]
    return found


def text_of(response) -> str:
    """What a person could read in a response: its body, and inside zips (docx, xlsx, qdpx)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        archive = zipfile.ZipFile(io.BytesIO(body))
        return "\n".join(
            archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
        )
    return body.decode("utf-8", "replace")


def test_no_sentinel_reaches_anyone_who_may_not_see_it(client, team, world):
    people = {
        "anonymous": None,
        "nobody": team.nobody,
        "outsider": team.outsider,
        "participant": world["participant"],
        "interviewer2": team.interviewer2,
        "interviewer": team.interviewer,
        "facilitator": team.facilitator,
        "facilitator2": team.facilitator2,
        "curator": team.curator,
        "curator2": team.curator2,
        "guest": "guest",
        "storyteller": "storyteller",
    }
    addresses = urls(team, world)
    # The crawl includes the audio extract and the evidence file, not only pages.
    assert any("/clips/" in url for url in addresses)
    assert any("/media/evidence/" in url for url in addresses)
    seen = {sentinel: set() for sentinel in MAY_SEE}
    leaks = []
    for who, user in people.items():
        client.logout()
        if user == "guest":
            client.get(reverse("sensemaking:join", args=[world["token"]]))
        elif user == "storyteller":
            client.get(reverse("storyteller:enter", args=[world["storyteller_token"]]))
        elif user is not None:
            client.force_login(user)
        for url in addresses:
            text = text_of(client.get(url))
            for sentinel, allowed in MAY_SEE.items():
                if sentinel in text:
                    seen[sentinel].add(who)
                    if who not in allowed:
                        leaks.append((who, url, sentinel))
    assert leaks == []
    # Every sentinel was found by someone allowed, so the crawl really reached each part.
    assert {sentinel for sentinel, who in seen.items() if not who} == set()

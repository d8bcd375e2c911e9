"""A storyteller's copy of everything held about them: complete for them, nothing about anyone else.

Two storytellers share a project, a workshop and a report, each with sentinel words in every
field, file and quote. The first one's copy, made by the real task worker, holds every one of
their sentinels and none of the other's, nor the team's names.
"""

import hashlib
import io
import re
import subprocess
import zipfile
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sensemaking import services as sensemaking_services
from sensemaking.models import ReportClip
from sensemaking.tasks import cut_clip
from stories import services, subject_access
from stories.models import AuditEvent, Consent, StorytellerLink, SubjectAccessCopy, Transcript
from stories.tasks import delete_access_copy, make_access_copy
from stories.transcripts import parse_transcript_file
from tests.factories import ALL_SCOPES, highlight_phrase, make_playable, make_story, make_user

SAFE_ZIP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*")
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
STAFF_NAMES = ["staffinterviewer", "staffcurator", "stafffacilitator", "Stafffirst", "Stafflast"]


def vtt(prefix: str) -> bytes:
    return (
        "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:00.400\n"
        f"<v Dee>{prefix}VersionTwo: this is {prefix}QuoteWords said aloud.\n\n"
        "00:00:00.400 --> 00:00:01.000\n"
        f"<v Dee>And {prefix}Redacted was my street.\n"
    ).encode()


def recording_with_title(tmp_path, title: str):
    """A one-second MP3 whose ID3 title holds a sentinel, so the original file is recognisable."""
    path = tmp_path / f"{title}.mp3"
    subprocess.run(
        [
            "ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi",
            "-i", "sine=frequency=440:duration=1", "-metadata", f"title={title}", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def storyteller_with_everything(team, prefix: str, workshop_stories: list, tmp_path):
    """A storyteller with facts, contact, two stories, two transcript versions, a recording,
    consent history with evidence, a review note and a redaction: sentinels everywhere."""
    storyteller = services.add_storyteller(
        project=team.project,
        by=team.interviewer,
        credit_preference="pseudonym",
        credit_name=f"{prefix}Credit",
        demographics={"gender": "woman", "sectors": ["criminal_justice"]},
        contact={
            "full_name": f"{prefix}FullName",
            "email": f"{prefix.lower()}@example.org",
            "phone": "07700 900123",
            "notes": f"{prefix}ContactNotes",
        },
    )
    story = make_story(
        team.project,
        team.interviewer,
        storyteller=storyteller,
        title=f"{prefix}TitleOne",
        transcript=f"Dee: {prefix}VersionOne is how it began.",
    )
    services.add_transcript(
        story=story,
        parsed=parse_transcript_file(vtt(prefix), f"{prefix}Upload.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
        original_filename=f"{prefix}Upload.vtt",
    )
    services.record_consent(
        story=story,
        scopes=ALL_SCOPES,
        method=Consent.Method.WRITTEN,
        obtained_on=date(2026, 5, 1),
        obtained_by=team.interviewer,
        recorded_by=team.interviewer,
        evidence=ContentFile(b"%PDF-1.4\n" + f"{prefix}EvidenceBytes".encode(), name="form.pdf"),
        reason=f"{prefix}Reason",
    )
    path = recording_with_title(tmp_path, f"{prefix}ID3Title")
    with path.open("rb") as handle:
        recording = services.upload_recording(
            story=story, upload=File(handle, name=f"{prefix}Recording.mp3"), by=team.interviewer
        )
    transcript = story.transcripts.get(is_current=True)
    start = transcript.text.index(f"{prefix}Redacted")
    services.redact_transcript(
        transcript=transcript,
        char_start=start,
        char_end=start + len(f"{prefix}Redacted"),
        reason=f"{prefix}RedactionReason",
        by=team.curator,
    )
    make_playable(recording)
    services.submit_story(story=story, by=team.interviewer)
    services.request_changes(story=story, by=team.curator, note=f"{prefix}ReviewNote")
    services.submit_story(story=story, by=team.interviewer)
    services.publish_story(story=story, by=team.curator)
    story.refresh_from_db()
    services.change_consent_scopes(
        story=story,
        scopes={**ALL_SCOPES, "archive_research": False},
        reason=f"{prefix}ChangeReason",
    )
    second = make_story(
        team.project,
        team.interviewer,
        storyteller=storyteller,
        # A title that would be unsafe as a file name inside a zip.
        title=f"{prefix}TitleTwo ../../etc/passwd: C:\\x",
        transcript=f"Dee: {prefix}SecondStory was never shared.",
    )
    workshop_stories.append(story)
    _link, token = services.create_storyteller_link(storyteller=storyteller, by=team.curator)
    return SimpleNamespace(
        storyteller=storyteller, story=story, second=second, recording=recording, token=token
    )


ALPHA_SENTINELS = [
    "AlphaCredit",
    "AlphaFullName",
    "alpha@example.org",
    "AlphaContactNotes",
    "AlphaTitleOne",
    "AlphaTitleTwo",
    "AlphaVersionOne",
    "AlphaVersionTwo",
    "AlphaUpload.vtt",
    "AlphaRecording.mp3",
    "AlphaID3Title",
    "AlphaEvidenceBytes",
    "AlphaReason",
    "AlphaChangeReason",
    "AlphaRedacted",
    "AlphaRedactionReason",
    "AlphaReviewNote",
    "AlphaSecondStory",
    "AlphaQuoteWords",
    "AlphaQuoteNote",
    "AlphaTheme",
    "SharedWorkshop",
    "SharedReport",
]
BETA_SENTINELS = [
    sentinel.replace("Alpha", "Beta").replace("alpha", "beta")
    for sentinel in ALPHA_SENTINELS
    if not sentinel.startswith("Shared")
]


@pytest.fixture
def world(team, tmp_path, django_capture_on_commit_callbacks):
    user_model = get_user_model()
    user_model.objects.filter(pk=team.interviewer.pk).update(
        username="staffinterviewer", first_name="Stafffirst", last_name="Stafflast"
    )
    user_model.objects.filter(pk=team.curator.pk).update(username="staffcurator")
    user_model.objects.filter(pk=team.facilitator.pk).update(username="stafffacilitator")
    for person in (team.interviewer, team.curator, team.facilitator):
        person.refresh_from_db()
    in_workshop = []
    alpha = storyteller_with_everything(team, "Alpha", in_workshop, tmp_path)
    beta = storyteller_with_everything(team, "Beta", in_workshop, tmp_path)
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="SharedWorkshop", by=team.facilitator, stories=in_workshop
    )
    (alpha_theme, beta_theme) = sensemaking_services.themes_named(
        team.project, ["AlphaTheme", "BetaTheme"]
    )
    alpha.quote = highlight_phrase(
        workshop, alpha.story, "AlphaQuoteWords", [alpha_theme], by=team.facilitator, key=True
    )
    sensemaking_services.highlight(
        workshop=workshop,
        story=alpha.story,
        char_start=alpha.quote.char_start,
        char_end=alpha.quote.char_end + len(" said"),
        note="AlphaQuoteNote",
        user=team.facilitator,
    )
    beta.quote = highlight_phrase(
        workshop, beta.story, "BetaQuoteWords", [beta_theme], by=team.facilitator, key=True
    )
    sensemaking_services.highlight(
        workshop=workshop,
        story=beta.story,
        char_start=beta.quote.char_start,
        char_end=beta.quote.char_end,
        note="BetaQuoteNote",
        user=team.facilitator,
    )
    version = sensemaking_services.create_report(
        project=team.project, title="SharedReport", by=team.facilitator
    )
    with django_capture_on_commit_callbacks(execute=True):
        sensemaking_services.publish_report(version=version, by=team.curator)
    for clip in ReportClip.objects.all():
        cut_clip.call(clip.pk)
    _guest, guest_token = sensemaking_services.invite_guest(
        workshop=workshop, display_name="Guest", by=team.facilitator
    )
    return SimpleNamespace(alpha=alpha, beta=beta, workshop=workshop, guest_token=guest_token)


def enter(client, token):
    client.get(reverse("storyteller:enter", args=[token]))


def open_zip(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return {name: archive.read(name) for name in archive.namelist()}


def bundle_of(storyteller) -> dict[str, bytes]:
    out = io.BytesIO()
    subject_access.write_bundle(storyteller, out, base_url="http://testserver/")
    return open_zip(out.getvalue())


def ready_copy(storyteller, *, by=None, link=None) -> SubjectAccessCopy:
    copy = subject_access.request_copy(storyteller=storyteller, by=by, link=link)
    make_access_copy.call(copy.pk)
    copy.refresh_from_db()
    assert copy.state == SubjectAccessCopy.State.READY
    return copy


def download(response) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    return b"".join(response.streaming_content)


def assert_only_about_alpha(files: dict[str, bytes]) -> None:
    """Every file is read; each of the first storyteller's sentinels is somewhere, no other's."""
    everything = b"\n".join(files.values())
    missing = [word for word in ALPHA_SENTINELS if word.encode() not in everything]
    assert missing == []
    for name, data in files.items():
        for word in [*BETA_SENTINELS, *STAFF_NAMES]:
            assert word.encode() not in data, (word, name)


# What is in the copy ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_storytellers_copy_made_by_the_worker_holds_everything_about_them_and_no_one_else(
    client, team, world, run_worker
):
    alpha = world.alpha
    enter(client, alpha.token)
    response = client.post(reverse("storyteller:copy"))
    copy = SubjectAccessCopy.objects.get()
    assert response["Location"] == reverse("storyteller:copy-status", args=[copy.pk])
    assert copy.state == SubjectAccessCopy.State.QUEUED
    page = client.get(response["Location"]).content.decode()
    assert "Making your copy" in page

    run_worker()

    copy.refresh_from_db()
    assert copy.state == SubjectAccessCopy.State.READY
    assert copy.expires_at > timezone.now() + timedelta(days=6)
    assert "Your copy is ready" in client.get(response["Location"]).content.decode()
    data = download(client.post(reverse("storyteller:copy-download", args=[copy.pk])))
    assert copy.size == len(data)
    files = open_zip(data)
    assert_only_about_alpha(files)
    assert all(SAFE_ZIP_NAME.fullmatch(name) for name in files), sorted(files)
    assert {"README.txt", "index.html", "about-you.json", "about-you.csv", "contact.json"} <= set(
        files
    )
    assert {"contact.csv", "private-links.csv", "history.json", "history.csv"} <= set(files)
    assert {"quotes.csv", "quotes.json", "quotes/extract-1.mp3"} <= set(files)


def test_each_story_has_its_transcript_versions_recordings_and_consent_with_evidence(world):
    alpha = world.alpha
    files = bundle_of(alpha.storyteller)
    folder = "stories/01-alphatitleone"
    assert b"AlphaVersionOne" in files[f"{folder}/transcripts/version-1.txt"]
    assert b"AlphaVersionOne" not in files[f"{folder}/transcripts/version-2.txt"]
    # Their own words as they said them, redacted ones too, with the redactions listed.
    assert b"AlphaRedacted was my street" in files[f"{folder}/transcripts/version-2.txt"]
    assert files[f"{folder}/transcripts/version-2.vtt"].startswith(b"WEBVTT")
    assert b"AlphaRedacted" in files[f"{folder}/transcripts/redactions.csv"]
    original = files[f"{folder}/recordings/recording-1-original.mp3"]
    assert hashlib.sha256(original).hexdigest() == alpha.recording.sha256
    listener = files[f"{folder}/recordings/recording-1-listener-copy.mp3"]
    assert b"AlphaID3Title" not in listener  # the copy listeners hear has no metadata
    recordings = files[f"{folder}/recordings/recordings.csv"].decode()
    assert "recording-1-original.mp3 recording-1-listener-copy.mp3" in recordings
    assert b"AlphaEvidenceBytes" in files[f"{folder}/consent/evidence-version-1.pdf"]
    history = files[f"{folder}/consent/history.csv"].decode()
    assert "AlphaReason" in history and "AlphaChangeReason" in history
    assert "You, through your private link" in history
    assert files["stories/02-alphatitletwo-etcpasswd-cx/transcripts/version-1.txt"]


def test_quotes_say_the_workshop_themes_and_report_and_never_hold_anyone_elses(world):
    files = bundle_of(world.alpha.storyteller)
    quotes = files["quotes.csv"].decode("utf-8-sig")
    _header, *rows = quotes.splitlines()
    assert len(rows) == 2  # both of the storyteller's quotes, none of the other's
    assert "AlphaQuoteWords" in rows[0]
    assert "SharedWorkshop" in rows[0] and "AlphaTheme" in rows[0]
    assert "SharedReport (version 1.0, published)" in rows[0]
    assert "quotes/extract-1.mp3" in rows[0]
    assert "AlphaQuoteNote" in quotes
    assert "Beta" not in quotes


def test_the_history_names_people_by_role_and_holds_only_events_about_them(team, world):
    files = bundle_of(world.alpha.storyteller)
    history = files["history.csv"].decode("utf-8-sig")
    for action in ("Storyteller added", "Consent recorded", "Consent changed", "Story published"):
        assert action in history
    assert "Peer interviewer" in history and "Curator" in history
    assert "Private link created" in history
    assert "Beta" not in history


def test_a_withdrawn_story_is_still_in_the_copy_while_it_is_held(world):
    alpha = world.alpha
    services.withdraw_consent(story=alpha.story, reason="AlphaWithdrawReason")
    files = bundle_of(alpha.storyteller)
    folder = "stories/01-alphatitleone"
    assert b"AlphaVersionTwo" in files[f"{folder}/transcripts/version-2.txt"]
    assert f"{folder}/recordings/recording-1-original.mp3" in files
    assert b"Withdrawn" in files[f"{folder}/story.json"]
    assert b"AlphaWithdrawReason" in files[f"{folder}/consent/history.csv"]


def test_file_names_inside_the_zip_are_always_plain(world):
    files = bundle_of(world.alpha.storyteller)
    for name in files:
        assert SAFE_ZIP_NAME.fullmatch(name), name
        assert ".." not in name and ":" not in name and "\\" not in name
    with pytest.raises(ValueError):
        subject_access.zip_name("stories", "../secret")


def test_csv_cells_never_run_as_spreadsheet_formulas(team, world):
    contact = world.alpha.storyteller.contact
    contact.notes = '=HYPERLINK("http://evil.example")'
    contact.save()
    contact_csv = bundle_of(world.alpha.storyteller)["contact.csv"].decode("utf-8-sig")
    assert "'=HYPERLINK" in contact_csv


def test_a_stored_file_that_has_gone_is_named_in_the_readme_not_lost_silently(world):
    recording = world.alpha.recording
    recording.file.storage.delete(recording.file.name)
    files = bundle_of(world.alpha.storyteller)
    readme = files["README.txt"].decode()
    assert "Files we could not include" in readme
    assert "Recording 1 of “AlphaTitleOne”" in readme


# Who may make and download a copy ------------------------------------------------------------


def test_a_curator_makes_the_same_copy_and_it_is_audited_without_content(client, team, world):
    alpha = world.alpha
    client.force_login(team.curator)
    detail = client.get(reverse("stories:storyteller-detail", args=[alpha.storyteller.pk]))
    assert "Make a copy of everything held about" in detail.content.decode()
    response = client.post(reverse("stories:storyteller-copy-request", args=[alpha.storyteller.pk]))
    copy = SubjectAccessCopy.objects.get()
    assert copy.requested_by == team.curator and copy.link is None
    assert response["Location"] == reverse(
        "stories:storyteller-copy", args=[alpha.storyteller.pk, copy.pk]
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.COPY_REQUESTED)
    assert event.actor == team.curator
    assert event.details == {"storyteller": alpha.storyteller.code, "copy": copy.pk}
    make_access_copy.call(copy.pk)
    url = reverse("stories:storyteller-copy-download", args=[alpha.storyteller.pk, copy.pk])
    assert_only_about_alpha(open_zip(download(client.post(url))))
    downloaded = AuditEvent.objects.get(action=AuditEvent.Action.COPY_DOWNLOADED)
    assert downloaded.actor == team.curator
    assert downloaded.details == {"storyteller": alpha.storyteller.code, "copy": copy.pk}


def test_a_storytellers_download_is_audited(client, world):
    alpha = world.alpha
    enter(client, alpha.token)
    client.post(reverse("storyteller:copy"))
    copy = SubjectAccessCopy.objects.get()
    make_access_copy.call(copy.pk)
    download(client.post(reverse("storyteller:copy-download", args=[copy.pk])))
    event = AuditEvent.objects.get(action=AuditEvent.Action.COPY_DOWNLOADED)
    assert event.actor is None
    assert event.actor_label == services.STORYTELLER_ACTOR
    assert event.details == {"storyteller": alpha.storyteller.code, "copy": copy.pk}


def test_downloading_needs_a_post(client, world):
    enter(client, world.alpha.token)
    client.post(reverse("storyteller:copy"))
    copy = SubjectAccessCopy.objects.get()
    make_access_copy.call(copy.pk)
    assert client.get(reverse("storyteller:copy-download", args=[copy.pk])).status_code == 405
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.COPY_DOWNLOADED).exists()


def as_person(client, who: str, team, world):
    """Sign the client in as one of the people who must not reach a curator's copy."""
    client.logout()
    if who == "guest":
        client.get(reverse("sensemaking:join", args=[world.guest_token]))
    elif who == "alpha's link":
        enter(client, world.alpha.token)
    elif who == "beta's link":
        enter(client, world.beta.token)
    elif who != "anonymous":
        client.force_login(getattr(team, who))


REFUSED_TEAM = [
    "interviewer",  # added the storyteller, but is not a curator
    "interviewer2",
    "facilitator",
    "facilitator2",
    "outsider",  # a curator of another project
    "nobody",
    "anonymous",
    "guest",
    "alpha's link",
    "beta's link",
]


@pytest.mark.parametrize("who", REFUSED_TEAM)
def test_only_a_curator_of_the_project_may_make_a_copy(client, team, world, who):
    as_person(client, who, team, world)
    pk = world.alpha.storyteller.pk
    response = client.post(reverse("stories:storyteller-copy-request", args=[pk]))
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
    assert not SubjectAccessCopy.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.COPY_REQUESTED).exists()
    page = client.get(reverse("stories:storyteller-detail", args=[pk])).content.decode()
    assert "Make a copy of everything held" not in page


@pytest.mark.parametrize("who", [*REFUSED_TEAM, "curator2"])
def test_only_the_curator_who_asked_may_follow_or_download_their_copy(client, team, world, who):
    alpha = world.alpha
    copy = ready_copy(alpha.storyteller, by=team.curator)
    as_person(client, who, team, world)
    status = reverse("stories:storyteller-copy", args=[alpha.storyteller.pk, copy.pk])
    url = reverse("stories:storyteller-copy-download", args=[alpha.storyteller.pk, copy.pk])
    for response in (client.get(status), client.post(url)):
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login"))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.COPY_DOWNLOADED).exists()


def test_a_curators_copy_is_not_the_storytellers_and_the_storytellers_not_the_curators(
    client, team, world
):
    alpha = world.alpha
    curators = ready_copy(alpha.storyteller, by=team.curator)
    enter(client, alpha.token)
    assert client.get(reverse("storyteller:copy-status", args=[curators.pk])).status_code == 404
    assert client.post(reverse("storyteller:copy-download", args=[curators.pk])).status_code == 404
    client.post(reverse("storyteller:copy"))
    storytellers = SubjectAccessCopy.objects.get(requested_by=None)
    make_access_copy.call(storytellers.pk)
    client.force_login(team.curator)
    url = reverse("stories:storyteller-copy-download", args=[alpha.storyteller.pk, storytellers.pk])
    assert client.post(url).status_code == 404


def test_a_storytellers_copy_is_served_only_to_the_session_that_asked(client, team, world):
    alpha = world.alpha
    enter(client, alpha.token)
    client.post(reverse("storyteller:copy"))
    copy = SubjectAccessCopy.objects.get()
    make_access_copy.call(copy.pk)
    status = reverse("storyteller:copy-status", args=[copy.pk])
    url = reverse("storyteller:copy-download", args=[copy.pk])
    assert client.get(status).status_code == 200

    other = client.__class__()
    enter(other, alpha.token)  # the same link, in another browser
    assert other.get(status).status_code == 404
    assert other.post(url).status_code == 404
    enter(other, world.beta.token)  # another storyteller's link
    assert other.get(status).status_code == 404
    assert other.post(url).status_code == 404
    for who in ("curator", "nobody"):
        other.logout()
        other.force_login(getattr(team, who))
        assert other.get(status).status_code == 403
        assert other.post(url).status_code == 403
    other.logout()
    other.get(reverse("sensemaking:join", args=[world.guest_token]))
    assert other.post(url).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.COPY_DOWNLOADED).exists()

    services.revoke_storyteller_link(link=StorytellerLink.objects.get(pk=copy.link_id), by=None)
    assert client.post(url).status_code == 403


# Expiry, replacement and progress ------------------------------------------------------------


def test_a_copy_expires_its_deletion_is_scheduled_and_its_file_deleted(
    client, team, world, django_capture_on_commit_callbacks
):
    copy = ready_copy(world.alpha.storyteller, by=team.curator)
    storage, name = copy.file.storage, copy.file.name
    assert storage.exists(name)
    scheduled = DBTaskResult.objects.get(task_path="stories.tasks.delete_access_copy")
    assert scheduled.run_after == copy.expires_at
    assert delete_access_copy.call(copy.pk) == "kept"  # not yet expired

    SubjectAccessCopy.objects.filter(pk=copy.pk).update(expires_at=timezone.now())
    client.force_login(team.curator)
    url = reverse("stories:storyteller-copy-download", args=[world.alpha.storyteller.pk, copy.pk])
    assert client.post(url).status_code == 404  # never served once expired
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_access_copy.call(copy.pk) == "deleted"
    assert not SubjectAccessCopy.objects.exists()
    assert not storage.exists(name)


def test_the_command_deletes_expired_copies_with_their_files(
    team, world, django_capture_on_commit_callbacks
):
    copy = ready_copy(world.alpha.storyteller, by=team.curator)
    kept = ready_copy(world.beta.storyteller, by=team.curator)
    SubjectAccessCopy.objects.filter(pk=copy.pk).update(expires_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("delete_expired_copies")
    assert list(SubjectAccessCopy.objects.all()) == [kept]
    assert not copy.file.storage.exists(copy.file.name)
    assert kept.file.storage.exists(kept.file.name)


def test_a_new_copy_replaces_the_earlier_one(team, world, django_capture_on_commit_callbacks):
    first = ready_copy(world.alpha.storyteller, by=team.curator)
    with django_capture_on_commit_callbacks(execute=True):
        second = ready_copy(world.alpha.storyteller, by=team.curator)
    assert list(SubjectAccessCopy.objects.all()) == [second]
    assert not first.file.storage.exists(first.file.name)


def test_asking_twice_while_it_is_made_makes_one_copy(client, world):
    enter(client, world.alpha.token)
    client.post(reverse("storyteller:copy"))
    client.post(reverse("storyteller:copy"))
    assert SubjectAccessCopy.objects.count() == 1


def test_a_copy_that_stops_can_be_asked_for_again(client, world):
    enter(client, world.alpha.token)
    client.post(reverse("storyteller:copy"))
    copy = SubjectAccessCopy.objects.get()
    SubjectAccessCopy.objects.filter(pk=copy.pk).update(
        updated_at=timezone.now() - subject_access.PATIENCE - timedelta(seconds=1)
    )
    status = client.get(reverse("storyteller:copy-status", args=[copy.pk]) + "?format=json")
    assert status.json()["state"] == "failed"
    assert "stopped before it finished" in status.json()["error"]
    page = client.get(reverse("storyteller:copy-status", args=[copy.pk])).content.decode()
    assert "Try again" in page
    client.post(reverse("storyteller:copy"))
    assert SubjectAccessCopy.objects.count() == 2


def test_the_progress_page_reports_the_workers_progress_as_json(client, world):
    enter(client, world.alpha.token)
    client.post(reverse("storyteller:copy"))
    copy = SubjectAccessCopy.objects.get()
    SubjectAccessCopy.objects.filter(pk=copy.pk).update(
        state="running", progress=40, step="Copying your recordings and files"
    )
    status = client.get(reverse("storyteller:copy-status", args=[copy.pk]) + "?format=json")
    assert status.json() == {
        "state": "running",
        "progress": 40,
        "step": "Copying your recordings and files",
        "error": "",
    }


def test_reading_the_copy_pages_writes_nothing(client, team, world):
    enter(client, world.alpha.token)
    client.post(reverse("storyteller:copy"))
    copy = SubjectAccessCopy.objects.get()
    pages = [
        reverse("storyteller:home"),
        reverse("storyteller:copy"),
        reverse("storyteller:copy-status", args=[copy.pk]),
        reverse("storyteller:copy-status", args=[copy.pk]) + "?format=json",
    ]
    for url in pages:
        client.get(url)  # the session settles on a first visit
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        assert [q["sql"] for q in queries if WRITE.match(q["sql"])] == [], url


def test_the_storytellers_progress_page_query_count(client, world, django_assert_num_queries):
    enter(client, world.alpha.token)
    client.post(reverse("storyteller:copy"))
    copy = SubjectAccessCopy.objects.get()
    url = reverse("storyteller:copy-status", args=[copy.pk])
    client.get(url)
    # The session, the storyteller's link (with the storyteller), and the copy.
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200


def test_a_failed_copy_says_so_and_keeps_nothing(team, world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(subject_access, "write_bundle", broken)
    copy = subject_access.request_copy(storyteller=world.alpha.storyteller, by=team.curator)
    assert make_access_copy.call(copy.pk) == SubjectAccessCopy.State.FAILED
    copy.refresh_from_db()
    assert copy.state == SubjectAccessCopy.State.FAILED
    assert copy.error == subject_access.FAILED
    assert not copy.file


def test_a_copy_deleted_while_it_is_made_leaves_no_file(team, world, monkeypatch, media_root):
    copy = subject_access.request_copy(storyteller=world.alpha.storyteller, by=team.curator)
    real = subject_access.write_bundle

    def then_deleted(*args, **kwargs):
        names = real(*args, **kwargs)
        SubjectAccessCopy.objects.filter(pk=copy.pk).delete()
        return names

    monkeypatch.setattr(subject_access, "write_bundle", then_deleted)
    before = {path for path in media_root.rglob("*") if path.is_file()}
    assert make_access_copy.call(copy.pk) == "gone"
    assert {path for path in media_root.rglob("*") if path.is_file()} == before


def test_a_storyteller_with_nothing_yet_still_gets_a_readable_copy(team):
    storyteller = services.add_storyteller(
        project=team.project, by=team.interviewer, credit_preference="anonymous"
    )
    out = io.BytesIO()
    subject_access.write_bundle(storyteller, out)
    files = open_zip(out.getvalue())
    assert {"README.txt", "index.html", "about-you.json", "quotes.csv"} <= set(files)
    assert storyteller.code.encode() in files["about-you.json"]


def test_a_copy_names_a_team_member_who_left_without_naming_them(team, world):
    former = make_user("formermember", first_name="Formerfirst")
    story = world.alpha.second
    services.update_story(story=story, by=former, tags=[], title=story.title)
    history = bundle_of(world.alpha.storyteller)["history.csv"].decode("utf-8-sig")
    assert "Former team member" in history
    assert "formermember" not in history and "Formerfirst" not in history


def test_the_readme_in_the_copy_lists_every_file(world):
    files = bundle_of(world.alpha.storyteller)
    readme = files["README.txt"].decode()
    index = files["index.html"].decode()
    for name in files:
        if name not in ("README.txt", "index.html"):
            assert name in readme, name
            assert f'href="{name}"' in index, name
    assert "Information Commissioner" in readme


def left_by_a_killed_run(copy: SubjectAccessCopy) -> str:
    """Put in the copy's folder what a run killed between storing and marking it leaves."""
    storage = SubjectAccessCopy.file.field.storage
    return storage.save(
        f"{subject_access.copy_folder(copy.pk)}/killed.zip", ContentFile(b"AlphaContactWords")
    )


def test_a_copy_made_again_after_a_killed_run_keeps_one_file(team, world):
    copy = subject_access.request_copy(storyteller=world.alpha.storyteller, by=team.curator)
    left = left_by_a_killed_run(copy)
    make_access_copy.call(copy.pk)
    copy.refresh_from_db()
    assert copy.state == SubjectAccessCopy.State.READY
    storage = copy.file.storage
    assert not storage.exists(left)
    assert [name for _storage, name in subject_access.copy_files(copy)] == [copy.file.name]


def test_deleting_or_erasing_takes_what_a_killed_run_left(
    client, team, world, django_capture_on_commit_callbacks
):
    copy = subject_access.request_copy(storyteller=world.alpha.storyteller, by=team.curator)
    left = left_by_a_killed_run(copy)
    storage = SubjectAccessCopy.file.field.storage
    with django_capture_on_commit_callbacks(execute=True):
        subject_access.delete_copy(copy)
    assert not storage.exists(left)
    services.withdraw_consent(story=world.alpha.story, by=team.curator, reason="Erase me")
    again = subject_access.request_copy(storyteller=world.alpha.storyteller, by=team.curator)
    left = left_by_a_killed_run(again)
    client.force_login(team.curator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("stories:story-erase", args=[world.alpha.story.pk]))
    assert not SubjectAccessCopy.objects.exists()
    assert not storage.exists(left)

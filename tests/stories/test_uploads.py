"""Uploads of recordings and transcripts: real files, decided by content, nothing lost silently."""

import hashlib
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stories.models import Recording, Transcript
from tests.conftest import MEDIA_FORMATS
from tests.factories import ALL_SCOPES, make_story

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.fixture
def story(team):
    return make_story(team.project, team.interviewer, scopes=ALL_SCOPES)


def upload(client, story, name: str, content: bytes, content_type="audio/mpeg"):
    return client.post(
        reverse("stories:recording-upload", args=[story.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


@pytest.mark.parametrize("extension", MEDIA_FORMATS)
def test_each_accepted_format_is_stored_under_a_generated_name(
    client, team, story, media_files, media_root, extension
):
    content = media_files[extension].read_bytes()
    client.force_login(team.interviewer)
    response = upload(client, story, f"Interview with Jo.{extension}", content)
    assert response.status_code == 302
    recording = Recording.objects.get(story=story)
    assert recording.original_filename == f"Interview with Jo.{extension}"
    assert "Jo" not in recording.file.name
    assert recording.sha256 == hashlib.sha256(content).hexdigest()
    assert recording.size == len(content)
    assert (media_root / recording.file.name).read_bytes() == content
    assert recording.state == Recording.State.PENDING


def test_type_comes_from_content_not_name_or_browser(client, team, story, media_files):
    client.force_login(team.interviewer)
    content = media_files["ogg"].read_bytes()
    upload(client, story, "recording.mp3", content, content_type="audio/mpeg")
    assert Recording.objects.get().media_type == "audio/ogg"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.mp3", PNG_BYTES),
        ("notes.wav", b"Interviewer: hello there, this is plain text\n" * 20),
        ("archive.m4a", b"PK\x03\x04" + b"\x00" * 300),
    ],
)
def test_disguised_files_are_refused_with_the_accepted_formats(client, team, story, name, content):
    client.force_login(team.interviewer)
    response = upload(client, story, name, content)
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not a file we can accept" in page
    assert "MP3, M4A, AAC, WAV, Ogg, Opus, FLAC, WebM or MP4" in page
    assert not Recording.objects.exists()


def test_empty_file_is_refused(client, team, story):
    client.force_login(team.interviewer)
    page = upload(client, story, "empty.mp3", b"").content.decode()
    assert "empty" in page
    assert not Recording.objects.exists()


def test_oversize_file_is_refused_and_nothing_is_kept(
    client, team, story, media_files, media_root, settings
):
    settings.RECORDING_MAX_BYTES = 4096
    client.force_login(team.interviewer)
    content = media_files["wav"].read_bytes()
    assert len(content) > 4096
    response = upload(client, story, "long.wav", content)
    assert "larger than 4 KB" in response.content.decode()
    assert not Recording.objects.exists()
    assert not list(media_root.rglob("*.*"))


def test_second_upload_of_same_file_is_reported(client, team, story, media_files):
    client.force_login(team.interviewer)
    content = media_files["mp3"].read_bytes()
    upload(client, story, "first.mp3", content)
    response = upload(client, story, "again.mp3", content)
    assert "already uploaded to this story, as “first.mp3”" in response.content.decode()
    assert Recording.objects.count() == 1


def test_upload_without_csrf_token_is_refused(team, story, media_files):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(team.interviewer)
    response = upload(client, story, "a.mp3", media_files["mp3"].read_bytes())
    assert response.status_code == 403
    assert not Recording.objects.exists()


VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Interviewer>What brought you to peer research?

00:00:04.500 --> 00:00:09.000
<v Dee>Being asked, for once, what I thought.
"""

BAD_VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
Fine line

00:00:04.500 --> 00:00:70.000
Broken timing
"""


def post_transcript(client, story, **data):
    return client.post(reverse("stories:transcript-upload", args=[story.pk]), data)


def test_vtt_timings_become_segments(client, team, story):
    client.force_login(team.interviewer)
    post_transcript(client, story, file=SimpleUploadedFile("talk.vtt", VTT.encode()))
    transcript = Transcript.objects.get(story=story, is_current=True)
    segments = list(transcript.segments.all())
    assert transcript.has_timings
    assert [(s.speaker, s.start_seconds, s.end_seconds) for s in segments] == [
        ("Interviewer", 1.0, 4.0),
        ("Dee", 4.5, 9.0),
    ]
    assert transcript.text[segments[1].char_start : segments[1].char_end] == segments[1].text


def test_malformed_timing_file_is_refused_with_its_line(client, team, story):
    client.force_login(team.interviewer)
    before = Transcript.objects.get(story=story, is_current=True)
    response = post_transcript(client, story, file=SimpleUploadedFile("bad.vtt", BAD_VTT.encode()))
    assert "Line 6" in response.content.decode()
    assert Transcript.objects.get(story=story, is_current=True) == before


def test_wrong_transcript_type_is_refused(client, team, story):
    client.force_login(team.interviewer)
    response = post_transcript(client, story, file=SimpleUploadedFile("talk.pdf", b"%PDF-1.4"))
    assert "Upload a .txt, .docx, .vtt or .srt file." in response.content.decode()
    assert Transcript.objects.filter(story=story).count() == 1


def test_transcript_html_is_escaped_when_shown(client, team, story):
    client.force_login(team.interviewer)
    post_transcript(client, story, text="Dee: <script>alert('x')</script> & <b>bold</b>")
    page = client.get(reverse("stories:story-detail", args=[story.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_editing_the_transcript_keeps_timings_and_earlier_version(client, team, story):
    client.force_login(team.interviewer)
    post_transcript(client, story, file=SimpleUploadedFile("talk.vtt", VTT.encode()))
    url = reverse("stories:transcript-edit", args=[story.pk])
    response = client.post(
        url,
        {
            "version": str(Transcript.objects.get(story=story, is_current=True).version),
            "first": "1",
            "last": "2",
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-speaker": "Interviewer",
            "form-0-text": "What brought you to peer research, Dee?",
            "form-1-speaker": "Dee",
            "form-1-text": "",
        },
    )
    assert response.status_code == 302
    current = Transcript.objects.get(story=story, is_current=True)
    assert current.origin == "edited"
    assert [(s.text, s.start_seconds) for s in current.segments.all()] == [
        ("What brought you to peer research, Dee?", 1.0)
    ]
    assert Transcript.objects.filter(story=story).count() == 3


@pytest.mark.django_db(transaction=True)
def test_real_worker_probes_recordings(team, media_files, media_root, run_worker):
    """Queue probes through django-tasks-db and run its db_worker as a separate process."""
    from django.core.files import File

    from stories import services

    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    with media_files["opus"].open("rb") as handle:
        good = services.upload_recording(
            story=story, upload=File(handle, name="good.opus"), by=team.interviewer
        )
    broken_path = media_root / "broken.ogg"
    broken_path.write_bytes(b"OggS" + random.Random(7).randbytes(5000))  # Right header, no audio.
    with broken_path.open("rb") as handle:
        broken = services.upload_recording(
            story=story, upload=File(handle, name="broken.ogg"), by=team.interviewer
        )
    run_worker()
    good.refresh_from_db()
    broken.refresh_from_db()
    assert good.state == Recording.State.READY
    assert good.duration_seconds == pytest.approx(1.0, abs=0.1)
    assert {"type": "audio", "codec": "opus"} in good.codecs
    assert broken.state == Recording.State.FAILED
    assert "could not be read" in broken.error

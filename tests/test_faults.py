"""Faults a server meets: a full disk and a database that restarts.

A full disk is a real one: a 1 MB tmpfs mounted for the test (which needs root, as the test
machine has; elsewhere these tests are skipped and say why), filled up to a few kilobytes, used
as the media folder or the folder uploads are received into. The database that restarts is a
PostgreSQL cluster of the test's own, on another port, which the test stops and starts under a
running gunicorn; the shared server is never touched.
"""

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files import File
from django.core.management import call_command
from django.urls import reverse

from corpro.errors import DATABASE_DOWN, DISK_FULL
from sensemaking import services as sensemaking_services
from sensemaking.models import ReportClip, ReportFile
from sensemaking.tasks import CLIP_NO_ROOM, PDF_NO_ROOM
from stories import services, subject_access
from stories.media import NO_ROOM, CopyStatus, copy_status
from stories.models import Consent, Recording, Transcript
from stories.tasks import COPY_NO_ROOM
from stories.transcripts import parse_transcript_file
from tests.factories import ALL_SCOPES, highlight_phrase, make_playable, make_story

DISK_SIZE = "1m"
ROOM_LEFT = 16 * 1024  # bytes left free on a "full" disk: less than any file written below

# A full disk -------------------------------------------------------------------------------


def mount_small_disk(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"A small disk is a tmpfs mount, which needs root: {mounted.stderr.strip()}")
    return folder


@pytest.fixture
def small_disk(tmp_path):
    """A real 1 MB file system, unmounted afterwards."""
    disk = mount_small_disk(tmp_path / "small-disk")
    yield disk
    subprocess.run(["umount", "--lazy", str(disk)], check=True)


@pytest.fixture
def media_root(request, settings, tmp_path):
    """The media folder, on the small disk when the test has one (run_worker passes it on)."""
    disk = (
        request.getfixturevalue("small_disk") if "small_disk" in request.fixturenames else tmp_path
    )
    root = disk / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return root


def fill(disk: Path, *, leave: int = ROOM_LEFT) -> None:
    """Fill the disk but for `leave` bytes."""
    free = shutil.disk_usage(disk).free
    with (disk / "filler").open("ab") as filler:
        filler.write(b"\0" * max(0, free - leave))


def files_on(disk: Path) -> list[str]:
    """Every file on the disk but the filler, as paths relative to it."""
    return sorted(
        str(path.relative_to(disk))
        for path in disk.rglob("*")
        if path.is_file() and path.name != "filler"
    )


@pytest.fixture(scope="module")
def long_recording(tmp_path_factory) -> Path:
    """A real 30-second MP3, about 480 KB: more than a full disk has room for."""
    path = tmp_path_factory.mktemp("long") / "long.mp3"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=duration=30", str(path)],
        check=True,
    )
    assert path.stat().st_size > 10 * ROOM_LEFT
    return path


@pytest.fixture
def draft(team):
    return make_story(team.project, team.interviewer, scopes=ALL_SCOPES)


def post_page(client, url: str, data: dict):
    client.raise_request_exception = False
    response = client.post(url, data)
    return response.status_code, response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("in_memory", [True, False], ids=["held in memory", "received to a file"])
def test_a_recording_upload_to_a_full_disk_says_so_and_leaves_no_file(
    client, team, draft, small_disk, long_recording, settings, in_memory
):
    if not in_memory:  # Received into a temporary file first, then copied to the media folder.
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    fill(small_disk)
    client.force_login(team.interviewer)
    with long_recording.open("rb") as upload:
        status, page = post_page(client, f"/gather/{draft.pk}/recordings/new/", {"file": upload})
    assert status == 200
    assert NO_ROOM in page
    assert not Recording.objects.exists()
    assert files_on(small_disk) == []
    # With room again, the same file uploads: nothing half-stored stands in its way.
    (small_disk / "filler").unlink()
    with long_recording.open("rb") as upload:
        client.post(f"/gather/{draft.pk}/recordings/new/", {"file": upload})
    (recording,) = Recording.objects.all()
    assert recording.file.size == long_recording.stat().st_size


@pytest.mark.django_db
def test_consent_evidence_sent_to_a_full_disk_says_so_and_leaves_no_file(
    client, team, draft, small_disk
):
    fill(small_disk)
    before = Consent.objects.count()
    client.force_login(team.interviewer)
    evidence = small_disk.parent / "form.pdf"
    evidence.write_bytes(b"%PDF-1.4\n" + b"0" * 200_000)
    with evidence.open("rb") as upload:
        status, page = post_page(
            client,
            f"/gather/{draft.pk}/consent/",
            {
                "archive_research": "on",
                "method": "written",
                "obtained_on": "2026-05-01",
                "evidence": upload,
            },
        )
    assert status == 200
    assert NO_ROOM in page
    assert Consent.objects.count() == before
    assert files_on(small_disk) == []


@pytest.fixture
def full_upload_folder(settings, tmp_path):
    """Uploads are received into a full disk (the media folder has room)."""
    disk = mount_small_disk(tmp_path / "uploads-disk")
    fill(disk)
    settings.FILE_UPLOAD_TEMP_DIR = str(disk)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    yield disk
    subprocess.run(["umount", "--lazy", str(disk)], check=True)


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["recording", "transcript", "codebook"])
def test_an_upload_received_into_a_full_disk_gives_a_plain_507_page_and_leaves_no_file(
    client, team, draft, full_upload_folder, long_recording, form
):
    large = full_upload_folder.parent / "large.txt"
    large.write_bytes(b"Dee: words.\n\n" * 20_000)
    url, path = {
        "recording": (f"/gather/{draft.pk}/recordings/new/", long_recording),
        "transcript": (f"/gather/{draft.pk}/transcript/new/", large),
        "codebook": (f"/projects/{team.project.slug}/codebook/", large),
    }[form]
    transcripts = Transcript.objects.count()
    client.force_login(team.curator)
    client.raise_request_exception = False
    with path.open("rb") as upload:
        response = client.post(url, {"file": upload})
    assert response.status_code == 507
    assert DISK_FULL in response.content.decode()
    assert response["Retry-After"]
    assert Transcript.objects.count() == transcripts and not Recording.objects.exists()
    assert files_on(full_upload_folder) == []


def ask_for_pdf(client, team, story):
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    (theme,) = sensemaking_services.themes_named(team.project, ["Being heard"])
    highlight_phrase(workshop, story, "being heard", [theme], key=True)
    version = sensemaking_services.create_report(
        project=team.project, title="Voices", by=team.facilitator
    )
    version.workshops.set([workshop])
    url = reverse("sensemaking:report-pdf", args=[version.report.slug, version.number])
    client.force_login(team.facilitator)
    assert client.post(url).status_code == 302
    return url


@pytest.mark.django_db(transaction=True)
def test_a_pdf_the_worker_cannot_store_fails_plainly_and_leaves_no_file(
    client, team, media_root, small_disk, run_worker
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    url = ask_for_pdf(client, team, story)
    fill(small_disk, leave=1024)
    run_worker()
    pdf = ReportFile.objects.get()
    assert (pdf.state, pdf.error, pdf.file.name) == (ReportFile.State.FAILED, PDF_NO_ROOM, "")
    assert PDF_NO_ROOM in client.get(url).content.decode()
    assert files_on(small_disk) == []


@pytest.mark.django_db(transaction=True)
def test_a_listener_copy_the_worker_cannot_store_fails_plainly_and_leaves_no_file(
    team, draft, media_root, small_disk, media_files, run_worker
):
    with media_files["mp3"].open("rb") as handle:
        recording = services.upload_recording(
            story=draft, upload=File(handle, name="a.mp3"), by=team.interviewer
        )
    fill(small_disk, leave=1024)
    run_worker()  # Probes the recording (nothing to store), then makes its copy.
    recording.refresh_from_db()
    assert recording.state == Recording.State.READY
    assert recording.listener_copy_state == Recording.CopyState.FAILED
    assert recording.listener_copy_error == COPY_NO_ROOM
    assert files_on(small_disk) == [str(Path(recording.file.path).relative_to(small_disk))]
    # With room again, the operator's command makes it.
    (small_disk / "filler").unlink()
    call_command("make_listener_copies", stdout=io.StringIO())
    run_worker()
    recording.refresh_from_db()
    assert recording.listener_copy_state == Recording.CopyState.READY
    assert copy_status(recording) == CopyStatus.READY


@pytest.mark.django_db(transaction=True)
def test_a_storytellers_copy_the_worker_cannot_store_fails_plainly_and_leaves_no_file(
    team, draft, media_root, small_disk, run_worker
):
    copy = subject_access.request_copy(storyteller=draft.storyteller, by=team.curator)
    fill(small_disk, leave=1024)
    run_worker()
    copy.refresh_from_db()
    assert (copy.state, copy.error, copy.file.name) == ("failed", subject_access.NO_ROOM, "")
    assert files_on(small_disk) == []


TIMED = b"""WEBVTT

00:00:00.000 --> 00:00:00.900
<v Dee>It meant being heard, not just listened to.
"""


@pytest.mark.django_db(transaction=True)
def test_an_audio_extract_the_worker_cannot_store_fails_plainly_and_leaves_no_file(
    team, media_root, small_disk, media_files, run_worker
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, transcript=None)
    services.add_transcript(
        story=story,
        parsed=parse_transcript_file(TIMED, "heard.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    with media_files["mp3"].open("rb") as handle:
        make_playable(
            services.upload_recording(
                story=story, upload=File(handle, name="a.mp3"), by=team.interviewer
            )
        )
    services.submit_story(story=story, by=team.interviewer)
    services.publish_story(story=story, by=team.curator)
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    (theme,) = sensemaking_services.themes_named(team.project, ["Being heard"])
    highlight_phrase(workshop, story, "being heard", [theme], key=True)
    version = sensemaking_services.create_report(
        project=team.project, title="Voices", by=team.facilitator
    )
    version.workshops.set([workshop])
    sensemaking_services.publish_report(version=version, by=team.curator)
    stored = files_on(small_disk)
    fill(small_disk, leave=1024)
    run_worker()
    clip = ReportClip.objects.get()
    assert (clip.error, clip.file.name) == (CLIP_NO_ROOM, "")
    assert files_on(small_disk) == stored


# A database that restarts ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_postgres(command: list[str], **options) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program, as the postgres user when the tests run as root."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **options)


def postgres_bin(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        config = shutil.which("pg_config")
        if config:
            folder = subprocess.run(
                [config, "--bindir"], capture_output=True, text=True, check=True
            ).stdout.strip()
            found = str(Path(folder) / name) if (Path(folder) / name).exists() else None
    if found is None:
        pytest.skip(f"{name} is needed to run a PostgreSQL cluster of the test's own")
    return found


class Cluster:
    """A PostgreSQL cluster in a temporary folder, on a port of its own."""

    def __init__(self):
        # Not under pytest's folders, which only their owner may enter.
        self.folder, self.port = Path(tempfile.mkdtemp(prefix="corpro-cluster-")), free_port()
        self.data, self.log = self.folder / "data", self.folder / "log"
        self.pg_ctl = postgres_bin("pg_ctl")
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        as_postgres([postgres_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"])

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        as_postgres(
            [self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"]
        )

    def stop(self) -> None:
        # "fast" ends every connection at once, as a restart does.
        as_postgres([self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def remove(self) -> None:
        shutil.rmtree(self.folder)


@pytest.fixture(scope="module")
def restartable(tmp_path_factory):
    """gunicorn serving the app from a database the test can stop and start."""
    folder = tmp_path_factory.mktemp("restart")
    cluster = Cluster()
    cluster.start()
    environment = {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "DEBUG": "0",
        "MEDIA_ROOT": str(folder / "media"),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    run = {"cwd": django_settings.BASE_DIR, "env": environment, "check": True}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], capture_output=True, **run)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "corpro.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=django_settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/healthz", 200)
    yield cluster, base
    server.terminate()
    server.wait(timeout=30)
    cluster.stop()
    cluster.remove()


def fetch(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own server)
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def wait_for(url: str, status: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if fetch(url)[0] == status:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} did not answer {status}")
        time.sleep(0.2)


def test_while_the_database_restarts_pages_answer_503_and_recover_on_their_own(restartable):
    cluster, base = restartable
    pages = ["/", "/stories/", "/reports/", "/sitemap.xml"]
    for page in pages:
        assert fetch(base + page)[0] == 200, page  # and their connections are kept open
    cluster.stop()
    try:
        for page in pages:
            status, headers, body = fetch(base + page)
            assert status == 503, page
            assert headers["Retry-After"] == "30"
            assert headers["Content-Type"].startswith("text/html")
            assert "The site can’t answer just now" in body
            assert DATABASE_DOWN in body
        status, headers, body = fetch(base + "/api/v1/stories")
        assert status == 503
        assert headers["Content-Type"].startswith("application/json")
        assert headers["Retry-After"] == "30"
        assert json.loads(body) == {"detail": DATABASE_DOWN}
        assert fetch(base + "/healthz")[0] == 503
        # A page that needs nothing from the database still answers.
        assert fetch(base + "/accounts/login/")[0] == 200
    finally:
        cluster.start()
    for page in [*pages, "/api/v1/stories", "/healthz"]:
        assert fetch(base + page)[0] == 200, page

"""Shared fixtures: real PostgreSQL (from pytest-django), real files in a temporary media root."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests import factories

MEDIA_FORMATS = {
    # extension: extra ffmpeg arguments (video formats get a small picture track too)
    "mp3": [],
    "m4a": [],
    "aac": [],
    "wav": [],
    "ogg": ["-c:a", "libvorbis"],
    "opus": ["-c:a", "libopus"],
    "flac": [],
    "webm": ["-f", "lavfi", "-i", "color=c=blue:s=32x32:d=1", "-shortest", "-c:a", "libopus"],
    "mp4": ["-f", "lavfi", "-i", "color=c=blue:s=32x32:d=1", "-shortest"],
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test passwords cheaply; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Start every test with an empty cache, as a freshly started server would."""
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Keep every test's uploads in its own real folder."""
    root = tmp_path / "media"
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


@pytest.fixture(scope="session")
def media_files(tmp_path_factory) -> dict[str, Path]:
    """Generate a one-second recording in every accepted format with the real ffmpeg."""
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is needed for the upload tests; `make test` installs it.")
    folder = tmp_path_factory.mktemp("recordings")
    files = {}
    for extension, extra in MEDIA_FORMATS.items():
        path = folder / f"sample.{extension}"
        subprocess.run(
            [
                "ffmpeg",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:duration=1",
                *extra,
                str(path),
            ],
            check=True,
        )
        files[extension] = path
    return files


@pytest.fixture
def project(db):
    return factories.make_project()


@pytest.fixture
def team(project):
    """Two users per role in one project, and an outsider in another project."""
    return factories.make_team(project)


WORKER_OPTIONS = ["--batch", "--no-startup-delay", "--no-reload"]


@pytest.fixture
def run_worker(media_root):
    """Return a function that runs django-tasks-db's worker until the queue is empty.

    Options are passed on to the worker (`run("--max-tasks", "1")` runs the first task only).

    It is a separate process against the test database, so tests using it need
    `django_db(transaction=True)` for it to see their rows.
    """

    def run(*options: str) -> None:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "MEDIA_ROOT": str(media_root),
            "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        }
        subprocess.run(
            [sys.executable, "manage.py", "worker", *WORKER_OPTIONS, *options],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            timeout=180,
            capture_output=True,
        )

    return run

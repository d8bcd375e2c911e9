"""Measure a recording upload's memory use served by gunicorn: it must not grow with file size.

Run from the project folder: `.venv/bin/python bench/upload_memory.py [MB ...]`
(default 10 100 1000).
It makes a throwaway SQLite database and media folder, serves the app with one gunicorn worker on
127.0.0.1, signs in as an interviewer, streams WAV files of each size to the upload page, and
prints the worker's peak resident memory (VmHWM) after each upload.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SETUP = """
from django.contrib.auth import get_user_model
from stories import services
from stories.models import Membership, Project
user = get_user_model().objects.create_user("bench", password="bench-password-123")
project = Project.objects.create(name="Bench", slug="bench")
Membership.objects.create(project=project, user=user, role="interviewer")
storyteller = services.add_storyteller(project=project, by=user, credit_preference="anonymous")
print(services.create_story(storyteller=storyteller, by=user, title="Bench").pk)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_wav(path: Path, megabytes: int) -> None:
    """Write a silent 16-bit mono WAV file of about this size, a megabyte at a time."""
    size = megabytes * 1024 * 1024
    header = (
        b"RIFF"
        + (36 + size).to_bytes(4, "little")
        + b"WAVEfmt "
        + (16).to_bytes(4, "little")
        + (1).to_bytes(2, "little")
        + (1).to_bytes(2, "little")
        + (16000).to_bytes(4, "little")
        + (32000).to_bytes(4, "little")
        + (2).to_bytes(2, "little")
        + (16).to_bytes(2, "little")
        + b"data"
        + size.to_bytes(4, "little")
    )
    with path.open("wb") as handle:
        handle.write(header)
        chunk = b"\x00" * (1024 * 1024)
        for _ in range(megabytes):
            handle.write(chunk)


class Session:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            self.cookies.update({key: morsel.value for key, morsel in cookie.items()})
        connection.close()
        return response, data

    def csrf(self, path: str) -> str:
        _response, page = self.request("GET", path)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()


def stream_upload(session: Session, path: str, file_path: Path):
    token = session.csrf(path)
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{file_path.name}"\r\nContent-Type: audio/wav\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body():
        yield head
        with file_path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                yield chunk
        yield tail

    length = len(head) + file_path.stat().st_size + len(tail)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(length),
        "Referer": f"http://127.0.0.1:{session.port}{path}",
    }
    return session.request("POST", path, body=body(), headers=headers)


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [10, 100, 1000]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "RECORDING_MAX_BYTES": str((max(sizes) + 10) * 1024 * 1024),
            "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        }
        manage = [PYTHON, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={**env, "STATIC_ROOT": str(folder / "static")},
            check=True,
        )
        setup = subprocess.run(
            [*manage, "shell", "-c", SETUP],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        story_id = int(setup.stdout.strip().splitlines()[-1])
        port = free_port()
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "corpro.wsgi",
                "--workers",
                "1",
                "--timeout",
                "600",
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env={**env, "STATIC_ROOT": str(folder / "static")},
        )
        try:
            time.sleep(2)
            worker = int(
                subprocess.run(
                    ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
                ).stdout.split()[0]
            )
            session = Session(port)
            token = session.csrf("/accounts/login/")
            session.request(
                "POST",
                "/accounts/login/",
                body=urlencode(
                    {
                        "csrfmiddlewaretoken": token,
                        "username": "bench",
                        "password": "bench-password-123",
                    }
                ),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"http://127.0.0.1:{port}/accounts/login/",
                },
            )
            print(f"worker peak memory before uploads: {peak_rss_mb(worker):.0f} MB")
            print(f"{'file':>8} {'seconds':>8} {'MB/s':>7} {'worker peak MB':>15}")
            for megabytes in sizes:
                file_path = folder / f"bench-{megabytes}.wav"
                write_wav(file_path, megabytes)
                started = time.perf_counter()
                response, _ = stream_upload(
                    session, f"/gather/{story_id}/recordings/new/", file_path
                )
                seconds = time.perf_counter() - started
                assert response.status == 302, (
                    f"upload of {megabytes} MB answered {response.status}"
                )
                rate, peak = megabytes / seconds, peak_rss_mb(worker)
                print(f"{megabytes:>6}MB {seconds:>8.1f} {rate:>7.0f} {peak:>15.0f}")
                file_path.unlink()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()

"""Private-link tokens never reach a log: Django's request logger, runserver, gunicorn."""

import io
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.log_masking import MASK, mask_tokens
from stories import services

TOKEN_PARAMETERS = {"token", "uidb64"}


def token_urls(resolver=None, prefix=""):
    """Every URL pattern of the project with a token in its path, with a sample token."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from token_urls(pattern, route)
        elif isinstance(pattern, URLPattern) and TOKEN_PARAMETERS & set(pattern.pattern.converters):
            yield route


def sample(route: str, token: str) -> str:
    path = route
    for name in TOKEN_PARAMETERS:
        path = path.replace(f"<{name}>", token).replace(f"<str:{name}>", token)
    return "/" + path


def test_every_url_with_a_token_is_masked():
    routes = list(token_urls())
    assert {"my/<str:token>/", "workshops/join/<str:token>/"} <= set(routes), routes
    for route in routes:
        token = secrets.token_urlsafe(32)
        path = sample(route, token)
        line = f'"GET {path}?x=1 HTTP/1.1" 404 "https://corpro.example{path}"'
        masked = mask_tokens(line)
        assert token not in masked, route
        assert MASK in masked


def test_a_path_quoted_without_its_leading_slash_is_masked():
    token = secrets.token_urlsafe(32)
    error = f"Resolver404: {{'tried': [], 'path': 'workshops/join/{token}/x/'}}"
    assert mask_tokens(error) == "Resolver404: {'tried': [], 'path': 'workshops/join/[token]/x/'}"
    assert mask_tokens(f"path='my/{token}/'") == "path='my/[token]/'"


def test_the_storytellers_own_pages_are_not_masked():
    for path in ("/my/", "/my/leave/", "/my/stories/12/consent/", "/accounts/reset/done/"):
        assert mask_tokens(f"GET {path} HTTP/1.1") == f"GET {path} HTTP/1.1"


@pytest.fixture
def console():
    """The console handler the project's LOGGING configures, writing into a buffer."""
    handler = next(h for h in logging.getLogger("django").handlers if h.name == "console")
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


@pytest.mark.django_db
def test_a_server_error_on_a_token_url_is_logged_without_the_token(console, monkeypatch):
    token = secrets.token_urlsafe(32)

    def broken(given):
        raise RuntimeError(f"could not open /my/{given}/")

    monkeypatch.setattr(services, "find_storyteller_link", broken)
    response = Client(raise_request_exception=False).get(reverse("storyteller:enter", args=[token]))
    assert response.status_code == 500
    logged = console.getvalue()
    assert "Internal Server Error: /my/[token]/" in logged
    assert "RuntimeError" in logged  # The traceback is there, masked.
    assert token not in logged


@pytest.mark.django_db
def test_not_found_on_a_token_url_logs_no_token(console):
    token = secrets.token_urlsafe(32)
    logging.getLogger("django.request").setLevel(logging.WARNING)
    try:
        for url in (f"/my/{token}/", f"/workshops/join/{token}/", f"/workshops/join/{token}/x/"):
            assert Client().get(url).status_code == 404
    finally:
        logging.getLogger("django.request").setLevel(logging.ERROR)
    logged = console.getvalue()
    assert "Not Found: /workshops/join/[token]/x/" in logged
    assert token not in logged


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(command, port, output):
    """Start a server process on an empty database, wait for it to answer, and return it.

    DEBUG is on only so that not-found pages need no collected static files; the logging is the
    same as in production.
    """
    env = {
        **os.environ,
        "DATABASE_URL": "sqlite:///:memory:",
        "DEBUG": "1",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(output.read_text())


def fetch(port, path, referer=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if referer:
        request.add_header("Referer", referer)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (loopback)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def stop(process, output) -> str:
    process.terminate()
    process.wait(timeout=20)
    return output.read_text()


def visit_token_urls(port):
    """A 404 and two 500s (the database has no tables) on token URLs, with token referrers."""
    tokens = [secrets.token_urlsafe(32) for _ in range(4)]
    referer = f"http://127.0.0.1:{port}/my/{tokens[3]}/"
    assert fetch(port, f"/workshops/join/{tokens[0]}/nothing-here/", referer) == 404
    assert fetch(port, f"/my/{tokens[1]}/", referer) == 500
    assert fetch(port, f"/workshops/join/{tokens[2]}/", referer) == 500
    return tokens


def test_runserver_logs_no_token(tmp_path):
    port, output = free_port(), tmp_path / "server.log"
    with output.open("w") as log:
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        process = serve(command, port, log)
        tokens = visit_token_urls(port)
        logged = stop(process, output)
    assert "/workshops/join/[token]/nothing-here/" in logged  # runserver's 404 line
    assert "Internal Server Error: /my/[token]/" in logged
    assert not any(token in logged for token in tokens), logged


def test_gunicorn_logs_no_token_in_its_access_or_error_log(tmp_path):
    port, output = free_port(), tmp_path / "server.log"
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    # gunicorn.conf.py, in the folder gunicorn starts in, sets the masking logger.
    command = [gunicorn, "corpro.wsgi", "--bind", f"127.0.0.1:{port}", "--access-logfile", "-"]
    command.append("--no-control-socket")  # Not the one shared by every gunicorn of this user.
    with output.open("w") as log:
        process = serve(command, port, log)
        tokens = visit_token_urls(port)
        logged = stop(process, output)
    assert '"GET /my/[token]/ HTTP/1.1" 500' in logged  # the access log
    assert f'"http://127.0.0.1:{port}/my/[token]/"' in logged  # its referrer
    assert "Internal Server Error: /workshops/join/[token]/" in logged
    assert not any(token in logged for token in tokens), logged


def test_a_token_url_percent_encoded_in_a_query_is_masked():
    for route in token_urls():
        token = secrets.token_urlsafe(32)
        query = urlencode({"next": sample(route, token)})
        masked = mask_tokens(f'"GET /accounts/login/?{query} HTTP/1.1" 302')
        assert token not in masked, route
        assert MASK in masked

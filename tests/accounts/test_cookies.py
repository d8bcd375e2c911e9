"""On HTTPS the session and CSRF cookies are __Host- cookies; signing out clears the site's data."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from stories import services
from tests.accounts.conftest import LOGIN
from tests.factories import PASSWORD, make_storyteller

pytestmark = pytest.mark.django_db

HTTPS = {
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SESSION_COOKIE_NAME": "__Host-sessionid",
    "CSRF_COOKIE_NAME": "__Host-csrftoken",
}


def cookie_names(**env) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_DOMAIN, "
            "s.CSRF_COOKIE_DOMAIN, s.SESSION_COOKIE_PATH, s.CSRF_COOKIE_PATH)",
        ],
        cwd=django_settings.BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "corpro.settings",
            "SECRET_KEY": "x" * 50,
            "DATABASE_URL": "sqlite:///:memory:",
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_https_sites_name_their_cookies_with_the_host_prefix():
    assert cookie_names(DEBUG="0") == "__Host-sessionid __Host-csrftoken None None / /"
    assert cookie_names(DEBUG="1") == "sessionid csrftoken None None / /"


def assert_host_cookie(cookie):
    assert cookie["secure"] is True
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_signing_in_over_https_sets_host_prefixed_cookies_and_csrf_still_works(settings, team):
    for name, value in HTTPS.items():
        setattr(settings, name, value)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(LOGIN, secure=True)
    csrf = page.cookies["__Host-csrftoken"]
    assert_host_cookie(csrf)
    response = browser.post(
        LOGIN,
        {
            "username": team.curator.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": page.context["csrf_token"],
        },
        secure=True,
        headers={"Referer": "https://testserver/accounts/login/"},
    )
    assert response.status_code == 302
    assert_host_cookie(response.cookies["__Host-sessionid"])
    assert browser.get(reverse("stories:dashboard"), secure=True).status_code == 200


def test_a_storytellers_private_link_works_with_host_prefixed_cookies(settings, team):
    for name, value in HTTPS.items():
        setattr(settings, name, value)
    storyteller = make_storyteller(team.project, team.interviewer)
    _link, token = services.create_storyteller_link(storyteller=storyteller, by=team.interviewer)
    browser = Client()
    response = browser.get(reverse("storyteller:enter", args=[token]), secure=True)
    assert response["Location"] == reverse("storyteller:home")
    assert_host_cookie(response.cookies["__Host-sessionid"])
    assert "sessionid" not in response.cookies
    assert browser.get(reverse("storyteller:home"), secure=True).status_code == 200


def test_signing_out_tells_the_browser_to_clear_the_sites_data(client, team):
    client.force_login(team.curator)
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "You have signed out" in response.content.decode()
    assert client.get(reverse("stories:dashboard")).status_code == 302


def test_signing_out_of_the_admin_clears_the_sites_data_too(client):
    from tests.factories import make_user

    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.post("/admin/logout/")
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert client.get("/admin/").status_code == 302


def test_a_workshop_guest_link_works_with_host_prefixed_cookies(settings, team):
    from sensemaking import services as sensemaking_services

    for name, value in HTTPS.items():
        setattr(settings, name, value)
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="First workshop", by=team.facilitator, stories=[]
    )
    _guest, token = sensemaking_services.invite_guest(
        workshop=workshop, display_name="Dee", by=team.facilitator
    )
    browser = Client()
    response = browser.get(reverse("sensemaking:join", args=[token]), secure=True)
    assert response["Location"] == reverse("sensemaking:workshop", args=[workshop.pk])
    assert_host_cookie(response.cookies["__Host-sessionid"])
    assert browser.get(response["Location"], secure=True).status_code == 200

"""Failed sign-ins are limited per account and per address (django-axes)."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from stories.auth import DEMO_PASSWORD
from tests.accounts.conftest import give_code, sign_in
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-9921"


def fail(client, username, times, address="192.0.2.10", **extra):
    for _ in range(times):
        response = sign_in(client, username, WRONG, address, **extra)
    return response


def is_signed_in(client) -> bool:
    return client.get(reverse("stories:dashboard")).status_code == 200


def test_the_limit_of_wrong_passwords_locks_the_account_and_the_right_one_is_refused(client):
    curator = make_user()
    limit = settings.AXES_FAILURE_LIMIT
    response = fail(client, curator.username, limit - 1)
    assert response.status_code == 200
    assert "The username or password is not right" in response.content.decode()

    response = fail(client, curator.username, 1)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Signing in is paused for 15 minutes" in page
    assert "reset it" in page

    response = sign_in(client, curator.username, PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)


def test_a_locked_account_is_locked_from_every_address(client):
    curator = make_user()
    for number in range(settings.AXES_FAILURE_LIMIT):
        fail(client, curator.username, 1, address=f"198.51.100.{number + 1}")
    assert sign_in(client, curator.username, PASSWORD, "203.0.113.50").status_code == 429
    assert not is_signed_in(client)


def test_an_address_is_locked_across_usernames(client):
    for number in range(settings.AXES_FAILURE_LIMIT):
        fail(client, f"guess{number}", 1, address="198.51.100.7")
    someone = make_user()
    assert sign_in(client, someone.username, PASSWORD, "198.51.100.7").status_code == 429
    assert not is_signed_in(client)
    # The same person from another address is not held back by that address's failures.
    assert sign_in(client, someone.username, PASSWORD, "203.0.113.8").status_code == 302
    assert is_signed_in(client)


def test_the_lockout_expires_after_the_set_time(client):
    curator = make_user()
    fail(client, curator.username, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, curator.username, PASSWORD).status_code == 429
    # Move the failures back in time, past the wait.
    wait = settings.AXES_COOLOFF_TIME
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= wait + timedelta(seconds=1)
        attempt.save()
    assert sign_in(client, curator.username, PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_the_limit_and_the_wait_follow_the_settings(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    user = make_user()
    assert fail(client, user.username, 1).status_code == 200
    response = fail(client, user.username, 1)
    assert response.status_code == 429
    assert "Signing in is paused for 1 minute" in response.content.decode()


def test_a_complete_sign_in_forgets_the_accounts_failures(client):
    user = make_user()
    fail(client, user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    client.logout()
    assert fail(client, user.username, settings.AXES_FAILURE_LIMIT - 1).status_code == 200


def test_wrong_second_factor_codes_count_towards_the_lockout(client, with_second_factor):
    user = make_user()
    app, _codes = with_second_factor(user)
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert give_code(client, app.wrong_code()).status_code == 200
    response = give_code(client, app.wrong_code())
    assert response.status_code == 429
    # Locked out, and signed out: the right password and code do not get back in.
    assert not is_signed_in(client)
    assert sign_in(client, user.username, PASSWORD).status_code == 429


def test_the_demo_password_signs_in_only_in_demo_mode(client, settings):
    user = make_user()
    user.set_password(DEMO_PASSWORD)
    user.save()
    settings.DEMO_MODE = False
    response = sign_in(client, user.username, DEMO_PASSWORD)
    assert response.status_code == 200
    assert not is_signed_in(client)
    settings.DEMO_MODE = True
    assert sign_in(client, user.username, DEMO_PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_behind_the_proxy_the_forwarded_address_is_counted(client, settings):
    settings.BEHIND_TLS_PROXY = True
    proxy = "127.0.0.1"
    for number in range(settings.AXES_FAILURE_LIMIT):
        # What the client puts first is ignored; the proxy's own entry comes last.
        forwarded = f"10.9.9.{number}, 198.51.100.20"
        fail(client, f"guess{number}", 1, address=proxy, HTTP_X_FORWARDED_FOR=forwarded)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.20"}
    someone = make_user()
    locked = sign_in(
        client, someone.username, PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert locked.status_code == 429
    # Another client behind the same proxy is not locked out with them.
    other = sign_in(client, someone.username, PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert other.status_code == 302


def test_the_lockout_is_logged_without_the_password(client, caplog):
    user = make_user()
    with caplog.at_level(logging.DEBUG):
        fail(client, user.username, settings.AXES_FAILURE_LIMIT)
        fail(client, "nobody-has-this-name", settings.AXES_FAILURE_LIMIT, address="192.0.2.99")
    events = [r.getMessage() for r in caplog.records if r.name == "corpro.security"]
    assert any(
        message.startswith(f"Sign-in locked out: user {user.pk} from address 192.0.2.10")
        for message in events
    ), events
    assert any("unknown username " in message for message in events), events
    everything = caplog.text
    assert WRONG not in everything
    assert "nobody-has-this-name" not in everything
    assert get_user_model().objects.filter(username="nobody-has-this-name").count() == 0

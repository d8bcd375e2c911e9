"""Passwords are hashed with Argon2id; older PBKDF2 hashes are upgraded at the next sign-in."""

import importlib

import pytest

from tests.accounts.conftest import sign_in
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_hashers(settings):
    """The suite hashes cheaply (tests/conftest.py); these tests use the site's own hashers."""
    settings.PASSWORD_HASHERS = importlib.import_module("corpro.settings").PASSWORD_HASHERS


def test_new_passwords_are_hashed_with_argon2id(production_hashers):
    user = make_user()
    assert user.password.startswith("argon2$argon2id$")


def test_a_pbkdf2_hash_is_upgraded_to_argon2id_at_the_next_sign_in(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = make_user()
    assert user.password.startswith("pbkdf2_sha256$")
    settings.PASSWORD_HASHERS = importlib.import_module("corpro.settings").PASSWORD_HASHERS

    assert sign_in(client, user.username, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)

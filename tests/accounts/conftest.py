import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.accounts.authenticator import AuthenticatorApp
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def sign_in(client, username, password=PASSWORD, address="192.0.2.10", **extra):
    """Post the sign-in form from an address, as a browser would."""
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def give_code(client, code, address="192.0.2.10"):
    return client.post(reverse("two_factor_verify"), {"code": code}, REMOTE_ADDR=address)


@pytest.fixture
def with_second_factor():
    """Turn the second factor on for a user; return their app and recovery codes."""

    def turn_on(user):
        device = two_factor.start_setup(user)
        device.confirmed = True
        device.save()
        codes = two_factor.new_recovery_codes(user)
        return AuthenticatorApp(TOTPDevice.objects.get(pk=device.pk).bin_key), codes

    return turn_on

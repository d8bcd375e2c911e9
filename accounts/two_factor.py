"""The second factor: a TOTP authenticator app, with single-use recovery codes (django-otp)."""

import math
from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.security import account_label, logger
from accounts.throttling import forget_failures
from stories.models import Membership

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def is_on(user) -> bool:
    return django_otp.user_has_device(user)


def is_required(user) -> bool:
    """Return whether REQUIRE_TWO_FACTOR applies to this account: site admins, staff, curators."""
    if not settings.REQUIRE_TWO_FACTOR or not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or user.is_staff
        or Membership.objects.filter(user=user, role=Membership.Role.CURATOR).exists()
    )


# What a signed-in session still needs, decided when it signs in so that pages ask no query.
NEEDS_KEY = "second_factor_needs"
NOTHING, CODE, SETUP = "nothing", "code", "setup"


def decide(request, user) -> str:
    """Note in the session what it needs before it may go on: nothing, a code, or a setup."""
    if is_on(user):
        needs = CODE
    elif is_required(user):
        needs = SETUP
    else:
        needs = NOTHING
    request.session[NEEDS_KEY] = needs
    return needs


def needs(request) -> str:
    """Return what this signed-in session needs before it may go on."""
    needs = request.session.get(NEEDS_KEY) or decide(request, request.user)
    if needs == CODE and request.user.is_verified():
        return NOTHING
    return needs


def is_satisfied(request) -> bool:
    return needs(request) == NOTHING


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()


def start_setup(user) -> TOTPDevice:
    """Make a new key for the user's app; it counts only once a code from it is confirmed."""
    TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def key_text(device: TOTPDevice) -> str:
    """The key to type into an app, in groups of four letters."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code(device: TOTPDevice) -> str:
    """A data: URI of an SVG QR code of the device's otpauth:// address."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@transaction.atomic
def confirm_setup(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Turn the second factor on if the code matches the new key; return new recovery codes."""
    if not device.verify_token(code):
        return None
    user = request.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    django_otp.login(request, device)
    request.session[NEEDS_KEY] = CODE
    logger.info("Second factor turned on: %s", account_label(user=user))
    return codes


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with new ones, and return them (shown only once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def normalise(code: str) -> str:
    return "".join(code.split()).lower()


# django-otp doubles the wait after each wrong code (1 s, 2 s, 4 s…) until a right one.
WRONG_CODE = "That code is not right. Check it and try again, or use a recovery code."


def verify(request, code: str) -> str | None:
    """Check a code from the app, or a recovery code (used up); None if it worked, else why not.

    Six digits go to the app, anything else to the recovery codes, so that neither's count of
    wrong codes grows when the other is used. A refused code also counts as a failed sign-in for
    the account and the address (django-axes). The session is then verified.
    """
    user = request.user
    code = normalise(code)
    model = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        devices = list(
            model.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("pk")
        )
        waits = [device.verify_is_allowed()[1] for device in devices]
        ready = [device for device, wait in zip(devices, waits, strict=True) if wait is None]
        device = next((d for d in ready if d.verify_token(code)), None)
    if device is not None:
        django_otp.login(request, device)
        forget_failures(user)
        if isinstance(device, StaticDevice):
            logger.info(
                "Recovery code used: %s, %s left",
                account_label(user=user),
                device.token_set.count(),
            )
        return None
    logger.info("Second-factor code refused: %s", account_label(user=user))
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    if devices and not ready:
        until = min(wait.get("locked_until", timezone.now()) for wait in waits)
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
        return (
            f"There have been several wrong codes. Wait {seconds} second{pluralize(seconds)}, "
            "then enter the code your app shows, or use a recovery code."
        )
    return WRONG_CODE


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def turn_off(request) -> None:
    user = request.user
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    request.session[NEEDS_KEY] = NOTHING
    logger.info("Second factor turned off: %s", account_label(user=user))

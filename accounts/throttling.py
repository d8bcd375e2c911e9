"""How django-axes counts failed sign-ins here: the client's address, the lockout page, resets."""

from ipaddress import ip_address

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from axes.utils import reset
from django.conf import settings
from django.shortcuts import render


class ThrottleBackend(AxesStandaloneBackend):
    """Refuse any sign-in while its account or address is locked out.

    A sign-in with no request (a management command, the test client's login()) has no address
    to count and is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_address(request) -> str | None:
    """Return the address a request came from.

    Behind a proxy (BEHIND_TLS_PROXY) that is the last X-Forwarded-For entry, the one the proxy
    added: anything before it was sent by the client and could be made up to dodge the count.
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return str(ip_address(forwarded))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")


def lockout_minutes(request=None) -> int:
    return round(get_cool_off(request).total_seconds() / 60)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets: how long to wait and what else to do."""
    return render(
        request,
        "accounts/locked_out.html",
        {
            "minutes": lockout_minutes(request),
            "failure_limit": get_failure_limit(request, credentials),
        },
        status=429,
    )


def forget_failures(user) -> None:
    """After a complete sign-in, forget the account's failed attempts (not the address's)."""
    reset(username=user.get_username())

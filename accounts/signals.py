"""Receivers: the lockout's security event, and the clock of every signed-in session."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts import sessions, two_factor
from accounts.security import account_label, logger
from accounts.throttling import forget_failures, lockout_minutes


@receiver(user_locked_out)
def log_lockout(sender, request, username, ip_address, **kwargs):
    logger.warning(
        "Sign-in locked out: %s from address %s, %s failed attempts; refused for %s minutes",
        account_label(username=username),
        ip_address,
        getattr(request, "axes_failures_since_start", None),
        lockout_minutes(request),
    )


@receiver(user_logged_in)
def start_session(sender, request, user, **kwargs):
    sessions.start(request)
    if two_factor.decide(request, user) != two_factor.CODE:
        forget_failures(user)  # The sign-in is complete; with a second factor, after the code.

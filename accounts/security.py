"""Security events, one line each on the `corpro.security` logger.

A line names an account by its id ("user 12"), or a username that matches no account by a
keyed hash of it; it never holds a password, a code or a private-link token.
"""

import logging

from django.contrib.auth import get_user_model
from django.utils.crypto import salted_hmac

logger = logging.getLogger("corpro.security")


def account_label(*, user=None, username: str | None = None) -> str:
    """Name an account for a log line: by id, or by a hash of a username no account has."""
    if user is None and username:
        model = get_user_model()
        user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    if user is not None:
        return f"user {user.pk}"
    if not username:
        return "no username"
    digest = salted_hmac("corpro.security", username, algorithm="sha256").hexdigest()
    return f"unknown username {digest[:16]}"

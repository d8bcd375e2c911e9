"""A create form sent twice makes one thing: each form carries a one-time key.

The key is a hidden field (`{% form_key %}`, from stories/templatetags/form_keys.py). The first
POST with a key stores it in the same transaction as what the view makes, with where the answer
led; a second POST with the key is led there too, with a message. A second POST sent while the
first is still being answered waits for it, on the key's unique index, and is then led there
too. A POST that is refused (its form shown again with the errors) keeps nothing, so the form
can be corrected and sent again.
"""

import hashlib
import re
import secrets
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone

from stories.models import SentForm

FIELD = "form_key"
KEY = re.compile(r"[A-Za-z0-9_-]{32,64}")
KEEP = timedelta(days=1)
SENT_TWICE = "You sent this form twice. It was dealt with once, and this is the result."
REDIRECTS = {301, 302, 303}
# Every view that takes a form key, by its dotted name (the tests check each one).
KEYED: set[str] = set()


def key_for(request) -> str:
    """Return the key for a form: the one it was sent with when it is shown again, or a new one."""
    sent = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return sent if KEY.fullmatch(sent) else secrets.token_urlsafe(32)


def _sender(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session = request.session.session_key or ""
    return "session:" + hashlib.sha256(session.encode()).hexdigest()[:64]


def once_per_key(view):
    """Answer a POST whose form key was sent before with what the first one made."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.POST.get(FIELD) if request.method == "POST" else None
        if not key:
            return view(request, *args, **kwargs)
        if not KEY.fullmatch(key):
            raise BadRequest("The form's key is not one this site made.")
        sender = _sender(request)
        with transaction.atomic():
            SentForm.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
            try:
                with transaction.atomic():
                    SentForm.objects.create(key=key, sender=sender)
            except IntegrityError:
                return _sent_before(request, key, sender)
            response = view(request, *args, **kwargs)
            if response.status_code in REDIRECTS:
                SentForm.objects.filter(key=key).update(location=response["Location"])
            else:
                SentForm.objects.filter(key=key).delete()
        return response

    KEYED.add(f"{view.__module__}.{view.__qualname__}")
    return wrapper


def _sent_before(request, key: str, sender: str):
    sent = SentForm.objects.filter(key=key, sender=sender).exclude(location="").first()
    if sent is None:
        raise BadRequest("This form was sent from another session.")
    messages.info(request, SENT_TWICE)
    return redirect(sent.location)

"""Session limits and the second factor, checked on every request of a signed-in account."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from accounts import sessions, two_factor

# Pages a signed-in account may open before giving its code, or before setting a second
# factor up where one is required: the steps themselves, signing out, another sign-in.
SIGN_IN_STEPS = {"login", "logout", "two_factor_verify", "healthz"}
SETUP_STEPS = {"login", "logout", "two_factor", "two_factor_start", "two_factor_setup", "healthz"}


def carries_token(view_kwargs) -> bool:
    """Whether the address is a private link (a storyteller's, a guest's, a password reset).

    Such a link is its own key and needs nothing of the account signed in, so it is let
    through, never redirected with itself in ?next=: that would copy the token into the next
    address, the access logs and the browser's history.
    """
    return "token" in view_kwargs


class SessionLimitsMiddleware:
    """End a signed-in or private-link session after SESSION_IDLE_MINUTES idle or SESSION_MAX_HOURS
    in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and sessions.holds_link(session) and not sessions.started(session):
            sessions.start(request)  # a link was opened: its clock starts with this answer
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        signed_in = request.user.is_authenticated
        if not signed_in and not sessions.holds_link(request.session):
            return None
        reason = sessions.expired_reason(request, signed_in=signed_in)
        if reason is None:
            return None
        if not signed_in:  # the link's pages then say to open the link again
            request.session.flush()
            messages.info(request, reason)
            return None
        logout(request)
        messages.info(request, reason)
        if carries_token(view_kwargs):
            return None
        return redirect_to_login(request.get_full_path())


class SecondFactorMiddleware:
    """Keep a signed-in account on the code step until it gives one, and on the setup pages
    while REQUIRE_TWO_FACTOR applies to it and it has no second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        needs = two_factor.needs(request)
        name = request.resolver_match.url_name
        if needs == two_factor.NOTHING or carries_token(view_kwargs):
            return None
        if needs == two_factor.CODE:
            if name in SIGN_IN_STEPS:
                return None
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('two_factor_verify')}?{query}")
        if name in SETUP_STEPS:
            return None
        messages.info(
            request,
            "This site asks for a second factor for your role. Set one up to carry on.",
        )
        return redirect("two_factor")


class SignInNeeded(Exception):
    """Raised by a view for a visitor with neither an account signed in nor a private link."""


class SignInNeededMiddleware:
    """Answer SignInNeeded with the sign-in page, coming back to the address asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SignInNeeded):
            return redirect_to_login(request.get_full_path())
        return None

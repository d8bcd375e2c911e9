"""Signing in (password, then the second factor), signing out, and the second factor's pages."""

from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import two_factor
from accounts.forms import CodeForm, ConfirmAppForm, SignInForm, TurnOffForm
from accounts.throttling import lockout_response

# Browsers drop everything this site stored once its user signs out (a shared computer).
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


def _next_url(request) -> str:
    # Followed with HttpResponseRedirect, never redirect(): that would look up any "next"
    # without a slash as a URL name and fail with a server error ("?next=%ff").
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("stories:dashboard")


class SignInView(LoginView):
    """The password step; an account with a second factor then goes on to give a code."""

    form_class = SignInForm

    def get_success_url(self):
        url = super().get_success_url()
        if self.request.session.get(two_factor.NEEDS_KEY) == two_factor.CODE:
            return f"{reverse('two_factor_verify')}?{urlencode({'next': url})}"
        return url


class SignOutView(LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


def _locked_out(request) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": request.user.get_username()})


@never_cache
@login_required
def verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    if two_factor.needs(request) != two_factor.CODE:
        return HttpResponseRedirect(_next_url(request))
    if not two_factor.is_on(request.user):  # Removed since the password, by a site admin.
        two_factor.decide(request, request.user)
        return HttpResponseRedirect(_next_url(request))
    if _locked_out(request):
        logout(request)
        return lockout_response(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        problem = two_factor.verify(request, form.cleaned_data["code"])
        if problem is None:
            if isinstance(request.user.otp_device, StaticDevice):
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You used a recovery code; it will not work again. You have {left} left: "
                    "make new ones on your account page if you are running out.",
                )
            return HttpResponseRedirect(_next_url(request))
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return lockout_response(request)
        form.add_error("code", problem)
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
def manage(request):
    """Say whether the second factor is on, and offer to set it up, renew codes or turn it off."""
    user = request.user
    return render(
        request,
        "accounts/two_factor.html",
        {
            "is_on": two_factor.is_on(user),
            "is_required": two_factor.is_required(user),
            "codes_left": two_factor.recovery_codes_left(user),
        },
    )


@require_POST
@login_required
def start_setup(request):
    two_factor.start_setup(request.user)
    return redirect("two_factor_setup")


@never_cache
@login_required
def setup(request):
    """Show the new key (QR code and text) and turn the second factor on with a code from it."""
    device = two_factor.pending_device(request.user)
    if device is None:
        return redirect("two_factor")
    form = ConfirmAppForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("code", "Wait a few seconds, then enter the code your app shows now.")
        elif codes := two_factor.confirm_setup(
            request, device, two_factor.normalise(form.cleaned_data["code"])
        ):
            return _show_recovery_codes(request, codes, first_time=True)
        else:
            form.add_error(
                "code",
                "That code does not match. Check the app has the key shown here, and enter "
                "the code it shows now.",
            )
    return render(
        request,
        "accounts/setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code(device),
            "key": two_factor.key_text(device),
            "config_url": device.config_url,
        },
    )


@never_cache
@require_POST
@login_required
def renew_recovery_codes(request):
    if not two_factor.is_on(request.user):
        return redirect("two_factor")
    return _show_recovery_codes(request, two_factor.new_recovery_codes(request.user))


def _show_recovery_codes(request, codes, first_time=False):
    """Show new recovery codes, once: in the answer to the POST, which is never cached."""
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "first_time": first_time}
    )


@never_cache
@login_required
def turn_off(request):
    """Turn the second factor off, with the password and a code; not where it is required."""
    if not two_factor.is_on(request.user):
        return redirect("two_factor")
    if two_factor.is_required(request.user):
        return render(request, "accounts/turn_off_refused.html", status=403)
    form = TurnOffForm(request.POST if request.method == "POST" else None, request=request)
    if request.method == "POST" and form.is_valid():
        problem = two_factor.verify(request, form.cleaned_data["code"])
        if problem is None:
            two_factor.turn_off(request)
            messages.success(
                request,
                "The second factor is off. Signing in now asks only for your password.",
            )
            return redirect("two_factor")
        form.add_error("code", problem)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return lockout_response(request)
    return render(request, "accounts/turn_off.html", {"form": form})

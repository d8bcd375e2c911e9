"""The Django admin, behind the same sign-in (password, then the second factor) as the site."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from accounts import two_factor
from accounts.views import SignOutView


class AdminSite(admin.AdminSite):
    def has_permission(self, request):
        """Staff who have a second factor (or must have one) reach the admin only with it."""
        return super().has_permission(request) and two_factor.is_satisfied(request)

    def login(self, request, extra_context=None):
        """Sign in on the site's own page, which is throttled and asks for the code."""
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))

    def logout(self, request, extra_context=None):
        return SignOutView.as_view()(request)

"""Signing in and out, passwords (Django's views) and the second factor."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import forms, views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("two-factor/", views.manage, name="two_factor"),
    path("two-factor/code/", views.verify, name="two_factor_verify"),
    path("two-factor/start/", views.start_setup, name="two_factor_start"),
    path("two-factor/set-up/", views.setup, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        views.renew_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("two-factor/turn-off/", views.turn_off, name="two_factor_off"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(form_class=forms.ChangePasswordForm),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(form_class=forms.ResetPasswordForm),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.NewPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

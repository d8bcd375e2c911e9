from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms

from corpro.forms import PlainErrorsMixin

CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}
)


class CodeForm(PlainErrorsMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text=(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=CODE_WIDGET,
    )


class ConfirmAppForm(PlainErrorsMixin, forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=40,
        help_text="Once the app has the key, it shows a 6-digit code that changes every 30 s.",
        error_messages={"required": "Enter the 6-digit code your app shows"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TurnOffForm(PlainErrorsMixin, forms.Form):
    """Ask for the password and a code; a wrong password counts as a failed sign-in."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="The 6-digit code your authenticator app shows now, or a recovery code.",
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=CODE_WIDGET,
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        if authenticate(self.request, username=user.get_username(), password=password) != user:
            raise forms.ValidationError("That password is not right", code="wrong_password")
        return password


class SignInForm(PlainErrorsMixin, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "The username or password is not right. Check both (capital letters count) and "
            "try again."
        ),
        "inactive": "This account is switched off. Ask the site’s administrator to turn it on.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


PASSWORDS_DIFFER = "The two new passwords are not the same: type the same one in both boxes"


def name_new_passwords(form: auth_forms.SetPasswordForm) -> None:
    form.fields["new_password1"].error_messages["required"] = "Enter a new password"
    form.fields["new_password2"].label = "The new password again"
    form.fields["new_password2"].error_messages["required"] = "Type the new password again"


class NewPasswordForm(PlainErrorsMixin, auth_forms.SetPasswordForm):
    """Choosing a new password from a reset link."""

    error_messages = {"password_mismatch": PASSWORDS_DIFFER}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_new_passwords(self)


class ChangePasswordForm(PlainErrorsMixin, auth_forms.PasswordChangeForm):
    error_messages = {
        "password_mismatch": PASSWORDS_DIFFER,
        "password_incorrect": "That is not your current password: type it again",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_new_passwords(self)
        self.fields["old_password"].label = "Your current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"


class ResetPasswordForm(PlainErrorsMixin, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter the email address of your account"

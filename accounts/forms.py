from django import forms
from django.contrib.auth import authenticate

CODE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text=(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=CODE_WIDGET,
    )


class ConfirmAppForm(forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=40,
        help_text="Once the app has the key, it shows a 6-digit code that changes every 30 s.",
        error_messages={"required": "Enter the 6-digit code your app shows"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TurnOffForm(forms.Form):
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

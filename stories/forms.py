"""Forms for gathering, reviewing and consenting; plain-language labels, one clear error each."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from taggit.models import Tag

from corpro.forms import PastDateField, PlainErrorsMixin
from stories import choices
from stories.media import human_size
from stories.models import Consent, Story, Storyteller
from stories.text import normalise_names, refuse_unreadable
from stories.transcripts import ACCEPTED_EXTENSIONS

HTML_TAG = re.compile(r"<\s*[a-zA-Z!/?]")


def no_html(value: str) -> None:
    """Refuse markup in plain-text fields, with a message saying what to do."""
    if isinstance(value, list | tuple):
        value = " ".join(value)
    if value and HTML_TAG.search(value):
        raise ValidationError(
            "Write plain text only: remove anything between < and > (HTML is not allowed)."
        )


def plain_text(field: forms.CharField) -> None:
    """Refuse markup and anything that is not text (NUL included) in this field."""
    field.validators = [
        *(v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)),
        refuse_unreadable,
        no_html,
    ]


class PlainTextMixin:
    """Apply the plain-text rules to every text field of the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                plain_text(field)


def _exclusive_prefer_not(values: list[str], label: str) -> list[str]:
    if choices.PREFER_NOT[0] in values and len(values) > 1:
        raise ValidationError(f"Choose “Prefer not to say” on its own, or choose {label}.")
    return values


class StorytellerForm(PlainErrorsMixin, PlainTextMixin, forms.ModelForm):
    sectors = forms.MultipleChoiceField(
        label="Which sectors has their co-production been in?",
        choices=choices.SECTORS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    coproduction_roles = forms.MultipleChoiceField(
        label="What roles have they had in co-production?",
        choices=choices.COPRODUCTION_ROLES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    lived_experiences = forms.MultipleChoiceField(
        label="Which lived experiences do they want to share?",
        choices=choices.LIVED_EXPERIENCES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    full_name = forms.CharField(label="Full name", required=False, max_length=200)
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", required=False, max_length=40)
    contact_notes = forms.CharField(
        label="Best way to reach them", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Storyteller
        fields = [
            "credit_preference",
            "credit_name",
            *choices.DEMOGRAPHIC_FIELDS,
        ]
        widgets = {"credit_preference": forms.RadioSelect}
        labels = {
            "credit_preference": "How do they want to be credited when their words are used?",
            "credit_name": "Name or pseudonym to credit them with",
            "age_band": "Age",
            "disability": "Do they consider themselves disabled?",
            "lgbtqia": "Do they identify as LGBTQIA+?",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_name"].conditional = True
        self.fields["credit_name"].help_text = "Needed unless they chose to be anonymous."

    def clean_sectors(self):
        return _exclusive_prefer_not(self.cleaned_data["sectors"], "sectors")

    def clean_coproduction_roles(self):
        return _exclusive_prefer_not(self.cleaned_data["coproduction_roles"], "roles")

    def clean_lived_experiences(self):
        return _exclusive_prefer_not(self.cleaned_data["lived_experiences"], "experiences")

    def clean(self):
        data = super().clean()
        wants_credit = data.get("credit_preference") != Storyteller.Credit.ANONYMOUS
        if wants_credit and "credit_name" not in self.errors and not data.get("credit_name"):
            self.add_error(
                "credit_name", "Enter the name or pseudonym they want to be credited as."
            )
        return data

    def demographics(self) -> dict:
        return {name: self.cleaned_data[name] for name in choices.DEMOGRAPHIC_FIELDS}

    def contact(self) -> dict:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "email": data["email"],
            "phone": data["phone"],
            "notes": data["contact_notes"],
        }


class StoryForm(PlainErrorsMixin, PlainTextMixin, forms.ModelForm):
    class Meta:
        model = Story
        fields = ["storyteller", "title", "summary", "recorded_on", "place", "language", "tags"]
        field_classes = {"recorded_on": PastDateField}
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        labels = {"storyteller": "Who told this story?"}
        help_texts = {"title": "A short title the storyteller is happy with."}

    def __init__(self, *args, storytellers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["storyteller"]
        else:
            self.fields["storyteller"].queryset = storytellers
            self.fields["storyteller"].empty_label = "Choose a storyteller"

    def clean_tags(self):
        tags = normalise_names(self.cleaned_data.get("tags") or [])
        longest = Tag._meta.get_field("name").max_length
        too_long = [tag for tag in tags if len(tag) > longest]
        if too_long:
            raise ValidationError(
                f"Each topic can be at most {longest} characters; shorten “{too_long[0][:40]}…”."
            )
        return tags


VIDEO_NEEDS_AUDIO = (
    "A video is published with its sound, so publishing the video needs publishing the audio "
    "too. Tick “Publish the audio”, or untick “Publish the video”."
)


def check_video_has_audio(form: forms.Form, data: dict) -> None:
    """Refuse consent to publish the video without consent to publish its sound."""
    if data.get("publish_video") and not data.get("publish_audio"):
        form.add_error("publish_video", VIDEO_NEEDS_AUDIO)


class ConsentForm(PlainErrorsMixin, PlainTextMixin, forms.ModelForm):
    evidence = forms.FileField(
        label="Evidence of consent",
        help_text="A photo or scan of the signed form, or the recorded verbal consent. "
        f"Up to {human_size(settings.EVIDENCE_MAX_BYTES)}.",
        required=False,
    )

    class Meta:
        model = Consent
        fields = [*choices.CONSENT_SCOPES, "method", "obtained_on", "reason"]
        field_classes = {"obtained_on": PastDateField}
        widgets = {"method": forms.RadioSelect, "reason": forms.Textarea(attrs={"rows": 2})}
        labels = {"method": "How was consent given?", "reason": "Notes"}

    def __init__(self, *args, storyteller: Storyteller, **kwargs):
        super().__init__(*args, **kwargs)
        self.storyteller = storyteller
        self.fields["method"].choices = [
            choice for choice in Consent.Method.choices if choice[0] != Consent.Method.PRIVATE_LINK
        ]

    def clean(self):
        data = super().clean()
        if not any(data.get(scope) for scope in choices.CONSENT_SCOPES):
            raise ValidationError(
                "Tick at least one thing the storyteller agreed to. If they agreed to nothing, "
                "their story can’t be kept."
            )
        check_video_has_audio(self, data)
        return data

    def clean_quote_credited(self):
        credited = self.cleaned_data.get("quote_credited")
        if credited and self.storyteller.credit_preference == Storyteller.Credit.ANONYMOUS:
            raise ValidationError(
                "This storyteller chose to be anonymous, so their words can’t be quoted with a "
                "credit name. Untick it, or change how they want to be credited first."
            )
        return credited

    def scopes(self) -> dict[str, bool]:
        return {scope: self.cleaned_data[scope] for scope in choices.CONSENT_SCOPES}


class RecordingForm(PlainErrorsMixin, forms.Form):
    file = forms.FileField(label="Recording", required=False)

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["file"].conditional = True
        self.fields["file"].help_text = (
            "MP3, M4A, AAC, WAV, Ogg, Opus, FLAC, WebM or MP4, "
            f"up to {human_size(settings.RECORDING_MAX_BYTES)}."
        )

    def clean_file(self):
        if self.too_large:
            raise ValidationError(
                f"The file is larger than {human_size(settings.RECORDING_MAX_BYTES)}. "
                "Nothing was uploaded."
            )
        if not self.cleaned_data.get("file"):
            raise ValidationError("Choose the recording to upload.")
        return self.cleaned_data["file"]


class TranscriptForm(PlainErrorsMixin, forms.Form):
    file = forms.FileField(
        label="Upload a transcript file",
        help_text="A .txt, .docx, .vtt or .srt file. Start a line with “Name:” to show who speaks.",
        required=False,
    )
    text = forms.CharField(
        label="Or paste the transcript",
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        strip=False,
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > settings.TRANSCRIPT_MAX_BYTES:
            raise ValidationError(
                f"The transcript file is larger than {human_size(settings.TRANSCRIPT_MAX_BYTES)}."
            )
        if upload and not upload.name.lower().endswith(ACCEPTED_EXTENSIONS):
            raise ValidationError("Upload a .txt, .docx, .vtt or .srt file.")
        return upload

    def clean(self):
        data = super().clean()
        has_file, has_text = bool(data.get("file")), bool(data.get("text", "").strip())
        if not has_file and not has_text and not self.errors:
            raise ValidationError("Upload a transcript file or paste the transcript.")
        if has_file and has_text:
            raise ValidationError("Upload a file or paste text, not both.")
        return data


class SegmentForm(PlainErrorsMixin, forms.Form):
    speaker = forms.CharField(label="Speaker", max_length=120, required=False)
    text = forms.CharField(
        label="What was said",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Leave empty to remove this paragraph.",
    )


# Paragraphs shown at a time in the transcript editor, and the most one save may change: two
# fields each stay well under DATA_UPLOAD_MAX_NUMBER_FIELDS.
PARAGRAPHS_PER_PAGE = 50
MOST_PARAGRAPHS_AT_ONCE = 100


class BaseSegmentFormSet(forms.BaseFormSet):
    row_label = "Paragraph"
    default_error_messages = {
        "missing_management_form": "The page was missing something: reload it and try again.",
        "too_many_forms": "You can change at most %(num)d paragraphs at a time.",
        "too_few_forms": "The page was missing something: reload it and try again.",
    }


SegmentFormSet = forms.formset_factory(
    SegmentForm,
    formset=BaseSegmentFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MOST_PARAGRAPHS_AT_ONCE,
    validate_max=True,
    absolute_max=MOST_PARAGRAPHS_AT_ONCE,
)


class ParagraphRangeForm(PlainErrorsMixin, forms.Form):
    """Which paragraphs of which version a save changes (hidden fields of the editor)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    first = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    last = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last and not (0 <= last - first < MOST_PARAGRAPHS_AT_ONCE):
            raise ValidationError(
                "The page was out of date or incomplete: reload it and try again."
            )
        return data


TIME = re.compile(r"^(?:(?:(\d+):)?(\d{1,2}):)?(\d{1,2})$")


class ParagraphChoiceForm(PlainErrorsMixin, forms.Form):
    """Which paragraphs the editor shows: numbers from and to, or the paragraph said at a time."""

    start = forms.IntegerField(label="From paragraph", min_value=1, required=False)
    end = forms.IntegerField(label="To paragraph", min_value=1, required=False)
    at = forms.CharField(
        label="Or go to the time",
        required=False,
        max_length=12,
        help_text="Hours, minutes and seconds, for example 1:05:30 or 12:00.",
    )

    def __init__(self, *args, total: int, timed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.total = total
        for name in ("start", "end"):
            self.fields[name].widget.attrs.update({"max": total, "class": "narrow"})
        if not timed:
            del self.fields["at"]

    def clean_at(self) -> float | None:
        value = self.cleaned_data["at"].strip()
        if not value:
            return None
        match = TIME.match(value)
        if not match:
            raise ValidationError("Enter the time as hours, minutes and seconds, like 1:05:30.")
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        if match.group(2) is None:
            # One number alone is minutes: "Go to 45" means three quarters of an hour in.
            hours, minutes, seconds = 0, seconds, 0
        elif (minutes >= 60 and match.group(1) is not None) or seconds >= 60:
            raise ValidationError("Minutes and seconds go up to 59, like 1:05:30.")
        return float(hours * 3600 + minutes * 60 + seconds)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        for name, number in (("start", start), ("end", end)):
            if number and number > self.total:
                self.add_error(
                    name,
                    f"Enter a number from 1 to {self.total:,} "
                    f"(this transcript has {self.total:,} paragraphs).",
                )
        if start and end and not self.errors:
            if end < start:
                self.add_error("end", "The last paragraph must come after the first.")
            elif end - start >= MOST_PARAGRAPHS_AT_ONCE:
                self.add_error(
                    "end", f"Choose at most {MOST_PARAGRAPHS_AT_ONCE} paragraphs at a time."
                )
        return data


class RedactionForm(PlainErrorsMixin, forms.Form):
    words = forms.CharField(
        label="Words to redact",
        max_length=2000,
        help_text="Copy the exact words, for example a name or an address.",
    )
    segment = forms.IntegerField(
        label="In paragraph number",
        min_value=1,
        required=False,
        help_text="Not needed if you redact the words everywhere.",
    )
    everywhere = forms.BooleanField(
        label="Redact these words everywhere in the transcript", required=False
    )
    reason = forms.CharField(label="Reason", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].conditional = True

    def clean(self):
        data = super().clean()
        if not data.get("everywhere") and not data.get("segment") and "segment" not in self.errors:
            self.add_error("segment", "Enter the paragraph number, or tick “everywhere”.")
        return data


class ReviewNoteForm(PlainErrorsMixin, PlainTextMixin, forms.Form):
    note = forms.CharField(
        label="What needs to change?", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class ScopeChoiceForm(PlainErrorsMixin, PlainTextMixin, forms.Form):
    """The storyteller's own consent form, in plain language."""

    reason = forms.CharField(
        label="Would you like to tell us why?",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for scope in choices.CONSENT_SCOPES:
            field = Consent._meta.get_field(scope)
            self.fields[scope] = forms.BooleanField(
                label=field.verbose_name, help_text=field.help_text, required=False
            )
        self.order_fields([*choices.CONSENT_SCOPES, "reason"])

    def clean(self):
        data = super().clean()
        check_video_has_audio(self, data)
        return data

    def scopes(self) -> dict[str, bool]:
        return {scope: self.cleaned_data[scope] for scope in choices.CONSENT_SCOPES}


class WithdrawForm(PlainErrorsMixin, PlainTextMixin, forms.Form):
    reason = forms.CharField(
        label="Would you like to tell us why?",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class StoryFilterForm(PlainErrorsMixin, forms.Form):
    """Search and filters of the public story list; all optional, read from the address."""

    q = forms.CharField(label="Search stories", max_length=200, required=False)
    tag = forms.SlugField(label="Topic", required=False)
    place = forms.CharField(label="Place", max_length=200, required=False)
    year = forms.IntegerField(label="Year recorded", min_value=1900, max_value=2100, required=False)
    language = forms.ChoiceField(
        label="Language", choices=[("", "Any language"), *choices.LANGUAGES], required=False
    )
    audio = forms.BooleanField(label="Only stories with audio", required=False)

    def filters(self) -> dict:
        """Return the valid, non-empty filters (an invalid one is left out and reported)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: value for name, value in data.items() if value not in ("", None, False)}

"""How every form in corpro speaks: plain messages per field, the day/month/year date input,
and the error summary's items (GOV.UK Design System patterns)."""

import calendar
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.utils import timezone

from stories.text import refuse_unreadable

CHOOSING_WIDGETS = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple)


def lower_first(text: str) -> str:
    """Return text with its first letter small, unless it starts an abbreviation ("HTML")."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def is_question(label: str) -> bool:
    return str(label).rstrip().endswith("?")


def _required_message(field: forms.Field) -> str:
    label = str(field.label or "")
    if isinstance(field, forms.FileField):
        return "Choose a file to upload"
    if isinstance(field.widget, forms.HiddenInput):
        return "The page was out of date or incomplete: reload it and try again"
    if isinstance(field.widget, forms.CheckboxInput):
        return "Tick the box to go on"
    if isinstance(field.widget, CHOOSING_WIDGETS):
        return (
            "Choose an answer"
            if is_question(label) or not label
            else f"Choose the {lower_first(label)}"
        )
    if is_question(label) or not label:
        return "Write an answer"
    return f"Enter the {lower_first(label)}"


def _invalid_message(field: forms.Field) -> str | None:
    if isinstance(field, forms.EmailField):
        return "Enter an email address in the right form, like name@example.com"
    if isinstance(field, forms.SlugField):
        return "Use only letters, numbers, hyphens (-) and underscores (_)"
    if isinstance(field, forms.IntegerField):
        return "Enter a whole number, like 3"
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return "Enter a number, like 2.5"
    if isinstance(field, forms.FileField):
        return "No file arrived: choose the file again"
    return None


# Messages that do not depend on the field: limits come from Django's validators.
PLAIN_MESSAGES = {
    "max_length": "Write %(limit_value)d characters or fewer (this has %(show_value)d)",
    "min_length": "Write at least %(limit_value)d characters (this has %(show_value)d)",
    "min_value": "Enter %(limit_value)s or more",
    "max_value": "Enter %(limit_value)s or less",
    "invalid_choice": "Choose one of the options listed",
    "invalid_list": "Choose one or more of the options listed",
    "invalid_pk_value": "Choose one of the options listed",
    "missing": "No file arrived: choose the file again",
    "empty": "The file is empty: choose a file that has something in it",
    "contradiction": "Either choose a new file or tick “clear”, not both",
}


def _django_default(field: forms.Field, key: str) -> bool:
    """Whether the field's message for key is still the one Django ships (not one of ours)."""
    if key not in field.error_messages:
        return True
    defaults = {
        str(message)
        for cls in type(field).__mro__
        for name, message in getattr(cls, "default_error_messages", {}).items()
        if name == key
    }
    return str(field.error_messages[key]) in defaults


class PlainErrorsMixin:
    """Give every field plain, specific messages wherever the form kept Django's defaults."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            plain_blank_choice(field)

    def full_clean(self):
        # Here rather than in __init__, so fields a form adds in its own __init__ are covered.
        for field in self.fields.values():
            plain_messages(field)
        super().full_clean()


def _django_blank(label) -> bool:
    return label is not None and str(label) in {"", "---------", str(BLANK_CHOICE_LABEL)}


def plain_blank_choice(field: forms.Field) -> None:
    """Name a select's empty option in words instead of Django's "- Select an option -"."""
    words = "Choose one" if field.required else "Not answered"
    if isinstance(field, forms.ModelChoiceField):
        if _django_blank(field.empty_label):
            field.empty_label = words
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        field.choices = [
            (value, words if value == "" and _django_blank(label) else label)
            for value, label in field.choices
        ]


def plain_messages(field: forms.Field) -> None:
    """Replace Django's default messages of one field with plain ones."""
    messages = {"required": _required_message(field), **PLAIN_MESSAGES}
    if invalid := _invalid_message(field):
        messages["invalid"] = invalid
    if isinstance(field.widget, forms.HiddenInput):
        # Nobody typed into a hidden field: the page itself is stale or was changed.
        messages = dict.fromkeys(messages, messages["required"])
    for key, message in messages.items():
        if _django_default(field, key):
            field.error_messages[key] = message


# The date input: three boxes, as GOV.UK's "date input" pattern, instead of the browser's picker.

PARTS = ("day", "month", "year")
MONTH_NAMES = {
    name.lower(): number
    for names in (calendar.month_name, calendar.month_abbr)
    for number, name in enumerate(names)
    if name
}
MONTH_NAMES["sept"] = 9


class DateWidget(forms.MultiWidget):
    """Day, month and year text boxes; also reads a single ISO date sent under the field's name."""

    template_name = "widgets/date_parts.html"
    input_type = "date-parts"
    part_labels = ("Day", "Month", "Year")

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}
        super().__init__(
            [
                forms.TextInput({**numeric, "class": "date-part-2", "maxlength": "2"}),
                forms.TextInput({**numeric, "class": "date-part-2", "maxlength": "9"}),
                forms.TextInput({**numeric, "class": "date-part-4", "maxlength": "4"}),
            ],
            attrs,
        )

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        if not any(f"{name}_{index}" in data for index in range(3)) and data.get(name):
            try:
                return self.decompress(datetime.date.fromisoformat(data[name]))
            except ValueError:
                return [data[name], "", ""]
        return super().value_from_datadict(data, files, name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(context["widget"]["subwidgets"], self.part_labels, strict=True):
            subwidget["part_label"] = label
        return context


class DateField(forms.Field):
    """A date typed as day, month and year, with a message naming the field and the part."""

    widget = DateWidget
    must_be_past = False

    def _name(self) -> str:
        label = str(self.label or "The date")
        return label[:1].upper() + label[1:]

    def _error(self, message: str, part: str) -> ValidationError:
        return ValidationError(f"{self._name()} {message}", code=part)

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value
        parts = [str(part or "").strip() for part in (value or [])] + ["", "", ""]
        day, month, year = parts[:3]
        refuse_unreadable([day, month, year])
        if not (day or month or year):
            return None
        missing = [name for name, part in zip(PARTS, (day, month, year), strict=True) if not part]
        if missing:
            raise self._error(f"must include a {' and '.join(missing)}", missing[0])
        month_number = MONTH_NAMES.get(month.lower().rstrip("."), month)
        if not (day.isdigit() and str(month_number).isdigit() and year.isdigit()):
            raise self._error("must be a real date, written in numbers, like 27 3 2026", "day")
        if len(year) != 4:
            raise self._error(
                f"must have a year of 4 numbers, like {timezone.localdate().year}", "year"
            )
        try:
            return datetime.date(int(year), int(month_number), int(day))
        except ValueError:
            raise self._error("must be a real date", "day") from None

    def validate(self, value):
        super().validate(value)
        if value and self.must_be_past and value > timezone.localdate():
            raise self._error("must be today or in the past", "day")


class PastDateField(DateField):
    """A date that cannot be in the future, such as the day consent was given."""

    must_be_past = True


# The error summary at the top of a page.


def anchor(bound_field) -> str:
    """Return the id of the input a summary link should move to (the first box or option)."""
    widget = bound_field.field.widget
    if isinstance(widget, DateWidget):
        codes = [error.code for error in bound_field.errors.as_data()]
        index = PARTS.index(codes[0]) if codes and codes[0] in PARTS else 0
        return f"{bound_field.auto_id}_{index}"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def summary_text(label: str, error: str) -> str:
    """Name the field in a summary item, unless the message already does."""
    label = str(label or "").strip()
    if not label or label.rstrip("?:").lower() in str(error).lower():
        return str(error)
    if is_question(label):
        return f"{label} {error}"
    return f"{label}: {lower_first(str(error))}"


def summary_items(form, prefix: str = "") -> list[dict]:
    """Return the error summary's items of a form or formset: text, and the id to link to."""
    if isinstance(form, forms.BaseFormSet):
        items = [{"text": str(error), "href": None} for error in form.non_form_errors()]
        for number, member in enumerate(form.forms, start=1):
            row = getattr(form, "row_label", "Row")
            items += summary_items(member, prefix=f"{row} {number}, ")
        return items
    items = [{"text": prefix + str(error), "href": None} for error in form.non_field_errors()]
    for bound_field in form:
        for error in bound_field.errors:
            if bound_field.is_hidden:
                items.append({"text": prefix + str(error), "href": None})
            else:
                text = prefix + summary_text(bound_field.label, error)
                items.append({"text": text, "href": anchor(bound_field)})
    return items

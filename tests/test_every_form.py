"""Every form in corpro, sent empty and sent nonsense: no message is one of Django's bare
defaults, and every item of the error summary names its field.

A new form class is found by itself; the test fails until FORMS says how to build it."""

import inspect
import re

import pytest
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import User
from django.core import validators
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import fields as model_fields
from django.test import RequestFactory

import accounts.forms
import corpro.forms
import sensemaking.forms
import stories.forms
from corpro.forms import DateField, summary_items
from sensemaking import reports, services
from sensemaking.models import Theme
from stories.models import Story, Storyteller
from tests.factories import ALL_SCOPES, highlight_phrase, make_story

MODULES = (stories.forms, sensemaking.forms, accounts.forms, corpro.forms)


def project_forms() -> list[type]:
    found = set()
    for module in MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            project_class = cls.__module__ in {m.__name__ for m in MODULES}
            made_formset = issubclass(cls, forms.BaseFormSet) and hasattr(cls, "form")
            if project_class and (issubclass(cls, forms.BaseForm) or made_formset):
                found.add(cls)
    return sorted(found, key=lambda cls: cls.__qualname__)


def django_defaults() -> list[re.Pattern]:
    """Patterns of the messages Django ships, with their %(…)s parameters as wildcards."""
    messages = set()
    classes = [
        *(cls for _, cls in inspect.getmembers(forms, inspect.isclass)),
        *(cls for _, cls in inspect.getmembers(model_fields, inspect.isclass)),
        forms.BaseFormSet,
        auth_forms.AuthenticationForm,
        auth_forms.PasswordChangeForm,
        auth_forms.SetPasswordForm,
    ]
    for cls in classes:
        for attr in ("default_error_messages", "error_messages"):
            value = getattr(cls, attr, None)
            if isinstance(value, dict):
                messages.update(str(message) for message in value.values())
    for _, cls in inspect.getmembers(validators, inspect.isclass):
        if isinstance(getattr(cls, "message", None), str | type(validators.URLValidator.message)):
            messages.add(str(cls.message))
    patterns = []
    for message in messages:
        literal = re.split(r"%\(\w+\)[sdr]", message)
        if sum(len(part) for part in literal) >= 8:
            patterns.append(re.compile("^" + ".*".join(map(re.escape, literal)) + "$", re.S))
    return patterns


DEFAULTS = django_defaults()


@pytest.fixture
def forms_world(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    (theme,) = services.themes_named(team.project, ["Having a voice"])
    report = services.create_report(project=team.project, title="Report", by=team.facilitator)
    workshop = services.create_workshop(
        project=team.project, title="Workshop", by=team.facilitator, stories=[story]
    )
    quote = highlight_phrase(workshop, story, "heard", [theme], by=team.facilitator)
    request = RequestFactory().post("/")
    request.user = team.curator
    return {
        "team": team,
        "story": story,
        "theme": theme,
        "report": report,
        "quote": quote,
        "request": request,
    }


def arguments(cls, world) -> dict:
    """The keyword arguments each form needs besides its data."""
    team = world["team"]
    user = team.curator
    table = {
        stories.forms.StoryForm: {"storytellers": Storyteller.objects.filter(project=team.project)},
        stories.forms.ConsentForm: {"storyteller": world["story"].storyteller},
        stories.forms.ParagraphChoiceForm: {"total": 6000, "timed": True},
        sensemaking.forms.WorkshopForm: {
            "stories": Story.objects.filter(project=team.project),
            "members": User.objects.all(),
        },
        sensemaking.forms.ThemeForm: {"instance": world["theme"]},
        sensemaking.forms.MergeForm: {"theme": world["theme"]},
        sensemaking.forms.ReportForm: {"project": team.project, "instance": world["report"]},
        sensemaking.forms.QuotesDownloadForm: {"project": team.project},
        sensemaking.forms.ExtractsForm: {"choices": []},
        sensemaking.forms.ArrangeForm: {"compiled": reports.compile_draft(world["report"])},
        sensemaking.forms.MoveQuoteForm: {
            "quote": world["quote"],
            "themes": Theme.objects.filter(project=team.project),
        },
        accounts.forms.TurnOffForm: {"request": world["request"]},
        accounts.forms.SignInForm: {"request": world["request"]},
        accounts.forms.NewPasswordForm: {"user": user},
        accounts.forms.ChangePasswordForm: {"user": user},
    }
    plain = {
        stories.forms.StorytellerForm,
        stories.forms.RecordingForm,
        stories.forms.TranscriptForm,
        stories.forms.SegmentForm,
        stories.forms.SegmentFormSet,
        stories.forms.ParagraphRangeForm,
        stories.forms.RedactionForm,
        stories.forms.ReviewNoteForm,
        stories.forms.ScopeChoiceForm,
        stories.forms.WithdrawForm,
        stories.forms.StoryFilterForm,
        sensemaking.forms.GuestForm,
        sensemaking.forms.HighlightForm,
        sensemaking.forms.QuoteEditForm,
        sensemaking.forms.SplitForm,
        sensemaking.forms.FindingForm,
        sensemaking.forms.NewReportForm,
        sensemaking.forms.PublishForm,
        sensemaking.forms.CodebookImportForm,
        sensemaking.forms.ProjectImportForm,
        sensemaking.forms.WorkshopSearchForm,
        sensemaking.forms.MemoForm,
        accounts.forms.CodeForm,
        accounts.forms.ConfirmAppForm,
        accounts.forms.ResetPasswordForm,
    }
    if cls in table:
        return table[cls]
    assert cls in plain, f"Say in tests/test_every_form.py how to build {cls.__qualname__}"
    return {}


def nonsense(form) -> tuple[dict, dict]:
    """Data that breaks every field's own rule: too long, not a number, not a choice..."""
    data, files = {}, {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, DateField):
            data.update({f"{key}_0": "31", f"{key}_1": "2", f"{key}_2": "2026"})
        elif isinstance(field, forms.FileField):
            files[key] = SimpleUploadedFile("empty.txt", b"")
        elif isinstance(field, forms.ModelMultipleChoiceField):
            data[key] = ["not-a-key"]
        elif isinstance(field, forms.MultipleChoiceField):
            data[key] = ["no-such-choice"]
        elif isinstance(field, forms.ModelChoiceField):
            data[key] = "999999"
        elif isinstance(field, forms.ChoiceField):
            data[key] = "no-such-choice"
        elif isinstance(field, forms.EmailField):
            data[key] = "not an address"
        elif isinstance(field, forms.IntegerField):
            data[key] = "many"
        elif isinstance(field, forms.SlugField):
            data[key] = "not a slug!"
        elif isinstance(field, forms.CharField) and field.max_length:
            data[key] = "x" * (field.max_length + 1)
        elif isinstance(field, forms.CharField):
            data[key] = "x"
    return data, files


def build(cls, world, data, files):
    if issubclass(cls, forms.BaseFormSet):
        management = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0"}
        return cls({**management, **data}, files)
    return cls(data=data, files=files, **arguments(cls, world))


def messages(form) -> list[str]:
    if isinstance(form, forms.BaseFormSet):
        found = [str(error) for error in form.non_form_errors()]
        return found + [message for member in form.forms for message in messages(member)]
    return [str(error) for errors in form.errors.values() for error in errors]


def assert_plain(form) -> None:
    form.is_valid()
    for message in messages(form):
        assert not any(pattern.match(message) for pattern in DEFAULTS), (
            f"{type(form).__qualname__} says Django's default “{message}”"
        )
    members = form.forms if isinstance(form, forms.BaseFormSet) else [form]
    texts = [item["text"].lower() for item in summary_items(form)]
    for member in members:
        for bound_field in member:
            if bound_field.errors and not bound_field.is_hidden:
                label = str(bound_field.label).rstrip("?:").lower()
                assert any(label in text for text in texts), (
                    f"the summary of {type(form).__qualname__} does not name “{label}”: {texts}"
                )


@pytest.mark.parametrize("cls", project_forms(), ids=lambda cls: cls.__qualname__)
def test_every_form_sent_empty_says_plainly_what_each_field_needs(cls, forms_world):
    assert_plain(build(cls, forms_world, {}, {}))


@pytest.mark.parametrize("cls", project_forms(), ids=lambda cls: cls.__qualname__)
def test_every_form_sent_nonsense_says_plainly_what_is_wrong(cls, forms_world):
    example = build(cls, forms_world, {}, {})
    members = example.forms if isinstance(example, forms.BaseFormSet) else [example]
    data, files = {}, {}
    for member in members:
        member_data, member_files = nonsense(member)
        data.update(member_data)
        files.update(member_files)
    assert_plain(build(cls, forms_world, data, files))


def test_no_form_uses_the_browsers_date_picker(forms_world):
    for cls in project_forms():
        form = (
            build(cls, forms_world, None, None) if not issubclass(cls, forms.BaseFormSet) else None
        )
        for name, field in form.fields.items() if form else []:
            assert not isinstance(field, forms.DateField | forms.DateTimeField), (cls, name)
            assert not isinstance(field.widget, forms.DateInput), (cls, name)


def test_the_patterns_catch_djangos_own_words():
    for message in ("This field is required.", "Enter a valid date.", "Enter a whole number."):
        assert any(pattern.match(message) for pattern in DEFAULTS)


@pytest.mark.parametrize("cls", project_forms(), ids=lambda cls: cls.__qualname__)
def test_no_form_shows_djangos_dashes_or_select_an_option(cls, forms_world):
    form = build(cls, forms_world, None, None)
    html = str(form.management_form) if isinstance(form, forms.BaseFormSet) else ""
    for member in form.forms if isinstance(form, forms.BaseFormSet) else [form]:
        html += "".join(str(bound_field) for bound_field in member)
    assert "---------" not in html
    assert "select an option" not in html.lower()

"""The day / month / year date input: what a person types becomes the right date, or a message
that names the field and the part to fix."""

import datetime

import pytest
from django import forms
from django.utils import timezone

from corpro.forms import DateField, PastDateField, PlainErrorsMixin, summary_items


class ConsentDate(PlainErrorsMixin, forms.Form):
    obtained_on = PastDateField(label="Date consent was given")
    held_on = DateField(label="Date of the workshop", required=False)


def send(day="", month="", year="", **extra):
    form = ConsentDate(
        {"obtained_on_0": day, "obtained_on_1": month, "obtained_on_2": year, **extra}
    )
    form.is_valid()
    return form


def test_a_uk_date_typed_in_three_boxes_is_that_date():
    form = send("27", "3", "2026")
    assert form.cleaned_data["obtained_on"] == datetime.date(2026, 3, 27)


def test_leading_zeros_spaces_and_month_names_are_understood():
    assert send(" 07 ", "03", "2026").cleaned_data["obtained_on"] == datetime.date(2026, 3, 7)
    assert send("7", "Mar", "2026").cleaned_data["obtained_on"] == datetime.date(2026, 3, 7)
    assert send("7", "march", "2026").cleaned_data["obtained_on"] == datetime.date(2026, 3, 7)


@pytest.mark.parametrize(
    ("parts", "message", "box"),
    [
        (("", "", ""), "Enter the date consent was given", 0),
        (("27", "", "2026"), "Date consent was given must include a month", 1),
        (("", "", "2026"), "Date consent was given must include a day and month", 0),
        (("27", "3", ""), "Date consent was given must include a year", 2),
        (("31", "2", "2026"), "Date consent was given must be a real date", 0),
        (("27", "13", "2026"), "Date consent was given must be a real date", 0),
        (("27th", "3", "2026"), "Date consent was given must be a real date, written in", 0),
        (("27", "3", "26"), "Date consent was given must have a year of 4 numbers", 2),
        (("27", "3", "12026"), "Date consent was given must have a year of 4 numbers", 2),
    ],
)
def test_each_mistake_gets_a_message_naming_the_field_and_links_to_its_box(parts, message, box):
    form = send(*parts)
    assert form.errors["obtained_on"][0].startswith(message)
    (item,) = summary_items(form)
    assert item["text"].startswith(message)
    assert item["href"] == f"id_obtained_on_{box}"


def test_a_date_in_the_future_is_refused_where_it_cannot_be():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = send(str(tomorrow.day), str(tomorrow.month), str(tomorrow.year))
    assert form.errors["obtained_on"] == ["Date consent was given must be today or in the past"]
    later = ConsentDate(
        {
            "obtained_on_0": "1",
            "obtained_on_1": "1",
            "obtained_on_2": "2026",
            "held_on_0": str(tomorrow.day),
            "held_on_1": str(tomorrow.month),
            "held_on_2": str(tomorrow.year),
        }
    )
    assert later.is_valid(), later.errors


def test_an_optional_date_left_empty_is_none():
    form = send("1", "1", "2026")
    assert form.cleaned_data["held_on"] is None


def test_a_date_sent_as_one_iso_value_still_works():
    form = ConsentDate({"obtained_on": "2026-05-01"})
    assert form.is_valid()
    assert form.cleaned_data["obtained_on"] == datetime.date(2026, 5, 1)


def test_the_input_is_three_labelled_numeric_boxes_in_a_group_with_a_hint():
    form = ConsentDate(initial={"obtained_on": datetime.date(2026, 3, 27)})
    html = str(form["obtained_on"])
    assert html.count('inputmode="numeric"') == 3
    assert 'type="date"' not in html
    for label, box, value in (("Day", 0, "27"), ("Month", 1, "3"), ("Year", 2, "2026")):
        assert f'<label for="id_obtained_on_{box}">{label}</label>' in html
        assert f'name="obtained_on_{box}"' in html
        assert f'value="{value}"' in html


def test_what_was_typed_is_shown_again_after_a_mistake():
    form = send("27", "", "2026")
    html = str(form["obtained_on"])
    assert 'value="27"' in html
    assert 'value="2026"' in html

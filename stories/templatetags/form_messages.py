"""The error summary's items of a form or formset: each names its field and links to it."""

from django import template

from corpro import forms

register = template.Library()


@register.filter
def summary_items(form) -> list[dict]:
    return forms.summary_items(form) if form else []


@register.filter
def help_for(bound_field, easy_read) -> str:
    """Return the field's help, or its short version (field.easy_help) in easy read."""
    short = getattr(bound_field.field, "easy_help", "")
    return short if easy_read and short else bound_field.help_text

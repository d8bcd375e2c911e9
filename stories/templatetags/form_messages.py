"""The error summary's items of a form or formset: each names its field and links to it."""

from django import template

from corpro import forms

register = template.Library()


@register.filter
def summary_items(form) -> list[dict]:
    return forms.summary_items(form) if form else []

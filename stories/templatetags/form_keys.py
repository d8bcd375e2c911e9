"""{% form_key %}: the hidden one-time key of a create form (stories.idempotency)."""

from django import template
from django.utils.html import format_html

from stories.idempotency import FIELD, key_for

register = template.Library()


@register.simple_tag(takes_context=True)
def form_key(context) -> str:
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD, key_for(context["request"])
    )

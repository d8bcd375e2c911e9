"""{{ user|person }}: a team member's name where the app would show a username."""

from django import template

from stories.models import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user) if user else ""

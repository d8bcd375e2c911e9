"""{{ seconds|clock }}: a time in a recording as a person reads it, 12:05 or 1:02:05."""

from django import template

register = template.Library()


@register.filter
def clock(seconds) -> str:
    if seconds is None:
        return ""
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}" if hours else f"{minute}:{second:02d}"

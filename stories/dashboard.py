"""Sections other apps add to the team's dashboard; `stories` never imports them.

An app registers a section in its AppConfig.ready(): section(user, projects) receives the
person and their projects with their roles there, and returns a template and its context, or
None when it has nothing for this person.
"""

from collections.abc import Callable

Section = Callable[..., dict | None]
_sections: list[Section] = []


def register_section(section: Section) -> None:
    if section not in _sections:
        _sections.append(section)


def sections_for(user, projects: dict) -> list[dict]:
    """Return the registered sections that have something for this person."""
    return [shown for section in _sections if (shown := section(user, projects))]

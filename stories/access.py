"""Who may see which part of a story, on which surface, and which quotes may be used for what.

This is the policy in one table. The querysets build their conditions from it (which stories a
person may reach: `Story.objects.visible_to()`, `.public()`, `.usable_in_sensemaking()`, and
`Quote.objects.usable_for()`), and views ask `parts_for()` which parts of a story they may
show. The access tests are generated from the same table (tests/stories/test_policy.py), and a
test fails if any surface, role or part lacks its row, so none can be added without its rules.

A rule names the story states in which something may be shown and the consent scopes it needs.
Consent is read from the story's current consent version; a withdrawn consent grants nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q


class Surface(StrEnum):
    PUBLIC = "public"  # the public archive, its API, feed and sitemap: the same for everyone
    TEAM = "team"  # the project team's story page and the recordings it plays
    WORKSHOP = "workshop"  # a workshop's story pages, player and board
    STORYTELLER = "storyteller"  # the storyteller's own pages, through their private link


class Role(StrEnum):
    ANYONE = "anyone"  # signed out, or signed in with no role in the story's project
    INTERVIEWER = "interviewer"  # the peer interviewer who gathered this story
    FACILITATOR = "facilitator"
    CURATOR = "curator"  # and site admins
    PARTICIPANT = "participant"  # taking part in a workshop, with an account or a guest link
    STORYTELLER = "storyteller"  # the person who told the story


class Part(StrEnum):
    SUMMARY = "summary"  # title, summary, place, date, topics, credit
    TRANSCRIPT = "transcript"
    REDACTED = "redacted"  # the words redacted from the transcript, marked as such
    AUDIO = "audio"  # what the recording says
    VIDEO = "video"  # the picture of a video recording (its video copy, or the original)
    ORIGINAL = "original"  # the uploaded recording file itself, with whatever it carries
    FILE_NAMES = "file_names"  # names the uploaded files had, which may name people
    CONSENT = "consent"  # the scopes granted now
    CONSENT_HISTORY = "consent_history"  # every consent version, who recorded it and why
    EVIDENCE = "evidence"  # consent forms and recordings of consent
    FACTS = "facts"  # the storyteller's answers about themselves
    CONTACT = "contact"  # how to reach the storyteller
    AUDIT = "audit"  # the story's history of changes
    REVIEW = "review"  # what the curator asked the interviewer to change


class Status:
    """Story states, as stored (kept here so that this module imports no models)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    ALL = frozenset({DRAFT, SUBMITTED, CHANGES_REQUESTED, PUBLISHED, WITHDRAWN})


@dataclass(frozen=True)
class Rule:
    """Shown in these story states, while the current consent grants every scope in `all_of`
    and at least one in `any_of` (either may be empty)."""

    states: frozenset[str]
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()

    @property
    def needs_consent(self) -> bool:
        return bool(self.all_of or self.any_of)

    def allows(self, status: str, consent) -> bool:
        """Whether a story in this state, with this current consent (or None), may show it."""
        if status not in self.states:
            return False
        if not self.needs_consent:
            return True
        if consent is None or consent.withdrawn:
            return False
        return all(getattr(consent, scope) for scope in self.all_of) and (
            not self.any_of or any(getattr(consent, scope) for scope in self.any_of)
        )

    def allows_story(self, story) -> bool:
        """Whether this story, as it is now, may show it (reads story.current_consent)."""
        return self.allows(story.status, story.current_consent)

    def condition(self, prefix: str = "") -> Q:
        """The same rule as a database condition on stories (prefix: the path to the story)."""
        condition = Q() if self.states == Status.ALL else Q(**{f"{prefix}status__in": self.states})
        if not self.needs_consent:
            return condition
        consent = f"{prefix}current_consent__"
        condition &= Q(**{f"{consent}withdrawn": False})
        for scope in self.all_of:
            condition &= Q(**{f"{consent}{scope}": True})
        if self.any_of:
            either = Q()
            for scope in self.any_of:
                either |= Q(**{f"{consent}{scope}": True})
            condition &= either
        return condition


NEVER = Rule(states=frozenset())
ALWAYS = Rule(states=Status.ALL)
NOT_WITHDRAWN = Rule(states=Status.ALL - {Status.WITHDRAWN})
# Stories in a workshop: past the interviewer's draft, not withdrawn, with sense-making consent.
IN_WORKSHOPS = Rule(
    states=frozenset({Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.PUBLISHED}),
    all_of=("use_sensemaking",),
)
PUBLISHED = frozenset({Status.PUBLISHED})

PUBLIC_PARTS: dict[Part, Rule] = {
    Part.SUMMARY: Rule(PUBLISHED, any_of=("publish_transcript", "publish_audio")),
    Part.TRANSCRIPT: Rule(PUBLISHED, all_of=("publish_transcript",)),
    Part.AUDIO: Rule(PUBLISHED, all_of=("publish_audio",)),
    # A picture shows faces and places: the public sees it only with its own scope.
    Part.VIDEO: Rule(PUBLISHED, all_of=("publish_audio", "publish_video")),
}
WORKSHOP_PARTS: dict[Part, Rule] = {
    Part.SUMMARY: IN_WORKSHOPS,
    Part.TRANSCRIPT: IN_WORKSHOPS,
    Part.AUDIO: IN_WORKSHOPS,
    Part.VIDEO: IN_WORKSHOPS,
}

# Surface × role → part → rule. A part missing from a row is never shown there.
POLICY: dict[tuple[Surface, Role], dict[Part, Rule]] = {
    # The public archive shows the same to everyone, team members included.
    **{(Surface.PUBLIC, role): PUBLIC_PARTS for role in Role},
    # The team page is for the story's project; anyone else is sent to the public page.
    (Surface.TEAM, Role.ANYONE): {},
    (Surface.TEAM, Role.INTERVIEWER): {
        Part.SUMMARY: ALWAYS,
        Part.TRANSCRIPT: NOT_WITHDRAWN,
        Part.AUDIO: NOT_WITHDRAWN,
        Part.VIDEO: NOT_WITHDRAWN,
        Part.FILE_NAMES: NOT_WITHDRAWN,
        Part.CONSENT: ALWAYS,
        Part.CONSENT_HISTORY: ALWAYS,
        Part.REVIEW: ALWAYS,
    },
    # Facilitators open on the team page exactly the stories their workshops may use.
    (Surface.TEAM, Role.FACILITATOR): {
        Part.SUMMARY: IN_WORKSHOPS,
        Part.TRANSCRIPT: IN_WORKSHOPS,
        Part.AUDIO: IN_WORKSHOPS,
        Part.VIDEO: IN_WORKSHOPS,
        Part.CONSENT: IN_WORKSHOPS,
    },
    (Surface.TEAM, Role.CURATOR): {
        Part.SUMMARY: ALWAYS,
        Part.TRANSCRIPT: NOT_WITHDRAWN,
        Part.REDACTED: NOT_WITHDRAWN,
        Part.AUDIO: NOT_WITHDRAWN,
        Part.VIDEO: NOT_WITHDRAWN,
        Part.ORIGINAL: NOT_WITHDRAWN,
        Part.FILE_NAMES: NOT_WITHDRAWN,
        Part.CONSENT: ALWAYS,
        Part.CONSENT_HISTORY: ALWAYS,
        Part.EVIDENCE: ALWAYS,
        Part.FACTS: ALWAYS,
        Part.CONTACT: ALWAYS,
        Part.AUDIT: ALWAYS,
        Part.REVIEW: ALWAYS,
    },
    (Surface.TEAM, Role.PARTICIPANT): {},
    (Surface.TEAM, Role.STORYTELLER): {},
    # Workshops: what the people taking part listen to and read; never facts about anyone.
    (Surface.WORKSHOP, Role.ANYONE): {},
    (Surface.WORKSHOP, Role.INTERVIEWER): {},
    (Surface.WORKSHOP, Role.FACILITATOR): WORKSHOP_PARTS,
    (Surface.WORKSHOP, Role.CURATOR): WORKSHOP_PARTS,
    (Surface.WORKSHOP, Role.PARTICIPANT): WORKSHOP_PARTS,
    (Surface.WORKSHOP, Role.STORYTELLER): {},
    # The storyteller's own pages: their stories and every choice they made.
    (Surface.STORYTELLER, Role.STORYTELLER): {
        Part.SUMMARY: ALWAYS,
        Part.CONSENT: ALWAYS,
        Part.CONSENT_HISTORY: ALWAYS,
    },
    **{(Surface.STORYTELLER, role): {} for role in Role if role is not Role.STORYTELLER},
}


def rule(surface: Surface, role: Role, part: Part) -> Rule:
    return POLICY[(surface, role)].get(part, NEVER)


class Parts(frozenset):
    """The parts of one story a person may see; `parts.transcript` reads well in templates."""

    def __getattr__(self, name: str) -> bool:
        try:
            return Part(name) in self
        except ValueError:
            raise AttributeError(name) from None


def parts_for(story, *, surface: Surface, roles) -> Parts:
    """Return the parts of this story that people holding these roles may see on this surface.

    Someone holding several roles (an interviewer who also facilitates) sees what any of them
    allows. Reads the story's status and its current consent, which callers select_related.
    """
    consent = story.current_consent
    return Parts(
        part
        for part in Part
        for role in set(roles) or {Role.ANYONE}
        if rule(surface, role, part).allows(story.status, consent)
    )


def once_published(consent) -> Parts:
    """Return the parts the public would see of a story with this consent, once published."""
    return Parts(
        part for part, rule_ in PUBLIC_PARTS.items() if rule_.allows(Status.PUBLISHED, consent)
    )


# What is known about a storyteller, whatever their stories: on their page, not a story's.
ABOUT_STORYTELLERS = (Part.FACTS, Part.CONTACT)


def storyteller_parts(user, storyteller) -> Parts:
    """Return what this user may see about a storyteller: their facts and contact details.

    These belong to the person, not to one story, so they follow the team page's rules for a
    story in any state (they stay with curators after a withdrawal, for the records).
    """
    held = storyteller.project.roles_of(user)
    roles = {role for role in (Role.CURATOR, Role.FACILITATOR) if role.value in held}
    if "interviewer" in held:
        roles.add(Role.INTERVIEWER)
    return Parts(
        part
        for part in ABOUT_STORYTELLERS
        for role in roles
        if rule(Surface.TEAM, role, part).states == Status.ALL
    )


def team_roles(user, story) -> set[Role]:
    """Return the roles this user holds towards a story on the team's pages."""
    held = story.project.roles_of(user)  # site admins hold every role
    roles = {role for role in (Role.CURATOR, Role.FACILITATOR) if role.value in held}
    if "interviewer" in held and (story.interviewer_id == user.pk or user.is_superuser):
        roles.add(Role.INTERVIEWER)
    return roles


class Use(StrEnum):
    """What a quote is used for; each use has its consent rule."""

    SENSEMAKING = "sensemaking"  # the workshop's pages and board
    REPORT = "report"  # printed in a report, on the web, in the PDF and in Word
    DATA = "data"  # the team's data files of a report's quotes (CSV, Excel)
    PROJECT_EXPORT = "project_export"  # whole transcripts and recordings in REFI-QDA
    EXTRACT = "extract"  # an audio extract of a key quote, which is public audio
    CREDIT = "credit"  # the storyteller's credit name beside their quotes and in the credits
    FIGURES = "figures"  # counted in a report's "who shared their stories"


QUOTING = ("quote_anonymous", "quote_credited")
CONSENT_SCOPES = (
    "archive_research",
    "use_sensemaking",
    *QUOTING,
    "publish_transcript",
    "publish_audio",
    "publish_video",
)
USES: dict[Use, Rule] = {
    Use.SENSEMAKING: IN_WORKSHOPS,
    # Quotes come from sense-making: a report prints them only while both are agreed.
    Use.REPORT: Rule(IN_WORKSHOPS.states, all_of=("use_sensemaking",), any_of=QUOTING),
    Use.DATA: Rule(IN_WORKSHOPS.states, all_of=("use_sensemaking",), any_of=QUOTING),
    Use.PROJECT_EXPORT: Rule(
        IN_WORKSHOPS.states, all_of=("use_sensemaking", "archive_research"), any_of=QUOTING
    ),
    Use.EXTRACT: Rule(PUBLISHED, all_of=("use_sensemaking", "publish_audio"), any_of=QUOTING),
    Use.CREDIT: Rule(NOT_WITHDRAWN.states, all_of=("quote_credited",)),
    # Anyone whose story is still used, whatever they agreed to: only counts are shown.
    Use.FIGURES: Rule(NOT_WITHDRAWN.states, any_of=CONSENT_SCOPES),
}
# The uses whose files go to a person, not the public: only stories they may open go in.
PERSONAL_USES = frozenset({Use.DATA, Use.PROJECT_EXPORT})

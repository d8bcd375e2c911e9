"""Who may see what. Every view, admin list, API, feed, search and export starts here."""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from stories.access import USES, Part, Role, Surface, Use, rule


def project_ids_for(user, *roles: str) -> models.QuerySet:
    """Return a subquery of the ids of projects where the user holds one of these roles."""
    membership = apps.get_model("stories", "Membership")
    return membership.objects.filter(user=user, role__in=roles).values("project_id")


class ProjectQuerySet(models.QuerySet):
    def for_member(self, user, *roles: str) -> "ProjectQuerySet":
        """Return the projects where the user holds any of these roles (any role if none given)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        membership = apps.get_model("stories", "Membership")
        if not roles:
            roles = tuple(membership.Role.values)
        return self.filter(pk__in=project_ids_for(user, *roles))


def current_transcript_prefetch() -> models.Prefetch:
    """Prefetch a story's current transcript with its segments and redactions, for display.

    Segments come without their search columns, which only search reads.
    """
    transcript = apps.get_model("stories", "Transcript")
    segment = apps.get_model("stories", "Segment")
    return models.Prefetch(
        "transcripts",
        queryset=transcript.objects.filter(is_current=True).prefetch_related(
            models.Prefetch(
                "segments", queryset=segment.objects.defer("search_vector", "public_text")
            ),
            "redactions",
        ),
        to_attr="current_transcripts",
    )


def _team_reach(role: Role) -> Q:
    return rule(Surface.TEAM, role, Part.SUMMARY).condition()


class StoryQuerySet(models.QuerySet):
    def public(self) -> "StoryQuerySet":
        """Return the stories anyone may see: published, with consent to publish something."""
        return self.filter(rule(Surface.PUBLIC, Role.ANYONE, Part.SUMMARY).condition())

    def visible_to(self, user) -> "StoryQuerySet":
        """Return the stories this user may open on the team's pages, by role and consent.

        Only the story's own project: everyone else sees what the public sees, on the public
        pages (`public()`). Which parts of a story each role sees is `stories.access`.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            (Q(project__in=project_ids_for(user, "curator")) & _team_reach(Role.CURATOR))
            | (
                Q(project__in=project_ids_for(user, "interviewer"), interviewer=user)
                & _team_reach(Role.INTERVIEWER)
            )
            | (Q(project__in=project_ids_for(user, "facilitator")) & _team_reach(Role.FACILITATOR))
        )

    def editable_by(self, user) -> "StoryQuerySet":
        """Return the stories whose details, recordings and transcripts this user may change."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.exclude(status="withdrawn")
        return self.filter(
            Q(project__in=project_ids_for(user, "curator"))
            | Q(
                project__in=project_ids_for(user, "interviewer"),
                interviewer=user,
                status__in=["draft", "changes_requested"],
            )
        ).exclude(status="withdrawn")

    def curated_by(self, user) -> "StoryQuerySet":
        """Return the stories in projects where this user is a curator."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(project__in=project_ids_for(user, "curator"))

    def awaiting_review(self) -> "StoryQuerySet":
        return self.filter(status="submitted")

    def with_progress(self) -> "StoryQuerySet":
        """Annotate whether each story has a recording and a transcript yet (its next steps)."""
        recording = apps.get_model("stories", "Recording")
        transcript = apps.get_model("stories", "Transcript")
        return self.annotate(
            has_recording=Exists(recording.objects.filter(story=OuterRef("pk"))),
            has_transcript=Exists(transcript.objects.filter(story=OuterRef("pk"))),
        )

    def usable_in_sensemaking(self) -> "StoryQuerySet":
        """Return the stories whose consent allows use in sense-making workshops."""
        return self.filter(USES[Use.SENSEMAKING].condition())


class StorytellerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StorytellerQuerySet":
        """Return the storytellers this user may see: curators all in their projects,
        interviewers the ones they added."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(project__in=project_ids_for(user, "curator"))
            | Q(project__in=project_ids_for(user, "interviewer"), created_by=user)
        )

    def curated_by(self, user) -> "StorytellerQuerySet":
        """Return the storytellers of projects where this user is a curator."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(project__in=project_ids_for(user, "curator"))


class StorytellerLinkQuerySet(models.QuerySet):
    def active(self) -> "StorytellerLinkQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class SubjectAccessCopyQuerySet(models.QuerySet):
    def current(self) -> "SubjectAccessCopyQuerySet":
        """Return the copies that have not expired."""
        return self.filter(expires_at__gt=timezone.now())

    def expired(self) -> "SubjectAccessCopyQuerySet":
        return self.filter(expires_at__lte=timezone.now())

    def for_storyteller_session(self, link_id: int | None, ids) -> "SubjectAccessCopyQuerySet":
        """Return the current copies asked for in this browser session through this link."""
        if link_id is None:
            return self.none()
        return self.current().filter(link_id=link_id, requested_by=None, pk__in=list(ids))

    def requested_by_curator(self, user) -> "SubjectAccessCopyQuerySet":
        """Return the current copies this user asked for, while they curate the project."""
        if not user.is_authenticated:
            return self.none()
        copies = self.current().filter(requested_by=user)
        if user.is_superuser:
            return copies
        return copies.filter(storyteller__project__in=project_ids_for(user, "curator"))

"""Who may see which workshops and quotes; quotes follow their story's consent at every request."""

from django.db import models
from django.db.models import Q

from stories.access import PERSONAL_USES, USES, Use
from stories.querysets import project_ids_for

# The project roles that run workshops and write reports.
RUNNERS = ("facilitator", "curator")


class WorkshopQuerySet(models.QuerySet):
    def visible_to(self, user) -> "WorkshopQuerySet":
        """Return workshops in projects the user facilitates or curates, or that they joined."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        # A subquery rather than a join, so no DISTINCT is needed (pages run this every time).
        joined = self.model.participants.through.objects.filter(user=user).values("workshop_id")
        return self.filter(Q(project__in=project_ids_for(user, *RUNNERS)) | Q(pk__in=joined))

    def run_by(self, user) -> "WorkshopQuerySet":
        """Return workshops this user may change: facilitators and curators of the project."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(project__in=project_ids_for(user, *RUNNERS))


class QuoteQuerySet(models.QuerySet):
    def usable_for(self, use: Use, user=None) -> "QuoteQuerySet":
        """Return the quotes this use may show, by their story's consent at this request.

        Files that go to one person (the team's data files) hold only quotes from stories that
        person may open. The board, reports, every export and the extracts start here.
        """
        quotes = self.filter(USES[use].condition(prefix="story__"))
        if use in PERSONAL_USES:
            if user is None:
                raise TypeError(f"Quotes for {use} are for one person: say who.")
            story = self.model._meta.get_field("story").related_model
            quotes = quotes.filter(story__in=story.objects.visible_to(user).values("pk"))
        return quotes

    def usable_in_sensemaking(self) -> "QuoteQuerySet":
        """Return quotes whose story's current consent still allows sense-making."""
        return self.usable_for(Use.SENSEMAKING)

    def withdrawn_from_sensemaking(self) -> "QuoteQuerySet":
        """Return quotes whose story no longer allows sense-making (shown without text)."""
        return self.exclude(USES[Use.SENSEMAKING].condition(prefix="story__"))

    def usable_in_reports(self) -> "QuoteQuerySet":
        """Return quotes a report may print: consent to sense-making and to quoting."""
        return self.usable_for(Use.REPORT)


class QuoteManager(models.Manager.from_queryset(QuoteQuerySet)):
    """Quotes nobody removed: what every page, report, export and copy reads.

    `Quote.all_objects` also has removed quotes, for restoring them and for erasure.
    """

    def get_queryset(self) -> QuoteQuerySet:
        return super().get_queryset().filter(removed_at=None)


class ReportQuerySet(models.QuerySet):
    def public(self) -> "ReportQuerySet":
        """Return reports with at least one published version."""
        return self.filter(versions__status="published").distinct()

    def run_by(self, user) -> "ReportQuerySet":
        """Return reports this user may edit: facilitators and curators of the project."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(project__in=project_ids_for(user, *RUNNERS))

    def visible_to(self, user) -> "ReportQuerySet":
        """Return published reports, and any report of a project this user runs reports for."""
        if not user.is_authenticated:
            return self.public()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(versions__status="published") | Q(project__in=project_ids_for(user, *RUNNERS))
        ).distinct()


class ReportVersionQuerySet(models.QuerySet):
    def published(self) -> "ReportVersionQuerySet":
        return self.filter(status="published")

    def visible_to(self, user) -> "ReportVersionQuerySet":
        """Return published versions, and drafts of reports this user runs."""
        if not user.is_authenticated:
            return self.published()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(status="published") | Q(report__project__in=project_ids_for(user, *RUNNERS))
        )

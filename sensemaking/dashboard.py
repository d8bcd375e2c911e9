"""The facilitator's part of the dashboard: their workshops, reports and codebooks."""

from sensemaking.models import Report, Workshop
from sensemaking.querysets import RUNNERS

RECENT = 10


def facilitation(user, projects: dict) -> dict | None:
    """Link the workshops and reports of the projects this person facilitates or curates."""
    running = [project for project, roles in projects.items() if set(roles) & set(RUNNERS)]
    if not running:
        return None
    reports = (
        Report.objects.visible_to(user)
        .filter(project__in=running)
        .select_related("project")
        .prefetch_related("versions")
        .order_by("-created_at")[:RECENT]
    )
    return {
        "template": "sensemaking/_dashboard.html",
        "projects": running,
        "workshops": list(
            Workshop.objects.visible_to(user)
            .filter(project__in=running)
            .select_related("project")
            .order_by("-held_on", "-created_at")[:RECENT]
        ),
        "reports": [_latest(report) for report in reports],
    }


def _latest(report: Report) -> dict:
    """The version a reader sees first (the newest published, else the draft), as the list shows."""
    versions = sorted(report.versions.all(), key=lambda v: (v.major, v.minor), reverse=True)
    published = [version for version in versions if version.is_published]
    return {"report": report, "latest": (published or versions)[0], "draft": not published}

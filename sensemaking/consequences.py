"""What sense-making does when a story changes (see stories.consequences)."""

from django.db.models import Q

from sensemaking import services
from sensemaking.models import ReportClip, ReportVersion
from stories.consequences import Change
from stories.consequences import register as listen_for
from stories.models import Story


def register() -> None:
    """Listen for the story changes sense-making must follow."""
    listen_for(Change.TRANSCRIPT, reanchor_quotes)
    # Extracts are cut from the listeners' copy: when it is remade, they are cut again.
    for change in (Change.REDACTION, Change.TRANSCRIPT, Change.LISTENER_COPY):
        listen_for(change, discard_extracts)
    for change in Change:
        listen_for(change, refresh_reports)


def reanchor_quotes(*, story_id: int) -> None:
    """Move quotes to the same words in a story's new transcript, or flag them for review."""
    services.reanchor_quotes(story=Story(pk=story_id))


def discard_extracts(*, story_id: int) -> None:
    """Delete a story's audio extracts, files and all, so none outlives the copy it came from."""
    for clip in ReportClip.objects.filter(quote__story_id=story_id):
        clip.file.delete(save=False)
        clip.delete()


def refresh_reports(*, story_id: int) -> None:
    """Delete the PDFs and extracts a story's reports may no longer show, and make new ones."""
    versions = ReportVersion.objects.filter(
        Q(status=ReportVersion.Status.DRAFT, workshops__stories=story_id)
        | Q(status=ReportVersion.Status.PUBLISHED, report__project__stories=story_id)
    ).distinct()
    for version in versions.select_related("report"):
        if version.is_published and story_id not in version.content.get("stories", []):
            continue
        services.refresh_outputs(version)

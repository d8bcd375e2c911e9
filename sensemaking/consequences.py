"""What sense-making does when a story changes (see stories.consequences)."""

from sensemaking import reports, services
from sensemaking.models import ReportClip, ReportFile
from stories import erasure
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
    # Quotes and extracts go with an erased story; reports keep their layout without it.
    erasure.register(describe=reports.erasure_effects, erase=reports.forget_stories)


def reanchor_quotes(*, story_id: int) -> None:
    """Move quotes to the same words in a story's new transcript, or flag them for review."""
    services.reanchor_quotes(story=Story(pk=story_id))


def discard_extracts(*, story_id: int) -> None:
    """Delete a story's audio extracts, files and all, so none outlives the copy it came from.

    The files joining every extract of the reports that present the story go with them.
    """
    for clip in ReportClip.objects.filter(quote__story_id=story_id):
        clip.file.delete(save=False)
        clip.delete()
    for joined in ReportFile.objects.filter(
        kind=ReportFile.Kind.PLAYLIST, version__in=reports.versions_presenting([story_id])
    ):
        joined.file.delete(save=False)
        joined.delete()


def refresh_reports(*, story_id: int) -> None:
    """Delete the PDFs and extracts a story's reports may no longer show, and make new ones."""
    for version in reports.versions_presenting([story_id]):
        services.refresh_outputs(version)

"""What sense-making does when a story changes (see stories.consequences)."""

from sensemaking import services
from stories.consequences import Change
from stories.consequences import register as listen_for
from stories.models import Story


def register() -> None:
    """Listen for the story changes sense-making must follow."""
    listen_for(Change.TRANSCRIPT, reanchor_quotes)


def reanchor_quotes(*, story_id: int) -> None:
    """Move quotes to the same words in a story's new transcript, or flag them for review."""
    services.reanchor_quotes(story=Story(pk=story_id))

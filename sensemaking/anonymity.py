"""How a quote is credited, and when an anonymous quote could still name its storyteller.

A storyteller may be quoted anonymously in reports while their public story names them: the
archive's search finds the quoted words on that story. The board, the quote page and the
report all ask `traceable_story_ids`, so the rule lives here only.
"""

from stories.access import USES, Use
from stories.models import Story

ANONYMOUS = "Anonymous storyteller"
TRACEABLE_WARNING = (
    "This quote is credited to an anonymous storyteller, as their consent asks, but their "
    "public story names them: anyone who searches the archive for the quoted words finds who "
    "said them. Ask the storyteller before using it."
)
USE_ANYWAY = "I have asked the storyteller, or I will use it anyway"


def quote_credit(story: Story) -> str:
    """Credit a quote as its storyteller chose, and only by name if consent allows credit."""
    storyteller = story.storyteller
    if USES[Use.CREDIT].allows_story(story) and storyteller.credit_preference != "anonymous":
        return storyteller.credit_name
    return ANONYMOUS


def traceable_story_ids(stories: list[Story]) -> set[int]:
    """Return the stories whose quotes a report credits anonymously but whose public page names
    the storyteller. Each story needs its storyteller and current consent loaded."""
    named = {
        story.pk
        for story in stories
        if quote_credit(story) == ANONYMOUS and story.storyteller.credit_preference != "anonymous"
    }
    if not named:
        return set()
    return set(Story.objects.public().filter(pk__in=named).values_list("pk", flat=True))

"""An Atom feed of the most recently published public stories."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from stories.models import Story

FEED_LENGTH = 30


class StoryFeed(Feed):
    feed_type = Atom1Feed
    title = "corpro: published stories"
    subtitle = "The stories most recently published, shared as their storytellers agreed."

    def link(self) -> str:
        return reverse("stories:story-list")

    def items(self):
        return (
            Story.objects.public()
            .select_related("storyteller")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, story: Story) -> str:
        return story.title

    def item_description(self, story: Story) -> str:
        # Atom marks the summary as HTML; the summary is plain text, so it is escaped once here.
        return escape(story.summary)

    def item_link(self, story: Story) -> str:
        return reverse("stories:public-story", args=[story.pk])

    def item_pubdate(self, story: Story):
        return story.published_at

    def item_author_name(self, story: Story) -> str:
        return story.storyteller.credit

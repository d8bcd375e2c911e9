"""The sitemap of public story pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from stories.models import Story


class StorySitemap(Sitemap):
    def items(self):
        return Story.objects.public().only("pk", "updated_at").order_by("pk")

    def location(self, story: Story) -> str:
        return reverse("stories:public-story", args=[story.pk])

    def lastmod(self, story: Story):
        return story.updated_at


SITEMAPS = {"stories": StorySitemap}

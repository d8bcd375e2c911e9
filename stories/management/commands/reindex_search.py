"""Rebuild the stored search entries of every story and current transcript."""

from django.core.management.base import BaseCommand

from stories import search
from stories.models import Story, Transcript


class Command(BaseCommand):
    help = "Rebuild search vectors and public text (run after editing stories outside the app)."

    def handle(self, *args, **options):
        stories = Story.objects.prefetch_related("tags")
        for story in stories.iterator(chunk_size=200):
            search.index_story(story)
        transcripts = Transcript.objects.filter(is_current=True)
        for number, transcript in enumerate(transcripts.iterator(chunk_size=100), start=1):
            search.index_transcript(transcript)
            if number % 500 == 0:
                self.stdout.write(f"{number} transcripts indexed")
        self.stdout.write(self.style.SUCCESS(f"Indexed {stories.count()} stories."))

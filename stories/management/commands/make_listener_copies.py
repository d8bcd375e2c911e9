"""Queue the listeners' copy of every recording that has none matching its story's redactions."""

from django.core.management.base import BaseCommand

from stories.models import Recording
from stories.tasks import refresh_listener_copies


class Command(BaseCommand):
    help = "Queue clean copies (no metadata, redactions silenced) for recordings without one."

    def handle(self, *args, **options):
        story_ids = (
            Recording.objects.filter(state=Recording.State.READY)
            .values_list("story_id", flat=True)
            .distinct()
        )
        for story_id in story_ids:
            refresh_listener_copies(story_id=story_id)
        self.stdout.write(f"Checked the recordings of {len(story_ids)} stories.")

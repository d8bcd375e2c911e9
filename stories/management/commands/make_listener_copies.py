"""Queue the listeners' copy of every recording that has none matching its story's redactions,
or whose copy failed to be stored."""

from django.core.management.base import BaseCommand

from stories.models import Recording
from stories.tasks import make_listener_copy, refresh_listener_copies


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
        # A copy that could not be stored (say the disk was full) is tried again.
        failed = Recording.objects.filter(
            state=Recording.State.READY, listener_copy_state=Recording.CopyState.FAILED
        ).exclude(listener_copy_key="")
        for recording in failed:
            make_listener_copy.enqueue(recording.pk)
        self.stdout.write(f"Checked the recordings of {len(story_ids)} stories.")

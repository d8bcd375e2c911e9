"""Erase withdrawn material that its project's retention period no longer keeps."""

from django.core.management.base import BaseCommand

from stories import erasure
from stories.tasks import erase_expired


class Command(BaseCommand):
    help = (
        "Queue the erasure of withdrawn stories and storytellers past their project's retention "
        "period, for the task worker. Run it daily, from cron for example."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Erase in this process instead of on the worker."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how much would be erased; erase nothing."
        )

    def handle(self, *args, now=False, dry_run=False, **options):
        if dry_run:
            found = erasure.find_expired()
            for expired in found:
                storytellers, stories = len(expired.storytellers), len(expired.stories)
                self.stdout.write(
                    f"{expired.project.slug}: {storytellers} storyteller"
                    f"{'' if storytellers == 1 else 's'} with all their stories, and {stories} "
                    f"more {'story' if stories == 1 else 'stories'} "
                    f"({erasure.retention_label(expired.project)})"
                )
            if not found:
                self.stdout.write("Nothing has passed its retention period.")
            return
        if now:
            stories, storytellers = erasure.erase_expired()
            self.stdout.write(
                self.style.SUCCESS(f"Erased {stories} stories and {storytellers} storytellers.")
            )
            return
        result = erase_expired.enqueue()
        self.stdout.write(
            self.style.SUCCESS(f"Queued the erasure for the task worker (task {result.id}).")
        )

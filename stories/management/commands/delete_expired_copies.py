"""Delete expired copies of everything held about storytellers, with their files."""

from django.core.management.base import BaseCommand

from stories.subject_access import delete_expired_copies


class Command(BaseCommand):
    help = "Delete copies of storytellers' data older than SUBJECT_ACCESS_COPY_DAYS, files too."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {delete_expired_copies()} expired copies.")

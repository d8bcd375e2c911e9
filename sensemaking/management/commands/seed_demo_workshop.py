"""Add a demo sense-making workshop with quotes and themes to the demo project (after seed_demo)."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sensemaking import services
from sensemaking.models import Workshop
from stories import demo_content
from stories.models import Project, Story

THEMES = {
    "Sharing power": ("power", "equal", "table", "decide"),
    "Trust": ("trust", "honest", "believe"),
    "Co-learning": ("learn", "taught", "skills"),
    "Being heard": ("heard", "listen", "voice"),
    "Barriers": ("form", "money", "funding", "pay", "hard"),
}
SENTENCE = re.compile(r"[^.!?]{30,220}[.!?]")


class Command(BaseCommand):
    help = "Add a demo workshop with quotes and themes (safe to run again)."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("seed_demo_workshop runs only with DEMO_MODE=1 (make demo sets it).")
        project = Project.objects.filter(slug=demo_content.PROJECT["slug"]).first()
        if project is None:
            raise CommandError("Run seed_demo first.")
        if Workshop.objects.filter(project=project).exists():
            self.stdout.write("The demo workshop is already there; nothing was changed.")
            return
        facilitator = get_user_model().objects.get(username="facilitator")
        stories = list(Story.objects.usable_in_sensemaking().filter(project=project)[:6])
        with transaction.atomic():
            workshop = services.create_workshop(
                project=project,
                title="First sense-making workshop",
                by=facilitator,
                stories=stories,
            )
            count = sum(self._highlight(workshop, story, facilitator) for story in stories)
        self.stdout.write(self.style.SUCCESS(f"Added a demo workshop with {count} quotes."))

    def _highlight(self, workshop, story, facilitator) -> int:
        transcript = story.transcripts.get(is_current=True)
        saved = 0
        for match in SENTENCE.finditer(transcript.text):
            words = match.group().strip()
            names = [name for name, keys in THEMES.items() if any(k in words.lower() for k in keys)]
            if not names or transcript.text[match.start() : match.end()].count("\n"):
                continue
            start = transcript.text.index(words, match.start())
            try:
                services.highlight(
                    workshop=workshop,
                    story=story,
                    char_start=start,
                    char_end=start + len(words),
                    themes=services.themes_named(workshop.project, names),
                    user=facilitator,
                )
            except ValidationError:  # A sentence crossing a redaction is skipped.
                continue
            saved += 1
            if saved == 4:
                break
        return saved

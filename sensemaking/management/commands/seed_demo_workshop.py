"""Add a demo sense-making workshop with quotes and themes to the demo project (after seed_demo)."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sensemaking import services
from sensemaking.models import Quote, Theme, Workshop
from stories import demo_content
from stories.models import Project, Story

THEMES = {
    "Sharing power": ("power", "equal", "table", "decide"),
    "Trust": ("trust", "honest", "believe"),
    "Co-learning": ("learn", "taught", "skills"),
    "Being heard": ("heard", "listen", "voice"),
    "Barriers": ("form", "money", "funding", "pay", "hard"),
}
FINDINGS = {
    "Sharing power": "Power was shared when people with lived experience decided, not advised.",
    "Trust": "Trust grew when people were honest about what could change.",
    "Co-learning": "Everyone learned: professionals from lived experience, and the other way.",
    "Being heard": "Being listened to was not the same as being heard.",
    "Barriers": "Forms, payments and funding rules kept people out.",
}
REPORT_TEXT = {
    "purpose": "To understand the value of co-production: what it brings to individuals, "
    "organisations and society, and what is needed for it to happen.",
    "method": "Peer interviewers gathered stories in dialogue interviews, where the storyteller "
    "sets the agenda.\n\nIn a sense-making workshop, storytellers and the team listened to "
    "the recordings, highlighted quotes and agreed the themes and findings below.",
    "challenges": "Payment for time, forms written for professionals, and short funding cycles "
    "made it hard for people to take part.",
    "acknowledgements": "Thank you to everyone who shared their story.",
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
        stories = list(Story.objects.usable_in_sensemaking().filter(project=project))
        with transaction.atomic():
            workshop = services.create_workshop(
                project=project,
                title="First sense-making workshop",
                by=facilitator,
                stories=stories,
            )
            count = sum(self._highlight(workshop, story, facilitator) for story in stories)
            version = self._report(workshop, facilitator)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added a demo workshop with {count} quotes, and its report at "
                f"{version.report.get_absolute_url()}"
            )
        )

    def _report(self, workshop, facilitator):
        """Mark a key quote and write a finding per theme, then publish a report of them."""
        for theme in Theme.objects.filter(project=workshop.project):
            quotes = list(workshop.quotes.filter(themes=theme).order_by("pk")[:2])
            if not quotes:
                continue
            Quote.objects.filter(pk=quotes[0].pk).update(is_key=True)
            services.write_finding(
                workshop=workshop,
                theme=theme,
                statement=FINDINGS.get(theme.name, f"Storytellers spoke about {theme.name}."),
                quotes=quotes,
                by=facilitator,
            )
        version = services.create_report(
            project=workshop.project, title="What co-production is worth", by=facilitator
        )
        version = services.edit_report(
            report=version.report,
            based_on=f"{version.pk}:{version.lock_version}",
            by=facilitator,
            workshops=[workshop],
            purpose=REPORT_TEXT["purpose"],
            method=REPORT_TEXT["method"],
            challenges=REPORT_TEXT["challenges"],
            acknowledgements=REPORT_TEXT["acknowledgements"],
        )
        curator = get_user_model().objects.get(username="curator")
        return services.publish_report(version=version, by=curator)

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

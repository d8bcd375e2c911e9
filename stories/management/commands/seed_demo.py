"""Load the demo project: users for each role, storytellers, stories, consent and recordings."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from stories import choices, demo_content, services
from stories.auth import DEMO_PASSWORD
from stories.models import Membership, Project, Story, Transcript
from stories.transcripts import parse_plain_text


class Command(BaseCommand):
    help = "Load realistic demo content (safe to run again: existing content is kept)."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "seed_demo creates users with a published password, so it runs only with "
                "DEMO_MODE=1 (make demo sets it)."
            )
        users = self._users()
        project, _created = Project.objects.get_or_create(
            slug=demo_content.PROJECT["slug"], defaults=demo_content.PROJECT
        )
        for spec in demo_content.USERS:
            Membership.objects.get_or_create(
                project=project, user=users[spec["username"]], role=spec["role"]
            )
        if project.stories.exists():
            self.stdout.write("Demo content is already loaded; nothing was changed.")
        else:
            with transaction.atomic():
                self._stories(project, users)
            self.stdout.write(self.style.SUCCESS(f"Loaded {project.stories.count()} demo stories."))
        self._print_logins()

    def _users(self) -> dict:
        user_model = get_user_model()
        users = {}
        specs = [
            *demo_content.USERS,
            {
                "username": "admin",
                "first_name": "Site",
                "last_name": "Admin",
                "email": "admin@example.org",
                "role": None,
            },
        ]
        for spec in specs:
            user, created = user_model.objects.get_or_create(
                username=spec["username"],
                defaults={
                    "first_name": spec["first_name"],
                    "last_name": spec["last_name"],
                    "email": spec["email"],
                    "is_staff": spec["role"] in (None, "curator"),
                    "is_superuser": spec["role"] is None,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            users[spec["username"]] = user
        return users

    def _stories(self, project: Project, users: dict) -> None:
        curator = users["curator"]
        # Each storyteller belongs to the interviewer who gathered their first story.
        owners = {}
        for spec in demo_content.STORIES:
            owners.setdefault(spec["storyteller"], users[spec["interviewer"]])
        storytellers = {
            spec["key"]: services.add_storyteller(
                project=project,
                by=owners.get(spec["key"], users["interviewer"]),
                credit_preference=spec["credit_preference"],
                credit_name=spec["credit_name"],
                demographics={name: spec[name] for name in choices.DEMOGRAPHIC_FIELDS},
                contact=spec["contact"],
            )
            for spec in demo_content.STORYTELLERS
        }
        with tempfile.TemporaryDirectory() as folder:
            for number, spec in enumerate(demo_content.STORIES):
                interviewer = users[spec["interviewer"]]
                story = services.create_story(
                    storyteller=storytellers[spec["storyteller"]],
                    by=interviewer,
                    tags=spec["tags"],
                    title=spec["title"],
                    summary=spec["summary"],
                    recorded_on=spec["recorded_on"],
                    place=spec["place"],
                    language=spec["language"],
                )
                consent = dict(spec["consent"])
                services.record_consent(
                    story=story,
                    scopes=consent,
                    method=consent["method"],
                    obtained_on=spec["recorded_on"],
                    obtained_by=interviewer,
                    recorded_by=interviewer,
                )
                transcript = services.add_transcript(
                    story=story,
                    parsed=parse_plain_text(spec["transcript"]),
                    by=interviewer,
                    origin=Transcript.Origin.PASTED,
                )
                if spec["with_recording"]:
                    self._attach_recording(story, interviewer, Path(folder), number)
                if spec.get("redact"):
                    start = transcript.text.find(spec["redact"])
                    services.redact_transcript(
                        transcript=transcript,
                        char_start=start,
                        char_end=start + len(spec["redact"]),
                        reason="Identifying detail",
                        by=curator,
                    )
                self._move_to_status(story, spec, interviewer, curator)

    def _attach_recording(self, story: Story, by, folder: Path, number: int) -> None:
        ffmpeg = shutil.which("ffmpeg")
        if ffmpeg is None:
            self.stderr.write("ffmpeg is not installed, so demo recordings were skipped.")
            return
        path = folder / f"interview-{number}.mp3"
        subprocess.run(  # noqa: S603 (fixed arguments)
            [
                ffmpeg,
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency={180 + 40 * number}:duration=20",
                "-af",
                "volume=0.15,afade=t=in:d=1,afade=t=out:st=19:d=1",
                "-ac",
                "1",
                "-b:a",
                "48k",
                str(path),
            ],
            check=True,
        )
        with path.open("rb") as handle:
            services.upload_recording(story=story, upload=File(handle, name=path.name), by=by)

    def _move_to_status(self, story: Story, spec: dict, interviewer, curator) -> None:
        status = spec["status"]
        if status == Story.Status.DRAFT:
            return
        services.submit_story(story=story, by=interviewer)
        if status == Story.Status.CHANGES_REQUESTED:
            services.request_changes(story=story, by=curator, note=spec["review_note"])
        elif status in (Story.Status.PUBLISHED, Story.Status.WITHDRAWN):
            services.publish_story(story=story, by=curator)
        if status == Story.Status.WITHDRAWN:
            services.withdraw_consent(story=story, reason=spec["withdrawal_reason"])

    def _print_logins(self) -> None:
        self.stdout.write("\nDemo sign-ins (these passwords work only in demo mode):")
        for spec in [*demo_content.USERS, {"username": "admin", "role": "site admin"}]:
            self.stdout.write(
                f"  {spec['role']:<12} username: {spec['username']:<13} password: {DEMO_PASSWORD}"
            )

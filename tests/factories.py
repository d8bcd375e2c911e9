"""Small builders for test data; they go through the services where a real user would."""

import itertools
from datetime import date

from django.contrib.auth import get_user_model

from stories import choices, services
from stories.models import Membership, Project, Story, Storyteller, Transcript
from stories.transcripts import parse_plain_text

_numbers = itertools.count(1)
PASSWORD = "a-long-test-password-0451"

ALL_SCOPES = dict.fromkeys(choices.CONSENT_SCOPES, True)
NO_SCOPES = dict.fromkeys(choices.CONSENT_SCOPES, False)

TRANSCRIPT = (
    "Interviewer: What did co-production mean for you?\n\n"
    "Storyteller: It meant being heard, not just listened to.\n\n"
    "Storyteller: I lived at 14 Brook Lane when the project started."
)


def make_user(username: str | None = None, **fields):
    username = username or f"user{next(_numbers)}"
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
    return user


def make_project(name: str | None = None) -> Project:
    number = next(_numbers)
    return Project.objects.create(name=name or f"Project {number}", slug=f"project-{number}")


def make_member(project: Project, role: str, username: str | None = None):
    user = make_user(username)
    Membership.objects.create(project=project, user=user, role=role)
    return user


class Team:
    """Two users per role in a project, plus an interviewer from another project."""

    def __init__(self, project: Project):
        self.project = project
        self.curator = make_member(project, "curator")
        self.curator2 = make_member(project, "curator")
        self.interviewer = make_member(project, "interviewer")
        self.interviewer2 = make_member(project, "interviewer")
        self.facilitator = make_member(project, "facilitator")
        self.facilitator2 = make_member(project, "facilitator")
        self.other_project = make_project()
        self.outsider = make_member(self.other_project, "curator")
        self.nobody = make_user()


def make_team(project: Project) -> Team:
    return Team(project)


def make_storyteller(project: Project, by, **fields) -> Storyteller:
    fields.setdefault("credit_preference", "pseudonym")
    fields.setdefault("credit_name", "River")
    return services.add_storyteller(project=project, by=by, **fields)


def make_story(
    project: Project,
    interviewer,
    *,
    scopes: dict | None = None,
    status: str = "draft",
    curator=None,
    transcript: str | None = TRANSCRIPT,
    storyteller: Storyteller | None = None,
    title: str = "Being heard",
) -> Story:
    """Make a story with consent and a transcript, moved through the services to a status."""
    storyteller = storyteller or make_storyteller(project, interviewer)
    story = services.create_story(
        storyteller=storyteller, by=interviewer, title=title, summary="A story of being heard."
    )
    if scopes is not None:
        services.record_consent(
            story=story,
            scopes=scopes,
            method="written",
            obtained_on=date(2026, 5, 1),
            obtained_by=interviewer,
            recorded_by=interviewer,
        )
    if transcript:
        services.add_transcript(
            story=story,
            parsed=parse_plain_text(transcript),
            by=interviewer,
            origin=Transcript.Origin.PASTED,
        )
    if status != "draft":
        services.submit_story(story=story, by=interviewer)
    if status in ("published", "withdrawn"):
        services.publish_story(story=story, by=curator)
    if status == "withdrawn":
        services.withdraw_consent(story=story, reason="Changed my mind")
    story.refresh_from_db()
    return story


def make_withdrawn_story(team, **fields) -> Story:
    """A story of the team's project that was published, then withdrawn by its storyteller."""
    return make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="withdrawn",
        curator=team.curator,
        **fields,
    )


def highlight_phrase(workshop, story, phrase: str, themes=(), *, by=None, guest=None, key=False):
    """Quote the first occurrence of a phrase in a story's current transcript."""
    from sensemaking import services as sensemaking_services
    from sensemaking.models import Quote

    start = story.transcripts.get(is_current=True).text.index(phrase)
    quote = sensemaking_services.highlight(
        workshop=workshop,
        story=story,
        char_start=start,
        char_end=start + len(phrase),
        themes=list(themes),
        user=None if guest else by or workshop.created_by,
        guest=guest,
    )
    if key:
        Quote.objects.filter(pk=quote.pk).update(is_key=True)
        quote.is_key = True
    return quote


def make_playable(recording):
    """Probe a recording and make its clean copy for listeners now, as the worker would."""
    from stories.tasks import make_listener_copy, probe_recording

    probe_recording.call(recording.pk)
    make_listener_copy.call(recording.pk)
    recording.refresh_from_db()
    return recording


def redact_words(story, words: str, *, by):
    """Redact the first occurrence of these words in a story's current transcript."""
    transcript = story.transcripts.get(is_current=True)
    start = transcript.text.index(words)
    return services.redact_transcript(
        transcript=transcript, char_start=start, char_end=start + len(words), reason="", by=by
    )


def image_bytes(width: int = 120, height: int = 60, image_format: str = "PNG") -> bytes:
    """A real image, drawn with Pillow, as an uploaded logo would be."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#1d70b8").save(buffer, format=image_format)
    return buffer.getvalue()


def add_partner(version, name: str, *, logo: bytes | None = None, by):
    """Add a partner (with a logo, checked as an upload is) to the report's draft."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sensemaking import services
    from sensemaking.logos import check_logo

    report = version.report
    latest = report.versions.order_by("-major", "-minor").first()
    kept = [services.PartnerEdit(name=p.name, current=p) for p in latest.partners.all()]
    upload = check_logo(SimpleUploadedFile("logo.png", logo)) if logo else None
    return services.edit_report(
        report=report,
        based_on=f"{latest.pk}:{latest.lock_version}",
        by=by,
        workshops=list(latest.workshops.all()),
        partners=[*kept, services.PartnerEdit(name=name, logo=upload)],
    )

"""Projects, storytellers, stories and everything gathered with them."""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from stories import access, choices
from stories.querysets import (
    ProjectQuerySet,
    StoryQuerySet,
    StorytellerLinkQuerySet,
    StorytellerQuerySet,
    SubjectAccessCopyQuerySet,
)
from stories.text import normalise_name
from stories.timing import word_times_problem

REDACTED = "[redacted]"


def person_name(user) -> str:
    """Return how the team sees a person: their name, or their username if they gave none."""
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class Task:
    """One step of the work on a story, as the team's task list shows it."""

    DONE: ClassVar[str] = "Completed"
    TO_DO: ClassVar[str] = "To do"
    OPTIONAL: ClassVar[str] = "Optional"
    CANNOT_START: ClassVar[str] = "Cannot start yet"
    WAITING: ClassVar[str] = "Waiting for a curator"
    CHANGES: ClassVar[str] = "Changes requested"

    key: str
    name: str
    state: str

    @property
    def done(self) -> bool:
        return self.state == self.DONE


def private_upload_path(instance: models.Model, filename: str) -> str:
    """Store every upload under a generated name; the uploaded name is kept only as data."""
    folder = instance._meta.model_name
    return f"private/{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Project(models.Model):
    name = models.CharField("name", max_length=200)
    slug = models.SlugField("short name", max_length=80, unique=True)
    description = models.TextField("description", blank=True)
    withdrawn_retention_days = models.PositiveIntegerField(
        "erase withdrawn stories after (days)",
        null=True,
        blank=True,
        help_text=(
            "Days after a withdrawal when the story, and a storyteller whose stories are all "
            "withdrawn, are erased for good. Leave empty to keep them until a curator erases them."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def roles_of(self, user) -> set[str]:
        """Return the roles this user holds here; site admins hold them all."""
        if not user.is_authenticated:
            return set()
        if user.is_superuser:
            return set(Membership.Role.values)
        return set(self.memberships.filter(user=user).values_list("role", flat=True))


class Membership(models.Model):
    class Role(models.TextChoices):
        CURATOR = "curator", "Curator"
        INTERVIEWER = "interviewer", "Peer interviewer"
        FACILITATOR = "facilitator", "Facilitator"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("role", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} in {self.project}"


class Storyteller(models.Model):
    class Credit(models.TextChoices):
        NAME = "name", "Their name"
        PSEUDONYM = "pseudonym", "A pseudonym they chose"
        ANONYMOUS = "anonymous", "Anonymous"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="storytellers")
    code = models.CharField(
        "storyteller code",
        max_length=20,
        help_text="A pseudonymous code; never the person's name.",
    )
    credit_preference = models.CharField(
        "how they want to be credited",
        max_length=20,
        choices=Credit.choices,
        default=Credit.ANONYMOUS,
    )
    credit_name = models.CharField(
        "credit name",
        max_length=120,
        blank=True,
        help_text="The name or pseudonym to credit them with. Leave empty if anonymous.",
    )
    age_band = models.CharField("age band", max_length=20, blank=True, choices=choices.AGE_BANDS)
    gender = models.CharField("gender", max_length=30, blank=True, choices=choices.GENDERS)
    ethnicity = models.CharField(
        "ethnicity", max_length=40, blank=True, choices=choices.ETHNICITIES
    )
    disability = models.CharField("disabled", max_length=20, blank=True, choices=choices.YES_NO)
    lgbtqia = models.CharField("LGBTQIA+", max_length=20, blank=True, choices=choices.YES_NO)
    sectors = models.JSONField("sectors", default=list, blank=True)
    coproduction_roles = models.JSONField("roles in co-production", default=list, blank=True)
    lived_experiences = models.JSONField("lived experiences", default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="storytellers_added",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StorytellerQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="storyteller_unique_code"),
            models.CheckConstraint(
                condition=Q(credit_preference="anonymous") | ~Q(credit_name=""),
                name="storyteller_credit_name_given",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self):
        # Before the constraints are checked, so a code typed with an invisible character or
        # another form of the same letter is found to be the code it looks like.
        self.code = normalise_name(self.code)

    def answer_labels(self, field: str) -> list[str]:
        """Return the labels of a multi-choice answer, in the order they are offered."""
        labels = dict(choices.MULTI_CHOICE_FIELDS[field])
        return [labels[value] for value in getattr(self, field) if value in labels]

    @property
    def sector_labels(self) -> list[str]:
        return self.answer_labels("sectors")

    @property
    def role_labels(self) -> list[str]:
        return self.answer_labels("coproduction_roles")

    @property
    def experience_labels(self) -> list[str]:
        return self.answer_labels("lived_experiences")

    @property
    def credit(self) -> str:
        """Return the credit exactly as the storyteller chose it."""
        if self.credit_preference == self.Credit.ANONYMOUS:
            return "Anonymous"
        return self.credit_name


class StorytellerContact(models.Model):
    """Contact details, kept apart from the storyteller and seen only by curators."""

    storyteller = models.OneToOneField(
        Storyteller, on_delete=models.CASCADE, related_name="contact"
    )
    full_name = models.CharField("full name", max_length=200, blank=True)
    email = models.EmailField("email", blank=True)
    phone = models.CharField("phone", max_length=40, blank=True)
    notes = models.TextField("how to reach them", blank=True)

    def __str__(self) -> str:
        return f"Contact for {self.storyteller}"


class Story(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="stories")
    storyteller = models.ForeignKey(Storyteller, on_delete=models.PROTECT, related_name="stories")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interviews",
        verbose_name="peer interviewer",
    )
    title = models.CharField("title", max_length=200)
    summary = models.TextField("summary", blank=True, help_text="A few sentences.")
    recorded_on = models.DateField("date recorded", null=True, blank=True)
    place = models.CharField("place", max_length=200, blank=True)
    language = models.CharField("language", max_length=10, choices=choices.LANGUAGES, default="en")
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField("note from the curator", blank=True)
    featured = models.BooleanField(
        "featured on the home page", default=False, help_text="Curators choose a few stories."
    )
    # RESTRICT: a consent version can't be deleted while it is current, unless its story goes too.
    current_consent = models.ForeignKey(
        "Consent",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The latest consent version; set only by the consent services.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)

    tags = TaggableManager("topics", blank=True, help_text="Topics, separated by commas.")
    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "stories"
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="story_published_has_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-published_at"],
                condition=Q(status="published"),
                name="story_recently_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stories:story-detail", args=[self.pk])

    @property
    def consent(self) -> "Consent | None":
        return self.current_consent

    @property
    def publishable(self) -> bool:
        """Whether consent lets the public see something of this story once it is published."""
        return access.once_published(self.current_consent).summary

    @property
    def is_public(self) -> bool:
        """Whether anyone may see this story on the public pages (stories.access)."""
        return access.rule(
            access.Surface.PUBLIC, access.Role.ANYONE, access.Part.SUMMARY
        ).allows_story(self)

    def still_needs(self) -> list[str]:
        """Return what this story lacks before it can be submitted (after with_progress())."""
        needs = [] if self.current_consent_id else ["consent"]
        if not (self.has_recording or self.has_transcript):
            needs.append("a recording or a transcript")
        return needs

    def task_list(self) -> list[Task]:
        """Return the steps of the work on this story, in order, each with its state.

        Needs with_progress(); a step another waits on "cannot start yet".
        """
        status, Status = self.status, self.Status
        consent, recording, transcript = (
            bool(self.current_consent_id),
            self.has_recording,
            self.has_transcript,
        )
        sent = status in (Status.SUBMITTED, Status.PUBLISHED)
        if sent:
            submit = Task.DONE
        elif consent and (recording or transcript):
            submit = Task.TO_DO
        else:
            submit = Task.CANNOT_START
        review = {
            Status.PUBLISHED: Task.DONE,
            Status.SUBMITTED: Task.WAITING,
            Status.CHANGES_REQUESTED: Task.CHANGES,
        }.get(status, Task.CANNOT_START)
        publish = {Status.PUBLISHED: Task.DONE, Status.SUBMITTED: Task.TO_DO}.get(
            status, Task.CANNOT_START
        )

        def content(have: bool, other: bool) -> str:
            return Task.DONE if have else Task.OPTIONAL if other else Task.TO_DO

        return [
            Task("storyteller", "Storyteller", Task.DONE),
            Task("consent", "Consent", Task.DONE if consent else Task.TO_DO),
            Task("recording", "Recording", content(recording, transcript)),
            Task("transcript", "Transcript", content(transcript, recording)),
            Task("submit", "Submit for review", submit),
            Task("review", "Curator’s review", review),
            Task("publish", "Publication", publish),
        ]

    @property
    def erased_after(self):
        """When the project's retention period erases this withdrawn story, if it has one."""
        days = self.project.withdrawn_retention_days
        consent = self.current_consent
        if self.status != self.Status.WITHDRAWN or days is None or not consent:
            return None
        return consent.created_at + timedelta(days=days)


class Consent(models.Model):
    """One version of a story's consent. Rows are never changed: a change is a new version."""

    class Method(models.TextChoices):
        WRITTEN = "written", "Written consent form"
        VERBAL = "verbal", "Verbal consent, recorded"
        EASY_READ = "easy_read", "Easy-read consent form"
        ADVOCATE = "advocate", "Through an advocate"
        PRIVATE_LINK = "private_link", "By the storyteller, through their private link"

    class Channel(models.TextChoices):
        TEAM = "team", "Recorded by the project team"
        STORYTELLER = "storyteller", "Changed by the storyteller"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="consents")
    version = models.PositiveIntegerField("version")
    archive_research = models.BooleanField(
        "Keep my story in the archive for research", default=False
    )
    use_sensemaking = models.BooleanField("Use my story in sense-making workshops", default=False)
    quote_anonymous = models.BooleanField(
        "Quote my words in reports without my name", default=False
    )
    quote_credited = models.BooleanField(
        "Quote my words in reports with my credit name", default=False
    )
    publish_transcript = models.BooleanField(
        "Publish the written transcript of my story", default=False
    )
    publish_audio = models.BooleanField("Publish the audio of my story", default=False)
    publish_video = models.BooleanField(
        "Publish the video of my story",
        default=False,
        help_text=(
            "People watching will see the faces of everyone filmed, and anything in the picture "
            "that shows where it was made, such as a street, a room or a sign. Without this, "
            "only the sound is published. It needs the audio to be published too."
        ),
    )
    method = models.CharField("how consent was given", max_length=20, choices=Method.choices)
    obtained_on = models.DateField("date consent was given")
    obtained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents_obtained",
        verbose_name="obtained by",
    )
    evidence = models.FileField(
        "evidence", upload_to=private_upload_path, blank=True, max_length=200
    )
    evidence_filename = models.CharField(max_length=255, blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.TEAM)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents_recorded",
    )
    withdrawn = models.BooleanField("withdrawn in full", default=False)
    reason = models.TextField("reason for the change", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["story", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["story", "version"], name="consent_unique_version"),
            models.CheckConstraint(
                condition=Q(withdrawn=False)
                | Q(
                    archive_research=False,
                    use_sensemaking=False,
                    quote_anonymous=False,
                    quote_credited=False,
                    publish_transcript=False,
                    publish_audio=False,
                    publish_video=False,
                ),
                name="consent_withdrawn_has_no_scopes",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent v{self.version} for {self.story}"

    @property
    def granted_scopes(self) -> list[str]:
        return [scope for scope in choices.CONSENT_SCOPES if getattr(self, scope)]

    def scope_labels(self) -> list[tuple[str, str, bool]]:
        """Return (scope, plain-language label, granted) for every scope."""
        return [
            (scope, self._meta.get_field(scope).verbose_name, getattr(self, scope))
            for scope in choices.CONSENT_SCOPES
        ]


class Recording(models.Model):
    """An uploaded recording, kept as recorded for curators, and its clean copy for listeners."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be checked"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be read"

    class CopyState(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be made"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="recordings")
    file = models.FileField(upload_to=private_upload_path, max_length=200)
    original_filename = models.CharField("uploaded file name", max_length=255)
    media_type = models.CharField("media type", max_length=100)
    size = models.PositiveBigIntegerField("size in bytes")
    sha256 = models.CharField(max_length=64)
    duration_seconds = models.FloatField("duration in seconds", null=True, blank=True)
    codecs = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    error = models.TextField(blank=True)
    listener_copy = models.FileField(
        "copy for listeners",
        upload_to=private_upload_path,
        blank=True,
        max_length=200,
        help_text="Audio only, every metadata field removed, redacted words silenced.",
    )
    listener_copy_key = models.CharField(
        max_length=64, blank=True, help_text="Names what the copy was made from."
    )
    listener_copy_state = models.CharField(
        "copy for listeners",
        max_length=20,
        choices=CopyState.choices,
        default=CopyState.PENDING,
    )
    listener_copy_error = models.TextField(blank=True)
    opus_copy = models.FileField(
        "Opus copy for listeners",
        upload_to=private_upload_path,
        blank=True,
        max_length=200,
        help_text="The copy for listeners as Opus in WebM: smaller, for browsers that play it.",
    )
    video_copy = models.FileField(
        "video copy",
        upload_to=private_upload_path,
        blank=True,
        max_length=200,
        help_text="A video recording's picture with the clean sound, as H.264 and AAC in MP4.",
    )
    waveform = models.FileField(
        "waveform",
        upload_to=private_upload_path,
        blank=True,
        max_length=200,
        help_text="Peaks of the copy for listeners, as JSON, drawn under the players.",
    )
    copy_progress = models.PositiveSmallIntegerField(
        "copies made (percent)", default=0, help_text="How much of the copies is made."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="recordings_uploaded",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["story", "sha256"], name="recording_unique_per_story"),
        ]

    def __str__(self) -> str:
        return self.original_filename

    @property
    def is_video(self) -> bool:
        """Whether the recording has moving pictures (a still such as cover art is not video)."""
        return any(codec["type"] == "video" for codec in self.codecs)


class Transcript(models.Model):
    """One version of a story's transcript; editing makes a new version and keeps this one."""

    class Origin(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        PASTED = "pasted", "Pasted"
        EDITED = "edited", "Edited"
        AUTOMATIC = "automatic", "Automatic"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="transcripts")
    version = models.PositiveIntegerField()
    is_current = models.BooleanField(default=True)
    text = models.TextField()
    origin = models.CharField(max_length=20, choices=Origin.choices)
    source_format = models.CharField(max_length=10, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    has_timings = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="transcripts_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["story", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["story", "version"], name="transcript_unique_version"),
            models.UniqueConstraint(
                fields=["story"], condition=Q(is_current=True), name="transcript_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"Transcript v{self.version} of {self.story}"

    def display_segments(self, *, reveal_redactions: bool = False) -> list[dict]:
        """Return each segment with its text split into plain and redacted parts.

        Uses prefetched segments and redactions. Redacted words are replaced by "[redacted]"
        unless reveal_redactions is set (curators), when they are marked instead.
        """
        redactions = sorted((r.char_start, r.char_end) for r in self.redactions.all())
        result = []
        for segment in self.segments.all():
            spans, cursor = [], segment.char_start
            for start, end in redactions:
                start, end = max(start, cursor), min(end, segment.char_end)
                if start >= end:
                    continue
                if start > cursor:
                    spans.append((self.text[cursor:start], False, cursor, start))
                hidden = self.text[start:end] if reveal_redactions else REDACTED
                spans.append((hidden, True, start, end))
                cursor = end
            if cursor < segment.char_end:
                spans.append(
                    (self.text[cursor : segment.char_end], False, cursor, segment.char_end)
                )
            result.append(
                {
                    "segment": segment,
                    "parts": [(text, redacted) for text, redacted, _start, _end in spans],
                    "spans": [
                        {"text": text, "redacted": redacted, "start": start, "end": end}
                        for text, redacted, start, end in spans
                    ],
                }
            )
        return result


class Segment(models.Model):
    """A paragraph or cue of a transcript, with its place in the text and, if known, its time."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="segments")
    index = models.PositiveIntegerField()
    start_seconds = models.FloatField(null=True, blank=True)
    end_seconds = models.FloatField(null=True, blank=True)
    speaker = models.CharField(max_length=120, blank=True)
    text = models.TextField()
    public_text = models.TextField(
        blank=True, help_text="The text with redactions applied: what search and the public see."
    )
    char_start = models.PositiveIntegerField()
    char_end = models.PositiveIntegerField()
    word_times = models.JSONField(
        "word times",
        default=list,
        blank=True,
        help_text=(
            "When each word (or run of words) is said: [first character, character after it, "
            "start seconds, end seconds or null], the characters counted in this segment's text."
        ),
    )
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["transcript", "index"]
        constraints = [
            models.UniqueConstraint(fields=["transcript", "index"], name="segment_unique_index"),
            models.CheckConstraint(
                condition=Q(char_end__gte=models.F("char_start")), name="segment_chars_ordered"
            ),
            models.CheckConstraint(
                condition=Q(start_seconds__isnull=True)
                | Q(end_seconds__isnull=True)
                | Q(end_seconds__gte=models.F("start_seconds")),
                name="segment_times_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Segment {self.index} of {self.transcript}"

    def clean(self) -> None:
        problem = word_times_problem(
            self.word_times, self.text, self.start_seconds, self.end_seconds
        )
        if problem:
            raise ValidationError({"word_times": problem})


class SearchTerm(models.Model):
    """A word seen in public text, for "did you mean" suggestions by trigram similarity."""

    word = models.CharField(max_length=60, unique=True)

    def __str__(self) -> str:
        return self.word


class Redaction(models.Model):
    """A span of a transcript hidden from everyone but curators."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="redactions")
    char_start = models.PositiveIntegerField()
    char_end = models.PositiveIntegerField()
    reason = models.CharField("reason", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["transcript", "char_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(char_end__gt=models.F("char_start")), name="redaction_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"Redaction {self.char_start}–{self.char_end} in {self.transcript}"


class StorytellerLink(models.Model):
    """A private, expiring, revocable link that lets a storyteller see and change their consent."""

    storyteller = models.ForeignKey(Storyteller, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = StorytellerLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Private link for {self.storyteller}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class AuditEvent(models.Model):
    """An immutable record of a consent change, publication or other state change.

    PostgreSQL refuses to change or delete a row (a trigger, migration 0009), except that an
    erasure may delete the rows of the withdrawn stories and storytellers it erases.
    """

    class Action(models.TextChoices):
        CONSENT_RECORDED = "consent_recorded", "Consent recorded"
        CONSENT_CHANGED = "consent_changed", "Consent changed"
        CONSENT_WITHDRAWN = "consent_withdrawn", "Consent withdrawn"
        STORY_SUBMITTED = "story_submitted", "Story submitted"
        STORY_PUBLISHED = "story_published", "Story published"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        TRANSCRIPT_REDACTED = "transcript_redacted", "Transcript redacted"
        LINK_CREATED = "link_created", "Private link created"
        LINK_REVOKED = "link_revoked", "Private link revoked"
        STORYTELLER_ADDED = "storyteller_added", "Storyteller added"
        STORY_CREATED = "story_created", "Story started"
        STORY_EDITED = "story_edited", "Story details changed"
        RECORDING_UPLOADED = "recording_uploaded", "Recording uploaded"
        TRANSCRIPT_SAVED = "transcript_saved", "Transcript saved"
        THEME_RENAMED = "theme_renamed", "Theme renamed"
        THEME_MERGED = "theme_merged", "Themes merged"
        THEME_SPLIT = "theme_split", "Theme split"
        CODEBOOK_IMPORTED = "codebook_imported", "Codebook imported"
        REPORT_CREATED = "report_created", "Report started"
        REPORT_EDITED = "report_edited", "Report edited"
        REPORT_PUBLISHED = "report_published", "Report published"
        GUEST_LINK_CREATED = "guest_link_created", "Workshop guest link made"
        GUEST_LINK_STOPPED = "guest_link_stopped", "Workshop guest link stopped"
        MEMO_SAVED = "memo_saved", "Workshop memo saved"
        COPY_REQUESTED = "copy_requested", "Copy of everything held asked for"
        COPY_DOWNLOADED = "copy_downloaded", "Copy of everything held downloaded"
        STORY_ERASED = "story_erased", "Withdrawn story erased"
        STORYTELLER_ERASED = "storyteller_erased", "Storyteller erased"
        PROJECT_IMPORTED = "project_imported", "Coded project imported"
        QUOTE_MOVED = "quote_moved", "Quote moved to another theme"
        QUOTE_COPIED = "quote_copied", "Quote copied to another theme"
        QUOTE_EDITED = "quote_edited", "Quote changed"
        QUOTE_REMOVED = "quote_removed", "Quote removed"
        QUOTE_RESTORED = "quote_restored", "Quote restored"
        RECORDING_RETRIED = "recording_retried", "Recording queued again"

    action = models.CharField(max_length=40, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=120)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    story = models.ForeignKey(
        Story, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are immutable.")
        super().save(*args, **kwargs)


class SubjectAccessCopy(models.Model):
    """A zip of everything held about one storyteller, made on the worker, deleted when it expires.

    Asked for by the storyteller through their private link (`link`, and only that browser
    session may download it) or by a curator for a request by post or phone (`requested_by`).
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    storyteller = models.ForeignKey(
        Storyteller, on_delete=models.CASCADE, related_name="access_copies"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The curator who asked for it; empty when the storyteller asked.",
    )
    link = models.ForeignKey(
        StorytellerLink,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="access_copies",
        help_text="The private link the storyteller asked through.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    step = models.CharField(max_length=120, blank=True)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=private_upload_path, blank=True, max_length=200)
    size = models.PositiveBigIntegerField("size in bytes", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(help_text="When the copy and its file are deleted.")

    objects = SubjectAccessCopyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "copy of everything held about a storyteller"
        verbose_name_plural = "copies of everything held about storytellers"
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_by__isnull=True, link__isnull=False)
                | Q(requested_by__isnull=False, link__isnull=True),
                name="subject_access_copy_one_requester",
            ),
        ]

    def __str__(self) -> str:
        return f"Copy for {self.storyteller}"

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY and bool(self.file)


class SentForm(models.Model):
    """A create form's one-time key, so that sending the form twice makes one thing.

    Kept with where the first answer led (what it made), for stories.idempotency.
    """

    key = models.CharField(max_length=64, unique=True)
    sender = models.CharField(max_length=80, help_text="The signed-in user, or the session.")
    location = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.location or "(being sent)"

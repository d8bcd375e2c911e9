"""Sense-making workshops: the stories chosen, the quotes highlighted, themes and findings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Now
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from sensemaking.querysets import (
    RUNNERS,
    QuoteManager,
    QuoteQuerySet,
    ReportQuerySet,
    ReportVersionQuerySet,
    WorkshopQuerySet,
)
from stories.models import Project, Story, Transcript, person_name, private_upload_path
from stories.querysets import project_ids_for
from stories.text import normalise_name


class Workshop(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        RUNNING = "running", "Running"
        CLOSED = "closed", "Closed"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="workshops")
    title = models.CharField("title", max_length=200)
    held_on = models.DateField("date", null=True, blank=True)
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="workshops_facilitated", blank=True
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="workshops_joined", blank=True
    )
    stories = models.ManyToManyField(Story, related_name="workshops", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-created_at"]

    def __str__(self) -> str:
        return self.title

    # The rules of WorkshopQuerySet.run_by() and visible_to(), for one workshop already read:
    # cheaper per request than filtering by them (a test checks that both agree).
    def is_run_by(self, user) -> bool:
        """Whether the user may change this workshop: a facilitator or curator of its project."""
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        runners = project_ids_for(user, *RUNNERS)
        return runners.filter(project_id=self.project_id).exists()

    def has_participant(self, user) -> bool:
        """Whether the user was added to this workshop's participants."""
        return user.is_authenticated and self.participants.filter(pk=user.pk).exists()


class WorkshopGuest(models.Model):
    """Someone without an account (often a storyteller) who joins one workshop by private link."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="guests")
    display_name = models.CharField("display name", max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


# Colours new themes are given in turn, each at least 4.5:1 against white, so that a highlight's
# underline and a swatch stand out; highlights are painted with a light tint of them.
THEME_PALETTE = (
    "#1d4f7a",
    "#a0361c",
    "#00703c",
    "#6f3c8f",
    "#8a5a00",
    "#0b6e79",
    "#b10e5a",
    "#4d5b12",
    "#2f3b8c",
    "#6b4a2e",
)


def palette_colour(position: int) -> str:
    """Return the palette's colour for a theme at this place in the codebook."""
    return THEME_PALETTE[position % len(THEME_PALETTE)]


class Theme(TagBase):
    """A code in a project's codebook, used as the tag of quotes (django-taggit)."""

    # Names and slugs are unique per project (case-insensitively), not across the site.
    name = models.CharField("name", max_length=100)
    slug = models.SlugField("slug", max_length=100, allow_unicode=True)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="themes")
    description = models.TextField("description", blank=True)
    colour = models.CharField(
        "colour", max_length=7, default=THEME_PALETTE[0], help_text="A hex colour such as #1d4f7a."
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="parent theme",
    )
    position = models.PositiveIntegerField("order", default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint("project", Lower("name"), name="theme_unique_name_per_project"),
            models.UniqueConstraint(fields=["project", "slug"], name="theme_unique_slug"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="theme_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="theme_colour_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        # Before the constraints are checked: "Zoë" typed two ways is one theme.
        self.name = normalise_name(self.name)


class QuoteTheme(ItemBase):
    """The link between a quote and a theme, with who made it."""

    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="quote_links")
    content_object = models.ForeignKey(
        "Quote", on_delete=models.CASCADE, related_name="theme_links"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tag", "content_object"], name="quote_theme_once"),
        ]


class Quote(models.Model):
    """A highlighted span of a transcript, anchored by character offsets and a text snapshot."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="quotes")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="quotes")
    # RESTRICT: a transcript version can't be deleted under its quotes, unless the story goes too.
    transcript = models.ForeignKey(
        Transcript,
        on_delete=models.RESTRICT,
        related_name="quotes",
        help_text="The transcript version the offsets refer to.",
    )
    char_start = models.PositiveIntegerField()
    char_end = models.PositiveIntegerField()
    text = models.TextField("quoted words")
    start_seconds = models.FloatField(null=True, blank=True)
    end_seconds = models.FloatField(null=True, blank=True)
    note = models.TextField("note", blank=True)
    is_key = models.BooleanField("key quote", default=False)
    # The ids of the quote's themes ("3,7"), a copy of its theme links that
    # services.record_theme_ids writes whenever they change, so the transcript page paints
    # thousands of quotes, in their themes' colours, from one plain read of this table.
    theme_ids = models.TextField(blank=True, default="", db_default="", editable=False)
    needs_review = models.BooleanField(
        default=False, help_text="The transcript changed and the words could not be re-found."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quotes",
    )
    created_by_guest = models.ForeignKey(
        WorkshopGuest, on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Moved on by every edit, removal and restoration, so pages that poll see the change.
    # Defaults in the database too, so code that predates these columns can still add quotes.
    changed_at = models.DateTimeField(default=timezone.now, db_default=Now())
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    removed_at = models.DateTimeField(
        null=True, blank=True, help_text="Removed by its maker or a facilitator; can be restored."
    )
    removed_by_facilitator = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Removed by someone who runs the workshop: only they may bring it back.",
    )

    themes = TaggableManager(through=QuoteTheme, blank=True)
    # The default manager leaves removed quotes out, so every page, report and export does.
    objects = QuoteManager()
    all_objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["story", "char_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(char_end__gt=models.F("char_start")), name="quote_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["workshop", "story"], name="quote_workshop_story")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def highlighted_by(self) -> str:
        if self.created_by_id:
            return person_name(self.created_by)
        return self.created_by_guest.display_name if self.created_by_guest_id else "Someone"

    def is_made_by(self, *, user=None, guest: WorkshopGuest | None = None) -> bool:
        """Whether this person (a signed-in user or a workshop guest) made the quote."""
        if guest is not None:
            return self.created_by_guest_id == guest.pk
        return user is not None and user.is_authenticated and self.created_by_id == user.pk


class Finding(models.Model):
    """A short statement about a theme, supported by quotes, in the order the group chooses."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="findings")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="findings")
    statement = models.TextField("finding")
    quotes = models.ManyToManyField(Quote, related_name="findings", blank=True)
    position = models.PositiveIntegerField("order", default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["theme", "position", "pk"]

    def __str__(self) -> str:
        return self.statement[:60]


class Memo(models.Model):
    """A workshop's journal (no theme), or its memo on one theme: notes on how the analysis goes.

    Every save is kept as a MemoVersion; `version` refuses a save made over someone else's.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="memos")
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="memos"
    )
    text = models.TextField("memo", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workshop", "theme"], name="memo_one_per_theme"),
            models.UniqueConstraint(
                fields=["workshop"], condition=Q(theme__isnull=True), name="memo_one_journal"
            ),
        ]

    def __str__(self) -> str:
        return f"Memo on {self.theme}" if self.theme_id else f"Journal of {self.workshop}"

    @property
    def is_journal(self) -> bool:
        return self.theme_id is None


class MemoVersion(models.Model):
    """The words of a memo as one save left them; never changed afterwards."""

    memo = models.ForeignKey(Memo, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    text = models.TextField("memo", blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["memo", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["memo", "version"], name="memo_version_once"),
        ]

    def __str__(self) -> str:
        return f"Version {self.version} of {self.memo}"

    @property
    def written_by_name(self) -> str:
        if self.written_by_id is None:
            return "Former team member"
        return self.written_by.get_full_name() or self.written_by.get_username()


def default_value_table() -> dict:
    """The "value for all" table's usual columns, each with its list of impacts."""
    return {
        "columns": [
            {"heading": "Impacts on individuals", "items": []},
            {"heading": "Impacts on organisations", "items": []},
            {"heading": "Impacts on society", "items": []},
        ]
    }


class Report(models.Model):
    """A project's summary report. What it says lives in its versions."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    slug = models.SlugField("web address", max_length=80, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("sensemaking:report", args=[self.slug])


class ReportVersion(models.Model):
    """One version of a report: a draft anyone running it may edit, or frozen once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Layout(models.TextChoices):
        FULL = "full", "Each theme in full: sub-themes, findings and key quotes"
        COMPACT = "compact", "Compact: one table of theme, sub-themes and one quote"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    major = models.PositiveIntegerField(default=1)
    minor = models.PositiveIntegerField(default=0)
    status = models.CharField("status", max_length=20, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField("title", max_length=200)
    report_date = models.DateField("date of the report", default=timezone.localdate)
    purpose = models.TextField("what was the purpose of this research?", blank=True)
    method = models.TextField("what did we do?", blank=True)
    challenges = models.TextField("challenges", blank=True)
    acknowledgements = models.TextField("acknowledgements", blank=True)
    co_authors = models.TextField(
        "co-authors",
        blank=True,
        help_text="Peer researchers, partners and anyone else to credit, one per line.",
    )
    co_authorship = models.TextField(
        "who wrote it, on the cover",
        blank=True,
        help_text=(
            "Shown on the cover. It starts as a line worked out from the storytellers counted; "
            "change it as you like. Left empty, that line is used."
        ),
    )
    who_shared_words = models.TextField(
        "who shared their stories, in your words",
        blank=True,
        help_text=(
            "Shown before the figures and charts, which stay. It starts as sentences worked out "
            "from the figures; change them or write your own. Left empty, those sentences are "
            "used."
        ),
    )
    value_table = models.JSONField("value for all", default=default_value_table, blank=True)
    arrangement = models.JSONField(
        "arrangement",
        default=dict,
        blank=True,
        help_text=(
            "The editor's order of themes, findings and key quotes, each theme's lead quote and "
            "the pull quotes, by id; what it does not list comes after, in the workshops' order."
        ),
    )
    layout = models.CharField(
        "layout of the findings",
        max_length=20,
        choices=Layout.choices,
        default=Layout.FULL,
    )
    workshops = models.ManyToManyField(
        Workshop,
        related_name="report_versions",
        blank=True,
        help_text="The workshops whose themes, findings and key quotes the report presents.",
    )
    change_note = models.TextField(
        "what changed in this version", blank=True, help_text="Shown in the list of versions."
    )
    content = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="Themes, findings and quote ids, frozen when the version is published.",
    )
    extracts = models.JSONField(
        "extracts",
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "The ids of the quotes the playlist of audio extracts plays, in order, as the editor "
            "chose them; empty until they choose, when the key quotes are the playlist."
        ),
    )
    who_shared = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            'The "who shared their stories" figures as shown, fixed when the version is '
            "saved, and every earlier count they were checked against."
        ),
    )
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportVersionQuerySet.as_manager()

    class Meta:
        ordering = ["report", "-major", "-minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "major", "minor"], name="report_version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["report"], condition=Q(status="draft"), name="report_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(content__isnull=False, published_at__isnull=False),
                name="report_published_is_frozen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"

    def get_absolute_url(self) -> str:
        return reverse("sensemaking:report-version", args=[self.report.slug, self.number])

    @property
    def number(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ReportPartner(models.Model):
    """An organisation a report version names as a partner, with its logo if it has one.

    Each version has its own rows and logo files, so editing a draft never changes a published
    version. Logos are stored privately and served by a view that checks who may see the version.
    """

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField("partner's name", max_length=200)
    logo = models.FileField(
        "logo", upload_to=private_upload_path, blank=True, max_length=200, editable=False
    )
    position = models.PositiveIntegerField("order", default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class ReportFile(models.Model):
    """A rendered output of a report version (such as its PDF), made in the background.

    `fingerprint` names the compiled data it was made from: when consent changes what the report
    may show, the fingerprint changes and the old file is never served again.
    """

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        PLAYLIST = "playlist", "Audio file of every extract"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    step = models.CharField(max_length=120, blank=True)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kind", "fingerprint"], name="report_file_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.version}"


class ReportClip(models.Model):
    """A short audio extract of a quote, cut with ffmpeg at the quote's times."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="clips")
    start_seconds = models.FloatField()
    end_seconds = models.FloatField()
    file = models.FileField(upload_to="clips/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["quote", "start_seconds", "end_seconds"], name="clip_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Clip of {self.quote}"


class ProjectImport(models.Model):
    """A coded project (.qdpx) from another QDA tool: checked first, then imported by the worker.

    The file is kept only until it is imported; the row stays as the record of what came in.
    """

    class State(models.TextChoices):
        CHECKED = "checked", "Checked, not imported"
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to="qdpx-imports/%Y/%m/", blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    step = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    workshop = models.ForeignKey(
        Workshop, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stories = models.PositiveIntegerField(default=0)
    quotes = models.PositiveIntegerField(default=0)
    notes = models.JSONField(default=list, blank=True, help_text="What was left out on import.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.original_filename or 'a project'} into {self.project}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

"""A copy of everything corpro holds about one storyteller: their right of access (UK GDPR art. 15).

The copy is a zip of plain files (README.txt and index.html saying what each file is, JSON and
CSV for facts, contact details, consent and history, text and WebVTT for transcripts, and the
recordings and consent evidence as they were uploaded). Each part comes from a *section*: this
module writes the storyteller's own records; other apps add theirs with `register_section()` in
their AppConfig.ready() (sense-making adds the quotes), so `stories` never imports them.

Every section starts from the storyteller, never from a project or a workshop, so nothing about
anyone else is read. People on the team are named by their role, not their name (README.md,
"A storyteller's own copy", says why). Recordings are copied into the zip in chunks from storage
to a temporary file, stored without compression: memory does not grow with them.
"""

import csv
import io
import json
import logging
import re
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePosixPath
from urllib.parse import urljoin

import filetype
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.db.models import Prefetch, Q
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import slugify

from corpro.worker import delete_leftovers, store_output
from stories import choices, services
from stories.media import SNIFF_BYTES, NoRoom
from stories.models import (
    AuditEvent,
    Consent,
    Membership,
    Recording,
    Segment,
    Story,
    Storyteller,
    StorytellerContact,
    SubjectAccessCopy,
    Transcript,
)
from stories.text import neutralise_formula
from stories.transcripts import ParsedSegment, to_webvtt

logger = logging.getLogger(__name__)

PATIENCE = timedelta(minutes=10)  # a copy with no progress for this long has stopped
CHUNK = 1024 * 1024
PROGRESS_EVERY = 1.0  # seconds between progress writes while copying files
SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
FAILED = "The copy could not be made. Try again, or ask the project team to make it for you."
STOPPED = "Making the copy stopped before it finished (the task worker may have stopped)."
NO_ROOM = (
    "There was no room on the server to store the copy. Try again later, or ask the project "
    "team to make it for you."
)


# What goes in the zip ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One file in the zip: text made here (`data`), or a stored file copied in as it is."""

    name: str
    about: str
    data: bytes = b""
    file: FieldFile | None = None
    size: int = 0

    @property
    def length(self) -> int:
        return self.size if self.file is not None else len(self.data)


def safe_part(text: str, fallback: str) -> str:
    """Return text as one safe file or folder name: ASCII letters, digits and hyphens."""
    part = slugify(text)[:50].strip("-")
    return part or fallback


def zip_name(*parts: str) -> str:
    """Join parts into a name inside the zip, refusing any part that is not a plain name."""
    for part in parts:
        if not SAFE_NAME.fullmatch(part) or ".." in part:
            raise ValueError(f"Not a safe name inside the zip: {part!r}")
    return "/".join(parts)


def text_entry(name: str, about: str, text: str) -> Entry:
    return Entry(name=name, about=about, data=text.encode())


def json_entry(name: str, about: str, data) -> Entry:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return text_entry(name, about, text + "\n")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return neutralise_formula(str(value))


def csv_entry(name: str, about: str, header: list[str], rows: Iterable[Iterable]) -> Entry:
    """A CSV file spreadsheets open as UTF-8 (with a byte order mark), safe from formulas."""
    out = io.StringIO(newline="")
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return text_entry(name, about, out.getvalue())


def file_entry(folder: tuple[str, ...], stem: str, about: str, stored: FieldFile) -> Entry | None:
    """A stored file, named by what it is with the extension its content shows; None if missing."""
    try:
        size = stored.size
        with stored.open("rb") as handle:
            kind = filetype.guess(handle.read(SNIFF_BYTES))
    except OSError:
        logger.warning("A stored file for a copy of someone's data is missing: %s", stored.name)
        return None
    extension = kind.extension if kind else "bin"
    return Entry(name=zip_name(*folder, f"{stem}.{extension}"), about=about, file=stored, size=size)


# Who did what, by role --------------------------------------------------------------------------


class Subject:
    """The storyteller a copy is about, and how the people who handled their data are named."""

    STORYTELLER = "You, through your private link"
    SYSTEM = "corpro, automatically"

    def __init__(self, storyteller: Storyteller, *, base_url: str = ""):
        self.storyteller = storyteller
        self.base_url = base_url  # the site's address, for links to public pages
        self.project = storyteller.project
        self.missing: list[str] = []  # files that should be in the copy but are not stored
        labels = dict(Membership.Role.choices)
        self._roles: dict[int, list[str]] = {}
        for user_id, role in (
            Membership.objects.filter(project=self.project)
            .order_by("role")
            .values_list("user_id", "role")
        ):
            self._roles.setdefault(user_id, []).append(labels[role])

    def who(self, user_id: int | None) -> str:
        """Name a member of the team by their role in the project, never by their name."""
        if user_id is None:
            return ""
        if user_id not in self._roles:
            admin = get_user_model().objects.filter(pk=user_id, is_superuser=True).exists()
            self._roles[user_id] = ["Site administrator" if admin else "Former team member"]
        return " and ".join(self._roles[user_id])

    def actor(self, event: AuditEvent) -> str:
        if event.actor_id is not None:
            return self.who(event.actor_id)
        return self.STORYTELLER if event.actor_label == services.STORYTELLER_ACTOR else self.SYSTEM


Section = Callable[[Subject], list[Entry]]
_sections: list[Section] = []


def register_section(section: Section) -> None:
    """Add what an app holds about a storyteller to every copy: section(subject) -> entries."""
    if section not in _sections:
        _sections.append(section)


# The storyteller's own records -----------------------------------------------------------------


def _date(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _long_date(value) -> str:
    return dateformat.format(timezone.localtime(value), "j F Y")


def _labels(field_name: str, values: list[str]) -> list[str]:
    known = dict(choices.MULTI_CHOICE_FIELDS[field_name])
    return [known.get(value, value) for value in values]


def about_you(subject: Subject) -> list[Entry]:
    """Their facts, contact details and private links."""
    storyteller = subject.storyteller
    facts = {
        "Storyteller code": storyteller.code,
        "Project": subject.project.name,
        "How you want to be credited": storyteller.get_credit_preference_display(),
        "Credit name": storyteller.credit_name,
        "Age band": storyteller.get_age_band_display(),
        "Gender": storyteller.get_gender_display(),
        "Ethnicity": storyteller.get_ethnicity_display(),
        "Disabled": storyteller.get_disability_display(),
        "LGBTQIA+": storyteller.get_lgbtqia_display(),
        "Sectors": _labels("sectors", storyteller.sectors),
        "Roles in co-production": _labels("coproduction_roles", storyteller.coproduction_roles),
        "Lived experiences": _labels("lived_experiences", storyteller.lived_experiences),
        "Added on": _date(storyteller.created_at),
        "Added by": subject.who(storyteller.created_by_id),
    }
    contact = StorytellerContact.objects.filter(storyteller=storyteller).first()
    details = {
        "Full name": contact.full_name if contact else "",
        "Email": contact.email if contact else "",
        "Phone": contact.phone if contact else "",
        "How to reach you": contact.notes if contact else "",
    }
    links = [
        [
            _date(link.created_at),
            subject.who(link.created_by_id),
            _date(link.expires_at),
            _date(link.revoked_at),
            _date(link.last_used_at),
        ]
        for link in storyteller.links.order_by("created_at")
    ]

    def rows(data: dict):
        return [
            [key, "; ".join(value) if isinstance(value, list) else value]
            for key, value in data.items()
        ]

    return [
        json_entry(
            "about-you.json", "What we know about you: your answers and your credit.", facts
        ),
        csv_entry(
            "about-you.csv", "The same, as a spreadsheet.", ["Question", "Answer"], rows(facts)
        ),
        json_entry("contact.json", "How we can reach you (only curators see this).", details),
        csv_entry("contact.csv", "The same, as a spreadsheet.", ["Detail", "Value"], rows(details)),
        csv_entry(
            "private-links.csv",
            "Each private link made for you, and when it was last used (the link itself is not "
            "kept, only a fingerprint of it).",
            ["Made on", "Made by", "Works until", "Stopped on", "Last used"],
            links,
        ),
    ]


def _transcript_text(story: Story, transcript: Transcript, subject: Subject) -> str:
    current = " (the current version)" if transcript.is_current else ""
    role = subject.who(transcript.created_by_id)
    by = f"a {role.lower()}" if role else "the project team"
    how = transcript.get_origin_display().lower()
    if transcript.original_filename:
        how += f", from a file named “{transcript.original_filename}”"
    lines = [
        f"Transcript of “{story.title}”, version {transcript.version}{current}",
        f"Saved on {_long_date(transcript.created_at)} by {by} ({how}).",
        "The words are as you said them. Words hidden from everyone else are in redactions.csv.",
        "",
    ]
    for segment in transcript.segments.all():
        time = f"[{_clock(segment.start_seconds)}] " if segment.start_seconds is not None else ""
        speaker = f"{segment.speaker}: " if segment.speaker else ""
        lines += [f"{time}{speaker}{segment.text}", ""]
    return "\n".join(lines)


def _clock(seconds: float) -> str:
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}"


def _paragraph(transcript: Transcript, char_start: int) -> int | None:
    for segment in transcript.segments.all():
        if segment.char_start <= char_start < segment.char_end:
            return segment.index + 1
    return None


def _story_entries(subject: Subject, story: Story, folder: tuple[str, ...]) -> list[Entry]:
    entries = [
        json_entry(
            zip_name(*folder, "story.json"),
            "The story's details: title, summary, place, dates and where it is shown.",
            {
                "Title": story.title,
                "Summary": story.summary,
                "Place": story.place,
                "Date recorded": story.recorded_on,
                "Language": story.get_language_display(),
                "Status": story.get_status_display(),
                "On the public website": story.is_public,
                "Public address": urljoin(
                    subject.base_url, reverse("stories:public-story", args=[story.pk])
                )
                if story.is_public
                else "",
                "Featured on the home page": story.featured,
                "Topics": sorted(tag.name for tag in story.tags.all()),
                "Gathered by": subject.who(story.interviewer_id),
                "Note from the curator to the interviewer": story.review_note,
                "Started on": _date(story.created_at),
                "Submitted for review on": _date(story.submitted_at),
                "Published on": _date(story.published_at),
            },
        )
    ]
    entries += _transcript_entries(subject, story, (*folder, "transcripts"))
    entries += _recording_entries(subject, story, (*folder, "recordings"))
    entries += _consent_entries(subject, story, (*folder, "consent"))
    return entries


def _transcript_entries(subject: Subject, story: Story, folder: tuple[str, ...]) -> list[Entry]:
    entries, versions, redactions = [], [], []
    transcripts = story.transcripts.order_by("version").prefetch_related(
        Prefetch("segments", queryset=Segment.objects.defer("search_vector", "public_text")),
        "redactions",
    )
    for transcript in transcripts:
        stem = f"version-{transcript.version}"
        entries.append(
            text_entry(
                zip_name(*folder, f"{stem}.txt"),
                f"Version {transcript.version} of the transcript, as plain text.",
                _transcript_text(story, transcript, subject),
            )
        )
        files = [f"{stem}.txt"]
        if transcript.has_timings:
            cues = [
                ParsedSegment(
                    text=segment.text,
                    speaker=segment.speaker,
                    start=segment.start_seconds,
                    end=segment.end_seconds,
                    word_times=tuple(map(tuple, segment.word_times)),
                )
                for segment in transcript.segments.all()
            ]
            entries.append(
                text_entry(
                    zip_name(*folder, f"{stem}.vtt"),
                    f"Version {transcript.version} with its timings, as WebVTT captions.",
                    to_webvtt(cues),
                )
            )
            files.append(f"{stem}.vtt")
        versions.append(
            [
                transcript.version,
                transcript.is_current,
                transcript.get_origin_display(),
                transcript.original_filename,
                transcript.has_timings,
                _date(transcript.created_at),
                subject.who(transcript.created_by_id),
                " ".join(files),
            ]
        )
        for redaction in transcript.redactions.all():
            redactions.append(
                [
                    transcript.version,
                    _paragraph(transcript, redaction.char_start),
                    transcript.text[redaction.char_start : redaction.char_end],
                    redaction.reason,
                    _date(redaction.created_at),
                    subject.who(redaction.created_by_id),
                ]
            )
    if versions:
        entries.append(
            csv_entry(
                zip_name(*folder, "versions.csv"),
                "Every version of the transcript: how and when it was saved.",
                [
                    "Version",
                    "Current",
                    "How it was added",
                    "Uploaded file name",
                    "Has timings",
                    "Saved on",
                    "Saved by",
                    "Files here",
                ],
                versions,
            )
        )
        entries.append(
            csv_entry(
                zip_name(*folder, "redactions.csv"),
                "Words of the transcript hidden from everyone but the curators, and why.",
                [
                    "Transcript version",
                    "Paragraph",
                    "Words",
                    "Reason",
                    "Redacted on",
                    "Redacted by",
                ],
                redactions,
            )
        )
    return entries


def _recording_entries(subject: Subject, story: Story, folder: tuple[str, ...]) -> list[Entry]:
    entries, rows = [], []
    for number, recording in enumerate(story.recordings.order_by("created_at"), start=1):
        files = []
        original = file_entry(
            folder,
            f"recording-{number}-original",
            f"Recording {number}, exactly as it was uploaded.",
            recording.file,
        )
        copy = None
        if recording.listener_copy and recording.listener_copy_state == Recording.CopyState.READY:
            copy = file_entry(
                folder,
                f"recording-{number}-listener-copy",
                f"Recording {number}: the copy listeners hear (sound only, no hidden details in "
                "the file, hidden words silenced).",
                recording.listener_copy,
            )
        for entry, what in ((original, "original"), (copy, "listener copy")):
            if entry is None:
                if what == "original":
                    subject.missing.append(f"Recording {number} of “{story.title}”")
                continue
            entries.append(entry)
            files.append(PurePosixPath(entry.name).name)
        rows.append(
            [
                number,
                recording.original_filename,
                recording.media_type,
                recording.size,
                recording.duration_seconds,
                recording.sha256,
                _date(recording.created_at),
                subject.who(recording.uploaded_by_id),
                recording.get_state_display(),
                " ".join(files),
            ]
        )
    if rows:
        entries.append(
            csv_entry(
                zip_name(*folder, "recordings.csv"),
                "Each recording: its uploaded name, type, size, length, and which files here are "
                "the original and which the copy listeners hear.",
                [
                    "Recording",
                    "Uploaded file name",
                    "Type",
                    "Size in bytes",
                    "Length in seconds",
                    "SHA-256",
                    "Uploaded on",
                    "Uploaded by",
                    "State",
                    "Files here (original, then listener copy)",
                ],
                rows,
            )
        )
    return entries


def _consent_entries(subject: Subject, story: Story, folder: tuple[str, ...]) -> list[Entry]:
    entries, history = [], []
    scopes = [
        (scope, Consent._meta.get_field(scope).verbose_name) for scope in choices.CONSENT_SCOPES
    ]
    for consent in story.consents.order_by("version"):
        evidence = None
        if consent.evidence:
            evidence = file_entry(
                folder,
                f"evidence-version-{consent.version}",
                f"The evidence of consent version {consent.version}, as it was uploaded.",
                consent.evidence,
            )
            if evidence is None:
                subject.missing.append(
                    f"Consent evidence, version {consent.version}, of “{story.title}”"
                )
            else:
                entries.append(evidence)
        history.append(
            {
                "Version": consent.version,
                "Recorded on": _date(consent.created_at),
                **{label: getattr(consent, scope) for scope, label in scopes},
                "Withdrawn in full": consent.withdrawn,
                "How consent was given": consent.get_method_display(),
                "Date consent was given": consent.obtained_on,
                "Obtained by": subject.who(consent.obtained_by_id)
                or (Subject.STORYTELLER if consent.channel == Consent.Channel.STORYTELLER else ""),
                "Recorded by": subject.who(consent.recorded_by_id)
                or (Subject.STORYTELLER if consent.channel == Consent.Channel.STORYTELLER else ""),
                "Channel": consent.get_channel_display(),
                "Reason given": consent.reason,
                "Evidence file name when uploaded": consent.evidence_filename,
                "Evidence file here": PurePosixPath(evidence.name).name if evidence else "",
            }
        )
    if history:
        entries.append(
            json_entry(
                zip_name(*folder, "history.json"),
                "Every version of your consent for this story: what you agreed to, how and when.",
                history,
            )
        )
        entries.append(
            csv_entry(
                zip_name(*folder, "history.csv"),
                "The same, as a spreadsheet.",
                list(history[0]),
                [list(row.values()) for row in history],
            )
        )
    return entries


def your_stories(subject: Subject) -> list[Entry]:
    """Each story with its transcripts, recordings and consent history, in a folder of its own."""
    entries = []
    stories = (
        Story.objects.filter(storyteller=subject.storyteller)
        .defer("search_vector")
        .select_related("current_consent")
        .prefetch_related("tags")
        .order_by("created_at", "pk")
    )
    for number, story in enumerate(stories, start=1):
        folder = ("stories", f"{number:02d}-{safe_part(story.title, 'story')}")
        entries += _story_entries(subject, story, folder)
    return entries


def history(subject: Subject) -> list[Entry]:
    """The audit events about the storyteller and their stories, oldest first."""
    storyteller = subject.storyteller
    events = (
        AuditEvent.objects.filter(
            Q(story__storyteller=storyteller)
            | Q(story=None, project=subject.project, details__storyteller=storyteller.code)
        )
        .select_related("story")
        .order_by("created_at", "pk")
    )
    header = ["When", "What happened", "Story", "By", "Details"]
    rows = [
        [
            _date(event.created_at),
            event.get_action_display(),
            event.story.title if event.story else "",
            subject.actor(event),
            event.details,
        ]
        for event in events
    ]
    return [
        json_entry(
            "history.json",
            "Everything recorded as happening to your records and your stories, oldest first.",
            [dict(zip(header, row, strict=True)) for row in rows],
        ),
        csv_entry(
            "history.csv",
            "The same, as a spreadsheet (the details in JSON).",
            header,
            [[*row[:4], json.dumps(row[4], ensure_ascii=False, default=str)] for row in rows],
        ),
    ]


OWN_SECTIONS: tuple[Section, ...] = (about_you, your_stories, history)


# Writing the zip --------------------------------------------------------------------------------


@dataclass
class Progress:
    """Report how far the copy has got, by bytes written, at most once a second."""

    report: Callable[[int, str], None]
    total: int = 1
    done: int = 0
    _last: float = field(default=0.0)

    def add(self, count: int, step: str) -> None:
        self.done += count
        now = timezone.now().timestamp()
        if now - self._last >= PROGRESS_EVERY:
            self._last = now
            self.report(5 + int(90 * self.done / max(self.total, 1)), step)


def gather(storyteller: Storyteller, *, base_url: str = "") -> tuple[Subject, list[Entry]]:
    """Return everything held about this storyteller, as the files of their copy."""
    subject = Subject(storyteller, base_url=base_url)
    entries = []
    for section in (*OWN_SECTIONS, *_sections):
        entries += section(subject)
    names = [entry.name for entry in entries]
    if len(set(names)) != len(names):
        raise ValueError("Two files in the copy have the same name.")
    return subject, entries


def write_bundle(
    storyteller: Storyteller,
    out,
    *,
    base_url: str = "",
    report: Callable[[int, str], None] = lambda *_: None,
) -> list[str]:
    """Write the zip of everything held about this storyteller to a binary file.

    Return the names of the files written.
    """
    report(2, "Gathering your records")
    subject, entries = gather(storyteller, base_url=base_url)
    made = timezone.localtime()
    context = {"subject": subject, "storyteller": storyteller, "entries": entries, "made": made}
    guides = [
        text_entry(
            "README.txt", "", render_to_string("stories/subject_access_readme.txt", context)
        ),
        text_entry(
            "index.html", "", render_to_string("stories/subject_access_index.html", context)
        ),
    ]
    progress = Progress(report=report, total=sum(entry.length for entry in entries) or 1)
    stamp = made.timetuple()[:6]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for entry in [*guides, *entries]:
            info = zipfile.ZipInfo(entry.name, date_time=stamp)
            if entry.file is None:
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, entry.data)
                progress.add(len(entry.data), "Writing your records")
                continue
            # Recordings and scans are compressed already: stored as they are, in chunks.
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = entry.size
            with entry.file.open("rb") as source, archive.open(info, "w") as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    progress.add(len(chunk), "Copying your recordings and files")
    return [entry.name for entry in [*guides, *entries]]


# Asking for a copy, making it, serving it and deleting it ---------------------------------------


@transaction.atomic
def request_copy(
    *, storyteller: Storyteller, by=None, link=None, base_url: str = ""
) -> SubjectAccessCopy:
    """Queue a copy for the storyteller (through `link`) or for a curator (`by`), and audit it.

    A copy already being made for the same person is returned instead of starting another.
    """
    from stories.tasks import make_access_copy

    if (by is None) == (link is None):
        raise TypeError("A copy is asked for by a curator or through a storyteller's link.")
    # One request at a time per storyteller, so two clicks never make two copies.
    Storyteller.objects.select_for_update().filter(pk=storyteller.pk).first()
    delete_expired_copies()
    waiting = (
        SubjectAccessCopy.objects.current()
        .filter(
            storyteller=storyteller,
            requested_by=by,
            link=link,
            state__in=[SubjectAccessCopy.State.QUEUED, SubjectAccessCopy.State.RUNNING],
            updated_at__gt=timezone.now() - PATIENCE,
        )
        .first()
    )
    if waiting:
        return waiting
    copy = SubjectAccessCopy.objects.create(
        storyteller=storyteller,
        requested_by=by,
        link=link,
        expires_at=timezone.now() + timedelta(days=settings.SUBJECT_ACCESS_COPY_DAYS),
    )
    services.audit(
        action=AuditEvent.Action.COPY_REQUESTED,
        project=storyteller.project,
        actor=by,
        actor_label="" if by else services.STORYTELLER_ACTOR,
        storyteller=storyteller.code,
        copy=copy.pk,
    )
    transaction.on_commit(lambda: make_access_copy.enqueue(copy.pk, base_url))
    return copy


def _update(copy: SubjectAccessCopy, **fields) -> int:
    return SubjectAccessCopy.objects.filter(pk=copy.pk).update(updated_at=timezone.now(), **fields)


def copy_folder(copy_id: int) -> str:
    """The folder only this copy's file uses, so a file a killed run left there can be found."""
    return f"private/access-copies/copy-{copy_id}"


def copy_files(copy: SubjectAccessCopy) -> list[tuple]:
    """Return (storage, name) of every file stored for this copy, a killed run's included."""
    storage = SubjectAccessCopy.file.field.storage
    try:
        _folders, names = storage.listdir(copy_folder(copy.pk))
    except FileNotFoundError:
        names = []
    stored = {f"{copy_folder(copy.pk)}/{name}" for name in names} | {copy.file.name} - {""}
    return [(storage, name) for name in sorted(stored)]


def make_copy(copy_id: int, base_url: str = "") -> str:
    """Write a copy's zip to a temporary file, store it, and schedule its deletion (the worker).

    Run again after its worker was killed, it makes the copy afresh: a file a killed run left in
    the copy's folder is deleted, and the copy ends with one file.
    """
    storage, folder = SubjectAccessCopy.file.field.storage, copy_folder(copy_id)
    copy = (
        SubjectAccessCopy.objects.current()
        .select_related("storyteller__project")
        .filter(pk=copy_id, file="")
        .first()
    )
    if copy is None:
        if not SubjectAccessCopy.objects.filter(pk=copy_id).exists():
            delete_leftovers(storage, folder)
        return "gone"
    _update(copy, state=SubjectAccessCopy.State.RUNNING, progress=1, step="Starting")

    def report(percent: int, step: str) -> None:
        _update(copy, progress=percent, step=step)

    try:
        with tempfile.NamedTemporaryFile(suffix=".zip") as handle:
            write_bundle(copy.storyteller, handle, base_url=base_url, report=report)
            size = handle.tell()
            handle.flush()
            handle.seek(0)
            report(96, "Saving your copy")
            with transaction.atomic():
                stored = _store_locked(copy, storage, folder, File(handle), size)
    except NoRoom:  # nothing of it was kept
        _update(copy, state=SubjectAccessCopy.State.FAILED, error=NO_ROOM)
        return SubjectAccessCopy.State.FAILED
    except Exception:  # the person waiting is told; the details are for the logs
        logger.exception("The copy %s of a storyteller's data could not be made", copy.pk)
        _update(copy, state=SubjectAccessCopy.State.FAILED, error=FAILED)
        return SubjectAccessCopy.State.FAILED
    if stored is None:  # deleted while it was being made: its file must not stay behind
        delete_leftovers(storage, folder)
        return "gone"
    expires_at = stored
    # The newest copy replaces the earlier ones made for the same person.
    for older in SubjectAccessCopy.objects.filter(
        storyteller=copy.storyteller_id, requested_by=copy.requested_by_id, link=copy.link_id
    ).exclude(pk=copy.pk):
        delete_copy(older)
    _schedule_deletion(copy.pk, expires_at)
    return SubjectAccessCopy.State.READY


def _store_locked(copy: SubjectAccessCopy, storage, folder: str, content: File, size: int):
    """Store the zip under the copy's row lock and mark it ready; return when it expires.

    Return None when the copy was deleted meanwhile. In a transaction: a run killed between
    storing and marking leaves its file in the folder, where the next run deletes it.
    """
    if not SubjectAccessCopy.objects.select_for_update().filter(pk=copy.pk, file="").exists():
        return None
    name = store_output(storage, folder, f"{uuid.uuid4().hex}.zip", content)
    expires_at = timezone.now() + timedelta(days=settings.SUBJECT_ACCESS_COPY_DAYS)
    _update(
        copy,
        file=name,
        size=size,
        state=SubjectAccessCopy.State.READY,
        progress=100,
        step="Ready",
        error="",
        expires_at=expires_at,
    )
    return expires_at


def _schedule_deletion(copy_id: int, when) -> None:
    from stories.tasks import delete_access_copy

    # Backends that cannot wait (the demo's in-process one) rely on delete_expired_copies().
    if delete_access_copy.get_backend().supports_defer:
        delete_access_copy.using(run_after=when).enqueue(copy_id)


def shown_state(copy: SubjectAccessCopy) -> tuple[str, str]:
    """Return the state and error to show: a copy with no progress for a while has stopped."""
    waiting = copy.state in (SubjectAccessCopy.State.QUEUED, SubjectAccessCopy.State.RUNNING)
    if waiting and copy.updated_at < timezone.now() - PATIENCE:
        return SubjectAccessCopy.State.FAILED, STOPPED
    return copy.state, copy.error


@transaction.atomic
def record_download(*, copy: SubjectAccessCopy, by=None) -> None:
    """Audit that a copy was downloaded: by the storyteller (by=None) or the curator who asked."""
    services.audit(
        action=AuditEvent.Action.COPY_DOWNLOADED,
        project=copy.storyteller.project,
        actor=by,
        actor_label="" if by else services.STORYTELLER_ACTOR,
        storyteller=copy.storyteller.code,
        copy=copy.pk,
    )


def download_name(copy: SubjectAccessCopy) -> str:
    made = timezone.localtime(copy.created_at)
    return f"corpro-copy-{safe_part(copy.storyteller.code, 'storyteller')}-{made:%Y-%m-%d}.zip"


def delete_copy(copy: SubjectAccessCopy) -> None:
    """Delete a copy and, once that commits, its file."""
    files = copy_files(copy)
    SubjectAccessCopy.objects.filter(pk=copy.pk).delete()
    if files:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def delete_expired_copies() -> int:
    """Delete every expired copy with its file; return how many were deleted."""
    expired = list(SubjectAccessCopy.objects.expired())
    for copy in expired:
        delete_copy(copy)
    return len(expired)


def delete_if_expired(copy_id: int) -> str:
    copy = SubjectAccessCopy.objects.expired().filter(pk=copy_id).first()
    if copy is None:
        return "kept"
    delete_copy(copy)
    return "deleted"


def delete_copies(storyteller: Storyteller) -> None:
    """Delete every copy made for this storyteller, files included (for erasing them)."""
    for copy in SubjectAccessCopy.objects.filter(storyteller=storyteller):
        delete_copy(copy)

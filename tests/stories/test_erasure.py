"""Erasure: a withdrawn story, or a storyteller whose stories are all withdrawn, leaves no trace.

Sentinel words sit in every field and every file. After erasure none is found in any table of
the database (each row read as text), in any file under MEDIA_ROOT, or in any output; only the
tombstone remains. Audit rows are append-only in PostgreSQL, except for erasure's narrow path.
"""

import io
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from sensemaking import services as sensemaking_services
from sensemaking.models import Quote, ReportClip, ReportFile, ReportVersion
from sensemaking.reports import compile_report
from sensemaking.tasks import cut_clip, render_report_pdf
from stories import erasure, services, subject_access
from stories.media import COPY_FIELDS
from stories.models import (
    AuditEvent,
    Consent,
    Recording,
    SearchTerm,
    Story,
    Storyteller,
    StorytellerLink,
    SubjectAccessCopy,
    Transcript,
)
from stories.tasks import make_access_copy
from stories.transcripts import ParsedSegment, ParsedTranscript, parse_transcript_file
from tests.factories import (
    ALL_SCOPES,
    highlight_phrase,
    make_playable,
    make_story,
    make_storyteller,
    make_user,
    make_withdrawn_story,
)

pytestmark = pytest.mark.django_db

STORY = "xylofant"  # in every field and file of the story erased
OTHER_STORY = "wombat"  # in the storyteller's other withdrawn story
STORYTELLER = "quagga"  # in the storyteller's own details
CONTROL = "Funding forms were the hardest part"  # another storyteller's words, which stay

TIMED_VTT = b"""WEBVTT

00:00:00.000 --> 00:00:00.400
<v Xylofantspeaker>Xylofantquote gave me a voice.

00:00:00.400 --> 00:00:00.700
<v Xylofantspeaker>My neighbour Xylofantredacted helped.

00:00:00.700 --> 00:00:01.000
<v Xylofantspeaker>Xylofantfirst words, then more.
"""
CONTROL_VTT = f"""WEBVTT

00:00:00.000 --> 00:00:01.000
<v Dee>{CONTROL}.
""".encode()
QUOTE = "Xylofantquote gave me a voice"


def tagged_recording(folder: Path, title: str) -> Path:
    """A one-second MP3 whose ID3 title holds a sentinel, as a phone's recording might."""
    path = folder / f"{title}.mp3"
    subprocess.run(
        [
            "ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi",
            "-i", "sine=frequency=440:duration=1", "-metadata", f"title={title}", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def upload(story, path: Path, name: str, by) -> Recording:
    with path.open("rb") as handle:
        return services.upload_recording(story=story, upload=File(handle, name=name), by=by)


def render_pdf(version) -> ReportFile:
    pdf = ReportFile.objects.create(
        version=version, kind=ReportFile.Kind.PDF, fingerprint=compile_report(version).fingerprint
    )
    render_report_pdf.call(pdf.pk, "http://testserver/")
    pdf.refresh_from_db()
    return pdf


@pytest.fixture
def world(team, tmp_path, django_capture_on_commit_callbacks):
    """A storyteller with two withdrawn stories, the first with content everywhere, and
    another storyteller's published story in the same workshop, report and search."""
    storyteller = make_storyteller(
        team.project,
        team.interviewer,
        credit_name="Quaggacredit",
        demographics={"gender": "woman", "sectors": ["criminal_justice"]},
        contact={
            "full_name": "Quaggacontact Name",
            "email": "quagga@example.org",
            "phone": "quagga 0700",
            "notes": "Quagganotes",
        },
    )
    story = services.create_story(
        storyteller=storyteller,
        by=team.interviewer,
        tags=["xylofanttopic"],
        title="Xylofanttitle days",
        summary="Xylofantsummary of what happened.",
        place="Xylofantplace",
    )
    services.record_consent(
        story=story,
        scopes=ALL_SCOPES,
        method=Consent.Method.WRITTEN,
        obtained_on=date(2026, 5, 1),
        obtained_by=team.interviewer,
        recorded_by=team.interviewer,
        evidence=ContentFile(b"%PDF-1.4 Xylofantevidence", name="xylofantevidence.pdf"),
        reason="Xylofantreason",
    )
    first = services.add_transcript(
        story=story,
        parsed=parse_transcript_file(TIMED_VTT, "xylofanttranscript.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
        original_filename="xylofanttranscript.vtt",
    )
    start = first.text.index("Xylofantredacted")
    services.redact_transcript(
        transcript=first,
        char_start=start,
        char_end=start + len("Xylofantredacted"),
        reason="Xylofantredactionreason",
        by=team.curator,
    )
    segments = list(first.segments.all())
    services.add_transcript(
        story=story,
        parsed=ParsedTranscript(
            segments=[
                ParsedSegment(s.text, s.speaker, s.start_seconds, s.end_seconds)
                for s in segments[:2]
            ]
            + [ParsedSegment("Xylofantedited words.", segments[2].speaker, 0.7, 1.0)],
            has_timings=True,
            source_format="vtt",
        ),
        by=team.interviewer,
        origin=Transcript.Origin.EDITED,
    )
    recording = make_playable(
        upload(
            story,
            tagged_recording(tmp_path, "Xylofantid3"),
            "xylofantrecording.mp3",
            team.interviewer,
        )
    )
    services.submit_story(story=story, by=team.interviewer)
    services.request_changes(story=story, by=team.curator, note="Xylofantreview")
    services.submit_story(story=story, by=team.interviewer)
    services.publish_story(story=story, by=team.curator)
    other = make_withdrawn_story(
        team,
        storyteller=storyteller,
        title="Wombattitle",
        transcript="Dee: Wombatwords were said.",
    )

    control = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        transcript=None,
        storyteller=make_storyteller(team.project, team.interviewer, credit_name="Control River"),
        title="Funding days",
    )
    services.add_transcript(
        story=control,
        parsed=parse_transcript_file(CONTROL_VTT, "control.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    control_recording = make_playable(
        upload(control, tagged_recording(tmp_path, "control"), "control.mp3", team.interviewer)
    )
    services.submit_story(story=control, by=team.interviewer)
    services.publish_story(story=control, by=team.curator)

    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story, control]
    )
    (theme,) = sensemaking_services.themes_named(team.project, ["Having a voice"])
    quotes = []
    for who, words, note in ((story, QUOTE, "Xylofantquotenote"), (control, CONTROL, "")):
        start = who.transcripts.get(is_current=True).text.index(words)
        quote = sensemaking_services.highlight(
            workshop=workshop,
            story=who,
            char_start=start,
            char_end=start + len(words),
            themes=[theme],
            note=note,
            user=team.facilitator,
        )
        Quote.objects.filter(pk=quote.pk).update(is_key=True)
        quotes.append(quote)
    sensemaking_services.write_finding(
        workshop=workshop,
        theme=theme,
        statement="People felt heard.",
        quotes=quotes,
        by=team.facilitator,
    )
    version = sensemaking_services.create_report(
        project=team.project, title="Voices", by=team.facilitator
    )
    with django_capture_on_commit_callbacks(execute=True):  # publishing makes the extract rows
        version = sensemaking_services.publish_report(version=version, by=team.curator)
    for clip in ReportClip.objects.all():
        assert cut_clip.call(clip.pk) == "cut"
    pdf = render_pdf(version)
    draft = sensemaking_services.edit_report(
        report=version.report,
        based_on=f"{version.pk}:{version.lock_version}",
        by=team.facilitator,
        workshops=[workshop],
    )
    services.create_storyteller_link(storyteller=storyteller, by=team.curator)
    LogEntry.objects.log_actions(team.curator.pk, [story], CHANGE, "Changed title.")
    # The withdrawals' own consequences are left unrun (as if each had failed), so that the
    # erasure is shown deleting every copy, extract and PDF itself.
    services.withdraw_consent(story=story, reason="Xylofantwithdrawal")
    story.refresh_from_db()
    recording.refresh_from_db()
    target_clip = ReportClip.objects.get(quote=quotes[0])
    return SimpleNamespace(
        storyteller=storyteller,
        story=story,
        other=other,
        control=control,
        recording=recording,
        control_recording=control_recording,
        workshop=workshop,
        quotes=quotes,
        version=version,
        draft=draft,
        report=version.report,
        pdf=pdf,
        files=[
            Path(recording.file.path),
            Path(recording.listener_copy.path),
            Path(story.consents.exclude(evidence="").get().evidence.path),
            Path(target_clip.file.path),
            Path(pdf.file.path),
        ],
    )


def tables_holding(word: str) -> list[str]:
    """Every table of the database with a row that holds the word, each row read as text."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        tables = [row[0] for row in cursor.fetchall()]
        found = []
        for table in tables:
            cursor.execute(
                f'SELECT count(*) FROM "{table}" AS t WHERE t::text ILIKE %s',  # noqa: S608
                [f"%{word}%"],
            )
            if cursor.fetchone()[0]:
                found.append(table)
    return found


def text_of_file(path: Path) -> str:
    """What a file holds, its bytes as text, and the words of a PDF."""
    data = path.read_bytes()
    text = data.decode("latin-1")
    if data.startswith(b"%PDF") and b"%%EOF" in data:
        text += " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.lower().split())


def files_holding(root: Path, word: str) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file() and word in text_of_file(path)]


def stored_names() -> set[str]:
    """The name of every file a row still refers to."""
    names = set()
    for recording in Recording.objects.all():
        names |= {recording.file.name, *(getattr(recording, f).name for f in COPY_FIELDS)}
    names |= set(Consent.objects.values_list("evidence", flat=True))
    names |= set(ReportClip.objects.values_list("file", flat=True))
    names |= set(ReportFile.objects.values_list("file", flat=True))
    return names - {""}


def files_on_disk(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def erase_story(client, story, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("stories:story-erase", args=[story.pk]))


def test_the_check_page_lists_what_will_go(client, team, world):
    client.force_login(team.curator2)
    response = client.get(reverse("stories:story-erase", args=[world.story.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Check what will be erased" in page and "Xylofanttitle days" in page
    plan = response.context["plan"]
    assert plan.counts == {
        "recordings": 1,
        "transcripts": 2,
        "redactions": 2,  # carried over to the second version
        "consents": 2,
        "evidence": 1,
        "quotes": 1,
        "extracts": 1,
        "report_versions": 2,  # the published version and the new draft
        "report_files": 1,
        "history": AuditEvent.objects.filter(story=world.story).count(),
    }
    for item in plan.items:
        assert item.label in page
    assert 'method="post"' in page and "Erase this story" in page
    assert Story.objects.filter(pk=world.story.pk).exists()  # reading erases nothing


def test_erasing_a_story_leaves_nothing_in_the_database_or_storage(
    client, team, world, media_root, django_capture_on_commit_callbacks
):
    # Before: every place the check reads really holds the sentinel, so its absence means it.
    held = set(tables_holding(STORY))
    assert {
        "stories_story",
        "stories_consent",
        "stories_recording",
        "stories_transcript",
        "stories_segment",
        "stories_redaction",
        "stories_auditevent",
        "stories_searchterm",
        "taggit_tag",
        "sensemaking_quote",
        "django_admin_log",
    } <= held
    assert len(files_holding(media_root, STORY)) >= 3  # evidence, recording, PDF
    assert all(path.exists() for path in world.files)
    assert SearchTerm.objects.filter(word="xylofanttitle").exists()
    before = AuditEvent.objects.count() - AuditEvent.objects.filter(story=world.story).count()

    client.force_login(team.curator)
    response = erase_story(client, world.story, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "stories:storyteller-detail", args=[world.storyteller.pk]
    )
    assert tables_holding(STORY) == []
    assert files_holding(media_root, STORY) == []
    assert not any(path.exists() for path in world.files)
    # Nothing stale in storage: every file left belongs to a row that is left.
    assert files_on_disk(media_root) == stored_names()
    assert not SearchTerm.objects.filter(word__startswith="xylofant").exists()
    assert SearchTerm.objects.filter(word="funding").exists()  # words others use stay
    # Only the tombstone is new, and it holds no content.
    assert AuditEvent.objects.count() == before + 1
    tombstone = AuditEvent.objects.get(action=AuditEvent.Action.STORY_ERASED)
    assert tombstone.actor == team.curator and tombstone.story is None
    assert tombstone.details["story_ids"] == [world.story.pk]
    assert tombstone.details["counts"]["quotes"] == 1
    assert world.storyteller.code not in str(tombstone.details)
    # The rest stays: the storyteller, their other story and the other storyteller's story.
    assert set(tables_holding(OTHER_STORY)) >= {"stories_story", "stories_segment"}
    assert "stories_storytellercontact" in tables_holding(STORYTELLER)
    assert Quote.objects.filter(story=world.control).count() == 1
    assert world.control_recording.file.storage.exists(world.control_recording.file.name)
    assert ReportClip.objects.filter(quote__story=world.control).exclude(file="").count() == 1


def sentinels_in(text: str) -> list[str]:
    text = text.lower()
    return [word for word in (STORY, STORYTELLER, "quaggacredit") if word in text]


def outputs(client, report, number: str) -> dict[str, str]:
    """Every output of a report version as text."""

    def get(name, *args):
        return client.get(reverse(f"sensemaking:{name}", args=[report.slug, number, *args]))

    found = {"html": get("report-version").content.decode()}
    docx = Document(io.BytesIO(get("report-docx").content))
    found["docx"] = "\n".join(paragraph.text for paragraph in docx.paragraphs)
    found["csv"] = get("report-data", "csv").content.decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(get("report-data", "xlsx").content))
    found["xlsx"] = " ".join(
        str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row
    )
    archive = zipfile.ZipFile(io.BytesIO(get("report-data", "qdpx").content))
    found["qdpx"] = " ".join(
        archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
    )
    return found


def test_reports_keep_their_layout_and_no_output_holds_the_erased_story(
    client, team, world, django_capture_on_commit_callbacks
):
    client.force_login(team.curator)
    assert compile_report(world.version).removed == 1  # the withdrawal already took the quote
    erase_story(client, world.story, django_capture_on_commit_callbacks)

    version = ReportVersion.objects.get(pk=world.version.pk)
    assert world.story.pk not in version.content["stories"]
    compiled = compile_report(version)
    assert [theme.name for theme in compiled.themes] == ["Having a voice"]
    assert [f.statement for f in compiled.themes[0].findings] == ["People felt heard."]
    assert compiled.removed == 1  # still said: quotes were removed at the storyteller's request
    for number in ("1.0", world.draft.number):
        for kind, text in outputs(client, world.report, number).items():
            assert sentinels_in(text) == [], (number, kind)
            assert CONTROL in text, (number, kind)
    html = outputs(client, world.report, "1.0")["html"]
    assert "Having a voice" in html and "removed at the storyteller" in html
    # The PDF made before is gone with its file; a new one has neither their words nor credit.
    assert not ReportFile.objects.exists()
    text = text_of_file(Path(render_pdf(version).file.path))
    assert sentinels_in(text) == [] and CONTROL.lower() in text
    assert "removed at the storyteller" in text
    # Public pages, the API, feed, sitemap and search.
    client.logout()
    for url in (
        "/",
        reverse("stories:story-list"),
        reverse("stories:story-list") + "?q=days",  # "Funding days" is found, nothing of theirs
        "/api/v1/stories",
        "/api/v1/search?q=voice",
        "/api/v1/tags",
        reverse("stories-feed"),
        reverse("sitemap"),
        reverse("sensemaking:report", args=[world.report.slug]),
    ):
        assert sentinels_in(client.get(url).content.decode()) == [], url
    assert client.get(reverse("stories:public-story", args=[world.story.pk])).status_code == 404


def test_erasing_a_storyteller_takes_their_stories_details_and_links(
    client, team, world, media_root, django_capture_on_commit_callbacks
):
    link, token = services.create_storyteller_link(storyteller=world.storyteller, by=team.curator)
    storyteller_client = type(client)()
    storyteller_client.get(reverse("storyteller:enter", args=[token]))
    assert storyteller_client.get(reverse("storyteller:home")).status_code == 200
    code = world.storyteller.code
    assert "stories_auditevent" in tables_holding(code)  # "storyteller added", "link created"

    client.force_login(team.curator)
    page = client.get(reverse("stories:storyteller-erase", args=[world.storyteller.pk]))
    assert page.status_code == 200
    assert page.context["plan"].counts["stories"] == 2
    assert page.context["plan"].counts["links"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("stories:storyteller-erase", args=[world.storyteller.pk]))

    assert response["Location"] == reverse("stories:storyteller-list", args=[team.project.slug])
    for word in (STORY, OTHER_STORY, STORYTELLER, code):
        assert tables_holding(word) == [], word
    assert files_holding(media_root, STORY) == []
    assert files_on_disk(media_root) == stored_names()
    assert not Storyteller.objects.filter(pk=world.storyteller.pk).exists()
    assert not StorytellerLink.objects.filter(pk=link.pk).exists()
    assert storyteller_client.get(reverse("storyteller:home")).status_code == 403
    tombstone = AuditEvent.objects.get(action=AuditEvent.Action.STORYTELLER_ERASED)
    assert tombstone.details["storyteller_id"] == world.storyteller.pk
    assert sorted(tombstone.details["story_ids"]) == sorted([world.story.pk, world.other.pk])
    assert tombstone.details["counts"]["stories"] == 2
    assert Story.objects.filter(pk=world.control.pk).exists()


@pytest.fixture
def withdrawn(team):
    return make_withdrawn_story(team)


def test_only_a_withdrawn_story_can_be_erased(client, team):
    client.force_login(team.curator)
    for status in ("draft", "submitted", "published"):
        story = make_story(
            team.project, team.interviewer, scopes=ALL_SCOPES, status=status, curator=team.curator
        )
        url = reverse("stories:story-erase", args=[story.pk])
        page = client.get(url).content.decode()
        assert "This story can’t be erased" in page and "Erase this story</button>" not in page
        response = client.post(url)
        assert response.status_code == 409
        assert "withdrawn their consent in full" in response.content.decode()
        assert Story.objects.filter(pk=story.pk).exists()
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.STORY_ERASED).exists()


def test_a_storyteller_with_a_story_not_withdrawn_is_refused(client, team, withdrawn):
    live = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        storyteller=withdrawn.storyteller,
        title="Still going",
    )
    client.force_login(team.curator)
    response = client.post(reverse("stories:storyteller-erase", args=[withdrawn.storyteller_id]))
    assert response.status_code == 409
    page = response.content.decode()
    assert "whose stories are all withdrawn" in page and live.title in page
    assert Story.objects.filter(pk__in=[withdrawn.pk, live.pk]).count() == 2
    assert Storyteller.objects.filter(pk=withdrawn.storyteller_id).exists()


def test_a_storyteller_without_stories_can_be_erased(
    client, team, django_capture_on_commit_callbacks
):
    storyteller = make_storyteller(team.project, team.interviewer, contact={"full_name": "Quagga"})
    client.force_login(team.curator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("stories:storyteller-erase", args=[storyteller.pk]))
    assert not Storyteller.objects.filter(pk=storyteller.pk).exists()
    assert tables_holding(STORYTELLER) == [] and tables_holding(storyteller.code) == []


def test_nobody_but_the_projects_curators_can_erase(client, team, withdrawn):
    participant = make_user()
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="W", by=team.facilitator, participants=[participant]
    )
    _guest, guest_token = sensemaking_services.invite_guest(
        workshop=workshop, display_name="Guest", by=team.facilitator
    )
    story_url = reverse("stories:story-erase", args=[withdrawn.pk])
    storyteller_url = reverse("stories:storyteller-erase", args=[withdrawn.storyteller_id])
    history = AuditEvent.objects.count()
    for user in (
        team.interviewer,  # who gathered it and added the storyteller
        team.interviewer2,
        team.facilitator,
        team.facilitator2,
        team.outsider,  # a curator of another project
        team.nobody,
        participant,
    ):
        client.force_login(user)
        for url in (story_url, storyteller_url):
            assert client.get(url).status_code == 404, (user, url)
            assert client.post(url).status_code == 404, (user, url)
    for who in ("anonymous", "guest"):
        client.logout()
        if who == "guest":
            client.get(reverse("sensemaking:join", args=[guest_token]))
        for url in (story_url, storyteller_url):
            response = client.post(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Story.objects.filter(pk=withdrawn.pk).exists()
    assert Storyteller.objects.filter(pk=withdrawn.storyteller_id).exists()
    assert AuditEvent.objects.count() == history


def test_erase_links_are_shown_to_curators_only(client, team, withdrawn):
    story_page = reverse("stories:story-detail", args=[withdrawn.pk])
    storyteller_page = reverse("stories:storyteller-detail", args=[withdrawn.storyteller_id])
    client.force_login(team.curator)
    assert "Erase this story now" in client.get(story_page).content.decode()
    assert "Erase this storyteller" in client.get(storyteller_page).content.decode()
    client.force_login(team.interviewer)
    assert "Erase this story" not in client.get(story_page).content.decode()
    assert "Erase this storyteller" not in client.get(storyteller_page).content.decode()


def test_the_storyteller_page_keeps_a_line_for_each_erased_story(
    client, team, withdrawn, django_capture_on_commit_callbacks
):
    client.force_login(team.curator)
    erase_story(client, withdrawn, django_capture_on_commit_callbacks)
    page = client.get(reverse("stories:storyteller-detail", args=[withdrawn.storyteller_id]))
    assert f"a withdrawn story erased by {team.curator.get_username()}" in page.content.decode()
    assert withdrawn.title not in page.content.decode()


# ---- Append-only audit rows -------------------------------------------------------------------


def run_sql(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_to_change_or_delete_audit_rows(team, withdrawn):
    event = AuditEvent.objects.filter(story=withdrawn).first()
    with pytest.raises(IntegrityError, match="append-only"):
        run_sql("UPDATE stories_auditevent SET actor_label = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        run_sql("DELETE FROM stories_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk, actor_label=event.actor_label).exists()


def test_the_erasure_path_reaches_only_withdrawn_stories_and_never_updates(team, withdrawn):
    live = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    live_event = AuditEvent.objects.filter(story=live).first()
    withdrawn_event = AuditEvent.objects.filter(story=withdrawn).first()
    with transaction.atomic():
        erasure._allow_erasing([live.pk, withdrawn.pk], [live.storyteller_id])
        with pytest.raises(IntegrityError, match="append-only"):
            run_sql("DELETE FROM stories_auditevent WHERE id = %s", [live_event.pk])
        with pytest.raises(IntegrityError, match="append-only"):  # "storyteller added"
            run_sql(
                "DELETE FROM stories_auditevent "
                "WHERE story_id IS NULL AND details->>'storyteller' = %s",
                [live.storyteller.code],
            )
        with pytest.raises(IntegrityError, match="append-only"):
            run_sql(
                "UPDATE stories_auditevent SET details = '{}' WHERE id = %s", [withdrawn_event.pk]
            )
        run_sql("DELETE FROM stories_auditevent WHERE id = %s", [withdrawn_event.pk])
    assert not AuditEvent.objects.filter(pk=withdrawn_event.pk).exists()
    assert AuditEvent.objects.filter(pk=live_event.pk).exists()


# ---- Retention --------------------------------------------------------------------------------


def withdrawn_days_ago(story: Story, days: int) -> None:
    Consent.objects.filter(pk=story.current_consent_id).update(
        created_at=timezone.now() - timedelta(days=days)
    )


def make_withdrawn(team, storyteller=None, *, days: int) -> Story:
    story = make_withdrawn_story(
        team,
        storyteller=storyteller,
    )
    withdrawn_days_ago(story, days)
    return story


@pytest.mark.django_db(transaction=True)
def test_the_worker_erases_what_the_retention_period_no_longer_keeps(team, run_worker):
    team.project.withdrawn_retention_days = 30
    team.project.save()
    expired = make_withdrawn(team, days=31)  # its storyteller has a story still kept
    kept = make_withdrawn(team, expired.storyteller, days=29)
    everything = make_withdrawn(team, days=40)  # their only story: they go too
    live = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    elsewhere = make_story(
        team.other_project,
        make_user(),
        scopes=ALL_SCOPES,
        status="withdrawn",
        curator=team.outsider,
    )
    withdrawn_days_ago(elsewhere, 400)  # its project keeps withdrawn stories until erased by hand

    out = io.StringIO()
    call_command("erase_expired", "--dry-run", stdout=out)
    assert f"{team.project.slug}: 1 storyteller with all their stories, and 1 more story" in (
        out.getvalue()
    )
    assert Story.objects.count() == 5
    call_command("erase_expired", stdout=io.StringIO())
    assert Story.objects.count() == 5  # queued for the worker, not erased here
    run_worker()

    assert set(Story.objects.values_list("pk", flat=True)) == {kept.pk, live.pk, elsewhere.pk}
    assert Storyteller.objects.filter(pk=expired.storyteller_id).exists()
    assert not Storyteller.objects.filter(pk=everything.storyteller_id).exists()
    tombstones = AuditEvent.objects.filter(
        action__in=[AuditEvent.Action.STORY_ERASED, AuditEvent.Action.STORYTELLER_ERASED]
    )
    assert {(event.action, event.actor_id, event.actor_label) for event in tombstones} == {
        (action, None, "Retention rule: erased 30 days after withdrawal")
        for action in (AuditEvent.Action.STORY_ERASED, AuditEvent.Action.STORYTELLER_ERASED)
    }
    assert not AuditEvent.objects.filter(story__in=[expired.pk, everything.pk]).exists()


def test_the_story_page_says_when_retention_will_erase_it(client, team, withdrawn):
    team.project.withdrawn_retention_days = 30
    team.project.save()
    client.force_login(team.curator)
    page = client.get(reverse("stories:story-detail", args=[withdrawn.pk])).content.decode()
    due = timezone.localtime(withdrawn.current_consent.created_at + timedelta(days=30))
    assert f"goes on the first daily run after {due:%-d %B %Y}" in page


def test_the_check_pages_read_a_fixed_number_of_queries(
    client, team, withdrawn, django_assert_num_queries
):
    for _ in range(2):
        make_withdrawn_story(
            team,
            storyteller=withdrawn.storyteller,
        )
    client.force_login(team.curator)
    # Session, user, story; six counts of the story's own rows (history, recordings,
    # transcripts, redactions, consents, evidence); report versions presenting it, quotes,
    # extracts (no version presents it here, so its PDFs need no query).
    with django_assert_num_queries(12):
        client.get(reverse("stories:story-erase", args=[withdrawn.pk]))
    # The same for all three stories at once, with the storyteller and their stories read
    # first and the storyteller's own history and private links counted after.
    with django_assert_num_queries(15):
        client.get(reverse("stories:storyteller-erase", args=[withdrawn.storyteller_id]))


def test_erasing_a_story_deletes_the_storytellers_copies_that_hold_it(
    client, team, withdrawn, django_capture_on_commit_callbacks
):
    copy = subject_access.request_copy(storyteller=withdrawn.storyteller, by=team.curator)
    make_access_copy.call(copy.pk)
    copy.refresh_from_db()
    assert copy.state == SubjectAccessCopy.State.READY
    stored = Path(copy.file.path)
    assert withdrawn.title.encode() in b"".join(
        zipfile.ZipFile(stored).read(name) for name in zipfile.ZipFile(stored).namelist()
    )
    client.force_login(team.curator)
    erase_story(client, withdrawn, django_capture_on_commit_callbacks)
    assert not SubjectAccessCopy.objects.filter(pk=copy.pk).exists()
    assert not stored.exists()
    assert Storyteller.objects.filter(pk=withdrawn.storyteller_id).exists()


def test_a_story_taken_out_of_a_workshop_leaves_no_report_pdf_of_its_quotes(
    team, media_root, django_capture_on_commit_callbacks
):
    story = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="published",
        curator=team.curator,
        transcript="Dee: Zanzibarquote is what I said.",
    )
    other = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="published",
        curator=team.curator,
        transcript="Dee: Other words here.",
    )
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="W", by=team.facilitator, stories=[story, other]
    )
    (theme,) = sensemaking_services.themes_named(team.project, ["Voice"])
    highlight_phrase(workshop, story, "Zanzibarquote is what I said", [theme], key=True)
    highlight_phrase(workshop, other, "Other words here", [theme], key=True)
    version = sensemaking_services.create_report(
        project=team.project, title="Rep", by=team.facilitator
    )
    render_pdf(version)
    assert files_holding(media_root, "zanzibarquote")
    # Taken out of the workshop, the story keeps its quotes there, and the draft shows them.
    sensemaking_services.set_workshop_stories(
        workshop=workshop, stories=[other], by=team.facilitator
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_consent(story=story, reason="No")
    story.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        erasure.erase_story(story=story, by=team.curator)
    assert files_holding(media_root, "zanzibarquote") == []

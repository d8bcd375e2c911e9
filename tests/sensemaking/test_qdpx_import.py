"""Importing a coded project (.qdpx) from another QDA tool: a dry run first, then stories without
consent, themes, and quotes in a new workshop; safe against hostile files; curators only."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from lxml import etree

from sensemaking import qdpx_import, refiqda, services
from sensemaking.models import ProjectImport, Quote, Theme, Workshop
from stories import services as story_services
from stories.models import AuditEvent, Recording, Story, Transcript
from stories.transcripts import parse_transcript_file
from tests.factories import (
    ALL_SCOPES,
    highlight_phrase,
    make_member,
    make_playable,
    make_project,
    make_story,
)
from tests.sensemaking.test_refiqda import add_ready_recording, assert_valid

pytestmark = pytest.mark.django_db

PR = "{urn:QDA-XML:project:1.0}"
TIMED_VTT = b"""WEBVTT

00:00:00.000 --> 00:00:01.250
<v Dee>My caseworker rang at last.

00:00:01.250 --> 00:00:02.500
<v Dee>Being listened to changed everything.
"""


def export(project) -> bytes:
    out = io.BytesIO()
    quotes = Quote.objects.usable_in_reports().filter(story__project=project)
    refiqda.project_qdpx(project=project, quotes=quotes, out=out)
    return out.getvalue()


def plan_of(data: bytes) -> qdpx_import.Plan:
    return qdpx_import.read_qdpx(qdpx_import.Archive(io.BytesIO(data)))


def import_into(project, data: bytes, by) -> qdpx_import.Imported:
    archive = qdpx_import.Archive(io.BytesIO(data))
    return qdpx_import.import_plan(
        project=project, plan=qdpx_import.read_qdpx(archive), archive=archive, by=by
    )


def agree_for(stories, by) -> None:
    """Record consent for imported stories and submit them, as a curator would."""
    for story in stories:
        story_services.record_consent(
            story=story,
            scopes=ALL_SCOPES,
            method="written",
            obtained_on=date(2026, 5, 1),
            obtained_by=by,
            recorded_by=by,
        )
        story_services.submit_story(story=story, by=by)


def summary(data: bytes) -> dict:
    """What a round trip must keep: codes with their parents, sources' names and texts, and
    each coding's span and code names."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(archive.read("project.qde"))
    names = {}
    codes = set()
    for code in root.iter(f"{PR}Code"):
        names[code.get("guid")] = code.get("name")
        parent = code.getparent()
        codes.add((code.get("name"), parent.get("name") if parent.tag == f"{PR}Code" else None))
    sources = {}
    for audio in root.iter(f"{PR}AudioSource"):
        points = [
            (int(point.get("timeStamp")), int(point.get("position")))
            for point in audio.iter(f"{PR}SyncPoint")
        ]
        sources[audio.get("name")] = points
    for source in root.iter(f"{PR}TextSource"):
        path = source.get("plainTextPath").removeprefix("internal://")
        codings = sorted(
            (
                int(selection.get("startPosition")),
                int(selection.get("endPosition")),
                tuple(
                    sorted(names[ref.get("targetGUID")] for ref in selection.iter(f"{PR}CodeRef"))
                ),
            )
            for selection in source.iter(f"{PR}PlainTextSelection")
        )
        sources[source.get("name")] = (archive.read(f"sources/{path}").decode(), codings)
    return {"codes": codes, "sources": sources}


@pytest.fixture
def coded(team, story, workshop):
    """Two stories with quotes under a small hierarchy of themes."""
    heard = Theme.objects.create(project=team.project, name="Being heard", slug="heard")
    forms = Theme.objects.create(
        project=team.project, name="Forms", slug="forms", parent=heard, colour="#aa3300"
    )
    other = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="submitted",
        title="Before/after: the move?",
    )
    services.set_workshop_stories(workshop=workshop, stories=[story, other], by=team.facilitator)
    highlight_phrase(workshop, story, "Co-production gave me a voice", [heard], by=team.facilitator)
    highlight_phrase(workshop, story, "Funding forms", [forms, heard], by=team.facilitator)
    highlight_phrase(workshop, other, "being heard", [heard], by=team.facilitator)
    return {"heard": heard, "forms": forms}


def test_round_trip_keeps_codes_sources_and_codings(team, coded):
    first = export(team.project)
    elsewhere = make_project()
    curator = make_member(elsewhere, "curator")
    imported = import_into(elsewhere, first, curator)
    agree_for(imported.stories, curator)
    again = export(elsewhere)
    assert_valid("Project-mrt2019.xsd", zipfile.ZipFile(io.BytesIO(again)).read("project.qde"))
    assert summary(again) == summary(first)
    assert {"Being heard", "Forms"} <= {name for name, _parent in summary(first)["codes"]}
    assert len(summary(first)["sources"]) == 2


def test_imported_stories_have_no_consent_and_are_used_nowhere(client, team, coded):
    elsewhere = make_project()
    curator = make_member(elsewhere, "curator")
    imported = import_into(elsewhere, export(team.project), curator)
    assert imported.quotes == 3
    for story in imported.stories:
        assert story.status == Story.Status.DRAFT and story.current_consent is None
        assert story.storyteller.credit_preference == "anonymous"
    assert not Story.objects.public().filter(project=elsewhere).exists()
    assert not Quote.objects.usable_in_sensemaking().filter(story__project=elsewhere).exists()
    client.force_login(curator)
    board = client.get(reverse("sensemaking:board", args=[imported.workshop.pk])).content
    assert b"Co-production gave me a voice" not in board
    event = AuditEvent.objects.get(action=AuditEvent.Action.PROJECT_IMPORTED)
    assert event.actor == curator and event.details["quotes"] == 3
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CODEBOOK_IMPORTED, project=elsewhere
    ).exists()


def test_a_timed_story_with_a_recording_comes_back_with_its_recording_and_times(
    team, workshop, media_files
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    story_services.add_transcript(
        story=story,
        parsed=parse_transcript_file(TIMED_VTT, "talk.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    add_ready_recording(story, media_files["mp3"], by=team.interviewer)
    services.set_workshop_stories(workshop=workshop, stories=[story], by=team.facilitator)
    theme = Theme.objects.create(project=team.project, name="Listening", slug="listening")
    highlight_phrase(workshop, story, "changed everything", [theme], by=team.facilitator)
    elsewhere = make_project()
    curator = make_member(elsewhere, "curator")
    plan = plan_of(export(team.project))
    assert (len(plan.sources), plan.recording_count, plan.coding_count) == (1, 1, 1)
    imported = import_into(elsewhere, export(team.project), curator)
    (new,) = imported.stories
    recording = Recording.objects.get(story=new)
    assert recording.uploaded_by == curator  # through the normal upload, so the worker copies it
    transcript = new.transcripts.get(is_current=True)
    assert [(s.start_seconds, s.text) for s in transcript.segments.order_by("index")] == [
        (0.0, "My caseworker rang at last."),
        (1.25, "Being listened to changed everything."),
    ]
    quote = Quote.objects.get(story=new)
    assert quote.text == "changed everything" and quote.start_seconds == 1.25
    # Once the worker has made the recording playable and consent is recorded, the project
    # exports again with the same recording source, sync points, texts and codings.
    make_playable(recording)
    agree_for(imported.stories, curator)
    again = summary(export(elsewhere))
    assert again == summary(export(team.project))
    assert any(name.endswith(".mp3") for name in again["sources"])


def qualcoder_like(mp3: bytes, *, extra_sources: str = "", text: str | None = None) -> bytes:
    """A project written the way QualCoder's exporter writes one: categories as uncodable
    codes, a text source, an audio source whose transcript is coded between sync points, and a
    PDF and a picture it cannot bring in."""
    text = text if text is not None else "Hello there.\nWe talked about housing and rent.\n"
    transcript = "[00:00:00] Interviewer: Where did you live?\n[00:00:05] Sam: In a hostel.\n"
    start = transcript.index("In a hostel")
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Housing study" origin="QualCoder 3.6"
 creationDateTime="2026-01-01T10:00:00Z">
<Users><User guid="11111111-1111-4111-8111-111111111111" name="default"/></Users>
<CodeBook><Codes>
 <Code guid="c0000000-0000-4000-8000-000000000001" name="Home" isCodable="false" color="#112233">
  <Description>Where people live</Description>
  <Code guid="c0000000-0000-4000-8000-000000000002" name="Rent" isCodable="true" color="#445566"/>
 </Code>
 <Code guid="c0000000-0000-4000-8000-000000000003" name="Hostels" isCodable="true"/>
</Codes></CodeBook>
<Sources>
<TextSource plainTextPath="internal://a1.txt" guid="a0000000-0000-4000-8000-000000000001"
 name="Interview 1.txt">
<PlainTextSelection guid="b0000000-0000-4000-8000-000000000001" startPosition="29"
 endPosition="45"><Description>Strong point</Description>
<Coding guid="d0000000-0000-4000-8000-000000000001"><CodeRef
 targetGUID="c0000000-0000-4000-8000-000000000002"/></Coding></PlainTextSelection>
<PlainTextSelection guid="b0000000-0000-4000-8000-000000000002" startPosition="40"
 endPosition="4000"><Coding guid="d0000000-0000-4000-8000-000000000002"><CodeRef
 targetGUID="c0000000-0000-4000-8000-000000000002"/></Coding></PlainTextSelection>
</TextSource>
<AudioSource path="internal://m1.mp3" guid="a0000000-0000-4000-8000-000000000002"
 name="Sam interview.mp3">
<Transcript plainTextPath="internal://t1.txt" guid="e0000000-0000-4000-8000-000000000001"
 name="Sam interview.mp3.transcribed">
<SyncPoint guid="f0000000-0000-4000-8000-000000000001" position="0" timeStamp="0"/>
<SyncPoint guid="f0000000-0000-4000-8000-000000000002" position="{start}" timeStamp="5000"/>
<SyncPoint guid="f0000000-0000-4000-8000-000000000003" position="{start + 11}" timeStamp="7000"/>
<TranscriptSelection guid="b0000000-0000-4000-8000-000000000003" name="Sam interview"
 fromSyncPoint="f0000000-0000-4000-8000-000000000002"
 toSyncPoint="f0000000-0000-4000-8000-000000000003">
<Coding guid="d0000000-0000-4000-8000-000000000003"><CodeRef
 targetGUID="c0000000-0000-4000-8000-000000000003"/></Coding></TranscriptSelection>
</Transcript>
</AudioSource>
<PDFSource path="internal://p1.pdf" guid="a0000000-0000-4000-8000-000000000003" name="Leaflet.pdf"/>
<PictureSource path="internal://i1.png" guid="a0000000-0000-4000-8000-000000000004"
 name="Photo of the flat.png"/>
{extra_sources}
</Sources>
</Project>"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/a1.txt", text)
        archive.writestr("sources/t1.txt", transcript)
        archive.writestr("sources/p1.pdf", b"%PDF-1.4")
        archive.writestr("sources/i1.png", b"\x89PNG")
        archive.writestr("sources/m1.mp3", mp3)
    return out.getvalue()


@pytest.fixture
def mp3(media_files) -> bytes:
    return media_files["mp3"].read_bytes()


@pytest.fixture
def qualcoder(mp3):
    return qualcoder_like(mp3)


def test_dry_run_of_a_qualcoder_project_counts_and_names_what_it_cannot_map(qualcoder):
    plan = plan_of(qualcoder)
    assert plan.name == "Housing study" and plan.origin == "QualCoder 3.6"
    assert (len(plan.sources), plan.code_count, plan.coding_count) == (2, 3, 2)
    problems = " ".join(plan.problems)
    assert "“Leaflet.pdf” is a PDF source" in problems
    assert "“Photo of the flat.png” is a picture source" in problems
    assert "A coding in “Interview 1.txt” (characters 40 to 4000) does not fit its text" in problems


def test_a_qualcoder_project_imports_with_hierarchy_notes_recording_and_times(team, qualcoder):
    imported = import_into(team.project, qualcoder, team.curator)
    rent = Theme.objects.get(project=team.project, name="Rent")
    assert rent.parent.name == "Home" and rent.colour == "#445566"
    assert Theme.objects.get(project=team.project, name="Home").description == "Where people live"
    quotes = {quote.text: quote for quote in Quote.objects.filter(workshop=imported.workshop)}
    assert set(quotes) == {"housing and rent", "In a hostel"}
    assert quotes["housing and rent"].note == "Strong point"
    assert [theme.name for theme in quotes["In a hostel"].themes.all()] == ["Hostels"]
    hostels = Theme.objects.get(project=team.project, name="Hostels")
    assert quotes["In a hostel"].theme_ids == str(hostels.pk)  # What the transcript page paints.
    sam = Story.objects.get(title="Sam interview.mp3")
    assert Recording.objects.filter(story=sam).count() == 1
    assert quotes["In a hostel"].start_seconds == 5.0
    assert Workshop.objects.get(pk=imported.workshop.pk).title == "Imported from Housing study"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "it is not a ZIP archive"),
        (b"PK\x03\x04broken", "it is not a ZIP archive"),
    ],
)
def test_files_that_are_not_projects_are_refused_plainly(data, message):
    with pytest.raises(Exception, match=message):
        plan_of(data)


def zipped(**members) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name.replace("__", "/"), content)
    return out.getvalue()


def test_entities_are_refused_before_parsing():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="&b;"/>'
    )
    with pytest.raises(Exception, match="document type declaration"):
        plan_of(zipped(**{"project.qde": bomb}))


def test_a_project_file_that_unpacks_too_large_is_refused_without_reading_it_all():
    huge = "<" + " " * (qdpx_import.MAX_PROJECT_XML_BYTES + 10)
    data = zipped(**{"project.qde": huge})
    assert len(data) < 1024**2  # a small file that would unpack to more than 50 MB
    with pytest.raises(Exception, match="larger than 50 MB"):
        plan_of(data)


def test_a_text_that_unpacks_too_large_is_left_out_with_a_message(mp3):
    big = "x" * (qdpx_import.MAX_TEXT_BYTES + 1)
    plan = plan_of(qualcoder_like(mp3, text=big))
    assert [source.name for source in plan.sources] == ["Sam interview.mp3"]
    assert "The text of “Interview 1.txt” is larger than 20 MB" in " ".join(plan.problems)


def test_one_text_pointed_at_many_times_is_read_within_one_budget(mp3, monkeypatch):
    # As a small file whose 2,000 sources point at one big text, each with other capitals.
    monkeypatch.setattr(qdpx_import, "MAX_READ_BYTES", 1024**2)
    extra = "".join(
        f'<TextSource plainTextPath="internal://{name}" name="Copy {number}" '
        f'guid="a1000000-0000-4000-8000-{number:012}"/>'
        for number, name in enumerate(["A1.TXT", "a1.Txt", "A1.txt", "a1.TXT"] * 2, start=1)
    )
    data = qualcoder_like(mp3, text="y" * 300_000, extra_sources=extra)
    with pytest.raises(Exception, match="more than 1 MB, which is too much to read"):
        plan_of(data)


def test_a_damaged_text_inside_the_file_is_refused_with_a_message(mp3):
    data = bytearray(qualcoder_like(mp3, text="Hello there. " * 200))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("sources/a1.txt")
    # Break the text's bytes (past its local header) so its checksum no longer matches.
    start = info.header_offset + 30 + len(info.filename) + 10
    data[start : start + 20] = b"\x00" * 20
    with pytest.raises(Exception, match="is damaged or encrypted"):
        plan_of(bytes(data))


def test_a_sync_point_with_an_absurd_time_is_left_out(mp3):
    with zipfile.ZipFile(io.BytesIO(qualcoder_like(mp3))) as original:
        members = {info.filename: original.read(info) for info in original.infolist()}
    members["project.qde"] = members["project.qde"].replace(
        b'timeStamp="5000"', b'timeStamp="' + b"9" * 400 + b'"'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    plan = plan_of(out.getvalue())  # and the worker never meets the number
    (audio,) = [source for source in plan.sources if source.name == "Sam interview.mp3"]
    assert all(stamp <= qdpx_import.MAX_TIMESTAMP_MS for _, stamp in audio.sync)


def test_paths_out_of_the_archive_are_never_followed(mp3):
    extra = (
        '<TextSource plainTextPath="internal://../../etc/passwd" '
        'guid="a0000000-0000-4000-8000-000000000009" name="Escape"/>'
        '<TextSource plainTextPath="absolute:///etc/passwd" '
        'guid="a0000000-0000-4000-8000-000000000010" name="Absolute"/>'
    )
    plan = plan_of(qualcoder_like(mp3, extra_sources=extra))
    problems = " ".join(plan.problems)
    assert "The text of “Escape” is not inside the file" in problems
    assert "The text of “Absolute” is not inside the file" in problems
    assert "root:" not in "".join(source.text for source in plan.sources)


def upload(client, project, data: bytes, name="project.qdpx"):
    url = reverse("sensemaking:project-import", args=[project.slug])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def check_and_start(client, project, data: bytes):
    """Check a file on the page and press Import; return the import's row."""
    response = upload(client, project, data)
    job = etree.HTML(response.content).xpath("//input[@name='import']/@value")[0]
    url = reverse("sensemaking:project-import", args=[project.slug])
    response = client.post(url, {"import": job})
    assert response["Location"] == reverse(
        "sensemaking:project-import-status", args=[project.slug, job]
    )
    return ProjectImport.objects.get(pk=job)


def test_pressing_import_queues_the_task_for_the_worker(
    client, team, qualcoder, django_capture_on_commit_callbacks
):
    client.force_login(team.curator)
    with django_capture_on_commit_callbacks(execute=True):
        job = check_and_start(client, team.project, qualcoder)
    (queued,) = DBTaskResult.objects.filter(task_path="sensemaking.qdpx_import.run_import")
    assert queued.args_kwargs["args"] == [job.pk]
    assert not Story.objects.filter(project=team.project).exists()  # the worker imports it


def test_the_page_checks_first_then_the_worker_imports_once(
    client, team, qualcoder, django_assert_max_num_queries
):
    client.force_login(team.curator)
    stories_before = Story.objects.count()
    # session 1 + user 1 + project 1 + forgetting old lists 1 + old files 1 + the check's
    # row 1 = 6
    with django_assert_max_num_queries(6):
        response = upload(client, team.project, qualcoder)
    page = response.content.decode()
    assert "What will arrive from “Housing study”" in page
    assert "2 sources, each as a draft story, 1 with its recording" in page
    assert "3 codes, as themes" in page and "2 codings, as quotes" in page
    assert "“Leaflet.pdf” is a PDF source" in page
    assert "The stories arrive without consent." in page
    assert Story.objects.count() == stories_before  # a dry run writes no stories

    job = check_and_start(client, team.project, qualcoder)
    assert job.state == ProjectImport.State.QUEUED
    status = reverse("sensemaking:project-import-status", args=[team.project.slug, job.pk])
    assert "This page updates by itself" in client.get(status).content.decode()
    assert client.get(status, {"format": "json"}).json()["state"] == "queued"

    assert qdpx_import.run_import.call(job.pk) == "done"
    job.refresh_from_db()
    assert not job.file and (job.stories, job.quotes) == (2, 2)
    # session 1 + user 1 + project 1 + import with its workshop 1 = 4
    with django_assert_max_num_queries(4):
        page = client.get(status).content.decode()
    assert "2 stories and 2 quotes are in the workshop" in page
    assert "record its storyteller’s consent" in page and "Leaflet.pdf" in page
    assert qdpx_import.run_import.call(job.pk) == "done"  # a second run does nothing
    assert Workshop.objects.filter(title="Imported from Housing study").count() == 1

    again = client.post(
        reverse("sensemaking:project-import", args=[team.project.slug]), {"import": job.pk}
    )
    assert "imported already" in client.get(again["Location"]).content.decode()


def test_an_import_that_fails_says_why_imports_nothing_and_keeps_no_file(client, team, mp3):
    client.force_login(team.curator)
    job = check_and_start(client, team.project, qualcoder_like(mp3))
    name = job.file.name
    # The file changes under the worker (a disk fault, say): the next read finds no project.
    job.file.storage.delete(name)
    job.file.storage.save(name, io.BytesIO(zipped(**{"other.txt": "x"})))
    assert qdpx_import.run_import.call(job.pk) == "failed"
    job.refresh_from_db()
    assert "has no project.qde inside" in job.error and not job.file
    assert not job.file.storage.exists(name)
    assert not Workshop.objects.filter(project=team.project).exists()
    status = reverse("sensemaking:project-import-status", args=[team.project.slug, job.pk])
    page = client.get(status).content.decode()
    assert "The import did not finish" in page and "Choose the file again" in page


def test_a_bad_file_is_named_on_the_form(client, team):
    client.force_login(team.curator)
    page = upload(client, team.project, b"hello").content.decode()
    assert "There is a problem" in page and "it is not a ZIP archive" in page
    page = upload(client, team.project, zipped(**{"sources__a.txt": "x"})).content.decode()
    assert "has no project.qde inside" in page
    assert not ProjectImport.objects.exists()


def test_an_import_of_another_project_cannot_be_started_or_seen(client, team, qualcoder):
    other_curator = make_member(team.other_project, "curator")
    client.force_login(other_curator)
    theirs = ProjectImport.objects.get(pk=check_and_start(client, team.other_project, qualcoder).pk)
    client.force_login(team.curator)
    url = reverse("sensemaking:project-import", args=[team.project.slug])
    for value in (theirs.pk, "../../etc/passwd", "99999999999999999999"):
        response = client.post(url, {"import": value})
        assert response.status_code == 302
        assert response["Location"] == url
    status = reverse("sensemaking:project-import-status", args=[team.project.slug, theirs.pk])
    assert client.get(status).status_code == 404


def test_only_curators_of_the_project_may_import(client, team, qualcoder):
    url = reverse("sensemaking:project-import", args=[team.project.slug])
    client.force_login(team.curator2)
    job = check_and_start(client, team.project, qualcoder)
    status = reverse("sensemaking:project-import-status", args=[team.project.slug, job.pk])
    for user in (team.facilitator, team.interviewer, team.outsider, team.nobody):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert upload(client, team.project, qualcoder).status_code == 404
        assert client.post(url, {"import": job.pk}).status_code == 404
        assert client.get(status).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("login"))
    assert client.get(status)["Location"].startswith(reverse("login"))
    assert ProjectImport.objects.count() == 1
    client.force_login(team.curator)  # another curator of the project may follow it
    assert client.get(status).status_code == 200


def test_the_codebook_page_links_curators_to_the_import(client, team):
    link = reverse("sensemaking:project-import", args=[team.project.slug])
    codebook = reverse("sensemaking:codebook", args=[team.project.slug])
    client.force_login(team.curator)
    assert link in client.get(codebook).content.decode()
    client.force_login(team.facilitator)
    assert link not in client.get(codebook).content.decode()


def test_inline_text_notes_and_whole_source_codings_are_understood():
    """Some tools put the words in the project file itself and a coding's memo in <Notes>."""
    qde = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Inline" origin="MAXQDA 24">
<CodeBook><Codes>
 <Code guid="c0000000-0000-4000-8000-000000000001" name="Money" isCodable="true"/>
</Codes></CodeBook>
<Notes>
 <Note guid="9a000000-0000-4000-8000-000000000001" name="Memo">
  <PlainTextContent>Ask about benefits.</PlainTextContent></Note>
</Notes>
<Sources>
<TextSource guid="a0000000-0000-4000-8000-000000000001" name="Notes from Ana">
<PlainTextContent>Money ran out every month.</PlainTextContent>
<PlainTextSelection guid="b0000000-0000-4000-8000-000000000001" startPosition="0"
 endPosition="13"><Description>First words</Description>
<Coding guid="d0000000-0000-4000-8000-000000000001"><CodeRef
 targetGUID="c0000000-0000-4000-8000-000000000001"/></Coding>
<NoteRef targetGUID="9a000000-0000-4000-8000-000000000001"/></PlainTextSelection>
<Coding guid="d0000000-0000-4000-8000-000000000002"><CodeRef
 targetGUID="c0000000-0000-4000-8000-000000000001"/></Coding>
</TextSource>
</Sources>
</Project>"""
    plan = plan_of(zipped(**{"project.qde": qde}))
    (source,) = plan.sources
    assert source.text == "Money ran out every month."
    (selection,) = source.selections
    assert selection.note == "First words\n\nAsk about benefits."
    assert "“Notes from Ana” is coded as a whole" in " ".join(plan.problems)


def test_an_import_not_heard_of_for_half_an_hour_shows_as_stopped(client, team):
    job = ProjectImport.objects.create(
        project=team.project, original_filename="big.qdpx", state="running", created_by=team.curator
    )
    status = reverse("sensemaking:project-import-status", args=[team.project.slug, job.pk])
    client.force_login(team.curator)
    assert "This page updates by itself" in client.get(status).content.decode()
    ProjectImport.objects.filter(pk=job.pk).update(
        updated_at=job.updated_at - timedelta(minutes=31)
    )
    page = client.get(status).content.decode()
    assert "It stopped before it finished" in page and "Choose the file again" in page
    assert client.get(status, {"format": "json"}).json()["stopped"] is True


def test_files_of_imports_a_day_old_that_never_finished_are_deleted_at_the_next_check(
    client, team, qualcoder
):
    client.force_login(team.curator)
    never_started = check_and_start(client, team.project, qualcoder)
    upload(client, team.project, qualcoder)
    never_imported = ProjectImport.objects.get(state=ProjectImport.State.CHECKED)
    files = [never_started.file.name, never_imported.file.name]
    ProjectImport.objects.update(created_at=never_started.created_at - timedelta(days=1, seconds=1))
    upload(client, team.project, qualcoder)
    storage = never_started.file.storage
    assert not any(storage.exists(name) for name in files)
    assert not ProjectImport.objects.filter(pk=never_imported.pk).exists()
    never_started.refresh_from_db()
    assert never_started.state == ProjectImport.State.FAILED and not never_started.file
    assert qdpx_import.run_import.call(never_started.pk) == "failed"  # the worker, late
    assert ProjectImport.objects.filter(state=ProjectImport.State.CHECKED).count() == 1


def test_what_was_left_out_is_forgotten_a_day_later(client, team, qualcoder):
    client.force_login(team.curator)
    job = check_and_start(client, team.project, qualcoder)
    qdpx_import.run_import.call(job.pk)
    job.refresh_from_db()
    assert any("Leaflet.pdf" in note for note in job.notes)
    ProjectImport.objects.update(created_at=job.created_at - timedelta(days=1, seconds=1))
    upload(client, team.project, qualcoder)
    job.refresh_from_db()
    assert job.notes == [] and (job.stories, job.quotes) == (2, 2)

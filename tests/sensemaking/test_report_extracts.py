"""The playlist of extracts: chosen from any quote the report may use, in the editor's order."""

import io
import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files import File
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from sensemaking import services
from sensemaking.models import ReportClip, ReportFile, ReportVersion
from sensemaking.reports import chapters_vtt, compile_report, extract_clips, playlist
from sensemaking.tasks import cut_clip, make_playlist, render_report_pdf
from stories import services as story_services
from stories.models import AuditEvent, Transcript
from stories.transcripts import parse_transcript_file
from tests.factories import ALL_SCOPES, highlight_phrase, make_playable, make_story

pytestmark = pytest.mark.django_db

# One word every two seconds, so an extract's times show it spans just the quoted words.
WORDS_VTT = b"""WEBVTT

00:00:00.000 --> 00:00:20.000
<v Dee>When <00:00:02.000>I <00:00:04.000>was <00:00:06.000>young <00:00:08.000>we \
<00:00:10.000>lived <00:00:12.000>by <00:00:14.000>the <00:00:16.000>sea <00:00:18.000>then.

00:00:20.000 --> 00:00:24.000
<v Dee>It was cold.
"""
KEY = "When I was young"
OTHER = "lived by the"
COLD = "It was cold"


@pytest.fixture
def tone(tmp_path) -> Path:
    path = tmp_path / "talk.mp3"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
         "-i", "sine=frequency=440:duration=24", path],
        check=True,
    )  # fmt: skip
    return path


def timed_story(team, tone: Path | None, *, scopes=ALL_SCOPES, publish=True, title="By the sea"):
    """A story with word times, a playable recording of `tone` (if given), published."""
    story = make_story(
        team.project, team.interviewer, scopes=scopes, status="submitted", title=title
    )
    story_services.add_transcript(
        story=story,
        parsed=parse_transcript_file(WORDS_VTT, "talk.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    if tone is not None:
        with tone.open("rb") as handle:
            recording = story_services.upload_recording(
                story=story, upload=File(handle, name="talk.mp3"), by=team.interviewer
            )
        make_playable(recording)
    if publish:
        story_services.publish_story(story=story, by=team.curator)
    return story


@pytest.fixture
def draft(team, tone, django_capture_on_commit_callbacks):
    """A report draft with one key quote and two other quotes of a story that may be heard."""
    story = timed_story(team, tone)
    workshop = services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    (theme,) = services.themes_named(team.project, ["Home"])
    key = highlight_phrase(workshop, story, KEY, [theme], by=team.facilitator, key=True)
    other = highlight_phrase(workshop, story, OTHER, [theme], by=team.facilitator)
    cold = highlight_phrase(workshop, story, COLD, [theme], by=team.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.create_report(project=team.project, title="Voices", by=team.facilitator)
    return SimpleNamespace(
        story=story,
        workshop=workshop,
        theme=theme,
        key=key,
        other=other,
        cold=cold,
        version=version,
        slug=version.report.slug,
    )


def latest(slug: str) -> ReportVersion:
    return (
        ReportVersion.objects.filter(report__slug=slug)
        .select_related("report")
        .order_by("-major", "-minor")
        .first()
    )


def press(client, slug, action, quote=None, *, use_anyway=False, based_on=None, callbacks=None):
    """Press one of the edit page's playlist buttons, as a browser without JavaScript does."""
    version = latest(slug)
    data = {"based_on": based_on or f"{version.pk}:{version.lock_version}", "action": action}
    if quote is not None:
        data["quote"] = quote
    if use_anyway:
        data["use_anyway"] = "on"
    url = reverse("sensemaking:report-extracts", args=[slug])
    with callbacks(execute=True):
        return client.post(url, data)


def cut_every_clip():
    for clip in ReportClip.objects.filter(file=""):
        assert cut_clip.call(clip.pk) == "cut"


def page_text(client, slug, name="report", *args) -> str:
    return client.get(reverse(f"sensemaking:{name}", args=[slug, *args])).content.decode()


def in_order(text: str, *words: str) -> bool:
    """Whether the words come in this order in the text's list of extracts (or the text)."""
    if "Listen to extracts" in text:
        text = text[text.rindex("Listen to extracts") :]
    places = [text.index(word) for word in words]
    return places == sorted(places)


def test_key_quotes_play_until_the_editor_adds_any_quote_the_report_may_use(
    client, draft, team, django_capture_on_commit_callbacks
):
    client.force_login(team.facilitator)
    edit = page_text(client, draft.slug, "report-edit")
    assert "Until you choose, they are the key quotes" in edit
    assert f'value="{draft.other.pk}"' in edit  # offered in the list of quotes to add
    assert [quote.id for quote in compile_report(latest(draft.slug)).extract_quotes] == [
        draft.key.pk
    ]

    response = press(
        client, draft.slug, "add", draft.other.pk, callbacks=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert latest(draft.slug).extracts == [draft.key.pk, draft.other.pk]
    assert "You chose them." in page_text(client, draft.slug, "report-edit")
    cut_every_clip()
    html = page_text(client, draft.slug)
    assert html.count("<audio") == 2 and in_order(html, f"“{KEY}", f"“{OTHER}")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.REPORT_EDITED).latest("pk")
    assert event.details["extracts"] == [draft.key.pk, draft.other.pk]
    assert event.actor == team.facilitator


def test_a_chosen_extract_spans_just_its_quoted_words(
    client, draft, team, django_capture_on_commit_callbacks
):
    client.force_login(team.facilitator)
    press(client, draft.slug, "add", draft.other.pk, callbacks=django_capture_on_commit_callbacks)
    clip = ReportClip.objects.get(quote=draft.other)
    assert (clip.start_seconds, clip.end_seconds) == (10.0, 16.0)  # not the cue's 0–20 s


def test_the_editors_order_is_the_order_of_every_rendering(
    client, draft, team, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(team.facilitator)
    for action, quote in (
        ("add", draft.other.pk),
        ("add", draft.cold.pk),
        (f"up-{draft.cold.pk}", None),
    ):
        response = press(
            client, draft.slug, action, quote, callbacks=django_capture_on_commit_callbacks
        )
        assert response.status_code == 302
    assert latest(draft.slug).extracts == [draft.key.pk, draft.cold.pk, draft.other.pk]
    press(client, draft.slug, f"down-{draft.key.pk}", callbacks=django_capture_on_commit_callbacks)
    order = [draft.cold.pk, draft.key.pk, draft.other.pk]
    assert latest(draft.slug).extracts == order
    cut_every_clip()
    words = (f"“{COLD}", f"“{KEY}", f"“{OTHER}")
    version = latest(draft.slug)

    assert in_order(page_text(client, draft.slug), *words)
    vtt = page_text(client, draft.slug, "report-chapters", version.number)
    assert in_order(vtt, *words) and vtt.count(" --> ") == 3

    url = reverse("sensemaking:report-pdf", args=[draft.slug, version.number])
    client.post(url)
    render_report_pdf.call(
        ReportFile.objects.get(kind=ReportFile.Kind.PDF).pk, "http://testserver/"
    )
    reader = PdfReader(io.BytesIO(b"".join(client.get(url).streaming_content)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert in_order(text, *words)

    docx = client.get(reverse("sensemaking:report-docx", args=[draft.slug, version.number]))
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert in_order("\n".join(paragraphs), *words)

    url = reverse("sensemaking:report-playlist", args=[draft.slug, version.number])
    client.post(url)
    assert make_playlist.call(ReportFile.objects.get(kind=ReportFile.Kind.PLAYLIST).pk) == "ready"
    joined = tmp_path / "extracts.m4a"
    joined.write_bytes(b"".join(client.get(url).streaming_content))
    probed = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_chapters", joined],
            check=True,
            capture_output=True,
        ).stdout
    )
    titles = [chapter["tags"]["title"] for chapter in probed["chapters"]]
    assert len(titles) == 3
    for number, (title, word) in enumerate(zip(titles, words, strict=True), start=1):
        assert title.startswith(f"{number}. {word}")


def test_removing_extracts_and_going_back_to_the_key_quotes(
    client, draft, team, django_capture_on_commit_callbacks
):
    client.force_login(team.facilitator)
    press(
        client, draft.slug, f"remove-{draft.key.pk}", callbacks=django_capture_on_commit_callbacks
    )
    assert latest(draft.slug).extracts == []
    assert "<audio" not in page_text(client, draft.slug)
    assert "The playlist is empty." in page_text(client, draft.slug, "report-edit")
    press(client, draft.slug, "reset", callbacks=django_capture_on_commit_callbacks)
    assert latest(draft.slug).extracts is None
    assert [q.id for q in compile_report(latest(draft.slug)).extract_quotes] == [draft.key.pk]


def test_each_refusal_says_why_and_changes_nothing(
    client, draft, team, tone, django_capture_on_commit_callbacks
):
    silent = timed_story(team, None, title="No recording")
    private = timed_story(team, tone, publish=False, title="Not public")
    unquotable = timed_story(
        team,
        tone,
        scopes={**ALL_SCOPES, "quote_anonymous": False, "quote_credited": False},
        title="Not quotable",
    )
    unheard = timed_story(
        team, tone, scopes={**ALL_SCOPES, "publish_audio": False}, title="Unheard"
    )
    stories = [draft.story, silent, private, unquotable, unheard]
    services.set_workshop_stories(workshop=draft.workshop, stories=stories, by=team.facilitator)
    quoted = {
        story.title: highlight_phrase(draft.workshop, story, OTHER, [draft.theme])
        for story in (silent, private, unquotable, unheard)
    }
    # A workshop started after the report is not one of its workshops.
    later = services.create_workshop(
        project=team.project, title="Later", by=team.facilitator, stories=[draft.story]
    )
    elsewhere = highlight_phrase(later, draft.story, COLD)
    client.force_login(team.facilitator)
    press(client, draft.slug, "add", draft.other.pk, callbacks=django_capture_on_commit_callbacks)
    before = latest(draft.slug)
    events = AuditEvent.objects.count()
    clips = set(ReportClip.objects.values_list("pk", flat=True))

    cases = [
        (("add", draft.other.pk), "That quote is already in the playlist."),
        (("add", 987654321), "There is no such quote in this report’s workshops."),
        (("add", elsewhere.pk), "There is no such quote in this report’s workshops."),
        (("add", quoted["No recording"].pk), "story has no recording"),
        (("add", quoted["Not public"].pk), "or their story is not public"),
        (("add", quoted["Not quotable"].pk), "has not agreed to be quoted"),
        (("add", quoted["Unheard"].pk), "agreed to their recording being published"),
        (("add", "ten"), "Choose a quote from the list."),
        (("add", ""), "Choose a quote to add to the playlist."),
        (("add", 10**30), "Choose a quote from the list."),
        (("remove-12345", None), "That quote is no longer in the playlist."),
        (("delete-everything", None), "Press one of the playlist’s buttons."),
    ]
    for (action, quote), message in cases:
        response = press(
            client, draft.slug, action, quote, callbacks=django_capture_on_commit_callbacks
        )
        assert response.status_code == 200, (action, quote)
        html = response.content.decode()
        assert "There is a problem" in html and message in html, (action, quote, message)
        now = latest(draft.slug)
        assert (now.pk, now.extracts, now.lock_version) == (
            before.pk,
            before.extracts,
            before.lock_version,
        )
    assert AuditEvent.objects.count() == events
    assert set(ReportClip.objects.values_list("pk", flat=True)) == clips

    stale = press(
        client,
        draft.slug,
        "add",
        draft.cold.pk,
        based_on=f"{before.pk}:{before.lock_version - 1}",
        callbacks=django_capture_on_commit_callbacks,
    )
    assert stale.status_code == 302
    assert latest(draft.slug).extracts == before.extracts


def test_only_the_team_changes_the_playlist(
    client, draft, team, django_capture_on_commit_callbacks
):
    for visitor in (None, team.interviewer, team.outsider, team.nobody):
        client.logout()
        if visitor:
            client.force_login(visitor)
        response = press(
            client, draft.slug, "add", draft.other.pk, callbacks=django_capture_on_commit_callbacks
        )
        assert response.status_code in (302, 404)
        assert latest(draft.slug).extracts is None
    client.force_login(team.curator2)
    press(client, draft.slug, "add", draft.other.pk, callbacks=django_capture_on_commit_callbacks)
    assert latest(draft.slug).extracts == [draft.key.pk, draft.other.pk]


def outputs(client, slug, number) -> dict[str, str]:
    """The playlist as every rendering lists it: web page, PDF, Word, chapters (WebVTT)."""
    found = {"html": page_text(client, slug, "report-version", number)}
    docx = client.get(reverse("sensemaking:report-docx", args=[slug, number]))
    found["docx"] = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    url = reverse("sensemaking:report-pdf", args=[slug, number])
    client.post(url)
    made = ReportFile.objects.filter(kind=ReportFile.Kind.PDF).latest("pk")
    render_report_pdf.call(made.pk, "http://testserver/")
    data = b"".join(client.get(url).streaming_content)
    found["pdf"] = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    compiled = compile_report(latest(slug))
    found["vtt"] = chapters_vtt(playlist(compiled))
    return found


@pytest.mark.parametrize(
    "withdrawn",
    [
        {"publish_audio": False},
        {"quote_anonymous": False, "quote_credited": False},
    ],
    ids=["audio", "quoting"],
)
def test_a_withdrawal_takes_a_chosen_extract_out_of_every_output_and_deletes_its_clip(
    client, draft, team, withdrawn, django_capture_on_commit_callbacks
):
    client.force_login(team.facilitator)
    press(client, draft.slug, "add", draft.other.pk, callbacks=django_capture_on_commit_callbacks)
    cut_every_clip()
    number = latest(draft.slug).number
    for kind, text in outputs(client, draft.slug, number).items():
        assert f"“{OTHER}" in text, kind
    url = reverse("sensemaking:report-playlist", args=[draft.slug, number])
    client.post(url)
    make_playlist.call(ReportFile.objects.get(kind=ReportFile.Kind.PLAYLIST).pk)
    joined = Path(ReportFile.objects.get(kind=ReportFile.Kind.PLAYLIST).file.path)
    clip = ReportClip.objects.get(quote=draft.other)
    stored = Path(clip.file.path)
    clip_url = reverse("sensemaking:report-clip", args=[draft.slug, number, clip.pk])
    assert client.get(clip_url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        story_services.change_consent_scopes(
            story=draft.story, scopes={**ALL_SCOPES, **withdrawn}, by=team.curator
        )
    assert not ReportClip.objects.filter(quote=draft.other).exists() and not stored.exists()
    assert not ReportFile.objects.filter(kind=ReportFile.Kind.PLAYLIST).exists()
    assert not joined.exists()
    assert client.get(clip_url).status_code == 404
    for kind, text in outputs(client, draft.slug, number).items():
        assert f"“{OTHER}" not in text, kind
        assert "<audio" not in text, kind


def test_publishing_freezes_the_playlist(client, draft, team, django_capture_on_commit_callbacks):
    client.force_login(team.facilitator)
    press(client, draft.slug, "add", draft.cold.pk, callbacks=django_capture_on_commit_callbacks)
    press(client, draft.slug, f"up-{draft.cold.pk}", callbacks=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        published = services.publish_report(version=latest(draft.slug), by=team.curator)
    # The next version starts from the published playlist and changes only itself.
    press(
        client, draft.slug, f"remove-{draft.cold.pk}", callbacks=django_capture_on_commit_callbacks
    )
    assert latest(draft.slug).number == "1.1"
    assert latest(draft.slug).extracts == [draft.key.pk]
    published.refresh_from_db()
    assert published.extracts == [draft.cold.pk, draft.key.pk]
    cut_every_clip()
    compiled = compile_report(published)
    assert [extract.text for extract in playlist(compiled)] == [f"{COLD}", KEY]
    assert [clip.quote_id for clip in extract_clips(compiled)] == [draft.cold.pk, draft.key.pk]


@pytest.mark.django_db(transaction=True)
def test_the_worker_cuts_the_chosen_extracts_and_joins_them_in_order(
    client, team, tone, run_worker
):
    story = timed_story(team, tone)
    workshop = services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    (theme,) = services.themes_named(team.project, ["Home"])
    highlight_phrase(workshop, story, KEY, [theme], by=team.facilitator, key=True)
    other = highlight_phrase(workshop, story, OTHER, [theme], by=team.facilitator)
    version = services.create_report(project=team.project, title="Voices", by=team.facilitator)
    client.force_login(team.facilitator)
    data = {"based_on": f"{version.pk}:{version.lock_version}", "action": "add", "quote": other.pk}
    client.post(reverse("sensemaking:report-extracts", args=[version.report.slug]), data)
    version = latest(version.report.slug)
    data = {"based_on": f"{version.pk}:{version.lock_version}", "action": f"up-{other.pk}"}
    client.post(reverse("sensemaking:report-extracts", args=[version.report.slug]), data)
    run_worker()
    assert ReportClip.objects.filter(file="").count() == 0
    assert ReportClip.objects.count() == 2
    version = latest(version.report.slug)
    url = reverse("sensemaking:report-playlist", args=[version.report.slug, version.number])
    client.post(url)
    run_worker()
    made = ReportFile.objects.get(kind=ReportFile.Kind.PLAYLIST)
    assert made.state == ReportFile.State.READY
    vtt = page_text(client, version.report.slug, "report-chapters", version.number)
    assert in_order(vtt, f"“{OTHER}", f"“{KEY}")

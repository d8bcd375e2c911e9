"""REFI-QDA exchange: valid against the official schemas; nothing redacted or withdrawn leaks."""

import io
import zipfile
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from lxml import etree

from sensemaking import refiqda, services
from sensemaking.models import Quote, Theme
from stories import services as story_services
from stories.models import AuditEvent, Recording, Transcript
from stories.transcripts import parse_plain_text, parse_transcript_file
from tests.factories import ALL_SCOPES, highlight_phrase, make_playable, make_project, make_story

pytestmark = pytest.mark.django_db

# The official schemas are kept in the repository (see their PROVENANCE.md).
SCHEMAS = Path(settings.BASE_DIR) / "sensemaking" / "schemas"
CB = "{urn:QDA-XML:codebook:1.0}"
PR = "{urn:QDA-XML:project:1.0}"

EMOJI_TEXT = (
    "Dee: 🎉🙂 We had a party when the flat came through 👩🏽‍🦱.\n\n"
    "Dee: My caseworker Jo Pratt finally listened to me.\n\n"
    "Dee: Being listened to changed everything."
)
TIMED_VTT = """WEBVTT

00:00:00.000 --> 00:00:01.250
<v Dee>🎉 My caseworker Jo Pratt rang at last.

00:00:01.250 --> 00:00:02.500
<v Dee>Being listened to changed everything.

00:00:02.500 --> 00:00:03.000
<v Dee>Now I help others.
""".encode()


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def assert_valid(name: str, data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    schema(name).assertValid(root)
    return root


def quote(workshop, story, phrase: str, themes=(), by=None, guest=None) -> Quote:
    return highlight_phrase(workshop, story, phrase, themes, by=by, guest=guest)


def redact(team, story, words: str) -> None:
    transcript = story.transcripts.get(is_current=True)
    start = transcript.text.index(words)
    story_services.redact_transcript(
        transcript=transcript,
        char_start=start,
        char_end=start + len(words),
        reason="A name",
        by=team.curator,
    )


def export(project, quotes=None) -> tuple[zipfile.ZipFile, etree._Element]:
    """Export the project's report-usable quotes; return the archive and its valid project.qde."""
    if quotes is None:
        quotes = Quote.objects.usable_in_reports().filter(story__project=project)
    out = io.BytesIO()
    refiqda.project_qdpx(project=project, quotes=quotes, out=out)
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    return archive, assert_valid("Project-mrt2019.xsd", archive.read("project.qde"))


def internal(archive: zipfile.ZipFile, path: str) -> bytes:
    assert path.startswith("internal://")
    return archive.read("sources/" + path.removeprefix("internal://"))


def coded_texts(archive, root) -> dict[str, str]:
    """Return each selection's words in its exported source, by selection GUID."""
    found = {}
    for source in root.iter(f"{PR}TextSource"):
        text = internal(archive, source.get("plainTextPath")).decode("utf-8")
        for selection in source.iter(f"{PR}PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            found[selection.get("guid")] = text[start:end]
    return found


def add_ready_recording(story, path, *, by) -> Recording:
    """Upload a real file and make it ready, with its copy for listeners, as the worker would."""
    with path.open("rb") as handle:
        recording = story_services.upload_recording(
            story=story, upload=File(handle, name=path.name), by=by
        )
    make_playable(recording)
    Recording.objects.filter(pk=recording.pk).update(duration_seconds=1.0)
    recording.refresh_from_db()
    return recording


@pytest.fixture
def codebook(team):
    """A small codebook with sub-themes, colours and descriptions, in a chosen order."""
    power = Theme.objects.create(
        project=team.project,
        name="Power & control",
        slug="power",
        colour="#aa3300",
        description="Who decides <and> who is heard.",
        position=2,
    )
    heard = Theme.objects.create(
        project=team.project, name="Being heard", slug="heard", colour="#1d4f7a", position=1
    )
    Theme.objects.create(
        project=team.project,
        name="Caseworkers",
        slug="caseworkers",
        parent=heard,
        colour="#00aa55",
        description="Named workers who listened.",
        position=4,
    )
    Theme.objects.create(
        project=team.project, name="Änderung 🌱", slug="change", parent=heard, position=3
    )
    return {"power": power, "heard": heard}


# Codebook out ------------------------------------------------------------------------------


def test_codebook_validates_against_the_refi_qda_codebook_schema(team, codebook):
    root = assert_valid("Codebook-mrt2019.xsd", refiqda.codebook_qdc(team.project))
    assert root.tag == f"{CB}CodeBook"
    assert root.get("origin") == "corpro"


def test_codebook_keeps_order_hierarchy_colours_and_descriptions(team, codebook):
    root = etree.fromstring(refiqda.codebook_qdc(team.project))
    top = root.findall(f"{CB}Codes/{CB}Code")
    assert [code.get("name") for code in top] == ["Being heard", "Power & control"]
    children = top[0].findall(f"{CB}Code")
    assert [code.get("name") for code in children] == ["Änderung 🌱", "Caseworkers"]
    assert children[1].get("color") == "#00aa55"
    assert children[1].findtext(f"{CB}Description") == "Named workers who listened."
    assert top[1].findtext(f"{CB}Description") == "Who decides <and> who is heard."
    assert top[0].find(f"{CB}Description") is None
    assert {code.get("isCodable") for code in root.iter(f"{CB}Code")} == {"true"}


def test_codebook_shows_themes_caught_in_a_loop_of_parents_once_each(team, codebook):
    caseworkers = Theme.objects.get(project=team.project, name="Caseworkers")
    Theme.objects.filter(pk=codebook["heard"].pk).update(parent=caseworkers)
    root = assert_valid("Codebook-mrt2019.xsd", refiqda.codebook_qdc(team.project))
    names = [code.get("name") for code in root.iter(f"{CB}Code")]
    assert sorted(names) == sorted(
        Theme.objects.filter(project=team.project).values_list("name", flat=True)
    )


def test_codebook_guids_are_stable_between_exports(team, codebook):
    first = refiqda.codebook_qdc(team.project)
    assert refiqda.codebook_qdc(team.project) == first
    guids = [code.get("guid") for code in etree.fromstring(first).iter(f"{CB}Code")]
    assert len(set(guids)) == 4
    assert refiqda.theme_guid(codebook["power"]) in guids


def test_codebook_of_a_project_without_themes_is_refused_plainly(team):
    with pytest.raises(ValueError, match="no themes to export yet"):
        refiqda.codebook_qdc(team.project)


# Codebook in -------------------------------------------------------------------------------


def test_import_round_trips_an_export_into_another_project(team, codebook):
    other = make_project()
    result = refiqda.import_codebook(
        project=other, data=refiqda.codebook_qdc(team.project), by=team.facilitator
    )
    assert len(result.created) == 4
    assert result.reused == []
    assert result.message == "Added 4 themes."

    def shape(project):
        return {
            theme.name: (
                theme.parent.name if theme.parent else None,
                theme.colour,
                theme.description,
            )
            for theme in Theme.objects.filter(project=project).select_related("parent")
        }

    assert shape(other) == shape(team.project)
    event = AuditEvent.objects.get(project=other)
    assert event.actor == team.facilitator
    assert event.details["created"] == [theme.name for theme in result.created]


def test_import_reuses_themes_whose_names_differ_only_in_case(team):
    existing = Theme.objects.create(
        project=team.project, name="Being Heard", slug="heard", colour="#123456"
    )
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Another tool">
  <Codes>
    <Code guid="{D7AA29DA-519B-4946-9B90-253B6DB8FD0A}" name="being  HEARD" isCodable="true"
          color="#ff0000">
      <Description>From the other tool</Description>
      <Code guid="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4" name="Trust" isCodable="true"
            color="#0c0"/>
      <Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="TRUST" isCodable="true"/>
    </Code>
    <Code guid="7c108712-b650-4892-ac0b-fc9a10190c3b" name="Housing" isCodable="false"
          color="purple"/>
  </Codes>
  <Sets>
    <Set guid="12365523-1035-4afa-9e7b-281fe0bc51c5" name="Ignored">
      <MemberCode guid="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4"/>
    </Set>
  </Sets>
</CodeBook>"""
    result = refiqda.import_codebook(project=team.project, data=data, by=team.facilitator)
    assert [theme.name for theme in result.reused] == ["Being Heard"]
    assert [theme.name for theme in result.created] == ["Housing", "Trust"]
    assert result.message == (
        "Added 2 themes; 1 theme was already in the project and was left as it was."
    )
    existing.refresh_from_db()
    assert (existing.colour, existing.description) == ("#123456", "")
    trust = Theme.objects.get(project=team.project, name="Trust")
    assert (trust.parent, trust.colour) == (existing, "#00cc00")
    housing = Theme.objects.get(project=team.project, name="Housing")
    assert housing.colour == Theme._meta.get_field("colour").default
    assert Theme.objects.filter(project=team.project).count() == 3


def code(name: str = "Trust", guid: str = "0dcef2f5-e55c-49da-8c33-9b0803c7aeb4") -> str:
    return f'<Code guid="{guid}" name="{name}" isCodable="true"/>'


def codebook_xml(codes: str) -> bytes:
    return (
        '<?xml version="1.0"?>'
        f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes></CodeBook>'
    ).encode()


def zipped(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE CodeBook [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4" name="&d;" isCodable="true"/>
</Codes></CodeBook>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4" name="&secret;" isCodable="true"/>
</Codes></CodeBook>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"Theme one, theme two\n", "not readable XML"),
        (b"\xff\xfe\x00\x01 binary", "not readable XML"),
        (b'<?xml version="1.0"?><CodeBook><Codes>', "not readable XML"),
        (BOMB, "document type declaration"),
        (EXTERNAL_ENTITY, "document type declaration"),
        (BOMB.decode().encode("utf-16"), "document type declaration"),
        (zipped("project.qde", b"<Project/>"), "ZIP file"),
        (
            b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>',
            r"REFI-QDA project \(.qde\), not a codebook",
        ),
        (b"<CodeBook><Codes/></CodeBook>", "starts with <CodeBook>, not <CodeBook> in the"),
        (b'<html xmlns="http://www.w3.org/1999/xhtml"/>', "starts with <html>"),
        (codebook_xml(""), "has no codes"),
        (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', "has no codes"),
        (codebook_xml(code(name="   ")), "on line 1 has no name"),
        (codebook_xml(code(name="x" * 101)), "name of 101 characters; theme names can have at"),
        (codebook_xml(code(guid="not-a-guid")), "“Trust” on line 1 has no valid guid"),
        (
            codebook_xml(code() + code(name="Other")),
            "“Other” on line 1 has the same guid as another code",
        ),
        (b"x" * (5 * 1024**2 + 1), "larger than 5 MB"),
    ],
    ids=[
        "empty",
        "plain text",
        "binary",
        "unfinished",
        "entity bomb",
        "external entity",
        "utf-16 bomb",
        "qdpx zip",
        "project file",
        "no namespace",
        "wrong root",
        "empty codes",
        "no codes element",
        "blank name",
        "long name",
        "bad guid",
        "repeated guid",
        "too large",
    ],
)
def test_bad_codebook_is_refused_with_a_clear_message_and_changes_nothing(team, data, message):
    Theme.objects.create(project=team.project, name="Kept", slug="kept")
    with pytest.raises(ValidationError, match=message):
        refiqda.import_codebook(project=team.project, data=data, by=team.facilitator)
    assert list(Theme.objects.filter(project=team.project).values_list("name", flat=True)) == [
        "Kept"
    ]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.THEME_MERGED).exists()


def test_a_bad_code_deep_in_the_file_leaves_the_good_ones_unsaved(team):
    data = codebook_xml(code("Fine") + code("x" * 101, guid="7c108712-b650-4892-ac0b-fc9a10190c3b"))
    with pytest.raises(ValidationError, match="101 characters"):
        refiqda.import_codebook(project=team.project, data=data, by=team.facilitator)
    assert not Theme.objects.filter(project=team.project).exists()


# Project out -------------------------------------------------------------------------------


def test_project_export_validates_against_the_refi_qda_project_schema(
    team, codebook, workshop, story
):
    quote(workshop, story, "gave me a voice", [codebook["heard"], codebook["power"]])
    archive, root = export(team.project)
    assert root.tag == f"{PR}Project"
    assert root.get("origin") == "corpro"
    assert sorted(archive.namelist())[0] == "project.qde"
    codes = root.findall(f"{PR}CodeBook/{PR}Codes/{PR}Code")
    assert [code.get("name") for code in codes] == ["Being heard", "Power & control"]


def test_every_guid_reference_points_at_something_defined_with_the_same_spelling(
    team, codebook, workshop, story
):
    quote(workshop, story, "gave me a voice", [codebook["heard"]])
    quote(workshop, story, "Funding forms", [codebook["power"]], by=team.facilitator2)
    guest, _token = services.invite_guest(
        workshop=workshop, display_name="Dee", by=team.facilitator
    )
    quote(workshop, story, "Brook Lane", [codebook["heard"]], guest=guest)
    _archive, root = export(team.project)
    defined = {element.get("guid") for element in root.iter() if element.get("guid")}
    referenced = [element.get("targetGUID") for element in root.iter(f"{PR}CodeRef")]
    referenced += [element.get("targetGUID") for element in root.iter(f"{PR}SourceRef")]
    users = [element.get("creatingUser") for element in root.iter(f"{PR}PlainTextSelection")]
    users += [element.get("creatingUser") for element in root.iter(f"{PR}Coding")]
    assert len(referenced) == 4
    assert None not in users
    assert set(referenced + users) <= defined
    assert [user.get("name") for user in root.iter(f"{PR}User")] == sorted(
        ["Dee", team.facilitator.username, team.facilitator2.username], key=str.lower
    )
    assert all(guid == guid.lower() for guid in defined)


def test_source_is_utf8_without_bom_and_each_coding_selects_the_quoted_words(
    team, codebook, workshop
):
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted", transcript=EMOJI_TEXT
    )
    services.set_workshop_stories(workshop=workshop, stories=[story], by=team.facilitator)
    party = quote(workshop, story, "We had a party", [codebook["heard"]])
    listened = quote(workshop, story, "Being listened to changed everything.", [codebook["power"]])
    text = story.transcripts.get(is_current=True).text
    # The quotes sit after characters outside the BMP, where UTF-16 offsets would differ.
    assert len(text[: listened.char_start].encode("utf-16-le")) // 2 != listened.char_start

    archive, root = export(team.project)
    (source,) = root.iter(f"{PR}TextSource")
    raw = internal(archive, source.get("plainTextPath"))
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8") == text
    assert coded_texts(archive, root) == {
        refiqda._guid(team.project.pk, "quote", party.pk): "We had a party",
        refiqda._guid(team.project.pk, "quote", listened.pk): (
            "Being listened to changed everything."
        ),
    }


def test_redacted_words_never_leave_and_codings_still_select_the_shown_words(
    team, codebook, workshop
):
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted", transcript=EMOJI_TEXT
    )
    services.set_workshop_stories(workshop=workshop, stories=[story], by=team.facilitator)
    covering = quote(
        workshop, story, "My caseworker Jo Pratt finally listened", [codebook["heard"]]
    )
    inside = quote(workshop, story, "Jo Pratt")
    partly = quote(workshop, story, "Pratt finally listened", [codebook["heard"]])
    after = quote(workshop, story, "Being listened to", [codebook["power"]])
    redact(team, story, "Jo Pratt")  # After the quotes were made, shorter than "[redacted]".
    redact(team, story, "the flat came through")

    archive, root = export(team.project)
    for name in archive.namelist():
        content = archive.read(name).decode("utf-8")
        assert "Pratt" not in content
        assert "flat came" not in content
    shown = {
        refiqda._guid(team.project.pk, "quote", q.pk): q.display_text
        for q in services.hide_redacted_words([covering, after])
    }
    assert shown[refiqda._guid(team.project.pk, "quote", covering.pk)] == (
        "My caseworker [redacted] finally listened"
    )
    # A quote that starts inside a redaction selects the whole marker, never half a name.
    shown[refiqda._guid(team.project.pk, "quote", partly.pk)] = "[redacted] finally listened"
    # A quote of nothing but redacted words is left out rather than selecting "[redacted]".
    assert coded_texts(archive, root) == shown
    assert refiqda._guid(team.project.pk, "quote", inside.pk) not in coded_texts(archive, root)


def test_quote_whose_storyteller_withdraws_consent_to_quoting_is_left_out(
    team, codebook, workshop, story
):
    other = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="submitted",
        transcript=EMOJI_TEXT,
        title="A party",
    )
    services.set_workshop_stories(workshop=workshop, stories=[story, other], by=team.facilitator)
    quote(workshop, story, "gave me a voice", [codebook["heard"]])
    quote(workshop, other, "We had a party", [codebook["heard"]])
    story_services.change_consent_scopes(
        story=other,
        scopes={**ALL_SCOPES, "quote_anonymous": False, "quote_credited": False},
        by=team.curator,
    )
    archive, root = export(team.project)
    assert [source.get("name").split(" – ")[1] for source in root.iter(f"{PR}TextSource")] == [
        story.title
    ]
    assert "party" not in "".join(archive.read(name).decode() for name in archive.namelist())


def test_quotes_on_an_older_transcript_version_are_left_out(team, codebook, workshop, story):
    kept = quote(workshop, story, "gave me a voice", [codebook["heard"]])
    stale = quote(workshop, story, "Funding forms were the hardest part", [codebook["power"]])
    story_services.add_transcript(
        story=story,
        parsed=parse_plain_text("Dee: Co-production gave me a voice.\n\nDee: Forms were hard."),
        by=team.interviewer,
        origin=Transcript.Origin.EDITED,
    )
    services.reanchor_quotes(story=story)
    stale.refresh_from_db()
    assert stale.needs_review

    archive, root = export(team.project)
    assert list(coded_texts(archive, root).values()) == ["gave me a voice"]
    kept.refresh_from_db()
    (source,) = root.iter(f"{PR}TextSource")
    assert internal(archive, source.get("plainTextPath")).decode() == kept.transcript.text


def test_quotes_from_several_workshops_share_one_source_per_story(team, codebook, workshop, story):
    second = services.create_workshop(
        project=team.project, title="Second", by=team.facilitator2, stories=[story]
    )
    quote(workshop, story, "gave me a voice", [codebook["heard"]])
    quote(second, story, "Funding forms", [codebook["heard"], codebook["power"]])
    archive, root = export(team.project)
    assert len(root.findall(f"{PR}Sources/{PR}TextSource")) == 1
    assert sorted(coded_texts(archive, root).values()) == ["Funding forms", "gave me a voice"]
    assert len(list(root.iter(f"{PR}Coding"))) == 3
    (case,) = root.iter(f"{PR}Case")
    assert case.get("name") == story.storyteller.code


def test_a_storyteller_with_two_stories_is_one_case(team, codebook, workshop, story):
    again = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="submitted",
        storyteller=story.storyteller,
        transcript="Dee: Funding forms again, years later.",
        title="Later",
    )
    services.set_workshop_stories(workshop=workshop, stories=[story, again], by=team.facilitator)
    quote(workshop, story, "gave me a voice", [codebook["heard"]])
    quote(workshop, again, "years later", [codebook["heard"]])
    _archive, root = export(team.project)
    (case,) = root.iter(f"{PR}Case")
    sources = {source.get("guid") for source in root.iter(f"{PR}TextSource")}
    assert {ref.get("targetGUID") for ref in case.iter(f"{PR}SourceRef")} == sources
    assert len(sources) == 2


def test_project_without_themes_exports_without_a_codebook(team, workshop, story):
    quote(workshop, story, "gave me a voice")
    archive, root = export(team.project)
    assert root.find(f"{PR}CodeBook") is None
    assert list(coded_texts(archive, root).values()) == ["gave me a voice"]


def test_recording_goes_in_as_audio_with_sync_points_in_milliseconds(
    team, codebook, workshop, media_files
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    story_services.add_transcript(
        story=story,
        parsed=parse_transcript_file(TIMED_VTT, "talk.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    recording = add_ready_recording(story, media_files["mp3"], by=team.interviewer)
    services.set_workshop_stories(workshop=workshop, stories=[story], by=team.facilitator)
    quote(workshop, story, "changed everything", [codebook["heard"]])
    redact(team, story, "Jo Pratt")
    _archive, root = export(team.project)
    (source,) = root.iter(f"{PR}TextSource")
    assert root.find(f"{PR}Sources/{PR}AudioSource") is None  # Its copy is stale now.
    assert "not ready" in source.find(f"{PR}Description").text

    recording = make_playable(recording)
    archive, root = export(team.project)
    (audio,) = root.iter(f"{PR}AudioSource")
    exported = internal(archive, audio.get("path"))
    assert exported == recording.listener_copy.read()
    assert exported != media_files["mp3"].read_bytes()
    assert audio.get("path").endswith(".mp3")
    (transcript,) = audio.findall(f"{PR}Transcript")
    (source,) = root.iter(f"{PR}TextSource")
    assert transcript.get("plainTextPath") == source.get("plainTextPath")
    text = internal(archive, source.get("plainTextPath")).decode("utf-8")
    points = [
        (int(point.get("timeStamp")), text[int(point.get("position")) :][:10])
        for point in transcript.findall(f"{PR}SyncPoint")
    ]
    assert points == [(0, "🎉 My casew"), (1250, "Being list"), (2500, "Now I help")]
    (case,) = root.iter(f"{PR}Case")
    refs = {ref.get("targetGUID") for ref in case.iter(f"{PR}SourceRef")}
    assert refs == {source.get("guid"), audio.get("guid")}


def test_recording_whose_copy_is_missing_is_left_out(team, codebook, workshop, story, media_files):
    recording = add_ready_recording(story, media_files["wav"], by=team.interviewer)
    recording.listener_copy.storage.delete(recording.listener_copy.name)
    quote(workshop, story, "gave me a voice", [codebook["heard"]])
    _archive, root = export(team.project)
    assert root.find(f"{PR}Sources/{PR}AudioSource") is None
    assert root.find(f"{PR}Sources/{PR}TextSource") is not None


def test_recording_with_pictures_goes_in_as_sound_only(
    team, codebook, workshop, story, media_files
):
    recording = add_ready_recording(story, media_files["mp4"], by=team.interviewer)
    assert {"type": "video", "codec": "h264"} in recording.codecs
    quote(workshop, story, "gave me a voice", [codebook["heard"]])
    archive, root = export(team.project)
    assert root.find(f"{PR}Sources/{PR}VideoSource") is None
    (audio,) = root.iter(f"{PR}AudioSource")
    assert internal(archive, audio.get("path")) == recording.listener_copy.read()


@pytest.mark.parametrize("count", [1, 3])
def test_export_reads_the_same_number_of_queries_however_many_stories(
    team, codebook, workshop, count, django_assert_num_queries
):
    stories = [
        make_story(
            team.project,
            team.interviewer,
            scopes=ALL_SCOPES,
            status="submitted",
            transcript=EMOJI_TEXT,
            title=f"Story {number}",
        )
        for number in range(count)
    ]
    services.set_workshop_stories(workshop=workshop, stories=stories, by=team.facilitator)
    for story in stories:
        quote(workshop, story, "We had a party", [codebook["heard"], codebook["power"]])
    quotes = list(Quote.objects.usable_in_reports().filter(story__project=team.project))
    # themes 1 + the quotes' highlighters 1 and theme links 1 (no guests, so none read)
    # + stories with storytellers 1 + current transcripts 1, their segments 1 and
    # redactions 1 + ready recordings 1 + the workshops' memos 1 = 9
    with django_assert_num_queries(9):
        export(team.project, quotes)

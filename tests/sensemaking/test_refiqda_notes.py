"""Memos and quote notes in the .qdpx, as REFI-QDA notes, valid against the official schema."""

import pytest

from sensemaking import services
from sensemaking.models import Quote
from stories import services as story_services
from tests.factories import ALL_SCOPES
from tests.sensemaking.test_refiqda import PR, export, quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def themes(team):
    voice, money = services.themes_named(team.project, ["Having a voice", "Money"])
    return {"voice": voice, "money": money}


def notes_by_guid(root) -> dict[str, tuple[str, str]]:
    return {
        note.get("guid"): (note.get("name"), note.findtext(f"{PR}PlainTextContent"))
        for note in root.iter(f"{PR}Note")
    }


def referenced_notes(element) -> list[str]:
    return [ref.get("targetGUID") for ref in element.findall(f"{PR}NoteRef")]


def test_journal_theme_memos_and_quote_notes_are_exported_as_notes(team, workshop, story, themes):
    coded = quote(workshop, story, "gave me a voice", [themes["voice"]], by=team.facilitator)
    Quote.objects.filter(pk=coded.pk).update(note="She said it <twice> & smiled")
    services.write_memo(
        workshop=workshop, text="We began late.", expected_version=0, by=team.facilitator
    )
    services.write_memo(
        workshop=workshop,
        theme=themes["voice"],
        text="Voice is about being asked.",
        expected_version=0,
        by=team.facilitator2,
    )
    _archive, root = export(team.project)  # validated against Project-mrt2019.xsd
    notes = notes_by_guid(root)
    assert len(notes) == 3
    # The journal is a note of the project as a whole, referenced after its Description.
    (journal,) = referenced_notes(root)
    assert notes[journal] == ("Journal: First workshop", "We began late.")
    # The theme memo hangs from its code.
    code = next(c for c in root.iter(f"{PR}Code") if c.get("name") == "Having a voice")
    (memo,) = referenced_notes(code)
    assert notes[memo] == ("Memo on Having a voice: First workshop", "Voice is about being asked.")
    assert (
        referenced_notes(next(c for c in root.iter(f"{PR}Code") if c.get("name") == "Money")) == []
    )
    # The quote's note hangs from its selection, after its codings.
    (selection,) = root.iter(f"{PR}PlainTextSelection")
    (note,) = referenced_notes(selection)
    assert notes[note] == ("Note on gave me a voice", "She said it <twice> & smiled")
    assert [child.tag for child in selection] == [f"{PR}Coding", f"{PR}NoteRef"]
    # Each note names its writer among the project's users.
    users = {user.get("guid"): user.get("name") for user in root.iter(f"{PR}User")}
    writers = {n.get("name"): users[n.get("creatingUser")] for n in root.iter(f"{PR}Note")}
    assert writers["Memo on Having a voice: First workshop"] == team.facilitator2.username
    assert writers["Journal: First workshop"] == team.facilitator.username


def test_a_sub_themes_memo_keeps_the_code_valid(team, workshop, story, themes):
    child = services.themes_named(team.project, ["Being asked"])[0]
    child.parent = themes["voice"]
    child.save()
    themes["voice"].description = "Described"
    themes["voice"].save()
    quote(workshop, story, "gave me a voice", [child])
    for theme in (themes["voice"], child):
        services.write_memo(
            workshop=workshop, theme=theme, text=theme.name, expected_version=0, by=team.curator
        )
    _archive, root = export(team.project)  # NoteRef must sit between Description and sub-codes
    parent = next(c for c in root.iter(f"{PR}Code") if c.get("name") == "Having a voice")
    assert [child.tag.removeprefix(PR) for child in parent] == ["Description", "NoteRef", "Code"]


def test_notes_of_quotes_a_report_may_not_use_never_leave(team, workshop, story, themes):
    coded = quote(workshop, story, "gave me a voice", [themes["voice"]])
    Quote.objects.filter(pk=coded.pk).update(note="Dee's private aside")
    story_services.change_consent_scopes(
        story=story, scopes={**ALL_SCOPES, "quote_anonymous": False, "quote_credited": False}
    )
    archive, root = export(team.project)
    assert not list(root.iter(f"{PR}Note"))
    assert b"private aside" not in archive.read("project.qde")


def test_empty_memos_and_memos_of_workshops_not_in_the_file_are_left_out(
    team, workshop, story, themes
):
    quote(workshop, story, "gave me a voice", [themes["voice"]])
    services.write_memo(workshop=workshop, text="   ", expected_version=0, by=team.facilitator)
    other = services.create_workshop(project=team.project, title="Unused", by=team.facilitator)
    services.write_memo(workshop=other, text="Not exported", expected_version=0, by=team.curator)
    _archive, root = export(team.project)
    assert root.find(f"{PR}Notes") is None
    assert referenced_notes(root) == []

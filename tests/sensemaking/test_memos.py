"""The workshop journal and the memo per theme: versioned, never lost, written by facilitators."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sensemaking import services
from sensemaking.models import Memo, MemoVersion
from stories.models import AuditEvent
from tests.factories import make_member, make_project
from tests.sensemaking.test_views import join

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme(team):
    (theme,) = services.themes_named(team.project, ["Having a voice"])
    return theme


def test_every_save_is_a_version_and_earlier_ones_stay_readable(team, workshop):
    first = services.write_memo(
        workshop=workshop, text="  Quiet start.  ", expected_version=0, by=team.facilitator
    )
    assert (first.version, first.text, first.is_journal) == (1, "Quiet start.", True)
    second = services.write_memo(
        workshop=workshop, text="Quiet start, loud end.", expected_version=1, by=team.facilitator2
    )
    assert second.pk == first.pk and second.version == 2
    versions = list(second.versions.values_list("version", "text", "written_by"))
    assert versions == [
        (2, "Quiet start, loud end.", team.facilitator2.pk),
        (1, "Quiet start.", team.facilitator.pk),
    ]
    # Each save is in the project's history: who, which memo, which version; not the words.
    events = AuditEvent.objects.filter(action=AuditEvent.Action.MEMO_SAVED).order_by("pk")
    assert [(e.actor, e.details) for e in events] == [
        (team.facilitator, {"workshop": workshop.pk, "theme": None, "version": 1}),
        (team.facilitator2, {"workshop": workshop.pk, "theme": None, "version": 2}),
    ]


def test_a_second_writer_is_refused_with_the_newer_words(team, workshop, theme):
    services.write_memo(
        workshop=workshop, theme=theme, text="Mine", expected_version=0, by=team.facilitator
    )
    # Someone who opened the memo before that save, at version 0, then saves.
    with pytest.raises(services.StaleEdit) as stale:
        services.write_memo(
            workshop=workshop, theme=theme, text="Theirs", expected_version=0, by=team.curator
        )
    assert stale.value.current.text == "Mine"
    services.write_memo(
        workshop=workshop, theme=theme, text="Mine, more", expected_version=1, by=team.facilitator
    )
    with pytest.raises(services.StaleEdit):
        services.write_memo(
            workshop=workshop, theme=theme, text="Theirs", expected_version=1, by=team.curator
        )
    memo = Memo.objects.get(workshop=workshop, theme=theme)
    assert (memo.text, memo.version, memo.versions.count()) == ("Mine, more", 2, 2)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.MEMO_SAVED).count() == 2


def test_a_theme_of_another_project_gets_no_memo(team, workshop):
    (elsewhere,) = services.themes_named(make_project(), ["Elsewhere"])
    with pytest.raises(ValidationError):
        services.write_memo(
            workshop=workshop, theme=elsewhere, text="x", expected_version=0, by=team.facilitator
        )
    assert not Memo.objects.exists()


def test_merging_themes_keeps_both_memos_words(team, workshop, theme):
    (other,) = services.themes_named(team.project, ["Being heard"])
    services.write_memo(
        workshop=workshop, theme=theme, text="Voice memo", expected_version=0, by=team.facilitator
    )
    services.write_memo(
        workshop=workshop, theme=other, text="Heard memo", expected_version=0, by=team.facilitator
    )
    services.merge_themes(source=other, target=theme, by=team.facilitator)
    memo = Memo.objects.get(workshop=workshop)
    assert memo.theme == theme
    assert memo.text == "Voice memo\n\nFrom the memo on “Being heard”:\nHeard memo"
    assert memo.versions.count() == 2
    saves = AuditEvent.objects.filter(action=AuditEvent.Action.MEMO_SAVED).count()
    assert saves == 3  # the two first versions, and the joined one


def memo_url(workshop, theme=None):
    if theme is None:
        return reverse("sensemaking:journal", args=[workshop.pk])
    return reverse("sensemaking:theme-memo", args=[workshop.pk, theme.pk])


def test_a_facilitator_writes_the_journal_and_sees_it_on_the_board(client, team, workshop):
    client.force_login(team.facilitator)
    response = client.post(memo_url(workshop), {"text": "We <b>began</b> late.", "version": "0"})
    assert response.status_code == 200
    assert "must not contain HTML" in response.content.decode() or "HTML" in (
        response.content.decode()
    )
    assert not Memo.objects.exists()
    response = client.post(memo_url(workshop), {"text": "We began late.", "version": "0"})
    assert response["Location"].endswith("#journal")
    board = client.get(reverse("sensemaking:board", args=[workshop.pk])).content.decode()
    assert "Workshop journal" in board and "We began late." in board


def test_a_theme_memo_shows_inside_its_theme_on_the_board(client, team, workshop, story, theme):
    from tests.factories import highlight_phrase

    highlight_phrase(workshop, story, "Funding forms", [theme])
    client.force_login(team.facilitator)
    client.post(memo_url(workshop, theme), {"text": "Money, mostly.", "version": "0"})
    board = client.get(reverse("sensemaking:board", args=[workshop.pk])).content.decode()
    card = board.split(f'id="theme-{theme.pk}"')[1].split("</section>")[0]
    assert "Money, mostly." in card
    assert "Write the memo on Having a voice" in card


def test_two_people_editing_the_same_memo_lose_neither_text(client, team, workshop):
    services.write_memo(
        workshop=workshop, text="First words.", expected_version=0, by=team.facilitator2
    )
    client.force_login(team.facilitator)
    # This page was opened before facilitator2 saved: it still says version 0.
    page = client.post(memo_url(workshop), {"text": "My words.", "version": "0"}).content.decode()
    assert "Someone else saved this memo while you were writing" in page
    assert "First words." in page  # the newer version, shown to copy from
    assert ">\nMy words.</textarea>" in page  # their own, still in the box
    assert 'name="version" value="1"' in page
    assert Memo.objects.get().text == "First words."
    client.post(memo_url(workshop), {"text": "First words. My words.", "version": "1"})
    assert Memo.objects.get().text == "First words. My words."
    assert MemoVersion.objects.count() == 2


def test_earlier_versions_are_listed_on_the_memo_page(client, team, workshop):
    for version, text in enumerate(["One", "Two", "Three"]):
        services.write_memo(
            workshop=workshop, text=text, expected_version=version, by=team.facilitator
        )
    client.force_login(team.facilitator2)
    page = client.get(memo_url(workshop)).content.decode()
    for number, text in ((1, "One"), (2, "Two"), (3, "Three")):
        assert f"Version {number}, by {team.facilitator.get_username()}" in page
        assert f"<p>{text}</p>" in page


def test_guests_and_participants_read_but_cannot_write(client, team, workshop, theme):
    services.write_memo(workshop=workshop, text="Read me.", expected_version=0, by=team.facilitator)
    participant = make_member(team.project, "interviewer")
    workshop.participants.add(participant)
    client.force_login(participant)
    assert "Read me." in client.get(memo_url(workshop)).content.decode()
    assert client.post(memo_url(workshop), {"text": "Mine", "version": "1"}).status_code == 404
    client.logout()
    join(client, workshop, team)
    page = client.get(memo_url(workshop)).content.decode()
    assert "Read me." in page and "<textarea" not in page
    assert client.post(memo_url(workshop, theme), {"text": "x", "version": "0"}).status_code == 404
    assert Memo.objects.get().text == "Read me." and Memo.objects.count() == 1


def test_outsiders_can_neither_read_nor_write(client, team, workshop, theme):
    services.write_memo(workshop=workshop, text="Private.", expected_version=0, by=team.facilitator)
    other = services.create_workshop(project=team.project, title="Other", by=team.facilitator)
    for url in (memo_url(workshop), memo_url(workshop, theme)):
        response = client.post(url, {"text": "x", "version": "1"})
        assert response.status_code == 302 and reverse("login") in response["Location"]
        for user in (make_member(make_project(), "facilitator"), team.outsider, team.nobody):
            client.force_login(user)
            assert client.get(url).status_code == 404
            assert client.post(url, {"text": "x", "version": "1"}).status_code == 404
        client.logout()
        join(client, other, team)  # a guest of another workshop
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "x", "version": "1"}).status_code == 404
        client.logout()
    # A theme of another project, in this workshop's address.
    (elsewhere,) = services.themes_named(make_project(), ["Elsewhere"])
    client.force_login(team.facilitator)
    assert client.get(memo_url(workshop, elsewhere)).status_code == 404
    assert Memo.objects.get().text == "Private."


def test_memo_and_board_pages_take_a_bounded_number_of_queries(
    client, team, workshop, theme, django_assert_max_num_queries
):
    for version in range(5):
        services.write_memo(
            workshop=workshop, text=f"v{version}", expected_version=version, by=team.facilitator
        )
    client.force_login(team.facilitator)
    # session 1 + user 1 + workshop 1 + roles 1 + the memo 1 + its versions with writers 2 = 7
    with django_assert_max_num_queries(7):
        assert client.get(memo_url(workshop)).status_code == 200
    # saving: the same 7 reads, then BEGIN, the locked memo, its update and re-read, the
    # version, the audit row and COMMIT = 14
    with django_assert_max_num_queries(14):
        client.post(memo_url(workshop), {"text": "v5", "version": "5"})


def test_a_memo_shows_only_on_its_own_workshops_board(client, team, workshop, story, theme):
    other = services.create_workshop(
        project=team.project, title="Other", by=team.facilitator, stories=[story]
    )
    services.write_memo(workshop=workshop, text="Only here.", expected_version=0, by=team.curator)
    services.write_memo(
        workshop=workshop, theme=theme, text="Theme here.", expected_version=0, by=team.curator
    )
    client.force_login(team.facilitator)
    board = client.get(reverse("sensemaking:board", args=[other.pk])).content.decode()
    assert "Only here." not in board and "Theme here." not in board
    assert client.get(memo_url(other)).content.decode().count("Only here.") == 0

"""Changing, removing and restoring quotes: who may, what is audited, and who sees it after."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from sensemaking import services
from sensemaking.models import Quote, QuoteTheme
from stories import services as story_services
from stories.access import Use
from stories.models import AuditEvent
from tests.factories import ALL_SCOPES, highlight_phrase, make_member, make_story, redact_words

pytestmark = pytest.mark.django_db


def join(client, workshop, team, name="Dee"):
    guest, token = services.invite_guest(workshop=workshop, display_name=name, by=team.facilitator)
    client.get(reverse("sensemaking:join", args=[token]))
    return guest


def offsets(story, phrase):
    text = story.transcripts.get(is_current=True).text
    return text.index(phrase), text.index(phrase) + len(phrase)


def post_json(client, url, payload=None):
    return client.post(url, json.dumps(payload or {}), content_type="application/json")


def quote_url(workshop, quote, action=""):
    name = f"sensemaking:quote-{action}" if action else "sensemaking:quote"
    return reverse(name, args=[workshop.pk, quote.pk])


@pytest.fixture
def quote(team, workshop, story):
    (voice,) = services.themes_named(team.project, ["Having a voice"])
    return highlight_phrase(workshop, story, "gave me a voice", [voice], by=team.facilitator)


# ---- The services -------------------------------------------------------------------------------


def test_editing_a_quote_changes_its_themes_note_and_words_and_is_audited(
    team, workshop, story, quote
):
    start, end = offsets(story, "Co-production gave me a voice")
    edited = services.edit_quote(
        quote=quote,
        expected_version=1,
        theme_names=["Money", "having a VOICE"],
        note="  Said twice. ",
        char_start=start,
        char_end=end,
        user=team.facilitator2,
    )
    edited.refresh_from_db()
    assert edited.text == "Co-production gave me a voice"
    assert edited.note == "Said twice."
    assert sorted(edited.themes.names()) == ["Having a voice", "Money"]
    assert edited.version == 2
    event = AuditEvent.objects.get(action=AuditEvent.Action.QUOTE_EDITED)
    assert event.actor == team.facilitator2
    assert event.story_id == story.pk
    assert event.details["changed"] == ["words", "note", "themes"]
    assert event.details["themes"] == {
        "old": ["Having a voice"],
        "new": ["Having a voice", "Money"],
    }
    assert "gave me a voice" not in json.dumps(event.details)  # The words stay out of history.


def test_an_edit_based_on_an_older_version_is_refused_with_the_newer_one(team, quote):
    services.edit_quote(quote=quote, expected_version=1, note="First", user=team.facilitator)
    with pytest.raises(services.StaleEdit) as raised:
        services.edit_quote(quote=quote, expected_version=1, note="Second", user=team.facilitator2)
    assert raised.value.current.note == "First"
    assert Quote.objects.get(pk=quote.pk).note == "First"


def test_new_words_over_a_redaction_are_refused_and_nothing_changes(team, workshop, story, quote):
    redact_words(story, "14 Brook Lane", by=team.curator)
    start, end = offsets(story, "lived at")
    with pytest.raises(services.ValidationError, match="redacted"):
        services.edit_quote(
            quote=quote, expected_version=1, char_start=start, char_end=end + 20, note="x"
        )
    quote.refresh_from_db()
    assert (quote.text, quote.note, quote.version) == ("gave me a voice", "", 1)


def test_a_removed_quote_comes_back_whole_with_undo_and_both_are_audited(
    team, workshop, story, quote
):
    services.write_finding(
        workshop=workshop,
        theme=quote.themes.get(),
        statement="People felt heard.",
        quotes=[quote],
        by=team.facilitator,
    )
    guest = services.invite_guest(workshop=workshop, display_name="Sam", by=team.facilitator)[0]
    services.remove_quote(quote=quote, guest=guest)
    services.remove_quote(quote=quote, guest=guest)  # Twice changes nothing.
    assert not Quote.objects.filter(pk=quote.pk).exists()
    assert Quote.all_objects.filter(pk=quote.pk).exists()
    removed = AuditEvent.objects.get(action=AuditEvent.Action.QUOTE_REMOVED)
    assert (removed.actor, removed.actor_label) == (None, "Sam (workshop guest)")

    services.restore_quote(quote=quote, user=team.facilitator)
    restored = Quote.objects.get(pk=quote.pk)
    assert list(restored.themes.names()) == ["Having a voice"]
    assert list(restored.findings.values_list("statement", flat=True)) == ["People felt heard."]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.QUOTE_RESTORED).count() == 1


def test_a_removed_quote_is_on_no_board_report_export_or_copy(client, team, reported):
    quote = reported.quote
    client.force_login(team.facilitator)
    board = reverse("sensemaking:board", args=[quote.workshop_id])
    report = reverse("sensemaking:report", args=[reported.report.slug])
    csv = reverse(
        "sensemaking:report-data", args=[reported.report.slug, reported.version.number, "csv"]
    )
    for url in (board, report, csv):
        assert "Co-production gave me a voice" in client.get(url).content.decode()
    services.remove_quote(quote=quote, user=team.facilitator)
    for url in (board, report, csv):
        assert "Co-production gave me a voice" not in client.get(url).content.decode(), url
    assert not Quote.objects.usable_in_reports().filter(pk=quote.pk).exists()
    qdpx_quotes = Quote.objects.usable_for(Use.PROJECT_EXPORT, team.facilitator)
    assert quote.pk not in set(qdpx_quotes.values_list("pk", flat=True))
    assert not QuoteTheme.objects.filter(content_object__in=Quote.objects.all()).exists()


def test_erasing_a_story_deletes_its_removed_quotes_too(team, workshop, story, quote):
    from stories import erasure

    services.remove_quote(quote=quote, user=team.facilitator)
    story_services.withdraw_consent(story=story, reason="Changed my mind")
    erasure.erase_story(story=story, by=team.curator)
    assert not Quote.all_objects.filter(pk=quote.pk).exists()


# ---- Who may change a quote ---------------------------------------------------------------------


def test_a_guest_changes_and_removes_their_own_quote(client, team, workshop, story):
    guest = join(client, workshop, team, "Sam")
    start, end = offsets(story, "gave me a voice")
    created = post_json(
        client,
        reverse("sensemaking:quote-create", args=[workshop.pk, story.pk]),
        {"char_start": start, "char_end": end, "themes": ["Voice"]},
    )
    quote = Quote.objects.get(pk=created.json()["quote"]["id"])
    opened = client.get(quote_url(workshop, quote), HTTP_ACCEPT="application/json").json()
    assert opened["quote"]["can_change"] is True
    assert opened["quote"]["by"] == "Sam"
    changed = post_json(
        client, quote_url(workshop, quote), {"version": 1, "themes": ["Trust"], "note": "Mine"}
    )
    assert changed.status_code == 200
    assert changed.json()["quote"]["themes"] == ["Trust"]
    assert post_json(client, quote_url(workshop, quote, "remove")).status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.QUOTE_REMOVED)
    assert event.actor_label == f"{guest.display_name} (workshop guest)"
    assert post_json(client, quote_url(workshop, quote, "restore")).status_code == 200
    assert Quote.objects.filter(pk=quote.pk).exists()


def test_a_guest_cannot_change_or_remove_someone_elses_quote(client, team, workshop, quote):
    join(client, workshop, team)
    opened = client.get(quote_url(workshop, quote), HTTP_ACCEPT="application/json").json()
    assert opened["quote"]["can_change"] is False
    edit = post_json(client, quote_url(workshop, quote), {"version": 1, "note": "Not mine"})
    assert edit.status_code == 403
    assert post_json(client, quote_url(workshop, quote, "remove")).status_code == 403
    assert client.post(quote_url(workshop, quote, "remove")).status_code == 403
    page = client.get(quote_url(workshop, quote))
    assert "Remove the quote" not in page.content.decode()
    quote.refresh_from_db()
    assert (quote.note, quote.removed_at) == ("", None)
    assert not AuditEvent.objects.filter(action__startswith="quote_").exists()


def test_a_guest_cannot_reach_another_workshops_quote(client, team, story, quote):
    other = services.create_workshop(
        project=team.project, title="Other", by=team.facilitator, stories=[story]
    )
    join(client, other, team)
    assert client.get(quote_url(quote.workshop, quote)).status_code == 404
    wrong_place = reverse("sensemaking:quote-remove", args=[other.pk, quote.pk])
    assert client.post(wrong_place).status_code == 404
    assert Quote.objects.filter(pk=quote.pk).exists()


def test_a_participant_may_change_only_their_own_quotes(client, team, workshop, story, quote):
    member = make_member(team.project, "interviewer")
    workshop.participants.add(member)
    own = highlight_phrase(workshop, story, "Funding forms", by=member)
    client.force_login(member)
    assert post_json(client, quote_url(workshop, own, "remove")).status_code == 200
    assert post_json(client, quote_url(workshop, quote, "remove")).status_code == 403


def test_a_facilitator_of_another_project_and_anyone_signed_out_change_nothing(
    client, team, workshop, quote
):
    client.force_login(team.outsider)
    assert client.post(quote_url(workshop, quote, "remove")).status_code == 404
    client.logout()
    signed_out = client.post(quote_url(workshop, quote, "remove"))
    assert signed_out.status_code == 302 and "/accounts/login/" in signed_out.url
    assert client.get(quote_url(workshop, quote)).status_code == 302
    assert Quote.objects.filter(pk=quote.pk).exists()


def test_a_facilitator_changes_anyones_quote_in_their_workshop(client, team, workshop, quote):
    client.force_login(team.facilitator2)
    edited = post_json(client, quote_url(workshop, quote), {"version": 1, "note": "Ok"})
    assert edited.status_code == 200
    assert post_json(client, quote_url(workshop, quote, "remove")).status_code == 200


def test_nobody_changes_a_quote_after_its_storyteller_withdrew(
    client, team, workshop, story, quote
):
    story_services.withdraw_consent(story=story, reason="Changed my mind")
    client.force_login(team.facilitator)
    assert client.get(quote_url(workshop, quote)).status_code == 404
    assert post_json(client, quote_url(workshop, quote), {"version": 1}).status_code == 404
    assert client.post(quote_url(workshop, quote, "remove")).status_code == 404
    assert client.post(quote_url(workshop, quote, "restore")).status_code == 404


def test_a_removed_quote_is_found_only_by_those_who_may_restore_it(
    client, team, workshop, story, quote
):
    services.remove_quote(quote=quote, user=team.facilitator)
    join(client, workshop, team)
    assert client.get(quote_url(workshop, quote)).status_code == 404
    assert client.post(quote_url(workshop, quote, "restore")).status_code == 404
    client.force_login(team.facilitator2)
    page = client.get(quote_url(workshop, quote))
    assert "Undo: bring the quote back" in page.content.decode()


def test_a_quote_a_facilitator_removed_comes_back_only_by_a_facilitator(
    client, team, workshop, story
):
    guest = join(client, workshop, team, name="Sam")
    start, end = offsets(story, "gave me a voice")
    made = post_json(
        client,
        reverse("sensemaking:quote-create", args=[workshop.pk, story.pk]),
        {"char_start": start, "char_end": end, "themes": ["Voice"]},
    )
    quote = Quote.objects.get(pk=made.json()["quote"]["id"])
    # Its maker removes it and brings it back: their own Undo.
    assert client.post(quote_url(workshop, quote, "remove")).status_code == 302
    assert client.post(quote_url(workshop, quote, "restore")).status_code == 302
    assert Quote.objects.filter(pk=quote.pk).exists()
    # A facilitator removes it (say, the words identify someone): its maker cannot undo that.
    services.remove_quote(quote=quote, user=team.facilitator, as_facilitator=True)
    assert client.get(quote_url(workshop, quote)).status_code == 404
    assert client.post(quote_url(workshop, quote, "restore")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.restore_quote(quote=quote, guest=guest)
    assert not Quote.objects.filter(pk=quote.pk).exists()
    client.force_login(team.facilitator2)
    assert client.post(quote_url(workshop, quote, "restore")).status_code == 302
    assert Quote.objects.filter(pk=quote.pk).exists()


# ---- Without JavaScript -------------------------------------------------------------------------


def test_without_javascript_a_quote_is_changed_removed_and_restored_with_forms(
    client, team, workshop, story, quote, django_assert_max_num_queries
):
    client.force_login(team.facilitator)
    url = quote_url(workshop, quote)
    client.get(url)
    # Session and user, workshop and roles, the quote, the codebook, its theme links, redactions
    # and the paragraph it starts in (for the link back to it).
    with django_assert_max_num_queries(9):
        page = client.get(url)
    assert page.status_code == 200
    assert "Save changes" in page.content.decode()
    changed = client.post(
        url,
        {
            "version": "1",
            "themes": "Trust, Money",
            "note": "Tom & Jerry <3",
            "words": "Funding forms were the hardest part",
            "paragraph": "2",
        },
    )
    assert changed.status_code == 302
    assert changed.url.endswith(f"/stories/{story.pk}/#segment-1")
    quote.refresh_from_db()
    assert quote.text == "Funding forms were the hardest part"
    assert sorted(quote.themes.names()) == ["Money", "Trust"]
    assert "Tom &amp; Jerry &lt;3" in client.get(url).content.decode()  # Shown as text.
    markup = client.post(url, {"version": "2", "note": "<b>bold</b>"}).content.decode()
    assert "There is a problem" in markup

    refused = client.post(url, {"version": "2", "words": "not there at all", "paragraph": "1"})
    assert "Those exact words are not in that paragraph." in refused.content.decode()
    stale = client.post(url, {"version": "1", "note": "old"})
    assert "Someone else changed this quote" in stale.content.decode()
    quote.refresh_from_db()
    assert quote.version == 2

    removed = client.post(quote_url(workshop, quote, "remove"))
    assert removed.url == url
    assert "Undo: bring the quote back" in client.get(removed.url).content.decode()
    restored = client.post(quote_url(workshop, quote, "restore"))
    assert restored.status_code == 302
    assert Quote.objects.filter(pk=quote.pk).exists()


def test_new_words_need_their_paragraph_and_redacted_words_are_refused(
    client, team, workshop, quote
):
    client.force_login(team.facilitator)
    url = quote_url(workshop, quote)
    no_paragraph = client.post(url, {"version": "1", "words": "Funding forms"}).content.decode()
    assert "Enter the number of the paragraph the new words are in." in no_paragraph
    redacted = client.post(url, {"version": "1", "words": "[redacted]", "paragraph": "3"})
    assert "Redacted words cannot be quoted" in redacted.content.decode()


# ---- Others see it without reloading ------------------------------------------------------------


def test_polling_pages_learn_of_changed_and_removed_quotes(client, team, workshop, story, quote):
    client.force_login(team.facilitator2)
    updates = reverse("sensemaking:updates", args=[workshop.pk])
    since = (timezone.now() - timedelta(seconds=1)).isoformat()
    other = highlight_phrase(workshop, story, "Funding forms", by=team.facilitator)
    services.edit_quote(quote=quote, expected_version=1, note="Changed", user=team.facilitator)
    services.remove_quote(quote=other, user=team.facilitator)
    answer = client.get(updates, {"story": story.pk, "after": other.pk, "since": since}).json()
    changed = {item["id"]: item for item in answer["changed"]}
    assert changed[quote.pk]["note"] == "Changed"
    assert changed[quote.pk]["version"] == 2
    assert changed[other.pk] == {"id": other.pk, "story": story.pk, "removed": True, "version": 2}
    assert "since" in answer
    story_services.withdraw_consent(story=story, reason="Changed my mind")
    again = client.get(updates, {"story": story.pk, "since": since}).json()
    assert again["changed"] == []
    assert client.get(updates, {"since": "yesterday"}).json()["changed"] == []


def test_the_transcript_page_paints_quotes_with_their_themes_colours(
    client, team, workshop, story, quote
):
    other = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted", title="Other"
    )
    workshop.stories.add(other)
    client.force_login(team.facilitator)
    page = client.get(reverse("sensemaking:story", args=[workshop.pk, story.pk]))
    data = page.context["quotes_json"]
    theme = quote.themes.get()
    assert data["themes"] == [[theme.pk, "Having a voice", theme.colour]]
    assert data["quotes"] == [(quote.pk, quote.char_start, quote.char_end, str(theme.pk))]
    assert theme.colour != services.themes_named(team.project, ["Second"])[0].colour


def test_opening_a_quote_and_polling_for_changes_take_a_bounded_number_of_queries(
    client, team, workshop, story, quote, django_assert_max_num_queries
):
    client.force_login(team.facilitator)
    url = quote_url(workshop, quote)
    client.get(url, HTTP_ACCEPT="application/json")
    # Session and user, workshop and roles, the quote, the codebook, its theme links, redactions.
    with django_assert_max_num_queries(8):
        assert client.get(url, HTTP_ACCEPT="application/json").status_code == 200
    updates = reverse("sensemaking:updates", args=[workshop.pk])
    since = (timezone.now() - timedelta(minutes=1)).isoformat()
    # As without ?since= (8), plus the changed quotes, their theme links and redactions.
    with django_assert_max_num_queries(11):
        answer = client.get(updates, {"after": quote.pk, "story": story.pk, "since": since})
    assert [item["id"] for item in answer.json()["changed"]] == [quote.pk]


def test_polling_pages_learn_of_a_quote_moved_on_the_board(client, team, workshop, story, quote):
    client.force_login(team.facilitator2)
    updates = reverse("sensemaking:updates", args=[workshop.pk])
    since = (timezone.now() - timedelta(seconds=1)).isoformat()
    (before,) = quote.themes.all()
    (money,) = services.themes_named(team.project, ["Money"])
    services.move_quote(quote=quote, from_theme=before, to_theme=money, by=team.facilitator)
    changed = {
        item["id"]: item
        for item in client.get(updates, {"story": story.pk, "since": since}).json()["changed"]
    }
    assert changed[quote.pk]["version"] == 2
    assert "Money" in str(changed[quote.pk])

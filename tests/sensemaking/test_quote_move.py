"""Moving and copying a quote to another theme: who may, on which objects, and what is recorded."""

import pytest
from django.urls import reverse

from sensemaking import services
from sensemaking.models import QuoteTheme
from stories import services as story_services
from stories.models import AuditEvent
from tests.factories import ALL_SCOPES, highlight_phrase, make_member, make_project, make_story

pytestmark = pytest.mark.django_db


def themes_of(quote) -> list[str]:
    return sorted(
        QuoteTheme.objects.filter(content_object=quote).values_list("tag__name", flat=True)
    )


def move_url(workshop, quote) -> str:
    return f"{reverse('sensemaking:quote-move', args=[workshop.pk])}?quote={quote.pk}"


def join(client, workshop, team, name="Sam"):
    guest, token = services.invite_guest(workshop=workshop, display_name=name, by=team.facilitator)
    client.get(reverse("sensemaking:join", args=[token]))
    return guest


@pytest.fixture
def voice_and_trust(team):
    return services.themes_named(team.project, ["Voice", "Trust"])


@pytest.fixture
def quote(team, workshop, story, voice_and_trust):
    voice, _trust = voice_and_trust
    return highlight_phrase(workshop, story, "gave me a voice", [voice], by=team.facilitator2)


@pytest.mark.parametrize("who", ["facilitator", "facilitator2", "curator"])
def test_people_running_the_workshop_move_a_quote_and_it_is_recorded(
    client, team, workshop, quote, voice_and_trust, who
):
    voice, trust = voice_and_trust
    client.force_login(getattr(team, who))
    response = client.post(
        move_url(workshop, quote), {"from_theme": voice.pk, "theme": trust.pk, "action": "move"}
    )
    board = reverse("sensemaking:board", args=[workshop.pk])
    assert response["Location"] == f"{board}#theme-{trust.pk}"
    assert themes_of(quote) == ["Trust"]
    page = client.get(board).content.decode()
    assert "Quote moved to “Trust”." in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.QUOTE_MOVED)
    assert event.actor == getattr(team, who)
    assert event.story_id == quote.story_id
    assert event.details == {
        "workshop": workshop.pk,
        "quote": quote.pk,
        "guest": None,
        "source": "Voice",
        "target": "Trust",
    }
    assert "gave me a voice" not in str(event.details)  # The words stay with the consent rule.


def test_copying_keeps_the_quote_under_both_themes(client, team, workshop, quote, voice_and_trust):
    voice, trust = voice_and_trust
    client.force_login(team.facilitator)
    answer = client.post(
        move_url(workshop, quote),
        {"from_theme": voice.pk, "theme": trust.pk, "action": "copy"},
        headers={"Accept": "application/json"},
    )
    assert answer.json() == {"message": "Quote copied to “Trust”.", "theme": trust.pk}
    assert themes_of(quote) == ["Trust", "Voice"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.QUOTE_COPIED).count() == 1
    again = client.post(
        move_url(workshop, quote),
        {"from_theme": voice.pk, "theme": trust.pk, "action": "copy"},
        headers={"Accept": "application/json"},
    )
    assert again.status_code == 400
    assert again.json()["error"] == "The quote is already under “Trust”: choose another theme."
    # Moving onto a theme the quote already has takes it off the first one.
    client.post(
        move_url(workshop, quote), {"from_theme": voice.pk, "theme": trust.pk, "action": "move"}
    )
    assert themes_of(quote) == ["Trust"]


def test_the_maker_moves_their_own_quote_but_a_guest_cannot_move_anyone_elses(
    client, team, workshop, story, quote, voice_and_trust
):
    voice, trust = voice_and_trust
    guest = join(client, workshop, team, "Sam")
    own = highlight_phrase(workshop, story, "Funding forms", [voice], guest=guest)
    board = client.get(reverse("sensemaking:board", args=[workshop.pk])).content.decode()
    assert f'href="{move_url(workshop, own)}&amp;from={voice.pk}"' in board
    assert f"?quote={quote.pk}&amp;" not in board  # Not offered for someone else's quote.
    data = {"from_theme": voice.pk, "theme": trust.pk, "action": "move"}
    assert client.get(f"{move_url(workshop, quote)}&from={voice.pk}").status_code == 404
    assert client.post(move_url(workshop, quote), data).status_code == 404
    assert themes_of(quote) == ["Voice"]
    assert client.post(move_url(workshop, own), data).status_code == 302
    assert themes_of(own) == ["Trust"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.QUOTE_MOVED)
    assert (event.actor, event.actor_label, event.details["guest"]) == (
        None,
        "workshop guest",
        guest.pk,
    )
    assert "Sam" not in str(event.details)


def test_a_participant_moves_only_their_own_quotes(
    client, team, workshop, story, quote, voice_and_trust
):
    voice, trust = voice_and_trust
    workshop.participants.add(team.interviewer2)
    own = highlight_phrase(workshop, story, "Funding forms", [voice], by=team.interviewer2)
    client.force_login(team.interviewer2)
    data = {"from_theme": voice.pk, "theme": trust.pk}
    assert client.post(move_url(workshop, quote), data).status_code == 404
    assert client.post(move_url(workshop, own), {**data, "action": "move"}).status_code == 302
    assert themes_of(quote) == ["Voice"] and themes_of(own) == ["Trust"]


def test_no_one_outside_the_workshop_may_move_a_quote(
    client, team, workshop, quote, voice_and_trust
):
    voice, trust = voice_and_trust
    data = {"from_theme": voice.pk, "theme": trust.pk, "action": "move"}
    signed_out = client.post(move_url(workshop, quote), data)
    assert signed_out["Location"].startswith(reverse("login"))
    for outsider in (team.outsider, team.interviewer2, make_member(make_project(), "facilitator")):
        client.force_login(outsider)
        assert client.post(move_url(workshop, quote), data).status_code == 404
    client.logout()
    other = services.create_workshop(
        project=team.project,
        title="Autumn",
        by=team.facilitator,
        stories=[workshop.stories.get()],
    )
    join(client, other, team)  # A guest of another workshop of the same project.
    assert client.post(move_url(workshop, quote), data).status_code == 404
    assert client.post(move_url(other, quote), data).status_code == 404
    assert themes_of(quote) == ["Voice"]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.QUOTE_MOVED).exists()


def test_another_workshops_quote_or_another_projects_theme_is_refused(
    client, team, workshop, quote, voice_and_trust
):
    voice, trust = voice_and_trust
    (elsewhere,) = services.themes_named(team.other_project, ["Trust"])
    other = services.create_workshop(
        project=team.project, title="Autumn", by=team.facilitator, stories=[quote.story]
    )
    theirs = highlight_phrase(other, quote.story, "Funding forms", [voice], by=team.facilitator)
    client.force_login(team.facilitator)
    # The other workshop's quote through this workshop's address: not found.
    data = {"from_theme": voice.pk, "theme": trust.pk, "action": "move"}
    assert client.post(move_url(workshop, theirs), data).status_code == 404
    page = client.post(move_url(workshop, quote), {**data, "theme": elsewhere.pk}).content.decode()
    assert "Choose one of this project’s themes." in page
    page = client.post(move_url(workshop, quote), {**data, "from_theme": trust.pk}).content.decode()
    assert "The quote is no longer under that theme" in page
    page = client.post(move_url(workshop, quote), {**data, "theme": voice.pk}).content.decode()
    assert "The quote is already under “Voice”: choose another theme." in page
    page = client.post(move_url(workshop, quote), {"from_theme": voice.pk}).content.decode()
    assert "Choose the theme to move or copy the quote to." in page
    assert "Choose whether to move or copy the quote." in page
    assert themes_of(quote) == ["Voice"] and themes_of(theirs) == ["Voice"]
    assert client.get(f"{move_url(workshop, quote)}&from={trust.pk}").status_code == 404
    assert client.get(f"{move_url(workshop, quote)}?from=x").status_code == 404


def test_a_quote_whose_storyteller_withdrew_cannot_be_moved(
    client, team, workshop, quote, voice_and_trust
):
    voice, trust = voice_and_trust
    story_services.withdraw_consent(story=quote.story, by=team.curator)
    client.force_login(team.facilitator)
    data = {"from_theme": voice.pk, "theme": trust.pk, "action": "move"}
    assert client.post(move_url(workshop, quote), data).status_code == 404
    assert client.get(f"{move_url(workshop, quote)}&from={voice.pk}").status_code == 404
    assert themes_of(quote) == ["Voice"]


def test_the_page_without_javascript_shows_the_words_and_a_form_that_posts(
    client, team, workshop, story, voice_and_trust
):
    voice, _trust = voice_and_trust
    story_services.redact_transcript(
        transcript=story.transcripts.get(is_current=True),
        char_start=story.transcripts.get(is_current=True).text.index("voice"),
        char_end=story.transcripts.get(is_current=True).text.index("voice") + len("voice"),
        reason="",
        by=team.curator,
    )
    quote = highlight_phrase(workshop, story, "Funding forms", [voice], by=team.facilitator)
    quote.text = "gave me a voice <b>"  # as if quoted before the redaction, with odd text
    quote.save(update_fields=["text"])
    client.force_login(team.facilitator)
    page = client.get(f"{move_url(workshop, quote)}&from={voice.pk}").content.decode()
    assert "gave me a [redacted] &lt;b&gt;" in page
    assert "now under Voice" in page
    assert f'name="from_theme" value="{voice.pk}"' in page
    assert "Theme to move or copy it to" in page
    assert "Move it (it leaves this theme)" in page


def test_a_story_of_another_project_is_not_in_reach(client, team, voice_and_trust):
    other_team_story = make_story(
        team.other_project, team.outsider, scopes=ALL_SCOPES, status="submitted"
    )
    workshop = services.create_workshop(
        project=team.other_project, title="Theirs", by=team.outsider, stories=[other_team_story]
    )
    (theirs,) = services.themes_named(team.other_project, ["Voice"])
    quote = highlight_phrase(workshop, other_team_story, "being heard", [theirs], by=team.outsider)
    _voice, trust = voice_and_trust
    client.force_login(team.facilitator)
    data = {"from_theme": theirs.pk, "theme": trust.pk, "action": "move"}
    assert client.post(move_url(workshop, quote), data).status_code == 404
    assert themes_of(quote) == ["Voice"]


def test_the_service_refuses_themes_of_another_project(team, workshop, quote, voice_and_trust):
    from django.core.exceptions import ValidationError

    voice, _trust = voice_and_trust
    (elsewhere,) = services.themes_named(team.other_project, ["Elsewhere"])
    with pytest.raises(ValidationError, match=r"Choose a theme of this workshop’s project\."):
        services.move_quote(quote=quote, from_theme=voice, to_theme=elsewhere, by=team.facilitator)
    assert themes_of(quote) == ["Voice"]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.QUOTE_MOVED).exists()

"""Workshop pages for every kind of visitor: each sees only their own workshop and stories."""

import json

import pytest
from django.core.files import File
from django.urls import reverse

from sensemaking import services
from sensemaking.models import Finding, Quote, Theme
from stories import services as story_services
from stories.models import Recording
from tests.factories import (
    ALL_SCOPES,
    highlight_phrase,
    make_member,
    make_playable,
    make_project,
    make_story,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_workshop(team):
    other_story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted", title="Elsewhere"
    )
    return services.create_workshop(
        project=team.project, title="Autumn workshop", by=team.facilitator, stories=[other_story]
    )


def join(client, workshop, team, name="Dee"):
    _guest, token = services.invite_guest(workshop=workshop, display_name=name, by=team.facilitator)
    return client.get(reverse("sensemaking:join", args=[token]))


def offsets(story, phrase):
    text = story.transcripts.get(is_current=True).text
    return text.index(phrase), text.index(phrase) + len(phrase)


def add_short_quotes(workshop, story, count, *, by):
    """Quote `count` short overlapping spans, tagged with one to three of the themes A, B, C."""
    themes = services.themes_named(workshop.project, ["A", "B", "C"])
    for number in range(count):
        services.highlight(
            workshop=workshop,
            story=story,
            char_start=number % 20,
            char_end=number % 20 + 3,
            themes=themes[: 1 + number % 3],
            user=by,
        )


def test_a_guest_link_opens_only_its_workshop(client, team, workshop, other_workshop, story):
    response = join(client, workshop, team)
    assert response["Location"] == reverse("sensemaking:workshop", args=[workshop.pk])
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("sensemaking:story", args=[workshop.pk, story.pk])).status_code == 200
    other_story = other_workshop.stories.get()
    for url in (
        reverse("sensemaking:workshop", args=[other_workshop.pk]),
        reverse("sensemaking:board", args=[other_workshop.pk]),
        reverse("sensemaking:story", args=[other_workshop.pk, other_story.pk]),
        reverse("sensemaking:story", args=[workshop.pk, other_story.pk]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        reverse("stories:story-detail", args=[story.pk]),
        reverse("stories:dashboard"),
        "/admin/",
    ):
        assert client.get(url).status_code == 302, url  # Sent to sign in.


def test_a_guest_cannot_run_the_workshop(client, team, workshop):
    join(client, workshop, team)
    edit = client.get(reverse("sensemaking:workshop-edit", args=[workshop.pk]))
    assert edit["Location"].startswith(reverse("login"))
    (theme,) = services.themes_named(team.project, ["Trust"])
    assert (
        client.get(reverse("sensemaking:theme-edit", args=[workshop.pk, theme.pk])).status_code
        == 404
    )


def test_facilitators_of_another_project_see_nothing(client, team, workshop, story):
    stranger = make_member(make_project(), "facilitator")
    client.force_login(stranger)
    assert client.get(reverse("sensemaking:workshop", args=[workshop.pk])).status_code == 404
    assert client.get(reverse("sensemaking:board", args=[workshop.pk])).status_code == 404
    assert workshop.title not in client.get(reverse("sensemaking:workshop-list")).content.decode()


def test_interviewers_not_taking_part_see_nothing(client, team, workshop):
    client.force_login(team.interviewer2)
    assert client.get(reverse("sensemaking:workshop", args=[workshop.pk])).status_code == 404


def test_a_team_member_taking_part_can_highlight_but_not_run_the_workshop(
    client, team, workshop, story
):
    workshop.participants.add(team.interviewer2)
    client.force_login(team.interviewer2)
    assert client.get(reverse("sensemaking:workshop", args=[workshop.pk])).status_code == 200
    start, end = offsets(story, "gave me a voice")
    saved = client.post(
        reverse("sensemaking:quote-create", args=[workshop.pk, story.pk]),
        json.dumps({"char_start": start, "char_end": end, "themes": ["Voice"]}),
        content_type="application/json",
    )
    assert saved.status_code == 201
    theme = Theme.objects.get(name="Voice")
    edit = reverse("sensemaking:theme-edit", args=[workshop.pk, theme.pk])
    assert client.get(edit).status_code == 404
    assert client.get(reverse("sensemaking:workshop-edit", args=[workshop.pk])).status_code == 404
    client.force_login(team.curator)  # Curators of the project run its workshops.
    assert client.get(edit).status_code == 200


def test_highlight_by_json_and_the_board_shows_it(client, team, workshop, story):
    join(client, workshop, team, name="Dee")
    start, end = offsets(story, "gave me a voice")
    response = client.post(
        reverse("sensemaking:quote-create", args=[workshop.pk, story.pk]),
        json.dumps({"char_start": start, "char_end": end, "themes": ["Voice", "voice"]}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["quote"]["themes"] == ["Voice"]
    assert response.json()["quote"]["by"] == "Dee"
    client.logout()
    client.force_login(team.facilitator)
    board = client.get(reverse("sensemaking:board", args=[workshop.pk])).content.decode()
    assert "gave me a voice" in board
    assert "highlighted by Dee" in board
    assert "1 quote from 1 storyteller" in board


def test_highlight_without_javascript_finds_words_in_a_paragraph(client, team, workshop, story):
    client.force_login(team.facilitator)
    url = reverse("sensemaking:story", args=[workshop.pk, story.pk])
    client.post(url, {"words": "gave me a voice", "paragraph": 1, "themes": "Voice, Power"})
    quote = Quote.objects.get()
    assert quote.text == "gave me a voice"
    assert sorted(quote.themes.names()) == ["Power", "Voice"]
    wrong = client.post(url, {"words": "not there", "paragraph": 1})
    assert "not in that paragraph" in wrong.content.decode()


def test_quotes_cannot_include_redacted_words(client, team, workshop, story):
    transcript = story.transcripts.get(is_current=True)
    start, end = offsets(story, "14 Brook Lane")
    story_services.redact_transcript(
        transcript=transcript, char_start=start, char_end=end, reason="", by=team.curator
    )
    client.force_login(team.facilitator)
    response = client.post(
        reverse("sensemaking:quote-create", args=[workshop.pk, story.pk]),
        json.dumps({"char_start": start - 3, "char_end": end, "themes": ["Brand new"]}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "redacted" in response.json()["error"]
    assert not Theme.objects.filter(name="Brand new").exists()  # a refused quote adds nothing
    page = client.get(reverse("sensemaking:story", args=[workshop.pk, story.pk])).content.decode()
    assert "Brook Lane" not in page


def test_typing_a_guess_at_redacted_words_learns_nothing(client, team, workshop, story):
    transcript = story.transcripts.get(is_current=True)
    start, end = offsets(story, "14 Brook Lane")
    story_services.redact_transcript(
        transcript=transcript, char_start=start, char_end=end, reason="", by=team.curator
    )
    client.force_login(team.facilitator)
    url = reverse("sensemaking:story", args=[workshop.pk, story.pk])  # the form without JS
    (paragraph,) = [
        number
        for number, segment in enumerate(transcript.segments.all(), start=1)
        if "Brook Lane" in segment.text
    ]
    # The right guess and a wrong one get the same answer, and nothing is saved.
    right = client.post(url, {"words": "14 Brook Lane", "paragraph": paragraph}).content.decode()
    wrong = client.post(url, {"words": "12 Mill Road", "paragraph": paragraph}).content.decode()
    for answer in (right, wrong):
        assert "Those exact words are not in that paragraph." in answer
        assert "includes redacted words" not in answer
    assert not Quote.objects.exists()


def test_bad_highlight_input_is_refused_clearly(client, team, workshop, story):
    client.force_login(team.facilitator)
    url = reverse("sensemaking:quote-create", args=[workshop.pk, story.pk])
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    response = client.post(
        url, json.dumps({"char_start": 5, "char_end": 99999}), content_type="application/json"
    )
    assert response.status_code == 400
    assert "Select some words" in response.json()["error"]
    assert not Quote.objects.exists()


def test_withdrawn_consent_hides_quotes_from_participants_and_text_from_facilitators(
    client, team, workshop, story
):
    highlight_phrase(workshop, story, "gave me a voice", by=team.facilitator)
    story_services.change_consent_scopes(
        story=story, scopes={**ALL_SCOPES, "use_sensemaking": False}
    )
    client.force_login(team.facilitator)
    board = client.get(reverse("sensemaking:board", args=[workshop.pk])).content.decode()
    assert "gave me a voice" not in board
    assert "1 quote withdrawn" in board
    assert client.get(reverse("sensemaking:story", args=[workshop.pk, story.pk])).status_code == 404
    client.logout()
    join(client, workshop, team)
    board = client.get(reverse("sensemaking:board", args=[workshop.pk])).content.decode()
    assert "gave me a voice" not in board
    assert "withdrawn" not in board
    updates = client.get(reverse("sensemaking:updates", args=[workshop.pk])).json()
    assert updates["quotes"] == []


def test_updates_return_only_newer_quotes(client, team, workshop, story):
    client.force_login(team.facilitator)
    first = services.highlight(
        workshop=workshop, story=story, char_start=0, char_end=5, themes=[], user=team.facilitator
    )
    services.highlight(
        workshop=workshop, story=story, char_start=6, char_end=10, themes=[], user=team.facilitator
    )
    url = reverse("sensemaking:updates", args=[workshop.pk])
    assert len(client.get(url, {"after": first.pk}).json()["quotes"]) == 1


def test_second_theme_editor_sees_the_newer_version(client, team, workshop):
    (theme,) = services.themes_named(team.project, ["Trust"])
    url = reverse("sensemaking:theme-edit", args=[workshop.pk, theme.pk])
    data = {"name": "Trust in services", "colour": "#1d4f7a", "version": theme.version}
    client.force_login(team.facilitator)
    assert client.post(url, data).status_code == 302
    client.force_login(team.facilitator2)
    page = client.post(url, {**data, "name": "Trust?"}).content.decode()
    assert "Someone else changed this theme" in page
    assert 'value="Trust in services"' in page
    assert Theme.objects.get(pk=theme.pk).name == "Trust in services"


def test_board_query_count_does_not_grow_with_quotes(client, team, workshop, story):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(team.facilitator)
    url = reverse("sensemaking:board", args=[workshop.pk])
    add_short_quotes(workshop, story, 3, by=team.facilitator)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_short_quotes(workshop, story, 20, by=team.facilitator)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_workshop_pages_and_saving_take_a_bounded_number_of_queries(
    client, team, workshop, story, django_assert_max_num_queries
):
    add_short_quotes(workshop, story, 30, by=team.facilitator)
    client.force_login(team.facilitator)
    story_page = reverse("sensemaking:story", args=[workshop.pk, story.pk])
    pages = {
        # The board: session, user, workshop, roles, participant check... as before (13), one
        # more for the list of coders ("Coded by", "How far two coders agree") and one for memos,
        # less the quotes' theme links, which the board already read with the counts.
        reverse("sensemaking:board", args=[workshop.pk]): 14,
        story_page: 14,
        reverse("sensemaking:updates", args=[workshop.pk]) + "?after=0": 8,
    }
    for url, most in pages.items():
        client.get(url)  # The transcript page caches its markup on the first visit.
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200
    start, end = offsets(story, "gave me a voice")
    # Counted with BEGIN and COMMIT; a new theme costs its insert, slug and position.
    for themes, most in ((["A", "B"], 10), (["A", "Brand new"], 16)):
        with django_assert_max_num_queries(most):
            saved = client.post(
                reverse("sensemaking:quote-create", args=[workshop.pk, story.pk]),
                json.dumps({"char_start": start, "char_end": end, "themes": themes}),
                content_type="application/json",
            )
        assert saved.status_code == 201


def test_a_later_redaction_hides_words_in_existing_quotes(client, team, workshop, story):
    highlight_phrase(
        workshop,
        story,
        "I lived at 14 Brook Lane then",
        services.themes_named(team.project, ["Home"]),
        by=team.facilitator,
    )
    join(client, workshop, team)
    story_page = reverse("sensemaking:story", args=[workshop.pk, story.pk])
    assert "Brook Lane" in client.get(story_page).content.decode()  # its markup is now cached
    transcript = story.transcripts.get(is_current=True)
    start, end = offsets(story, "14 Brook Lane")
    story_services.redact_transcript(
        transcript=transcript, char_start=start, char_end=end, reason="", by=team.curator
    )
    for url in (
        reverse("sensemaking:board", args=[workshop.pk]),
        reverse("sensemaking:story", args=[workshop.pk, story.pk]),
        reverse("sensemaking:updates", args=[workshop.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Brook Lane" not in page, url
        assert "[redacted]" in page, url


def test_findings_keep_the_order_the_group_chooses(client, team, workshop):
    (theme,) = services.themes_named(team.project, ["Trust"])
    _first, second = (
        services.write_finding(
            workshop=workshop, theme=theme, statement=text, quotes=[], by=team.facilitator
        )
        for text in ("Trust grows slowly.", "Trust needs honesty.")
    )
    join(client, workshop, team)
    client.post(
        reverse("sensemaking:finding-move", args=[workshop.pk, second.pk]), {"direction": "up"}
    )
    board = client.get(reverse("sensemaking:board", args=[workshop.pk])).content.decode()
    assert board.index("Trust needs honesty.") < board.index("Trust grows slowly.")


def test_board_shows_a_few_quotes_per_theme_and_all_on_request(client, team, workshop, story):
    themes = services.themes_named(team.project, ["Voice"])
    for number in range(8):
        services.highlight(
            workshop=workshop,
            story=story,
            char_start=number,
            char_end=number + 4,
            themes=themes,
            user=team.facilitator,
        )
    client.force_login(team.facilitator)
    url = reverse("sensemaking:board", args=[workshop.pk])
    board = client.get(url).content.decode()
    assert board.count(f'<li id="theme-{themes[0].pk}-quote-') == 6
    assert "See all 8 quotes about Voice" in board
    everything = client.get(url, {"theme": themes[0].pk}).content.decode()
    assert everything.count(f'<li id="theme-{themes[0].pk}-quote-') == 8


def test_board_counts_themes_that_appear_together_and_supporting_quotes(
    client, team, workshop, story
):
    voice, power, trust = services.themes_named(team.project, ["Voice", "Power", "Trust"])
    quotes = [
        services.highlight(
            workshop=workshop,
            story=story,
            char_start=n,
            char_end=n + 4,
            themes=themes,
            user=team.facilitator,
        )
        for n, themes in enumerate([[voice, power], [voice, power], [voice, trust], [trust]])
    ]
    services.write_finding(
        workshop=workshop,
        theme=voice,
        statement="Voice matters.",
        quotes=quotes[:1],
        by=team.facilitator,
    )
    client.force_login(team.facilitator)
    response = client.get(reverse("sensemaking:board", args=[workshop.pk]))
    table = {
        theme.name: dict(zip([t.name for t in response.context["used"]], counts, strict=True))
        for theme, counts, _cells in response.context["matrix"]
    }
    assert table["Voice"]["Power"] == 2
    assert table["Voice"]["Trust"] == 1
    assert table["Power"]["Trust"] == 0
    assert table["Voice"]["Voice"] is None
    rows = {row["theme"].name: row for row in response.context["rows"]}
    assert rows["Voice"]["total"] == 3
    assert rows["Trust"]["storytellers"] == 1
    finding = rows["Voice"]["findings"][0]
    assert [quote.pk for quote in finding.shown_quotes] == [quotes[0].pk]


def test_a_withdrawn_story_takes_no_new_quotes_or_themes(client, team, workshop, story):
    story_services.withdraw_consent(story=story, by=team.curator)
    client.force_login(team.facilitator)
    response = client.post(
        reverse("sensemaking:quote-create", args=[workshop.pk, story.pk]),
        json.dumps({"char_start": 0, "char_end": 10, "themes": ["Brand new"]}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert "can’t be used any more" in response.json()["error"]
    assert not Quote.objects.exists() and not Theme.objects.filter(name="Brand new").exists()


def test_supporting_quotes_are_chosen_on_the_themes_own_view(client, team, workshop, story):
    (voice,) = services.themes_named(team.project, ["Voice"])
    quote = highlight_phrase(workshop, story, "gave me a voice", [voice], by=team.facilitator)
    client.force_login(team.facilitator)
    board = reverse("sensemaking:board", args=[workshop.pk])
    overview = client.get(board).content.decode()
    assert f'id="support-{voice.pk}-{quote.pk}"' not in overview
    assert f"?theme={voice.pk}#finding-{voice.pk}" in overview
    own_view = client.get(board, {"theme": voice.pk}).content.decode()
    assert f'id="support-{voice.pk}-{quote.pk}"' in own_view
    client.post(
        reverse("sensemaking:finding-create", args=[workshop.pk, voice.pk]),
        {"statement": "People found their voice.", "quotes": [quote.pk]},
    )
    (finding,) = voice.findings.all()
    assert list(finding.quotes.all()) == [quote]


def test_facilitators_mark_key_quotes_which_lead_their_theme(
    client, team, workshop, other_workshop, story
):
    (voice,) = services.themes_named(team.project, ["Voice"])
    first, later = (
        highlight_phrase(workshop, story, phrase, [voice], by=team.facilitator)
        for phrase in ("gave me a voice", "Funding forms")
    )
    key_url = reverse("sensemaking:quote-key", args=[workshop.pk])
    board_url = reverse("sensemaking:board", args=[workshop.pk])
    client.force_login(team.facilitator)
    board = client.get(board_url).content.decode()
    assert board.index("Funding forms") < board.index("gave me a voice")  # Latest first.
    for _twice in range(2):  # Marking twice (two facilitators at once) keeps it marked.
        response = client.post(key_url, {"key": first.pk, "theme": voice.pk})
        assert response["Location"] == f"{board_url}#theme-{voice.pk}-quote-{first.pk}"
    first.refresh_from_db()
    assert first.is_key
    board = client.get(board_url).content.decode()
    assert board.index("gave me a voice") < board.index("Funding forms")
    assert f'name="unkey" value="{first.pk}"' in board
    client.post(key_url, {"unkey": first.pk})
    first.refresh_from_db()
    assert not first.is_key
    elsewhere = highlight_phrase(
        other_workshop, other_workshop.stories.get(), "co-production", by=team.facilitator
    )
    for data in ({"key": elsewhere.pk}, {"key": "x"}, {}):
        assert client.post(key_url, data).status_code == 404, data
    client.logout()
    join(client, workshop, team)  # A participant may not choose key quotes.
    assert client.post(key_url, {"key": later.pk}).status_code == 404
    assert not Quote.objects.filter(is_key=True).exists()


def test_odd_numbers_in_addresses_and_forms_are_ignored_or_not_found(client, team, workshop, story):
    highlight_phrase(workshop, story, "gave me a voice", by=team.facilitator)
    client.force_login(team.facilitator)
    board = reverse("sensemaking:board", args=[workshop.pk])
    updates = reverse("sensemaking:updates", args=[workshop.pk])
    for odd in ("²", "-1", "1.5", "99999999999999999999"):
        assert client.get(board, {"story": odd, "theme": odd}).status_code == 200, odd
        assert client.get(updates, {"after": odd, "story": odd}).status_code == 200, odd
        key = client.post(reverse("sensemaking:quote-key", args=[workshop.pk]), {"key": odd})
        assert key.status_code == 404, odd
    assert len(client.get(updates, {"after": "²"}).json()["quotes"]) == 1
    for offsets in ({"char_start": 2**31, "char_end": 2**31 + 5}, {"char_start": "²"}):
        response = client.post(
            reverse("sensemaking:quote-create", args=[workshop.pk, story.pk]),
            json.dumps(offsets),
            content_type="application/json",
        )
        assert response.status_code == 400, offsets
    assert Quote.objects.count() == 1


def test_a_quote_under_two_themes_keeps_every_id_on_the_board_unique(client, team, workshop, story):
    from collections import Counter
    from html.parser import HTMLParser

    class Ids(HTMLParser):
        def __init__(self):
            super().__init__()
            self.ids = Counter()
            self.described = []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if "id" in attrs:
                self.ids[attrs["id"]] += 1
            if "aria-describedby" in attrs:
                self.described.append(attrs["aria-describedby"])

    voice, power = services.themes_named(team.project, ["Voice", "Power"])
    highlight_phrase(workshop, story, "gave me a voice", [voice, power], by=team.facilitator)
    client.force_login(team.facilitator)
    parser = Ids()
    parser.feed(client.get(reverse("sensemaking:board", args=[workshop.pk])).content.decode())
    assert [name for name, count in parser.ids.items() if count > 1] == []
    # Each quote's key-quote button and its "Move or copy" are described by its words.
    assert len(parser.described) == 4
    assert all(parser.ids[target] == 1 for target in parser.described)


def test_a_theme_name_too_long_is_refused_and_a_note_comes_back_with_the_quote(
    client, team, workshop, story
):
    client.force_login(team.facilitator)
    url = reverse("sensemaking:quote-create", args=[workshop.pk, story.pk])
    start, end = offsets(story, "gave me a voice")

    def save(themes):
        body = {"char_start": start, "char_end": end, "themes": themes, "note": "Said twice."}
        return client.post(url, json.dumps(body), content_type="application/json")

    refused = save(["Voice", "W" * 101])
    assert refused.status_code == 400
    assert "at most 100 characters" in refused.json()["error"]
    assert not Quote.objects.exists() and not Theme.objects.exists()
    saved = save(["Voice", "W" * 100])
    assert saved.status_code == 201
    assert saved.json()["quote"]["note"] == "Said twice."
    assert Theme.objects.filter(name="W" * 100).exists()


def test_an_empty_finding_is_explained_beside_it_and_keeps_the_quotes_chosen(
    client, team, workshop, story
):
    (voice,) = services.themes_named(team.project, ["Voice"])
    chosen = [
        highlight_phrase(workshop, story, phrase, [voice], by=team.facilitator)
        for phrase in ("gave me a voice", "Funding forms")
    ]
    client.force_login(team.facilitator)
    url = reverse("sensemaking:finding-create", args=[workshop.pk, voice.pk])
    for statement in ("  ", "<b>Loud</b>"):
        response = client.post(url, {"statement": statement, "quotes": [q.pk for q in chosen]})
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page
        for quote in chosen:
            assert f'value="{quote.pk}" id="support-{quote.pk}" checked' in page
    assert "Write the finding first." in client.post(url, {"statement": ""}).content.decode()
    assert not Finding.objects.exists()
    response = client.post(
        url, {"statement": "Being heard matters.", "quotes": [q.pk for q in chosen] + ["²"]}
    )
    assert response.status_code == 302
    (finding,) = Finding.objects.all()
    assert sorted(finding.quotes.values_list("pk", flat=True)) == sorted(q.pk for q in chosen)


def test_the_workshop_player_waits_for_the_clean_copy(client, team, workshop, story, media_files):
    with media_files["mp3"].open("rb") as handle:
        recording = story_services.upload_recording(
            story=story, upload=File(handle, name="talk.mp3"), by=team.interviewer
        )
    make_playable(recording)
    client.force_login(team.facilitator)
    url = reverse("sensemaking:story", args=[workshop.pk, story.pk])
    assert 'id="story-audio"' in client.get(url).content.decode()
    Recording.objects.filter(pk=recording.pk).update(listener_copy_state="pending")
    html = client.get(url).content.decode()
    assert 'id="story-audio"' not in html
    assert "The recording is being prepared" in html


@pytest.mark.parametrize("number", ["99999999999999999999", "9223372036854775808"])
def test_an_id_too_large_for_any_row_is_ignored_not_a_server_error(client, team, workshop, number):
    client.force_login(team.facilitator)
    for url in (
        reverse("sensemaking:board", args=[workshop.pk]) + f"?story={number}&theme={number}",
        reverse("sensemaking:updates", args=[workshop.pk]) + f"?after={number}&story={number}",
    ):
        assert client.get(url).status_code == 200


def test_the_page_without_javascript_names_what_is_wrong_beside_each_field(
    client, team, workshop, story
):
    transcript = story.transcripts.get(is_current=True)
    start, end = offsets(story, "14 Brook Lane")
    story_services.redact_transcript(
        transcript=transcript, char_start=start, char_end=end, reason="", by=team.curator
    )
    client.force_login(team.facilitator)
    url = reverse("sensemaking:story", args=[workshop.pk, story.pk])
    page = client.get(url).content.decode()
    # Both are needed on this path, so neither is marked optional.
    for label in ("Words to quote", "From paragraph number"):
        assert f'{label} <span class="optional">' not in page and label in page
    for sent, said in (
        ({"words": "", "paragraph": ""}, "Copy the words to quote from the transcript."),
        ({"words": "", "paragraph": ""}, "Enter the number of the paragraph the words are in."),
        ({"words": "I lived at [redacted]", "paragraph": 3}, "Redacted words cannot be quoted."),
        ({"words": "gave me", "paragraph": 9}, "The transcript has 3 paragraphs: enter a number"),
        ({"words": "gave me", "paragraph": 0}, "Paragraphs are numbered from 1."),
    ):
        response = client.post(url, sent)
        assert said in response.content.decode(), sent
    assert not Quote.objects.exists()

"""Searching a workshop: quotes and transcript passages by their words, under the board's rule."""

import pytest
from django.urls import reverse

from sensemaking import services
from sensemaking.forms import SEARCH_LIMIT
from stories import services as story_services
from tests.factories import (
    ALL_SCOPES,
    highlight_phrase,
    make_member,
    make_project,
    make_story,
    make_withdrawn_story,
    redact_words,
)
from tests.sensemaking.test_views import join

pytestmark = pytest.mark.django_db


def search(client, workshop, query, **params):
    response = client.get(reverse("sensemaking:search", args=[workshop.pk]), {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_finds_quotes_with_their_themes_and_link_to_their_paragraph(client, team, workshop, story):
    (voice,) = services.themes_named(team.project, ["Having a voice"])
    highlight_phrase(workshop, story, "Funding forms were the hardest part", [voice])
    client.force_login(team.facilitator)
    page = search(client, workshop, "forms")
    assert "1 quote and 1 transcript passage match" in page
    # Stemmed: "forms" finds "forms", marked; the quote's theme and story are named.
    assert "Funding <mark>forms</mark> were the hardest part" in page
    assert '<span class="tag">Having a voice</span>' in page
    transcript = reverse("sensemaking:story", args=[workshop.pk, story.pk])
    assert f'href="{transcript}#segment-1"' in page
    assert "Open paragraph 2 of Being heard" in page


def test_web_search_syntax_and_notes(client, team, workshop, story):
    quote = highlight_phrase(workshop, story, "Co-production gave me a voice")
    quote.note = "Dee said this twice"
    quote.save()
    client.force_login(team.facilitator)
    assert "Note: Dee <mark>said</mark> this twice" in search(client, workshop, "said")
    page = search(client, workshop, "voice -production")
    assert "0 quotes and 0 transcript passages match" in page
    assert "No quotes match" in page


def test_redacted_words_are_neither_found_nor_shown(client, team, workshop, story):
    highlight_phrase(workshop, story, "I lived at 14 Brook Lane then")
    # Redacted after the quote was saved: the quote's stored words still hold them.
    redact_words(story, "Brook Lane", by=team.curator)
    client.force_login(team.facilitator)
    page = search(client, workshop, "Brook")
    assert "0 quotes and 0 transcript passages match" in page
    page = search(client, workshop, "lived")
    assert "1 quote and 1 transcript passage match" in page
    assert "Brook" not in page.split("</h1>")[1].split("</form>")[1]
    assert "[redacted]" in page


def test_withdrawn_and_unusable_stories_are_never_found(client, team, workshop, story):
    highlight_phrase(workshop, story, "Funding forms were the hardest part")
    withdrawn = make_withdrawn_story(team, title="Gone")
    services.set_workshop_stories(workshop=workshop, stories=[story], by=team.facilitator)
    workshop.stories.add(withdrawn)
    client.force_login(team.facilitator)
    assert "co-production" in search(client, workshop, "co-production").lower()
    assert "Gone" not in search(client, workshop, "heard")
    story_services.change_consent_scopes(
        story=story, scopes={**ALL_SCOPES, "use_sensemaking": False}
    )
    page = search(client, workshop, "forms")
    assert "0 quotes and 0 transcript passages match" in page


def test_the_query_is_shown_as_text(client, team, workshop):
    client.force_login(team.facilitator)
    page = search(client, workshop, "<script>alert(1)</script>")
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Enter the words to search for."),
        ("   ", "Enter the words to search for."),
        ("x" * (SEARCH_LIMIT + 1), f"Search for {SEARCH_LIMIT} characters or fewer: you entered"),
    ],
)
def test_an_empty_or_too_long_query_says_what_is_wrong(client, team, workshop, query, message):
    client.force_login(team.facilitator)
    page = search(client, workshop, query)
    assert "There is a problem" in page
    # The summary names the field, then says what is wrong.
    assert f'href="#id_q">Search this workshop: {message[0].lower()}{message[1:]}' in page
    assert "match" not in page


def test_results_are_paged(client, team, workshop, story):
    text = "\n\n".join(f"Dee: Paragraph {n} about the garden." for n in range(25))
    garden = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted", transcript=text
    )
    workshop.stories.add(garden)
    client.force_login(team.facilitator)
    first = search(client, workshop, "garden")
    assert "25 transcript passages match" in first
    assert first.count("Open paragraph") == 20
    assert "passages_page=2" in first
    second = search(client, workshop, "garden", passages_page=2)
    assert second.count("Open paragraph") == 5
    assert "Page 2 of 2" in second


def test_who_may_search(client, team, workshop):
    url = reverse("sensemaking:search", args=[workshop.pk])
    # Signed out, without a link: the sign-in page.
    response = client.get(url, {"q": "voice"})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    # Another project's facilitator, and an interviewer not taking part: not found.
    for user in (make_member(make_project(), "facilitator"), team.interviewer, team.outsider):
        client.force_login(user)
        assert client.get(url, {"q": "voice"}).status_code == 404
    client.logout()
    # A guest of another workshop of the same project.
    other = services.create_workshop(project=team.project, title="Other", by=team.facilitator)
    join(client, other, team)
    assert client.get(url, {"q": "voice"}).status_code == 404
    # The workshop's own guest may search it.
    join(client, workshop, team)
    assert "match" in search(client, workshop, "voice")


def test_search_takes_a_bounded_number_of_queries(
    client, team, workshop, story, django_assert_max_num_queries
):
    themes = services.themes_named(team.project, ["A", "B"])
    for phrase in ("Co-production gave me a voice", "Funding forms", "I lived at 14") * 10:
        highlight_phrase(workshop, story, phrase, themes)
    client.force_login(team.facilitator)
    # session 1 + user 1 + workshop 1 + roles 1, matching quotes 1 + their redactions 1 +
    # matched again 1, passages 1, the page's quotes 1 + themes 1 + links 1 + redactions 1 +
    # marks 1, the page's passages 1 + marks 1 = 15
    with django_assert_max_num_queries(15):
        page = search(client, workshop, "co-production or forms or lived")
    assert "30 quotes" in page and "Page 1 of 2" in page


SQLITE_CHECK = """
from django.test import Client
from django.urls import reverse
from sensemaking import services
from tests.factories import (
    ALL_SCOPES, Team, highlight_phrase, make_project, make_story, redact_words,
)
from tests.sensemaking.conftest import TEXT
team = Team(make_project())
story = make_story(
    team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted", transcript=TEXT
)
workshop = services.create_workshop(
    project=team.project, title="W", by=team.facilitator, stories=[story]
)
quote = highlight_phrase(workshop, story, "I lived at 14 Brook Lane then", by=team.facilitator)
quote.note = "Said <b>twice</b>"
quote.save()
redact_words(story, "Brook Lane", by=team.curator)
client = Client()
client.force_login(team.facilitator)
url = reverse("sensemaking:search", args=[workshop.pk])
def page(q):
    return client.get(url, {"q": q}).content.decode()
print("FOUND", "1 quote and 1 transcript passage match" in page("LIVED"))
print("BOTH", "1 quote and 0 transcript passages match" in page("lived twice"))
print("MARKED", "I <mark>lived</mark> at 14 [redacted] then" in page("lived"))
print("NOTE", "Said &lt;b&gt;<mark>twice</mark>&lt;/b&gt;" in page("twice"))
print("REDACTED", "0 quotes and 0 transcript passages match" in page("Brook"))
print("EVERY", "0 quotes and 0 transcript passages match" in page("lived funding"))
"""


def test_the_sqlite_demo_searches_every_word_and_never_redacted_ones(tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'search.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ALLOWED_HOSTS": "testserver",
    }
    for args in (["migrate", "--noinput"], ["shell", "-c", SQLITE_CHECK]):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    lines = [line.split(" ", 1) for line in result.stdout.splitlines() if " " in line]
    output = {key: value for key, value in lines if key.isupper()}
    assert output == dict.fromkeys(["FOUND", "BOTH", "MARKED", "NOTE", "REDACTED", "EVERY"], "True")

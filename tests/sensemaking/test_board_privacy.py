"""The board never tells a facilitator a storyteller's special-category answers, and says which
quotes a report cannot print."""

import pytest
from django.urls import reverse

from sensemaking import services
from tests.factories import ALL_SCOPES, highlight_phrase, make_story, make_storyteller

pytestmark = pytest.mark.django_db

PHRASE = "being heard"
# A word in each storyteller's quote that tells the quotes of each answer apart.
WORD = {"non_binary": "Kestrel", "woman": "Heron", "man": "Otter"}


def tell(team, count: int, gender: str, *, scopes=ALL_SCOPES):
    """Stories from `count` storytellers of this gender, each with a quote in one workshop."""
    return [
        make_story(
            team.project,
            team.interviewer,
            scopes=scopes,
            status="submitted",
            storyteller=make_storyteller(
                team.project, team.interviewer, demographics={"gender": gender}
            ),
            transcript=f"Storyteller: It meant {PHRASE}, said {WORD[gender]} {number}.",
            title=f"{gender} story {number}",
        )
        for number in range(count)
    ]


@pytest.fixture
def board(team, settings):
    settings.REPORT_SMALL_NUMBER = 5
    stories = tell(team, 1, "non_binary") + tell(team, 5, "woman") + tell(team, 4, "man")
    workshop = services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=stories
    )
    (theme,) = services.themes_named(team.project, ["Being heard"])
    for story in stories:
        highlight_phrase(workshop, story, f"said {WORD[story.storyteller.gender]}", [theme])
    return workshop, {story.storyteller.gender: story for story in stories}


def page(client, user, workshop, query: str = "") -> str:
    """The board's view of its one theme, where all of the theme's quotes are listed."""
    client.force_login(user)
    theme = workshop.project.themes.get()
    url = f"{reverse('sensemaking:board', args=[workshop.pk])}?theme={theme.pk}&{query.lstrip('?')}"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["facilitator", "facilitator2"])
def test_facilitators_cannot_filter_by_storytellers_answers(client, team, board, who):
    workshop, _stories = board
    html = page(client, getattr(team, who), workshop, "?gender=non_binary")
    assert 'name="gender"' not in html  # no such filter is offered
    # The filter is ignored: every quote is there, so none is singled out by its answer.
    for word in WORD.values():
        assert f"said {word}" in html


@pytest.mark.parametrize("who", ["curator", "curator2"])
def test_curators_see_no_group_smaller_than_the_threshold(client, team, board, who):
    workshop, _stories = board
    user = getattr(team, who)
    alone = page(client, user, workshop, "?gender=non_binary")
    assert 'name="gender"' in alone
    assert "said Kestrel" not in alone
    assert "Fewer than 5 storytellers gave that answer, or fewer than 5 gave another" in alone
    four = page(client, user, workshop, "?gender=man")
    assert "said Otter" not in four
    five = page(client, user, workshop, "?gender=woman")
    assert "Fewer than 5" not in five
    assert five.count("said Heron</q>") == 5
    assert "said Kestrel" not in five and "said Otter" not in five


def test_a_group_of_all_but_a_few_is_not_shown_either(client, team, settings):
    settings.REPORT_SMALL_NUMBER = 5
    stories = tell(team, 7, "woman") + tell(team, 2, "man")
    workshop = services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=stories
    )
    (theme,) = services.themes_named(team.project, ["Being heard"])
    for story in stories:
        highlight_phrase(workshop, story, f"said {WORD[story.storyteller.gender]}", [theme])
    html = page(client, team.curator, workshop, "?gender=woman")
    assert "said Heron" not in html  # seven, but it would tell who the other two are not
    assert "or fewer than 5 gave another" in html


def test_a_story_filter_cannot_narrow_a_group_below_the_threshold(client, team, board):
    workshop, stories = board
    query = f"?gender=woman&story={stories['woman'].pk}"
    html = page(client, team.curator, workshop, query)
    assert "said Heron" not in html
    assert "Fewer than 5 storytellers gave that answer, or fewer than 5 gave another" in html


def test_guests_and_participants_get_no_filters(client, team, board):
    workshop, _stories = board
    participant = team.interviewer2
    workshop.participants.add(participant)
    html = page(client, participant, workshop, "?gender=non_binary")
    assert 'name="gender"' not in html
    assert "said Kestrel" in html and "said Heron" in html


def test_the_board_says_which_quotes_a_report_cannot_print(client, team):
    quoted = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    unquotable = make_story(
        team.project,
        team.interviewer,
        scopes={**ALL_SCOPES, "quote_anonymous": False, "quote_credited": False},
        status="submitted",
        title="Not to be quoted",
    )
    workshop = services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[quoted, unquotable]
    )
    (theme,) = services.themes_named(team.project, ["Voice"])
    highlight_phrase(workshop, quoted, "being heard", [theme])
    highlight_phrase(workshop, unquotable, "not just listened to", [theme])
    html = page(client, team.facilitator, workshop)
    assert html.count("Not for reports:") == 1
    note = html.index("Not for reports:")
    item = html[html.rindex("<li", 0, note) : html.index("</li>", note)]
    assert "not just listened to" in item and "being heard" not in item
    chooser = page(client, team.facilitator, workshop)
    assert "(not for reports: the storyteller has not agreed to be quoted)" in chooser

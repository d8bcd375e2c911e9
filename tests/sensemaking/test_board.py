"""A board you can scan: a theme list with counts, cards that fold, empty themes folded away."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sensemaking import services
from tests.factories import highlight_phrase

pytestmark = pytest.mark.django_db


def test_the_theme_list_counts_quotes_and_links_to_each_card(client, team, workshop, story):
    voice, trust, _unused = services.themes_named(team.project, ["Voice", "Trust", "Unused"])
    highlight_phrase(workshop, story, "gave me a voice", [voice, trust], by=team.facilitator)
    highlight_phrase(workshop, story, "Funding forms", [voice], by=team.facilitator)
    client.force_login(team.facilitator)
    page = client.get(reverse("sensemaking:board", args=[workshop.pk])).content.decode()
    start = page.index('<nav class="theme-index"')
    index = page[start : page.index("</nav>", start)]
    assert f'<a href="#theme-{voice.pk}">' in index and "2 quotes" in index
    assert f'<a href="#theme-{trust.pk}">' in index and "1 quote<" in index
    assert '<a href="#empty-themes">1 theme with no quotes yet</a>' in index
    assert f'<section class="theme-card" id="theme-{voice.pk}"' in page
    assert '<details class="theme-body" open>' in page


def test_themes_with_no_quotes_are_folded_under_one_disclosure(client, team, workshop, story):
    voice, *_empty = services.themes_named(team.project, ["Voice", "Money", "Housing"])
    highlight_phrase(workshop, story, "gave me a voice", [voice], by=team.facilitator)
    client.force_login(team.facilitator)
    url = reverse("sensemaking:board", args=[workshop.pk])
    page = client.get(url).content.decode()
    assert page.count('class="theme-card"') == 1
    folded = page[page.index('<details class="empty-themes"') :]
    folded = folded[: folded.index("</details>")]
    assert "<summary>2 themes with no quotes yet</summary>" in folded
    assert "Money" in folded and "Housing" in folded
    assert 'Add a finding<span class="visually-hidden"> about Money</span>' in folded
    # A theme's own view shows it whole, with the finding box open, even with no quotes.
    money = team.project.themes.get(name="Money")
    own = client.get(url, {"theme": money.pk}).content.decode()
    assert f'id="theme-{money.pk}"' in own and 'class="empty-themes"' not in own
    assert '<details class="add-finding" open>' in own


def test_the_add_finding_box_is_behind_a_disclosure(client, team, workshop, story):
    (voice,) = services.themes_named(team.project, ["Voice"])
    highlight_phrase(workshop, story, "gave me a voice", [voice], by=team.facilitator)
    client.force_login(team.facilitator)
    page = client.get(reverse("sensemaking:board", args=[workshop.pk])).content.decode()
    assert '<details class="add-finding">' in page
    assert 'Add a finding<span class="visually-hidden"> about Voice</span></summary>' in page


def test_filters_fold_and_have_plain_labels_for_curators_only(client, team, workshop, story):
    url = reverse("sensemaking:board", args=[workshop.pk])
    client.force_login(team.curator)
    page = client.get(url).content.decode()
    assert '<details class="board-panel">' in page  # Folded until a filter is on.
    for label in ("Age band", "Gender", "Ethnicity", "Disabled", "LGBTQIA+", "Coded by"):
        assert f">{label}</label>" in page, label
    assert "Storyteller’s" not in page
    assert (
        '<details class="board-panel" open>'
        in client.get(url, {"story": story.pk}).content.decode()
    )
    for user in (team.facilitator, team.facilitator2):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert ">Coded by</label>" in page and ">Story</label>" in page
        for label in ("Age band", "Gender", "Ethnicity", "Disabled", "LGBTQIA+"):
            assert f">{label}</label>" not in page, label


def test_the_board_query_count_does_not_grow_with_themes_or_quotes(
    client, team, workshop, story, django_assert_max_num_queries
):
    client.force_login(team.facilitator)
    url = reverse("sensemaking:board", args=[workshop.pk])

    def add(count: int, prefix: str):
        themes = services.themes_named(team.project, [f"{prefix} {n}" for n in range(count)])
        for number, theme in enumerate(themes):
            services.highlight(
                workshop=workshop,
                story=story,
                char_start=number % 20,
                char_end=number % 20 + 3,
                themes=[theme, themes[0]],
                user=team.facilitator,
            )
            services.write_finding(
                workshop=workshop, theme=theme, statement="Said.", quotes=[], by=team.facilitator
            )

    add(2, "Few")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(25, "Many")
    # 14: see test_workshop_pages_and_saving_take_a_bounded_number_of_queries.
    with django_assert_max_num_queries(14):
        client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)

"""Inter-coder agreement as QualCoder reports it, on examples worked by hand, and on the board."""

import pytest
from django.urls import reverse

from sensemaking import services
from sensemaking.agreement import Agreement, agreement, covered, shared
from stories import services as story_services
from tests.factories import ALL_SCOPES, make_story


def test_spans_are_counted_once_where_they_overlap():
    # [0,20) and [10,30) cover 0..29: 30 characters; [40,45) adds 5.
    assert covered([(10, 30), (0, 20), (40, 45)]) == 35
    # Both cover 20..29 of [0,30) against [20,50): 10 characters.
    assert shared([(0, 20), (10, 30)], [(20, 50)]) == 10
    assert shared([], [(0, 5)]) == 0


def test_partly_overlapping_coders_on_one_story():
    # A story of 100 characters. A coded [0,20) and [10,30): 30 characters; B coded [20,50): 30.
    # Both: [20,30) = 10. Either: 30 + 30 - 10 = 50. Neither: 100 - 50 = 50.
    figures = agreement({1: 100}, {1: [(0, 20), (10, 30)]}, {1: [(20, 50)]})
    assert (figures.characters, figures.first, figures.second, figures.both) == (100, 30, 30, 10)
    assert figures.percent == 60.0  # (10 both + 50 neither) / 100
    assert figures.both_percent == 10.0
    assert figures.neither_percent == 50.0
    assert figures.disagreement == 40.0
    assert figures.coded_only_percent == 20.0  # 10 both / 50 either
    # QualCoder's kappa, over u = 50 characters either coded:
    # Po = 10/50 = 0.2; Pyes = 30/50 × 30/50 = 0.36; Pno = 20/50 × 20/50 = 0.16;
    # Pe = 0.36 × 0.16 = 0.0576; kappa = (0.2 − 0.0576) / (1 − 0.0576) = 0.1424 / 0.9424
    # = 0.15110… → 0.1511.
    assert figures.kappa == 0.1511


def test_coders_who_never_overlap_disagree_beyond_chance():
    # 40 characters; A [0,10), B [20,30). Both 0, either 20, neither 20: agreement 20/40 = 50%.
    # u = 20: Po = 0; Pyes = 10/20 × 10/20 = 0.25; Pno = 10/20 × 10/20 = 0.25; Pe = 0.0625;
    # kappa = (0 − 0.0625) / 0.9375 = −0.0666… → −0.0667.
    figures = agreement({7: 40}, {7: [(0, 10)]}, {7: [(20, 30)]})
    assert figures.percent == 50.0
    assert figures.coded_only_percent == 0.0
    assert figures.kappa == -0.0667


def test_the_same_spans_agree_fully():
    # 50 characters, both coded [5,15): both 10, neither 40: 100%; Po = 1, Pno = 0, kappa = 1.
    figures = agreement({1: 50}, {1: [(5, 15)]}, {1: [(5, 15)]})
    assert (figures.percent, figures.disagreement, figures.kappa) == (100.0, 0.0, 1.0)


def test_only_one_coder_used_the_theme():
    # 50 characters, A [0,10), B nothing. Neither 40: agreement 40/50 = 80%.
    # u = 10: Po = 0; Pyes = 1 × 0 = 0; Pno = 0 × 1 = 0; Pe = 0: kappa = 0.
    figures = agreement({1: 50}, {1: [(0, 10)]}, {})
    assert (figures.percent, figures.coded_only_percent, figures.kappa) == (80.0, 0.0, 0.0)


def test_nothing_coded_has_no_kappa_and_no_story_has_no_percentages():
    assert agreement({1: 50}, {}, {}).kappa is None
    assert agreement({1: 50}, {}, {}).coded_only_percent is None
    empty = Agreement(characters=0, first=0, second=0, both=0)
    assert (empty.percent, empty.disagreement, empty.kappa) == (None, None, None)


def test_two_stories_are_added_up_character_by_character():
    # Story 1 (100 characters) as in the partly overlapping example: A 30, B 30, both 10.
    # Story 2 (50 characters): both coded [0,10): A 10, B 10, both 10.
    # In all: 150 characters, A 40, B 40, both 20, either 60, neither 90.
    # Agreement = (20 + 90) / 150 = 73.333… → 73.33%.
    # u = 60: Po = 20/60 = 0.3333…; Pyes = (40/60)² = 0.4444…; Pno = (20/60)² = 0.1111…;
    # Pe = 0.049382…; kappa = (0.333333 − 0.049383) / (1 − 0.049383) = 0.28395 / 0.950617
    # = 0.29870… → 0.2987.
    figures = agreement(
        {1: 100, 2: 50},
        {1: [(0, 20), (10, 30)], 2: [(0, 10)]},
        {1: [(20, 50)], 2: [(0, 10)]},
    )
    assert figures.percent == 73.33
    assert figures.kappa == 0.2987


@pytest.mark.django_db
def test_the_board_compares_two_coders_on_the_stories_both_quoted_in(
    client, team, workshop, story, django_assert_max_num_queries
):
    voice, power = services.themes_named(team.project, ["Voice", "Power"])
    guest, _token = services.invite_guest(
        workshop=workshop, display_name="Sam", by=team.facilitator
    )
    only_one = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted", title="Only one"
    )
    services.set_workshop_stories(workshop=workshop, stories=[story, only_one], by=team.facilitator)

    def quote(on, start, end, themes, **who):
        services.highlight(
            workshop=workshop, story=on, char_start=start, char_end=end, themes=themes, **who
        )

    quote(story, 0, 20, [voice], user=team.facilitator)
    quote(story, 10, 30, [voice], guest=guest)
    quote(story, 0, 5, [power], guest=guest)
    quote(only_one, 0, 40, [voice], user=team.facilitator)  # Sam never quoted in it.
    length = len(story.transcripts.get(is_current=True).text)
    client.force_login(team.facilitator)
    url = reverse("sensemaking:board", args=[workshop.pk])
    query = {"first": f"user-{team.facilitator.pk}", "second": f"guest-{guest.pk}"}
    # The board's 15, and three to compare: the two coders' quotes, their themes, the lengths.
    with django_assert_max_num_queries(18):
        response = client.get(url, query)
    comparison = response.context["comparison"]
    assert (comparison.stories, comparison.characters) == (1, length)
    rows = {theme.name: figures for theme, figures in comparison.rows}
    # Voice: A [0,20), B [10,30): both 10, either 30, neither length − 30.
    # u = 30: Po = 1/3; Pyes = (20/30)² = 4/9; Pno = (10/30)² = 1/9; Pe = 4/81;
    # kappa = (27/81 − 4/81) / (77/81) = 23/77 = 0.29870… → 0.2987.
    assert rows["Voice"].percent == round(100 * (10 + length - 30) / length, 2)
    assert rows["Voice"].kappa == 0.2987
    # Power: only Sam, 5 characters: kappa 0 (see test_only_one_coder_used_the_theme).
    assert rows["Power"].kappa == 0.0
    page = response.content.decode()
    assert "How far two coders agree" in page
    assert f"on 1 story both quoted in ({length} characters)" in page
    assert '<td class="numeric">0.2987</td>' in page

    # A story withdrawn from sense-making leaves the comparison and the list of coders.
    story_services.withdraw_consent(story=story, by=team.curator)
    response = client.get(url, query)
    assert response.context["comparison"] is None  # Sam has no usable quotes: not a coder.
    assert [coder.name for coder in response.context["coders"]] == [team.facilitator.get_username()]


@pytest.mark.django_db
def test_coded_by_shows_one_persons_quotes_and_ignores_strangers(client, team, workshop, story):
    from tests.factories import highlight_phrase

    (voice,) = services.themes_named(team.project, ["Voice"])
    guest, _token = services.invite_guest(
        workshop=workshop, display_name="Sam", by=team.facilitator
    )
    workshop.participants.add(team.interviewer2)
    highlight_phrase(workshop, story, "gave me a voice", [voice], by=team.facilitator)
    highlight_phrase(workshop, story, "Funding forms", [voice], guest=guest)
    highlight_phrase(workshop, story, "hardest part", [voice], by=team.interviewer2)
    url = reverse("sensemaking:board", args=[workshop.pk])
    client.force_login(team.interviewer2)
    mine = client.get(url, {"coder": "me"}).content.decode()
    assert "Showing the quotes coded by you." in mine
    assert "hardest part" in mine and "gave me a voice" not in mine and "Funding forms" not in mine
    sams = client.get(url, {"coder": f"guest-{guest.pk}"}).content.decode()
    assert "Showing the quotes coded by Sam." in sams
    assert "Funding forms" in sams and "hardest part" not in sams
    other = services.create_workshop(
        project=team.project, title="Autumn", by=team.facilitator, stories=[story]
    )
    stranger, _token = services.invite_guest(
        workshop=other, display_name="Kit", by=team.facilitator
    )
    for odd in (f"guest-{stranger.pk}", "user-x", "guest-", f"user-{team.outsider.pk}", "²"):
        page = client.get(url, {"coder": odd}).content.decode()
        assert "Showing the quotes coded by" not in page, odd
        assert "Funding forms" in page and "hardest part" in page, odd
    client.force_login(team.curator)  # Has coded nothing here.
    page = client.get(url, {"coder": "me"}).content.decode()
    assert "You have not coded any quotes in this workshop yet" in page
    assert "Funding forms" in page

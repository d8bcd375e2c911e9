"""The "Who shared their stories?" tables: hand-counted numbers, privacy rules, and charts."""

import itertools
import random
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from sensemaking import demographics
from sensemaking.demographics import (
    NOT_ANSWERED,
    PREFER_NOT,
    Row,
    bar_chart_svg,
    count_answers,
    percent_of,
    suppressed_cells,
    tabulate,
    who_shared,
)
from stories.models import Storyteller

SVG = "{http://www.w3.org/2000/svg}"


def runs(*pairs):
    """Return a column of answers from (answer, how many people) pairs."""
    return [answer for answer, times in pairs for _ in range(times)]


def crowd(**columns):
    """Return storytellers as dicts, one per position in the columns."""
    sizes = {len(values) for values in columns.values()}
    assert len(sizes) == 1, sizes
    return [{field: values[i] for field, values in columns.items()} for i in range(sizes.pop())]


def shown(table):
    return [(row.label, row.count, row.percent) for row in table.rows if not row.suppressed]


def hidden_labels(table):
    return [row.label for row in table.rows if row.suppressed]


# Twenty storytellers, counted by hand; no answer is given by fewer than 5 people.
TWENTY = crowd(
    gender=runs(("woman", 11), ("man", 9)),
    sectors=runs(
        (["health_social_care", "community"], 5), (["health_social_care"], 7), (["housing"], 8)
    ),
    coproduction_roles=runs(
        (["lived_experience"], 9),
        (["lived_experience", "peer_researcher"], 6),
        (["practitioner", "peer_researcher"], 5),
    ),
    age_band=runs(("25-34", 5), ("35-44", 10), ("65-74", 5)),
    lgbtqia=runs(("yes", 5), ("no", 15)),
    disability=runs(("yes", 7), ("no", 8), (PREFER_NOT, 5)),
    ethnicity=runs(("white_british", 14), ("asian_pakistani", 6)),
    lived_experiences=runs(
        (["mental_health", "homelessness"], 6), (["mental_health"], 3), (["poverty"], 6), ([], 5)
    ),
)


def test_tables_come_in_the_report_order_with_plain_headings():
    result = who_shared(TWENTY)

    assert result.total == 20
    assert result.total_display == "20 storytellers"
    assert [table.field for table in result.tables] == [
        "sectors",
        "coproduction_roles",
        "age_band",
        "gender",
        "lgbtqia",
        "disability",
        "ethnicity",
        "lived_experiences",
    ]
    assert result.table("sectors").heading == "Storytellers' experience by sector"
    assert [table.multi for table in result.tables] == [
        True,
        True,
        False,
        False,
        False,
        False,
        False,
        True,
    ]


def test_percentages_are_of_all_storytellers_as_counted_by_hand():
    result = who_shared(TWENTY)

    assert shown(result.table("gender")) == [("Woman", 11, 55), ("Man", 9, 45)]
    assert shown(result.table("age_band")) == [
        ("25 to 34", 5, 25),
        ("35 to 44", 10, 50),
        ("65 to 74", 5, 25),
    ]
    assert shown(result.table("disability")) == [
        ("Consider themselves disabled", 7, 35),
        ("Do not consider themselves disabled", 8, 40),
        ("Prefer not to say", 5, 25),
    ]
    assert shown(result.table("lgbtqia")) == [
        ("Identify as LGBTQIA+", 5, 25),
        ("Do not identify as LGBTQIA+", 15, 75),
    ]
    assert shown(result.table("ethnicity")) == [
        ("White British", 14, 70),
        ("Asian or Asian British: Pakistani", 6, 30),
    ]
    for table in result.tables:
        assert not hidden_labels(table)
        assert not table.hidden


def test_multi_choice_percentages_can_add_up_to_more_than_100_and_say_so():
    result = who_shared(TWENTY)
    sectors = result.table("sectors")
    roles = result.table("coproduction_roles")
    experiences = result.table("lived_experiences")

    assert shown(sectors) == [
        ("Health and social care", 12, 60),
        ("Housing", 8, 40),
        ("Community and voluntary sector", 5, 25),
    ]
    assert shown(roles) == [
        ("Person with lived experience", 15, 75),
        ("Peer researcher", 11, 55),
        ("Practitioner or professional", 5, 25),
    ]
    assert shown(experiences) == [
        ("Mental health challenges", 9, 45),
        ("Homelessness", 6, 30),
        ("Poverty", 6, 30),
        ("Not answered", 5, 25),
    ]
    assert sum(row.percent for row in sectors.rows) == 125
    assert sum(row.percent for row in roles.rows) == 155
    assert sum(row.percent for row in experiences.rows) == 130
    note = (
        "People could choose more than one answer, so the percentages can add up to more than 100%."
    )
    for table in (sectors, roles, experiences):
        assert note in table.notes
        assert "People could choose more than one answer." in table.text_alternative
    assert not any(note in table.notes for table in result.tables if not table.multi)


def test_rows_follow_the_answer_list_with_not_answered_last_and_no_empty_answers():
    people = crowd(gender=runs(("", 5), (PREFER_NOT, 5), ("man", 5), ("woman", 5)))

    table = tabulate(people, "gender")

    assert [row.label for row in table.rows] == [
        "Woman",
        "Man",
        "Prefer not to say",
        "Not answered",
    ]
    assert table.not_answered == Row(NOT_ANSWERED, "Not answered", 5, 25, False)


def test_unsaved_storytellers_count_like_dicts():
    people = [
        Storyteller(code=f"S{i}", gender="woman" if i < 6 else "", sectors=["housing"])
        for i in range(12)
    ]

    table = tabulate(people, "gender")

    assert shown(table) == [("Woman", 6, 50), ("Not answered", 6, 50)]
    # Everyone in housing (100%) would say something about every one of them: not shown.
    assert tabulate(people, "sectors").hidden


def test_prefer_not_to_say_wins_over_answers_ticked_with_it_and_unknown_answers_count_as_none():
    people = crowd(
        sectors=runs(
            (["housing", PREFER_NOT], 5), (["housing"], 5), (["no_such_sector"], 5), (None, 5)
        )
    )

    assert count_answers(people, "sectors") == {
        **{value: 0 for value, _ in demographics.choices.SECTORS},
        "housing": 5,
        PREFER_NOT: 5,
        NOT_ANSWERED: 10,
    }


def test_percentages_round_halves_up_to_whole_numbers():
    assert [percent_of(1, 3), percent_of(2, 3), percent_of(1, 8), percent_of(1, 40)] == [
        33,
        67,
        13,
        3,
    ]
    assert percent_of(1, 200) == 1
    assert percent_of(7, 7) == 100


def test_an_answer_from_fewer_than_five_people_is_not_shown():
    people = crowd(
        ethnicity=runs(("white_british", 15), ("white_other", 3), ("mixed", 2)),
    )

    table = tabulate(people, "ethnicity")

    # Two hidden rows, 5 people between them: 20 - 15 leaves 1 + 4, 2 + 3, 3 + 2 or 4 + 1.
    assert shown(table) == [("White British", 15, 75)]
    assert hidden_labels(table) == ["White, other", "Mixed or multiple ethnic groups"]
    hidden = [row for row in table.rows if row.suppressed]
    assert all(row.count is None and row.percent is None for row in hidden)
    assert {row.display for row in hidden} == {"not shown"}
    assert any("fewer than 5 storytellers" in note for note in table.notes)


def test_the_threshold_comes_from_the_caller():
    people = crowd(gender=runs(("woman", 7), ("man", 3)))

    assert tabulate(people, "gender", threshold=5).hidden
    assert shown(tabulate(people, "gender", threshold=3)) == [("Woman", 7, 70), ("Man", 3, 30)]


def test_one_small_answer_hides_the_next_smallest_so_subtraction_gives_nothing_away():
    people = crowd(gender=runs(("woman", 10), ("man", 6), ("non_binary", 4)))

    table = tabulate(people, "gender")

    assert shown(table) == [("Woman", 10, 50)]
    assert hidden_labels(table) == ["Man", "Non-binary"]
    # 20 - 10 = 10 people in two hidden rows: at least 5, and "Non-binary" could be 1 to 9.
    left = table.total - sum(count for _, count, _ in shown(table))
    assert left == 10
    assert left >= table.threshold
    # (5 and 5 would show both rows, so a reader can rule that out, and only that.)
    for non_binary in (1, 3, 4, 6, 9):
        other = crowd(
            gender=runs(("woman", 10), ("man", 10 - non_binary), ("non_binary", non_binary))
        )
        assert tabulate(other, "gender") == table


def test_small_answers_that_add_up_to_fewer_than_five_hide_more():
    people = crowd(
        gender=runs(("woman", 12), ("man", 5), ("non_binary", 1), (PREFER_NOT, 1), ("", 1))
    )

    table = tabulate(people, "gender")

    # 1 + 1 + 1 = 3 would still point at people, so "Man" (5, the smallest shown) goes too.
    assert shown(table) == [("Woman", 12, 60)]
    assert hidden_labels(table) == ["Man", "Non-binary", "Prefer not to say", "Not answered"]
    assert table.total - 12 == 8


def test_rows_tied_for_smallest_are_hidden_together():
    people = crowd(gender=runs(("woman", 9), ("man", 5), ("non_binary", 1), ("", 5)))

    # Choosing "Man" or "Not answered" by list order would rule values out for a reader.
    assert hidden_labels(tabulate(people, "gender")) == ["Man", "Non-binary", "Not answered"]


def test_hidden_rows_holding_exactly_one_under_the_threshold_each_hide_one_more():
    people = crowd(gender=runs(("woman", 12), ("man", 4), ("non_binary", 4)))

    table = tabulate(people, "gender")

    # Two hidden rows under 5 holding 8 between them could only be 4 and 4, so "Woman" goes
    # too and nothing is left to show.
    assert table.hidden


def test_when_protection_would_hide_everything_the_table_shows_no_rows():
    people = crowd(gender=runs(("woman", 5), ("man", 1)))

    table = tabulate(people, "gender")

    assert table.hidden
    assert table.rows == ()
    assert table.text_alternative == (
        "The numbers are too small to show without risking identifying someone."
    )


def test_yes_no_answers_never_give_yes_away_through_no_and_the_total():
    people = crowd(disability=runs(("yes", 3), ("no", 11), (PREFER_NOT, 6)))

    table = tabulate(people, "disability")

    assert shown(table) == [("Do not consider themselves disabled", 11, 55)]
    assert hidden_labels(table) == ["Consider themselves disabled", "Prefer not to say"]
    assert table.text_alternative.startswith(
        "The number who consider themselves disabled is not shown."
    )
    # 20 - 11 = 9 between "Yes" and "Prefer not to say": "Yes" could be 1 to 8.
    for yes in (1, 2, 4, 7, 8):
        other = crowd(disability=runs(("yes", yes), ("no", 11), (PREFER_NOT, 9 - yes)))
        assert tabulate(other, "disability") == table


def test_yes_no_with_everyone_else_not_answering_still_hides_two_rows():
    people = crowd(lgbtqia=runs(("yes", 2), ("", 18)))

    table = tabulate(people, "lgbtqia")

    # Only two rows exist; hiding one would leave 20 - 18, so both go.
    assert table.hidden


def test_a_single_table_refuses_fewer_storytellers_than_the_threshold():
    with pytest.raises(ValueError, match="too few"):
        tabulate(TWENTY[:4], "gender")
    assert tabulate(TWENTY[:4], "gender", threshold=4).total == 4


def test_fewer_storytellers_than_the_threshold_show_only_that():
    people = TWENTY[:4]

    result = who_shared(people)

    assert result.total is None
    assert result.suppressed
    assert result.tables == ()
    assert result.total_display == "Fewer than 5 storytellers"
    assert who_shared(people, threshold=3).total == 4
    assert who_shared([]).total == 0
    assert who_shared([]).tables == ()


def test_age_range_only_uses_bands_that_are_shown():
    people = crowd(age_band=runs(("18-24", 2), ("25-34", 6), ("35-44", 7), ("75+", 5)))

    table = tabulate(people, "age_band")

    # "18 to 24" is small; "75 or over" (5) is the next smallest and hides it from subtraction.
    assert hidden_labels(table) == ["18 to 24", "75 or over"]
    assert table.age_range == "25 to 44"
    assert "The age bands shown cover ages 25 to 44." in table.text_alternative
    assert "aged" not in table.text_alternative


def test_age_range_reads_plainly_when_every_band_is_shown():
    assert who_shared(TWENTY).table("age_band").age_range == "25 to 74"
    assert (
        "Storytellers were aged 25 to 74." in who_shared(TWENTY).table("age_band").text_alternative
    )
    people = crowd(age_band=runs(("45-54", 6), ("75+", 6)))
    assert tabulate(people, "age_band").age_range == "45 and over"


def test_age_range_is_empty_when_no_band_is_shown():
    people = crowd(age_band=runs((PREFER_NOT, 6), ("", 6)))

    assert tabulate(people, "age_band").age_range is None


def test_text_alternative_summarises_the_shown_rows():
    result = who_shared(TWENTY)

    assert result.table("sectors").text_alternative == (
        "Most storytellers (60%) chose “Health and social care”. Of 20 storytellers: "
        "Health and social care: 12 (60%); Housing: 8 (40%); "
        "Community and voluntary sector: 5 (25%). People could choose more than one answer."
    )
    assert result.table("gender").text_alternative == (
        "Most storytellers (55%) answered “Woman”. Of 20 storytellers: Woman: 11 (55%); "
        "Man: 9 (45%)."
    )
    assert result.table("lgbtqia").text_alternative.startswith(
        "5 of 20 storytellers (25%) identify as LGBTQIA+."
    )
    assert result.table("lived_experiences").text_alternative.startswith(
        "The most common answer was “Mental health challenges”, from 45% of storytellers."
    )


def test_multi_choice_hides_not_answered_when_the_bounds_would_give_it_away():
    # All 18 people who answered chose housing, so while housing (18) shows, 20 - 18 leaves
    # exactly one "Prefer not to say" and one "Not answered"; hiding health (12) as well does
    # not change that, so nothing can be shown.
    people = crowd(
        sectors=runs(
            (["health_social_care", "housing"], 12), (["housing"], 6), ([PREFER_NOT], 1), ([], 1)
        )
    )

    assert tabulate(people, "sectors").hidden


def test_multi_choice_keeps_what_the_bounds_cannot_give_away():
    people = crowd(sectors=runs((["housing"], 10), (["health_social_care"], 8), ([], 2)))

    sectors = tabulate(people, "sectors")

    # "Not answered" (2) hides health (8) too: 20 - 10 leaves 10 for them in any split.
    assert shown(sectors) == [("Housing", 10, 50)]
    assert hidden_labels(sectors) == ["Health and social care", "Not answered"]
    for health in (1, 4, 9):
        other = crowd(
            sectors=runs((["housing"], 10), (["health_social_care"], health), ([], 10 - health))
        )
        assert tabulate(other, "sectors") == sectors


def test_multi_choice_never_hides_a_single_row_alone():
    people = crowd(sectors=runs((["housing"], 16), (["housing", "research"], 2), ([], 6)))

    table = tabulate(people, "sectors")

    assert hidden_labels(table) == ["Research", "Not answered"]
    assert shown(table) == [("Housing", 18, 75)]


def test_suppressed_cells_works_on_counts_alone():
    counts = {"yes": 3, "no": 12, PREFER_NOT: 6, NOT_ANSWERED: 0}

    assert suppressed_cells(counts, multi=False, total=21, threshold=5) == {"yes", PREFER_NOT}
    assert suppressed_cells(counts, multi=False, total=21, threshold=3) == set()
    # 3 + 5 = 8 would be 4 + 4 if both were small, so "No" goes too.
    counts[PREFER_NOT] = 5
    assert suppressed_cells(counts, multi=False, total=20, threshold=5) == {"yes", "no", PREFER_NOT}


# --- Trying to break the protection by brute force -----------------------------------------


def publication(counts, *, multi, total, threshold):
    """Return what a reader sees of these counts: hidden rows as None, or nothing at all."""
    hidden = suppressed_cells(counts, multi=multi, total=total, threshold=threshold)
    given = [value for value, n in counts.items() if n]
    if hidden and hidden == set(given):
        return "whole table hidden"
    return tuple((value, None if value in hidden else counts[value]) for value in given)


def single_choice_vectors(keys, total):
    """Yield every way to spread `total` people over `keys`, one answer each."""
    for cuts in itertools.combinations_with_replacement(range(total + 1), len(keys) - 1):
        bounds = (0, *cuts, total)
        yield dict(zip(keys, (b - a for a, b in itertools.pairwise(bounds)), strict=True))


def multi_choice_vectors(reals, total):
    """Yield every count vector some population could produce for a tick-any question.

    A answerers ticked real answers: each count is at most A and together at least A.
    """
    for unanswered in range(total + 1):
        for prefer_not in range(total - unanswered + 1):
            answered = total - unanswered - prefer_not
            for counts in itertools.product(range(answered + 1), repeat=len(reals)):
                if answered and sum(counts) < answered:
                    continue
                yield {
                    **dict(zip(reals, counts, strict=True)),
                    PREFER_NOT: prefer_not,
                    NOT_ANSWERED: unanswered,
                }


def single_choice_people(field, counts, total):
    assert sum(counts.values()) == total
    return [{field: value} for value, n in counts.items() for _ in range(n)]


def multi_choice_people(field, counts, total):
    """Build people whose ticks give exactly these counts (so the vector is really possible)."""
    answered = total - counts[PREFER_NOT] - counts[NOT_ANSWERED]
    ticks = [[] for _ in range(answered)]
    position = 0
    for value, n in counts.items():
        if value in (PREFER_NOT, NOT_ANSWERED):
            continue
        for _ in range(n):  # n <= answered, so n consecutive people are all different
            ticks[position % answered].append(value)
            position += 1
    return (
        [{field: tick} for tick in ticks]
        + [{field: [PREFER_NOT]}] * counts[PREFER_NOT]
        + [{field: []}] * counts[NOT_ANSWERED]
    )


def could_publish(counts, seen):
    """Cheap first check: same shown counts, hidden answers given, other answers not given."""
    if seen == "whole table hidden":
        return True
    rows = dict(seen)
    for value, n in counts.items():
        if value not in rows and n:
            return False
        if value in rows and (n == 0 if rows[value] is None else n != rows[value]):
            return False
    return True


def attack(field, true_counts, *, total, multi, threshold, vectors, people):
    """Return, per hidden answer, every value it could have for a reader who knows the rules.

    The reader tries every population of this size (limited to a few answers, which only
    tells them more) and keeps those that publish exactly the same table.
    """
    seen = publication(true_counts, multi=multi, total=total, threshold=threshold)
    table = tabulate(people(field, true_counts, total), field, threshold=threshold)
    possible = {}
    for counts in vectors:
        if not could_publish(counts, seen):
            continue
        if publication(counts, multi=multi, total=total, threshold=threshold) != seen:
            continue
        alternative = people(field, counts, total)
        assert len(alternative) == total
        assert {k: v for k, v in count_answers(alternative, field).items() if k in counts} == (
            counts
        )
        # Everything published (rows, notes, text, chart) is the same for this population.
        assert tabulate(alternative, field, threshold=threshold) == table
        for value, n in counts.items():
            possible.setdefault(value, set()).add(n)
    if seen == "whole table hidden":
        at_risk = [value for value, n in true_counts.items() if n]
    else:
        at_risk = [value for value, n in seen if n is None]
    assert all(true_counts[value] in possible[value] for value in true_counts)
    return {value: possible[value] for value in at_risk}


def skewed_spread(rnd, keys, total):
    weights = [rnd.random() ** 3 for _ in keys]
    picks = rnd.choices(keys, weights=weights, k=total)
    return {key: picks.count(key) for key in keys}


def test_no_hidden_single_choice_answer_can_be_worked_out_by_brute_force():
    rnd = random.Random(20221031)
    fields = {
        "disability": ["yes", "no", PREFER_NOT, NOT_ANSWERED],
        "gender": ["woman", "man", "non_binary", PREFER_NOT, NOT_ANSWERED],
    }
    checked = 0
    for _ in range(150):
        field = rnd.choice(list(fields))
        threshold = rnd.choice([2, 3, 4, 5, 6])
        total = rnd.randint(threshold, 13)
        counts = skewed_spread(rnd, fields[field], total)
        vectors = list(single_choice_vectors(fields[field], total))
        possible = attack(
            field,
            counts,
            total=total,
            multi=False,
            threshold=threshold,
            vectors=vectors,
            people=single_choice_people,
        )
        for value, values in possible.items():
            assert len(values) >= 2, (field, threshold, counts, value, values)
        checked += bool(possible)
    assert checked > 75  # most draws had something to hide


# Populations that broke simpler rules in longer runs of the brute force below: two hidden
# rows of N-1, a tie settled by list order, and three hidden rows of 1.
HARD_CASES = [
    ("gender", {"woman": 4, "man": 3, "non_binary": 3, PREFER_NOT: 0, NOT_ANSWERED: 0}, 4),
    ("disability", {"yes": 6, "no": 2, PREFER_NOT: 2, NOT_ANSWERED: 3}, 3),
    ("gender", {"woman": 5, "man": 1, "non_binary": 1, PREFER_NOT: 1, NOT_ANSWERED: 0}, 3),
]


@pytest.mark.parametrize(("field", "counts", "threshold"), HARD_CASES)
def test_populations_that_broke_simpler_rules_give_nothing_away(field, counts, threshold):
    total = sum(counts.values())

    possible = attack(
        field,
        counts,
        total=total,
        multi=False,
        threshold=threshold,
        vectors=list(single_choice_vectors(list(counts), total)),
        people=single_choice_people,
    )

    assert possible
    assert all(len(values) >= 2 for values in possible.values()), possible


def test_a_multi_choice_population_that_broke_simpler_rules_gives_nothing_away():
    counts = {"lived_experience": 2, "carer": 5, PREFER_NOT: 3, NOT_ANSWERED: 1}

    possible = attack(
        "coproduction_roles",
        counts,
        total=9,
        multi=True,
        threshold=2,
        vectors=list(multi_choice_vectors(["lived_experience", "carer"], 9)),
        people=multi_choice_people,
    )

    assert all(len(values) >= 2 for values in possible.values()), possible


def test_no_hidden_multi_choice_answer_can_be_worked_out_by_brute_force():
    rnd = random.Random(7)
    checked = 0
    vectors = {}
    two, three = ["lived_experience", "peer_researcher"], ["carer", "volunteer", "other"]
    for _ in range(80):
        reals = rnd.choice([two, three])
        threshold = rnd.choice([2, 3, 4, 5])
        total = rnd.randint(threshold, 9 if reals == two else 6)
        odds = [rnd.random() for _ in range(4)]
        people = []
        for _ in range(total):
            roll = rnd.random() * sum(odds)
            if roll < odds[0]:
                people.append([])
            elif roll < odds[0] + odds[1]:
                people.append([PREFER_NOT])
            else:
                ticks = [real for real in reals if rnd.random() < odds[2] + odds[3] / 2]
                people.append(ticks or [rnd.choice(reals)])
        full = count_answers([{"coproduction_roles": t} for t in people], "coproduction_roles")
        counts = {value: full[value] for value in [*reals, PREFER_NOT, NOT_ANSWERED]}
        if (len(reals), total) not in vectors:
            vectors[len(reals), total] = list(multi_choice_vectors(reals, total))
        possible = attack(
            "coproduction_roles",
            counts,
            total=total,
            multi=True,
            threshold=threshold,
            vectors=vectors[len(reals), total],
            people=multi_choice_people,
        )
        for value, values in possible.items():
            assert len(values) >= 2, (threshold, counts, value, values)
        checked += bool(possible)
    assert checked > 40


# --- Charts -----------------------------------------------------------------------------------


def parse(svg):
    return ET.fromstring(svg)


def bars(root):
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("fill") == demographics.BAR_COLOUR]


def test_chart_is_an_image_named_by_its_title_and_described_by_its_text_alternative():
    table = who_shared(TWENTY).table("sectors")

    root = parse(bar_chart_svg(table))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("version") == "1.1"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 400 \d+", root.get("viewBox"))
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert (title.get("id"), desc.get("id")) == ("chart-sectors-title", "chart-sectors-desc")
    assert title.text == "Storytellers' experience by sector"
    assert desc.text == table.text_alternative
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert texts == [
        "Health and social care",
        "60% (12)",
        "Housing",
        "40% (8)",
        "Community and voluntary sector",
        "25% (5)",
    ]
    assert [float(bar.get("width")) for bar in bars(root)] == [192.0, 128.0, 80.0]


def test_chart_draws_no_bar_for_hidden_rows():
    people = crowd(gender=runs(("woman", 12), ("man", 5), ("non_binary", 1), (PREFER_NOT, 2)))
    table = tabulate(people, "gender")

    root = parse(bar_chart_svg(table))

    assert len(bars(root)) == len(table.charted_rows) == 1
    texts = " ".join(element.text for element in root.iter(f"{SVG}text"))
    assert texts == "Woman 60% (12)"
    assert "Non-binary" not in texts


def test_chart_of_a_hidden_table_says_so_and_draws_nothing():
    table = tabulate(crowd(gender=runs(("woman", 5), ("man", 1))), "gender")

    root = parse(bar_chart_svg(table))

    assert bars(root) == []
    assert [element.text for element in root.iter(f"{SVG}text")] == ["Numbers too small to show."]


def test_chart_escapes_every_label_and_the_heading():
    table = who_shared(TWENTY).table("gender")
    nasty = replace(
        table,
        heading="Gender & <b>identity</b>",
        text_alternative='Said "<script>alert(1)</script>"',
        rows=(replace(table.rows[0], label="<script>alert(1)</script>"), table.rows[1]),
    )

    svg = bar_chart_svg(nasty)
    root = parse(svg)

    assert "<script" not in svg
    assert not list(root.iter(f"{SVG}script"))
    assert root.find(f"{SVG}title").text == "Gender & <b>identity</b>"
    assert root.find(f"{SVG}desc").text == 'Said "<script>alert(1)</script>"'
    assert root.find(f"{SVG}text").text == "<script>alert(1)</script>"


def test_charts_are_self_contained_deterministic_and_have_unique_ids_on_one_page():
    tables = who_shared(TWENTY).tables

    svgs = [bar_chart_svg(table) for table in tables]

    assert svgs == [bar_chart_svg(table) for table in tables]
    page = parse(f'<div xmlns="http://www.w3.org/2000/svg">{"".join(svgs)}</div>')
    ids = [element.get("id") for element in page.iter() if element.get("id")]
    assert len(ids) == 2 * len(tables) == len(set(ids))
    for svg in svgs:
        for forbidden in (
            r"<script",
            r"href",
            r"url\(",
            r"\sstyle=",
            r"<image",
            r"<foreign",
            r"\son\w+=",
        ):
            assert not re.search(forbidden, svg), forbidden
    assert bar_chart_svg(tables[0], id_prefix="print").count('id="print-sectors-') == 2


def test_long_labels_wrap_inside_the_chart():
    table = who_shared(TWENTY).table("gender")
    long = replace(table, rows=(replace(table.rows[0], label="word " * 20), table.rows[1]))

    root = parse(bar_chart_svg(long))

    lines = [element.text for element in root.iter(f"{SVG}text")]
    assert all(len(line) <= demographics.LABEL_CHARACTERS for line in lines)
    assert " ".join(lines[:3]).split() == ["word"] * 20


def contrast(first, second):
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_chart_colours_meet_wcag_aa():
    text, bar = demographics.TEXT_COLOUR, demographics.BAR_COLOUR
    for background in (demographics.BACKGROUND_COLOUR, demographics.TRACK_COLOUR):
        assert contrast(text, background) >= 4.5  # text, 1.4.3
        assert contrast(bar, background) >= 3  # bars against what surrounds them, 1.4.11


def test_weasyprint_prints_the_chart_labels_as_real_text():
    import io

    from pypdf import PdfReader
    from weasyprint import HTML

    svg = bar_chart_svg(who_shared(TWENTY).table("sectors"))

    pdf = HTML(string=f"<html><body><div>{svg}</div></body></html>").write_pdf()

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Health and social care" in text
    assert "60% (12)" in text


def test_a_row_of_everyone_is_not_shown():
    people = crowd(disability=runs(("yes", 6)))

    assert tabulate(people, "disability").hidden

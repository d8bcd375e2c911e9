"""Fixed "who shared" figures: no two states anyone can see are differenced to learn one person."""

import io
import random
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from docx import Document

from sensemaking import demographics, services
from sensemaking.demographics import round_to_base
from sensemaking.models import ReportVersion
from sensemaking.reports import compile_report, counted_storytellers
from stories import services as story_services
from stories.models import AuditEvent, Story
from tests.factories import ALL_SCOPES, NO_SCOPES, highlight_phrase, make_story, make_storyteller

pytestmark = pytest.mark.django_db

N = 5
# Twelve storytellers, varied enough that losing any one of them changes a recount.
ANSWERS = [
    {"gender": "woman", "age_band": "18-24", "sectors": ["housing"], "disability": "yes"},
    {"gender": "woman", "age_band": "18-24", "sectors": ["housing"], "disability": "yes"},
    {"gender": "woman", "age_band": "25-34", "sectors": ["housing", "community"]},
    {"gender": "woman", "age_band": "25-34", "sectors": ["community"], "disability": "no"},
    {"gender": "woman", "age_band": "35-44", "sectors": ["housing"], "disability": "no"},
    {"gender": "woman", "age_band": "35-44", "sectors": ["housing"], "disability": "yes"},
    {"gender": "man", "age_band": "18-24", "sectors": ["community"], "disability": "yes"},
    {"gender": "man", "age_band": "18-24", "sectors": ["housing"], "disability": "no"},
    {"gender": "man", "age_band": "25-34", "sectors": ["community"], "disability": "no"},
    {"gender": "man", "age_band": "25-34", "sectors": ["housing"], "disability": "yes"},
    {"gender": "man", "age_band": "35-44", "sectors": ["community"], "disability": "no"},
    {"gender": "non_binary", "age_band": "18-24", "sectors": ["housing"]},
]


@pytest.fixture(autouse=True)
def small_number(settings):
    settings.REPORT_SMALL_NUMBER = N


def add_stories(team, answers, *, credit="pseudonym"):
    return [
        make_story(
            team.project,
            team.interviewer,
            scopes=ALL_SCOPES,
            status="submitted",
            storyteller=make_storyteller(
                team.project,
                team.interviewer,
                credit_preference=credit,
                credit_name=f"Teller {number}" if credit != "anonymous" else "",
                demographics=answers_,
            ),
        )
        for number, answers_ in enumerate(answers)
    ]


@pytest.fixture
def twelve(team):
    """A published report of a workshop with twelve storytellers, and its next draft."""
    stories = add_stories(team, ANSWERS)
    workshop = services.create_workshop(
        project=team.project, title="Twelve stories", by=team.facilitator, stories=stories
    )
    (theme,) = services.themes_named(team.project, ["Being heard"])
    highlight_phrase(workshop, stories[0], "being heard", [theme], by=team.facilitator, key=True)
    version = services.create_report(project=team.project, title="Twelve", by=team.facilitator)
    published = services.publish_report(version=version, by=team.curator)
    draft = save_draft(published.report, team, workshops=[workshop], change_note="New words.")
    return SimpleNamespace(
        stories=stories,
        workshop=workshop,
        published=published,
        draft=draft,
        slug=published.report.slug,
    )


def save_draft(report, team, *, workshops, **fields) -> ReportVersion:
    """Save the report's draft as the edit form does, starting one if the latest is published."""
    latest = report.versions.order_by("-major", "-minor").first()
    return services.edit_report(
        report=report,
        based_on=f"{latest.pk}:{latest.lock_version}",
        by=team.facilitator,
        workshops=workshops,
        **fields,
    )


def figures(version: ReportVersion) -> demographics.Demographics:
    version.refresh_from_db()
    return compile_report(version).who


def who_section(client, slug: str, number: str) -> str:
    """The "Who shared" section of a version's page as a person reads it, markup removed."""
    html = client.get(reverse("sensemaking:report-version", args=[slug, number])).content.decode()
    section = html[html.index('id="who"') : html.index('id="findings"')]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def recount(version: ReportVersion) -> demographics.Demographics:
    """Count the version's figures afresh and exactly, as the report did before they were fixed."""
    stories = Story.objects.filter(workshops__report_versions=version)
    if version.content:
        stories = version.content["stories"]
    return demographics.who_shared(counted_storytellers(stories).values(), threshold=N)


def test_one_withdrawal_changes_no_figure_of_any_version(client, twelve, team):
    slug = twelve.slug
    published_before, draft_before = figures(twelve.published), figures(twelve.draft)
    assert published_before.total == round_to_base(12) and published_before.tables
    assert draft_before == published_before
    public_page = who_section(client, slug, "1.0")
    client.force_login(team.facilitator)
    draft_page = who_section(client, slug, "1.1")
    assert "About 10 storytellers shared their stories" in public_page
    assert "Woman 5 50%" in public_page  # six of twelve, rounded to the nearest five

    leaver = twelve.stories[0]
    story_services.withdraw_consent(story=leaver, reason="Changed my mind.", by=team.curator)
    # The attack the figures must resist: before, a recount would have given this away.
    assert recount(twelve.published) != published_before
    assert "Teller 0" not in client.get(reverse("sensemaking:report", args=[slug])).content.decode()

    assert figures(twelve.published) == published_before
    assert figures(twelve.draft) == draft_before
    assert who_section(client, slug, "1.1") == draft_page
    client.logout()
    assert who_section(client, slug, "1.0") == public_page
    # Saving the draft again and publishing it counts one change: too few to count again.
    draft = save_draft(twelve.published.report, team, workshops=[twelve.workshop], purpose="B")
    assert figures(draft) == draft_before
    services.publish_report(version=draft, by=team.curator)
    assert figures(draft) == published_before
    assert who_section(client, slug, "1.1") == public_page
    docx = client.get(reverse("sensemaking:report-docx", args=[slug, "1.1"]))
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "About 10 storytellers shared their stories." in paragraphs


def test_figures_are_counted_again_once_n_storytellers_have_joined_or_left(twelve, team):
    before = figures(twelve.draft)
    stayed = twelve.stories[1:]
    story_services.withdraw_consent(story=twelve.stories[0], by=team.curator)
    joined = add_stories(team, ANSWERS[1 : N - 1])  # one left and three joined: four changed
    services.set_workshop_stories(
        workshop=twelve.workshop, stories=stayed + joined, by=team.facilitator
    )
    draft = save_draft(twelve.published.report, team, workshops=[twelve.workshop])
    assert figures(draft) == before

    joined += add_stories(team, ANSWERS[:1])  # the fifth change
    services.set_workshop_stories(
        workshop=twelve.workshop, stories=stayed + joined, by=team.facilitator
    )
    draft = save_draft(twelve.published.report, team, workshops=[twelve.workshop])
    after = figures(draft)
    assert after != before and after == demographics.rounded(recount(draft))
    assert after.total == round_to_base(12 - 1 + N - 1)
    assert figures(twelve.published) == before  # a published version keeps its own figures
    edits = AuditEvent.objects.filter(action=AuditEvent.Action.REPORT_EDITED).order_by("-pk")
    assert [event.details["figures_changed"] for event in edits[:2]] == [True, False]


def test_figures_are_never_one_person_from_any_earlier_count(twelve, team):
    """Counts far from the last one may still be one person from an older one."""
    first = figures(twelve.published)
    joined = add_stories(team, ANSWERS[:N])
    services.set_workshop_stories(
        workshop=twelve.workshop, stories=twelve.stories + joined, by=team.facilitator
    )
    second = figures(save_draft(twelve.published.report, team, workshops=[twelve.workshop]))
    assert second.total == round_to_base(12 + N)
    # The five who joined and one of the twelve leave: six from the second count, but only one
    # person from the first, so counting again would give that person's answers away.
    for story in [*joined, twelve.stories[3]]:
        story_services.withdraw_consent(story=story, by=team.curator)
    draft = save_draft(twelve.published.report, team, workshops=[twelve.workshop])
    assert recount(draft) != first
    assert figures(draft) == second


def test_a_new_report_on_the_same_stories_shows_figures_already_shown(twelve, team):
    first = figures(twelve.published)
    story_services.withdraw_consent(story=twelve.stories[5], by=team.curator)
    other = services.create_report(project=team.project, title="Again", by=team.facilitator)
    assert recount(other) != first
    assert figures(other) == first


def test_figures_too_few_to_show_give_way_once_enough_storytellers_shared(client, team):
    stories = add_stories(team, ANSWERS[: N - 1])
    workshop = services.create_workshop(
        project=team.project, title="Four", by=team.facilitator, stories=stories
    )
    version = services.create_report(project=team.project, title="Four", by=team.facilitator)
    assert figures(version).total is None
    stories += add_stories(team, ANSWERS[N - 1 : N])
    services.set_workshop_stories(workshop=workshop, stories=stories, by=team.facilitator)
    version = save_draft(version.report, team, workshops=[workshop])
    # "Fewer than 5" showed no answers, so the fifth storyteller does not give any away.
    assert figures(version).total == round_to_base(N) and figures(version).tables


def test_the_page_says_how_the_figures_are_protected(client, twelve, team):
    text = who_section(client, twelve.slug, "1.0")
    assert "They are counted again only when at least 5 storytellers have joined or left" in text
    assert "Answers given by fewer than 5 storytellers are not shown" in text
    docx = client.get(reverse("sensemaking:report-docx", args=[twelve.slug, "1.0"]))
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert any(p.startswith("These figures were counted on ") for p in paragraphs)


def test_visiting_a_report_never_counts_or_stores_figures(client, twelve, team):
    stored = ReportVersion.objects.get(pk=twelve.published.pk).who_shared
    story_services.withdraw_consent(story=twelve.stories[0], by=team.curator)
    for name in ("report", "report-docx"):
        args = [twelve.slug] if name == "report" else [twelve.slug, "1.0"]
        assert client.get(reverse(f"sensemaking:{name}", args=args)).status_code == 200
    assert ReportVersion.objects.get(pk=twelve.published.pk).who_shared == stored


def test_only_quotes_once_allowed_are_said_to_be_removed(client, team):
    never, withdrawn = (
        make_story(
            team.project,
            team.interviewer,
            scopes=scopes,
            status="submitted",
            title=title,
        )
        for title, scopes in (
            ("Never quoted", {**NO_SCOPES, "use_sensemaking": True}),
            ("Quoted, then withdrawn", ALL_SCOPES),
        )
    )
    workshop = services.create_workshop(
        project=team.project, title="Two", by=team.facilitator, stories=[never, withdrawn]
    )
    (theme,) = services.themes_named(team.project, ["Being heard"])
    for story in (never, withdrawn):
        highlight_phrase(workshop, story, "being heard", [theme], by=team.facilitator, key=True)
    version = services.create_report(project=team.project, title="Two", by=team.facilitator)
    version = services.publish_report(version=version, by=team.curator)
    html = client.get(reverse("sensemaking:report", args=[version.report.slug])).content.decode()
    assert compile_report(version).removed == 0
    assert "removed at" not in html
    assert len(compile_report(version).key_quotes) == 1

    story_services.change_consent_scopes(
        story=withdrawn,
        scopes={**ALL_SCOPES, "quote_anonymous": False, "quote_credited": False},
        by=team.curator,
    )
    html = client.get(reverse("sensemaking:report", args=[version.report.slug])).content.decode()
    assert compile_report(version).removed == 1
    assert "1 quote from this version was removed at the storyteller" in html


def shown_counts(figures: demographics.Demographics) -> dict[tuple[str, str], int]:
    return {
        (table.field, row.value): row.count
        for table in figures.tables
        for row in table.rows
        if not row.suppressed
    }


@pytest.mark.parametrize("seed", range(40))
def test_no_combination_of_three_counts_gives_one_persons_answers(seed):
    """The attack on fixed figures alone: P+x, P+Q and Q, each far enough from the others to be
    counted afresh, add and subtract to x's answers. Rounding leaves every answer possible."""
    rng = random.Random(seed)

    def person():
        return SimpleNamespace(
            gender=rng.choice(["woman", "man"]),
            age_band=rng.choice(["18-24", "25-34", "35-44"]),
            sectors=[rng.choice(["housing", "community"])],
            disability=rng.choice(["yes", "no"]),
            ethnicity="",
            lgbtqia="",
            coproduction_roles=[],
            lived_experiences=[],
        )

    p = [person() for _ in range(19)]
    q = [person() for _ in range(20)]
    x = person()

    def counts(people, *, exact=False):
        figures = demographics.who_shared(people, threshold=N)
        return shown_counts(figures if exact else demographics.rounded(figures))

    exact = [counts([*p, x], exact=True), counts(p + q, exact=True), counts(q, exact=True)]
    shown = [counts([*p, x]), counts(p + q), counts(q)]
    for cell in set(exact[0]) & set(exact[1]) & set(exact[2]):
        field, value = cell
        truth = demographics.count_answers([x], field)[value]
        # Without rounding the combination is exactly x's answer...
        assert exact[0][cell] - exact[1][cell] + exact[2][cell] == truth
    for cell in set(shown[0]) & set(shown[1]) & set(shown[2]):
        combined = shown[0][cell] - shown[1][cell] + shown[2][cell]
        # ...with it, each count is known only to within two either side of what is shown, so
        # both "has this answer" (1) and "has not" (0) stay possible.
        assert combined - 6 <= 0 and combined + 6 >= 1, cell


BLANK = {
    "gender": "",
    "age_band": "",
    "ethnicity": "",
    "disability": "",
    "lgbtqia": "",
    "sectors": [],
    "coproduction_roles": [],
    "lived_experiences": [],
}


def test_rounding_never_says_everyone_gave_an_answer_some_did_not():
    both = [SimpleNamespace(**{**BLANK, "sectors": ["housing", "community"]}) for _ in range(6)]
    housing = [SimpleNamespace(**{**BLANK, "sectors": ["housing"]}) for _ in range(5)]
    community = [SimpleNamespace(**{**BLANK, "sectors": ["community"]})]
    exact = demographics.who_shared(both + housing + community, threshold=N)
    assert [row.count for row in exact.table("sectors").rows] == [11, 7]  # of 12
    figures = demographics.rounded(exact)
    # 11 of 12 would round to 10 of "about 10": it would read as everyone, so it is hidden.
    rows = {row.value: row for row in figures.table("sectors").rows}
    assert rows["housing"].suppressed and rows["community"].count == 5
    assert "100%" not in figures.table("sectors").text_alternative
    assert "may not add up to the total" in " ".join(figures.table("sectors").notes)

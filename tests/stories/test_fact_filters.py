"""Public filters and counts derived from storytellers' facts never single out a few of them.

A sector value is offered, and a sector filter lists stories, only if at least N storytellers
in the result named it and at least N did not (N is settings.REPORT_SMALL_NUMBER). These tests
try to get around that on the web pages and through the API.
"""

from datetime import date

import pytest
from django.urls import reverse

from stories import archive, services
from stories.models import Story
from tests.factories import ALL_SCOPES, make_story, make_storyteller

pytestmark = pytest.mark.django_db

WITHHELD = (
    "Fewer than {n} storytellers match this sector filter, or fewer than {n} do not, so to "
    "protect their privacy these stories are not listed."
)


def tell(team, count: int, title: str, *, sectors=(), transcript="Al: hello", tags=(), **fields):
    """Publish one story for each of `count` new storytellers who named these sectors."""
    stories = []
    for number in range(count):
        teller = make_storyteller(
            team.project, team.interviewer, demographics={"sectors": list(sectors)}
        )
        story = make_story(
            team.project,
            team.interviewer,
            scopes=ALL_SCOPES,
            status="submitted",
            storyteller=teller,
            title=f"{title} {number}",
            transcript=transcript,
        )
        if tags:
            story.tags.set(list(tags))
        Story.objects.filter(pk=story.pk).update(**fields)
        services.publish_story(story=story, by=team.curator)
        stories.append(story)
    return stories


def page(client, path=None, **params) -> str:
    response = client.get(path or reverse("stories:story-list"), params)
    assert response.status_code == 200
    return response.content.decode()


def offered(label: str, count: int | None = None) -> str:
    """Return how a filter value is offered, with its count or with any count."""
    return f'{label}</a> <span class="count">' + ("" if count is None else f"({count})</span>")


def api_ids(client, path="/api/v1/stories", **params) -> tuple[int, set[int]]:
    response = client.get(path, params)
    assert response.status_code == 200
    body = response.json()
    return body["count"], {item["id"] for item in body["items"]}


# ---- How many storytellers have it, and how many do not --------------------------------------


@pytest.mark.parametrize(
    ("having", "without", "shown"),
    [
        (1, 10, False),  # a single criminal-justice storyteller
        (4, 5, False),  # N-1 have it
        (5, 5, True),  # exactly N have it and N do not
        (5, 4, False),  # all but N-1 have it
        (10, 0, False),  # everyone in the result has it
    ],
)
def test_a_sector_is_offered_and_listed_only_with_n_storytellers_either_side(
    client, team, having, without, shown
):
    justice = tell(team, having, "Courtroom", sectors=["criminal_justice"])
    tell(team, without, "Kitchen table")

    unfiltered = page(client)
    filtered = page(client, sector="criminal_justice")
    count, ids = api_ids(client, sector="criminal_justice")

    if shown:
        assert offered("Criminal justice", having) in unfiltered
        assert "a sector is listed only when at least 5 of them named it" in unfiltered
        assert f"{having} stories" in filtered
        assert all(story.title in filtered for story in justice)
        assert "Kitchen table" not in filtered
        assert '<strong aria-current="true">Criminal justice</strong> (5)' in filtered
        assert WITHHELD.format(n=5) not in filtered
        assert (count, ids) == (having, {story.pk for story in justice})
    else:
        assert "Criminal justice" not in unfiltered
        assert WITHHELD.format(n=5) in filtered
        assert "Courtroom" not in filtered
        assert "Kitchen table" not in filtered
        assert "Criminal justice" not in filtered
        assert "0 stories" not in filtered
        assert (count, ids) == (0, set())


def test_storytellers_are_counted_once_however_many_stories_they_told(client, team):
    teller = make_storyteller(
        team.project, team.interviewer, demographics={"sectors": ["criminal_justice"]}
    )
    for number in range(6):
        story = make_story(
            team.project,
            team.interviewer,
            scopes=ALL_SCOPES,
            status="submitted",
            storyteller=teller,
            title=f"Courtroom {number}",
        )
        services.publish_story(story=story, by=team.curator)
    tell(team, 10, "Kitchen table")
    assert "Criminal justice" not in page(client)
    filtered = page(client, sector="criminal_justice")
    assert "Courtroom" not in filtered
    assert WITHHELD.format(n=5) in filtered
    assert api_ids(client, sector="criminal_justice") == (0, set())


def test_the_small_number_comes_from_the_setting(client, team, settings):
    settings.REPORT_SMALL_NUMBER = 3
    tell(team, 3, "Courtroom", sectors=["criminal_justice"])
    tell(team, 2, "Drop-in", sectors=["housing"])
    tell(team, 1, "Kitchen table")
    unfiltered = page(client)
    assert offered("Criminal justice", 3) in unfiltered
    assert "Housing" not in unfiltered
    housing = page(client, sector="housing")
    assert WITHHELD.format(n=3) in housing
    assert "Drop-in" not in housing
    assert "Courtroom 0" in page(client, sector="criminal_justice")


# ---- Combining filters ------------------------------------------------------------------------


@pytest.fixture
def courts(team):
    """Seven criminal-justice storytellers (five in Leeds, two in Hull) among seventeen."""
    leeds = dict(place="Leeds", recorded_on=date(2025, 3, 1))
    hull = dict(place="Hull", recorded_on=date(2024, 3, 1))
    return {
        "leeds_justice": tell(
            team,
            5,
            "Leeds court",
            sectors=["criminal_justice"],
            transcript="Kim: The magistrates listened.",
            tags=("Justice",),
            **leeds,
        ),
        "hull_justice": tell(
            team,
            2,
            "Hull court",
            sectors=["criminal_justice"],
            transcript="Kim: The allotment helped after prison.",
            tags=("Allotments",),
            **hull,
        ),
        "leeds_housing": tell(
            team,
            5,
            "Leeds home",
            sectors=["housing"],
            transcript="Sam: The magistrates again.",
            **leeds,
        ),
        "hull_other": tell(
            team,
            5,
            "Hull home",
            transcript="Jo: The allotment kept me going.",
            tags=("Allotments",),
            **hull,
        ),
    }


def test_other_counts_beside_a_sector_filter_leave_out_small_groups(client, courts):
    filtered = page(client, sector="criminal_justice")
    assert "7 stories" in filtered
    assert offered("Leeds", 5) in filtered
    assert offered("2025", 5) in filtered
    # Two criminal-justice storytellers in Hull, 2024 and the Allotments topic.
    assert offered("Hull") not in filtered
    assert offered("2024") not in filtered
    assert offered("Allotments") not in filtered
    # Every Justice story is a criminal-justice storyteller's: none are left outside it.
    assert offered("Justice") not in filtered
    # Changing the sector is offered with the counts that would be listed.
    assert offered("Housing", 5) in filtered


@pytest.mark.parametrize(
    ("params", "listed"),
    [
        ({"place": "Leeds"}, "leeds_justice"),
        ({"place": "leeds"}, "leeds_justice"),
        ({"place": "Hull"}, None),
        ({"year": 2025}, "leeds_justice"),
        ({"year": 2024}, None),
        ({"q": "magistrates"}, "leeds_justice"),
        ({"q": "allotment"}, None),
        ({"q": "prison"}, None),
        ({"tag": "allotments"}, None),
        ({"tag": "justice"}, None),
    ],
)
def test_combining_a_sector_with_other_filters_cannot_single_anyone_out(
    client, courts, params, listed
):
    filtered = page(client, sector="criminal_justice", **params)
    api_params = {"sector": "criminal_justice", **params}
    path = "/api/v1/search" if "q" in params else "/api/v1/stories"
    count, ids = api_ids(client, path, **api_params)
    if listed:
        expected = {story.pk for story in courts[listed]}
        assert all(story.title in filtered for story in courts[listed])
        assert "Hull court" not in filtered
        assert WITHHELD.format(n=5) not in filtered
        assert (count, ids) == (len(expected), expected)
    else:
        assert WITHHELD.format(n=5) in filtered
        assert "Hull court" not in filtered
        assert "Leeds court" not in filtered
        assert "Criminal justice" not in filtered
        assert "<mark>" not in filtered
        assert (count, ids) == (0, set())


def test_a_topic_page_cannot_single_out_a_sector(client, courts):
    path = reverse("stories:topic", args=["allotments"])
    assert "Hull court 0" in page(client, path)
    assert "Criminal justice" not in page(client, path)
    filtered = page(client, path, sector="criminal_justice")
    assert WITHHELD.format(n=5) in filtered
    assert "Hull court" not in filtered
    assert "Hull home" not in filtered


def test_sector_counts_follow_the_other_filters(client, courts):
    assert offered("Criminal justice", 7) in page(client)
    assert offered("Criminal justice", 5) in page(client, place="Leeds")
    assert "Criminal justice" not in page(client, place="Hull")
    assert "Criminal justice" not in page(client, q="allotment")
    # In Leeds, five named housing and five did not.
    assert offered("Housing", 5) in page(client, place="Leeds")


def test_a_withheld_filter_offers_a_way_back(client, courts):
    filtered = page(client, sector="criminal_justice", place="Hull")
    assert '<a href="?place=Hull">Remove the sector filter</a>' in filtered


def test_a_suggestion_says_nothing_about_a_withheld_sector(client, courts):
    # "going" is a word only storytellers outside criminal justice used in Hull: offering the
    # correction only without the sector filter would say so.
    without = page(client, q="goinng", place="Hull")
    with_sector = page(client, q="goinng", place="Hull", sector="criminal_justice")
    assert "Did you mean" in without
    assert "Did you mean" in with_sector
    assert "Hull home" not in with_sector


def test_a_filter_must_be_declared_before_it_can_be_used(team):
    with pytest.raises(ValueError, match="Unknown filters: gender"):
        archive.find(Story.objects.public(), {"gender": "woman"})


# ---- The API --------------------------------------------------------------------------------


def test_api_refuses_a_sector_it_does_not_know(client, courts):
    response = client.get("/api/v1/stories", {"sector": "criminal_justice_in_hull"})
    assert response.status_code == 422
    assert "sector" in response.content.decode()
    assert client.get("/api/v1/stories", {"sector": "prefer_not_to_say"}).status_code == 422


def test_api_sector_with_audio_false_is_held_to_the_same_rule(client, courts):
    assert api_ids(client, sector="criminal_justice", place="Hull", has_audio="false") == (
        0,
        set(),
    )
    count, _ids = api_ids(client, sector="criminal_justice", has_audio="false")
    assert count == 7


# ---- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 10])
def test_sector_filtered_pages_make_a_fixed_number_of_queries(
    client, team, size, django_assert_max_num_queries
):
    tell(team, size, "Courtroom", sectors=["criminal_justice"], place="Leeds", tags=("Hope",))
    tell(team, size, "Kitchen table", place="Leeds", tags=("Hope",))
    url = reverse("stories:story-list")
    # Session-free page: 1 rows of the stories before the sector filter (with their storytellers'
    # answers), 1 count and 1 page of the listed stories, 1 their tags, 2 facet look-ups (topics,
    # audio), 1 content type for topics.
    with django_assert_max_num_queries(7):
        body = client.get(url, {"sector": "criminal_justice", "place": "Leeds"}).content.decode()
    assert body.count("Courtroom") == size
    # 1 rows for the rule; 1 count; 1 page joined to storyteller and consent; 1 the page's tags.
    with django_assert_max_num_queries(4):
        count, _ids = api_ids(client, sector="criminal_justice", tag="hope")
    assert count == size

"""The public JSON API: public stories only, public fields only, consent decides the content."""

import json
from datetime import date, datetime, timedelta

import pytest
from django.core.files import File
from django.urls import reverse

from stories import services
from stories.models import Recording, Story, Transcript
from stories.transcripts import parse_plain_text
from tests.factories import ALL_SCOPES, TRANSCRIPT, make_playable, make_story, make_storyteller

pytestmark = pytest.mark.django_db

LIST_FIELDS = {
    "id",
    "title",
    "summary",
    "credit",
    "place",
    "recorded_on",
    "language",
    "tags",
    "published_at",
    "has_audio",
    "has_transcript",
    "url",
}
NO_AUDIO = {**ALL_SCOPES, "publish_audio": False}
NO_TRANSCRIPT = {**ALL_SCOPES, "publish_transcript": False}

# Facts and contact details that must never leave the team's pages.
PRIVATE_FACTS = {
    "age_band": "45-54",
    "gender": "non_binary",
    "ethnicity": "black_caribbean",
    "disability": "yes",
    "lgbtqia": "yes",
    "sectors": ["housing"],
    "lived_experiences": ["homelessness"],
    "coproduction_roles": ["peer_researcher"],
}
PRIVATE_CONTACT = {
    "full_name": "Margaret Okonkwo",
    "email": "margaret.okonkwo@example.org",
    "phone": "07700 900123",
    "notes": "Ring after six",
}


def add_ready_recording(story: Story, path, *, by) -> Recording:
    """Upload a real file and make it ready, with its copy for listeners, as the worker would."""
    with path.open("rb") as handle:
        recording = services.upload_recording(story=story, upload=File(handle, name="a.mp3"), by=by)
    make_playable(recording)
    Recording.objects.filter(pk=recording.pk).update(duration_seconds=1.0)
    recording.duration_seconds = 1.0
    return recording


def publish(
    team,
    *,
    title: str = "Being heard",
    scopes: dict | None = None,
    transcript: str | None = TRANSCRIPT,
    storyteller=None,
    tags: tuple[str, ...] = (),
    recording=None,
    **fields,
) -> Story:
    """Publish a story through the services, with these details, topics and maybe a recording."""
    story = make_story(
        team.project,
        team.interviewer,
        scopes=scopes or ALL_SCOPES,
        status="submitted",
        title=title,
        transcript=transcript,
        storyteller=storyteller,
    )
    if recording:
        add_ready_recording(story, recording, by=team.interviewer)
    if tags:
        story.tags.set(list(tags))
    if fields:
        Story.objects.filter(pk=story.pk).update(**fields)
    services.publish_story(story=story, by=team.curator)
    story.refresh_from_db()
    return story


def hidden_stories(team) -> dict[str, Story]:
    """Return one story in every state that must not be public."""
    no_publish_scopes = publish(team, title="Published, then publishing refused")
    services.change_consent_scopes(
        story=no_publish_scopes,
        scopes={**ALL_SCOPES, "publish_transcript": False, "publish_audio": False},
        reason="Keep it for research only",
    )
    return {
        "draft": make_story(team.project, team.interviewer, scopes=ALL_SCOPES, title="A draft"),
        "submitted": make_story(
            team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted", title="Sent"
        ),
        "withdrawn": make_story(
            team.project,
            team.interviewer,
            scopes=ALL_SCOPES,
            status="withdrawn",
            curator=team.curator,
            title="Withdrawn",
        ),
        "no_publish_scopes": no_publish_scopes,
    }


def get_json(client, path: str, **params) -> dict:
    response = client.get(path, params)
    assert response.status_code == 200
    return response.json()


def listed_ids(client, **params) -> set[int]:
    return {item["id"] for item in get_json(client, "/api/v1/stories", **params)["items"]}


# ---- Only public stories --------------------------------------------------------------------


def test_story_list_shows_only_public_stories(client, team):
    shown = publish(team, tags=("Housing",))
    hidden = hidden_stories(team)
    assert hidden["no_publish_scopes"].status == Story.Status.PUBLISHED
    assert listed_ids(client) == {shown.pk}
    assert get_json(client, "/api/v1/stories")["count"] == 1


def test_story_detail_is_not_found_for_any_story_that_is_not_public(client, team):
    for story in hidden_stories(team).values():
        response = client.get(f"/api/v1/stories/{story.pk}")
        assert response.status_code == 404
        assert "Being heard" not in response.content.decode()
    assert client.get("/api/v1/stories/999999").status_code == 404


def test_tags_count_public_stories_only(client, team):
    publish(team, tags=("Housing", "Mental health"))
    publish(team, tags=("Housing",))
    for story in hidden_stories(team).values():
        story.tags.set(["Housing", "Secret topic"])
    tags = get_json(client, "/api/v1/tags")
    assert tags["count"] == 2
    assert tags["items"] == [
        {"name": "Housing", "slug": "housing", "story_count": 2},
        {"name": "Mental health", "slug": "mental-health", "story_count": 1},
    ]


def test_withdrawal_removes_a_story_from_the_api_on_the_very_next_request(client, team):
    story = publish(team, tags=("Only here",))
    assert listed_ids(client) == {story.pk}
    services.withdraw_consent(story=story, reason="Changed my mind")
    assert listed_ids(client) == set()
    assert client.get(f"/api/v1/stories/{story.pk}").status_code == 404
    assert get_json(client, "/api/v1/tags")["items"] == []


# ---- Only public fields ---------------------------------------------------------------------


def test_story_list_items_have_the_public_fields_only(client, team, media_files):
    story = publish(
        team,
        title="The waiting list",
        tags=("Mental health", "Housing"),
        recording=media_files["mp3"],
        place="Leeds",
        recorded_on=date(2025, 3, 14),
        language="cy",
    )
    [item] = get_json(client, "/api/v1/stories")["items"]
    assert set(item) == LIST_FIELDS
    assert item["id"] == story.pk
    assert item["title"] == "The waiting list"
    assert item["summary"] == "A story of being heard."
    assert item["credit"] == "River"
    assert item["place"] == "Leeds"
    assert item["recorded_on"] == "2025-03-14"
    assert item["language"] == "cy"
    assert item["tags"] == ["Housing", "Mental health"]
    # JSON times are given to the millisecond.
    published_at = datetime.fromisoformat(item["published_at"])
    assert abs(published_at - story.published_at) < timedelta(milliseconds=1)
    assert item["has_audio"] is True
    assert item["has_transcript"] is True
    assert item["url"] == f"http://testserver/stories/{story.pk}/"


def test_an_anonymous_storyteller_is_credited_as_anonymous(client, team):
    storyteller = make_storyteller(team.project, team.interviewer, credit_preference="anonymous")
    publish(team, storyteller=storyteller)
    [item] = get_json(client, "/api/v1/stories")["items"]
    assert item["credit"] == "Anonymous"


def test_api_never_shows_private_facts_contact_details_or_team_names(client, team, media_files):
    storyteller = make_storyteller(
        team.project, team.interviewer, demographics=PRIVATE_FACTS, contact=PRIVATE_CONTACT
    )
    story = publish(team, storyteller=storyteller, tags=("Housing",), recording=media_files["mp3"])
    texts = [
        client.get(path).content.decode()
        for path in ("/api/v1/stories", f"/api/v1/stories/{story.pk}", "/api/v1/tags")
    ]
    secrets = [
        storyteller.code,
        team.interviewer.username,
        team.curator.username,
        *PRIVATE_CONTACT.values(),
        "Black or Black British",
        "black_caribbean",
        "non_binary",
        "45-54",
        "homelessness",
        "peer_researcher",
        "a.mp3",  # the uploaded file name
        "private/",  # where files are stored
    ]
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_detail_shows_only_the_current_transcript(client, team):
    story = publish(team, transcript="Kit: An earlier version with my old address.")
    services.add_transcript(
        story=story,
        parsed=parse_plain_text("Kit: The version the curator approved."),
        by=team.curator,
        origin=Transcript.Origin.EDITED,
    )
    detail = get_json(client, f"/api/v1/stories/{story.pk}")
    assert [segment["text"] for segment in detail["transcript"]] == [
        "The version the curator approved."
    ]
    assert "old address" not in json.dumps(detail)


# ---- Consent decides the content ------------------------------------------------------------


def test_detail_applies_redactions_to_the_transcript(client, team):
    story = publish(team)
    transcript = story.transcripts.get(is_current=True)
    start = transcript.text.index("14 Brook Lane")
    services.redact_transcript(
        transcript=transcript,
        char_start=start,
        char_end=start + len("14 Brook Lane"),
        reason="Home address",
        by=team.curator,
    )
    response = client.get(f"/api/v1/stories/{story.pk}")
    assert "Brook Lane" not in response.content.decode()
    assert response.json()["transcript"] == [
        {
            "index": 0,
            "start": None,
            "end": None,
            "speaker": "Interviewer",
            "text": "What did co-production mean for you?",
        },
        {
            "index": 1,
            "start": None,
            "end": None,
            "speaker": "Storyteller",
            "text": "It meant being heard, not just listened to.",
        },
        {
            "index": 2,
            "start": None,
            "end": None,
            "speaker": "Storyteller",
            "text": "I lived at [redacted] when the project started.",
        },
    ]


def test_transcript_is_null_without_consent_to_publish_it(client, team, media_files):
    story = publish(
        team,
        scopes=NO_TRANSCRIPT,
        transcript="Kit: A hidden allotment story.",
        recording=media_files["mp3"],
    )
    response = client.get(f"/api/v1/stories/{story.pk}")
    detail = response.json()
    assert detail["transcript"] is None
    assert detail["has_transcript"] is False
    assert detail["has_audio"] is True
    assert "allotment" not in response.content.decode()
    [item] = get_json(client, "/api/v1/stories")["items"]
    assert item["has_transcript"] is False


def test_audio_is_absent_without_consent_to_publish_it(client, team, media_files):
    story = publish(team, scopes=NO_AUDIO, recording=media_files["mp3"])
    recording = story.recordings.get()
    response = client.get(f"/api/v1/stories/{story.pk}")
    detail = response.json()
    assert detail["audio"] == []
    assert detail["has_audio"] is False
    assert reverse("stories:public-recording", args=[recording.pk]) not in response.content.decode()
    [item] = get_json(client, "/api/v1/stories")["items"]
    assert item["has_audio"] is False


def test_detail_lists_ready_recordings_at_their_public_address(client, team, media_files):
    story = publish(team, recording=media_files["mp3"])
    ready = story.recordings.get()
    with media_files["wav"].open("rb") as handle:
        services.upload_recording(
            story=story, upload=File(handle, name="b.wav"), by=team.interviewer
        )  # still being checked, so not listed
    detail = get_json(client, f"/api/v1/stories/{story.pk}")
    url = f"http://testserver{reverse('stories:public-recording', args=[ready.pk])}"
    opus = f"http://testserver{reverse('stories:public-recording-form', args=[ready.pk, 'opus'])}"
    assert detail["audio"] == [
        {
            "url": url,
            "media_type": "audio/mpeg",
            "duration_seconds": 1.0,
            "opus_url": opus,
            "video_url": None,  # a sound recording
        }
    ]
    assert client.get(url).status_code == 200
    assert client.get(opus)["Content-Type"] == "audio/webm"


def test_a_recording_still_being_checked_does_not_count_as_audio(client, team, media_files):
    story = publish(team)
    with media_files["mp3"].open("rb") as handle:
        services.upload_recording(
            story=story, upload=File(handle, name="a.mp3"), by=team.interviewer
        )
    detail = get_json(client, f"/api/v1/stories/{story.pk}")
    assert detail["has_audio"] is False
    assert detail["audio"] == []


# ---- Filters and pages ----------------------------------------------------------------------


@pytest.fixture
def catalogue(team, media_files) -> dict[str, Story]:
    housing = make_storyteller(
        team.project, team.interviewer, demographics={"sectors": ["housing"]}
    )
    return {
        "leeds": publish(
            team,
            title="Leeds",
            storyteller=housing,
            tags=("Mental health", "Housing"),
            recording=media_files["mp3"],
            place="Leeds",
            recorded_on=date(2024, 5, 1),
        ),
        "hull": publish(
            team,
            title="Hull",
            tags=("Employment",),
            place="Hull",
            recorded_on=date(2025, 2, 1),
            language="cy",
        ),
        "silent": publish(
            team,
            title="Audio not agreed",
            scopes=NO_AUDIO,
            tags=("Housing",),
            recording=media_files["mp3"],
            place="LEEDS",
            recorded_on=date(2025, 7, 1),
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"leeds", "hull", "silent"}),
        ({"tag": "mental-health"}, {"leeds"}),
        ({"tag": "Mental Health"}, {"leeds"}),
        ({"tag": "housing"}, {"leeds", "silent"}),
        ({"tag": "no-such-topic"}, set()),
        ({"place": "leeds"}, {"leeds", "silent"}),
        ({"place": "Hul"}, set()),
        ({"year": 2025}, {"hull", "silent"}),
        ({"year": 2024}, {"leeds"}),
        ({"language": "cy"}, {"hull"}),
        ({"has_audio": "true"}, {"leeds"}),
        ({"has_audio": "false"}, {"hull", "silent"}),
        ({"tag": "housing", "place": "leeds", "has_audio": "false"}, {"silent"}),
    ],
)
def test_story_list_filters(client, catalogue, params, expected):
    assert listed_ids(client, **params) == {catalogue[name].pk for name in expected}


def test_story_list_refuses_a_year_that_is_not_a_number(client, catalogue):
    assert client.get("/api/v1/stories", {"year": "last"}).status_code == 422


def test_story_list_is_newest_published_first_in_pages(client, team):
    stories = [publish(team, title=f"Story {number}") for number in range(3)]
    first = get_json(client, "/api/v1/stories", page_size=2)
    second = get_json(client, "/api/v1/stories", page_size=2, page=2)
    assert first["count"] == second["count"] == 3
    assert [item["id"] for item in first["items"] + second["items"]] == [
        story.pk for story in reversed(stories)
    ]


def test_story_list_pages_hold_twenty_stories_by_default(client, team):
    for number in range(21):
        publish(team, title=f"Story {number}")
    assert len(get_json(client, "/api/v1/stories")["items"]) == 20
    assert len(get_json(client, "/api/v1/stories", page=2)["items"]) == 1


# ---- The OpenAPI document -------------------------------------------------------------------


def test_openapi_document_lists_the_public_endpoints(client):
    document = get_json(client, "/api/v1/openapi.json")
    assert document["info"]["title"] == "corpro public API"
    assert {"/api/v1/stories", "/api/v1/stories/{story_id}", "/api/v1/tags"} <= set(
        document["paths"]
    )
    assert set(document["paths"]["/api/v1/stories"]) == {"get"}
    story_fields = set(document["components"]["schemas"]["StoryDetailOut"]["properties"])
    assert story_fields == LIST_FIELDS | {"transcript", "audio"}


# ---- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 8])
def test_story_list_query_count_is_constant(
    client, team, media_files, count, django_assert_max_num_queries
):
    for number in range(count):
        publish(
            team,
            title=f"Story {number}",
            tags=("Housing", f"Topic {number}"),
            recording=media_files["mp3"],
        )
    # 1 count of the matching stories; 1 page of stories joined to storyteller and current
    # consent, with EXISTS subqueries for a current transcript and a ready recording; 1 for the
    # page's tags. Filters add subqueries, not queries.
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/stories", {"has_audio": "true", "tag": "housing"})
    assert len(response.json()["items"]) == count


@pytest.mark.parametrize("paragraphs", [2, 40])
def test_story_detail_query_count_is_constant(
    client, team, media_files, paragraphs, django_assert_max_num_queries
):
    story = publish(
        team,
        transcript="\n\n".join(f"Kit: Paragraph {number}." for number in range(paragraphs)),
        tags=("Housing", "Mental health"),
        recording=media_files["mp3"],
    )
    add_ready_recording(story, media_files["wav"], by=team.interviewer)
    transcript = story.transcripts.get(is_current=True)
    for number in range(0, paragraphs, 2):
        start = transcript.text.index(f"Paragraph {number}.")
        services.redact_transcript(
            transcript=transcript, char_start=start, char_end=start + 9, reason="", by=team.curator
        )
    # 1 story joined to storyteller and current consent; 1 tags; 1 current transcript;
    # 1 its segments; 1 its redactions; 1 ready recordings.
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/stories/{story.pk}")
    detail = response.json()
    assert len(detail["transcript"]) == paragraphs
    # Redactions in a transcript without timings cannot be silenced, so no audio is listed.
    assert detail["audio"] == []
    assert detail["transcript"][0]["text"] == "[redacted] 0."


@pytest.mark.parametrize("count", [2, 8])
def test_tag_list_query_count_is_constant(client, team, count, django_assert_max_num_queries):
    for number in range(count):
        publish(team, title=f"Story {number}", tags=("Housing", f"Topic {number}"))
    # 1 count of the tags; 1 page of tags with their public story counts.
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/tags")
    assert response.json()["count"] == count + 1


def test_search_endpoint_ranks_public_stories_with_snippets(client, team):
    garden = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="published",
        curator=team.curator,
        title="Garden",
        transcript="Dee: The allotment grew our trust.",
    )
    make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="submitted",
        title="Hidden",
        transcript="Ash: The allotment was secret.",
    )
    response = client.get("/api/v1/search", {"q": "allotment"})
    body = response.json()
    assert response.status_code == 200
    assert [item["id"] for item in body["items"]] == [garden.pk]
    assert "<mark>allotment</mark>" in body["items"][0]["snippet"]
    assert "/api/v1/search" in client.get("/api/v1/openapi.json").json()["paths"]
    assert client.get("/api/v1/search", {"q": "allotment -trust"}).json()["items"] == []


def test_api_docs_use_bundled_files_that_the_csp_allows(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page


def test_audio_is_listed_as_the_clean_copy_and_only_once_it_is_ready(client, team, media_files):
    story = publish(team, recording=media_files["wav"])  # the upload is WAV; listeners get MP3
    (item,) = get_json(client, "/api/v1/stories")["items"]
    assert item["has_audio"] is True
    (audio,) = get_json(client, f"/api/v1/stories/{story.pk}")["audio"]
    assert audio["media_type"] == "audio/mpeg"
    assert client.get(audio["url"])["Content-Type"] == "audio/mpeg"
    # A copy being remade (after a redaction, say) is neither listed nor counted as audio.
    Recording.objects.filter(story=story).update(listener_copy_state=Recording.CopyState.PENDING)
    assert get_json(client, f"/api/v1/stories/{story.pk}")["audio"] == []
    (item,) = get_json(client, "/api/v1/stories")["items"]
    assert item["has_audio"] is False
    assert get_json(client, "/api/v1/stories?has_audio=true")["items"] == []


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/stories?page=99999999999999999999",
        "/api/v1/stories?year=99999999999999999999",
        "/api/v1/stories?page_size=99999999999999999999",
        "/api/v1/search?q=heard&page=99999999999999999999",
    ],
)
def test_absurd_numbers_are_refused_with_422_not_a_server_error(client, team, address):
    publish(team)
    assert client.get(address).status_code == 422

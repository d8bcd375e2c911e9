"""The public archive: search, filters, story pages, captions and seekable media."""

import json

import pytest
from django.core.files import File
from django.urls import reverse

from stories import services
from stories.models import Transcript
from stories.transcripts import parse_transcript_file
from tests.factories import ALL_SCOPES, make_playable, make_story, make_storyteller

pytestmark = pytest.mark.django_db

TIMED_VTT = b"""WEBVTT

00:00:00.000 --> 00:00:00.400
<v Interviewer>What did the housing officer say?

00:00:00.400 --> 00:00:00.900
<v Dee>She said the waiting list was closed & nobody listened.
"""


def publish(team, *, title, transcript, scopes=None, **story_fields):
    story = make_story(
        team.project,
        team.interviewer,
        scopes=scopes or ALL_SCOPES,
        status="submitted",
        title=title,
        transcript=transcript,
    )
    for name, value in story_fields.items():
        setattr(story, name, value)
    story.save()
    services.publish_story(story=story, by=team.curator)
    story.refresh_from_db()
    return story


def search_page(client, query, **params):
    return client.get(reverse("stories:story-list"), {"q": query, **params}).content.decode()


@pytest.fixture
def archive(team):
    return {
        "garden": publish(
            team,
            title="The community garden",
            transcript="Dee: We grew vegetables together and trust grew with them.",
            place="Leeds",
        ),
        "funding": publish(
            team,
            title="Chasing funding",
            transcript="Sam: The funding forms were written for universities, not for us.",
            place="Hull",
        ),
        "draft": make_story(
            team.project,
            team.interviewer,
            scopes=ALL_SCOPES,
            title="Unpublished vegetables",
            transcript="Ash: Vegetables and secrets.",
        ),
    }


def test_search_finds_words_in_transcripts_with_highlighted_snippets(client, archive):
    page = search_page(client, "vegetable")
    assert "The community garden" in page
    assert "Chasing funding" not in page
    assert "Unpublished vegetables" not in page
    assert "<mark>vegetables</mark>" in page


def test_search_understands_phrases_exclusions_and_or(client, archive):
    assert "The community garden" in search_page(client, '"grew vegetables"')
    assert "The community garden" not in search_page(client, '"vegetables grew"')
    assert "The community garden" not in search_page(client, "trust -vegetables")
    page = search_page(client, "vegetables or universities")
    assert "The community garden" in page
    assert "Chasing funding" in page


def test_title_matches_rank_above_transcript_matches(client, team, archive):
    publish(team, title="Paperwork", transcript="Jo: The funding forms again.")
    publish(team, title="Funding matters", transcript="Jo: Money is part of it.")
    page = search_page(client, "funding")
    assert page.index("Funding matters") < page.index("Paperwork")


def test_redacted_words_cannot_be_found_or_seen(client, team, archive):
    story = archive["garden"]
    transcript = story.transcripts.get(is_current=True)
    start = transcript.text.index("vegetables")
    services.redact_transcript(
        transcript=transcript, char_start=start, char_end=start + 10, reason="", by=team.curator
    )
    page = search_page(client, "vegetables")
    assert "The community garden" not in page
    page = search_page(client, "trust")
    assert "<mark>trust</mark> grew" in page
    assert "[redacted]" in page
    assert "grew vegetables" not in page


def test_transcript_words_are_not_searchable_without_transcript_consent(client, team, media_files):
    story = make_story(
        team.project,
        team.interviewer,
        scopes={**ALL_SCOPES, "publish_transcript": False},
        transcript="Kit: A hidden allotment story.",
        title="Audio only",
    )
    with media_files["mp3"].open("rb") as handle:
        services.upload_recording(
            story=story, upload=File(handle, name="a.mp3"), by=team.interviewer
        )
    services.submit_story(story=story, by=team.interviewer)
    services.publish_story(story=story, by=team.curator)
    assert "Audio only" in search_page(client, "audio")
    page = search_page(client, "allotment")
    assert "Audio only" not in page
    assert "hidden allotment" not in page


def test_did_you_mean_suggests_a_public_word(client, archive):
    page = search_page(client, "vegetabels")
    assert "Did you mean" in page
    assert "vegetables" in page


def test_long_interviews_stay_fully_searchable(client, team):
    words = " ".join(f"word{number}" for number in range(20000))
    publish(team, title="A very long interview", transcript=f"Lee: {words}\n\nLee: lastwordhere")
    assert "A very long interview" in search_page(client, "lastwordhere")


def test_filters_and_their_counts_cover_public_stories_only(client, team, archive):
    page = client.get(reverse("stories:story-list")).content.decode()
    assert 'Leeds</a> <span class="count">(1)</span>' in page
    assert "Unpublished" not in page
    leeds = client.get(reverse("stories:story-list"), {"place": "Leeds"}).content.decode()
    assert "The community garden" in leeds
    assert "Chasing funding" not in leeds


@pytest.mark.parametrize("everyone", [1, 12])
def test_no_public_filter_or_count_comes_from_what_storytellers_said_of_themselves(
    client, team, everyone
):
    """However many storytellers share an answer, the public cannot filter or count by it."""
    for number in range(everyone):
        teller = make_storyteller(
            team.project,
            team.interviewer,
            demographics={"sectors": ["criminal_justice"], "gender": "non_binary"},
        )
        publish(team, title=f"Story {number}", transcript="Al: hello", storyteller=teller)
    publish(team, title="Someone else", transcript="Al: hello")
    url = reverse("stories:story-list")
    page = client.get(url).content.decode()
    assert "Criminal justice" not in page and "Non-binary" not in page
    for asked in ({"sector": "criminal_justice"}, {"gender": "non_binary"}):
        # Not a filter here: every public story is listed, so nothing is said about anyone.
        listed = client.get(url, asked).content.decode()
        assert "Someone else" in listed and "Criminal justice" not in listed
        api = client.get("/api/v1/stories", asked).json()
        assert api["count"] == everyone + 1
        assert "criminal_justice" not in json.dumps(api) and "non_binary" not in json.dumps(api)
    assert "sector" not in json.dumps(client.get("/api/v1/openapi.json").json()["paths"])


def test_topic_page_lists_public_stories_with_that_topic(client, team, archive):
    archive["garden"].tags.add("growing")
    archive["draft"].tags.add("growing")
    page = client.get(reverse("stories:topic", args=["growing"])).content.decode()
    assert "Stories about growing" in page
    assert "The community garden" in page
    assert "Unpublished vegetables" not in page


def count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/", "/stories/", "/stories/?q=trust", "/stories/?place=Leeds", "/topics/hope/"]
)
def test_public_list_query_counts_do_not_grow_with_stories(client, team, url):
    def add(count):
        for number in range(count):
            story = publish(team, title=f"Story {number}", transcript="Al: trust and hope")
            story.tags.add("hope")
            story.place = "Leeds"
            story.save()

    add(3)  # Enough matches that no "did you mean" look-up is made.
    few = count_queries(client, url)
    add(6)
    many = count_queries(client, url)
    assert many == few
    # Page, count, tags, snippets (2) and six facet counts at most.
    assert many <= 12


def test_home_about_and_story_pages_render(client, archive):
    assert "The community garden" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("stories:about")).status_code == 200
    page = client.get(reverse("stories:public-story", args=[archive["garden"].pk]))
    assert "We grew vegetables" in page.content.decode()


def test_story_page_query_count_does_not_grow_with_segments(client, team):
    short = publish(team, title="Short", transcript="\n\n".join(f"A: line {n}" for n in range(3)))
    long = publish(team, title="Long", transcript="\n\n".join(f"A: line {n}" for n in range(60)))
    few = count_queries(client, reverse("stories:public-story", args=[short.pk]))
    many = count_queries(client, reverse("stories:public-story", args=[long.pk]))
    assert few == many
    # Story with storyteller and consent, tags, transcript, segments, redactions, recordings,
    # related stories.
    assert many <= 8


@pytest.fixture
def timed_story(team, media_files):
    story = publish(team, title="Timed", transcript="A: placeholder")
    services.add_transcript(
        story=story,
        parsed=parse_transcript_file(TIMED_VTT, "talk.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    with media_files["mp3"].open("rb") as handle:
        recording = services.upload_recording(
            story=story, upload=File(handle, name="talk.mp3"), by=team.interviewer
        )
    make_playable(recording)
    return story


def test_captions_are_generated_from_the_redacted_transcript(client, team, timed_story):
    transcript = timed_story.transcripts.get(is_current=True)
    start = transcript.text.index("waiting list")
    services.redact_transcript(
        transcript=transcript, char_start=start, char_end=start + 12, reason="", by=team.curator
    )
    response = client.get(reverse("stories:public-captions", args=[timed_story.pk]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/vtt")
    assert body.startswith("WEBVTT")
    assert "00:00:00.400 --> 00:00:00.900" in body
    assert "<v Dee>She said the [redacted] was closed &amp; nobody listened." in body
    story_url = reverse("stories:public-story", args=[timed_story.pk])
    page = client.get(story_url).content.decode()
    assert "The recording is being prepared. Try again in a minute." in page  # Copy is stale.
    assert "<audio" not in page
    make_playable(timed_story.recordings.get())
    page = client.get(story_url).content.decode()
    assert '<track kind="captions"' in page
    assert 'data-seek="0.4"' in page


def test_media_answers_byte_ranges_so_players_can_seek(client, timed_story):
    recording = timed_story.recordings.get()
    url = reverse("stories:public-recording", args=[recording.pk])
    content = recording.listener_copy.read()
    whole = client.get(url)
    assert whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == content
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(content)}"
    assert b"".join(part.streaming_content) == content[100:200]
    tail = client.get(url, HTTP_RANGE="bytes=-50")
    assert b"".join(tail.streaming_content) == content[-50:]
    assert client.get(url, HTTP_RANGE=f"bytes={len(content) + 5}-").status_code == 416


def test_reindex_search_rebuilds_stored_entries(client, team, archive):
    from django.core.management import call_command

    from stories.models import Segment

    Segment.objects.update(public_text="", search_vector=None)
    assert "The community garden" not in search_page(client, "vegetables")
    call_command("reindex_search", stdout=None)
    assert "The community garden" in search_page(client, "vegetables")

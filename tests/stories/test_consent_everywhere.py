"""The consent rule on every public surface, on the very next request after a change."""

import pytest
from django.core.files import File
from django.urls import reverse

from stories import services
from stories.models import Recording, Transcript
from stories.transcripts import parse_transcript_file
from tests.factories import ALL_SCOPES, make_story

pytestmark = pytest.mark.django_db

CUES = b"""WEBVTT

00:00:00.000 --> 00:00:00.500
<v Dee>The zucchini project at 14 Brook Lane changed everything.
"""


@pytest.fixture
def story(team, media_files):
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, title="Zucchini days", transcript=None
    )
    story.tags.add("zucchini")
    story.place = "Wakefield"
    story.save()
    services.add_transcript(
        story=story,
        parsed=parse_transcript_file(CUES, "talk.vtt"),
        by=team.interviewer,
        origin=Transcript.Origin.UPLOADED,
    )
    with media_files["mp3"].open("rb") as handle:
        recording = services.upload_recording(
            story=story, upload=File(handle, name="talk.mp3"), by=team.interviewer
        )
    Recording.objects.filter(pk=recording.pk).update(state="ready")
    services.submit_story(story=story, by=team.interviewer)
    services.publish_story(story=story, by=team.curator)
    return story


def surfaces(client, story) -> dict[str, str | int]:
    """Fetch every public surface; return each page's text, or its status if not 200."""
    recording = story.recordings.get()
    urls = {
        "story page": reverse("stories:public-story", args=[story.pk]),
        "list": reverse("stories:story-list"),
        "search": reverse("stories:story-list") + "?q=zucchini",
        "filter counts": reverse("stories:story-list") + "?language=en",
        "tag page": reverse("stories:topic", args=["zucchini"]),
        "home": reverse("home"),
        "api list": "/api/v1/stories",
        "api detail": f"/api/v1/stories/{story.pk}",
        "api search": "/api/v1/search?q=zucchini",
        "api tags": "/api/v1/tags",
        "feed": reverse("stories-feed"),
        "sitemap": reverse("sitemap"),
        "media": reverse("stories:public-recording", args=[recording.pk]),
        "captions": reverse("stories:public-captions", args=[story.pk]),
    }
    found = {}
    for name, url in urls.items():
        response = client.get(url)
        if response.status_code != 200:
            found[name] = response.status_code
        elif response.streaming:
            found[name] = f"media: {len(b''.join(response.streaming_content))} bytes"
        else:
            found[name] = response.content.decode()
    return found


def test_everything_is_visible_before_any_change(client, story):
    for name, page in surfaces(client, story).items():
        assert page != 404, name
    pages = surfaces(client, story)
    for name in ("list", "search", "tag page", "home", "api list", "api search", "feed"):
        assert "Zucchini days" in pages[name], name
    assert f"/stories/{story.pk}/" in pages["sitemap"]
    assert 'Wakefield</a> <span class="count">(1)</span>' in pages["filter counts"]
    assert "zucchini" in pages["api tags"]


def test_withdrawal_removes_the_story_from_every_surface_at_once(client, story):
    surfaces(client, story)  # Warm anything that could be cached.
    services.withdraw_consent(story=story, reason="No longer")
    pages = surfaces(client, story)
    for name in ("story page", "api detail", "media", "captions"):
        assert pages[name] == 404, name
    for name in ("list", "search", "tag page", "home", "api list", "api search", "feed"):
        assert "Zucchini days" not in pages[name], name
    assert f"/stories/{story.pk}/" not in pages["sitemap"]
    assert "Wakefield" not in pages["filter counts"]
    assert "English</strong> (" not in pages["filter counts"]
    assert "zucchini" not in pages["api tags"]


def test_withdrawing_publish_audio_removes_only_the_audio(client, story):
    surfaces(client, story)
    services.change_consent_scopes(story=story, scopes={**ALL_SCOPES, "publish_audio": False})
    pages = surfaces(client, story)
    assert pages["media"] == 404
    assert "<audio" not in pages["story page"]
    assert '"audio": []' in pages["api detail"]
    assert '"has_audio": false' in pages["api detail"]
    assert "Zucchini days" in pages["list"]
    assert "The zucchini project" in pages["story page"]
    audio_filter = reverse("stories:story-list") + "?audio=True"
    assert "Zucchini days" not in client.get(audio_filter).content.decode()


def test_a_redaction_applies_everywhere_text_is_shown(client, team, story):
    surfaces(client, story)
    transcript = story.transcripts.get(is_current=True)
    start = transcript.text.index("14 Brook Lane")
    services.redact_transcript(
        transcript=transcript, char_start=start, char_end=start + 13, reason="", by=team.curator
    )
    pages = surfaces(client, story)
    for name in ("story page", "search", "api detail", "api search", "captions"):
        assert "Brook Lane" not in pages[name], name
        assert "[redacted]" in pages[name], name
    assert "Zucchini days" not in client.get("/stories/?q=%22Brook+Lane%22").content.decode()

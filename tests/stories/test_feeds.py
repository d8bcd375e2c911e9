"""The Atom feed and the sitemap: public stories only, gone on the next request after withdrawal."""

from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from stories import services
from stories.models import Story
from tests.factories import make_storyteller
from tests.stories.test_api import PRIVATE_CONTACT, PRIVATE_FACTS, hidden_stories, publish

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def feed_entries(client) -> list[dict]:
    response = client.get(reverse("stories-feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "published": entry.findtext(f"{ATOM}published"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


def sitemap_urls(client) -> dict[str, str]:
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root}


def page_url(story: Story) -> str:
    return f"http://testserver{reverse('stories:public-story', args=[story.pk])}"


# ---- The feed -------------------------------------------------------------------------------


def test_feed_lists_public_stories_with_title_link_summary_date_and_credit(client, team):
    story = publish(team, title="The waiting list")
    [entry] = feed_entries(client)
    assert entry == {
        "title": "The waiting list",
        "link": page_url(story),
        "summary": "A story of being heard.",
        "published": story.published_at.isoformat(),
        "author": "River",
    }


def test_feed_leaves_out_every_story_that_is_not_public(client, team):
    shown = publish(team, title="Shown")
    hidden_stories(team)
    assert [entry["link"] for entry in feed_entries(client)] == [page_url(shown)]


def test_feed_holds_the_thirty_most_recently_published_stories(client, team):
    stories = [publish(team, title=f"Story {number}") for number in range(31)]
    entries = feed_entries(client)
    assert [entry["title"] for entry in entries] == [story.title for story in stories[:0:-1]]


def test_feed_credits_anonymous_storytellers_as_anonymous(client, team):
    storyteller = make_storyteller(team.project, team.interviewer, credit_preference="anonymous")
    publish(team, storyteller=storyteller)
    [entry] = feed_entries(client)
    assert entry["author"] == "Anonymous"


def test_feed_shows_a_summary_as_text_not_markup(client, team):
    story = publish(team)
    Story.objects.filter(pk=story.pk).update(summary="Rent <b>doubled</b> & nobody came")
    [entry] = feed_entries(client)
    # The Atom summary is HTML: markup typed into a summary arrives as visible text.
    assert entry["summary"] == "Rent &lt;b&gt;doubled&lt;/b&gt; &amp; nobody came"


def test_feed_and_sitemap_never_show_private_facts_or_transcripts(client, team):
    storyteller = make_storyteller(
        team.project, team.interviewer, demographics=PRIVATE_FACTS, contact=PRIVATE_CONTACT
    )
    publish(team, storyteller=storyteller, transcript="Kit: My address is 14 Brook Lane.")
    for name in ("stories-feed", "sitemap"):
        text = client.get(reverse(name)).content.decode()
        for secret in [
            storyteller.code,
            team.interviewer.username,
            *PRIVATE_CONTACT.values(),
            "black_caribbean",
            "non_binary",
            "Brook Lane",
        ]:
            assert secret not in text


@pytest.mark.parametrize("count", [2, 8])
def test_feed_query_count_is_constant(client, team, count, django_assert_max_num_queries):
    for number in range(count):
        publish(team, title=f"Story {number}")
    # 1 query: the 30 newest public stories joined to their storytellers for the credit.
    with django_assert_max_num_queries(1):
        assert len(feed_entries(client)) == count


# ---- The sitemap ----------------------------------------------------------------------------


def test_sitemap_lists_public_story_pages_with_their_last_change(client, team):
    shown = publish(team, title="Shown")
    hidden_stories(team)
    assert sitemap_urls(client) == {
        page_url(shown): timezone.localdate(shown.updated_at).isoformat()
    }


@pytest.mark.parametrize("count", [2, 8])
def test_sitemap_query_count_is_constant(client, team, count, django_assert_max_num_queries):
    for number in range(count):
        publish(team, title=f"Story {number}")
    # 1 count of public stories for the sitemap's pages; 1 for the page of stories.
    with django_assert_max_num_queries(2):
        assert len(sitemap_urls(client)) == count


# ---- Withdrawal -----------------------------------------------------------------------------


def test_withdrawal_removes_a_story_from_feed_and_sitemap_on_the_very_next_request(client, team):
    story = publish(team, title="Changed my mind")
    kept = publish(team, title="Still shared")
    assert len(feed_entries(client)) == 2
    assert len(sitemap_urls(client)) == 2
    services.withdraw_consent(story=story, reason="Changed my mind")
    assert [entry["title"] for entry in feed_entries(client)] == ["Still shared"]
    assert list(sitemap_urls(client)) == [page_url(kept)]


def test_feed_and_sitemap_tell_caches_not_to_keep_them(client, team):
    publish(team)
    for name in ("stories-feed", "sitemap"):
        response = client.get(reverse(name))
        assert "no-store" in response["Cache-Control"]

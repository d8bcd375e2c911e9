"""The transcript page paints each quote in its themes' colours from ids kept on the quote's row.

Every way a quote's themes change must write that copy again, or the page shows a quote under a
theme it left. Each test changes themes one way and reads the ids the page sends to its script.
"""

import json
import re

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from sensemaking import services
from sensemaking.models import Quote, QuoteTheme, Theme
from tests.factories import highlight_phrase

pytestmark = pytest.mark.django_db


def painted(client, workshop, story) -> dict[int, set[int]]:
    """Each quote's theme ids as the transcript page gives them to its script."""
    page = client.get(reverse("sensemaking:story", args=[workshop.pk, story.pk])).content.decode()
    data = json.loads(
        re.search(r'<script id="quotes-data" type="application/json">(.*?)</script>', page, re.S)[1]
    )
    return {pk: {int(i) for i in ids.split(",") if i} for pk, _s, _e, ids in data["quotes"]}


def linked(quote) -> set[int]:
    return set(QuoteTheme.objects.filter(content_object=quote).values_list("tag_id", flat=True))


@pytest.fixture
def themes(team):
    return services.themes_named(team.project, ["Voice", "Trust", "Home"])


@pytest.fixture
def quote(team, workshop, story, themes):
    voice, trust, _home = themes
    return highlight_phrase(workshop, story, "gave me a voice", [voice, trust], by=team.facilitator)


@pytest.fixture
def signed_in(client, team):
    client.force_login(team.facilitator)
    return client


def test_a_new_quote_is_painted_with_the_themes_it_was_saved_with(
    signed_in, workshop, story, quote, themes
):
    voice, trust, _home = themes
    assert (
        painted(signed_in, workshop, story)
        == {quote.pk: {voice.pk, trust.pk}}
        == {quote.pk: linked(quote)}
    )


def test_tagging_untagging_and_editing_themes_are_painted(
    signed_in, team, workshop, story, quote, themes
):
    voice, trust, home = themes
    services.tag_quote(quote=quote, themes=[home])
    assert painted(signed_in, workshop, story)[quote.pk] == {voice.pk, trust.pk, home.pk}
    services.untag_quote(quote=quote, theme=voice)
    assert painted(signed_in, workshop, story)[quote.pk] == {trust.pk, home.pk}
    quote.refresh_from_db()
    services.edit_quote(
        quote=quote, expected_version=quote.version, themes=[voice], user=team.facilitator
    )
    assert painted(signed_in, workshop, story)[quote.pk] == {voice.pk} == linked(quote)


@pytest.mark.parametrize("copy", [False, True])
def test_moving_and_copying_are_painted(signed_in, team, workshop, story, quote, themes, copy):
    voice, trust, home = themes
    services.move_quote(
        quote=quote, from_theme=voice, to_theme=home, copy=copy, by=team.facilitator
    )
    expected = {voice.pk, trust.pk, home.pk} if copy else {trust.pk, home.pk}
    assert painted(signed_in, workshop, story)[quote.pk] == expected == linked(quote)


def test_merging_and_splitting_themes_are_painted(signed_in, team, workshop, story, quote, themes):
    voice, trust, home = themes
    other = highlight_phrase(workshop, story, "Funding forms", [voice], by=team.facilitator)
    services.merge_themes(source=voice, target=home, by=team.facilitator)
    assert painted(signed_in, workshop, story) == {
        quote.pk: {trust.pk, home.pk},
        other.pk: {home.pk},
    }
    split = services.split_theme(
        theme=home, new_name="Being heard", quotes=[other], by=team.facilitator
    )
    assert painted(signed_in, workshop, story) == {
        quote.pk: {trust.pk, home.pk},
        other.pk: {split.pk},
    }


def test_a_theme_deleted_in_the_admin_leaves_no_quote_painted_with_it(
    signed_in, team, workshop, story, quote, themes, admin_user
):
    voice, trust, _home = themes
    request = RequestFactory().post("/")
    request.user = admin_user
    admin = site._registry[Theme]
    admin.delete_model(request, voice)
    assert painted(signed_in, workshop, story)[quote.pk] == {trust.pk}
    admin.delete_queryset(request, Theme.objects.filter(pk=trust.pk))
    assert painted(signed_in, workshop, story)[quote.pk] == set()
    assert Quote.objects.get(pk=quote.pk).theme_ids == ""

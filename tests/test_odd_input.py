"""Odd input never gives a server error: every query parameter of the API (from its OpenAPI
document) and of every page (those each page reads, found by watching it read them), and every
text field of every form, tried with NUL, broken UTF-8, control characters, very long text,
Unicode, absurd numbers and repeated values. NUL and control characters are refused with 400
and a message, in the API's JSON shape or on the 400 page."""

import json
from importlib import import_module
from types import SimpleNamespace

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from taggit.models import Tag

from sensemaking import services as sensemaking_services
from sensemaking.models import QuoteTheme, Theme
from stories import services
from stories.api import api
from stories.models import Story, Storyteller
from stories.text import UNREADABLE_MESSAGE, normalise_name
from tests import every_url
from tests.factories import ALL_SCOPES, highlight_phrase, make_story, make_storyteller
from tests.test_crawler import world  # noqa: F401 (the fixture, read by site)

pytestmark = pytest.mark.django_db

# Raw query-string values, percent-encoded as a browser or a script would send them.
REFUSED = ["%00", "a%00b", "%01", "x%1Fy"]  # NUL and control characters: 400
ODD = [
    "%ff",  # not UTF-8
    "%ED%A0%80",  # an encoded lone surrogate
    "x" * 5000,
    "a+" * 3000,  # three thousand words
    "Zo%C3%AB+%F0%9F%98%80+%E2%80%AE+%E2%80%8B",  # ë, an emoji, a direction override, ZWSP
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999",
    "1e308",
    "NaN",
    "",
    "%7F",
]
NUL_MESSAGE = "holds characters that are not text"


@pytest.fixture
def site(team, request):
    return every_url.site(team, request.getfixturevalue("world"))


def fetch(client, address: str):
    client.raise_request_exception = False
    return client.get(address)


def with_query(address: str, query: str) -> str:
    return f"{address}{'&' if '?' in address else '?'}{query}"


def assert_refused(response, where: str, *, api_answer: bool) -> None:
    assert response.status_code == 400, where
    if api_answer:
        assert NUL_MESSAGE in response.json()["detail"], where
    else:
        assert NUL_MESSAGE in response.content.decode(), where


def assert_answered(response, where: str) -> None:
    assert response.status_code < 500, f"{where} gave {response.status_code}"


# The API ---------------------------------------------------------------------------------------


def api_operations(site):
    """Yield (address, query parameters, required ones with a valid value) from OpenAPI."""
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert method == "get", "the public API only reads"
            parameters = operation.get("parameters", [])
            address = path.replace("{story_id}", str(site.public.pk))
            assert "{" not in address, f"Give a sample value for the path of {path}"
            query = [p for p in parameters if p["in"] == "query"]
            required = "&".join(f"{p['name']}=heard" for p in query if p.get("required"))
            yield address, [p["name"] for p in query], required


def test_the_nul_bytes_of_the_issue_are_refused_with_400_in_the_api_json_shape():
    client = Client()
    for address in [
        "/api/v1/search?q=%00",
        "/api/v1/stories?place=a%00",
        "/api/v1/stories?tag=a%00",
    ]:
        response = fetch(client, address)
        assert_refused(response, address, api_answer=True)
        assert response["Content-Type"] == "application/json; charset=utf-8"


def test_every_query_parameter_of_the_api_takes_odd_values_without_a_server_error(site):
    client = Client()
    tried = 0
    for address, names, required in api_operations(site):
        for name in names:
            for value in REFUSED + ODD:
                where = with_query(address, "&".join(filter(None, [required, f"{name}={value}"])))
                response = fetch(client, where)
                if value in REFUSED:
                    assert_refused(response, where, api_answer=True)
                else:
                    assert_answered(response, where)
                    assert response["Content-Type"].startswith("application/json"), where
                tried += 1
            # The same parameter given twice, and as an array.
            for query in [f"{name}=1&{name}=2", f"{name}[]=1"]:
                assert_answered(fetch(client, with_query(address, f"{required}&{query}")), name)
    assert tried > 150  # every parameter of list, search, tags and one story


def test_an_api_path_takes_odd_values_without_a_server_error():
    for value in ["%00", "-1", "0", "99999999999999999999", "1e308", "x" * 5000, "%ff"]:
        response = fetch(Client(), f"/api/v1/stories/{value}")
        assert response.status_code in (400, 404, 422), value
        assert "detail" in response.json(), value


# The pages -------------------------------------------------------------------------------------


READ: set[str] = set()


class WatchedQuery(QueryDict):
    """A query dict that notes in READ every name a view reads from it."""

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):
        READ.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


class WatchQueryMiddleware:
    """Let the test see which query parameters a page reads (installed by the test only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = WatchedQuery(request.META.get("QUERY_STRING", ""))
        return self.get_response(request)


def parameters_read(client, address: str) -> set[str]:
    """Return the query parameters a page reads, given one so that its forms are bound."""
    READ.clear()
    fetch(client, with_query(address, "probe=1"))
    return READ - {"probe"}


def visitors(team, site):
    anonymous = Client()
    curator = Client()
    curator.force_login(team.curator)
    storyteller = Client()
    storyteller.get(f"/my/{site.storyteller_token}/")
    return {"anonymous": anonymous, "curator": curator, "storyteller": storyteller}


def page_addresses(site) -> list[str]:
    # The API is fuzzed from its schema above; the admin is Django's own.
    return [
        address
        for pattern, address in site.addresses
        if not pattern.route.startswith(("admin/", "api/")) and "leave" not in address
    ]


def test_every_query_parameter_a_page_reads_takes_odd_values_without_a_server_error(
    team, site, settings
):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_odd_input.WatchQueryMiddleware"]
    people = visitors(team, site)
    fuzzed = set()
    for who, client in people.items():
        for address in page_addresses(site):
            for name in parameters_read(client, address):
                fuzzed.add(name)
                for value in REFUSED + ODD:
                    where = with_query(address, f"{name}={value}")
                    response = fetch(client, where)
                    if value in REFUSED:
                        assert_refused(response, f"{who} {where}", api_answer=False)
                    else:
                        assert_answered(response, f"{who} {where}")
                for query in [f"{name}=1&{name}=2", f"{name}[]=1"]:
                    assert_answered(fetch(client, with_query(address, query)), f"{who} {address}")
    # The archive's search and filters, the story page's start time, the board's filters, the
    # new story's storyteller, the PDF's progress and the workshop's updates were all reached.
    assert {"q", "tag", "place", "year", "language", "audio", "page", "t"} <= fuzzed
    assert {"story", "theme", "gender", "storyteller", "format", "after", "download"} <= fuzzed


def test_a_nul_in_a_page_address_gives_the_400_page_with_a_message():
    response = fetch(Client(), "/stories/?q=%00")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Something was wrong with that request" in page
    assert "“q” holds characters that are not text" in page


# The forms -------------------------------------------------------------------------------------

TEXT_INPUTS = {"text", "search", "email", "url", "tel", None}
# Ours, and Django's own for the sign-in and password forms.
NOT_TEXT = [UNREADABLE_MESSAGE, "Null characters are not allowed."]


def post_forms(client, address: str):
    """Yield (action, fields, text field names) for each POST form on a page."""
    response = fetch(client, address)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return
    document = lxml.html.fromstring(response.content)
    for form in document.forms:
        if (form.method or "").lower() != "post":
            continue
        fields = dict(form.form_values())
        texts = [
            element.name
            for element in form.inputs
            if element.name
            and (
                element.tag == "textarea"
                or (element.tag == "input" and element.get("type") in TEXT_INPUTS)
            )
        ]
        yield form.action or address, fields, texts


def test_every_text_field_of_every_form_refuses_what_is_not_text_with_a_message(team, site):
    people = visitors(team, site)
    tried = set()
    for who, client in people.items():
        for address in page_addresses(site):
            for action, fields, texts in post_forms(client, address):
                for name in texts:
                    for value in ["Dee\x00", "Dee\x01"]:
                        client.raise_request_exception = False
                        response = client.post(action, {**fields, name: value}, follow=True)
                        where = f"{who} {action} {name}={value!r}"
                        assert response.status_code < 500, where
                        if "\x00" in value:
                            shown = response.content.decode()
                            assert any(message in shown for message in NOT_TEXT), where
                    tried.add((action, name))
    assert len(tried) > 20


def test_a_highlight_sent_as_json_with_a_lone_surrogate_is_refused(client, team, site):
    client.force_login(team.facilitator)
    workshop, story = site.workshop, site.public
    for payload in [{"note": "\ud800"}, {"themes": ["Zo\udcff"]}, {"note": "a\x00"}]:
        body = json.dumps({"char_start": 0, "char_end": 5, **payload})
        response = client.post(
            f"/workshops/{workshop.pk}/stories/{story.pk}/quotes/",
            body,
            content_type="application/json",
        )
        assert response.status_code == 400, payload
        assert UNREADABLE_MESSAGE in response.json()["error"], payload


# Names typed two ways ----------------------------------------------------------------------

COMPOSED = "Zoë’s trust"  # ë as one character
TYPED_OTHERWISE = "  Zoe\u0308\u200b’s \u00a0 trust "  # e + combining diaeresis, a ZWSP, spaces


@pytest.fixture
def workshop(team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    (theme,) = sensemaking_services.themes_named(team.project, [COMPOSED])
    return SimpleNamespace(workshop=workshop, story=story, theme=theme, pk=workshop.pk)


def test_the_name_normaliser_makes_one_name_of_the_ways_it_can_be_typed():
    assert TYPED_OTHERWISE != COMPOSED
    assert normalise_name(TYPED_OTHERWISE) == COMPOSED
    assert normalise_name("Zo\u00eb") == normalise_name("Zoe\u0308") == "Zo\u00eb"


def test_a_theme_typed_otherwise_in_a_highlight_is_the_same_theme(client, team, workshop):
    client.force_login(team.facilitator)
    url = reverse("sensemaking:story", args=[workshop.pk, workshop.story.pk])
    client.post(url, {"words": "being heard", "paragraph": 2, "themes": TYPED_OTHERWISE})
    start = workshop.story.transcripts.get(is_current=True).text.index("not just")
    response = client.post(
        reverse("sensemaking:quote-create", args=[workshop.pk, workshop.story.pk]),
        json.dumps({"char_start": start, "char_end": start + 8, "themes": [TYPED_OTHERWISE]}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert list(Theme.objects.filter(project=team.project).values_list("name", flat=True)) == [
        COMPOSED
    ]
    assert QuoteTheme.objects.filter(tag=workshop.theme).count() == 2


def test_renaming_a_theme_to_another_typed_otherwise_is_refused(client, team, workshop):
    (other,) = sensemaking_services.themes_named(team.project, ["Power"])
    client.force_login(team.facilitator)
    url = reverse("sensemaking:theme-edit", args=[workshop.pk, other.pk])
    data = {"name": TYPED_OTHERWISE, "colour": "#1d4f7a", "version": other.version}
    page = client.post(url, data).content.decode()
    assert f"There is already a theme called “{COMPOSED}”" in page
    assert Theme.objects.get(pk=other.pk).name == "Power"


def test_splitting_off_a_theme_named_like_another_typed_otherwise_is_refused(
    client, team, workshop
):
    (other,) = sensemaking_services.themes_named(team.project, ["Power"])
    quote = highlight_phrase(workshop.workshop, workshop.story, "being heard", [other])
    client.force_login(team.facilitator)
    url = reverse("sensemaking:theme-split", args=[workshop.pk, other.pk])
    page = client.post(url, {"new_name": TYPED_OTHERWISE, "quotes": [quote.pk]}, follow=True)
    assert f"There is already a theme called “{COMPOSED}”" in page.content.decode()
    assert Theme.objects.filter(project=team.project).count() == 2


def test_a_codebook_code_typed_otherwise_reuses_the_theme(client, team, workshop):
    codebook = (
        '<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        f'<Code guid="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4" name="{TYPED_OTHERWISE}" '
        'isCodable="true"/></Codes></CodeBook>'
    ).encode()
    client.force_login(team.facilitator)
    response = client.post(
        reverse("sensemaking:codebook", args=[team.project.slug]),
        {"file": SimpleUploadedFile("codes.qdc", codebook)},
        follow=True,
    )
    assert "1 theme was already in the project" in response.content.decode()
    assert Theme.objects.filter(project=team.project).count() == 1


def test_a_theme_typed_otherwise_in_the_admin_is_refused(client, team, workshop):
    team.curator.is_staff = team.curator.is_superuser = True
    team.curator.save()
    client.force_login(team.curator)
    response = client.post(
        "/admin/sensemaking/theme/add/",
        {
            "name": TYPED_OTHERWISE,
            "slug": "zoes-trust-2",
            "project": team.project.pk,
            "colour": "#1d4f7a",
            "position": 2,
            "description": "",
        },
    )
    assert response.status_code == 200
    assert "theme_unique_name_per_project” is violated" in response.content.decode()
    assert Theme.objects.filter(project=team.project).count() == 1


def test_a_storyteller_code_typed_otherwise_in_the_admin_is_refused(client, team):
    existing = make_storyteller(team.project, team.interviewer)
    other = make_storyteller(team.project, team.interviewer)
    team.curator.is_staff = team.curator.is_superuser = True
    team.curator.save()
    client.force_login(team.curator)
    response = client.post(
        f"/admin/stories/storyteller/{other.pk}/change/",
        {
            "project": team.project.pk,
            "code": f" {existing.code[:3]}\u200b{existing.code[3:]}\u2060",
            "credit_preference": "pseudonym",
            "credit_name": "River",
            "sectors": "[]",
            "coproduction_roles": "[]",
            "lived_experiences": "[]",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    other.refresh_from_db()
    assert other.code != existing.code


def test_a_topic_typed_otherwise_on_a_story_is_the_same_topic(client, team):
    storyteller = make_storyteller(team.project, team.interviewer)
    client.force_login(team.interviewer)
    response = client.post(
        reverse("stories:story-create", args=[team.project.slug]),
        {
            "storyteller": storyteller.pk,
            "title": "Heard",
            "language": "en",
            "tags": f'"{COMPOSED}", "{TYPED_OTHERWISE}"',
        },
    )
    assert response.status_code == 302
    story = services.create_story(
        storyteller=storyteller, by=team.interviewer, title="Again", tags=[TYPED_OTHERWISE]
    )
    assert list(Tag.objects.values_list("name", flat=True)) == [COMPOSED]
    assert list(story.tags.names()) == [COMPOSED]
    assert Story.objects.filter(tags__name=COMPOSED).count() == 2
    # The archive finds the topic by its name typed either way.
    archive_names = Story.objects.filter(tags__name=normalise_name(TYPED_OTHERWISE))
    assert archive_names.count() == 2


def test_names_stored_before_are_normalised_unless_that_would_make_a_duplicate(team):
    from django.apps import apps

    themes = import_module("sensemaking.migrations.0006_normalise_theme_names")
    codes = import_module("stories.migrations.0015_normalise_codes_and_topics")
    typed = Theme.objects.create(project=team.project, name="Zoe\u0308 ", slug="a", position=1)
    clashing = Theme.objects.create(project=team.project, name="Trust\u200b", slug="b", position=2)
    kept = Theme.objects.create(project=team.project, name="trust", slug="c", position=3)
    topic = Tag.objects.create(name="Zoe\u0308", slug="zoe")
    storyteller = make_storyteller(team.project, team.interviewer)
    Storyteller.objects.filter(pk=storyteller.pk).update(code=f"{storyteller.code}\u200b")
    themes.normalise_theme_names(apps, None)
    codes.normalise_codes_and_topics(apps, None)
    names = {theme.pk: theme.name for theme in Theme.objects.all()}
    assert names == {typed.pk: "Zoë", clashing.pk: "Trust\u200b", kept.pk: "trust"}
    assert Tag.objects.get(pk=topic.pk).name == "Zoë"
    assert Storyteller.objects.get(pk=storyteller.pk).code == storyteller.code

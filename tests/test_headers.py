"""Every response says how it may be cached: personal ones are never stored, public ones are
checked with the site each time. Tried over every URL pattern, as each kind of visitor."""

import pytest
from django.test import Client

from tests import every_url
from tests.test_crawler import world  # noqa: F401 (the fixture, read by site)

pytestmark = pytest.mark.django_db

PERSONAL = "private, no-store"
SHARED = "public, no-cache"


@pytest.fixture
def site(team, request):
    return every_url.site(team, request.getfixturevalue("world"))


def get(client, address):
    client.raise_request_exception = False
    return client.get(address)


def test_every_response_to_a_signed_in_person_is_never_stored(client, team, site):
    client.force_login(team.curator)
    for _pattern, address in site.addresses:
        response = get(client, address)
        assert response["Cache-Control"] == PERSONAL, address


def test_the_site_admin_pages_are_never_stored(client, team, site):
    team.curator.is_staff = team.curator.is_superuser = True
    team.curator.save()
    client.force_login(team.curator)
    admin = [address for pattern, address in site.addresses if pattern.route.startswith("admin/")]
    assert len(admin) > 50
    for address in admin:
        assert get(client, address)["Cache-Control"] == PERSONAL, address


@pytest.mark.parametrize("entry", ["/my/{storyteller_token}/", "/workshops/join/{token}/"])
def test_every_response_to_a_storyteller_or_workshop_guest_is_never_stored(client, site, entry):
    assert client.get(entry.format(**site.world)).status_code == 302
    for _pattern, address in site.addresses:
        assert get(client, address)["Cache-Control"] == PERSONAL, address


def test_a_visitor_without_a_session_is_told_how_each_response_may_be_cached(site):
    for _pattern, address in site.addresses:
        response = get(Client(), address)  # a new visitor each time: no cookies
        rule = response.get("Cache-Control", "")
        assert rule, f"{address} does not say how it may be cached"
        if response.cookies:
            assert rule == PERSONAL, address
        if "public" in rule:
            assert rule == SHARED and not response.cookies, address


def test_the_pages_of_the_team_say_no_store_and_public_pages_say_public(client, team, site):
    team_pages = [
        "/dashboard/",
        f"/gather/{site.public.pk}/",
        f"/workshops/{site.workshop.pk}/board/",
        f"/reports/{site.report.slug}/edit/",
    ]
    client.force_login(team.curator)
    for address in team_pages:
        response = client.get(address)
        assert response.status_code == 200, address
        assert response["Cache-Control"] == PERSONAL, address
    public_pages = [
        "/",
        "/stories/",
        f"/stories/{site.public.pk}/",
        "/reports/",
        "/api/v1/stories",
        f"/api/v1/stories/{site.public.pk}",
    ]
    for address in public_pages:
        response = Client().get(address)
        assert response.status_code == 200, address
        assert response["Cache-Control"] == SHARED, address
        assert not response.cookies, address


def test_a_public_page_with_a_form_or_a_message_is_private(client, team, site):
    # The sign-in form and the report's "Make the PDF" button hold a CSRF token, set in a
    # cookie for this visitor alone.
    for address in ["/accounts/login/", f"/reports/{site.report.slug}/"]:
        response = Client().get(address)
        assert response.status_code == 200
        assert response.cookies and response["Cache-Control"] == PERSONAL, address
    # After signing out, the visitor still has a session: what they see may come from it.
    client.force_login(team.curator)
    client.post("/accounts/logout/")
    assert client.get(f"/stories/{site.public.pk}/")["Cache-Control"] == PERSONAL


def test_an_answer_to_a_post_is_never_stored():
    response = Client().post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    assert response["Cache-Control"] == PERSONAL

"""The second factor: the code step after the password, recovery codes, turning it off, and the
setting that requires it."""

import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from sensemaking import services as sensemaking_services
from stories import services
from tests.accounts.authenticator import AuthenticatorApp
from tests.accounts.conftest import give_code, sign_in
from tests.factories import PASSWORD, make_story, make_user

pytestmark = pytest.mark.django_db


def location(response) -> str:
    return response["Location"]


def test_after_the_password_an_account_with_a_second_factor_is_asked_for_a_code(
    client, team, with_second_factor
):
    app, _codes = with_second_factor(team.curator)
    response = sign_in(client, team.curator.username)
    assert location(response).startswith(reverse("two_factor_verify"))
    page = client.get(location(response))
    assert "Enter your code" in page.content.decode()

    # Until the code is given, every page leads back to the code step: the team's pages, the
    # admin, and the second-factor settings themselves.
    story = make_story(team.project, team.interviewer)
    for url in (
        reverse("stories:dashboard"),
        reverse("stories:story-detail", args=[story.pk]),
        reverse("sensemaking:workshop-list"),
        reverse("password_change"),
        reverse("two_factor"),
        reverse("two_factor_off"),
        "/admin/",
        "/admin/auth/user/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert location(response).startswith(reverse("two_factor_verify")), url
    assert client.post(reverse("two_factor_start")).status_code == 302
    assert not TOTPDevice.objects.filter(user=team.curator, confirmed=False).exists()

    wrong = give_code(client, app.wrong_code())
    assert "That code is not right" in wrong.content.decode()
    assert client.get(reverse("stories:dashboard")).status_code == 302
    # After a wrong code the app's codes are refused for a second (django-otp's throttle).
    assert "Wait 1 second," in give_code(client, app.code()).content.decode()
    time.sleep(1.1)

    right = give_code(client, app.code())
    assert location(right) == reverse("stories:dashboard")
    assert client.get(reverse("stories:dashboard")).status_code == 200


def test_the_code_step_returns_to_the_page_first_asked_for(client, team, with_second_factor):
    app, _codes = with_second_factor(team.curator)
    wanted = reverse("stories:review-queue")
    response = client.post(
        f"{reverse('login')}?next={wanted}",
        {"username": team.curator.username, "password": PASSWORD, "next": wanted},
    )
    verify_url = location(response)
    response = client.post(verify_url, {"code": app.code(), "next": wanted})
    assert location(response) == wanted


def test_the_code_step_never_sends_to_another_site(client, team, with_second_factor):
    app, _codes = with_second_factor(team.curator)
    sign_in(client, team.curator.username)
    response = client.post(
        reverse("two_factor_verify"), {"code": app.code(), "next": "https://evil.example/"}
    )
    assert location(response) == reverse("stories:dashboard")


def test_a_recovery_code_signs_in_once(client, team, with_second_factor):
    _app, codes = with_second_factor(team.curator)
    sign_in(client, team.curator.username)
    response = give_code(client, codes[0].upper())
    assert location(response) == reverse("stories:dashboard")
    page = client.get(location(response)).content.decode()
    assert "You used a recovery code; it will not work again. You have 9 left" in page
    client.logout()

    sign_in(client, team.curator.username)
    response = give_code(client, codes[0])
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(reverse("stories:dashboard")).status_code == 302
    time.sleep(1.1)  # django-otp's wait after a wrong code.
    assert location(give_code(client, codes[1])) == reverse("stories:dashboard")


def test_using_recovery_codes_does_not_slow_down_the_app_codes(client, team, with_second_factor):
    app, codes = with_second_factor(team.curator)
    for code in codes[:4]:
        sign_in(client, team.curator.username)
        assert location(give_code(client, code)) == reverse("stories:dashboard")
        client.logout()
    sign_in(client, team.curator.username)
    assert location(give_code(client, app.code())) == reverse("stories:dashboard")


def test_setting_up_needs_a_code_from_the_new_key(client, team):
    client.force_login(team.curator)
    # Opening the pages changes nothing; starting the setup is a button.
    assert client.get(reverse("two_factor")).status_code == 200
    assert location(client.get(reverse("two_factor_setup"))) == reverse("two_factor")
    assert not TOTPDevice.objects.exists()

    assert location(client.post(reverse("two_factor_start"))) == reverse("two_factor_setup")
    page = client.get(reverse("two_factor_setup")).content.decode()
    device = TOTPDevice.objects.get(user=team.curator)
    key = two_factor.key_text(device)
    assert key in page
    assert "otpauth://totp/corpro%3A" in page
    assert 'src="data:image/svg+xml' in page
    app = AuthenticatorApp.from_text(key)

    response = client.post(reverse("two_factor_setup"), {"code": app.wrong_code()})
    assert "That code does not match" in response.content.decode()
    assert not two_factor.is_on(team.curator)
    time.sleep(1.1)  # django-otp's wait after a wrong code.

    response = client.post(reverse("two_factor_setup"), {"code": app.code()})
    page = response.content.decode()
    assert "The second factor is on" in page
    assert "no-store" in response["Cache-Control"]
    codes = list(StaticToken.objects.filter(device__user=team.curator))
    assert len(codes) == 10
    assert all(code.token in page for code in codes)
    assert two_factor.is_on(team.curator)
    # This session gave the code, so it carries on.
    assert client.get(reverse("stories:dashboard")).status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client, team, with_second_factor):
    app, old_codes = with_second_factor(team.curator)
    sign_in(client, team.curator.username)
    give_code(client, app.code())
    response = client.post(reverse("two_factor_recovery_codes"))
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Your new recovery codes" in page
    new_codes = list(StaticToken.objects.values_list("token", flat=True))
    assert not set(new_codes) & set(old_codes)
    assert all(code in page for code in new_codes)


def test_turning_off_needs_the_password_and_a_code(client, team, with_second_factor):
    app, codes = with_second_factor(team.curator)
    sign_in(client, team.curator.username)
    give_code(client, app.code())
    url = reverse("two_factor_off")
    assert client.get(url).status_code == 200

    no_password = client.post(url, {"password": "wrong-password-1", "code": codes[0]})
    assert "That password is not right" in no_password.content.decode()
    no_code = client.post(url, {"password": PASSWORD, "code": app.wrong_code()})
    assert "That code is not right" in no_code.content.decode()
    empty = client.post(url, {}).content.decode()
    assert "Enter your password" in empty
    assert "Enter the code from your authenticator app" in empty
    assert two_factor.is_on(team.curator)
    assert StaticToken.objects.filter(token=codes[0]).exists()

    done = client.post(url, {"password": PASSWORD, "code": codes[0]})
    assert location(done) == reverse("two_factor")
    assert not two_factor.is_on(team.curator)
    client.logout()
    assert location(sign_in(client, team.curator.username)) == reverse("stories:dashboard")


def test_a_user_without_a_second_factor_signs_in_with_the_password_alone(client, team):
    assert location(sign_in(client, team.interviewer.username)) == reverse("stories:dashboard")
    assert client.get(reverse("stories:dashboard")).status_code == 200


def test_the_admin_asks_for_the_code_of_an_account_that_has_one(client, with_second_factor):
    admin = make_user(is_staff=True, is_superuser=True)
    app, _codes = with_second_factor(admin)
    client.force_login(admin)  # The password alone, as any other route to a session would be.
    response = client.get("/admin/")
    assert location(response).startswith(reverse("two_factor_verify"))
    give_code(client, app.code())
    assert client.get("/admin/").status_code == 200


def test_the_admin_site_refuses_an_unverified_session_itself(rf, with_second_factor):
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore

    user = make_user(is_staff=True, is_superuser=True)
    with_second_factor(user)
    request = rf.get("/admin/")
    request.user, request.session = user, SessionStore()
    two_factor.decide(request, user)  # As signing in with the password does.
    user.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    user.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_a_second_factor_removed_by_an_admin_no_longer_holds_the_session(
    client, team, with_second_factor
):
    with_second_factor(team.curator)
    sign_in(client, team.curator.username)
    two_factor.TOTPDevice.objects.filter(user=team.curator).delete()
    two_factor.StaticDevice.objects.filter(user=team.curator).delete()
    response = client.get(reverse("two_factor_verify"))
    assert location(response) == reverse("stories:dashboard")
    assert client.get(reverse("stories:dashboard")).status_code == 200


def test_the_admin_sign_in_is_the_sites_own(client):
    response = client.get("/admin/login/?next=/admin/stories/story/")
    assert location(response) == f"{reverse('login')}?next=/admin/stories/story/"


class TestRequired:
    @pytest.fixture(autouse=True)
    def required(self, settings):
        settings.REQUIRE_TWO_FACTOR = True

    def test_a_curator_without_one_is_sent_to_set_it_up_before_anything_else(self, client, team):
        response = sign_in(client, team.curator.username)
        assert location(client.get(location(response))) == reverse("two_factor")
        page = client.get(reverse("two_factor")).content.decode()
        assert "This site asks for a second factor for your role" in page
        for url in (reverse("stories:review-queue"), reverse("password_change"), "/admin/"):
            assert location(client.get(url)) == reverse("two_factor"), url

        client.post(reverse("two_factor_start"))
        key = two_factor.key_text(TOTPDevice.objects.get(user=team.curator))
        client.post(reverse("two_factor_setup"), {"code": AuthenticatorApp.from_text(key).code()})
        assert client.get(reverse("stories:review-queue")).status_code == 200

    def test_site_admins_and_staff_need_one_too(self, client):
        for user in (make_user(is_superuser=True, is_staff=True), make_user(is_staff=True)):
            client.force_login(user)
            assert location(client.get(reverse("stories:dashboard"))) == reverse("two_factor")

    def test_interviewers_and_facilitators_do_not(self, client, team):
        for user in (team.interviewer, team.facilitator):
            client.force_login(user)
            assert client.get(reverse("stories:dashboard")).status_code == 200

    def test_a_curator_cannot_turn_it_off(self, client, team, with_second_factor):
        app, codes = with_second_factor(team.curator)
        sign_in(client, team.curator.username)
        give_code(client, app.code())
        response = client.post(reverse("two_factor_off"), {"password": PASSWORD, "code": codes[0]})
        assert response.status_code == 403
        assert "cannot be turned off" in response.content.decode()
        assert two_factor.is_on(team.curator)
        assert StaticToken.objects.filter(token=codes[0]).exists()


def test_a_private_link_opened_while_a_code_is_owed_never_carries_its_token_onwards(
    client, team, with_second_factor
):
    """A curator who owes a code opens a storyteller's link and a guest link on that computer."""
    with_second_factor(team.curator)
    sign_in(client, team.curator.username)
    story = make_story(team.project, team.interviewer)
    _link, token = services.create_storyteller_link(storyteller=story.storyteller, by=team.curator)
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="W", by=team.facilitator
    )
    _guest, guest_token = sensemaking_services.invite_guest(
        workshop=workshop, display_name="Guest", by=team.facilitator
    )
    for url, secret in (
        (reverse("storyteller:enter", args=[token]), token),
        (reverse("sensemaking:join", args=[guest_token]), guest_token),
    ):
        response = client.get(url)
        while response.status_code == 302:
            assert secret not in location(response)
            response = client.get(location(response))
        assert secret not in response.content.decode()
    # The account's own pages still wait for the code.
    response = client.get(reverse("stories:dashboard"))
    assert location(response).startswith(reverse("two_factor_verify"))

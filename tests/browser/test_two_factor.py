"""The second factor in Chromium: set up with the key shown, sign in with a code or a recovery
code, turn it off; required for curators; and the lockout page."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.accounts.authenticator import AuthenticatorApp
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()


def enter_code(page, code):
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Continue").click()


def set_up(page, assert_accessible) -> tuple[AuthenticatorApp, list[str]]:
    """Set up the app from the key the page shows; return the app and the recovery codes."""
    page.get_by_role("button", name="Set up a second factor").click()
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code holding the key")).to_be_visible()
    assert_accessible(page)
    app = AuthenticatorApp.from_text(page.locator("#totp-key").inner_text())
    page.get_by_label("Code from your app").fill(app.code())
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("heading", name="The second factor is on")).to_be_visible()
    assert_accessible(page)
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved my codes").click()
    return app, codes


def test_a_curator_turns_on_the_second_factor_signs_in_with_it_and_turns_it_off(
    new_page, live_server, team, sign_in, assert_accessible
):
    page = new_page()
    sign_in(page, team.curator, PASSWORD)
    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="Set up or change your second factor").click()
    expect(page.get_by_text("Off. Signing in asks only for your password.")).to_be_visible()
    assert_accessible(page)
    app, codes = set_up(page, assert_accessible)
    expect(page.get_by_text("You have 10 unused recovery codes.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Password, then the code; a wrong code is refused with a message.
    sign_in(page, team.curator, PASSWORD)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_accessible(page)
    enter_code(page, app.wrong_code())
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    assert_accessible(page)
    page.wait_for_timeout(1100)  # django-otp's wait after a wrong code.
    enter_code(page, app.code())
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    sign_out(page)

    # A recovery code works once.
    sign_in(page, team.curator, PASSWORD)
    enter_code(page, codes[0])
    expect(page.get_by_text("You used a recovery code; it will not work again.")).to_be_visible()
    sign_out(page)
    sign_in(page, team.curator, PASSWORD)
    enter_code(page, codes[0])
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    page.wait_for_timeout(1100)
    enter_code(page, codes[1])
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()

    # Turning it off takes the password and a code.
    page.goto(f"{live_server.url}/accounts/two-factor/")
    page.get_by_role("link", name="Turn off the second factor").click()
    assert_accessible(page)
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_label("Code").fill(codes[2])
    page.get_by_role("button", name="Turn off the second factor").click()
    expect(page.get_by_role("alert")).to_contain_text("Your password: that password is not right")
    assert_accessible(page)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Code").fill(codes[2])
    page.get_by_role("button", name="Turn off the second factor").click()
    expect(page.get_by_text("The second factor is off.")).to_be_visible()
    sign_out(page)
    sign_in(page, team.curator, PASSWORD)
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()


def test_where_it_is_required_a_curator_sets_it_up_before_anything_else(
    new_page, live_server, team, sign_in, assert_accessible, settings
):
    settings.REQUIRE_TWO_FACTOR = True
    page = new_page()
    sign_in(page, team.curator, PASSWORD)
    expect(
        page.get_by_text("This site asks for a second factor for your role.").first
    ).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/review/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/$"))
    set_up(page, assert_accessible)
    page.goto(f"{live_server.url}/review/")
    expect(page.get_by_role("heading", name="Stories waiting for review")).to_be_visible()


def test_the_lockout_page_says_how_long_and_what_to_do(
    new_page, live_server, team, sign_in, assert_accessible
):
    page = new_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, team.curator, "not-the-password")
    expect(page.get_by_role("heading", name="Signing in is paused for 15 minutes")).to_be_visible()
    expect(page.get_by_role("link", name="reset it")).to_be_visible()
    assert_accessible(page)
    sign_in(page, team.curator, PASSWORD)
    expect(page.get_by_role("heading", name="Signing in is paused for 15 minutes")).to_be_visible()

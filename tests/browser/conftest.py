"""Drive Debian's Chromium through Playwright against the live test server, and check with axe."""

import os
import shutil
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop; the ORM calls in these tests happen outside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is needed for the browser tests; `make test` installs it.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A small phone: 360 px wide."""
    return {**browser_context_args, "viewport": {"width": 360, "height": 740}}


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Poll a page expression until it is true; page.evaluate is not blocked by our CSP,
    whereas wait_for_function's polling evaluates strings in a way the CSP forbids."""
    deadline = time.monotonic() + timeout
    while not _evaluate_quietly(page, expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for: {expression}")
        page.wait_for_timeout(50)


def _evaluate_quietly(page, expression: str):
    try:
        return page.evaluate(expression)
    except PlaywrightError:  # The page is navigating; try again once it has loaded.
        return False


@pytest.fixture
def assert_accessible():
    """Fail with axe's report if the page has serious or critical violations."""
    axe = Axe()

    def check(page):
        results = axe.run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
        assert not serious, "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in serious
        )

    return check


@pytest.fixture
def sign_in(live_server):
    def sign_in_as(page, user, password):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    return sign_in_as


@pytest.fixture
def new_page(browser, browser_context_args):
    """Open a page in a browser context of its own: another person, with their own cookies."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(**{**browser_context_args, **options})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()

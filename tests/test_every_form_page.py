"""Every form the site shows, posted with its visible fields empty, as the curator, a visitor
and a storyteller on their link would: no page answers with Django's bare default messages."""

import re

import lxml.html
import pytest

from tests import every_url
from tests.test_crawler import world  # noqa: F401 (the fixture, read by site)
from tests.test_every_form import DEFAULTS
from tests.test_odd_input import page_addresses, post_forms, visitors

pytestmark = pytest.mark.django_db

# Posting these would end the visit or undo the world the later pages are read in.
HIDDEN = {"form_key", "based_on", "version", "next", "form-TOTAL_FORMS", "form-INITIAL_FORMS"}
LEAVES = re.compile(r"logout|leave|erase|withdraw|revoke|stop|turn-off")


@pytest.fixture
def site(team, request):
    return every_url.site(team, request.getfixturevalue("world"))


def shown_errors(content: bytes) -> list[str]:
    document = lxml.html.fromstring(content)
    found = document.xpath(
        "//*[contains(@class,'error-message')] | //*[contains(@class,'error-summary')]//li"
    )
    return [" ".join(element.text_content().replace("Error:", "").split()) for element in found]


def test_every_form_posted_empty_answers_in_plain_words(team, site):
    tried, answered = set(), 0
    for who, client in visitors(team, site).items():
        for address in page_addresses(site):
            for action, fields, _texts in post_forms(client, address):
                if LEAVES.search(action) or (action, who) in tried:
                    continue
                tried.add((action, who))
                kept = {
                    name: value
                    for name, value in fields.items()
                    if name.startswith(("csrf", "form-", "based_on", "version", "idempotency"))
                }
                response = client.post(action, kept, follow=True)
                assert response.status_code < 500, f"{who} {action}"
                if "html" not in response.get("Content-Type", ""):
                    continue
                messages = shown_errors(response.content)
                answered += bool(messages)
                for message in messages:
                    assert not any(pattern.match(message) for pattern in DEFAULTS), (
                        f"{who} {action}: “{message}”"
                    )
                    assert "This field is required" not in message, f"{who} {action}"
    # Forms on the pages of the site, and how many of them answered with a message.
    assert len(tried) > 15
    assert answered > 10

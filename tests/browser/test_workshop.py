"""Sense-making in a real browser: highlight with the mouse or the keyboard, see others' quotes."""

import json

import pytest
from playwright.sync_api import expect

from sensemaking import services
from sensemaking.models import Quote, Theme
from stories import services as story_services
from tests.browser.conftest import wait_until
from tests.factories import ALL_SCOPES, PASSWORD, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Dee: Co-production gave me a voice. We planted beans and built trust, row by row.\n\n"
    "Dee: Funding forms were the hardest part. By summer the council were asking us for advice."
    "\n\nDee: I lived at 14 Brook Lane when the project started."
)
SCRIPT_READY = "document.querySelectorAll('.workshop-transcript .sentence').length === 5"

# Return the viewport boxes of the first character of `first` and the last one of `last`,
# after scrolling them into view; each phrase lies inside one part of the transcript.
CHARACTER_BOXES = """([first, last]) => {
  const find = (phrase) => {
    for (const part of document.querySelectorAll('.workshop-transcript .part')) {
      const at = part.textContent.indexOf(phrase);
      if (at !== -1) { return [part.firstChild, at]; }
    }
    throw new Error('Not in the transcript: ' + phrase);
  };
  const box = (node, at) => {
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    const rect = range.getBoundingClientRect();
    return {left: rect.left, right: rect.right, middle: (rect.top + rect.bottom) / 2};
  };
  const [startNode, startAt] = find(first);
  const [endNode, endAt] = find(last);
  startNode.parentElement.scrollIntoView({block: 'center'});
  return [box(startNode, startAt), box(endNode, endAt + last.length - 1)];
}"""


@pytest.fixture
def story(team):
    story = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="submitted",
        transcript=TEXT,
        title="Growing together",
    )
    transcript = story.transcripts.get(is_current=True)
    start = transcript.text.index("14 Brook Lane")
    story_services.redact_transcript(
        transcript=transcript,
        char_start=start,
        char_end=start + len("14 Brook Lane"),
        reason="An address",
        by=team.curator,
    )
    return story


@pytest.fixture
def workshop(team, story):
    workshop = services.create_workshop(
        project=team.project, title="Spring workshop", by=team.facilitator, stories=[story]
    )
    services.themes_named(team.project, ["Trust"])
    return workshop


def story_url(live_server, workshop, story) -> str:
    return f"{live_server.url}/workshops/{workshop.pk}/stories/{story.pk}/"


def join_as_guest(page, live_server, workshop, team, name="Sam"):
    _guest, token = services.invite_guest(workshop=workshop, display_name=name, by=team.facilitator)
    page.goto(f"{live_server.url}/workshops/join/{token}/")
    expect(page.get_by_text(f"Welcome, {name}.")).to_be_visible()


def sign_in_as(sign_in, page, user):
    sign_in(page, user, PASSWORD)
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()


def open_story(page, live_server, workshop, story):
    page.goto(story_url(live_server, workshop, story))
    wait_until(page, SCRIPT_READY)


def drag_select(page, first, last=None):
    """Select from the first character of `first` to the last of `last` with a mouse drag."""
    start, end = page.evaluate(CHARACTER_BOXES, [first, last or first])
    page.mouse.move(start["left"] + 1, start["middle"])
    page.mouse.down()
    page.mouse.move(end["right"] - 1, end["middle"], steps=8)
    page.mouse.up()


def tab_to(page, expression: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches the expression."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(expression):
            return
    raise AssertionError(f"Tab never reached: {expression}")


def transcript_text(story) -> str:
    return story.transcripts.get(is_current=True).text


def datalist_values(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('#theme-names option')].map(o => o.value)")


def test_a_guest_with_a_mouse_and_a_facilitator_with_a_keyboard_build_the_board(
    new_page, live_server, sign_in, team, workshop, story
):
    guest = new_page()
    join_as_guest(guest, live_server, workshop, team)
    open_story(guest, live_server, workshop, story)
    guest.evaluate("window.notReloaded = true")

    drag_select(guest, "gave me a voice")
    expect(guest.get_by_label("Themes")).to_be_focused()
    expect(guest.locator("[data-selected-words] q")).to_have_text("gave me a voice")
    expect(guest.get_by_label("Words to quote")).to_be_hidden()
    guest.keyboard.type("Growing food, tr")
    assert "Growing food, Trust" in datalist_values(guest)
    guest.keyboard.type("ust")
    guest.get_by_role("button", name="Save quote").click()
    expect(guest.get_by_role("status").filter(has_text="Quote saved.")).to_be_visible()
    expect(guest.locator("[data-quote-list]")).to_contain_text("gave me a voice")
    expect(guest.locator("[data-quote-count]")).to_have_text("(1)")
    expect(guest.get_by_label("Themes")).to_have_value("")
    assert "Growing food" in datalist_values(guest)
    quote = Quote.objects.get()
    assert transcript_text(story)[quote.char_start : quote.char_end] == "gave me a voice"
    assert sorted(quote.themes.names()) == ["Growing food", "Trust"]
    assert quote.created_by_guest.display_name == "Sam"
    assert Theme.objects.filter(project=team.project).count() == 2

    facilitator = new_page()
    sign_in_as(sign_in, facilitator, team.facilitator)
    open_story(facilitator, live_server, workshop, story)
    tab_to(facilitator, "document.activeElement.classList.contains('sentence')")
    expect(facilitator.locator(".sentence:focus")).to_have_text("Co-production gave me a voice.")
    facilitator.keyboard.press("ArrowDown")
    facilitator.keyboard.press("ArrowDown")
    facilitator.keyboard.press("ArrowUp")
    facilitator.keyboard.press("ArrowRight")
    expect(facilitator.locator(".sentence:focus")).to_have_text(
        "Funding forms were the hardest part."
    )
    facilitator.keyboard.press("Shift+ArrowDown")
    expect(facilitator.locator("[data-selection-status]")).to_contain_text("2 sentences selected")
    expect(facilitator.locator(".sentence.is-selected")).to_have_count(2)
    facilitator.keyboard.press("Enter")
    expect(facilitator.get_by_label("Themes")).to_be_focused()
    facilitator.keyboard.type("Money worries, Growing food")
    tab_to(facilitator, "document.activeElement.textContent === 'Save quote'")
    facilitator.keyboard.press("Enter")
    expect(facilitator.get_by_role("status").filter(has_text="Quote saved.")).to_be_visible()
    spoken = "Funding forms were the hardest part. By summer the council were asking us for advice."
    keyboard_quote = Quote.objects.get(created_by=team.facilitator)
    assert keyboard_quote.text == spoken
    assert transcript_text(story)[keyboard_quote.char_start : keyboard_quote.char_end] == spoken
    assert sorted(keyboard_quote.themes.names()) == ["Growing food", "Money worries"]

    # The guest's page gets the facilitator's quote by polling, without reloading.
    expect(guest.locator("[data-quote-list]")).to_contain_text("By summer", timeout=12_000)
    expect(guest.locator("[data-quote-count]")).to_have_text("(2)")
    wait_until(
        guest,
        "[...CSS.highlights.get('workshop-quotes')].some("
        "range => range.toString().startsWith('By summer'))",
    )
    assert guest.evaluate("window.notReloaded === true")
    wait_until(guest, "[...document.querySelectorAll('#theme-names option')].length === 3")

    facilitator.goto(f"{live_server.url}/workshops/{workshop.pk}/board/")
    username = team.facilitator.get_username()
    cards = {
        name: facilitator.locator(".theme-card").filter(
            has=facilitator.get_by_role("heading", name=name, exact=True)
        )
        for name in ("Growing food", "Trust", "Money worries")
    }
    expect(cards["Growing food"].locator(".quote-list > li")).to_have_count(2)
    expect(cards["Growing food"]).to_contain_text("gave me a voice")
    expect(cards["Growing food"]).to_contain_text("highlighted by Sam")
    expect(cards["Growing food"]).to_contain_text(f"highlighted by {username}")
    expect(cards["Trust"].locator(".quote-list > li")).to_have_count(1)
    expect(cards["Trust"]).to_contain_text("highlighted by Sam")
    expect(cards["Money worries"].locator(".quote-list > li")).to_have_count(1)
    expect(cards["Money worries"]).to_contain_text(spoken)
    expect(cards["Money worries"]).to_contain_text(f"highlighted by {username}")
    cards["Trust"].get_by_role("button", name="Mark as key quote").click()
    expect(cards["Trust"].locator(".key-quote")).to_contain_text("Key quote")
    expect(cards["Trust"].get_by_role("button", name="Remove from key quotes")).to_be_focused()


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("gave", "voice", "gave me a voice"),
        ("ave me", "voi", "gave me a voice"),  # Part words grow to whole words.
        ("beans", "hardest", None),  # Across paragraphs.
        ("We planted", "beans", "We planted beans"),  # From a sentence's first letter.
        ("Co-production", "voice", "Co-production gave me a voice"),  # A paragraph's first.
    ],
)
def test_saved_offsets_are_the_words_selected(
    new_page, live_server, team, workshop, story, first, last, expected
):
    page = new_page()
    join_as_guest(page, live_server, workshop, team)
    open_story(page, live_server, workshop, story)
    text = transcript_text(story)
    if expected is None:
        expected = text[text.index(first) : text.index(last) + len(last)]
    drag_select(page, first, last)
    expect(page.get_by_label("Themes")).to_be_focused()
    start = int(page.locator("#id_char_start").input_value())
    end = int(page.locator("#id_char_end").input_value())
    assert text[start:end] == expected
    page.get_by_role("button", name="Save quote").click()
    expect(page.locator("[data-quote-count]")).to_have_text("(1)")
    quote = Quote.objects.get()
    assert (quote.char_start, quote.char_end) == (start, end)
    assert text[quote.char_start : quote.char_end] == quote.text == expected


def test_redacted_words_are_taken_whole_and_cannot_be_quoted(
    new_page, live_server, team, workshop, story
):
    page = new_page()
    join_as_guest(page, live_server, workshop, team)
    open_story(page, live_server, workshop, story)
    drag_select(page, "lived", "[redacted]")
    expect(page.locator("[data-selected-words] q")).to_have_text("lived at [redacted]")
    expect(page.get_by_role("alert")).to_contain_text("include redacted words")  # At once.
    page.get_by_role("button", name="Save quote").click()
    expect(page.get_by_role("alert")).to_contain_text("includes redacted words")
    assert not Quote.objects.exists()
    page.locator(".sentence").last.focus()  # The keyboard takes the whole sentence.
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("choose Clear the selection and type")
    page.get_by_role("button", name="Clear the selection").click()
    expect(page.get_by_label("Words to quote")).to_be_visible()

    page.locator(".sentence").first.focus()
    page.keyboard.press("Escape")
    expect(page.locator("[data-selected-words]")).to_be_hidden()
    expect(page.get_by_label("Words to quote")).to_be_visible()
    page.keyboard.press("End")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(page.locator("[data-selected-words] q")).to_have_text(
        "By summer the council were asking us for advice."
    )


def test_the_server_refuses_a_quote_over_redacted_words(
    new_page, live_server, team, workshop, story
):
    page = new_page()
    join_as_guest(page, live_server, workshop, team)
    open_story(page, live_server, workshop, story)
    text = transcript_text(story)
    response = page.request.post(
        f"{story_url(live_server, workshop, story)}quotes/",
        data=json.dumps(
            {
                "char_start": text.index("lived"),
                "char_end": text.index("when the"),
                "themes": [],
                "note": "",
            }
        ),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": page.locator("[name=csrfmiddlewaretoken]").first.input_value(),
        },
    )
    assert response.status == 400
    assert "redacted" in response.json()["error"]
    assert not Quote.objects.exists()


def test_a_quote_refused_after_consent_is_withdrawn_is_explained(
    new_page, live_server, team, workshop, story
):
    page = new_page()
    join_as_guest(page, live_server, workshop, team)
    open_story(page, live_server, workshop, story)
    drag_select(page, "gave me a voice")
    story_services.withdraw_consent(story=story, reason="Changed my mind")
    page.get_by_role("button", name="Save quote").click()
    expect(page.get_by_role("alert")).to_contain_text("can’t be used any more")
    assert not Quote.objects.exists()


def test_the_page_works_without_javascript(new_page, live_server, team, workshop, story):
    page = new_page(java_script_enabled=False)
    join_as_guest(page, live_server, workshop, team)
    page.goto(story_url(live_server, workshop, story))
    expect(page.get_by_text("copy them into the form")).to_be_visible()
    page.get_by_label("Words to quote").fill("built trust, row by row")
    page.get_by_label("From paragraph number").fill("1")
    page.get_by_label("Themes").fill("Trust, Gardening")
    page.get_by_role("button", name="Save quote").click()
    expect(page.get_by_text("Quote saved.")).to_be_visible()
    quote = Quote.objects.get()
    assert transcript_text(story)[quote.char_start : quote.char_end] == "built trust, row by row"
    assert sorted(quote.themes.names()) == ["Gardening", "Trust"]


def test_a_second_editor_of_a_theme_is_shown_the_newer_name(
    new_page, live_server, sign_in, team, workshop
):
    theme = Theme.objects.get(project=team.project, name="Trust")
    url = f"{live_server.url}/workshops/{workshop.pk}/themes/{theme.pk}/"
    first, second = new_page(), new_page()
    sign_in_as(sign_in, first, team.facilitator)
    sign_in_as(sign_in, second, team.facilitator2)
    for page in (first, second):
        page.goto(url)
    first.get_by_label("Name", exact=True).fill("Trust in services")
    second.get_by_label("Name", exact=True).fill("Trusting people")
    first.get_by_role("button", name="Save theme").click()
    expect(first.get_by_text("Theme saved.")).to_be_visible()
    second.get_by_role("button", name="Save theme").click()
    expect(second.get_by_role("alert")).to_contain_text("Someone else changed this theme")
    expect(second.get_by_label("Name", exact=True)).to_have_value("Trust in services")
    theme.refresh_from_db()
    assert theme.name == "Trust in services"


def test_workshop_pages_pass_axe_on_a_phone_and_a_desktop(
    new_page, live_server, sign_in, team, workshop, story, assert_accessible
):
    services.themes_named(team.project, ["Wellbeing" * 11])  # One long word must wrap.
    services.highlight(
        workshop=workshop,
        story=story,
        char_start=0,
        char_end=len("Co-production"),
        themes=list(Theme.objects.filter(project=team.project)),
        note="Several people said this.",
        user=team.facilitator2,
    )
    theme = Theme.objects.get(project=team.project, name="Trust")
    page = new_page()
    sign_in_as(sign_in, page, team.facilitator)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        for path in (
            f"/workshops/{workshop.pk}/",
            f"/workshops/{workshop.pk}/stories/{story.pk}/",
            f"/workshops/{workshop.pk}/board/",
            f"/workshops/{workshop.pk}/themes/{theme.pk}/",
        ):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            assert_accessible(page)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            if "/stories/" in path or path.endswith("/board/"):
                expect(page.get_by_text("Note: Several people said this.").first).to_be_visible()
        open_story(page, live_server, workshop, story)
        drag_select(page, "planted beans")
        expect(page.locator("[data-selected-words]")).to_be_visible()
        assert_accessible(page)
        stacked = page.evaluate(
            "document.querySelector('.workshop-read').getBoundingClientRect().top >"
            " document.querySelector('.workshop-listen').getBoundingClientRect().bottom"
        )
        assert stacked == (width == 360)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/board/?theme={theme.pk}")
    card = page.locator(f"#theme-{theme.pk}")
    card.get_by_role("checkbox").first.check()
    card.get_by_role("button", name="Add finding").click()  # With no words written.
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_role("checkbox", name="Co-production")).to_be_checked()
    assert_accessible(page)


def test_the_story_page_reflows_with_text_at_200_percent(
    new_page, live_server, team, workshop, story
):
    page = new_page()
    browser_settings = page.context.new_cdp_session(page)
    browser_settings.send("Page.enable")
    browser_settings.send("Page.setFontSizes", {"fontSizes": {"standard": 32}})  # 2 × 16 px.
    join_as_guest(page, live_server, workshop, team)
    open_story(page, live_server, workshop, story)
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    drag_select(page, "beans", "hardest")
    expect(page.locator("[data-selected-words]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


WIDE = (
    "Dee: We cheered 🎉🎉 at the café. Then Zoë said “thank you” 🌱 and we planted beans.\n\n"
    "Dee: The 🏡 garden still grows 𝄞 today. Ask Siobhán about it."
)
PAINTED = "[...CSS.highlights.get('workshop-quotes')].map(range => range.toString())"


def test_offsets_count_characters_beyond_the_basic_plane_as_the_server_does(
    new_page, live_server, team
):
    """Emoji are two UTF-16 units in the browser and one character on the server."""
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted", transcript=WIDE
    )
    workshop = services.create_workshop(
        project=team.project, title="Wide characters", by=team.facilitator, stories=[story]
    )
    text = transcript_text(story)
    earlier = text.index("garden still")
    services.highlight(
        workshop=workshop,
        story=story,
        char_start=earlier,
        char_end=earlier + len("garden still grows 𝄞 today"),
        user=team.facilitator,
    )
    page = new_page()
    join_as_guest(page, live_server, workshop, team)
    page.goto(story_url(live_server, workshop, story))
    wait_until(page, "document.querySelectorAll('.workshop-transcript .sentence').length === 4")
    assert page.evaluate(PAINTED) == ["garden still grows 𝄞 today"]
    drag_select(page, "Zoë", "beans")
    page.get_by_role("button", name="Save quote").click()
    expect(page.locator("[data-quote-count]")).to_have_text("(2)")
    quote = Quote.objects.latest("pk")
    assert quote.text == "Zoë said “thank you” 🌱 and we planted beans"
    assert text[quote.char_start : quote.char_end] == quote.text
    assert sorted(page.evaluate(PAINTED)) == sorted(["garden still grows 𝄞 today", quote.text])
    page.locator(".workshop-transcript .sentence").last.focus()
    page.keyboard.press("Enter")
    page.keyboard.type("Places")
    page.keyboard.press("Enter")
    expect(page.locator("[data-quote-count]")).to_have_text("(3)")
    assert Quote.objects.latest("pk").text == "Ask Siobhán about it."


def test_a_workshop_link_is_shown_once_with_a_button_that_copies_it(
    new_page, live_server, sign_in, team, workshop, assert_accessible
):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    sign_in_as(sign_in, page, team.facilitator)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/")
    expect(page.get_by_text("Nobody yet")).to_be_visible()
    page.get_by_label("Name to show").fill("Sam")
    page.get_by_role("button", name="Make a workshop link").click()
    panel = page.locator(".panel[data-autofocus]")
    expect(panel).to_be_focused()
    link = page.locator("#new-link").inner_text().strip()
    assert link.startswith(f"{live_server.url}/workshops/join/")
    page.get_by_role("button", name="Copy the link").click()
    expect(panel).to_contain_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    expect(page.get_by_text("Sam (by link)")).to_be_visible()
    expect(page.get_by_text("Nobody yet")).to_have_count(0)
    assert_accessible(page)
    page.reload()
    expect(page.locator("#new-link")).to_have_count(0)
    plain = new_page(java_script_enabled=False)  # No script, no copying: no button that fails.
    sign_in_as(sign_in, plain, team.facilitator)
    plain.goto(f"{live_server.url}/workshops/{workshop.pk}/")
    plain.get_by_label("Name to show").fill("Kim")
    plain.get_by_role("button", name="Make a workshop link").click()
    expect(plain.locator("#new-link")).to_be_visible()
    expect(plain.get_by_role("button", name="Copy the link")).to_be_hidden()


def test_a_click_on_a_sentence_makes_it_the_keyboards_place(
    new_page, live_server, team, workshop, story
):
    page = new_page()
    join_as_guest(page, live_server, workshop, team)
    open_story(page, live_server, workshop, story)
    second = page.locator(".workshop-transcript .sentence").nth(1)
    second.click()
    expect(second).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator(".workshop-transcript .sentence").nth(2)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("[data-selected-words] q")).to_have_text(
        "Funding forms were the hardest part."
    )


def test_a_facilitator_makes_and_stops_a_guest_link_on_a_phone(
    team, story, live_server, new_page, sign_in, assert_accessible
):
    workshop = services.create_workshop(
        project=team.project, title="Spring workshop", by=team.facilitator, stories=[story]
    )
    page = new_page(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    sign_in(page, team.facilitator, PASSWORD)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/")
    page.get_by_label("Name to show").fill("Dee")
    page.get_by_role("button", name="Make a workshop link").click()
    link = page.locator("#new-link").inner_text().strip()
    guest = new_page()
    guest.goto(link)
    expect(guest.get_by_role("heading", level=1)).to_have_text("Spring workshop")

    page.get_by_role("button", name="Stop the link for Dee").click()
    expect(page.get_by_text("The link for Dee no longer works.")).to_be_visible()
    expect(page.get_by_text("Dee (by link, no longer works)")).to_be_visible()
    assert_accessible(page)
    guest.reload()
    expect(guest.get_by_role("heading", level=1)).not_to_have_text("Spring workshop")

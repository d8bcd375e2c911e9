"""The highlighter's panel beside the words, coloured highlights, and changing quotes with Undo:
on a 360 px phone by touch, on a laptop with the mouse, and with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from sensemaking import services
from sensemaking.models import Quote, Theme
from stories.models import AuditEvent
from tests.browser.conftest import wait_until
from tests.browser.test_workshop import (
    TEXT,
    drag_select,
    join_as_guest,
    open_story,
    sign_in_as,
    story_url,
    tab_to,
)
from tests.factories import ALL_SCOPES, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}
PANEL = "[data-highlight-form-panel]"
DIALOG_BOX = "document.querySelector('.quote-details').getBoundingClientRect()"

# Select words as a phone's selection handles do: no mouse button, only selection changes.
# Waits for timers already queued first (a click's mouseup handler reads the selection in one),
# so that a selection made here is not taken for the mouse's.
TOUCH_SELECT = """async (phrase) => {
  await new Promise((done) => setTimeout(done, 0));
  for (const part of document.querySelectorAll('.workshop-transcript .part')) {
    const at = part.textContent.indexOf(phrase);
    if (at !== -1) {
      part.scrollIntoView({block: 'center'});
      document.getSelection().setBaseAndExtent(
        part.firstChild, at, part.firstChild, at + phrase.length);
      return;
    }
  }
  throw new Error('Not in the transcript: ' + phrase);
}"""
# The middle of a phrase's first character, in the viewport.
POINT_AT = """(phrase) => {
  for (const part of document.querySelectorAll('.workshop-transcript .part')) {
    const at = part.textContent.indexOf(phrase);
    if (at !== -1) {
      const range = document.createRange();
      range.setStart(part.firstChild, at);
      range.setEnd(part.firstChild, at + 1);
      const box = range.getBoundingClientRect();
      return {x: box.left + box.width / 2, y: box.top + box.height / 2, bottom: box.bottom};
    }
  }
  throw new Error('Not in the transcript: ' + phrase);
}"""


@pytest.fixture
def story(team):
    return make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="submitted",
        transcript=TEXT,
        title="Growing together",
    )


@pytest.fixture
def workshop(team, story):
    workshop = services.create_workshop(
        project=team.project, title="Spring workshop", by=team.facilitator, stories=[story]
    )
    services.themes_named(team.project, ["Trust", "Money"])
    return workshop


def quote_phrase(workshop, story, phrase, theme_names, by):
    text = story.transcripts.get(is_current=True).text
    start = text.index(phrase)
    return services.highlight(
        workshop=workshop,
        story=story,
        char_start=start,
        char_end=start + len(phrase),
        theme_names=theme_names,
        user=by,
    )


def painted(page, theme: Theme) -> list[str]:
    return page.evaluate(
        f"[...(CSS.highlights.get('quote-theme-{theme.pk}') || [])].map(r => r.toString())"
    )


def test_with_a_mouse_the_panel_opens_beside_the_words_and_the_page_stays_put(
    new_page, live_server, sign_in, team, workshop, story, assert_accessible
):
    page = new_page(viewport=LAPTOP)
    sign_in_as(sign_in, page, team.facilitator)
    open_story(page, live_server, workshop, story)
    height = page.evaluate("document.documentElement.scrollHeight")
    drag_select(page, "Funding forms", "hardest part")
    panel = page.locator(PANEL)
    expect(panel).to_have_class("panel is-floating")
    # The page keeps its height (so nothing scrolls back) and its place.
    assert page.evaluate("document.documentElement.scrollHeight") == height
    scrolled = page.evaluate("window.scrollY")
    expect(page.get_by_label("Themes")).to_be_focused()
    words = page.evaluate(POINT_AT, "Funding forms")
    box = panel.bounding_box()
    assert words["bottom"] <= box["y"] <= words["bottom"] + 40  # Just below the words.
    assert box["y"] + box["height"] <= LAPTOP["height"]  # Wholly in view.
    assert page.evaluate("window.scrollY") == scrolled
    assert_accessible(page)

    page.keyboard.type("Money")
    page.get_by_role("button", name="Save quote").click()
    expect(page.get_by_role("status").filter(has_text="Quote saved.")).to_be_visible()
    expect(panel).to_have_class("panel")
    assert page.evaluate("window.scrollY") == scrolled
    expect(page.locator(".sentence:focus")).to_have_text("Funding forms were the hardest part.")
    money = Theme.objects.get(project=team.project, name="Money")
    assert painted(page, money) == ["Funding forms were the hardest part"]
    assert page.evaluate("document.adoptedStyleSheets[0].cssRules[1].cssText").startswith(
        f"::highlight(quote-theme-{money.pk})"
    )

    # Anyone can open a highlight with a click; its maker changes it, removes it, and undoes.
    point = page.evaluate(POINT_AT, "hardest")
    page.mouse.click(point["x"], point["y"])
    dialog = page.get_by_role("dialog", name="Quote")
    expect(dialog).to_contain_text("Themes: Money")
    expect(dialog).to_contain_text(f"Highlighted by {team.facilitator.get_username()}")
    assert_accessible(page)
    dialog.get_by_role("button", name="Change", exact=True).click()
    editing = page.get_by_role("dialog", name="Change the quote")
    editing.get_by_label("Themes").fill("Trust")
    editing.get_by_label("Note").fill("Said by everyone")
    editing.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").filter(has_text="Quote changed.")).to_be_visible()
    quote = Quote.objects.get()
    assert (list(quote.themes.names()), quote.note) == (["Trust"], "Said by everyone")
    trust = Theme.objects.get(project=team.project, name="Trust")
    assert painted(page, trust) == ["Funding forms were the hardest part"]
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("status").filter(has_text="Quote changed.")).to_be_visible()
    wait_until(page, f"[...(CSS.highlights.get('quote-theme-{money.pk}') || [])].length === 1")
    quote.refresh_from_db()
    assert (list(quote.themes.names()), quote.note) == (["Money"], "")

    page.mouse.click(point["x"], point["y"])
    page.get_by_role("dialog", name="Quote").get_by_role("button", name="Remove").click()
    expect(page.get_by_role("status").filter(has_text="Quote removed.")).to_be_visible()
    expect(page.locator("[data-quote-count]")).to_have_text("(0)")
    assert not Quote.objects.exists()
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("[data-quote-count]")).to_have_text("(1)")
    assert Quote.objects.count() == 1
    actions = list(AuditEvent.objects.filter(story=story).values_list("action", flat=True))
    assert sorted(a for a in actions if a.startswith("quote_")) == [
        "quote_edited",
        "quote_edited",
        "quote_removed",
        "quote_restored",
    ]
    assert page.evaluate("window.scrollY") == scrolled


def test_on_a_phone_by_touch_the_panel_sits_near_the_thumb(
    new_page, live_server, team, workshop, story, assert_accessible
):
    page = new_page(**PHONE)
    join_as_guest(page, live_server, workshop, team)
    open_story(page, live_server, workshop, story)
    expect(page.get_by_text("touch and hold a word, drag the handles")).to_be_visible()
    expect(page.get_by_text("move through its sentences")).to_be_hidden()  # In a disclosure.
    page.get_by_text("Quoting with the keyboard").click()
    expect(page.get_by_text("move through its sentences")).to_be_visible()

    page.evaluate(TOUCH_SELECT, "By summer the council")
    panel = page.locator(PANEL)
    expect(panel).to_have_class("panel is-floating")
    expect(page.get_by_label("Themes")).not_to_be_focused()  # No keyboard popping up unasked.
    box = panel.bounding_box()
    assert abs(box["y"] + box["height"] - 740) <= 1  # At the bottom of the screen.
    assert page.evaluate(POINT_AT, "By summer")["bottom"] <= box["y"]  # The words stay in view.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    page.get_by_label("Themes").tap()
    page.keyboard.type("Trust")
    page.get_by_role("button", name="Save quote").tap()
    expect(page.get_by_role("status").filter(has_text="Quote saved.")).to_be_visible()
    quote = Quote.objects.get()
    assert quote.text == "By summer the council"
    assert quote.created_by_guest.display_name == "Sam"

    point = page.evaluate(POINT_AT, "council")
    page.touchscreen.tap(point["x"], point["y"])
    dialog = page.get_by_role("dialog", name="Quote")
    expect(dialog).to_contain_text("Highlighted by Sam")
    assert page.evaluate(f"{DIALOG_BOX}.bottom") == pytest.approx(740, abs=1)
    assert_accessible(page)
    dialog.get_by_role("button", name="Remove").tap()
    expect(page.get_by_role("status").filter(has_text="Quote removed.")).to_be_visible()
    assert not Quote.objects.exists()
    page.get_by_role("button", name="Undo").tap()
    expect(page.locator("[data-quote-count]")).to_have_text("(1)")
    assert Quote.objects.count() == 1


def test_with_the_keyboard_alone_quotes_are_made_listed_opened_and_changed(
    new_page, live_server, sign_in, team, workshop, story, assert_accessible
):
    page = new_page(viewport=LAPTOP)
    sign_in_as(sign_in, page, team.facilitator)
    open_story(page, live_server, workshop, story)
    tab_to(page, "document.activeElement.classList.contains('sentence')")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Themes")).to_be_focused()
    expect(page.locator(PANEL)).to_have_class("panel is-floating")
    page.keyboard.type("Trust")
    page.keyboard.press("Enter")  # Saves from the themes box.
    expect(page.get_by_role("status").filter(has_text="Quote saved.")).to_be_visible()
    sentence = page.locator(".sentence:focus")
    expect(sentence).to_have_text("We planted beans and built trust, row by row.")
    expect(sentence).to_have_attribute("aria-description", "Quoted under Trust")
    expect(page.get_by_role("group", name="Paragraph 1, Dee")).to_be_visible()

    page.keyboard.press("Tab")
    paragraph = page.get_by_role("button", name="1 quote in this paragraph")
    expect(paragraph).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Quote")
    expect(dialog).to_contain_text("We planted beans and built trust, row by row.")
    expect(dialog.get_by_role("heading", name="Quote")).to_be_focused()
    page.keyboard.press("Escape")
    expect(paragraph).to_be_focused()

    # A second, overlapping quote: the paragraph's button lists both.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.keyboard.type("Money")
    page.keyboard.press("Enter")
    expect(page.locator("[data-quote-count]")).to_have_text("(2)")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="2 quotes in this paragraph")).to_be_focused()
    page.keyboard.press("Enter")
    listing = page.get_by_role("dialog", name="2 quotes in paragraph 1")
    expect(listing.get_by_role("listitem")).to_have_count(2)
    assert_accessible(page)
    listing.get_by_role("button", name="Open “Co-production gave me a voice.”").press("Enter")
    dialog = page.get_by_role("dialog", name="Quote")
    expect(dialog).to_contain_text("Themes: Money")
    dialog.get_by_role("button", name="Change", exact=True).press("Enter")
    expect(page.get_by_label("Themes").first).to_be_focused()
    page.keyboard.press("Control+a")
    page.keyboard.type("Money, Trust")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Quote changed.")).to_be_visible()
    first = Quote.objects.get(text="Co-production gave me a voice.")
    assert sorted(first.themes.names()) == ["Money", "Trust"]
    expect(page.locator(".sentence:focus")).to_have_attribute(
        "aria-description", "Quoted under Trust, Money"
    )


def test_the_words_of_a_quote_can_be_changed_by_selecting_new_ones(
    new_page, live_server, sign_in, team, workshop, story
):
    quote = quote_phrase(workshop, story, "built trust", ["Trust"], team.facilitator)
    page = new_page(viewport=LAPTOP)
    sign_in_as(sign_in, page, team.facilitator)
    open_story(page, live_server, workshop, story)
    point = page.evaluate(POINT_AT, "built")
    page.mouse.click(point["x"], point["y"])
    page.get_by_role("dialog", name="Quote").get_by_role("button", name="Change the words").click()
    expect(page.get_by_role("status").filter(has_text="Select the new words")).to_be_visible()
    drag_select(page, "We planted", "row by row")
    expect(page.locator("[data-selected-words]")).to_contain_text("New words for the quote")
    page.get_by_role("button", name="Save the new words").click()
    expect(page.get_by_role("status").filter(has_text="Quote changed.")).to_be_visible()
    quote.refresh_from_db()
    assert quote.text == "We planted beans and built trust, row by row"
    assert list(quote.themes.names()) == ["Trust"]
    expect(page.get_by_role("button", name="Save quote")).to_be_visible()


def test_others_see_changes_and_removals_without_reloading_and_cannot_change_them(
    new_page, live_server, sign_in, team, workshop, story
):
    quote = quote_phrase(workshop, story, "built trust", ["Trust"], team.facilitator)
    guest = new_page(viewport=LAPTOP)
    join_as_guest(guest, live_server, workshop, team)
    open_story(guest, live_server, workshop, story)
    point = guest.evaluate(POINT_AT, "built")
    guest.mouse.click(point["x"], point["y"])
    dialog = guest.get_by_role("dialog", name="Quote")
    expect(dialog).to_contain_text("Themes: Trust")
    expect(dialog.get_by_role("button", name="Remove")).to_have_count(0)
    guest.keyboard.press("Escape")
    guest.evaluate("window.notReloaded = true")

    services.edit_quote(
        quote=quote, expected_version=1, theme_names=["Money"], user=team.facilitator
    )
    money = Theme.objects.get(project=team.project, name="Money")
    wait_until(guest, f"(CSS.highlights.get('quote-theme-{money.pk}') || []).size === 1", 12)
    services.remove_quote(quote=quote, user=team.facilitator)
    wait_until(guest, "CSS.highlights.get('workshop-quotes').size === 0", 12)
    expect(guest.locator("[data-quote-count]")).to_have_text("(0)")
    assert guest.evaluate("window.notReloaded === true")


def test_without_javascript_a_quote_is_opened_changed_removed_and_restored(
    new_page, live_server, sign_in, team, workshop, story, assert_accessible
):
    quote_phrase(workshop, story, "built trust", ["Trust"], team.facilitator)
    page = new_page(java_script_enabled=False)
    sign_in_as(sign_in, page, team.facilitator)
    page.goto(story_url(live_server, workshop, story))
    page.get_by_role("link", name="Open this quote").click()
    expect(page.get_by_role("heading", name="Quote", exact=True)).to_be_visible()
    quote_page = page.url
    page.get_by_label("Themes").fill("Trust, Money")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Quote changed.")).to_be_visible()
    assert page.url.endswith("#segment-0")
    page.get_by_role("link", name="Open this quote").click()
    page.get_by_role("button", name="Remove the quote").click()
    expect(page.get_by_text("Quote removed.")).to_be_visible()
    page.get_by_role("button", name="Undo: bring the quote back").click()
    expect(page.get_by_text("Quote restored.")).to_be_visible()
    assert sorted(Quote.objects.get().themes.names()) == ["Money", "Trust"]
    checked = new_page()  # axe needs scripts; the page is the same with them.
    sign_in_as(sign_in, checked, team.facilitator)
    checked.goto(quote_page)
    assert_accessible(checked)
    assert checked.evaluate("document.documentElement.scrollWidth") <= 360

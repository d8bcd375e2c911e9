"""The theme board in a real browser: cards side by side or stacked, and quotes moved or copied
to another theme by mouse (drag and drop), keyboard, touch and without JavaScript."""

import pytest
from playwright.sync_api import expect

from sensemaking import services
from sensemaking.models import QuoteTheme
from tests.factories import ALL_SCOPES, PASSWORD, highlight_phrase, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Dee: Co-production gave me a voice. We planted beans and built trust, row by row.\n\n"
    "Dee: Funding forms were the hardest part. By summer the council were asking us for advice."
)
MOVED = "gave me a voice"


@pytest.fixture
def board(team):
    story = make_story(
        team.project,
        team.interviewer,
        scopes=ALL_SCOPES,
        status="submitted",
        transcript=TEXT,
        title="Growing together",
    )
    workshop = services.create_workshop(
        project=team.project, title="Spring workshop", by=team.facilitator, stories=[story]
    )
    voice, trust, _money = services.themes_named(team.project, ["Voice", "Trust", "Money"])
    quote = highlight_phrase(workshop, story, MOVED, [voice], by=team.facilitator2)
    highlight_phrase(workshop, story, "built trust", [trust], by=team.facilitator2)
    return workshop, quote, voice, trust


def themes_of(quote) -> list[str]:
    return sorted(
        QuoteTheme.objects.filter(content_object=quote).values_list("tag__name", flat=True)
    )


def card(page, name):
    return page.locator(".theme-card").filter(
        has=page.get_by_role("heading", name=name, exact=True)
    )


def open_board(page, sign_in, live_server, team, workshop):
    sign_in(page, team.facilitator, PASSWORD)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/board/")


def test_a_mouse_drags_a_quote_onto_another_theme_on_a_laptop(
    new_page, live_server, sign_in, team, board, assert_accessible
):
    workshop, quote, voice, trust = board
    page = new_page(viewport={"width": 1280, "height": 900})
    open_board(page, sign_in, live_server, team, workshop)
    voice_box = card(page, "Voice").bounding_box()
    trust_box = card(page, "Trust").bounding_box()
    assert voice_box["y"] == trust_box["y"] and voice_box["x"] < trust_box["x"]  # Side by side.
    expect(page.get_by_text("Drag a quote onto another theme")).to_be_visible()
    expect(page.get_by_role("link", name="1 theme with no quotes yet")).to_be_visible()
    assert_accessible(page)
    page.evaluate("window.notReloaded = true")
    page.drag_and_drop(
        f"#theme-{voice.pk}-quote-{quote.pk}",
        f"#theme-{trust.pk}",
        target_position={"x": 40, "y": 20},
    )
    expect(page.get_by_role("status").filter(has_text="Quote moved to “Trust”.")).to_be_visible()
    expect(card(page, "Trust").locator(".quote-list > li")).to_have_count(2)
    expect(card(page, "Trust")).to_contain_text(MOVED)
    expect(card(page, "Trust").locator(".meta").first).to_have_text("2 quotes from 1 storyteller")
    # Voice has no quotes now: it is folded away with the other empty theme.
    expect(page.get_by_role("link", name="2 themes with no quotes yet")).to_be_visible()
    moved = page.locator(f"#theme-{trust.pk}-quote-{quote.pk}")
    expect(moved.get_by_role("button", name="Move or copy")).to_be_focused()
    assert page.evaluate("window.notReloaded === true")
    assert themes_of(quote) == ["Trust"]


def test_the_keyboard_copies_a_quote_from_the_picker_on_a_phone(
    new_page, live_server, sign_in, team, board, assert_accessible
):
    workshop, quote, voice, _trust = board
    page = new_page()  # 360 px wide
    open_board(page, sign_in, live_server, team, workshop)
    voice_box = card(page, "Voice").bounding_box()
    trust_box = card(page, "Trust").bounding_box()
    assert trust_box["y"] >= voice_box["y"] + voice_box["height"]  # One column.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    opener = card(page, "Voice").get_by_role("button", name="Move or copy")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Move or copy a quote")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(MOVED)
    theme = dialog.get_by_label("Theme to move or copy it to")
    expect(theme).to_be_focused()
    expect(theme.locator(f"option[value='{voice.pk}']")).to_be_disabled()
    assert_accessible(page)
    theme.select_option(label="Money")
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Move it (it leaves this theme)")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(dialog.get_by_label("Copy it (it stays under this theme too)")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Quote copied to “Money”.")).to_be_visible()
    expect(dialog).to_be_hidden()
    # Focus is back on the quote where it was, which is still there.
    expect(card(page, "Voice").get_by_role("button", name="Move or copy")).to_be_focused()
    expect(card(page, "Money")).to_contain_text(MOVED)
    assert themes_of(quote) == ["Money", "Voice"]
    # Escape closes the picker and changes nothing.
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert themes_of(quote) == ["Money", "Voice"]


def test_a_touch_screen_moves_a_quote_and_hears_why_a_move_is_refused(
    new_page, live_server, sign_in, team, board
):
    workshop, quote, voice, trust = board
    page = new_page(has_touch=True, is_mobile=True)
    open_board(page, sign_in, live_server, team, workshop)
    card(page, "Voice").get_by_role("button", name="Move or copy").tap()
    dialog = page.get_by_role("dialog", name="Move or copy a quote")
    dialog.get_by_label("Theme to move or copy it to").select_option(label="Trust")
    # Someone else moves it first: the picker says so and the quote stays where it is.
    services.move_quote(quote=quote, from_theme=voice, to_theme=trust, by=team.facilitator2)
    dialog.get_by_role("button", name="Move or copy").tap()
    expect(dialog.get_by_text("The quote is no longer under that theme")).to_be_visible()
    dialog.get_by_role("button", name="Cancel").tap()
    expect(dialog).to_be_hidden()
    page.reload()
    expect(card(page, "Trust")).to_contain_text(MOVED)
    card(page, "Trust").locator(".quote-list > li").filter(has_text=MOVED).get_by_role(
        "button", name="Move or copy"
    ).tap()
    dialog.get_by_label("Theme to move or copy it to").select_option(label="Voice")
    dialog.get_by_role("button", name="Move or copy").tap()
    expect(page.get_by_role("status").filter(has_text="Quote moved to “Voice”.")).to_be_visible()
    assert themes_of(quote) == ["Voice"]


def test_without_javascript_a_quote_moves_through_its_own_page(
    new_page, live_server, sign_in, team, board
):
    workshop, quote, _voice, _trust = board
    page = new_page(java_script_enabled=False)
    open_board(page, sign_in, live_server, team, workshop)
    expect(page.get_by_text("Drag a quote onto another theme")).to_be_hidden()
    card(page, "Voice").get_by_role("link", name="Move or copy").click()
    expect(page.get_by_role("heading", name="Move or copy a quote")).to_be_visible()
    expect(page.get_by_text("now under Voice")).to_be_visible()
    page.get_by_role("button", name="Move or copy").click()  # Nothing chosen yet.
    expect(page.get_by_role("alert")).to_contain_text(
        "Theme to move or copy it to: choose the theme to move or copy the quote to."
    )
    page.get_by_label("Theme to move or copy it to").select_option(label="Trust")
    page.get_by_role("button", name="Move or copy").click()
    expect(page.get_by_text("Quote moved to “Trust”.")).to_be_visible()
    expect(card(page, "Trust")).to_contain_text(MOVED)
    assert themes_of(quote) == ["Trust"]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_board_with_its_panels_open_passes_axe(
    new_page, live_server, sign_in, team, board, assert_accessible, width
):
    workshop, quote, voice, _trust = board
    page = new_page(viewport={"width": width, "height": 800})
    sign_in(page, team.facilitator, PASSWORD)
    page.goto(
        f"{live_server.url}/workshops/{workshop.pk}/board/"
        f"?coder=user-{team.facilitator2.pk}&first=user-{team.facilitator2.pk}"
    )
    expect(page.get_by_text("Showing the quotes coded by")).to_be_visible()
    page.get_by_text("1 theme with no quotes yet", exact=True).last.click()
    expect(page.get_by_role("link", name="Edit, merge or split Money")).to_be_visible()
    card(page, "Voice").locator("summary").filter(has_text="Add a finding").click()
    expect(card(page, "Voice").get_by_label("Add a finding about Voice")).to_be_visible()
    card(page, "Voice").locator("summary").filter(has_text="Quotes and findings").click()
    expect(card(page, "Voice").get_by_text(MOVED)).to_be_hidden()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The page a quote is moved on without JavaScript, with its error summary.
    page.goto(
        f"{live_server.url}/workshops/{workshop.pk}/quotes/move/?quote={quote.pk}&from={voice.pk}"
    )
    page.get_by_role("button", name="Move or copy").click()
    expect(page.get_by_role("alert")).to_be_focused()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

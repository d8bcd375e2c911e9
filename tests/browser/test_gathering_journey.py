"""A peer interviewer on a phone, from sign-in to submission; a storyteller withdrawing."""

import pytest
from playwright.sync_api import expect

from stories import services
from stories.models import Recording, Story
from tests.factories import ALL_SCOPES, PASSWORD, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_interviewer_journey_from_sign_in_to_submission(
    page, live_server, team, sign_in, assert_accessible, media_files
):
    sign_in(page, team.interviewer, PASSWORD)
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a storyteller").click()
    page.get_by_label("A pseudonym they chose").check()
    page.get_by_role("button", name="Add storyteller").click()
    expect(
        page.get_by_text("Enter the name or pseudonym they want to be credited as.").first
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name or pseudonym to credit them with").fill("River")
    page.get_by_label("Age").select_option("25-34")
    page.get_by_label("Housing").check()
    page.get_by_label("Homelessness").check()
    page.get_by_role("button", name="Add storyteller").click()

    expect(page.get_by_role("heading", name="Add a story")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("A seat at the table")
    page.get_by_label("Summary").fill("How peer research changed the way I was heard.")
    page.get_by_label("Topics").fill("peer research, being heard")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Record the storyteller’s consent")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Keep my story in the archive for research").check()
    page.get_by_label("Use my story in sense-making workshops").check()
    page.get_by_label("Publish the written transcript of my story").check()
    page.get_by_label("Written consent form").check()
    date = page.get_by_role("group", name="Date consent was given")
    date.get_by_label("Day").fill("1")
    date.get_by_label("Month").fill("5")
    date.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Upload a recording").click()
    assert_accessible(page)
    page.get_by_label("Recording").set_input_files(str(media_files["m4a"]))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Recording uploaded.")).to_be_visible()

    page.get_by_role("link", name="Add the transcript").click()
    assert_accessible(page)
    page.get_by_label("Or paste the transcript").fill(
        "Interviewer: What changed for you?\n\nRiver: For once, people listened."
    )
    page.get_by_role("button", name="Save transcript").click()
    expect(page.get_by_text("For once, people listened.")).to_be_visible()

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Story submitted.")).to_be_visible()
    assert_accessible(page)
    story = Story.objects.get(title="A seat at the table")
    assert story.status == "submitted"
    assert Recording.objects.filter(story=story).count() == 1

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Submitted for review (1)")).to_be_visible()
    # Nothing on the page is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_storyteller_withdraws_through_their_link(page, live_server, team, assert_accessible):
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="published", curator=team.curator
    )
    _link, token = services.create_storyteller_link(storyteller=story.storyteller, by=team.curator)
    public_url = f"{live_server.url}/stories/{story.pk}/"
    page.goto(public_url)
    expect(page.get_by_role("heading", name=story.title)).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/my/{token}/")
    expect(page.get_by_role("heading", name="Your stories")).to_be_visible()
    assert token not in page.url
    assert_accessible(page)
    page.get_by_role("link", name="Withdraw my story").click()
    expect(
        page.get_by_role("heading", name="Are you sure you want to withdraw your story?")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Would you like to tell us why? (optional)").fill("I have moved on.")
    page.get_by_role("button", name="Yes, withdraw my story").click()
    expect(page.get_by_text("Your story has been withdrawn.")).to_be_visible()
    assert_accessible(page)

    response = page.goto(public_url)
    assert response.status == 404
    story.refresh_from_db()
    assert story.status == "withdrawn"

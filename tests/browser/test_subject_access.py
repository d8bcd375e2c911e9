"""A storyteller downloads a copy of everything held about them, on a 360 px phone."""

import zipfile

import pytest
from django.core.files import File
from playwright.sync_api import expect

from stories import services
from stories.models import SubjectAccessCopy
from tests.factories import ALL_SCOPES, PASSWORD, make_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 360


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


def test_a_storyteller_asks_for_their_copy_follows_it_and_downloads_it(
    new_page, live_server, team, media_files, run_worker, tmp_path, assert_accessible
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, title="Being heard")
    with media_files["mp3"].open("rb") as handle:
        services.upload_recording(
            story=story, upload=File(handle, name="interview.mp3"), by=team.interviewer
        )
    _link, token = services.create_storyteller_link(storyteller=story.storyteller, by=team.curator)
    page = new_page()
    page.goto(f"{live_server.url}/my/{token}/")
    page.get_by_role("link", name="Download a copy of everything we hold about you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A copy of everything we hold about you"
    )
    assert_accessible(page)
    fits_the_phone(page)

    page.get_by_role("button", name="Make my copy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Making your copy")
    expect(page.get_by_role("progressbar")).to_be_visible()
    assert_accessible(page)
    fits_the_phone(page)

    run_worker()  # probes the recording, makes its listeners' copy, then the zip

    # The page follows the worker by itself and then offers the download.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your copy is ready", timeout=15_000)
    assert_accessible(page)
    fits_the_phone(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the copy").click()
    download = download_info.value
    code = story.storyteller.code.lower()
    assert download.suggested_filename.startswith(f"corpro-copy-{code}-")
    saved = tmp_path / "copy.zip"
    download.save_as(saved)
    names = zipfile.ZipFile(saved).namelist()
    assert "README.txt" in names and "index.html" in names
    assert "stories/01-being-heard/recordings/recording-1-original.mp3" in names
    assert SubjectAccessCopy.objects.get().state == SubjectAccessCopy.State.READY

    # The copy's own guide is readable and accessible on the phone too.
    zipfile.ZipFile(saved).extractall(tmp_path / "copy")
    page.goto((tmp_path / "copy" / "index.html").as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A copy of everything we hold about you"
    )
    assert_accessible(page)
    fits_the_phone(page)


def test_without_javascript_the_progress_page_refreshes_itself(new_page, live_server, team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    _link, token = services.create_storyteller_link(storyteller=story.storyteller, by=team.curator)
    page = new_page(java_script_enabled=False)
    page.goto(f"{live_server.url}/my/{token}/")
    page.goto(f"{live_server.url}/my/copy/")
    page.get_by_role("button", name="Make my copy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Making your copy")
    assert page.locator('meta[http-equiv="refresh"]').count() == 1


def test_a_curator_makes_a_copy_for_a_request_by_post(
    new_page, live_server, sign_in, team, run_worker, assert_accessible
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES)
    page = new_page()
    sign_in(page, team.curator, PASSWORD)
    page.goto(f"{live_server.url}/storytellers/{story.storyteller.pk}/")
    assert_accessible(page)
    fits_the_phone(page)
    code = story.storyteller.code
    page.get_by_role("button", name=f"Make a copy of everything held about {code}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Making the copy of everything held about {code}"
    )
    assert_accessible(page)
    fits_the_phone(page)
    run_worker()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"The copy of everything held about {code} is ready", timeout=15_000
    )
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the copy").click()
    assert download_info.value.suggested_filename.startswith("corpro-copy-")

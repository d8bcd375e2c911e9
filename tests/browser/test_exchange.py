"""Files in and out in a real browser: a facilitator downloads a workshop's quotes, and a curator
checks and imports a coded project, on a phone and a laptop, without JavaScript's help."""

import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from sensemaking import services
from sensemaking.models import ProjectImport, Theme, Workshop
from stories.models import Recording
from tests.factories import ALL_SCOPES, PASSWORD, highlight_phrase, make_story
from tests.sensemaking import test_qdpx_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 360
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def story(team):
    return make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")


@pytest.fixture
def workshop(team, story):
    return services.create_workshop(
        project=team.project, title="First workshop", by=team.facilitator, stories=[story]
    )


def run_the_worker(media_root) -> None:
    """Run the real task worker until no task is left: the import, then the recording's."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "MEDIA_ROOT": str(media_root),
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    subprocess.run(
        [sys.executable, "manage.py", "worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def signed_in(new_page, sign_in, user, viewport=None):
    page = new_page(**({"viewport": viewport} if viewport else {}))
    sign_in(page, user, PASSWORD)
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    return page


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("viewport", [None, LAPTOP], ids=["phone", "laptop"])
def test_a_facilitator_downloads_one_themes_quotes_as_word(
    new_page, live_server, sign_in, team, story, workshop, assert_accessible, viewport
):
    voice = Theme.objects.create(project=team.project, name="Having a voice", slug="voice")
    highlight_phrase(
        workshop, story, "being heard, not just listened to", [voice], by=team.facilitator
    )
    page = signed_in(new_page, sign_in, team.facilitator, viewport)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/")
    page.get_by_role("link", name="Download quotes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Download quotes")
    assert_accessible(page)
    fits(page, (viewport or {"width": PHONE})["width"])

    page.get_by_role("button", name="Download").click()
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_role("alert")).to_contain_text(
        "Choose a format: CSV, Excel, web page or Word."
    )
    assert_accessible(page)

    page.get_by_label("Which theme").select_option(label="Having a voice")
    page.get_by_label("Word document, quotes by theme").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "first-workshop-quotes-having-a-voice.docx"
    document = docx.Document(download.path())
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "Having a voice" in texts
    assert "“being heard, not just listened to”\n— River, “Being heard”" in texts


def test_the_board_links_to_the_download_for_facilitators(
    new_page, live_server, sign_in, team, workshop
):
    page = signed_in(new_page, sign_in, team.facilitator)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/board/")
    page.get_by_role("link", name="Download quotes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Download quotes")


@pytest.mark.parametrize("viewport", [None, LAPTOP], ids=["phone", "laptop"])
def test_a_curator_checks_then_imports_a_coded_project(
    new_page,
    live_server,
    sign_in,
    team,
    media_files,
    media_root,
    assert_accessible,
    tmp_path,
    viewport,
):
    path = tmp_path / "housing.qdpx"
    path.write_bytes(test_qdpx_import.qualcoder_like(media_files["mp3"].read_bytes()))
    page = signed_in(new_page, sign_in, team.curator, viewport)
    width = (viewport or {"width": PHONE})["width"]
    page.goto(f"{live_server.url}/projects/{team.project.slug}/codebook/")
    page.get_by_role("link", name="Import a whole coded project (.qdpx)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a coded project")
    assert_accessible(page)

    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the project file (.qdpx) to check.")
    assert_accessible(page)

    page.get_by_label("Project file (.qdpx)").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(
        page.get_by_role("heading", name="What will arrive from “Housing study”")
    ).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Leaflet.pdf")).to_contain_text(
        "is a PDF source"
    )
    assert_accessible(page)
    fits(page, width)
    assert not Workshop.objects.filter(project=team.project).exists()

    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importing “housing.qdpx”")
    expect(page.get_by_label("Progress")).to_be_visible()
    assert_accessible(page)
    run_the_worker(media_root)
    # The page follows the import by itself and shows what came in.
    expect(page.get_by_role("heading", name="Imported", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("2 stories and 2 quotes")
    assert_accessible(page)
    fits(page, width)
    page.get_by_role("link", name="Imported from Housing study").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imported from Housing study")
    # The worker also made the imported recording playable, as for any upload.
    (recording,) = Recording.objects.filter(story__title="Sam interview.mp3")
    assert recording.state == Recording.State.READY
    assert not ProjectImport.objects.get().file


def test_the_codebook_downloads_as_csv_from_its_page(new_page, live_server, sign_in, team):
    Theme.objects.create(project=team.project, name="Money worries", slug="money")
    page = signed_in(new_page, sign_in, team.facilitator)
    page.goto(f"{live_server.url}/projects/{team.project.slug}/codebook/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"{team.project.slug}-codebook.csv"
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert content.splitlines() == ["name,description,colour,parent", "Money worries,,#1d4f7a,"]


def test_a_bad_csv_codebook_lists_each_row_in_the_error_summary(
    new_page, live_server, sign_in, team, assert_accessible, tmp_path
):
    path = tmp_path / "codes.csv"
    path.write_text("name,colour,parent\nHousing,red,\n,,\nRent,,Nowhere\n", encoding="utf-8")
    # The blank row 3 is skipped, as spreadsheets leave them.
    page = signed_in(new_page, sign_in, team.facilitator)
    page.goto(f"{live_server.url}/projects/{team.project.slug}/codebook/")
    page.get_by_label("Codebook file (.qdc or .csv)").set_input_files(str(path))
    page.get_by_role("button", name="Import").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("listitem")).to_have_text(
        [
            # The summary names the field, then the row at fault.
            "Codebook file (.qdc or .csv): row 2: the colour “red” is not a hex colour such as "
            "#1d4f7a. Leave it empty for the usual colour.",
            "Codebook file (.qdc or .csv): row 4: the parent “Nowhere” is neither a row of the "
            "file nor a theme of the project.",
        ]
    )
    assert_accessible(page)
    fits(page, PHONE)
    assert not Theme.objects.filter(project=team.project).exists()

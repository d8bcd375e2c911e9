"""Every page for every role, with two users per role: nobody reaches what they may not see."""

import pytest
from django.urls import reverse

from stories import services
from tests.factories import ALL_SCOPES, make_playable, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(team):
    return make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")


def status_for(client, user, url, method="get"):
    client.logout()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url).status_code


STORY_PAGES = [
    ("stories:story-detail", "get"),
    ("stories:story-edit", "get"),
    ("stories:consent-record", "get"),
    ("stories:recording-upload", "get"),
    ("stories:transcript-upload", "get"),
    ("stories:transcript-edit", "get"),
    ("stories:transcript-redact", "get"),
    ("stories:story-request-changes", "get"),
    ("stories:story-publish", "post"),
    ("stories:story-submit", "post"),
]


@pytest.mark.parametrize(("name", "method"), STORY_PAGES)
def test_another_interviewer_gets_404_for_every_story_page(client, team, story, name, method):
    url = reverse(name, args=[story.pk])
    assert status_for(client, team.interviewer2, url, method) == 404


@pytest.mark.parametrize(("name", "method"), STORY_PAGES)
def test_a_curator_of_another_project_gets_404(client, team, story, name, method):
    url = reverse(name, args=[story.pk])
    assert status_for(client, team.outsider, url, method) == 404


@pytest.mark.parametrize(("name", "method"), STORY_PAGES)
def test_signed_out_people_are_sent_to_sign_in(client, team, story, name, method):
    url = reverse(name, args=[story.pk])
    client.logout()
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_interviewer_cannot_curate_own_story(client, team, story):
    client.force_login(team.interviewer)
    assert client.post(reverse("stories:story-publish", args=[story.pk])).status_code == 404
    assert client.get(reverse("stories:transcript-redact", args=[story.pk])).status_code == 404
    story.refresh_from_db()
    assert story.status == "submitted"


def test_submitted_story_is_read_only_for_its_interviewer(client, team, story):
    client.force_login(team.interviewer)
    assert client.get(reverse("stories:story-detail", args=[story.pk])).status_code == 200
    assert client.get(reverse("stories:story-edit", args=[story.pk])).status_code == 404


@pytest.mark.parametrize("who", ["curator", "curator2"])
def test_both_curators_can_review(client, team, story, who):
    client.force_login(getattr(team, who))
    assert client.get(reverse("stories:story-detail", args=[story.pk])).status_code == 200
    assert client.get(reverse("stories:transcript-redact", args=[story.pk])).status_code == 200
    assert story.title in client.get(reverse("stories:review-queue")).content.decode()


def test_review_queue_shows_only_own_projects(client, team, story):
    client.force_login(team.outsider)
    assert story.title not in client.get(reverse("stories:review-queue")).content.decode()


@pytest.mark.parametrize("who", ["facilitator", "facilitator2"])
def test_facilitators_can_read_but_not_change(client, team, story, who):
    client.force_login(getattr(team, who))
    assert client.get(reverse("stories:story-detail", args=[story.pk])).status_code == 200
    assert client.get(reverse("stories:consent-record", args=[story.pk])).status_code == 404
    assert client.get(reverse("stories:story-create", args=[team.project.slug])).status_code == 404


def test_project_pages_need_membership(client, team):
    for name in ("stories:story-create", "stories:storyteller-create", "stories:storyteller-list"):
        url = reverse(name, args=[team.project.slug])
        assert status_for(client, team.outsider, url) == 404
        assert status_for(client, team.nobody, url) == 404
        assert status_for(client, team.interviewer, url) == 200


def test_storytellers_are_private_to_who_added_them_and_curators(client, team, story):
    url = reverse("stories:storyteller-detail", args=[story.storyteller.pk])
    assert status_for(client, team.interviewer, url) == 200
    assert status_for(client, team.curator, url) == 200
    assert status_for(client, team.interviewer2, url) == 404
    assert status_for(client, team.facilitator, url) == 404
    assert status_for(client, team.outsider, url) == 404


def test_special_category_and_contact_details_only_for_curators(client, team):
    storyteller = services.add_storyteller(
        project=team.project,
        by=team.interviewer,
        credit_preference="anonymous",
        demographics={"ethnicity": "arab", "lived_experiences": ["prison"]},
        contact={"full_name": "Sam Hidden", "email": "sam@example.org", "phone": "", "notes": ""},
    )
    url = reverse("stories:storyteller-detail", args=[storyteller.pk])
    client.force_login(team.interviewer)
    page = client.get(url).content.decode()
    assert "Sam Hidden" not in page
    assert "Arab" not in page
    client.force_login(team.curator)
    page = client.get(url).content.decode()
    assert "Sam Hidden" in page
    assert "Arab" in page


def test_recording_and_evidence_files_are_permission_checked(client, team, story, media_files):
    from django.core.files import File

    with media_files["mp3"].open("rb") as handle:
        recording = services.upload_recording(
            story=story, upload=File(handle, name="talk.mp3"), by=team.interviewer
        )
    make_playable(recording)
    url = reverse("stories:recording-file", args=[recording.pk])
    assert status_for(client, team.interviewer, url) == 200
    assert status_for(client, team.interviewer2, url) == 404
    assert status_for(client, team.outsider, url) == 404
    public_url = reverse("stories:public-recording", args=[recording.pk])
    assert status_for(client, None, public_url) == 404  # Not published.
    assert status_for(client, None, url) == 302  # Sign in first.


def test_admin_shows_special_category_fields_only_to_curators(client, team):
    from django.contrib.auth.models import Permission

    storyteller = services.add_storyteller(
        project=team.project,
        by=team.interviewer,
        credit_preference="anonymous",
        demographics={"ethnicity": "arab"},
    )
    view = Permission.objects.get(codename="view_storyteller")
    url = reverse("admin:stories_storyteller_change", args=[storyteller.pk])
    for user in (team.interviewer, team.curator):
        user.is_staff = True
        user.save()
        user.user_permissions.add(view)
    client.force_login(team.curator)
    assert "Arab" in client.get(url).content.decode()
    client.force_login(team.interviewer)
    response = client.get(url, follow=True)
    assert "Arab" not in response.content.decode()
    assert "ethnicity" not in response.content.decode().lower()


def test_password_reset_sends_an_email(client, team, mailoutbox):
    team.curator.email = "curator@example.org"
    team.curator.save()
    response = client.post(reverse("password_reset"), {"email": "curator@example.org"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_storyteller_list_query_count_is_constant(client, team, django_assert_max_num_queries):
    for number in range(5):
        make_story(team.project, team.interviewer, title=f"S{number}")
    client.force_login(team.interviewer)
    # Session, user, project, storytellers with their story counts.
    with django_assert_max_num_queries(4):
        page = client.get(reverse("stories:storyteller-list", args=[team.project.slug]))
    assert page.content.decode().count("ST-") == 5

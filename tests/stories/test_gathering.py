"""The peer interviewer's journey, through the pages a person uses."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stories.models import AuditEvent, Consent, Story, Storyteller, StorytellerContact
from tests.factories import ALL_SCOPES, make_story

pytestmark = pytest.mark.django_db


def test_add_storyteller_keeps_contact_apart_and_gives_a_code(client, team):
    client.force_login(team.interviewer)
    response = client.post(
        reverse("stories:storyteller-create", args=[team.project.slug]),
        {
            "credit_preference": "pseudonym",
            "credit_name": "River",
            "age_band": "25-34",
            "sectors": ["housing", "health_social_care"],
            "lived_experiences": ["homelessness"],
            "full_name": "Real Name",
            "email": "real@example.org",
        },
    )
    assert response.status_code == 302
    storyteller = Storyteller.objects.get(project=team.project)
    assert storyteller.code.startswith("ST-")
    assert "Real" not in storyteller.code
    assert storyteller.sectors == ["housing", "health_social_care"]
    assert StorytellerContact.objects.get(storyteller=storyteller).full_name == "Real Name"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"credit_preference": "name", "credit_name": ""}, "Enter the name or pseudonym"),
        ({"credit_preference": "name", "credit_name": "<b>Jo</b>"}, "Write plain text only"),
        (
            {"credit_preference": "anonymous", "sectors": ["housing", "prefer_not_to_say"]},
            "Prefer not to say",
        ),
        ({"credit_preference": "anonymous", "email": "not-an-email"}, "like name@example.com"),
    ],
)
def test_bad_storyteller_input_is_refused_and_nothing_saved(client, team, data, message):
    client.force_login(team.interviewer)
    response = client.post(reverse("stories:storyteller-create", args=[team.project.slug]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not Storyteller.objects.exists()


def test_add_story_then_record_consent(client, team):
    client.force_login(team.interviewer)
    client.post(
        reverse("stories:storyteller-create", args=[team.project.slug]),
        {"credit_preference": "anonymous"},
    )
    storyteller = Storyteller.objects.get()
    response = client.post(
        reverse("stories:story-create", args=[team.project.slug]),
        {
            "storyteller": storyteller.pk,
            "title": "Finding a voice",
            "summary": "How peer research gave me a voice.",
            "language": "en",
            "tags": "peer research, trust",
        },
    )
    story = Story.objects.get()
    assert response["Location"] == reverse("stories:consent-record", args=[story.pk])
    assert sorted(story.tags.names()) == ["peer research", "trust"]
    evidence = SimpleUploadedFile("form.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    response = client.post(
        reverse("stories:consent-record", args=[story.pk]),
        {
            "archive_research": "on",
            "use_sensemaking": "on",
            "method": "written",
            "obtained_on": "2026-05-01",
            "evidence": evidence,
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(story=story)
    assert consent.granted_scopes == ["archive_research", "use_sensemaking"]
    assert consent.evidence_filename == "form.pdf"
    assert "form" not in consent.evidence.name  # Stored under a generated name.
    assert AuditEvent.objects.filter(story=story, action="consent_recorded").count() == 1


def test_disguised_consent_evidence_is_refused(client, team):
    story = make_story(team.project, team.interviewer)
    client.force_login(team.interviewer)
    response = client.post(
        reverse("stories:consent-record", args=[story.pk]),
        {
            "archive_research": "on",
            "method": "written",
            "obtained_on": "2026-05-01",
            "evidence": SimpleUploadedFile("form.pdf", b"MZ\x90\x00 this is a program"),
        },
    )
    assert "not a file we can accept" in response.content.decode()
    assert not Consent.objects.exists()


def test_story_with_html_title_is_refused(client, team):
    storyteller = make_story(team.project, team.interviewer).storyteller
    client.force_login(team.interviewer)
    response = client.post(
        reverse("stories:story-create", args=[team.project.slug]),
        {"storyteller": storyteller.pk, "title": "<script>alert(1)</script>", "language": "en"},
    )
    assert "Write plain text only" in response.content.decode()
    assert Story.objects.count() == 1


def test_a_topic_longer_than_a_topic_can_be_is_refused_and_nothing_is_saved(client, team):
    storyteller = make_story(team.project, team.interviewer).storyteller
    client.force_login(team.interviewer)
    response = client.post(
        reverse("stories:story-create", args=[team.project.slug]),
        {"storyteller": storyteller.pk, "title": "Topics", "language": "en", "tags": "x" * 101},
    )
    assert response.status_code == 200
    assert "Each topic can be at most 100 characters" in response.content.decode()
    assert Story.objects.count() == 1


def test_cannot_pick_another_interviewers_storyteller(client, team):
    theirs = make_story(team.project, team.interviewer2).storyteller
    make_story(team.project, team.interviewer)
    client.force_login(team.interviewer)
    response = client.post(
        reverse("stories:story-create", args=[team.project.slug]),
        {"storyteller": theirs.pk, "title": "Taken", "language": "en"},
    )
    assert "Choose one of the options listed" in response.content.decode()
    assert Story.objects.count() == 2


def test_submit_needs_consent_and_content(client, team):
    story = make_story(team.project, team.interviewer, transcript=None)
    client.force_login(team.interviewer)
    response = client.post(reverse("stories:story-submit", args=[story.pk]), follow=True)
    page = response.content.decode()
    assert "Record the storyteller’s consent." in page
    assert "Upload a recording or a transcript." in page
    story.refresh_from_db()
    assert story.status == "draft"


def test_submit_then_dashboard_lists_by_status(client, team, django_assert_max_num_queries):
    story = make_story(team.project, team.interviewer, scopes={"archive_research": True})
    for number in range(5):
        make_story(team.project, team.interviewer, title=f"Story {number}")
    client.force_login(team.interviewer)
    client.post(reverse("stories:story-submit", args=[story.pk]))
    story.refresh_from_db()
    assert story.status == "submitted"
    # Session, user, memberships, stories, review count: constant in the number of stories.
    with django_assert_max_num_queries(6):
        page = client.get(reverse("stories:dashboard")).content.decode()
    assert "Submitted for review (1)" in page
    assert "Draft (5)" in page


def test_story_detail_query_count_is_constant(client, team, django_assert_max_num_queries):
    story = make_story(team.project, team.interviewer, scopes={"archive_research": True})
    client.force_login(team.curator)
    # Session, user, story, tags, transcript, segments, redactions, consents, recordings,
    # roles, editable check, audit events.
    with django_assert_max_num_queries(13):
        response = client.get(reverse("stories:story-detail", args=[story.pk]))
    assert response.status_code == 200


def test_credited_quoting_is_refused_for_an_anonymous_storyteller(client, team):
    from tests.factories import make_storyteller

    anonymous = make_storyteller(team.project, team.interviewer, credit_preference="anonymous")
    story = make_story(team.project, team.interviewer, storyteller=anonymous)
    client.force_login(team.interviewer)
    response = client.post(
        reverse("stories:consent-record", args=[story.pk]),
        {"quote_credited": "on", "method": "verbal", "obtained_on": "2026-05-01"},
    )
    assert "chose to be anonymous" in response.content.decode()
    assert not Consent.objects.exists()


def test_curators_dashboard_lists_every_story_in_their_projects(client, team):
    make_story(team.project, team.interviewer, title="Gathered by someone else")
    client.force_login(team.curator)
    assert "Gathered by someone else" in client.get(reverse("stories:dashboard")).content.decode()
    client.force_login(team.interviewer2)
    page = client.get(reverse("stories:dashboard")).content.decode()
    assert "Gathered by someone else" not in page


def test_consent_must_grant_something_and_offers_only_real_methods(client, team):
    story = make_story(team.project, team.interviewer)
    client.force_login(team.interviewer)
    url = reverse("stories:consent-record", args=[story.pk])
    page = client.get(url).content.decode()
    assert "Select an option" not in page
    assert "private link" not in page
    response = client.post(url, {"method": "written", "obtained_on": "2026-05-01"})
    assert "Tick at least one thing" in response.content.decode()
    assert not Consent.objects.exists()


def test_hints_and_errors_are_linked_to_their_fields(client, team):
    client.force_login(team.interviewer)
    page = client.post(
        reverse("stories:storyteller-create", args=[team.project.slug]),
        {"credit_preference": "name", "credit_name": "<b>x</b>"},
    ).content.decode()
    assert 'aria-describedby="id_credit_name_helptext' in page
    assert 'id="id_credit_name_helptext"' in page
    # Summary and field, not a second error.
    assert page.lower().count("write plain text only") == 2
    assert "Enter the name or pseudonym" not in page


def test_the_story_page_names_people_not_usernames(client, team):
    get_user_model().objects.filter(pk=team.interviewer.pk).update(
        username="interviewer-account", first_name="Harriet", last_name="Okafor"
    )
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    client.force_login(team.curator)
    page = client.get(reverse("stories:story-detail", args=[story.pk])).content.decode()
    assert "Story started by Harriet Okafor" in page
    assert "Harriet Okafor</td>" in page  # who recorded the consent
    assert "interviewer-account" not in page

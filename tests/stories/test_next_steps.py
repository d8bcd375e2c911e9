"""Dashboards and the team's story page say what to do next, and name people, not usernames."""

import re

import pytest
from django.urls import reverse

from sensemaking import services as sensemaking
from stories import services
from tests.factories import ALL_SCOPES, make_story

pytestmark = pytest.mark.django_db

CONSENT = {"archive_research": True}


def dashboard(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("stories:dashboard")).content.decode()


def story_page(client, user, story) -> str:
    client.force_login(user)
    return client.get(reverse("stories:story-detail", args=[story.pk])).content.decode()


@pytest.mark.parametrize(
    ("scopes", "transcript", "says"),
    [
        (None, None, "Still needs consent and a recording or a transcript"),
        (CONSENT, None, "Still needs a recording or a transcript"),
        (None, "Dee: Hello.", "Still needs consent"),
        (CONSENT, "Dee: Hello.", "Ready to submit for review"),
    ],
)
def test_a_draft_on_the_interviewers_dashboard_says_what_it_still_needs(
    client, team, scopes, transcript, says
):
    make_story(team.project, team.interviewer, scopes=scopes, transcript=transcript)
    page = dashboard(client, team.interviewer)
    (step,) = re.findall(r'<p class="next-step">([^<]*)</p>', page)
    assert step.strip() == says


def test_a_story_sent_back_says_to_make_the_changes(client, team):
    story = make_story(team.project, team.interviewer, scopes=CONSENT, status="submitted")
    services.request_changes(story=story, by=team.curator, note="Check the date.")
    assert "Make the changes the curator asked for" in dashboard(client, team.interviewer)


def test_a_submitted_story_has_no_next_step_for_the_interviewer(client, team):
    make_story(team.project, team.interviewer, scopes=CONSENT, status="submitted")
    assert 'class="next-step"' not in dashboard(client, team.interviewer)


def test_the_dashboard_names_the_interviewer_of_someone_elses_story(client, team):
    team.interviewer.first_name, team.interviewer.last_name = "Sol", "Okafor"
    team.interviewer.save()
    make_story(team.project, team.interviewer)
    assert "by Sol Okafor" in dashboard(client, team.curator)
    assert team.interviewer.get_username() not in dashboard(client, team.curator)
    assert "by Sol" not in dashboard(client, team.interviewer)  # their own stories


def test_the_dashboard_costs_the_same_however_many_drafts(
    client, team, django_assert_max_num_queries
):
    for number in range(6):
        make_story(team.project, team.interviewer, title=f"Story {number}", transcript=None)
    client.force_login(team.interviewer)
    # Session, user, memberships, stories (with their progress), review count.
    with django_assert_max_num_queries(6):
        client.get(reverse("stories:dashboard"))


def steps(page: str) -> list[tuple[str, str]]:
    items = re.findall(r'<li class="task[^"]*">(.*?)</li>', page, re.S)
    return [
        (
            re.sub(r"<[^>]+>", "", re.search(r'task-name">(.*?)</span>', item, re.S)[1]).strip(),
            re.search(r"task-state[^>]*>([^<]*)<", item)[1],
        )
        for item in items
    ]


ORDER = [
    "Storyteller",
    "Consent",
    "Recording",
    "Transcript",
    "Submit for review",
    "Curator’s review",
    "Publication",
]


def test_the_story_page_is_a_task_list_in_the_order_the_work_is_done(client, team):
    story = make_story(team.project, team.interviewer, transcript=None)
    page = story_page(client, team.interviewer, story)
    assert steps(page) == list(
        zip(
            ORDER,
            [
                "Completed",
                "To do",
                "To do",
                "To do",
                "Cannot start yet",
                "Cannot start yet",
                "Cannot start yet",
            ],
            strict=True,
        )
    )
    assert f'href="{reverse("stories:consent-record", args=[story.pk])}"' in page
    assert f'href="{reverse("stories:recording-upload", args=[story.pk])}"' in page
    assert "this story still needs consent and a recording or a transcript" in page


def test_each_steps_state_follows_the_story(client, team):
    story = make_story(team.project, team.interviewer, scopes=CONSENT)
    states = dict(steps(story_page(client, team.interviewer, story)))
    assert states["Consent"] == "Completed"
    assert states["Transcript"] == "Completed"
    assert states["Recording"] == "Optional"
    assert states["Submit for review"] == "To do"

    services.submit_story(story=story, by=team.interviewer)
    curator_page = story_page(client, team.curator, story)
    states = dict(steps(curator_page))
    assert states["Submit for review"] == "Completed"
    assert states["Curator’s review"] == "Waiting for a curator"
    assert states["Publication"] == "To do"
    assert 'href="#review"' in curator_page

    services.request_changes(story=story, by=team.curator, note="Check the date.")
    states = dict(steps(story_page(client, team.interviewer, story)))
    assert states["Curator’s review"] == "Changes requested"
    assert states["Submit for review"] == "To do"


def test_a_published_story_is_completed_throughout(client, team):
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="published", curator=team.curator
    )
    page = story_page(client, team.curator, story)
    states = dict(steps(page))
    assert states["Publication"] == "Completed"
    assert states["Curator’s review"] == "Completed"
    assert f'href="{reverse("stories:public-story", args=[story.pk])}"' in page


def test_someone_who_may_not_edit_gets_no_task_list(client, team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    client.force_login(team.facilitator)
    response = client.get(reverse("stories:story-detail", args=[story.pk]))
    assert 'class="task-list"' not in response.content.decode()
    assert reverse("stories:consent-record", args=[story.pk]) not in response.content.decode()


def test_a_withdrawn_story_has_no_task_list(client, team):
    story = make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="withdrawn", curator=team.curator
    )
    assert 'class="task-list"' not in story_page(client, team.curator, story)


def test_a_facilitators_dashboard_links_their_workshops_reports_and_codebook(
    client, team, django_assert_max_num_queries
):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    workshop = sensemaking.create_workshop(
        project=team.project, title="Spring listening", by=team.facilitator, stories=[story]
    )
    report = sensemaking.create_report(
        project=team.project, title="What we heard", by=team.facilitator
    )
    client.force_login(team.facilitator)
    # Session, user, memberships, stories, review count, workshops, reports, report versions.
    with django_assert_max_num_queries(9):
        page = client.get(reverse("stories:dashboard")).content.decode()
    assert (
        f'href="{reverse("sensemaking:workshop", args=[workshop.pk])}">Spring listening</a>' in page
    )
    assert f'href="{reverse("sensemaking:board", args=[workshop.pk])}"' in page
    assert (
        f'href="{reverse("sensemaking:report", args=[report.report.slug])}">What we heard</a>'
        in page
    )
    assert f'href="{reverse("sensemaking:codebook", args=[team.project.slug])}"' in page
    assert f'href="{reverse("sensemaking:workshop-create", args=[team.project.slug])}"' in page


def test_a_facilitator_sees_no_other_projects_workshops_or_reports(client, team):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    sensemaking.create_workshop(
        project=team.project, title="Spring listening", by=team.facilitator, stories=[story]
    )
    sensemaking.create_report(project=team.project, title="What we heard", by=team.facilitator)
    page = dashboard(client, team.outsider)  # a curator of another project
    assert "Spring listening" not in page
    assert "What we heard" not in page
    assert "Workshops and reports" in page  # their own project's links
    interviewer_page = dashboard(client, team.interviewer)
    assert "Workshops and reports" not in interviewer_page
    assert "Spring listening" not in interviewer_page

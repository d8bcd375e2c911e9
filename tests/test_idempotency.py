"""A create form sent twice makes one thing: the second sending is led to what the first made,
with a message. Tried on every create form, with the key the form's own page gives it."""

import threading
from dataclasses import dataclass, field
from types import SimpleNamespace

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import get_resolver

from sensemaking import services as sensemaking_services
from sensemaking.models import Finding, Quote, Report, ReportVersion, Theme, Workshop, WorkshopGuest
from stories import services
from stories.idempotency import FIELD, KEYED, SENT_TWICE
from stories.models import (
    AuditEvent,
    Consent,
    Recording,
    Story,
    Storyteller,
    StorytellerLink,
    SubjectAccessCopy,
    Transcript,
)
from tests.factories import ALL_SCOPES, highlight_phrase, make_story

pytestmark = pytest.mark.django_db

CODEBOOK = (
    b'<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    b'<Code guid="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4" name="Trust" isCodable="true"/>'
    b"</Codes></CodeBook>"
)


@pytest.fixture
def world(team, media_files):
    story = make_story(team.project, team.interviewer, scopes=ALL_SCOPES, status="submitted")
    workshop = sensemaking_services.create_workshop(
        project=team.project, title="Listening", by=team.facilitator, stories=[story]
    )
    (theme,) = sensemaking_services.themes_named(team.project, ["Being heard"])
    highlight_phrase(workshop, story, "being heard", [theme], key=True)
    draft = sensemaking_services.create_report(
        project=team.project, title="Voices", by=team.facilitator
    )
    ReportVersion.objects.filter(pk=draft.pk).update(purpose="Why.")
    draft.report.versions.get().workshops.set([workshop])
    published = sensemaking_services.create_report(
        project=team.project, title="Heard", by=team.facilitator
    )
    published.workshops.set([workshop])
    sensemaking_services.publish_report(version=published, by=team.curator)
    return SimpleNamespace(
        story=story,
        workshop=workshop,
        theme=theme,
        draft=draft.report,
        published=published.report,
        recording=media_files["mp3"],
    )


@dataclass
class Case:
    """A create form: where it is shown, where it is sent, what is typed, what is counted."""

    who: str
    page: str
    action: str
    made: object  # a function returning how many things the form has made
    data: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)


def cases(team, world) -> dict[str, Case]:
    slug, story, workshop, theme = team.project.slug, world.story, world.workshop, world.theme
    gather = f"/gather/{story.pk}"
    storyteller = story.storyteller
    return {
        "storyteller": Case(
            "interviewer",
            f"/projects/{slug}/storytellers/new/",
            f"/projects/{slug}/storytellers/new/",
            Storyteller.objects.count,
            {"credit_preference": "anonymous"},
        ),
        "story": Case(
            "interviewer",
            f"/projects/{slug}/stories/new/?storyteller={storyteller.pk}",
            f"/projects/{slug}/stories/new/",
            Story.objects.count,
            {"storyteller": storyteller.pk, "title": "Twice", "language": "en"},
        ),
        "storyteller link": Case(
            "curator",
            f"/storytellers/{storyteller.pk}/",
            f"/storytellers/{storyteller.pk}/links/new/",
            StorytellerLink.objects.count,
        ),
        "consent": Case(
            "curator",
            f"{gather}/consent/",
            f"{gather}/consent/",
            Consent.objects.count,
            {"archive_research": "on", "method": "written", "obtained_on": "2026-05-01"},
        ),
        "recording": Case(
            "curator",
            f"{gather}/recordings/new/",
            f"{gather}/recordings/new/",
            Recording.objects.count,
            files={"file": world.recording},
        ),
        "transcript": Case(
            "curator",
            f"{gather}/transcript/new/",
            f"{gather}/transcript/new/",
            Transcript.objects.count,
            {"text": "Dee: Said twice."},
        ),
        "workshop": Case(
            "facilitator",
            f"/projects/{slug}/workshops/new/",
            f"/projects/{slug}/workshops/new/",
            Workshop.objects.count,
            {"title": "Again", "status": "planned"},
        ),
        "workshop link": Case(
            "facilitator",
            f"/workshops/{workshop.pk}/",
            f"/workshops/{workshop.pk}/guests/",
            WorkshopGuest.objects.count,
            {"display_name": "Dee"},
        ),
        "quote": Case(
            "facilitator",
            f"/workshops/{workshop.pk}/stories/{story.pk}/",
            f"/workshops/{workshop.pk}/stories/{story.pk}/",
            Quote.objects.count,
            {"words": "What did co-production", "paragraph": "1", "themes": "Power"},
        ),
        "finding": Case(
            "facilitator",
            f"/workshops/{workshop.pk}/board/",
            f"/workshops/{workshop.pk}/themes/{theme.pk}/findings/",
            Finding.objects.count,
            {"statement": "People felt heard."},
        ),
        "theme": Case(
            "facilitator",
            f"/workshops/{workshop.pk}/themes/{theme.pk}/",
            f"/workshops/{workshop.pk}/themes/{theme.pk}/split/",
            Theme.objects.count,
            {"new_name": "Being listened to", "quotes": str(Quote.objects.get().pk)},
        ),
        "report": Case(
            "facilitator",
            f"/projects/{slug}/reports/new/",
            f"/projects/{slug}/reports/new/",
            Report.objects.count,
            {"title": "Twice over"},
        ),
        "report version": Case(
            "facilitator",
            f"/reports/{world.published.slug}/edit/",
            f"/reports/{world.published.slug}/edit/",
            ReportVersion.objects.count,
            {"change_note": "Second thoughts."},
        ),
        "arranged version": Case(
            "facilitator",
            f"/reports/{world.published.slug}/edit/",
            f"/reports/{world.published.slug}/arrange/",
            ReportVersion.objects.count,
            {"arrange-layout": "compact"},
        ),
        "report playlist": Case(
            "facilitator",
            f"/reports/{world.published.slug}/edit/",
            f"/reports/{world.published.slug}/extracts/",
            ReportVersion.objects.count,
            {"action": "reset"},
        ),
        "published version": Case(
            "curator",
            f"/reports/{world.draft.slug}/",
            f"/reports/{world.draft.slug}/publish/",
            ReportVersion.objects.filter(status="published").count,
        ),
        "storyteller's own copy": Case(
            "storyteller",
            "/my/copy/",
            "/my/copy/",
            SubjectAccessCopy.objects.count,
        ),
        "copy for a storyteller": Case(
            "curator",
            f"/storytellers/{storyteller.pk}/",
            f"/storytellers/{storyteller.pk}/copies/new/",
            SubjectAccessCopy.objects.count,
        ),
        "codebook import": Case(
            "facilitator",
            f"/projects/{slug}/codebook/",
            f"/projects/{slug}/codebook/",
            AuditEvent.objects.filter(action=AuditEvent.Action.CODEBOOK_IMPORTED).count,
            files={"file": CODEBOOK},
        ),
    }


def sign_in(client, team, world, who: str) -> None:
    if who == "storyteller":
        _link, token = services.create_storyteller_link(
            storyteller=world.story.storyteller, by=team.curator
        )
        assert client.get(f"/my/{token}/").status_code == 302
    else:
        client.force_login(getattr(team, who))


def form_on(client, page: str, action: str) -> dict:
    """Return the values of the form on the page that is sent to action, its key among them."""
    response = client.get(page)
    assert response.status_code == 200, page
    for form in lxml.html.fromstring(response.content).forms:
        if (form.action or page.split("?")[0]) == action and form.method.lower() == "post":
            values = {}
            for name, value in form.form_values():
                values.setdefault(name, []).append(value)
            return values
    raise AssertionError(f"No form on {page} is sent to {action}")


def send(client, case: Case, values: dict):
    files = {
        name: SimpleUploadedFile(f"{name}.bin", content)
        if isinstance(content, bytes)
        else content.open("rb")
        for name, content in case.files.items()
    }
    return client.post(case.action, {**values, **case.data, **files})


@pytest.mark.parametrize(
    "name",
    [
        "storyteller",
        "story",
        "storyteller link",
        "consent",
        "recording",
        "transcript",
        "workshop",
        "workshop link",
        "quote",
        "finding",
        "theme",
        "report",
        "report version",
        "arranged version",
        "report playlist",
        "published version",
        "storyteller's own copy",
        "copy for a storyteller",
        "codebook import",
    ],
)
def test_a_create_form_sent_twice_makes_one_thing_and_leads_to_it(client, team, world, name):
    case = cases(team, world)[name]
    sign_in(client, team, world, case.who)
    values = form_on(client, case.page, case.action)
    assert values[FIELD], "the form carries its one-time key"
    before = case.made()
    first = send(client, case, values)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert case.made() == before + 1
    again = send(client, case, values)
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert case.made() == before + 1
    assert SENT_TWICE in client.get(again["Location"], follow=True).content.decode()


def test_every_view_taking_a_form_key_is_tried_above(team, world):
    get_resolver().url_patterns  # noqa: B018 (imports every view, and so KEYED is complete)
    assert len(KEYED) == len(cases(team, world)) == 19


def test_a_refused_form_keeps_nothing_so_it_can_be_corrected_and_sent(client, team, world):
    case = cases(team, world)["story"]
    client.force_login(team.interviewer)
    values = form_on(client, case.page, case.action)
    refused = client.post(case.action, {**values, **case.data, "title": ""})
    assert refused.status_code == 200
    # The page shown again keeps the same key, so sending it now and again still makes one.
    shown_again = lxml.html.fromstring(refused.content).xpath(f"//input[@name='{FIELD}']/@value")
    assert values[FIELD] == shown_again
    assert send(client, case, values).status_code == 302
    assert send(client, case, values).status_code == 302
    assert Story.objects.filter(title="Twice").count() == 1


def test_a_key_sent_by_someone_else_is_refused(client, team, world):
    case = cases(team, world)["story"]
    client.force_login(team.interviewer)
    values = form_on(client, case.page, case.action)
    assert send(client, case, values).status_code == 302
    client.force_login(team.interviewer2)
    client.raise_request_exception = False
    assert send(client, case, values).status_code == 400
    assert Story.objects.filter(title="Twice").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_form_sent_several_times_at_once_makes_one_thing(team, world):
    case = cases(team, world)["story"]
    page = Client()
    page.force_login(team.interviewer)
    values = form_on(page, case.page, case.action)
    start = threading.Barrier(4)
    answers = []

    def sending():
        client = Client()
        client.force_login(team.interviewer)
        start.wait()
        answers.append(send(client, case, values).status_code)
        connection.close()

    threads = [threading.Thread(target=sending) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302] * 4
    assert Story.objects.filter(title="Twice").count() == 1

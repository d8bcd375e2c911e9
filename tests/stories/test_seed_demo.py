"""The demo loader: realistic, idempotent, and its password refused outside demo mode."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from stories.auth import DEMO_PASSWORD
from stories.models import Recording, Story, Storyteller

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DEMO_MODE=1"):
        call_command("seed_demo")


def test_seed_demo_loads_a_realistic_project_once(settings, capsys):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    assert Storyteller.objects.count() == 12
    counts = {status: Story.objects.filter(status=status).count() for status in Story.Status}
    assert counts["published"] >= 5
    assert counts["withdrawn"] == 1
    assert Story.objects.public().count() == counts["published"]
    archive_only = Story.objects.filter(
        current_consent__archive_research=True,
        current_consent__publish_transcript=False,
        current_consent__publish_audio=False,
        current_consent__use_sensemaking=False,
    )
    assert archive_only.exists()
    assert Recording.objects.count() >= 3
    assert len({s.credit_preference for s in Storyteller.objects.all()}) == 3
    output = capsys.readouterr().out
    assert "curator" in output
    assert DEMO_PASSWORD in output

    call_command("seed_demo")
    assert Storyteller.objects.count() == 12
    assert "already loaded" in capsys.readouterr().out


def test_demo_password_works_only_in_demo_mode(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    assert authenticate(username="curator", password=DEMO_PASSWORD) is not None
    settings.DEMO_MODE = False
    assert authenticate(username="curator", password=DEMO_PASSWORD) is None


def test_each_demo_interviewer_can_add_stories_for_their_storytellers(settings, client):
    from django.urls import reverse

    settings.DEMO_MODE = True
    call_command("seed_demo")
    for username in ("interviewer", "interviewer2"):
        client.login(username=username, password=DEMO_PASSWORD)
        page = client.get(reverse("stories:story-create", args=["value-of-coproduction"]))
        assert "First add the storyteller" not in page.content.decode(), username


def test_demo_workshop_has_quotes_under_themes(settings):
    from sensemaking.models import Quote, Workshop

    settings.DEMO_MODE = True
    call_command("seed_demo")
    call_command("seed_demo_workshop")
    call_command("seed_demo_workshop")
    assert Workshop.objects.count() == 1
    assert Quote.objects.count() >= 10
    assert all(quote.themes.exists() for quote in Quote.objects.all())

"""The worker does first what a person is waiting for: a PDF goes before queued report extracts."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from sensemaking import services
from sensemaking.models import ReportFile
from sensemaking.tasks import cut_clip

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_pdf_asked_for_after_many_extracts_is_made_first(client, reported, team, run_worker):
    published = services.publish_report(version=reported.version, by=team.curator)
    # As a first visit to a report with many key quotes does: dozens of extracts are queued.
    for clip_id in range(1, 35):
        cut_clip.enqueue(clip_id)
    client.force_login(team.facilitator)
    client.post(reverse("sensemaking:report-pdf", args=[published.report.slug, "1.0"]))

    run_worker("--max-tasks", "1")

    assert ReportFile.objects.get().state == ReportFile.State.READY
    waiting = DBTaskResult.objects.filter(status="READY")
    assert waiting.count() == 34
    assert {task.task_path for task in waiting} == {"sensemaking.tasks.cut_clip"}

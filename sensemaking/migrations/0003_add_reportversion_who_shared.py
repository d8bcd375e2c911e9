from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from sensemaking.demographics import fixed_figures


def fix_existing_figures(apps, schema_editor):
    """Give every existing version fixed figures, by the rule saving a version now follows."""
    ReportVersion = apps.get_model("sensemaking", "ReportVersion")
    Story = apps.get_model("stories", "Story")
    Storyteller = apps.get_model("stories", "Storyteller")
    stored = {}  # project id -> what its versions stored, oldest first
    for version in ReportVersion.objects.select_related("report").order_by(
        "report_id", "major", "minor"
    ):
        if version.content:
            story_ids = version.content["stories"]
        else:
            story_ids = Story.objects.filter(workshops__report_versions=version).values("pk")
        people = Storyteller.objects.filter(
            stories__current_consent__withdrawn=False, stories__in=story_ids
        ).distinct()
        earlier = stored.setdefault(version.report.project_id, [])
        previous = next(
            (figures for report_id, figures in reversed(earlier) if report_id == version.report_id),
            None,
        )
        version.who_shared = fixed_figures(
            {person.pk: person for person in people},
            previous=previous,
            earlier=[figures for _, figures in earlier],
            threshold=settings.REPORT_SMALL_NUMBER,
            counted_on=timezone.localdate().isoformat(),
        )
        version.save(update_fields=["who_shared"])
        earlier.append((version.report_id, version.who_shared))


class Migration(migrations.Migration):
    dependencies = [
        ("sensemaking", "0002_add_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportversion",
            name="who_shared",
            field=models.JSONField(
                blank=True,
                editable=False,
                help_text=(
                    'The "who shared their stories" figures as shown, fixed when the version is '
                    "saved, and every earlier count they were checked against."
                ),
                null=True,
            ),
        ),
        migrations.RunPython(fix_existing_figures, migrations.RunPython.noop),
    ]

"""Round the "who shared" figures stored before figures were rounded.

Kept exact, they would go on being shown (a new version reuses figures near its own) beside
rounded ones, and exact and rounded counts of nearly the same people can be compared.
"""

from django.db import migrations

from sensemaking.demographics import Demographics, rounded


def _round(figures: dict) -> dict:
    if figures.get("rounded_to"):
        return figures
    return rounded(Demographics.from_json(figures)).as_json()


def round_stored_figures(apps, schema_editor):
    ReportVersion = apps.get_model("sensemaking", "ReportVersion")
    for version in ReportVersion.objects.filter(who_shared__isnull=False):
        stored = version.who_shared
        for count in [stored["shown"], *stored["counted"]]:
            count["figures"] = _round(count["figures"])
        version.save(update_fields=["who_shared"])


class Migration(migrations.Migration):
    dependencies = [
        ("sensemaking", "0003_add_reportversion_who_shared"),
    ]

    operations = [
        migrations.RunPython(round_stored_figures, migrations.RunPython.noop),
    ]

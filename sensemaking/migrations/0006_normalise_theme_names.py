"""Store theme names as they are now compared: NFC, without invisible characters, single spaces.

A theme whose normalised name another theme of its project already has is left as it was, for
a facilitator to merge on the board: renaming it would break the one-name rule, and merging
here would decide for them.
"""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Lower

from stories.text import normalise_name


def normalise_theme_names(apps, schema_editor):
    Theme = apps.get_model("sensemaking", "Theme")
    for theme in Theme.objects.all():
        name = normalise_name(theme.name)
        if name == theme.name:
            continue
        clash = (
            Theme.objects.annotate(key=Lower("name"))
            .filter(project_id=theme.project_id, key=Lower(Value(name)))
            .exclude(pk=theme.pk)
            .exists()
        )
        if not clash:
            Theme.objects.filter(pk=theme.pk).update(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("sensemaking", "0005_quote_transcript_restrict"),
    ]

    operations = [
        migrations.RunPython(normalise_theme_names, migrations.RunPython.noop),
    ]

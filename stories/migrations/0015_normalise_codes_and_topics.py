"""Store storyteller codes and topic names as they are now compared: NFC, without invisible
characters, single spaces.

One that would become the same as another (a code in its project, a topic anywhere) is left as
it was: changing it would break the one-name rule, and merging topics here would decide for the
curators.
"""

from django.db import migrations

from stories.text import normalise_name


def _normalise(model, field: str, **scope_of) -> None:
    for row in model.objects.all():
        value = normalise_name(getattr(row, field))
        if value == getattr(row, field):
            continue
        scope = {name: getattr(row, attribute) for name, attribute in scope_of.items()}
        if not model.objects.filter(**scope, **{field: value}).exclude(pk=row.pk).exists():
            model.objects.filter(pk=row.pk).update(**{field: value})


def normalise_codes_and_topics(apps, schema_editor):
    _normalise(apps.get_model("stories", "Storyteller"), "code", project_id="project_id")
    _normalise(apps.get_model("taggit", "Tag"), "name")


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0014_add_project_withdrawn_retention_days"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunPython(normalise_codes_and_topics, migrations.RunPython.noop),
    ]

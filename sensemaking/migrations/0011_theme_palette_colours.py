"""Give themes still on the one default colour a colour of the palette, by their order.

Highlights are painted in their themes' colours: with one colour for every theme they would say
nothing. A theme someone gave another colour keeps it.
"""

from django.db import migrations

PALETTE = (
    "#1d4f7a",
    "#a0361c",
    "#00703c",
    "#6f3c8f",
    "#8a5a00",
    "#0b6e79",
    "#b10e5a",
    "#4d5b12",
    "#2f3b8c",
    "#6b4a2e",
)


def colour_themes(apps, schema_editor):
    Theme = apps.get_model("sensemaking", "Theme")
    for theme in Theme.objects.filter(colour__iexact=PALETTE[0]).order_by("position", "pk"):
        Theme.objects.filter(pk=theme.pk).update(colour=PALETTE[theme.position % len(PALETTE)])


class Migration(migrations.Migration):
    dependencies = [
        ("sensemaking", "0010_quote_removed_version"),
    ]

    operations = [
        migrations.RunPython(colour_themes, migrations.RunPython.noop),
    ]

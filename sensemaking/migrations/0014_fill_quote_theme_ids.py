"""Write each existing quote's theme ids into Quote.theme_ids, as services.record_theme_ids does."""

from django.db import migrations
from django.db.models import CharField, OuterRef, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Coalesce


def fill(apps, schema_editor):
    Quote = apps.get_model("sensemaking", "Quote")
    QuoteTheme = apps.get_model("sensemaking", "QuoteTheme")
    ids = (
        QuoteTheme.objects.filter(content_object=OuterRef("pk"))
        .order_by()
        .values("content_object")
        .annotate(ids=StringAgg(Cast("tag_id", CharField()), Value(",")))
        .values("ids")
    )
    Quote.objects.update(theme_ids=Coalesce(Subquery(ids), Value("")))


class Migration(migrations.Migration):
    dependencies = [("sensemaking", "0013_quote_theme_ids")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

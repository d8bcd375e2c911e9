"""PostgreSQL only: the pg_trgm extension and the indexes that make search fast.

Other databases (the SQLite demo) skip this; their search is simpler and needs no index.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS stories_segment_search_gin "
    "ON stories_segment USING GIN (search_vector)",
    "CREATE INDEX IF NOT EXISTS stories_story_search_gin "
    "ON stories_story USING GIN (search_vector)",
    "CREATE INDEX IF NOT EXISTS stories_searchterm_word_trgm "
    "ON stories_searchterm USING GIN (word gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS stories_searchterm_word_trgm",
    "DROP INDEX IF EXISTS stories_story_search_gin",
    "DROP INDEX IF EXISTS stories_segment_search_gin",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("stories", "0002_add_search_and_featured")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]

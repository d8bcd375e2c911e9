"""PostgreSQL only: audit rows are append-only in the database, not only in the model.

A trigger refuses every UPDATE and every DELETE of stories_auditevent, with one narrow
exception for erasure (stories/erasure.py). In its own transaction the erasure names what it
erases with SET LOCAL corpro.erasing_stories = '<story ids>' and corpro.erasing_storytellers =
'<storyteller ids>'; the trigger then lets it delete only
- the rows of those stories, and only while each story is withdrawn, and
- the rows without a story that name one of those storytellers by code (storyteller added,
  private link made or stopped), and only while every story of that storyteller is withdrawn.
The erasure writes its tombstone row in the same transaction. Other databases (the SQLite demo)
skip this; the model still refuses to save a changed row.
"""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION stories_auditevent_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        erasing_stories bigint[] := string_to_array(
            NULLIF(current_setting('corpro.erasing_stories', true), ''), ','
        )::bigint[];
        erasing_storytellers bigint[] := string_to_array(
            NULLIF(current_setting('corpro.erasing_storytellers', true), ''), ','
        )::bigint[];
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.story_id = ANY (erasing_stories) AND EXISTS (
                SELECT 1 FROM stories_story story
                WHERE story.id = OLD.story_id AND story.status = 'withdrawn'
            ) THEN
                RETURN OLD;
            END IF;
            IF OLD.story_id IS NULL AND EXISTS (
                SELECT 1 FROM stories_storyteller teller
                WHERE teller.id = ANY (erasing_storytellers)
                    AND teller.project_id = OLD.project_id
                    AND teller.code = OLD.details ->> 'storyteller'
                    AND NOT EXISTS (
                        SELECT 1 FROM stories_story story
                        WHERE story.storyteller_id = teller.id AND story.status <> 'withdrawn'
                    )
            ) THEN
                RETURN OLD;
            END IF;
        END IF;
        RAISE EXCEPTION 'Audit events are append-only: % of stories_auditevent % is refused',
            TG_OP, OLD.id
            USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    "DROP TRIGGER IF EXISTS stories_auditevent_append_only ON stories_auditevent",
    """
    CREATE TRIGGER stories_auditevent_append_only
    BEFORE UPDATE OR DELETE ON stories_auditevent
    FOR EACH ROW EXECUTE FUNCTION stories_auditevent_append_only()
    """,
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS stories_auditevent_append_only ON stories_auditevent",
    "DROP FUNCTION IF EXISTS stories_auditevent_append_only()",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)  # no %-formatting: RAISE uses %

    return apply


class Migration(migrations.Migration):
    dependencies = [("stories", "0010_add_subject_access_copy")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]

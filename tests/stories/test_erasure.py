"""Audit rows are append-only in PostgreSQL: the database itself refuses to change them."""

import pytest
from django.db import IntegrityError, connection, transaction

from stories.models import AuditEvent
from tests.factories import ALL_SCOPES, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn(team):
    return make_story(
        team.project, team.interviewer, scopes=ALL_SCOPES, status="withdrawn", curator=team.curator
    )


def run_sql(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_to_change_or_delete_audit_rows(team, withdrawn):
    event = AuditEvent.objects.filter(story=withdrawn).first()
    with pytest.raises(IntegrityError, match="append-only"):
        run_sql("UPDATE stories_auditevent SET actor_label = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        run_sql("DELETE FROM stories_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk, actor_label=event.actor_label).exists()

"""The task worker: django-tasks-db's `db_worker`, and a task whose worker died is run again."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from corpro import worker


class Command(db_worker.Command):
    help = (
        "Run background tasks. A task whose worker was killed is run again by the next free "
        "worker within seconds (PostgreSQL only)."
    )

    def handle(self, *args, **options):
        options["worker_id"] = worker.WORKER_ID_PREFIX + options["worker_id"]
        reloader = options["reload"] and not options["batch"]
        if reloader and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # This process only restarts the one that runs tasks, which holds its own lock.
            return super().handle(*args, **options)
        with worker.alive(worker_id=options["worker_id"], backend_name=options["backend_name"]):
            return super().handle(*args, **options)

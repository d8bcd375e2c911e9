"""Lose no task when a task worker dies, and let tasks store their files so that a re-run is safe.

django-tasks-db marks a task RUNNING when a worker claims it and leaves it so for ever if that
worker is killed. So each of our workers (`manage.py worker`) holds a PostgreSQL advisory lock,
keyed by its id, on a connection of its own for as long as it lives: PostgreSQL lets go of the
lock the moment the process dies (its connection closes), or once TCP keepalives give up
(about 25 s) if its machine disappears. Every worker, as it starts and then every REAP_SECONDS,
puts back in the queue the RUNNING tasks of our workers whose lock is gone, so the next free
worker runs them again. The tasks are written to be run again after a kill at any point.
"""

import logging
import threading
from contextlib import contextmanager

from django.core.files.base import File
from django.core.files.storage import Storage
from django.core.management.base import CommandError
from django.db import close_old_connections, connections, router
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from stories.media import NO_ROOM, NoRoom, disk_full

logger = logging.getLogger(__name__)

# Only tasks claimed by workers with this prefix are ever put back: a plain `db_worker` holds no
# lock, and its tasks must not be run twice while it is still running them.
WORKER_ID_PREFIX = "corpro-"
LOCK_SPACE = 0x636F7270  # the first key of every worker's advisory lock ("corp")
REAP_SECONDS = 10
# A task whose worker died this many times (say it runs the machine out of memory) fails.
MAX_ATTEMPTS = 3
# Seconds for PostgreSQL to notice a worker whose machine went away without closing its socket.
KEEPALIVE = {"tcp_keepalives_idle": 10, "tcp_keepalives_interval": 5, "tcp_keepalives_count": 3}
# Task priorities: django-tasks-db hands out the highest first. What a person is watching a
# progress bar for (a PDF, a copy of everything held) goes before routine work (probing a
# recording, making the copy listeners hear), and report extracts, of which a first visit to a
# report may queue dozens, wait until nothing else is queued.
WAITED_FOR = 50
WHEN_IDLE = -50

LIVE_WORKERS = """
    SELECT worker_id FROM unnest(%s::text[]) AS worker_id
    WHERE EXISTS (
        SELECT 1 FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND classid = %s::oid AND objid = hashtext(worker_id)::oid
    )
"""


class WorkerDied(Exception):
    """The worker running a task stopped before the task finished, MAX_ATTEMPTS times."""


WORKER_DIED = f"{__name__}.{WorkerDied.__qualname__}"


@contextmanager
def alive(*, worker_id: str, backend_name: str):
    """Hold this worker's lock while it runs tasks, and keep putting back dead workers' tasks."""
    alias = router.db_for_write(DBTaskResult)
    if connections[alias].vendor != "postgresql":
        logger.warning("Tasks of a worker that dies are run again only on PostgreSQL.")
        yield
        return
    lock = connections.create_connection(alias)  # never closed by Django between tasks
    lock.inc_thread_sharing()  # taken here, then checked by the reaper thread
    try:
        if not _hold(lock, worker_id):
            raise CommandError(f"Another worker is running with the id {worker_id}.")
        # Tasks left RUNNING under this very id were claimed by an earlier process that used it.
        requeue_dead_workers_tasks(backend_name=backend_name, own_id=worker_id)
        stop = threading.Event()
        reaper = threading.Thread(
            target=_reap, args=(stop, lock, backend_name, worker_id), name="reaper", daemon=True
        )
        reaper.start()
        try:
            yield
        finally:
            stop.set()
            reaper.join(timeout=5)
    finally:
        lock.close()


def _hold(lock, worker_id: str) -> bool:
    """Check the worker's lock is held, taking it again if its connection was lost."""
    if lock.connection is not None and lock.is_usable():
        return True
    lock.close()
    with lock.cursor() as cursor:
        for name, value in KEEPALIVE.items():
            cursor.execute(f"SET {name} = {int(value)}")
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [LOCK_SPACE, worker_id])
        return cursor.fetchone()[0]


def _reap(stop: threading.Event, lock, backend_name: str, worker_id: str) -> None:
    while not stop.wait(REAP_SECONDS):
        try:
            # Without its lock (say the database restarted), others would take its tasks.
            if not _hold(lock, worker_id):
                logger.error("Another worker took the id %s.", worker_id)
            requeue_dead_workers_tasks(backend_name=backend_name, live_id=worker_id)
        except Exception:  # the database may be restarting: try again next round
            logger.exception("Looking for tasks of workers that died failed")
        finally:
            close_old_connections()


def requeue_dead_workers_tasks(
    *, backend_name: str, own_id: str = "", live_id: str = ""
) -> list[str]:
    """Queue again the running tasks of our workers that died; return the tasks' ids.

    `own_id` is the calling worker's id before it runs anything (its tasks are an earlier
    process's); `live_id` is its id while it runs tasks (they are its own, so never touched).
    """
    running = [
        (task, task["worker_ids"][-1])
        for task in DBTaskResult.objects.running()
        .filter(backend_name=backend_name)
        .values("id", "task_path", "worker_ids", "started_at")
        if task["worker_ids"] and task["worker_ids"][-1].startswith(WORKER_ID_PREFIX)
    ]
    candidates = {last for _task, last in running} - {own_id, live_id}
    alive_ids = live_workers(candidates) if candidates else set()
    requeued = []
    for task, last in running:
        if last == live_id or last in alive_ids:
            continue
        # Only if it is still the claim we looked at: the worker may have finished it since.
        claim = DBTaskResult.objects.filter(
            pk=task["id"], status=TaskResultStatus.RUNNING, started_at=task["started_at"]
        )
        attempts = len(task["worker_ids"])
        if attempts >= MAX_ATTEMPTS:
            message = f"The worker running this task stopped {attempts} times; it is not run again."
            failed = claim.update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path=WORKER_DIED,
                traceback=f"{WORKER_DIED}: {message}\n",
            )
            if failed:
                logger.error("Task %s (%s) failed: %s", task["id"], task["task_path"], message)
        elif claim.update(status=TaskResultStatus.READY):
            logger.warning(
                "Task %s (%s) was running on worker %s, which stopped; it is queued again.",
                task["id"],
                task["task_path"],
                last,
            )
            requeued.append(str(task["id"]))
    return requeued


def live_workers(worker_ids: set[str]) -> set[str]:
    """Return those of these workers that hold their lock, so are running."""
    alias = router.db_for_write(DBTaskResult)
    with connections[alias].cursor() as cursor:
        cursor.execute(LIVE_WORKERS, [sorted(worker_ids), LOCK_SPACE])
        return {row[0] for row in cursor.fetchall()}


def store_output(storage: Storage, folder: str, filename: str, content: File, *, keep=()) -> str:
    """Save a task's file into a folder that only its row's files use, and return its name.

    Call it holding the row's lock, so no other run is writing there: any other file in the
    folder (but those in `keep`) was left by a run killed while storing, and is deleted first.
    A write that fails leaves nothing either, and a full disk raises stories.media.NoRoom.
    """
    delete_leftovers(storage, folder, keep=keep)
    try:
        return storage.save(f"{folder}/{filename}", content)
    except OSError as error:
        delete_leftovers(storage, folder, keep=keep)  # an empty or partial file
        if disk_full(error):
            raise NoRoom(NO_ROOM) from error
        raise


def delete_leftovers(storage: Storage, folder: str, *, keep=()) -> None:
    """Delete the files in a row's folder but those in `keep`."""
    try:
        _folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        if f"{folder}/{name}" not in keep:
            storage.delete(f"{folder}/{name}")

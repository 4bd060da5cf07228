"""Recording background task runs in ``TaskRun`` (DESIGN.md section 6).

Two ways in, same record:

- ``RecordedTask``, a Celery base class: every attempt of the task writes one row, the
  dict the task returns becomes the row's ``counts``. It also carries the house defaults
  for retries on transient errors and a time box.
- ``recorded_run(task_name)``, a context manager for code that is not a Celery task
  (management commands, scripts); it yields the ``TaskRun`` whose ``counts`` the caller
  fills.

Recording is bookkeeping: a failure to write the record is logged and never hides or
replaces the task's own outcome or exception.
"""

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from celery import Task
from celery.exceptions import Retry
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from pmo.core.models import TaskRun

logger = logging.getLogger(__name__)

# Keeps a record readable in the admin and bounded in size.
ERROR_TRACEBACK_FRAMES = 5
ERROR_MAX_CHARS = 4000

# Errors that usually go away on their own: a database or broker restart, a network blip.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


def describe_error(exc: BaseException) -> str:
    """``Type: message`` then the last few frames of the traceback, truncated."""
    if isinstance(exc, Retry):
        cause = exc.exc if isinstance(exc.exc, BaseException) else None
        head = f"Retry scheduled ({exc.humanize()})"
        if cause is None:
            return head
        return f"{head} after {describe_error(cause)}"[:ERROR_MAX_CHARS]
    summary = f"{exc.__class__.__name__}: {exc}"
    frames = traceback.format_exception(exc, limit=-ERROR_TRACEBACK_FRAMES)
    text = f"{summary}\n\n{''.join(frames)}"
    return text[:ERROR_MAX_CHARS]


def _start(task_name: str, task_id: str | None) -> TaskRun | None:
    try:
        return TaskRun.objects.create(
            task_name=task_name[:200], task_id=(task_id or "")[:64], started_at=timezone.now()
        )
    except Exception:
        logger.exception("Could not record the start of task %s", task_name)
        return None


def _finish(run: TaskRun | None, outcome: str, counts: dict, error: str = "") -> None:
    if run is None:
        return
    run.finished_at = timezone.now()
    run.outcome = outcome
    run.counts = counts
    run.error = error
    try:
        # update(), not save(): the row may be gone (pruned by hand) and that is fine.
        TaskRun.objects.filter(pk=run.pk).update(
            finished_at=run.finished_at, outcome=outcome, counts=counts, error=error
        )
    except Exception:
        logger.exception("Could not record the end of task run %s", run.pk)


def _outcome_for(exc: BaseException) -> str:
    return TaskRun.Outcome.RETRY if isinstance(exc, Retry) else TaskRun.Outcome.FAILURE


@contextmanager
def recorded_run(task_name: str, task_id: str | None = None) -> Iterator[TaskRun]:
    """Record one run of ``task_name``; fill ``run.counts`` inside the block.

    >>> with recorded_run("imports.nightly") as run:
    ...     run.counts["imported"] = import_rows()
    """
    run = _start(task_name, task_id)
    handle = run if run is not None else TaskRun(task_name=task_name, task_id=task_id or "")
    try:
        yield handle
    except BaseException as exc:
        _finish(run, _outcome_for(exc), dict(handle.counts), describe_error(exc))
        raise
    _finish(run, TaskRun.Outcome.SUCCESS, dict(handle.counts))


class RecordedTask(Task):
    """Base class for scheduled and background tasks whose runs PMO staff should see.

    The task returns a dict of counts (``{"deleted": 12}``); each attempt, retries
    included, is one ``TaskRun`` row. Subclasses or ``@shared_task(...)`` options may
    override the defaults below.
    """

    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = True
    retry_backoff_max = 10 * 60
    retry_jitter = True
    max_retries = 3
    soft_time_limit = 10 * 60
    time_limit = 11 * 60

    def __call__(self, *args, **kwargs):
        run = _start(self.name, self.request.id)
        try:
            result = super().__call__(*args, **kwargs)
        except BaseException as exc:
            _finish(run, _outcome_for(exc), {}, describe_error(exc))
            raise
        counts = result if isinstance(result, dict) else {}
        _finish(run, TaskRun.Outcome.SUCCESS, counts)
        return result


def prune_task_runs_before(cutoff, *, batch_size: int = 5000) -> int:
    """Delete runs started before ``cutoff``, in batches so no single delete runs long.

    Returns how many rows were deleted; running it again deletes nothing more.
    """
    deleted = 0
    while True:
        # Served by taskrun_started_idx.
        ids = list(
            TaskRun.objects.filter(started_at__lt=cutoff)
            .order_by("started_at")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return deleted
        count, _ = TaskRun.objects.filter(pk__in=ids).delete()
        deleted += count


def prune_cutoff(keep_days: int):
    if keep_days < 1:
        raise ValueError("keep_days must be at least 1 so the running task keeps its record.")
    return timezone.now() - timedelta(days=keep_days)

"""Operational tasks of the core app: liveness probe and housekeeping of run records."""

import socket

from celery import shared_task

from pmo.core.task_runs import RecordedTask, prune_cutoff, prune_task_runs_before


@shared_task(name="pmo.core.tasks.ping", bind=True, soft_time_limit=10, time_limit=15)
def ping(self) -> dict:
    """Answer "pong" with the name of the worker that ran it.

    Not recorded as a TaskRun: probes run often and say nothing PMO staff need to keep.
    ``celery -A pmo call pmo.core.tasks.ping`` checks a worker end to end (broker in,
    task executed, result back).
    """
    return {"reply": "pong", "hostname": self.request.hostname or socket.gethostname()}


@shared_task(
    name="pmo.core.tasks.prune_task_runs",
    base=RecordedTask,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def prune_task_runs(keep_days: int = 90) -> dict:
    """Delete TaskRun records started more than ``keep_days`` ago.

    Scheduled daily by django-celery-beat (seeded in core migration 0003). Idempotent:
    a second run on the same day finds nothing left to delete.
    """
    return {"deleted": prune_task_runs_before(prune_cutoff(int(keep_days)))}

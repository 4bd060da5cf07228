"""Recording task runs and pruning old records, without a broker."""

import importlib
import json
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from pmo.celery import app
from pmo.core.models import TaskRun
from pmo.core.task_runs import (
    describe_error,
    prune_cutoff,
    prune_task_runs_before,
    recorded_run,
)
from pmo.core.tasks import prune_task_runs

pytestmark = pytest.mark.django_db


def make_run(days_ago: float, **fields) -> TaskRun:
    started = timezone.now() - timedelta(days=days_ago)
    defaults = {
        "task_name": "tests.sample",
        "finished_at": started + timedelta(seconds=3),
        "outcome": TaskRun.Outcome.SUCCESS,
    }
    return TaskRun.objects.create(started_at=started, **{**defaults, **fields})


def test_recorded_run_success_stores_outcome_counts_and_finish_time():
    with recorded_run("tests.import", task_id="abc-123") as run:
        assert TaskRun.objects.get(pk=run.pk).outcome == TaskRun.Outcome.RUNNING
        run.counts["imported"] = 7

    stored = TaskRun.objects.get(pk=run.pk)
    assert stored.task_name == "tests.import"
    assert stored.task_id == "abc-123"
    assert stored.outcome == TaskRun.Outcome.SUCCESS
    assert stored.counts == {"imported": 7}
    assert stored.finished_at >= stored.started_at
    assert stored.duration is not None
    assert stored.error == ""


def test_recorded_run_failure_stores_error_text_and_reraises():
    with pytest.raises(ValueError, match="bad row 42"), recorded_run("tests.import") as run:
        run.counts["imported"] = 3
        raise ValueError("bad row 42")

    stored = TaskRun.objects.get(pk=run.pk)
    assert stored.outcome == TaskRun.Outcome.FAILURE
    assert stored.finished_at is not None
    assert stored.counts == {"imported": 3}, "partial counts are kept"
    assert stored.error.startswith("ValueError: bad row 42")
    assert "Traceback" in stored.error
    assert "test_task_runs.py" in stored.error


def test_error_text_is_bounded():
    try:
        raise RuntimeError("x" * 10_000)
    except RuntimeError as exc:
        text = describe_error(exc)
    assert len(text) <= 4000
    assert text.startswith("RuntimeError: xxx")


def test_recorded_task_success_records_returned_counts():
    make_run(days_ago=120)

    result = prune_task_runs.apply(kwargs={"keep_days": 90})

    assert result.successful()
    assert result.result == {"deleted": 1}
    run = TaskRun.objects.get(task_name="pmo.core.tasks.prune_task_runs")
    assert run.outcome == TaskRun.Outcome.SUCCESS
    assert run.counts == {"deleted": 1}
    assert run.task_id == result.id
    assert run.finished_at is not None


def test_recorded_task_failure_records_error():
    result = prune_task_runs.apply(kwargs={"keep_days": 0}, throw=False)

    assert result.failed()
    run = TaskRun.objects.get(task_name="pmo.core.tasks.prune_task_runs")
    assert run.outcome == TaskRun.Outcome.FAILURE
    assert run.error.startswith("ValueError: keep_days must be at least 1")
    assert run.counts == {}


def test_prune_deletes_only_rows_older_than_keep_days():
    old = [make_run(days_ago=91), make_run(days_ago=400, outcome=TaskRun.Outcome.FAILURE)]
    stuck = make_run(days_ago=200, outcome=TaskRun.Outcome.RUNNING, finished_at=None)
    recent = [make_run(days_ago=89), make_run(days_ago=1), make_run(days_ago=0)]

    counts = prune_task_runs(keep_days=90)

    assert counts == {"deleted": 3}
    remaining = set(TaskRun.objects.values_list("pk", flat=True))
    assert not remaining & {r.pk for r in [*old, stuck]}
    assert {r.pk for r in recent} <= remaining
    # The prune run itself is recorded and kept.
    assert TaskRun.objects.filter(
        task_name="pmo.core.tasks.prune_task_runs", outcome=TaskRun.Outcome.SUCCESS
    ).exists()


def test_prune_twice_is_safe():
    make_run(days_ago=100)
    make_run(days_ago=10)

    assert prune_task_runs(keep_days=30) == {"deleted": 1}
    assert prune_task_runs(keep_days=30) == {"deleted": 0}

    names = list(TaskRun.objects.values_list("task_name", flat=True))
    assert sorted(names) == sorted(["tests.sample", *["pmo.core.tasks.prune_task_runs"] * 2])


def test_prune_works_in_batches():
    for days in range(100, 107):
        make_run(days_ago=days)

    assert prune_task_runs_before(prune_cutoff(90), batch_size=3) == 7
    assert not TaskRun.objects.exists()


@pytest.mark.parametrize("keep_days", [0, -5])
def test_prune_refuses_a_window_that_would_delete_its_own_record(keep_days):
    with pytest.raises(ValueError):
        prune_cutoff(keep_days)


def test_prune_is_scheduled_daily_at_0330_by_the_data_migration():
    task = PeriodicTask.objects.select_related("crontab").get(name="Prune task run records")

    assert task.task == "pmo.core.tasks.prune_task_runs"
    assert task.enabled
    assert json.loads(task.kwargs) == {"keep_days": 90}
    assert (task.crontab.minute, task.crontab.hour) == ("30", "3")
    assert task.crontab.day_of_week == task.crontab.day_of_month == "*"
    assert "prune_task_runs" in app.tasks[task.task].name


def test_schedule_migration_is_idempotent_and_reversible():
    migration = importlib.import_module("pmo.core.migrations.0003_prune_task_runs_schedule")
    edited = PeriodicTask.objects.get(name="Prune task run records")
    edited.enabled = False  # as PMO staff might in the admin
    edited.save()

    migration.seed_schedule(django_apps, None)
    assert PeriodicTask.objects.filter(name="Prune task run records").count() == 1
    assert not PeriodicTask.objects.get(name="Prune task run records").enabled, "edits kept"
    assert CrontabSchedule.objects.filter(minute="30", hour="3").count() == 1

    migration.remove_schedule(django_apps, None)
    assert not PeriodicTask.objects.filter(name="Prune task run records").exists()
    assert not CrontabSchedule.objects.filter(minute="30", hour="3").exists()

    migration.seed_schedule(django_apps, None)
    assert PeriodicTask.objects.get(name="Prune task run records").enabled

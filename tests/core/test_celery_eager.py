"""Tasks through Celery's own machinery, run eagerly in the test process."""

import pytest

from pmo.celery import app
from pmo.core.models import TaskRun
from pmo.core.task_runs import RecordedTask
from pmo.core.tasks import ping, prune_task_runs

pytestmark = pytest.mark.django_db

attempts: dict[str, int] = {}


@app.task(name="tests.core.flaky_sync", base=RecordedTask, retry_jitter=False)
def flaky_sync(fail_times: int) -> dict:
    """Fails with a transient error ``fail_times`` times, then succeeds."""
    attempts["flaky"] = attempts.get("flaky", 0) + 1
    if attempts["flaky"] <= fail_times:
        raise ConnectionError(f"broker blip #{attempts['flaky']}")
    return {"synced": 2, "attempts": attempts["flaky"]}


@app.task(name="tests.core.broken", base=RecordedTask)
def broken() -> dict:
    raise KeyError("missing column")


@pytest.fixture
def eager(request):
    """CELERY_TASK_ALWAYS_EAGER (and CELERY_TASK_EAGER_PROPAGATES) for one test.

    The Celery app read Django settings once, when it was first used, so overriding
    ``settings.CELERY_TASK_ALWAYS_EAGER`` afterwards would change nothing: set the app's
    configuration and put it back. Tests of retries turn propagation off
    (``@pytest.mark.parametrize("eager", [False], indirect=True)``): with it on, Celery
    raises the first ``Retry`` to the caller instead of running the next attempt.
    """
    propagates = getattr(request, "param", True)
    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = propagates
    attempts.clear()
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


no_propagation = pytest.mark.parametrize("eager", [False], indirect=True, ids=["no-propagate"])


def test_delay_runs_eagerly_and_records_the_run(eager):
    result = prune_task_runs.delay(keep_days=30)

    assert result.get(timeout=5) == {"deleted": 0}
    run = TaskRun.objects.get()
    assert run.task_name == "pmo.core.tasks.prune_task_runs"
    assert run.task_id == result.id
    assert run.outcome == TaskRun.Outcome.SUCCESS
    assert run.counts == {"deleted": 0}


def test_ping_answers_pong_with_a_hostname_and_is_not_recorded(eager):
    reply = ping.delay().get(timeout=5)

    assert reply["reply"] == "pong"
    assert reply["hostname"]
    assert not TaskRun.objects.exists()


@no_propagation
def test_transient_error_is_retried_and_each_attempt_recorded(eager):
    result = flaky_sync.delay(fail_times=2)

    assert result.get(timeout=5) == {"synced": 2, "attempts": 3}
    runs = list(TaskRun.objects.filter(task_name="tests.core.flaky_sync").order_by("pk"))
    assert [r.outcome for r in runs] == ["retry", "retry", "success"]
    assert runs[0].error.startswith("Retry scheduled (in ")
    assert "ConnectionError: broker blip #1" in runs[0].error
    assert runs[-1].counts == {"synced": 2, "attempts": 3}
    assert all(r.finished_at for r in runs)


@no_propagation
def test_retries_stop_after_max_retries_and_the_last_attempt_is_a_failure(eager):
    result = flaky_sync.delay(fail_times=99)

    assert result.failed()
    with pytest.raises(ConnectionError, match="blip #4"):
        result.get(timeout=5)

    outcomes = list(
        TaskRun.objects.filter(task_name="tests.core.flaky_sync")
        .order_by("pk")
        .values_list("outcome", flat=True)
    )
    assert outcomes == ["retry", "retry", "retry", "failure"], "max_retries=3: four attempts"


def test_non_transient_error_is_not_retried(eager):
    with pytest.raises(KeyError):
        broken.delay()

    run = TaskRun.objects.get(task_name="tests.core.broken")
    assert run.outcome == TaskRun.Outcome.FAILURE
    assert run.error.startswith("KeyError: 'missing column'")


def test_apply_without_eager_mode_records_too():
    assert not app.conf.task_always_eager
    result = prune_task_runs.apply(kwargs={"keep_days": 7})

    assert result.get() == {"deleted": 0}
    assert TaskRun.objects.get().outcome == TaskRun.Outcome.SUCCESS


def test_recorded_tasks_are_time_boxed_and_retry_transient_errors():
    assert prune_task_runs.soft_time_limit == 5 * 60
    assert prune_task_runs.time_limit > prune_task_runs.soft_time_limit
    assert ConnectionError in prune_task_runs.autoretry_for
    assert prune_task_runs.max_retries == 3
    assert prune_task_runs.retry_backoff

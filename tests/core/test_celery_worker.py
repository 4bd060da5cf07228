"""A real Celery worker process on Redis, running tasks against the test database.

The worker is a subprocess started with the same command line as production (solo pool,
one queue of its own), pointed at a Redis database reserved for this module and at the
test database. The test sends tasks through a Celery client configured for that Redis
database, independent of the test process's own app (configured for ``make test``'s
REDIS_URL when ``pmo.celery`` was imported).
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from celery import Celery
from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.db import connection
from django.utils import timezone

from pmo.core.models import TaskRun

pytestmark = pytest.mark.celery_worker

BASE_DIR = Path(__file__).resolve().parents[2]
# A Redis database for this module only, so its keys never mix with the app's or
# make test's (db 14). Override with CELERY_WORKER_TEST_REDIS_URL.
WORKER_REDIS_URL = os.environ.get("CELERY_WORKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
READY_TIMEOUT = 60
RESULT_TIMEOUT = 30
STOP_TIMEOUT = 15


def celery_executable() -> str:
    beside_python = Path(sys.executable).with_name("celery")
    return str(beside_python) if beside_python.exists() else shutil.which("celery") or "celery"


def database_url_for(settings_dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD")
    auth = f"{user}:{password}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"


class Worker:
    def __init__(self, process: subprocess.Popen, queue: str, log_path: Path, client: Celery):
        self.process = process
        self.queue = queue
        self.log_path = log_path
        self.client = client
        self.sent = []

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-6000:]
        except OSError:
            return "(no worker log)"

    def send(self, name: str, **kwargs):
        result = self.client.send_task(name, kwargs=kwargs, queue=self.queue)
        self.sent.append(result)
        return result

    def wait(self, result, timeout: float = RESULT_TIMEOUT):
        """The task's result, failing early (with the worker's log) if the worker died."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"Celery worker exited with {self.process.returncode}:\n{self.log()}")
            try:
                return result.get(timeout=1, interval=0.1)
            except CeleryTimeoutError:
                if time.monotonic() > deadline:
                    pytest.fail(f"No result for {result.task_name} in {timeout}s:\n{self.log()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """One worker for the module, stopped (and its queue removed) whatever happens."""
    try:
        broker = redis.Redis.from_url(WORKER_REDIS_URL, socket_timeout=5)
        broker.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {WORKER_REDIS_URL} is needed for the worker tests: {exc}")

    with django_db_blocker.unblock():
        database_url = database_url_for(connection.settings_dict)

    # Unique names: several checkouts may run this module against one Redis at once,
    # which is also why the Redis database is not flushed.
    queue = f"pmo-test-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pmo.settings",
        "REDIS_URL": WORKER_REDIS_URL,
        "DATABASE_URL": database_url,
        # No pooled connections left behind when pytest-django drops the test database.
        "DB_CONN_MAX_AGE": "0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        celery_executable(),
        "-A",
        "pmo",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
    ]
    client = Celery(
        "pmo-worker-test-client",
        broker=WORKER_REDIS_URL,
        backend=WORKER_REDIS_URL,
        set_as_current=False,
    )
    client.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_timeout=5,
        redis_socket_timeout=10,
        redis_socket_connect_timeout=5,
    )
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    running = Worker(process, queue, log_path, client)
    try:
        yield running
    finally:
        running.stop()
        for result in running.sent:
            result.forget()
        client.close()
        broker.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        broker.close()


@pytest.fixture(scope="module")
def ready_worker(worker):
    """The worker once it answers: the first ping waits in the queue until it consumes."""
    started = time.monotonic()
    reply = worker.wait(worker.send("pmo.core.tasks.ping"), timeout=READY_TIMEOUT)
    worker.ready_after = time.monotonic() - started
    worker.first_reply = reply
    return worker


def test_worker_answers_ping_with_its_hostname(ready_worker):
    reply = ready_worker.wait(ready_worker.send("pmo.core.tasks.ping"))

    assert reply["reply"] == "pong"
    assert reply["hostname"].startswith(f"{ready_worker.queue}@")
    assert ready_worker.first_reply == reply
    print(f"worker ready after {ready_worker.ready_after:.1f}s")


def test_worker_runs_recorded_task_against_the_test_database(transactional_db, ready_worker):
    old = TaskRun.objects.create(
        task_name="tests.old", started_at=timezone.now() - timedelta(days=120)
    )
    recent = TaskRun.objects.create(task_name="tests.recent")

    result = ready_worker.send("pmo.core.tasks.prune_task_runs", keep_days=90)
    counts = ready_worker.wait(result)

    assert counts == {"deleted": 1}
    assert not TaskRun.objects.filter(pk=old.pk).exists()
    assert TaskRun.objects.filter(pk=recent.pk).exists()
    run = TaskRun.objects.get(task_name="pmo.core.tasks.prune_task_runs")
    assert run.task_id == result.id
    assert run.outcome == TaskRun.Outcome.SUCCESS
    assert run.counts == {"deleted": 1}
    assert run.finished_at is not None


def test_worker_records_a_failed_run(transactional_db, ready_worker):
    result = ready_worker.send("pmo.core.tasks.prune_task_runs", keep_days=0)

    with pytest.raises(ValueError, match="keep_days must be at least 1"):
        ready_worker.wait(result)

    run = TaskRun.objects.get(task_id=result.id)
    assert run.outcome == TaskRun.Outcome.FAILURE
    assert run.error.startswith("ValueError: keep_days must be at least 1")


def test_worker_reconciles_the_risk_rules(transactional_db, ready_worker):
    """A domain app's scheduled task runs in the real worker too (autodiscovered)."""
    from risks.models import RiskAppetite
    from tests.risks.factories import RiskFactory

    risk = RiskFactory(inherent_probability=5, inherent_impact=5)
    RiskAppetite.objects.create(portfolio=risk.project.portfolio, max_score=10)

    result = ready_worker.send("risks.tasks.reconcile_risk_rules")

    assert ready_worker.wait(result) == {"open": 1, "changed": 1}
    risk.refresh_from_db()
    assert risk.escalated_to == risk.project.portfolio.owner

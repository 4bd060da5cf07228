"""Time a 1,000-task plan end to end: rescheduling, the schedule and Gantt pages, exports.

Usage (a scratch PostgreSQL database that seed_demo has filled; see benchmarks/pages.py):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pmo_bench .venv/bin/python benchmarks/large_plan.py

Builds (once) project BENCH-1000 with 20 phases x 50 tasks chained finish-to-start inside
each phase and linked across phases, then prints median / p95 times and query counts.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from pmo.core.models import User  # noqa: E402
from projects.models import Dependency, Portfolio, Project, Task  # noqa: E402
from projects.services.schedule import renumber_outline, reschedule_project  # noqa: E402

CODE = "BENCH-1000"
REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))


def build_plan(pm) -> Project:
    project = Project.objects.filter(code=CODE).first()
    if project is not None:
        return project
    project = Project.objects.create(
        code=CODE,
        name="Benchmark: 1,000 tasks",
        portfolio=Portfolio.objects.order_by("pk").first(),
        project_manager=pm,
        planned_start=datetime.date(2026, 1, 5),
        planned_finish=datetime.date(2028, 12, 29),
        status="active",
    )
    phases = Task.objects.bulk_create(
        Task(project=project, name=f"Phase {p + 1}", position=p + 1, duration_days=0)
        for p in range(20)
    )
    tasks = Task.objects.bulk_create(
        Task(
            project=project,
            parent=phase,
            name=f"Task {p + 1}.{t + 1}",
            position=t + 1,
            duration_days=1 + (t * 7 + p) % 9,
        )
        for p, phase in enumerate(phases)
        for t in range(50)
    )
    links = [Dependency(predecessor=tasks[i - 1], successor=tasks[i]) for i in range(1, len(tasks))]
    links += [
        Dependency(predecessor=tasks[i - 47], successor=tasks[i], type="SS", lag_days=2)
        for i in range(60, len(tasks), 10)
    ]
    Dependency.objects.bulk_create(links)
    renumber_outline(project=project)
    return project


def timed(label, call, repeat=REPEAT, width=40):
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    print(
        f"{label:{width}} {statistics.median(samples):10.1f} {p95:8.1f} "
        f"{len(ctx.captured_queries):8d}"
    )


def main():
    settings.ALLOWED_HOSTS = ["*"]
    pm = User.objects.get(username="pm")
    project = build_plan(pm)
    print(
        f"{project.code}: {project.tasks.count()} WBS rows, "
        f"{Dependency.objects.filter(successor__project=project).count()} dependencies\n"
    )
    print(f"{'what':40} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    timed("reschedule_project", lambda: reschedule_project(project=project), repeat=5)
    client = Client()
    client.force_login(pm)
    base = f"/projects/{project.code}"

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    for url in ("/schedule/", "/gantt/", "/schedule/export.csv", "/schedule/export.xml"):
        timed(f"GET {url}", lambda url=url: get(base + url))


if __name__ == "__main__":
    main()

"""Time the schedule risk pages end to end on a 1,000-task plan (run by hand, not in CI).

Usage (a scratch PostgreSQL database that seed_demo has filled; see benchmarks/pages.py):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pmo_bench \
        .venv/bin/python benchmarks/schedule_risk_page.py

Builds (once) project BENCH-RISK-1000 with the plan of ``benchmarks/large_plan.py`` (20 phases
x 50 tasks, finish-to-start chains inside each phase, start-to-start links across phases),
plus a zero-duration milestone closing each phase (linked to a Milestone row), three-point
estimates on two tasks in three, and a saved baseline. Then prints median / p95 server times
and query counts of: the analysis page (GET through Django's test client, so request,
selector, simulation, plotly figures and template all count) with the default 5,000 iterations
and with the most this plan may run (tasks x iterations is capped), its parts on their own, the
estimates page, and saving one page (100 rows) of estimates through the service.

The machine's load shows in the engine's line: compare it with benchmarks/schedule_risk.py.
"""

import importlib
import logging
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from pmo.core.models import User  # noqa: E402
from projects.models import Baseline, Dependency, Milestone, Task  # noqa: E402
from projects.services.baselines import baseline_create  # noqa: E402
from projects.services.schedule import renumber_outline, reschedule_project  # noqa: E402
from risks.forms.schedule_risk import max_iterations  # noqa: E402
from risks.schedule_risk import simulate_schedule  # noqa: E402
from risks.selectors.schedule_risk import risk_network, schedule_risk_analysis  # noqa: E402
from risks.services.estimates import EstimateRow, task_estimates_save  # noqa: E402

large_plan = importlib.import_module("large_plan")  # the plan of benchmarks/large_plan.py

CODE = "BENCH-RISK-1000"
REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))


def build_plan(pm):
    large_plan.CODE = CODE
    project = large_plan.build_plan(pm)
    project.name = "Benchmark: schedule risk of 1,000 tasks"
    project.save(update_fields=["name"])
    if Milestone.objects.filter(project=project).exists():
        return project
    phases = list(Task.objects.filter(project=project, parent=None).order_by("position"))
    gates = Task.objects.bulk_create(
        Task(project=project, parent=phase, name=f"Phase {n} done", position=51, duration_days=0)
        for n, phase in enumerate(phases, start=1)
    )
    last_tasks = {
        t.parent_id: t
        for t in Task.objects.filter(
            project=project, parent__isnull=False, duration_days__gt=0
        ).order_by("parent_id", "position")
    }
    Dependency.objects.bulk_create(
        Dependency(predecessor=last_tasks[gate.parent_id], successor=gate) for gate in gates
    )
    leaves = list(
        Task.objects.filter(project=project, duration_days__gt=0, parent__isnull=False).order_by(
            "pk"
        )
    )
    estimated = [t for n, t in enumerate(leaves) if n % 3]
    for n, task in enumerate(estimated):
        task.optimistic_days = max(1, task.duration_days * 8 // 10)
        task.pessimistic_days = task.duration_days * (14 + n % 10) // 10 + 1
    Task.objects.bulk_update(estimated, ["optimistic_days", "pessimistic_days"])
    renumber_outline(project=project)
    reschedule_project(project=project)
    for gate in Task.objects.filter(pk__in=[g.pk for g in gates]):
        Milestone.objects.create(
            project=project, name=gate.name, owner=pm, forecast_date=gate.early_start, task=gate
        )
    baseline_create(project=project, name="Benchmark baseline", by=pm)
    return project


def timed(label, call, repeat=REPEAT):
    large_plan.timed(label, call, repeat=repeat, width=52)


def main():
    settings.ALLOWED_HOSTS = ["*"]
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the refused runs' 400s
    pm = User.objects.get(username="pm")
    project = build_plan(pm)
    tasks = Task.objects.filter(project=project)
    print(
        f"{connection.vendor}: {project.code}: {tasks.count()} WBS rows, "
        f"{Dependency.objects.filter(successor__project=project).count()} dependencies, "
        f"{tasks.exclude(optimistic_days=None).count()} tasks with estimates, "
        f"{Milestone.objects.filter(project=project).count()} milestones, "
        f"{Baseline.objects.filter(project=project).count()} baseline\n"
    )
    print(f"{'what':52} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    client = Client()
    client.force_login(pm)
    base = f"/projects/{project.code}/risks/schedule/"

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    network = risk_network(project)
    timed("selector: risk_network (load the plan)", lambda: risk_network(project))
    timed(
        "engine: simulate_schedule, 5,000 iterations",
        lambda: simulate_schedule(
            network.tasks,
            network.dependencies,
            start=network.start,
            calendar=network.calendar,
            milestones=network.milestones,
            baseline_finish=network.baseline_finish,
            milestone_baselines=network.milestone_baselines,
            iterations=5000,
            seed=1,
        ),
    )
    timed("GET analysis (5,000 iterations, triangular)", lambda: get(base))
    most = max_iterations(len(network.tasks))
    timed(
        f"GET analysis ({most:,} iterations, the plan's maximum, PERT)",
        lambda: get(f"{base}?iterations={most}&distribution=pert"),
        repeat=max(3, REPEAT // 2),
    )

    def refused():
        response = client.get(f"{base}?iterations=50000")
        assert response.status_code == 400, response.status_code

    timed("GET analysis (50,000 iterations: refused, 400)", refused)
    timed("GET estimates page (100 rows)", lambda: get(base + "estimates/"))

    # Saving one page of estimates: every row changes, so all 100 go through save_versioned.
    page = list(
        Task.objects.filter(project=project, duration_days__gt=0, parent__isnull=False).order_by(
            "sort_key", "pk"
        )[:100]
    )
    ids = [t.pk for t in page]

    def save_page():
        current = Task.objects.filter(pk__in=ids).only(
            "pk", "version", "duration_days", "optimistic_days", "pessimistic_days"
        )
        rows = [
            EstimateRow(
                task_id=t.pk,
                version=t.version,
                optimistic_days=max(0, t.duration_days - 1),
                # Always a change, and no drift from one run of the script to the next.
                pessimistic_days=4 * t.duration_days
                + (2 if t.pessimistic_days == 4 * t.duration_days + 1 else 1),
            )
            for t in current
        ]
        assert len(task_estimates_save(project=project, by=pm, rows=rows)) == len(rows)

    timed("save 100 estimates (task_estimates_save)", save_page, repeat=5)
    size = len(get(base).content)
    analysis = schedule_risk_analysis(project, iterations=5000, seed=1, distribution="triangular")
    finish = analysis.result.finish
    print(
        f"\nfinish: plan {finish.deterministic_date}, P50 {finish.p50_date}, "
        f"P80 {finish.p80_date}, P90 {finish.p90_date}; "
        f"P(by baseline {finish.baseline}) = {finish.probability_on_baseline:.3f}; "
        f"page {size / 1024:.0f} KB"
    )


if __name__ == "__main__":
    main()

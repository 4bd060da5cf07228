"""Time the risk register pages with a large register (run by hand, not in CI).

Usage (a scratch PostgreSQL database):
    createdb -h 127.0.0.1 -U postgres pmo_bench_risks
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pmo_bench_risks
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python benchmarks/risk_pages.py          # adds 2,000 risks to PRJ-0001 once

Adds ``BENCH_RISKS`` (default 2,000) open risks with history to PRJ-0001 the first time,
then prints, per page: median and 95th-percentile server time over ``BENCH_REPEAT``
requests through Django's test client, and the number of SQL queries of one request.
"""

import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from benchmarks.pages import time_pages  # noqa: E402
from projects.models import Project  # noqa: E402
from risks.models import Risk, RiskCategory  # noqa: E402

TARGET = int(os.environ.get("BENCH_RISKS", "2000"))
PREFIX = "Bench risk"


def add_risks(project: Project) -> None:
    have = Risk.objects.filter(project=project, title__startswith=PREFIX).count()
    if have >= TARGET:
        return
    rng = random.Random(7)
    categories = list(RiskCategory.objects.all())
    start = (Risk.objects.filter(project=project).order_by("-number").first()).number
    today = timezone.localdate()
    rows = []
    for n in range(TARGET - have):
        number = start + n + 1
        p, i = rng.randint(1, 5), rng.randint(1, 5)
        rows.append(
            Risk(
                project=project,
                number=number,
                reference=f"{project.code}-R{number:02d}",
                title=f"{PREFIX} {number}",
                event="a generated event",
                category=rng.choice(categories),
                owner=project.project_manager,
                status=rng.choice(["identified", "assessed", "responding", "monitoring"]),
                inherent_probability=p,
                inherent_impact=i,
                inherent_score=p * i,
                residual_probability=max(1, p - 1),
                residual_impact=i,
                residual_score=max(1, p - 1) * i,
                current_score=max(1, p - 1) * i,
                cost_impact=rng.randint(1, 500) * 1000,
                currency=project.currency,
                next_review_on=today + timezone.timedelta(days=rng.randint(-20, 60)),
            )
        )
    bulk_create_with_history(rows, Risk, batch_size=500)


def main():
    settings.ALLOWED_HOSTS = ["*"]
    project = Project.objects.get(code="PRJ-0001")
    add_risks(project)
    count = Risk.objects.filter(project=project).count()
    risk = Risk.objects.filter(project=project).exclude(title__startswith=PREFIX).first()
    code, pf = project.code, project.portfolio.code
    print(f"{connection.vendor}, {count} risks in {code}, {Risk.objects.count()} in all\n")
    print(f"{'user':8} {'page':58} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    pages = [
        ("pm", "/risks/"),
        ("pm", f"/projects/{code}/risks/"),
        ("pm", f"/projects/{code}/risks/?page=40&sort=-current"),
        ("pm", f"/projects/{code}/risks/?status=all&band=high"),
        ("pmo", f"/portfolios/{pf}/risks/"),
        ("pm", f"/projects/{code}/risks/heatmap/"),
        ("pm", f"/projects/{code}/risks/heatmap/cell/?basis=inherent&p=3&i=4"),
        ("pmo", f"/portfolios/{pf}/risks/heatmap/"),
        ("pm", f"/projects/{code}/risks/reviews/"),
        ("pm", f"/projects/{code}/risks/trend/?weeks=52"),
        ("pm", f"/projects/{code}/risks/issues/"),
        ("pm", f"/projects/{code}/risks/sessions/"),
        ("pm", f"/projects/{code}/risks/triage/"),
        ("pm", f"/risks/{risk.reference}/"),
        ("pm", f"/risks/{risk.reference}/review/"),
        ("pm", f"/projects/{code}/risks/export/?format=csv&status=all"),
        ("pm", f"/projects/{code}/risks/export/?format=xlsx&status=all"),
        ("pm", "/risks/matrix/"),
        ("pm", f"/projects/{code}/risks/schedule/"),
    ]
    time_pages(pages, user_width=8, url_width=58)


if __name__ == "__main__":
    main()

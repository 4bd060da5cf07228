"""Time the main pages on a large demo organisation (run by hand, not in CI).

Usage:
    createdb -h 127.0.0.1 -U postgres pmo_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pmo_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pmo_bench \
        .venv/bin/python manage.py seed_demo --projects 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pmo_bench .venv/bin/python benchmarks/pages.py

Prints, per page and user: median and 95th-percentile server time over N requests through
Django's test client (no network), and the number of SQL queries of one request.
"""

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
from projects.models import Project  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def measure(client, url):
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(REPEAT):
        reset_queries()
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    return statistics.median(timings), p95, len(ctx.captured_queries)


def main():
    settings.ALLOWED_HOSTS = ["*"]
    project_count = Project.objects.count()
    busiest = Project.objects.order_by("-version", "code").first()
    print(f"{connection.vendor}, {project_count} projects, {REPEAT} requests per row\n")
    print(f"{'user':10} {'page':45} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    pages = [
        ("pmo", "/portfolios/"),
        ("pmo", "/portfolios/DIGITAL/"),
        ("pmo", "/projects/"),
        ("pmo", "/projects/?sort=-finish&page=40"),
        ("pmo", "/projects/?health=red&stage=execution"),
        ("pmo", "/projects/?q=portal"),
        ("pmo", "/projects/?format=csv"),
        ("pm", "/projects/"),
        ("pm", "/projects/mine/"),
        ("member", "/my-work/"),
        ("exec", f"/projects/{busiest.code}/"),
        ("pm", f"/projects/{busiest.code}/edit/"),
        # Planning pages of the demo's flagship project (seed_demo gives it a full plan).
        ("pm", "/projects/PRJ-0001/charter/"),
        ("pm", "/projects/PRJ-0001/scope/"),
        ("pm", "/projects/PRJ-0001/schedule/"),
        ("pm", "/projects/PRJ-0001/gantt/"),
        ("pm", "/projects/PRJ-0001/milestones/"),
        ("pm", "/projects/PRJ-0001/budget/"),
        ("pm", "/projects/PRJ-0001/gates/"),
        ("pm", "/projects/PRJ-0001/reports/"),
        ("pm", "/projects/PRJ-0001/reports/new/"),
        ("pm", "/milestones/mine/"),
        ("pmo", "/portfolios/DIGITAL/timeline/"),
        ("pm", "/projects/PRJ-0001/schedule/export.xml"),
    ]
    time_pages(pages, user_width=10, url_width=45)


def time_pages(pages, *, user_width, url_width):
    """Print one row per (username, url): median and p95 ms and the query count."""
    clients = {}
    for username, url in pages:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        median, p95, queries = measure(clients[username], url)
        print(f"{username:{user_width}} {url:{url_width}} {median:10.1f} {p95:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()

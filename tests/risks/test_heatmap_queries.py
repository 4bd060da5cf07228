"""Query budgets of the heat-map pages: the same limit with 3 risks as with 2,000
(DESIGN.md section 7), on a project, a portfolio with many projects and a crowded cell."""

import itertools
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risks.models import Risk
from tests.factories import ProjectFactory

STATUSES = ["identified", "assessed", "responding", "monitoring", "closed", "proposed"]
PAGE_LIMIT = 11  # measured: project 11, portfolio 10
CELL_LIMIT = 10  # measured: 10 (page and htmx fragment)


def bulk_risks(count, *, projects, owners):
    """``count`` risks spread over the cells, statuses, projects and owners (bulk_create
    skips save(), so the stored scores are set here)."""
    rows = []
    cells = itertools.cycle([(p, i) for p in range(1, 6) for i in range(1, 6)])
    numbers = {}
    for n in range(count):
        project = projects[n % len(projects)]
        numbers[project.pk] = numbers.get(project.pk, 0) + 1
        number = numbers[project.pk]
        p, i = next(cells)
        rp, ri = (max(p - 1, 1), i) if n % 3 == 0 else (None, None)
        current = (rp or p) * (ri or i)
        rows.append(
            Risk(
                project=project,
                number=number,
                reference=f"{project.code}-R{number:04d}",
                title=f"Risk {n}",
                status=STATUSES[n % len(STATUSES)],
                owner=owners[n % len(owners)],
                inherent_probability=p,
                inherent_impact=i,
                inherent_score=p * i,
                residual_probability=rp,
                residual_impact=ri,
                residual_score=rp * ri if rp else None,
                current_score=current,
                cost_impact=D(1000 * (n % 7)) if n % 2 else None,
                currency="EUR" if n % 5 else "GBP",
            )
        )
    Risk.objects.bulk_create(rows, batch_size=500)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


@pytest.fixture
def many_projects(project, other_project):
    extra = [ProjectFactory(portfolio=project.portfolio) for _ in range(3)]
    return [project, other_project, *extra]


@pytest.mark.parametrize("count", [3, 2000])
def test_project_heat_map_queries_do_not_grow_with_risks(
    client, pm, member, project, django_assert_max_num_queries, count
):
    bulk_risks(count, projects=[project], owners=[pm, member])
    client.force_login(pm)
    url = reverse("risks:project_heatmap", kwargs={"code": project.code})
    with django_assert_max_num_queries(PAGE_LIMIT):
        response = client.get(url)
    assert response.status_code == 200
    heat = response.context["heat"]
    assert heat.open_count == sum(
        1 for n in range(count) if STATUSES[n % 6] not in ("closed", "proposed")
    )
    assert sum(map(sum, heat.inherent)) == heat.open_count
    assert len(response.context["top_risks"]) == min(10, heat.open_count)


@pytest.mark.parametrize("count", [3, 2000])
def test_portfolio_heat_map_queries_do_not_grow_with_risks_or_projects(
    client, pm, other_pm, pmo_staff, many_projects, django_assert_max_num_queries, count
):
    bulk_risks(count, projects=many_projects, owners=[pm, other_pm])
    client.force_login(pm)  # not PMO staff: the rows are narrowed to what pm may see
    url = reverse("risks:portfolio_heatmap", kwargs={"code": "DIGITAL"})
    with django_assert_max_num_queries(PAGE_LIMIT):
        response = client.get(url)
    breakdown = response.context["breakdown"]
    assert breakdown.totals.total == response.context["heat"].open_count
    assert len(breakdown.rows) == min(count, len(many_projects))


@pytest.mark.parametrize("count", [3, 2000])
@pytest.mark.parametrize("htmx", [False, True])
def test_cell_queries_do_not_grow_with_risks(
    client, pm, member, project, django_assert_max_num_queries, count, htmx
):
    bulk_risks(count, projects=[project], owners=[pm, member])
    client.force_login(pm)
    # Every 25th risk sits at inherent 1x1; a third of them moved nowhere (1x1 stays 1x1).
    url = reverse("risks:project_heatmap_cell", kwargs={"code": project.code})
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with django_assert_max_num_queries(CELL_LIMIT):
        response = client.get(url + "?basis=inherent&p=1&i=1", **headers)
    assert response.status_code == 200
    assert len(response.context["risks"]) >= 1


def test_the_pages_cost_exactly_as_much_with_2000_risks_as_with_3(client, pm, member, project):
    urls = [
        reverse("risks:project_heatmap", kwargs={"code": project.code}),
        reverse("risks:portfolio_heatmap", kwargs={"code": "DIGITAL"}),
        reverse("risks:project_heatmap_cell", kwargs={"code": project.code})
        + "?basis=residual&p=1&i=1",
    ]
    bulk_risks(3, projects=[project], owners=[pm])
    client.force_login(pm)
    few = [count_queries(client, url)[0] for url in urls]
    Risk.objects.all().delete()
    bulk_risks(2000, projects=[project], owners=[pm, member])
    many = [count_queries(client, url)[0] for url in urls]
    assert few == many

"""Project, portfolio and program lists: scoping, filters, sorting, CSV and query budgets."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import (
    MembershipFactory,
    PortfolioFactory,
    ProgramFactory,
    ProjectFactory,
    UserFactory,
)


def codes(response):
    return [p.code for p in response.context["projects"]]


# --- Who sees what -----------------------------------------------------------------------
def test_member_sees_only_projects_they_belong_to(client, member, project, other_project):
    client.force_login(member)
    assert codes(client.get(reverse("projects:project_list"))) == ["PRJ-0042"]


def test_pm_sees_every_project_of_their_portfolios_but_not_others(
    client, pm, project, other_project
):
    elsewhere = ProjectFactory(code="FAR-1", portfolio=PortfolioFactory())
    client.force_login(pm)
    seen = codes(client.get(reverse("projects:project_list")))
    assert seen == ["PRJ-0042", "PRJ-0043"]
    assert elsewhere.code not in seen
    assert client.get(elsewhere.get_absolute_url()).status_code == 404


def test_executive_sees_every_project(client, executive, project, other_project):
    ProjectFactory(code="FAR-1", portfolio=PortfolioFactory())
    client.force_login(executive)
    assert codes(client.get(reverse("projects:project_list"))) == ["FAR-1", "PRJ-0042", "PRJ-0043"]


def test_my_projects_lists_only_involvement(client, pm, project, other_project):
    client.force_login(pm)
    assert codes(client.get(reverse("projects:my_projects"))) == ["PRJ-0042"]


def test_outsider_sees_empty_state(client, outsider, project):
    client.force_login(outsider)
    response = client.get(reverse("projects:project_list"))
    assert codes(response) == []
    assert 'data-testid="empty-state"' in response.content.decode()


def test_executive_page_has_no_edit_button(client, executive, project):
    client.force_login(executive)
    body = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="edit-project"' not in body
    assert reverse("projects:project_team", args=[project.code]) not in body


def test_pm_page_has_edit_button(client, pm, project):
    client.force_login(pm)
    body = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="edit-project"' in body


# --- Filters, sorting, CSV ---------------------------------------------------------------
@pytest.fixture
def spread(portfolio, pm):
    program = ProgramFactory(code="CX", portfolio=portfolio)
    return [
        ProjectFactory(
            code="A-1",
            name="Alpha",
            portfolio=portfolio,
            health="red",
            health_reason="late",
            stage="execution",
            project_manager=pm,
        ),
        ProjectFactory(
            code="B-1",
            name="Bravo",
            portfolio=portfolio,
            health="green",
            stage="planning",
            program=program,
        ),
        ProjectFactory(
            code="C-1",
            name="Charlie",
            portfolio=portfolio,
            health="amber",
            health_reason="risk",
            stage="execution",
            status="active",
        ),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"health": "red"}, ["A-1"]),
        ({"stage": "execution"}, ["A-1", "C-1"]),
        ({"status": "active"}, ["C-1"]),
        ({"program": "CX"}, ["B-1"]),
        ({"project_manager": "pm"}, ["A-1"]),
        ({"q": "brav"}, ["B-1"]),
        ({"portfolio": "DIGITAL", "stage": "execution", "health": "amber"}, ["C-1"]),
    ],
)
def test_filters(client, pmo_staff, spread, query, expected):
    client.force_login(pmo_staff)
    assert codes(client.get(reverse("projects:project_list"), query)) == expected


def test_bad_filter_value_is_a_form_error_not_a_500(client, pmo_staff, spread):
    client.force_login(pmo_staff)
    response = client.get(reverse("projects:project_list"), {"health": "purple"})
    assert response.status_code == 200
    assert "health" in response.context["filter"].form.errors


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["A-1", "B-1", "C-1"]),
        ("-name", ["C-1", "B-1", "A-1"]),
        ("health", ["C-1", "B-1", "A-1"]),  # amber, green, red (alphabetical by value)
        ("nonsense", ["A-1", "B-1", "C-1"]),  # unknown keys fall back to code
    ],
)
def test_sorting(client, pmo_staff, spread, sort, expected):
    client.force_login(pmo_staff)
    assert codes(client.get(reverse("projects:project_list"), {"sort": sort})) == expected


def test_csv_export_respects_filters_and_permissions(client, member, project, other_project):
    client.force_login(member)
    response = client.get(reverse("projects:project_list"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["Code", "Name"]
    assert [r[0] for r in rows[1:]] == ["PRJ-0042"]


def test_csv_neutralises_formulas(client, pmo_staff, portfolio):
    ProjectFactory(code="F-1", name='=HYPERLINK("http://evil")', portfolio=portfolio)
    client.force_login(pmo_staff)
    response = client.get(reverse("projects:project_list"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in body


def test_list_is_paginated(client, pmo_staff, portfolio):
    ProjectFactory.create_batch(30, portfolio=portfolio)
    client.force_login(pmo_staff)
    first = client.get(reverse("projects:project_list"))
    assert len(first.context["projects"]) == 25
    second = client.get(reverse("projects:project_list"), {"page": 2})
    assert len(second.context["projects"]) == 5


# --- Query budgets -----------------------------------------------------------------------
def _many_projects(portfolio, n):
    managers = UserFactory.create_batch(5, roles=["pm"])
    program = ProgramFactory(portfolio=portfolio)
    for i in range(n):
        project = ProjectFactory(
            portfolio=portfolio,
            program=program if i % 2 else None,
            project_manager=managers[i % 5],
        )
        if i % 3 == 0:
            MembershipFactory(project=project)


@pytest.mark.parametrize("n", [3, 300])
def test_project_list_query_count_does_not_grow_with_rows(
    client, pmo_staff, portfolio, n, django_assert_max_num_queries
):
    _many_projects(portfolio, n)
    client.force_login(pmo_staff)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("projects:project_list"), {"sort": "manager"})
    assert response.status_code == 200


@pytest.mark.parametrize("n", [3, 300])
def test_pm_project_list_query_count(client, pm, portfolio, n, django_assert_max_num_queries):
    _many_projects(portfolio, n)
    ProjectFactory(portfolio=portfolio, project_manager=pm)
    client.force_login(pm)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("projects:project_list")).status_code == 200


@pytest.mark.parametrize("n", [3, 300])
def test_portfolio_pages_query_count(
    client, executive, portfolio, n, django_assert_max_num_queries
):
    _many_projects(portfolio, n)
    for _ in range(5):
        PortfolioFactory()
    client.force_login(executive)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("projects:portfolio_list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(portfolio.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("n", [3, 300])
def test_project_detail_and_csv_query_count(client, pm, project, n, django_assert_max_num_queries):
    for _ in range(n // 10):
        MembershipFactory(project=project)
    client.force_login(pm)
    for i in range(n // 10):
        project.name = f"Rename {i}"
        project.version += 1
        project.save()
    with django_assert_max_num_queries(16):
        assert client.get(project.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(reverse("projects:project_list"), {"format": "csv"})
        b"".join(response.streaming_content)

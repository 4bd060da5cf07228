"""'My milestones': open milestones a person owns or whose project they manage."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Status
from tests.factories import MembershipFactory, PortfolioFactory, ProjectFactory
from tests.projects.factories_milestones import MilestoneFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/milestones/mine/"


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def names(response):
    return [m.name for m in response.context["milestones"]]


def test_url_is_readable():
    assert reverse("projects:my_milestones") == URL


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_lists_open_owned_and_managed_milestones_soonest_first(
    client, pm, member, project, other_project, portfolio
):
    MilestoneFactory(project=project, name="Managed later", forecast_date=in_days(20))
    MilestoneFactory(project=project, name="Managed soon", owner=member, forecast_date=in_days(2))
    MilestoneFactory(
        project=project, name="Achieved", forecast_date=in_days(-5), actual_date=in_days(-5)
    )
    MilestoneFactory(project=other_project, name="Someone else's", forecast_date=in_days(1))
    # A project the PM works on as a team member: only the milestone they own shows.
    MembershipFactory(project=other_project, user=pm)
    MilestoneFactory(
        project=other_project, name="Owned elsewhere", owner=pm, forecast_date=in_days(9)
    )
    closed = ProjectFactory(portfolio=portfolio, project_manager=pm, status=Status.CLOSED)
    MilestoneFactory(project=closed, name="On a closed project", forecast_date=in_days(3))
    client.force_login(pm)
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Managed soon", "Owned elsewhere", "Managed later"]


def test_member_sees_only_the_milestones_they_own(client, member, project):
    MilestoneFactory(project=project, name="PM's", forecast_date=in_days(2))
    MilestoneFactory(project=project, name="Mine", owner=member, forecast_date=in_days(4))
    client.force_login(member)
    response = client.get(URL)
    assert names(response) == ["Mine"]
    assert 'data-testid="quick-update"' in response.content.decode()


def test_owner_removed_from_the_project_no_longer_sees_it(client, outsider, pm, project):
    MilestoneFactory(project=project, name="Orphaned", owner=outsider, forecast_date=in_days(4))
    client.force_login(outsider)
    assert names(client.get(URL)) == []


def test_pmo_staff_see_the_ones_they_own_or_manage_not_everything(
    client, pmo_staff, project, portfolio
):
    MilestoneFactory(project=project, name="Not theirs", forecast_date=in_days(4))
    theirs = ProjectFactory(portfolio=portfolio, project_manager=pmo_staff)
    MilestoneFactory(project=theirs, name="Managed by PMO", forecast_date=in_days(6))
    client.force_login(pmo_staff)
    assert names(client.get(URL)) == ["Managed by PMO"]


def test_filters_by_project_and_by_derived_status(client, pm, project, portfolio):
    second = ProjectFactory(portfolio=portfolio, project_manager=pm, code="PRJ-0100")
    MilestoneFactory(
        project=project, name="Late one", baseline_date=in_days(5), forecast_date=in_days(20)
    )
    MilestoneFactory(
        project=project, name="At risk one", baseline_date=in_days(5), forecast_date=in_days(7)
    )
    MilestoneFactory(project=project, name="Missed one", forecast_date=in_days(-1))
    MilestoneFactory(project=second, name="Planned one", forecast_date=in_days(3))
    client.force_login(pm)
    assert names(client.get(URL, {"status": "late"})) == ["Late one"]
    assert names(client.get(URL, {"status": "at_risk"})) == ["At risk one"]
    assert names(client.get(URL, {"status": "missed"})) == ["Missed one"]
    assert names(client.get(URL, {"project": "PRJ-0100"})) == ["Planned one"]
    assert names(client.get(URL, {"project": "PRJ-0042", "status": "planned"})) == []
    body = client.get(URL, {"project": "PRJ-0042", "status": "planned"}).content.decode()
    assert "No open milestone matches these filters." in body


@pytest.mark.parametrize(
    "query", [{"status": "achieved"}, {"status": "bogus"}, {"project": "PRJ-9999"}]
)
def test_unknown_filter_values_are_a_400_with_a_message(client, pm, project, query):
    MilestoneFactory(project=project, forecast_date=in_days(3))
    client.force_login(pm)
    response = client.get(URL, query)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_project_filter_cannot_reach_another_pms_project(client, pm, project, other_project):
    MilestoneFactory(project=other_project, forecast_date=in_days(3))
    client.force_login(pm)
    assert client.get(URL, {"project": other_project.code}).status_code == 400


def test_empty_state_says_what_appears_here(client, executive):
    client.force_login(executive)
    body = client.get(URL).content.decode()
    assert "You have no open milestones." in body


def test_paginated_by_page_size(client, pm, project, settings):
    for i in range(settings.PAGE_SIZE + 3):
        MilestoneFactory(project=project, forecast_date=in_days(i))
    client.force_login(pm)
    first = client.get(URL)
    assert len(first.context["milestones"]) == settings.PAGE_SIZE
    assert len(client.get(URL, {"page": 2}).context["milestones"]) == 3


def test_quick_update_from_my_milestones_returns_the_same_row_layout(client, pm, project):
    m = MilestoneFactory(project=project, baseline_date=in_days(5), forecast_date=in_days(5))
    client.force_login(pm)
    url = reverse("projects:milestone_quick_update", args=[project.code, m.pk])
    form = client.get(url + "?layout=mine&next=/milestones/mine/", **HTMX).content.decode()
    assert 'name="layout" value="mine"' in form and 'name="next" value="/milestones/mine/"' in form
    data = {
        "forecast_date": in_days(12).isoformat(),
        "comment": "Key user on leave",
        "version": 1,
        "layout": "mine",
        "save": "1",
    }
    row = client.post(url, data, **HTMX).content.decode()
    assert f'href="/projects/{project.code}/milestones/"' in row and f">{project.code}</a>" in row
    assert "+7 late" in row and ">Late<" in row


def _world(n_projects, per_project, pm):
    """``n_projects`` projects managed by ``pm`` in one portfolio, ``per_project`` each."""
    portfolio = PortfolioFactory()
    for p in range(n_projects):
        project = ProjectFactory(portfolio=portfolio, project_manager=pm)
        member = MembershipFactory(project=project).user
        for i in range(per_project):
            MilestoneFactory(
                project=project,
                owner=member if i % 2 else pm,
                baseline_date=in_days(p + i),
                forecast_date=in_days(p + i + i % 7),
            )


@pytest.mark.parametrize(("n_projects", "per_project"), [(3, 2), (30, 10)])
def test_query_count_is_bounded_whatever_the_number_of_rows(
    client, pm, n_projects, per_project, django_assert_max_num_queries
):
    _world(n_projects, per_project, pm)
    client.force_login(pm)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.context["paginator"].count == n_projects * per_project
    # The seventh milestone of each project slips six days, beyond the tolerance: late.
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"status": "late"})
    assert response.context["paginator"].count == n_projects * len(range(6, per_project, 7))

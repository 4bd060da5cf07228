"""The risks home lists issues escalated to the user beside escalated risks, and links to
the organisation's risk standards."""

import pytest
from django.urls import reverse

from tests.risks.factories import IssueFactory

pytestmark = pytest.mark.django_db


def test_issue_escalated_to_me_is_listed_and_counted(client, project, executive, pm):
    IssueFactory(
        project=project, title="Data centre move slips", status="escalated", escalated_to=executive
    )
    IssueFactory(project=project, title="Not escalated", status="open")
    client.force_login(executive)
    response = client.get(reverse("risks:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Data centre move slips" in content
    assert "Not escalated" not in content
    assert response.context["escalated_issues_count"] == 1


def test_issue_escalated_to_someone_else_is_not_mine(client, project, executive, pmo_staff):
    IssueFactory(
        project=project, title="Escalated elsewhere", status="escalated", escalated_to=pmo_staff
    )
    client.force_login(executive)
    response = client.get(reverse("risks:home"))
    assert "Escalated elsewhere" not in response.content.decode()
    assert response.context["escalated_issues_count"] == 0


def test_more_than_ten_escalated_issues_are_counted_not_all_listed(client, project, executive):
    for n in range(12):
        IssueFactory(
            project=project, title=f"Escalated {n}", status="escalated", escalated_to=executive
        )
    client.force_login(executive)
    response = client.get(reverse("risks:home"))
    assert len(response.context["escalated_issues"]) == 10
    assert response.context["escalated_issues_more"] == 2


def test_home_links_to_the_matrix_and_categories(client, pm, project):
    client.force_login(pm)
    content = client.get(reverse("risks:home")).content.decode()
    assert reverse("risks:matrix") in content
    assert reverse("risks:categories") in content


def test_register_links_to_the_portfolio_appetite(client, pm, project):
    client.force_login(pm)
    content = client.get(reverse("risks:project_register", args=[project.code])).content.decode()
    assert reverse("risks:portfolio_appetite", args=[project.portfolio.code]) in content

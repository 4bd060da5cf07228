"""The risk admin pages open for PMO operations; reviews stay read-only there."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.risks.factories import ActionFactory, IssueFactory, ReviewFactory, RiskFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "matrixlevel",
    "scoreband",
    "riskcategory",
    "riskappetite",
    "risk",
    "issue",
    "identificationsession",
    "riskreview",
]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="ops", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_changelists_open(admin_client, project, model):
    ReviewFactory(risk=RiskFactory(project=project))
    assert admin_client.get(reverse(f"admin:risks_{model}_changelist")).status_code == 200


def test_risk_change_page_shows_actions_and_reviews(admin_client, project):
    risk = RiskFactory(project=project, title="Vendor API late")
    ActionFactory(risk=risk, description="Weekly call with the vendor")
    ReviewFactory(risk=risk, comment="Vendor confirmed the date")
    response = admin_client.get(reverse("admin:risks_risk_change", args=[risk.pk]))
    assert response.status_code == 200
    assert "Weekly call with the vendor" in response.content.decode()
    assert "Vendor confirmed the date" in response.content.decode()


def test_search_finds_a_risk_and_an_issue_by_reference(admin_client, project):
    RiskFactory(project=project, title="Vendor API late")
    IssueFactory(project=project, title="Test server down")
    risks = admin_client.get(reverse("admin:risks_risk_changelist"), {"q": "PRJ-0042-R01"})
    assert list(risks.context["cl"].result_list.values_list("title", flat=True)) == [
        "Vendor API late"
    ]
    issues = admin_client.get(reverse("admin:risks_issue_changelist"), {"q": "PRJ-0042-I01"})
    assert list(issues.context["cl"].result_list.values_list("title", flat=True)) == [
        "Test server down"
    ]


def test_reviews_cannot_be_added_or_changed_in_admin(admin_client, project):
    review = ReviewFactory(risk=RiskFactory(project=project))
    assert admin_client.get(reverse("admin:risks_riskreview_add")).status_code == 403
    change = admin_client.post(
        reverse("admin:risks_riskreview_change", args=[review.pk]), {"comment": "rewritten"}
    )
    assert change.status_code == 403
    review.refresh_from_db()
    assert review.comment == "Reviewed at the weekly meeting."

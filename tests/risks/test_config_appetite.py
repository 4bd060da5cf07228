"""A portfolio's risk appetite: read by whoever sees the portfolio, set by PMO staff; saving
escalates the open risks above it and lifts the escalation of those back within it."""

import pytest
from django.core.exceptions import PermissionDenied

from risks.models import Risk, RiskAppetite
from risks.services.config import appetite_save
from tests.factories import ProgramFactory, UserFactory
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.django_db

URL = "/portfolios/DIGITAL/risks/appetite/"


@pytest.mark.parametrize("persona", ["pmo_staff", "pm", "executive", "member"])
def test_people_who_see_the_portfolio_read_the_appetite(client, persona, project, request):
    RiskAppetite.objects.create(portfolio=project.portfolio, max_score=12, statement="Cautious.")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>12</strong>" in html and "Cautious." in html
    assert ('data-testid="appetite-form"' in html) == (persona == "pmo_staff")


def test_outsider_gets_404(client, outsider, project):
    client.force_login(outsider)
    assert client.get(URL).status_code == 404


@pytest.mark.parametrize("persona", ["pm", "executive", "member"])
def test_only_pmo_staff_set_it(client, persona, project, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(URL, {"max_score": 5, "statement": ""})
    assert response.status_code == 403
    assert not RiskAppetite.objects.exists()


def test_setting_the_appetite_escalates_risks_above_it(client, pmo_staff, project, pm):
    program = ProgramFactory(portfolio=project.portfolio, manager=UserFactory(roles=["pm"]))
    project.program = program
    project.save()
    in_program = RiskFactory(project=project, inherent_probability=4, inherent_impact=4)  # 16
    low = RiskFactory(project=project, inherent_probability=2, inherent_impact=2)  # 4
    closed = RiskFactory(
        project=project, inherent_probability=5, inherent_impact=5, status="closed"
    )
    client.force_login(pmo_staff)
    response = client.post(URL, {"max_score": 12, "statement": "No more than high risks."})
    assert response.status_code == 302
    appetite = RiskAppetite.objects.get(portfolio=project.portfolio)
    assert appetite.max_score == 12 and appetite.history.get().history_user == pmo_staff
    in_program.refresh_from_db()
    low.refresh_from_db()
    closed.refresh_from_db()
    assert in_program.escalated_to == program.manager  # the project's program manager
    assert in_program.escalated_at is not None
    assert low.escalated_to is None
    assert closed.escalated_to is None  # closed risks are not escalated


def test_raising_the_appetite_lifts_escalations(client, pmo_staff, project):
    risk = RiskFactory(project=project, inherent_probability=4, inherent_impact=4)
    appetite_save(by=pmo_staff, portfolio=project.portfolio, max_score=10)
    risk.refresh_from_db()
    assert risk.escalated_to == project.portfolio.owner
    client.force_login(pmo_staff)
    appetite = RiskAppetite.objects.get()
    response = client.post(URL, {"max_score": 20, "statement": "", "version": appetite.version})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.escalated_to is None and risk.escalated_at is None
    assert "risk appetite changed" in risk.history.latest().history_change_reason


def test_other_portfolios_are_untouched(pmo_staff, project):
    from tests.factories import PortfolioFactory, ProjectFactory

    elsewhere = ProjectFactory(portfolio=PortfolioFactory(code="OTHER"))
    foreign = RiskFactory(project=elsewhere, inherent_probability=5, inherent_impact=5)
    appetite_save(by=pmo_staff, portfolio=project.portfolio, max_score=3)
    foreign.refresh_from_db()
    assert foreign.escalated_to is None


def test_score_outside_the_matrix_is_400(client, pmo_staff, project):
    client.force_login(pmo_staff)
    response = client.post(URL, {"max_score": 30, "statement": ""})
    assert response.status_code == 400
    assert 'value="30"' in response.content.decode()
    assert not RiskAppetite.objects.exists()


def test_stale_save_is_409(client, pmo_staff, project):
    appetite_save(by=pmo_staff, portfolio=project.portfolio, max_score=10)
    appetite_save(by=pmo_staff, portfolio=project.portfolio, max_score=14, expected_version=1)
    client.force_login(pmo_staff)
    response = client.post(URL, {"max_score": 8, "statement": "mine", "version": 1})
    assert response.status_code == 409
    assert 'data-testid="stale-warning"' in response.content.decode()
    assert RiskAppetite.objects.get().max_score == 14


def test_service_refuses_non_pmo(pm, project):
    with pytest.raises(PermissionDenied):
        appetite_save(by=pm, portfolio=project.portfolio, max_score=10)


def test_program_and_project_kinds_have_no_appetite_page(client, pmo_staff, project):
    client.force_login(pmo_staff)
    assert client.get("/projects/PRJ-0042/risks/appetite/").status_code == 404


def test_save_query_count(client, pmo_staff, project, django_assert_max_num_queries):
    Risk.objects.bulk_create(
        Risk(
            project=project,
            number=i,
            reference=f"PRJ-0042-R{i:04d}",
            title="r",
            status="assessed",
            inherent_probability=4,
            inherent_impact=4,
            inherent_score=16,
            current_score=16,
        )
        for i in range(1, 2001)
    )
    client.force_login(pmo_staff)
    with django_assert_max_num_queries(60):
        response = client.post(URL, {"max_score": 12, "statement": ""})
    assert response.status_code == 302
    assert Risk.objects.filter(escalated_to__isnull=False).count() == 2000
    with django_assert_max_num_queries(20):
        assert client.get(URL).status_code == 200

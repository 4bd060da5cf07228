"""Portfolios and programs: PMO staff shape them; everyone else reads what they may see."""

from django.urls import reverse

from projects.models import Portfolio, Program
from tests.factories import PortfolioFactory, ProgramFactory


def test_pmo_creates_a_portfolio(client, pmo_staff):
    client.force_login(pmo_staff)
    response = client.post(
        reverse("projects:portfolio_create"),
        {"code": "INFRA", "name": "Infrastructure", "owner": pmo_staff.pk, "description": ""},
    )
    portfolio = Portfolio.objects.get(code="INFRA")
    assert response.status_code == 302 and response.url == portfolio.get_absolute_url()
    assert portfolio.history.get().history_user == pmo_staff


def test_portfolio_bad_input_keeps_what_was_typed(client, pmo_staff, portfolio):
    client.force_login(pmo_staff)
    response = client.post(
        reverse("projects:portfolio_create"),
        {"code": "DIGITAL", "name": "", "owner": pmo_staff.pk, "description": "Kept text"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "already exists" in " ".join(errors["code"])
    assert "name" in errors
    assert "Kept text" in response.content.decode()


def test_pm_cannot_create_or_edit_portfolios(client, pm, portfolio):
    client.force_login(pm)
    data = {"code": "X1", "name": "X", "owner": pm.pk}
    assert client.post(reverse("projects:portfolio_create"), data).status_code == 403
    edit = reverse("projects:portfolio_edit", args=[portfolio.code])
    assert client.post(edit, {**data, "version": 1}).status_code == 403
    assert not Portfolio.objects.filter(code="X1").exists()


def test_stale_portfolio_edit_is_refused(client, pmo_staff, portfolio):
    portfolio.name = "Digital first"
    portfolio.version = 2
    portfolio.save()
    client.force_login(pmo_staff)
    response = client.post(
        reverse("projects:portfolio_edit", args=[portfolio.code]),
        {"name": "Digital 2030", "owner": pmo_staff.pk, "description": "", "version": 1},
    )
    assert response.status_code == 409
    portfolio.refresh_from_db()
    assert portfolio.name == "Digital first"


def test_archived_portfolios_are_hidden_until_asked_for(client, executive):
    PortfolioFactory(name="Old things", is_archived=True)
    PortfolioFactory(name="Current")
    client.force_login(executive)
    names = [p.name for p in client.get(reverse("projects:portfolio_list")).context["portfolios"]]
    assert names == ["Current"]
    everything = client.get(reverse("projects:portfolio_list"), {"archived": "1"})
    assert [p.name for p in everything.context["portfolios"]] == ["Current", "Old things"]


def test_portfolio_counts_open_projects_by_health(client, executive, portfolio):
    from tests.factories import ProjectFactory

    ProjectFactory(portfolio=portfolio, health="red", health_reason="x")
    ProjectFactory(portfolio=portfolio, health="red", health_reason="x", status="closed")
    ProjectFactory(portfolio=portfolio, health="green")
    client.force_login(executive)
    row = client.get(reverse("projects:portfolio_list")).context["portfolios"][0]
    assert (row.project_count, row.open_count, row.red_count, row.green_count) == (3, 2, 1, 1)


def test_pmo_creates_a_program_in_a_portfolio(client, pmo_staff, pm, portfolio):
    client.force_login(pmo_staff)
    response = client.post(
        reverse("projects:program_create"),
        {"code": "CX", "name": "Customer experience", "portfolio": portfolio.pk, "manager": pm.pk},
    )
    program = Program.objects.get(code="CX")
    assert response.status_code == 302 and program.portfolio == portfolio


def test_program_manager_must_be_a_manager(client, pmo_staff, member, portfolio):
    client.force_login(pmo_staff)
    response = client.post(
        reverse("projects:program_create"),
        {"code": "CX", "name": "CX", "portfolio": portfolio.pk, "manager": member.pk},
    )
    assert response.status_code == 400
    assert "manager" in response.context["form"].errors


def test_member_cannot_see_a_program_outside_their_work(client, member, project):
    foreign = ProgramFactory()
    client.force_login(member)
    assert client.get(foreign.get_absolute_url()).status_code == 404
    assert client.get(project.portfolio.get_absolute_url()).status_code == 200

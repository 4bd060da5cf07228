"""Adding risks to a register: who may, what status they get, and what is refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risks.models import RiskAppetite, RiskStatus
from risks.registers import Register
from risks.services.risks import risk_create
from tests.factories import ProgramFactory, ProjectFactory
from tests.projects.factories_schedule import TaskFactory

pytestmark = pytest.mark.django_db


def _data(**extra):
    return {"title": "Vendor API late", "event": "the API ships late", **extra}


def test_pm_adds_an_assessed_risk_with_a_reference_and_history(project, pm):
    register = Register("project", project)
    risk = risk_create(
        register=register,
        by=pm,
        data=_data(owner=pm, inherent_probability=2, inherent_impact=3),
    )
    assert risk.reference == "PRJ-0042-R01"
    assert risk.status == RiskStatus.ASSESSED
    assert risk.current_score == 6
    assert risk.next_review_on is not None  # "medium" band cadence from today
    entry = risk.history.get()
    assert entry.history_user == pm
    assert entry.history_change_reason == "Risk added"


def test_unassessed_risk_is_identified(project, pm):
    risk = risk_create(register=Register("project", project), by=pm, data=_data())
    assert risk.status == RiskStatus.IDENTIFIED
    assert risk.next_review_on is None


def test_team_member_only_proposes(project, member):
    risk = risk_create(register=Register("project", project), by=member, data=_data())
    assert risk.status == RiskStatus.PROPOSED


@pytest.mark.parametrize("persona", ["executive", "other_pm", "outsider", "resource_manager"])
def test_readers_and_strangers_cannot_add_risks(project, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        risk_create(register=Register("project", project), by=user, data=_data())


def test_owner_must_be_on_the_project(project, pm, outsider):
    with pytest.raises(ValidationError) as info:
        risk_create(register=Register("project", project), by=pm, data=_data(owner=outsider))
    assert "owner" in info.value.message_dict


def test_tasks_of_another_project_cannot_be_linked(project, other_project, pm):
    foreign = TaskFactory(project=other_project)
    with pytest.raises(ValidationError) as info:
        risk_create(register=Register("project", project), by=pm, data=_data(tasks=[foreign]))
    assert "tasks" in info.value.message_dict


def test_level_outside_the_matrix_is_refused_and_nothing_saved(project, pm):
    with pytest.raises(ValidationError) as info:
        risk_create(
            register=Register("project", project),
            by=pm,
            data=_data(inherent_probability=6, inherent_impact=3),
        )
    assert "inherent_probability" in info.value.message_dict
    from risks.models import Risk

    assert not Risk.objects.exists()


def test_closed_project_register_is_read_only(project, pm):
    project.status = "closed"
    project.save()
    with pytest.raises(ValidationError, match="can no longer change"):
        risk_create(register=Register("project", project), by=pm, data=_data())


def test_risk_above_appetite_is_escalated_to_the_program_manager(portfolio, pm):
    program = ProgramFactory(portfolio=portfolio)
    project = ProjectFactory(portfolio=portfolio, program=program, project_manager=pm)
    RiskAppetite.objects.create(portfolio=portfolio, max_score=9)
    register = Register("project", project)
    within = risk_create(
        register=register, by=pm, data=_data(inherent_probability=3, inherent_impact=3)
    )
    above = risk_create(
        register=register, by=pm, data=_data(inherent_probability=3, inherent_impact=4)
    )
    assert within.escalated_to is None
    assert above.escalated_to == program.manager
    assert above.escalated_at is not None


def test_without_program_escalation_goes_to_the_portfolio_owner(project, pm):
    RiskAppetite.objects.create(portfolio=project.portfolio, max_score=4)
    risk = risk_create(
        register=Register("project", project),
        by=pm,
        data=_data(inherent_probability=5, inherent_impact=5),
    )
    assert risk.escalated_to == project.portfolio.owner

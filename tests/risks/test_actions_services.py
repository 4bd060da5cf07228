"""Response and resolution actions: what an action needs, who may add, edit and report
progress on it, and the completion date that follows its status."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.locking import StaleObjectError
from risks.models import Action, ActionStatus
from risks.selectors.actions import cost_totals, open_actions_for
from risks.services import actions as services
from tests.factories import ProgramFactory, UserFactory
from tests.risks.factories import ActionFactory, IssueFactory, RiskFactory

pytestmark = pytest.mark.django_db


def due():
    return timezone.localdate() + datetime.timedelta(days=10)


def _data(owner, **extra):
    return {"description": "Agree a fallback supplier", "owner": owner, "due_date": due(), **extra}


@pytest.fixture
def risk(project, pm):
    return RiskFactory(project=project, owner=pm)


@pytest.fixture
def issue(project, pm):
    return IssueFactory(project=project, owner=pm)


def test_pm_adds_an_action_with_the_registers_currency_and_history(project, risk, pm):
    project.currency = "GBP"
    project.save()
    action = services.action_create(risk=risk, by=pm, data=_data(pm, cost=Decimal("1200")))
    assert action.currency == "GBP"
    assert action.status == ActionStatus.PLANNED
    assert action.completed_on is None
    assert action.history.get().history_user == pm


def test_action_on_an_issue(issue, pm, member):
    action = services.action_create(issue=issue, by=pm, data=_data(member))
    assert action.issue == issue and action.risk is None


def test_action_without_owner_is_refused_and_nothing_saved(risk, pm):
    with pytest.raises(ValidationError) as info:
        services.action_create(risk=risk, by=pm, data=_data(None))
    assert "owner" in info.value.message_dict
    assert not Action.objects.exists()


def test_owner_outside_the_team_is_refused(risk, pm, outsider):
    with pytest.raises(ValidationError) as info:
        services.action_create(risk=risk, by=pm, data=_data(outsider))
    assert "owner" in info.value.message_dict
    assert not Action.objects.exists()


def test_negative_cost_is_refused(risk, pm):
    with pytest.raises(ValidationError) as info:
        services.action_create(risk=risk, by=pm, data=_data(pm, cost=Decimal("-1")))
    assert "cost" in info.value.message_dict


def test_description_and_due_date_are_required_together(risk, pm):
    with pytest.raises(ValidationError) as info:
        services.action_create(
            risk=risk, by=pm, data=_data(pm, description="  ", due_date=None, currency="eu")
        )
    assert {"description", "due_date", "currency"} <= set(info.value.message_dict)


def test_anyone_may_own_an_action_in_a_program_register(pm):
    program = ProgramFactory(manager=pm)
    from risks.models import Risk

    risk = RiskFactory(project=None, program=program, owner=pm)
    assert isinstance(risk, Risk)
    stranger = UserFactory(roles=["member"])
    action = services.action_create(risk=risk, by=pm, data=_data(stranger))
    assert action.owner == stranger


@pytest.mark.parametrize("persona", ["member", "executive", "other_pm", "resource_manager"])
def test_who_does_not_own_the_risk_nor_manage_the_register_cannot_add(risk, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.action_create(risk=risk, by=user, data=_data(user))


def test_risk_owner_adds_actions(project, member):
    risk = RiskFactory(project=project, owner=member)
    action = services.action_create(risk=risk, by=member, data=_data(member))
    assert action.risk == risk


@pytest.mark.parametrize("status", ["closed", "rejected"])
def test_no_action_on_a_closed_risk(project, pm, status):
    risk = RiskFactory(project=project, status=status)
    with pytest.raises(ValidationError):
        services.action_create(risk=risk, by=pm, data=_data(pm))


def test_no_action_on_a_closed_issue(project, pm):
    issue = IssueFactory(project=project, status="closed")
    with pytest.raises(ValidationError):
        services.action_create(issue=issue, by=pm, data=_data(pm))


def test_exactly_one_parent():
    with pytest.raises(ValueError):
        services.action_create(by=None, data={})


# --- Status -------------------------------------------------------------------------------
def test_done_records_today_and_reopening_clears_it(risk, pm):
    action = ActionFactory(risk=risk)
    services.action_set_status(action=action, by=pm, status="done", expected_version=1)
    action.refresh_from_db()
    assert action.completed_on == timezone.localdate()
    services.action_set_status(action=action, by=pm, status="in_progress", expected_version=2)
    action.refresh_from_db()
    assert action.completed_on is None
    reasons = [r.history_change_reason for r in action.history.order_by("history_date")]
    assert reasons[-1] == "Status: Done → In progress"


def test_action_owner_sets_its_status_but_cannot_edit_it(risk, member):
    action = ActionFactory(risk=risk, owner=member)
    services.action_set_status(action=action, by=member, status="in_progress", expected_version=1)
    with pytest.raises(PermissionDenied):
        services.action_update(
            action=action, by=member, data={"description": "Mine now"}, expected_version=2
        )


def test_someone_else_cannot_set_the_status(risk, member):
    action = ActionFactory(risk=risk)  # owned by the PM, the risk's owner
    with pytest.raises(PermissionDenied):
        services.action_set_status(action=action, by=member, status="done", expected_version=1)


def test_unknown_status_is_refused(risk, pm):
    action = ActionFactory(risk=risk)
    with pytest.raises(ValidationError):
        services.action_set_status(action=action, by=pm, status="finished", expected_version=1)


def test_stale_status_change_is_refused(risk, pm):
    action = ActionFactory(risk=risk)
    services.action_set_status(action=action, by=pm, status="in_progress", expected_version=1)
    with pytest.raises(StaleObjectError):
        services.action_set_status(action=action, by=pm, status="done", expected_version=1)


def test_status_of_an_action_on_a_closed_issue_cannot_change(project, pm):
    issue = IssueFactory(project=project, owner=pm, status="closed")
    action = ActionFactory(risk=None, issue=issue, status="done")
    with pytest.raises(ValidationError):
        services.action_set_status(action=action, by=pm, status="planned", expected_version=1)


# --- Edit ---------------------------------------------------------------------------------
def test_edit_keeps_the_completion_date_of_a_done_action(risk, pm):
    action = services.action_create(risk=risk, by=pm, data=_data(pm, status="done"))
    assert action.completed_on == timezone.localdate()
    services.action_update(
        action=action, by=pm, data={"note": "Signed"}, expected_version=action.version
    )
    action.refresh_from_db()
    assert action.completed_on == timezone.localdate()
    assert action.note == "Signed"


def test_edit_refuses_a_stale_version(risk, pm):
    action = ActionFactory(risk=risk)
    services.action_update(action=action, by=pm, data={"note": "a"}, expected_version=1)
    old = Action.objects.get(pk=action.pk)
    with pytest.raises(StaleObjectError):
        services.action_update(action=old, by=pm, data={"note": "b"}, expected_version=1)


# --- Selectors ----------------------------------------------------------------------------
def test_open_actions_for_a_user(project, pm, member, django_assert_num_queries):
    risk = RiskFactory(project=project)
    issue = IssueFactory(project=project)
    mine = ActionFactory(risk=risk, owner=member, due_date=due())
    on_issue = ActionFactory(risk=None, issue=issue, owner=member, status="in_progress")
    ActionFactory(risk=risk, owner=member, status="done")
    ActionFactory(risk=risk, owner=pm)
    closed = RiskFactory(project=project, status="closed")
    ActionFactory(risk=closed, owner=member)
    with django_assert_num_queries(1):
        rows = list(open_actions_for(member))
        codes = [(a.risk or a.issue).project.code for a in rows]
    assert {a.pk for a in rows} == {mine.pk, on_issue.pk}
    assert codes == ["PRJ-0042", "PRJ-0042"]


def test_cost_totals_per_currency_leave_out_cancelled(risk):
    actions = [
        ActionFactory.build(risk=risk, cost=Decimal("100"), currency="EUR"),
        ActionFactory.build(risk=risk, cost=Decimal("50.5"), currency="EUR"),
        ActionFactory.build(risk=risk, cost=Decimal("70"), currency="GBP"),
        ActionFactory.build(risk=risk, cost=Decimal("999"), currency="EUR", status="cancelled"),
        ActionFactory.build(risk=risk, cost=None, currency="USD"),
    ]
    assert cost_totals(actions) == [("EUR", Decimal("150.5")), ("GBP", Decimal("70"))]

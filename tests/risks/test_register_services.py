"""Changing a risk through the register's services: edit, assess, respond, status, close,
reopen. Who may, what is refused with which message, history and the review/escalation
rules applied on every write."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.locking import StaleObjectError
from risks.models import Risk, RiskAppetite, RiskStatus
from risks.services import risks as services
from tests.factories import ProgramFactory, ProjectFactory
from tests.projects.factories_schedule import TaskFactory
from tests.risks.factories import RiskCategoryFactory, RiskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def risk(project, pm):
    return RiskFactory(project=project, owner=pm, title="Vendor API late")


@pytest.fixture
def member_risk(project, member):
    """A risk owned by a team member who does not manage the register."""
    return RiskFactory(project=project, owner=member, title="Test data missing")


def fresh(risk):
    return Risk.objects.get(pk=risk.pk)


def reasons(risk):
    return list(
        risk.history.order_by("-history_date").values_list("history_change_reason", flat=True)
    )


# --- risk_update -------------------------------------------------------------------------
def test_manager_edits_the_statement_owner_and_links(risk, pm, member, project):
    task = TaskFactory(project=project)
    category = RiskCategoryFactory(code="supplier-x", name="Supplier X")
    services.risk_update(
        risk=risk,
        by=pm,
        data={
            "title": "Vendor API two sprints late",
            "category": category,
            "owner": member,
            "tasks": [task],
            "reason": "Sharper wording after the workshop",
        },
        expected_version=risk.version,
    )
    risk = fresh(risk)
    assert risk.title == "Vendor API two sprints late"
    assert risk.owner == member and risk.category == category
    assert list(risk.tasks.all()) == [task]
    assert risk.version == 2
    assert reasons(risk)[0] == "Sharper wording after the workshop"


def test_owner_who_does_not_manage_cannot_edit_the_description(member_risk, member):
    with pytest.raises(PermissionDenied):
        services.risk_update(
            risk=member_risk, by=member, data={"title": "Mine now"}, expected_version=1
        )


def test_owner_must_be_on_the_team_and_links_in_the_project(risk, pm, outsider, other_project):
    with pytest.raises(ValidationError) as info:
        services.risk_update(risk=risk, by=pm, data={"owner": outsider}, expected_version=1)
    assert "owner" in info.value.message_dict
    foreign = TaskFactory(project=other_project)
    with pytest.raises(ValidationError) as info:
        services.risk_update(risk=fresh(risk), by=pm, data={"tasks": [foreign]}, expected_version=1)
    assert "tasks" in info.value.message_dict
    assert fresh(risk).version == 1


def test_changing_the_type_against_the_strategy_is_refused(risk, pm):
    Risk.objects.filter(pk=risk.pk).update(strategy="mitigate")
    with pytest.raises(ValidationError) as info:
        services.risk_update(
            risk=fresh(risk), by=pm, data={"kind": "opportunity"}, expected_version=1
        )
    assert "change the response first" in info.value.message_dict["kind"][0]


def test_stale_edit_is_refused(risk, pm):
    services.risk_update(risk=risk, by=pm, data={"title": "First"}, expected_version=1)
    stale = Risk.objects.get(pk=risk.pk)
    stale.version = 1
    with pytest.raises(StaleObjectError) as info:
        services.risk_update(risk=stale, by=pm, data={"title": "Second"}, expected_version=1)
    assert "title" in {c.field for c in info.value.changes}
    assert fresh(risk).title == "First"


def test_unknown_field_is_a_programming_error(risk, pm):
    with pytest.raises(ValueError):
        services.risk_update(risk=risk, by=pm, data={"status": "closed"}, expected_version=1)


# --- risk_assess -------------------------------------------------------------------------
def test_owner_assesses_and_an_identified_risk_becomes_assessed(project, member):
    risk = RiskFactory(
        project=project,
        owner=member,
        status="identified",
        inherent_probability=None,
        inherent_impact=None,
    )
    services.risk_assess(
        risk=risk,
        by=member,
        data={
            "inherent_probability": 4,
            "inherent_impact": 4,
            "residual_probability": 2,
            "residual_impact": 3,
            "cost_impact": Decimal("80000"),
            "currency": "eur",
            "schedule_impact_days": 10,
        },
        expected_version=1,
    )
    risk = fresh(risk)
    assert risk.status == RiskStatus.ASSESSED
    assert (risk.inherent_score, risk.residual_score, risk.current_score) == (16, 6, 6)
    assert risk.currency == "EUR"
    assert risk.next_review_on is not None  # medium band cadence
    assert reasons(risk)[0] == "Assessed"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"inherent_probability": 6, "inherent_impact": 3}, "inherent_probability"),
        ({"inherent_probability": 3, "inherent_impact": 0}, "inherent_impact"),
        ({"inherent_probability": None, "inherent_impact": None}, "inherent_probability"),
        ({"residual_probability": 2}, "residual_impact"),
        ({"cost_impact": Decimal("-5")}, "cost_impact"),
        ({"currency": "euro"}, "currency"),
    ],
)
def test_bad_assessment_is_refused_by_field_and_nothing_saved(risk, pm, data, field):
    with pytest.raises(ValidationError) as info:
        services.risk_assess(risk=risk, by=pm, data=data, expected_version=1)
    assert field in info.value.message_dict
    stored = fresh(risk)
    assert stored.version == 1 and stored.inherent_probability == 3


def test_assessment_above_appetite_escalates_to_the_program_manager(portfolio, pm):
    program = ProgramFactory(portfolio=portfolio)
    project = ProjectFactory(portfolio=portfolio, program=program, project_manager=pm)
    RiskAppetite.objects.create(portfolio=portfolio, max_score=12)
    risk = RiskFactory(project=project, owner=pm)
    services.risk_assess(
        risk=risk, by=pm, data={"inherent_probability": 4, "inherent_impact": 5}, expected_version=1
    )
    risk = fresh(risk)
    assert risk.escalated_to == program.manager
    # Back within appetite: the escalation is lifted.
    services.risk_assess(
        risk=risk, by=pm, data={"residual_probability": 2, "residual_impact": 3}, expected_version=2
    )
    assert fresh(risk).escalated_to is None


@pytest.mark.parametrize("persona", ["executive", "other_pm", "member", "resource_manager"])
def test_who_neither_owns_nor_manages_cannot_assess(risk, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.risk_assess(
            risk=risk,
            by=user,
            data={"inherent_probability": 1, "inherent_impact": 1},
            expected_version=1,
        )


# --- risk_set_response -------------------------------------------------------------------
def test_mitigation_starts_the_response(risk, pm):
    services.risk_set_response(
        risk=risk,
        by=pm,
        data={
            "strategy": "mitigate",
            "response_summary": "Second vendor on standby",
            "contingency_plan": "Use the mock API",
            "fallback_plan": "Move go-live",
        },
        expected_version=1,
    )
    risk = fresh(risk)
    assert risk.status == RiskStatus.RESPONDING
    assert risk.contingency_plan == "Use the mock API"


def test_accepting_keeps_the_status(risk, pm):
    services.risk_set_response(risk=risk, by=pm, data={"strategy": "accept"}, expected_version=1)
    assert fresh(risk).status == RiskStatus.ASSESSED


def test_strategy_must_suit_the_type(project, pm):
    opportunity = RiskFactory(project=project, owner=pm, kind="opportunity")
    with pytest.raises(ValidationError) as info:
        services.risk_set_response(
            risk=opportunity, by=pm, data={"strategy": "mitigate"}, expected_version=1
        )
    assert "not a strategy for a opportunity" in info.value.message_dict["strategy"][0]
    services.risk_set_response(
        risk=fresh(opportunity), by=pm, data={"strategy": "exploit"}, expected_version=1
    )
    assert fresh(opportunity).status == RiskStatus.RESPONDING


# --- risk_set_status ---------------------------------------------------------------------
def test_owner_moves_status_with_the_comment_in_history(member_risk, member):
    services.risk_set_status(
        risk=member_risk,
        by=member,
        status="monitoring",
        comment="Quiet for now",
        expected_version=1,
    )
    risk = fresh(member_risk)
    assert risk.status == RiskStatus.MONITORING
    assert reasons(risk)[0] == "Quiet for now"


def test_status_without_comment_records_the_move(risk, pm):
    services.risk_set_status(risk=risk, by=pm, status="monitoring", comment="", expected_version=1)
    assert reasons(fresh(risk))[0] == "Status: Assessed → Monitoring"


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("occurred", "Record that it occurred"),
        ("rejected", "decided in triage"),
        ("proposed", "decided in triage"),
        ("responding", "Choose a response strategy first"),
        ("assessed", "already has this status"),
        ("closed", "Say why the risk is closed"),
    ],
)
def test_refused_transitions_say_why(risk, pm, status, message):
    with pytest.raises(ValidationError) as info:
        services.risk_set_status(risk=risk, by=pm, status=status, comment="", expected_version=1)
    assert message in " ".join(info.value.messages)
    assert fresh(risk).status == RiskStatus.ASSESSED


def test_assessed_and_monitoring_need_an_assessment(project, pm):
    risk = RiskFactory(
        project=project,
        owner=pm,
        status="identified",
        inherent_probability=None,
        inherent_impact=None,
    )
    for status in ("assessed", "monitoring"):
        with pytest.raises(ValidationError, match="Assess its probability and impact first"):
            services.risk_set_status(
                risk=fresh(risk), by=pm, status=status, comment="", expected_version=1
            )
    assert services.allowed_statuses(risk) == ["closed"]


def test_proposed_risk_is_left_to_triage(project, pm):
    risk = RiskFactory(project=project, owner=None, status="proposed")
    with pytest.raises(ValidationError, match="triage"):
        services.risk_set_status(
            risk=risk, by=pm, status="identified", comment="", expected_version=1
        )
    assert services.allowed_statuses(risk) == []


def test_closing_through_the_status_needs_a_comment(risk, pm):
    services.risk_set_status(
        risk=risk, by=pm, status="closed", comment="The vendor delivered", expected_version=1
    )
    risk = fresh(risk)
    assert risk.status == RiskStatus.CLOSED
    assert risk.closure_reason == "The vendor delivered" and risk.closed_on is not None
    assert risk.next_review_on is None


# --- Close, reopen, and what a closed risk refuses ---------------------------------------
def test_close_and_reopen_keep_the_history(risk, pm):
    services.risk_close(risk=risk, by=pm, reason="Passed go-live", expected_version=1)
    closed = fresh(risk)
    assert closed.status == RiskStatus.CLOSED and closed.next_review_on is None
    services.risk_reopen(risk=closed, by=pm, reason="Vendor slipped again", expected_version=2)
    reopened = fresh(risk)
    assert reopened.status == RiskStatus.ASSESSED
    assert reopened.closed_on is None and reopened.closure_reason == ""
    assert reopened.next_review_on is not None
    assert reasons(reopened)[:2] == ["Vendor slipped again", "Passed go-live"]


def test_close_needs_a_reason(risk, pm):
    with pytest.raises(ValidationError) as info:
        services.risk_close(risk=risk, by=pm, reason="  ", expected_version=1)
    assert "reason" in info.value.message_dict


@pytest.mark.parametrize("status", ["closed", "rejected"])
def test_closed_or_rejected_risk_cannot_change_until_reopened(risk, pm, status):
    Risk.objects.filter(pk=risk.pk).update(status=status)
    risk = fresh(risk)
    calls = [
        lambda: services.risk_update(risk=risk, by=pm, data={"title": "x"}, expected_version=1),
        lambda: services.risk_assess(
            risk=risk,
            by=pm,
            data={"inherent_probability": 1, "inherent_impact": 1},
            expected_version=1,
        ),
        lambda: services.risk_set_response(
            risk=risk, by=pm, data={"strategy": "avoid"}, expected_version=1
        ),
        lambda: services.risk_set_status(
            risk=risk, by=pm, status="monitoring", comment="", expected_version=1
        ),
        lambda: services.risk_close(risk=risk, by=pm, reason="again", expected_version=1),
    ]
    for call in calls:
        with pytest.raises(ValidationError, match="reopen it first"):
            call()
    assert fresh(risk).version == 1


def test_open_risk_has_nothing_to_reopen(risk, pm):
    with pytest.raises(ValidationError, match="nothing to reopen"):
        services.risk_reopen(risk=risk, by=pm, reason="why not", expected_version=1)


def test_closed_project_register_is_read_only(risk, pm, project):
    project.status = "closed"
    project.save()
    risk = fresh(risk)
    with pytest.raises(ValidationError, match="can no longer change"):
        services.risk_set_status(
            risk=risk, by=pm, status="monitoring", comment="", expected_version=1
        )
    with pytest.raises(ValidationError, match="can no longer change"):
        services.risk_update(risk=risk, by=pm, data={"title": "x"}, expected_version=1)


def test_program_risk_managed_by_the_program_manager(portfolio, pm, other_pm):
    program = ProgramFactory(portfolio=portfolio, manager=pm)
    risk = RiskFactory(project=None, program=program, owner=None)
    services.risk_update(risk=risk, by=pm, data={"title": "Funding cut"}, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.risk_set_status(
            risk=fresh(risk), by=other_pm, status="monitoring", comment="", expected_version=2
        )

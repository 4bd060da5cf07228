"""The issues log's services: log, raise from a risk that occurred, edit, escalate, close,
reopen. Who may, what is refused, and the history each write leaves."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.locking import StaleObjectError
from risks.models import Issue, IssueSeverity, IssueStatus, Risk, RiskStatus
from risks.registers import Register
from risks.services import issues as services
from tests.factories import MembershipFactory, ProgramFactory, UserFactory
from tests.risks.factories import ActionFactory, IssueFactory, RiskFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def _data(owner, **extra):
    return {"title": "Test server down", "owner": owner, "raised_on": today(), **extra}


# --- Logging an issue ---------------------------------------------------------------------
def test_pm_logs_an_issue_numbered_in_the_register_with_history(project, pm):
    issue = services.issue_create(register=Register("project", project), by=pm, data=_data(pm))
    assert issue.reference == "PRJ-0042-I01"
    assert issue.status == IssueStatus.OPEN
    assert issue.severity == IssueSeverity.MEDIUM
    second = services.issue_create(register=Register("project", project), by=pm, data=_data(pm))
    assert second.reference == "PRJ-0042-I02"
    record = issue.history.get()
    assert record.history_user == pm
    assert record.history_change_reason == "Issue logged"


def test_team_member_logs_an_issue(project, member):
    issue = services.issue_create(
        register=Register("project", project), by=member, data=_data(member)
    )
    assert issue.owner == member
    assert issue.created_by == member


@pytest.mark.parametrize("persona", ["executive", "resource_manager", "other_pm", "outsider"])
def test_readers_and_strangers_cannot_log_issues(project, persona, request):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.issue_create(register=Register("project", project), by=user, data=_data(user))
    assert not Issue.objects.exists()


def test_only_program_managers_log_issues_in_a_program_register(project, pm, member):
    program = ProgramFactory(code="CX", portfolio=project.portfolio, manager=pm)
    register = Register("program", program)
    issue = services.issue_create(register=register, by=pm, data=_data(pm))
    assert issue.reference == "CX-I01"
    with pytest.raises(PermissionDenied):
        services.issue_create(register=register, by=member, data=_data(member))


def test_owner_outside_the_team_is_refused(project, pm, outsider):
    with pytest.raises(ValidationError) as info:
        services.issue_create(register=Register("project", project), by=pm, data=_data(outsider))
    assert "owner" in info.value.message_dict
    assert not Issue.objects.exists()


def test_owner_is_required(project, pm):
    with pytest.raises(ValidationError) as info:
        services.issue_create(register=Register("project", project), by=pm, data=_data(None))
    assert "owner" in info.value.message_dict


def test_raised_in_the_future_is_refused(project, pm):
    with pytest.raises(ValidationError) as info:
        services.issue_create(
            register=Register("project", project), by=pm, data=_data(pm, raised_on=days(1))
        )
    assert "raised_on" in info.value.message_dict
    assert not Issue.objects.exists()


def test_due_date_before_raised_is_refused_with_every_other_problem(project, pm):
    with pytest.raises(ValidationError) as info:
        services.issue_create(
            register=Register("project", project),
            by=pm,
            data=_data(pm, title="", raised_on=days(-2), due_date=days(-3)),
        )
    assert {"due_date", "title"} <= set(info.value.message_dict)


def test_closed_project_takes_no_issue(project, pm):
    project.status = "closed"
    project.save()
    with pytest.raises(ValidationError):
        services.issue_create(register=Register("project", project), by=pm, data=_data(pm))


# --- Raising an issue from a risk ---------------------------------------------------------
@pytest.fixture
def risk(project, member):
    return RiskFactory(
        project=project,
        owner=member,
        title="Vendor API late",
        cause="The vendor's API is new",
        event="it ships late",
        effect="go-live slips",
        contingency_plan="Switch to the batch interface",
        inherent_probability=4,
        inherent_impact=4,  # 16: critical
    )


def test_risk_owner_records_that_it_occurred_and_both_are_linked_with_history(risk, member):
    issue = services.issue_from_risk(risk=risk, by=member, data={}, expected_version=risk.version)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OCCURRED
    assert risk.next_review_on is None  # an occurred risk is no longer reviewed
    assert issue.risk == risk
    assert list(risk.issues.all()) == [issue]
    assert issue.title == "Vendor API late"
    assert issue.owner == member
    assert issue.severity == IssueSeverity.CRITICAL
    assert "The vendor's API is new" in issue.description
    assert "Switch to the batch interface" in issue.description
    risk_record = risk.history.order_by("-history_date").first()
    assert risk_record.history_user == member
    assert issue.reference in risk_record.history_change_reason
    issue_record = issue.history.get()
    assert risk.reference in issue_record.history_change_reason


@pytest.mark.parametrize(
    ("probability", "impact", "severity"),
    [(1, 2, "low"), (2, 3, "medium"), (3, 4, "high"), (5, 5, "critical")],
)
def test_severity_follows_the_risks_band(project, pm, probability, impact, severity):
    risk = RiskFactory(project=project, inherent_probability=probability, inherent_impact=impact)
    issue = services.issue_from_risk(risk=risk, by=pm, data={}, expected_version=risk.version)
    assert issue.severity == severity


def test_the_form_may_change_the_prefilled_fields(risk, pm):
    issue = services.issue_from_risk(
        risk=risk,
        by=pm,
        data={"title": "API missing at go-live", "severity": "high", "owner": pm},
        expected_version=risk.version,
    )
    assert (issue.title, issue.severity, issue.owner) == ("API missing at go-live", "high", pm)


def test_member_who_does_not_own_the_risk_cannot_record_it(project, member):
    risk = RiskFactory(project=project)  # owned by the PM
    with pytest.raises(PermissionDenied):
        services.issue_from_risk(risk=risk, by=member, data={}, expected_version=risk.version)


@pytest.mark.parametrize("status", ["closed", "occurred", "proposed", "rejected"])
def test_only_an_open_risk_can_occur(project, pm, status):
    risk = RiskFactory(project=project, status=status)
    with pytest.raises(ValidationError):
        services.issue_from_risk(risk=risk, by=pm, data={}, expected_version=risk.version)
    assert not Issue.objects.exists()


def test_stale_risk_refuses_and_logs_no_issue(risk, pm):
    stale_version = risk.version
    Risk.objects.filter(pk=risk.pk).update(version=stale_version + 1)
    with pytest.raises(StaleObjectError):
        services.issue_from_risk(risk=risk, by=pm, data={}, expected_version=stale_version)
    assert not Issue.objects.exists()
    risk.refresh_from_db()
    assert risk.status != RiskStatus.OCCURRED


# --- Editing ------------------------------------------------------------------------------
def test_member_edits_an_issue_they_own_but_not_another(project, pm, member):
    own = IssueFactory(project=project, owner=member)
    other = IssueFactory(project=project, owner=pm)
    services.issue_update(
        issue=own, by=member, data={"title": "Renamed"}, expected_version=own.version
    )
    assert Issue.objects.get(pk=own.pk).title == "Renamed"
    with pytest.raises(PermissionDenied):
        services.issue_update(
            issue=other, by=member, data={"title": "No"}, expected_version=other.version
        )


def test_executive_cannot_edit(project, executive):
    issue = IssueFactory(project=project)
    with pytest.raises(PermissionDenied):
        services.issue_update(
            issue=issue, by=executive, data={"title": "No"}, expected_version=issue.version
        )


def test_stale_edit_is_refused(project, pm):
    issue = IssueFactory(project=project, owner=pm)
    services.issue_update(issue=issue, by=pm, data={"title": "First"}, expected_version=1)
    old = Issue.objects.get(pk=issue.pk)
    old.version = 1
    with pytest.raises(StaleObjectError):
        services.issue_update(issue=old, by=pm, data={"title": "Second"}, expected_version=1)
    assert Issue.objects.get(pk=issue.pk).title == "First"


def test_edit_moves_between_open_and_in_progress_only(project, pm):
    issue = IssueFactory(project=project, owner=pm)
    services.issue_update(
        issue=issue, by=pm, data={"status": "in_progress"}, expected_version=issue.version
    )
    with pytest.raises(ValidationError) as info:
        services.issue_update(
            issue=issue, by=pm, data={"status": "closed"}, expected_version=issue.version
        )
    assert "status" in info.value.message_dict


def test_closed_issue_cannot_be_edited(project, pm):
    issue = IssueFactory(project=project, owner=pm, status="closed", resolution="Fixed")
    with pytest.raises(ValidationError):
        services.issue_update(
            issue=issue, by=pm, data={"title": "No"}, expected_version=issue.version
        )


def test_edit_reason_goes_into_the_history(project, pm):
    issue = IssueFactory(project=project, owner=pm)
    services.issue_update(
        issue=issue,
        by=pm,
        data={"severity": "high", "reason": "Customer affected"},
        expected_version=issue.version,
    )
    assert issue.history.latest("history_date").history_change_reason == "Customer affected"


# --- Escalating ---------------------------------------------------------------------------
def test_escalate_to_the_sponsor_with_a_note(project, pm, executive):
    issue = IssueFactory(project=project, owner=pm)
    services.issue_escalate(
        issue=issue, by=pm, to=executive, note="Need budget for overtime", expected_version=1
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ESCALATED
    assert issue.escalated_to == executive
    assert issue.escalation_note == "Need budget for overtime"
    assert "Need budget for overtime" in issue.history.latest("history_date").history_change_reason


def test_escalation_candidates_are_above_the_register(project, pm, executive, pmo_staff, member):
    program_manager = UserFactory(roles=["pm"])
    program = ProgramFactory(portfolio=project.portfolio, manager=program_manager)
    project.program = program
    project.save()
    people = set(services.escalation_candidates(Register("project", project)))
    # sponsor, program manager, portfolio owner (PMO staff here)
    assert {executive, program_manager, pmo_staff} <= people
    assert member not in people and pm not in people


def test_escalation_needs_a_note_and_an_allowed_person(project, pm, member, executive):
    issue = IssueFactory(project=project, owner=pm)
    with pytest.raises(ValidationError) as info:
        services.issue_escalate(issue=issue, by=pm, to=executive, note="  ", expected_version=1)
    assert "note" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.issue_escalate(issue=issue, by=pm, to=member, note="Help", expected_version=1)
    assert "to" in info.value.message_dict
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN


def test_closed_issue_cannot_be_escalated(project, pm, executive):
    issue = IssueFactory(project=project, owner=pm, status="closed")
    with pytest.raises(ValidationError):
        services.issue_escalate(issue=issue, by=pm, to=executive, note="x", expected_version=1)


# --- Closing and reopening ----------------------------------------------------------------
def test_close_with_a_resolution(project, pm):
    issue = IssueFactory(project=project, owner=pm, raised_on=days(-5))
    services.issue_close(
        issue=issue, by=pm, resolution="Server replaced", closed_on=today(), expected_version=1
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED
    assert (issue.resolution, issue.closed_on) == ("Server replaced", today())


def test_closing_without_a_resolution_is_refused(project, pm):
    issue = IssueFactory(project=project, owner=pm)
    with pytest.raises(ValidationError) as info:
        services.issue_close(
            issue=issue, by=pm, resolution=" ", closed_on=today(), expected_version=1
        )
    assert "resolution" in info.value.message_dict
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN


def test_closing_in_the_future_or_before_raised_is_refused(project, pm):
    issue = IssueFactory(project=project, owner=pm, raised_on=days(-2))
    for closed_on in (days(1), days(-3)):
        with pytest.raises(ValidationError) as info:
            services.issue_close(
                issue=issue, by=pm, resolution="Done", closed_on=closed_on, expected_version=1
            )
        assert "closed_on" in info.value.message_dict


def test_closing_with_open_actions_is_refused_and_names_them(project, pm):
    issue = IssueFactory(project=project, owner=pm)
    ActionFactory(risk=None, issue=issue, description="Restore the backup")
    ActionFactory(risk=None, issue=issue, description="Old one", status="done")
    with pytest.raises(ValidationError) as info:
        services.issue_close(
            issue=issue, by=pm, resolution="Done", closed_on=today(), expected_version=1
        )
    assert "Restore the backup" in info.value.messages[0]
    assert "Old one" not in info.value.messages[0]


def test_reopen_needs_a_reason_and_clears_the_resolution(project, pm):
    issue = IssueFactory(project=project, owner=pm)
    services.issue_close(
        issue=issue, by=pm, resolution="Fixed", closed_on=today(), expected_version=1
    )
    with pytest.raises(ValidationError) as info:
        services.issue_reopen(issue=issue, by=pm, reason="", expected_version=2)
    assert "reason" in info.value.message_dict
    services.issue_reopen(issue=issue, by=pm, reason="Came back", expected_version=2)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN
    assert (issue.resolution, issue.closed_on) == ("", None)
    assert "Came back" in issue.history.latest("history_date").history_change_reason


def test_team_member_with_edit_right_manages_every_issue(project, pm):
    editor = UserFactory(roles=["member"])
    MembershipFactory(project=project, user=editor, can_edit=True)
    issue = IssueFactory(project=project, owner=pm)
    services.issue_update(issue=issue, by=editor, data={"title": "Edited"}, expected_version=1)


def test_escalated_issues_for_a_user(project, pm, executive, django_assert_num_queries):
    from risks.selectors.issues import escalated_issues_for

    low = IssueFactory(project=project, owner=pm, severity="low")
    high = IssueFactory(project=project, owner=pm, severity="critical")
    for issue in (low, high):
        services.issue_escalate(issue=issue, by=pm, to=executive, note="Decide", expected_version=1)
    IssueFactory(project=project, owner=pm)  # not escalated
    executive.has_role("executive")
    with django_assert_num_queries(1):
        rows = [
            (i.reference, i.project.code, i.owner.username) for i in escalated_issues_for(executive)
        ]
    assert [r[0] for r in rows] == [high.reference, low.reference]
    assert list(escalated_issues_for(pm)) == []

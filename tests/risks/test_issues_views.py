"""Issue pages: the log (filters, sort, CSV, rollup, empty state, query bound), logging
an issue, an issue's page, its edit/escalate/close/reopen forms, and recording that a risk
occurred."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from risks.models import Action, Issue, IssueStatus, Risk, RiskStatus
from risks.services import issues as services
from tests.factories import ProgramFactory, ProjectFactory
from tests.risks.factories import ActionFactory, IssueFactory, RiskFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def log_url(code="PRJ-0042", kind="project"):
    return reverse(f"risks:{kind}_issues", kwargs={"code": code})


def detail_url(issue):
    return reverse("risks:issue_detail", args=[issue.reference])


# --- The log ------------------------------------------------------------------------------
def test_log_shows_open_issues_by_default(client, pm, project):
    IssueFactory(project=project, title="Server down")
    IssueFactory(project=project, title="Old problem", status="closed")
    IssueFactory(project=project, title="Waiting on sponsor", status="escalated")
    client.force_login(pm)
    body = client.get(log_url()).content.decode()
    assert "Server down" in body and "Waiting on sponsor" in body
    assert "Old problem" not in body
    body = client.get(log_url() + "?status=all").content.decode()
    assert "Old problem" in body


def test_log_filters_by_severity_and_owner(client, pm, member, project):
    IssueFactory(project=project, title="Critical one", severity="critical", owner=pm)
    IssueFactory(project=project, title="Low one", severity="low", owner=member)
    client.force_login(pm)
    body = client.get(log_url() + "?severity=critical").content.decode()
    assert "Critical one" in body and "Low one" not in body
    body = client.get(log_url() + "?owner=member").content.decode()
    assert "Low one" in body and "Critical one" not in body


def test_unknown_owner_filter_answers_400(client, pm, project):
    client.force_login(pm)
    response = client.get(log_url() + "?owner=nobody")
    assert response.status_code == 400


def test_log_sorts_by_severity_most_severe_first(client, pm, project):
    IssueFactory(project=project, title="AAA low", severity="low")
    IssueFactory(project=project, title="BBB critical", severity="critical")
    IssueFactory(project=project, title="CCC high", severity="high")
    client.force_login(pm)
    body = client.get(log_url()).content.decode()
    assert body.index("BBB critical") < body.index("CCC high") < body.index("AAA low")
    body = client.get(log_url() + "?sort=severity").content.decode()
    assert body.index("AAA low") < body.index("CCC high") < body.index("BBB critical")


def test_log_exports_csv_with_the_filters(client, pm, project):
    risk = RiskFactory(project=project)
    IssueFactory(project=project, title="=cmd|evil", risk=risk, severity="high")
    IssueFactory(project=project, title="Closed one", status="closed")
    client.force_login(pm)
    response = client.get(log_url() + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    header, *rows = body.strip().splitlines()
    assert header.startswith("Reference,Register,Title,Severity,Status,Owner")
    assert len(rows) == 1
    assert "'=cmd|evil" in rows[0]  # formula neutralised
    assert risk.reference in rows[0]


def test_empty_log_says_what_to_do(client, member, project):
    client.force_login(member)
    body = client.get(log_url()).content.decode()
    assert 'data-testid="empty-state"' in body
    assert reverse("risks:project_issue_create", kwargs={"code": "PRJ-0042"}) in body


def test_executive_reads_the_log_without_a_log_button(client, executive, project):
    IssueFactory(project=project)
    client.force_login(executive)
    body = client.get(log_url()).content.decode()
    assert 'data-testid="issue-row"' in body
    assert 'data-testid="log-issue"' not in body


def test_program_log_rolls_up_its_projects(client, pm, project):
    program = ProgramFactory(code="CX", portfolio=project.portfolio, manager=pm)
    project.program = program
    project.save()
    IssueFactory(project=project, title="From the project")
    IssueFactory(project=None, program=program, owner=pm, title="Program level")
    IssueFactory(project=ProjectFactory(portfolio=project.portfolio), title="Elsewhere")
    client.force_login(pm)
    body = client.get(log_url("CX", "program")).content.decode()
    assert "From the project" in body and "Program level" in body
    assert "Elsewhere" not in body
    assert "PRJ-0042" in body  # the register column


def test_log_query_count_with_2000_issues(
    client, pm, member, project, django_assert_max_num_queries
):
    risk = RiskFactory(project=project)
    Issue.objects.bulk_create(
        Issue(
            project=project,
            number=n,
            reference=f"PRJ-0042-I{n:04d}",
            title=f"Issue {n}",
            severity=["low", "medium", "high", "critical"][n % 4],
            owner=pm if n % 2 else member,
            raised_on=days(-(n % 300)),
            due_date=days(n % 30 - 10),
            status=["open", "in_progress", "escalated", "closed"][n % 4],
            risk=risk if n % 10 == 0 else None,
        )
        for n in range(1, 2001)
    )
    issues = list(Issue.objects.filter(number__lte=50))
    Action.objects.bulk_create(
        Action(issue=i, description="Fix", owner=pm, due_date=days(3)) for i in issues
    )
    client.force_login(pm)
    with django_assert_max_num_queries(12):
        response = client.get(log_url() + "?status=all&sort=-actions")
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="issue-row"') == 25
    with django_assert_max_num_queries(12):
        response = client.get(log_url() + "?owner=member&page=3")
    assert response.content.decode().count('data-testid="issue-row"') == 25


# --- Logging an issue ---------------------------------------------------------------------
def test_member_logs_an_issue(client, member, project):
    client.force_login(member)
    url = reverse("risks:project_issue_create", kwargs={"code": "PRJ-0042"})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Build server is down",
            "severity": "high",
            "owner": member.pk,
            "raised_on": today().isoformat(),
        },
    )
    issue = Issue.objects.get()
    assert response.status_code == 302 and response.url == detail_url(issue)
    assert (issue.owner, issue.severity, issue.created_by) == (member, "high", member)


def test_issue_without_owner_is_refused_with_the_message_by_the_field(client, pm, project):
    client.force_login(pm)
    url = reverse("risks:project_issue_create", kwargs={"code": "PRJ-0042"})
    response = client.post(
        url, {"title": "Kept title", "severity": "high", "raised_on": days(2).isoformat()}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "owner" in form.errors and "raised_on" in form.errors
    assert "Kept title" in response.content.decode()
    assert not Issue.objects.exists()


# --- The issue's page ---------------------------------------------------------------------
def test_issue_page_shows_risk_escalation_actions_and_history(client, pm, executive, project):
    risk = RiskFactory(project=project, title="Vendor API late")
    issue = services.issue_from_risk(risk=risk, by=pm, data={}, expected_version=1)
    services.issue_escalate(
        issue=issue, by=pm, to=executive, note="Need a decision", expected_version=1
    )
    ActionFactory(risk=None, issue=issue, description="Call the vendor", owner=pm)
    client.force_login(pm)
    body = client.get(detail_url(issue)).content.decode()
    assert reverse("risks:risk_detail", args=[risk.reference]) in body
    assert "Need a decision" in body
    assert "Call the vendor" in body
    assert 'data-testid="action-status"' in body  # the inline status change
    assert 'data-testid="history"' in body
    assert 'data-testid="close-issue"' in body


def test_executive_reads_an_issue_without_buttons(client, executive, project):
    issue = IssueFactory(project=project)
    ActionFactory(risk=None, issue=issue)
    client.force_login(executive)
    body = client.get(detail_url(issue)).content.decode()
    assert 'data-testid="edit-issue"' not in body
    assert 'data-testid="add-action"' not in body
    assert 'data-testid="action-status"' not in body
    assert 'data-testid="action-status-badge"' in body


def test_issue_page_query_count_with_200_actions(
    client, pm, member, project, django_assert_max_num_queries
):
    issue = IssueFactory(project=project, owner=pm)
    Action.objects.bulk_create(
        Action(
            issue=issue,
            description=f"Action {n}",
            owner=pm if n % 2 else member,
            due_date=days(n % 40 - 20),
            cost=n,
            currency="EUR" if n % 3 else "GBP",
        )
        for n in range(200)
    )
    for n in range(20):
        services.issue_update(issue=issue, by=pm, data={"title": f"T{n}"}, expected_version=n + 1)
    client.force_login(pm)
    with django_assert_max_num_queries(12):
        response = client.get(detail_url(issue))
    body = response.content.decode()
    assert body.count('data-testid="action-row"') == 200
    assert body.count('data-testid="actions-total"') == 2


# --- Edit, escalate, close, reopen --------------------------------------------------------
def _edit_post(issue, **extra):
    return {
        "title": issue.title,
        "description": issue.description,
        "severity": issue.severity,
        "owner": issue.owner_id,
        "raised_on": issue.raised_on.isoformat(),
        "due_date": "",
        "status": issue.status,
        "version": issue.version,
        **extra,
    }


def test_pm_edits_an_issue(client, pm, project):
    issue = IssueFactory(project=project, owner=pm)
    client.force_login(pm)
    url = reverse("risks:issue_edit", args=[issue.reference])
    response = client.post(url, _edit_post(issue, title="Renamed", status="in_progress"))
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.title, issue.status) == ("Renamed", "in_progress")


def test_stale_edit_answers_409_and_keeps_the_input(client, pm, project):
    issue = IssueFactory(project=project, owner=pm)
    loaded = _edit_post(issue)
    services.issue_update(issue=issue, by=pm, data={"severity": "critical"}, expected_version=1)
    client.force_login(pm)
    url = reverse("risks:issue_edit", args=[issue.reference])
    response = client.post(url, {**loaded, "title": "My title"})
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="stale-warning"' in body and "My title" in body
    issue.refresh_from_db()
    assert issue.title != "My title"


def test_member_cannot_edit_anothers_issue(client, member, project):
    issue = IssueFactory(project=project)  # owned by the PM
    client.force_login(member)
    url = reverse("risks:issue_edit", args=[issue.reference])
    assert client.get(url).status_code == 403
    assert client.post(url, _edit_post(issue, title="No")).status_code == 403


def test_member_edits_their_own_issue(client, member, project):
    issue = IssueFactory(project=project, owner=member)
    client.force_login(member)
    url = reverse("risks:issue_edit", args=[issue.reference])
    assert client.post(url, _edit_post(issue, title="Mine")).status_code == 302


def test_closed_issue_edit_page_says_so_and_refuses(client, pm, project):
    issue = IssueFactory(project=project, owner=pm, status="closed", resolution="x")
    client.force_login(pm)
    url = reverse("risks:issue_edit", args=[issue.reference])
    assert 'data-testid="issue-closed"' in client.get(url).content.decode()
    assert client.post(url, _edit_post(issue, title="No")).status_code == 400


def test_escalate_through_the_form(client, pm, executive, project):
    issue = IssueFactory(project=project, owner=pm)
    client.force_login(pm)
    url = reverse("risks:issue_escalate", args=[issue.reference])
    body = client.get(url).content.decode()
    assert str(executive) in body
    response = client.post(url, {"to": executive.pk, "note": "", "version": 1})
    assert response.status_code == 400
    assert "note" in response.context["form"].errors
    response = client.post(url, {"to": executive.pk, "note": "Decide by Friday", "version": 1})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ESCALATED and issue.escalated_to == executive


def test_close_without_resolution_or_in_the_future_is_refused(client, pm, project):
    issue = IssueFactory(project=project, owner=pm)
    client.force_login(pm)
    url = reverse("risks:issue_close", args=[issue.reference])
    response = client.post(url, {"resolution": "", "closed_on": today().isoformat(), "version": 1})
    assert response.status_code == 400
    assert "resolution" in response.context["form"].errors
    response = client.post(
        url, {"resolution": "Fixed", "closed_on": days(1).isoformat(), "version": 1}
    )
    assert response.status_code == 400
    assert "closed_on" in response.context["form"].errors
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN


def test_close_page_warns_of_open_actions_and_refuses(client, pm, project):
    issue = IssueFactory(project=project, owner=pm)
    ActionFactory(risk=None, issue=issue, description="Restore from backup")
    client.force_login(pm)
    url = reverse("risks:issue_close", args=[issue.reference])
    body = client.get(url).content.decode()
    assert 'data-testid="open-actions-warning"' in body and "Restore from backup" in body
    response = client.post(
        url, {"resolution": "Fixed", "closed_on": today().isoformat(), "version": 1}
    )
    assert response.status_code == 400
    assert "Restore from backup" in response.content.decode()


def test_close_then_reopen(client, pm, project):
    issue = IssueFactory(project=project, owner=pm)
    client.force_login(pm)
    response = client.post(
        reverse("risks:issue_close", args=[issue.reference]),
        {"resolution": "Fixed", "closed_on": today().isoformat(), "version": 1},
    )
    assert response.status_code == 302
    body = client.get(detail_url(issue)).content.decode()
    assert "Fixed" in body and 'data-testid="reopen-issue"' in body
    # Closing again: back to the page with a message.
    response = client.get(reverse("risks:issue_close", args=[issue.reference]))
    assert response.status_code == 302
    response = client.post(
        reverse("risks:issue_reopen", args=[issue.reference]), {"reason": "Back", "version": 2}
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN


def test_stale_close_answers_409(client, pm, project):
    issue = IssueFactory(project=project, owner=pm)
    services.issue_update(issue=issue, by=pm, data={"title": "Changed"}, expected_version=1)
    client.force_login(pm)
    response = client.post(
        reverse("risks:issue_close", args=[issue.reference]),
        {"resolution": "Fixed", "closed_on": today().isoformat(), "version": 1},
    )
    assert response.status_code == 409
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN


# --- Record that a risk occurred ----------------------------------------------------------
def test_occurred_form_is_prefilled_from_the_risk(client, pm, project):
    risk = RiskFactory(
        project=project, title="Vendor API late", contingency_plan="Use the batch feed"
    )
    client.force_login(pm)
    response = client.get(reverse("risks:issue_from_risk", args=[risk.reference]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "Vendor API late"
    assert "Use the batch feed" in form.initial["description"]
    assert form.initial["severity"] == "high"  # P3 x I4 = 12
    body = response.content.decode()
    assert "Vendor API late" in body and "Use the batch feed" in body


def test_recording_that_it_occurred_links_both_and_shows_on_the_risk(client, pm, project):
    risk = RiskFactory(project=project, title="Vendor API late")
    client.force_login(pm)
    response = client.post(
        reverse("risks:issue_from_risk", args=[risk.reference]),
        {
            "title": "Vendor API late",
            "severity": "critical",
            "owner": pm.pk,
            "raised_on": today().isoformat(),
            "version": risk.version,
        },
    )
    issue = Issue.objects.get()
    assert response.status_code == 302 and response.url == detail_url(issue)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OCCURRED and issue.risk == risk
    body = client.get(reverse("risks:risk_detail", args=[risk.reference])).content.decode()
    assert issue.reference in body
    assert 'data-testid="record-occurred"' not in body  # no longer open


def test_stale_risk_answers_409_and_logs_nothing(client, pm, project):
    risk = RiskFactory(project=project)
    Risk.objects.filter(pk=risk.pk).update(version=2)
    client.force_login(pm)
    response = client.post(
        reverse("risks:issue_from_risk", args=[risk.reference]),
        {
            "title": "x",
            "severity": "high",
            "owner": pm.pk,
            "raised_on": today().isoformat(),
            "version": 1,
        },
    )
    assert response.status_code == 409
    assert not Issue.objects.exists()


def test_closed_risk_cannot_occur(client, pm, project):
    risk = RiskFactory(project=project, status="closed")
    client.force_login(pm)
    url = reverse("risks:issue_from_risk", args=[risk.reference])
    assert 'data-testid="risk-not-open"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "x",
            "severity": "high",
            "owner": pm.pk,
            "raised_on": today().isoformat(),
            "version": 1,
        },
    )
    assert response.status_code == 400
    assert not Issue.objects.exists()

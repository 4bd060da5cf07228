"""Monitoring pages: a register's reviews due and exposure trend, and the risks home page."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from risks.models import Action, Risk
from tests.factories import MembershipFactory, ProgramFactory, ProjectFactory
from tests.risks.factories import ActionFactory, IssueFactory, RiskFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def in_days(n):
    return today() + datetime.timedelta(days=n)


def due_url(kind="project", code="PRJ-0042"):
    return reverse(f"risks:{kind}_reviews_due", kwargs={"code": code})


def trend_url(kind="project", code="PRJ-0042"):
    return reverse(f"risks:{kind}_trend", kwargs={"code": code})


def due_risk(project, days, **extra):
    """An open risk whose next review is ``days`` from today (negative: overdue)."""
    risk = RiskFactory(project=project, **extra)
    Risk.objects.filter(pk=risk.pk).update(next_review_on=in_days(days))
    return risk


def bulk_risks(n, *, start=1, **fields):
    """``n`` risks built in one insert (scores set by hand: bulk_create skips save())."""
    project = fields.get("project")
    code = project.code if project else "X"
    rows = []
    for i in range(start, start + n):
        p, impact = 1 + i % 5, 1 + (i // 5) % 5
        rows.append(
            Risk(
                number=i,
                reference=f"{code}-R{i:04d}",
                title=f"Bulk risk {i}",
                status="assessed",
                inherent_probability=p,
                inherent_impact=impact,
                inherent_score=p * impact,
                current_score=p * impact,
                **fields,
            )
        )
    return Risk.objects.bulk_create(rows)


# --- Reviews due -------------------------------------------------------------------------
def test_overdue_first_then_due_soon_with_days_owner_and_band(client, pm, member, project):
    soon = due_risk(project, 3, title="Due in three days", owner=member)
    overdue = due_risk(
        project, -5, title="Five days late", inherent_probability=4, inherent_impact=5
    )
    due_risk(project, 20, title="Next month")  # outside the 14-day window
    due_risk(project, -9, title="Closed long ago", status="closed")
    client.force_login(pm)
    response = client.get(due_url())
    body = response.content.decode()
    assert response.status_code == 200
    rows = re.findall(r'<tr data-testid="due-row".*?</tr>', body, re.S)
    assert len(rows) == 2
    assert overdue.reference in rows[0] and soon.reference in rows[1]
    assert 'data-testid="days-overdue"><span class="text-danger fw-semibold">5<' in rows[0]
    assert "20 · Critical" in rows[0] and "Pat Manager" in rows[0]
    assert "12 · High" in rows[1] and "Max Member" in rows[1] and "in 3 days" in rows[1]
    assert 'data-testid="count-overdue">1<' in body
    assert 'data-testid="count-due-soon">1<' in body
    assert 'data-testid="count-open">3<' in body
    assert "Next month" not in body and "Closed long ago" not in body


def test_review_buttons_only_where_the_user_may_review(client, member, project, pm):
    mine = due_risk(project, -1, owner=member)
    theirs = due_risk(project, -1, owner=pm)
    client.force_login(member)
    body = client.get(due_url()).content.decode()
    review = lambda r: reverse("risks:risk_review", kwargs={"ref": r.reference})  # noqa: E731
    assert review(mine) in body and review(theirs) not in body


def test_only_mine_filter_and_csv(client, pm, member, project):
    due_risk(project, -1, owner=member, title="Owned by the member")
    due_risk(project, -2, owner=pm, title="Owned by the manager")
    client.force_login(pm)
    body = client.get(due_url(), {"mine": "1"}).content.decode()
    assert "Owned by the manager" in body and "Owned by the member" not in body
    response = client.get(due_url(), {"format": "csv"})
    text = b"".join(response.streaming_content).decode()
    assert (
        text.splitlines()[0] == "Reference,Title,Owner,Score,Status,Last reviewed,Next review due"
    )
    assert "Owned by the manager" in text and "Owned by the member" in text


def test_reviews_due_sort_by_score_keeps_the_filter(client, pm, project):
    low = due_risk(project, -9, owner=pm, inherent_probability=1, inherent_impact=1)
    high = due_risk(project, 5, owner=pm, inherent_probability=5, inherent_impact=5)
    client.force_login(pm)
    body = client.get(due_url(), {"sort": "-score", "mine": "1"}).content.decode()
    assert body.index(high.reference) < body.index(low.reference)
    assert 'href="?mine=1&amp;sort=score"' in body  # the header toggles, keeping the filter
    body = client.get(due_url(), {"sort": "bogus"}).content.decode()
    assert body.index(low.reference) < body.index(high.reference)  # most overdue first


def test_portfolio_reviews_due_include_projects_and_programs(
    client, pmo_staff, project, other_project
):
    program = ProgramFactory(code="CX", portfolio=project.portfolio, manager=pmo_staff)
    due_risk(project, -1, title="From 42")
    due_risk(other_project, -1, title="From 43")
    in_program = RiskFactory(project=None, program=program, owner=pmo_staff, title="Program-level")
    Risk.objects.filter(pk=in_program.pk).update(next_review_on=in_days(1))
    elsewhere = ProjectFactory(code="PRJ-0099")
    due_risk(elsewhere, -1, title="Other portfolio")
    client.force_login(pmo_staff)
    body = client.get(due_url("portfolio", "DIGITAL")).content.decode()
    assert "From 42" in body and "From 43" in body and "Program-level" in body
    assert "Other portfolio" not in body
    program_body = client.get(due_url("program", "CX")).content.decode()
    assert "Program-level" in program_body and "From 42" not in program_body


def test_nothing_due_says_so(client, executive, project):
    due_risk(project, 40)
    client.force_login(executive)
    body = client.get(due_url()).content.decode()
    assert 'data-testid="empty-state"' in body and "No review is due" in body


def test_reviews_due_with_2000_risks_is_bounded(client, pm, project, django_assert_max_num_queries):
    risks = bulk_risks(2000, project=project, owner=pm)
    Risk.objects.filter(pk__in=[r.pk for r in risks]).update(next_review_on=in_days(-3))
    client.force_login(pm)
    with django_assert_max_num_queries(12):
        response = client.get(due_url(), {"page": 3})
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="due-row"') == 25
    with django_assert_max_num_queries(12):
        assert client.get(due_url("portfolio", "DIGITAL")).status_code == 200


# --- Exposure trend ----------------------------------------------------------------------
def week_ago(weeks, days=0):
    return timezone.now() - datetime.timedelta(weeks=weeks, days=days)


def historical(risk, when, kind="~", **changes):
    """A history row of ``risk`` at ``when``, with ``changes`` to its fields."""
    values = {
        f.attname: getattr(risk, f.attname)
        for f in Risk._meta.concrete_fields
        if f.attname != "updated_at"
    }
    values.update(changes)
    return Risk.history.model(**values, history_date=when, history_type=kind)


@pytest.fixture
def lived_risk(project, pm):
    """Created 10 weeks ago at 6, raised to 16 five weeks ago, closed two weeks ago."""
    risk = RiskFactory(project=project, owner=pm, inherent_probability=2, inherent_impact=3)
    Risk.history.filter(id=risk.pk).delete()
    Risk.history.model.objects.bulk_create(
        [
            historical(risk, week_ago(10), "+", current_score=6),
            historical(risk, week_ago(5), current_score=16),
            historical(risk, week_ago(2), status="closed", current_score=16),
        ]
    )
    return risk


def trend_figure(body):
    data = re.search(r'<script id="exposure-trend-data"[^>]*>(.*?)</script>', body, re.S)
    return json.loads(data.group(1))


def test_trend_rebuilds_each_week_from_the_history(client, pm, lived_risk):
    client.force_login(pm)
    response = client.get(trend_url(), {"weeks": "13"})
    body = response.content.decode()
    assert response.status_code == 200
    figure = trend_figure(body)
    exposure = figure["data"][-1]["y"]
    assert len(exposure) == 13
    # Nothing before creation, then 6, then 16, then nothing once closed.
    assert exposure[0] == 0 and 6 in exposure and 16 in exposure and exposure[-1] == 0
    assert exposure.index(6) < exposure.index(16)
    critical = next(t for t in figure["data"] if t["name"] == "Critical")
    assert max(critical["y"]) == 1 and critical["y"][-1] == 0
    assert figure["data"][0]["type"] == "bar" and figure["layout"]["barmode"] == "stack"
    table = re.search(r'data-testid="trend-data".*?</details>', body, re.S).group(0)
    assert table.count("<tr>") == 14  # header + 13 weeks
    assert 'data-testid="exposure-now">0<' in body


def test_trend_default_is_26_weeks_and_a_bad_choice_is_400(client, pm, lived_risk):
    client.force_login(pm)
    assert len(trend_figure(client.get(trend_url()).content.decode())["data"][-1]["y"]) == 26
    response = client.get(trend_url(), {"weeks": "500"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="weeks-error"' in body
    assert len(trend_figure(body)["data"][-1]["y"]) == 26
    assert (
        len(
            trend_figure(client.get(trend_url(), {"weeks": "52"}).content.decode())["data"][-1]["y"]
        )
        == 52
    )


def test_portfolio_trend_adds_up_its_projects(client, pmo_staff, lived_risk, other_project):
    other = RiskFactory(project=other_project)  # 12, created now
    client.force_login(pmo_staff)
    body = client.get(trend_url("portfolio", "DIGITAL"), {"weeks": "13"}).content.decode()
    exposure = trend_figure(body)["data"][-1]["y"]
    assert exposure[-1] == 12 and 16 in exposure
    assert other.reference  # created in this register, counted this week


def test_empty_trend_says_what_to_do(client, executive, project):
    client.force_login(executive)
    body = client.get(trend_url()).content.decode()
    assert 'data-testid="empty-state"' in body and "exposure-trend-data" not in body


def test_trend_with_2000_risks_and_their_history_is_one_history_query(
    client, pmo_staff, project, other_project, django_assert_max_num_queries
):
    risks = bulk_risks(1000, project=project) + bulk_risks(1000, project=other_project)
    rows = []
    for n, risk in enumerate(risks):
        rows.append(historical(risk, week_ago(20, n % 60), "+"))
        rows.append(historical(risk, week_ago(8, n % 30), current_score=1 + n % 25))
        if n % 3 == 0:
            rows.append(historical(risk, week_ago(1, n % 5), status="closed"))
    Risk.history.model.objects.bulk_create(rows, batch_size=2000)
    client.force_login(pmo_staff)
    with django_assert_max_num_queries(10) as queries:
        response = client.get(trend_url("portfolio", "DIGITAL"), {"weeks": "52"})
    assert response.status_code == 200
    history_queries = [q for q in queries.captured_queries if "historicalrisk" in q["sql"]]
    assert len(history_queries) == 1
    exposure = trend_figure(response.content.decode())["data"][-1]["y"]
    assert exposure[0] == 0 and max(exposure) > 0


# --- The risks home page -----------------------------------------------------------------
HOME = "risks:home"


def home(client, user, **query):
    client.force_login(user)
    response = client.get(reverse(HOME), query)
    assert response.status_code == 200
    return response.content.decode()


def section(body, key):
    return re.search(rf'data-testid="section-{key}".*?</section>', body, re.S).group(0)


def register_rows(registers):
    return re.findall(r'<tr data-testid="register-row">.*?</tr>', registers, re.S)


def test_home_lists_my_risks_reviews_escalations_actions_and_registers(
    client, pm, member, project, pmo_staff
):
    ProgramFactory(code="CX", portfolio=project.portfolio, manager=pm)
    overdue = due_risk(project, -4, owner=pm, title="Overdue one")
    later = due_risk(project, 60, owner=pm, title="Reviewed lately")
    not_mine = due_risk(project, -4, owner=member, title="Member's risk")
    escalated = RiskFactory(
        project=project,
        owner=member,
        title="Above appetite",
        escalated_to=pm,
        inherent_probability=5,
        inherent_impact=5,
    )
    issue = IssueFactory(project=project, owner=pm, title="Server room flooded")
    late_action = ActionFactory(
        risk=later, owner=pm, description="Sign the contract", due_date=in_days(-2)
    )
    ActionFactory(
        risk=None, issue=issue, owner=pm, description="Dry the racks", due_date=in_days(5)
    )
    ActionFactory(risk=overdue, owner=pm, description="Already done", status="done")
    ActionFactory(risk=not_mine, owner=member, description="Not my action")
    body = home(client, pm)

    owned = section(body, "owned")
    assert "Overdue one" in owned and "Reviewed lately" in owned and "Member's risk" not in owned
    due = section(body, "due")
    assert "Overdue one" in due and "Reviewed lately" not in due and "4 days overdue" in due
    assert reverse("risks:risk_review", kwargs={"ref": overdue.reference}) in due
    assert escalated.reference in section(body, "escalated") and "25 · Critical" in body
    actions = section(body, "actions")
    assert "Sign the contract" in actions and "Dry the racks" in actions
    assert "Already done" not in actions and "Not my action" not in actions
    assert reverse("risks:risk_detail", kwargs={"ref": later.reference}) in actions
    assert reverse("risks:issue_detail", kwargs={"ref": issue.reference}) in actions
    row = re.search(r'<tr class="table-danger" data-testid="action-row">.*?</tr>', actions, re.S)
    assert "Sign the contract" in row.group(0) and "2 days overdue" in row.group(0)
    assert late_action.due_date.isoformat() in row.group(0)
    registers = section(body, "registers")
    assert "PRJ-0042" in registers and "CX" in registers and "DIGITAL" not in registers
    # PRJ-0042: 4 open risks, one of them critical (25, in the top band).
    project_row = next(row for row in register_rows(registers) if ">PRJ-0042<" in row)
    assert re.findall(r'class="num">(?:<span[^>]*>)?(\d+)', project_row) == ["4", "1"]
    assert 'data-testid="count-due">1<' in body
    assert 'data-testid="count-escalated">1<' in body
    assert 'data-testid="count-actions">2<' in body


def test_pmo_and_executives_get_the_portfolio_registers(client, pmo_staff, executive, project):
    RiskFactory(project=project)
    registers = section(home(client, pmo_staff), "registers")
    assert "DIGITAL" in registers
    registers = section(home(client, executive), "registers")
    assert "DIGITAL" in registers and "PRJ-0042" in registers  # sponsor of the project


def test_program_register_counts_roll_up_its_projects(client, pm, project):
    program = ProgramFactory(code="CX", portfolio=project.portfolio, manager=pm)
    project.program = program
    project.save()
    RiskFactory(project=project)
    RiskFactory(project=None, program=program, owner=pm, inherent_probability=4, inherent_impact=4)
    registers = section(home(client, pm), "registers")
    cx = next(row for row in register_rows(registers) if ">CX<" in row)
    assert re.findall(r'class="num">(?:<span[^>]*>)?(\d+)', cx) == ["2", "1"]


def test_new_user_gets_empty_states_that_say_what_next(client, outsider, project):
    RiskFactory(project=project, escalated_to=outsider)  # not visible to them: not listed
    body = home(client, outsider)
    for key in ("due-empty", "owned-empty", "escalated-empty", "actions-empty", "registers-empty"):
        assert f'data-testid="{key}"' in body


def test_home_sections_paginate_separately(client, pm, project):
    risks = bulk_risks(23, project=project, owner=pm)
    Action.objects.bulk_create(
        [
            Action(risk=r, owner=pm, description=f"Act {r.number}", due_date=in_days(r.number))
            for r in risks
        ]
    )
    body = home(client, pm, owned_page=3)
    assert section(body, "owned").count("Bulk risk") == 3
    assert section(body, "actions").count("Act ") == 10
    assert "actions_page=2" in section(body, "actions")


def test_home_with_500_risks_and_actions_is_bounded(
    client, pm, project, django_assert_max_num_queries
):
    ProgramFactory(code="CX", portfolio=project.portfolio, manager=pm)
    for _n in range(5):
        MembershipFactory(user=pm)  # more projects of pm's: one more row each, no more queries
    risks = bulk_risks(500, project=project, owner=pm, escalated_to=pm)
    Risk.objects.filter(pk__in=[r.pk for r in risks[:300]]).update(next_review_on=in_days(-1))
    Action.objects.bulk_create(
        [
            Action(risk=r, owner=pm, description="Do it", due_date=in_days(r.number % 30 - 10))
            for r in risks
        ]
    )
    issues = [IssueFactory(project=project, owner=pm) for _ in range(3)]
    Action.objects.bulk_create(
        [Action(issue=i, owner=pm, description="Fix it", due_date=in_days(3)) for i in issues]
    )
    client.force_login(pm)
    with django_assert_max_num_queries(20):
        response = client.get(reverse(HOME))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="count-owned">500<' in body
    assert 'data-testid="count-actions">503<' in body

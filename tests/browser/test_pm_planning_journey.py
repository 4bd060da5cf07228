"""The project manager's planning journey of issue 3, end to end in the browser.

My milestones -> move a forecast in place -> see the slip and the history -> the Gantt chart
draws the plan -> a new status report comes prefilled from the live plan.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import BudgetEntry, BudgetLine
from projects.services.schedule import dependency_add, reschedule_project, task_create
from tests.projects.factories_milestones import MilestoneFactory

pytestmark = pytest.mark.browser


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def planned_project(project, pm):
    """PRJ-0042 with a small scheduled WBS, a baselined milestone and a budget overrun."""
    project.planned_start = in_days(-60)
    project.planned_finish = in_days(120)
    project.status = "active"
    project.save()
    design = task_create(project=project, by=pm, data={"name": "Design", "duration_days": 20})
    build = task_create(project=project, by=pm, data={"name": "Build", "duration_days": 40})
    dependency_add(successor=build, predecessor=design, by=pm, type="FS", lag_days=0)
    reschedule_project(project=project)
    milestone = MilestoneFactory(
        project=project,
        name="Design signed off",
        baseline_date=in_days(5),
        forecast_date=in_days(5),
    )
    line = BudgetLine.objects.create(
        project=project, category="services", description="Integration partner", currency="CNY"
    )
    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    BudgetEntry.objects.create(
        line=line, month=month, planned=Decimal("10000.00"), actual=Decimal("13000.00")
    )
    return milestone


def test_pm_moves_a_milestone_then_sees_gantt_and_a_prefilled_report(
    page, login_as, screenshot, pm, project, planned_project
):
    milestone = planned_project
    login_as(page, pm)

    # 1. My milestones, from the main navigation.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="My milestones"
    ).click()
    page.wait_for_url("**/milestones/mine/")
    row = page.locator(f"#milestone-{milestone.pk}")
    expect(row.get_by_test_id("milestone-slip")).to_have_text("0")

    # 2. Move the forecast in place: two clicks, with a comment.
    row.get_by_test_id("quick-update").click()
    form_row = page.locator(f"#milestone-{milestone.pk}")
    form_row.get_by_test_id("forecast-input").fill(in_days(9).isoformat())
    form_row.get_by_test_id("comment-input").fill("Architecture review moved by a week")
    form_row.get_by_test_id("save-forecast").click()
    row = page.locator(f"#milestone-{milestone.pk}")
    expect(row.get_by_test_id("milestone-slip")).to_have_text("+4 late")
    expect(row.get_by_test_id("milestone-status")).to_have_text("At risk")
    screenshot(page, "journey_my_milestones")

    # 3. The history keeps who, the move and the comment.
    row.get_by_test_id("milestone-name").click()
    page.wait_for_url(f"**/milestones/{milestone.pk}/")
    latest = page.get_by_test_id("milestone-history").get_by_test_id("history-entry").first
    expect(latest).to_contain_text("Pat Manager")
    expect(latest.get_by_test_id("history-comment")).to_have_text(
        "Architecture review moved by a week"
    )

    # 4. The Gantt chart, from the schedule tab: plotly draws it, with its data table.
    page.get_by_test_id("project-nav").get_by_role("link", name="Schedule").click()
    page.get_by_test_id("gantt-link").click()
    page.wait_for_url(f"**/projects/{project.code}/gantt/")
    expect(page.locator(".pmo-chart .main-svg").first).to_be_visible()
    table = page.get_by_test_id("gantt-table")
    expect(table).to_contain_text("Design")
    expect(table).to_contain_text("Build")
    expect(table).to_contain_text("Design signed off")
    screenshot(page, "journey_gantt")

    # 5. A new status report is prefilled from the live plan: the slipped milestone and
    #    the budget overrun are there, and the suggested ratings follow from them.
    page.get_by_test_id("project-nav").get_by_role("link", name="Status reports").click()
    page.get_by_test_id("new-report").click()
    page.wait_for_url(f"**/projects/{project.code}/reports/new/")
    facts = page.get_by_test_id("facts")
    expect(facts.get_by_test_id("facts-milestones")).to_contain_text("Design signed off")
    expect(facts.get_by_test_id("facts-budget")).to_contain_text("13000")
    form = page.get_by_test_id("report-form")
    expect(form.locator("input[name=schedule][value=amber]")).to_be_checked()
    expect(form.locator("input[name=cost][value=red]")).to_be_checked()
    screenshot(page, "journey_report_prefilled")

"""The charts in the browser: plotly.js (served from the plotly package) draws the Gantt chart
and the portfolio timeline under the Content-Security-Policy, with no console error.

Screenshots land in test-artifacts/screenshots/charts_*.png.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Task
from projects.services import baselines as baseline_services
from projects.services import schedule as services
from tests.projects.factories_milestones import MilestoneFactory
from tests.projects.factories_schedule import add, link_milestone

pytestmark = pytest.mark.browser


@pytest.fixture
def plan(project, pm, member):
    """A small WBS: a design phase on the critical path to go-live, baselined, then slipped."""
    design = add(project, pm, "Design")
    spec = add(project, pm, "Specification", design, duration_days=4, assignee=member)
    review = add(project, pm, "Review", design, duration_days=2)
    add(project, pm, "Translations", design, duration_days=1)
    build = add(project, pm, "Build")
    backend = add(project, pm, "Backend services", build, duration_days=8)
    go_live = add(project, pm, "Go-live", duration_days=0)
    services.dependency_add(successor=review, predecessor=spec, by=pm, type="FS", lag_days=0)
    services.dependency_add(successor=backend, predecessor=review, by=pm, type="FS", lag_days=0)
    services.dependency_add(successor=go_live, predecessor=backend, by=pm, type="FS", lag_days=0)
    link_milestone(Task.objects.get(pk=go_live.pk), name="Go-live")
    first = baseline_services.baseline_create(project=project, name="Approved plan", by=pm)
    spec = Task.objects.get(pk=spec.pk)
    services.task_update(task=spec, by=pm, data={"duration_days": 7}, expected_version=spec.version)
    baseline_services.baseline_create(project=project, name="After re-plan", by=pm)
    return first


def test_gantt_chart_draws_under_the_csp_with_its_data_table(
    page, login_as, screenshot, pm, project, plan
):
    login_as(page, pm)
    response = page.goto(f"/projects/{project.code}/gantt/")
    assert response.status == 200
    chart = page.locator(".pmo-chart")
    expect(chart).to_have_attribute("role", "img")
    # plotly.js turned the JSON into an SVG: bars, diamonds, legend and date ticks.
    expect(page.locator(".pmo-chart .main-svg").first).to_be_visible()
    assert page.locator(".pmo-chart .barlayer .point").count() >= 8
    assert page.locator(".pmo-chart .scatterlayer .point").count() >= 2
    legend = " ".join(page.locator(".pmo-chart .legend text").all_text_contents())
    for entry in ("Critical task", "Baseline", "Critical milestone", "Baseline milestone", "Today"):
        assert entry in legend
    ticks = page.locator(".pmo-chart .xtick text").all_text_contents()
    assert any("Jan" in tick for tick in ticks), ticks
    labels = page.locator(".pmo-chart .ytick text").all_text_contents()
    assert any("1.1\u00a0Specification" in label for label in labels), labels
    # Critical bars are red.
    fills = page.locator(".pmo-chart .barlayer .point path").evaluate_all(
        "paths => paths.map(p => getComputedStyle(p).fill)"
    )
    assert "rgb(220, 53, 69)" in fills
    screenshot(page, "charts_gantt")

    # Hovering a bar tells its dates.
    box = page.locator(".pmo-chart .barlayer .trace").nth(2).locator(".point").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator(".pmo-chart .hoverlayer .hovertext").first).to_contain_text("Start")
    screenshot(page, "charts_gantt_hover")

    # The same data as a table, for reading without the picture.
    page.get_by_text("Data table").click()
    table = page.get_by_test_id("gantt-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(7)  # the go-live task is its milestone
    expect(table).to_contain_text("Specification")


def test_choosing_a_baseline_redraws_the_chart(page, login_as, pm, project, plan):
    login_as(page, pm)
    page.goto(f"/projects/{project.code}/gantt/")
    expect(page.locator(".pmo-chart .main-svg").first).to_be_visible()
    expect(page.get_by_test_id("gantt-summary")).to_contain_text("After re-plan")
    # The select submits itself (static/js/app.js, data-autosubmit).
    with page.expect_navigation():
        page.get_by_test_id("baseline-select").select_option(str(plan.pk))
    assert f"baseline={plan.pk}" in page.url
    expect(page.get_by_test_id("gantt-summary")).to_contain_text("Approved plan")
    expect(page.locator(".pmo-chart .main-svg").first).to_be_visible()


def test_portfolio_timeline_draws_milestones_by_status(
    page, login_as, screenshot, executive, project, other_project, portfolio
):
    today = timezone.localdate()
    days = datetime.timedelta
    MilestoneFactory(
        project=project, name="Beta", baseline_date=today + days(5), forecast_date=today + days(25)
    )
    MilestoneFactory(
        project=project,
        name="Kick-off",
        forecast_date=today - days(30),
        baseline_date=today - days(30),
        actual_date=today - days(29),
    )
    MilestoneFactory(project=other_project, name="Cut-over", forecast_date=today + days(60))
    login_as(page, executive)
    response = page.goto(f"/portfolios/{portfolio.code}/timeline/")
    assert response.status == 200
    expect(page.locator(".pmo-chart .main-svg").first).to_be_visible()
    assert page.locator(".pmo-chart .scatterlayer .point").count() == 3
    legend = " ".join(page.locator(".pmo-chart .legend text").all_text_contents())
    for status in ("Late", "Achieved", "Planned", "Today"):
        assert status in legend
    expect(page.get_by_test_id("timeline-table").locator("tbody tr")).to_have_count(3)
    screenshot(page, "charts_portfolio_timeline")

    # A window that ends before it starts is refused next to the dates, with no chart.
    page.fill("input[name=from]", (today + days(10)).isoformat())
    page.fill("input[name=to]", today.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("cannot be before its start")
    expect(page.locator(".pmo-chart")).to_have_count(0)

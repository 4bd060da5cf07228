"""The PM's milestone journey in the browser: My milestones, an in-place forecast move with a
comment, the slip and status changing, then the milestone's history with that comment.

Screenshots land in test-artifacts/screenshots/milestones_*.png.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Milestone
from projects.services.milestones import milestone_update_forecast
from tests.browser.conftest import VIEWPORT
from tests.conftest import PASSWORD
from tests.factories import ProjectFactory
from tests.projects.factories_milestones import MilestoneFactory

pytestmark = pytest.mark.browser


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def plan(project, member, portfolio, pm):
    """Two projects the PM manages, with baselined milestones; one owned by a team member."""
    uat = MilestoneFactory(
        project=project,
        name="UAT complete",
        owner=member,
        baseline_date=in_days(10),
        forecast_date=in_days(10),
    )
    MilestoneFactory(
        project=project, name="Go-live", baseline_date=in_days(40), forecast_date=in_days(40)
    )
    second = ProjectFactory(portfolio=portfolio, project_manager=pm, name="Data warehouse")
    MilestoneFactory(
        project=second, name="Schema frozen", baseline_date=in_days(3), forecast_date=in_days(5)
    )
    return uat


def test_pm_moves_a_forecast_in_place_and_finds_the_comment_in_history(
    page, login_as, screenshot, pm, plan
):
    uat = plan
    login_as(page, pm)

    # "My milestones" from the main navigation.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="My milestones"
    ).click()
    page.wait_for_url("**/milestones/mine/")
    table = page.get_by_test_id("milestone-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    row = page.locator(f"#milestone-{uat.pk}")
    expect(row.get_by_test_id("milestone-status")).to_have_text("On track")
    expect(row.get_by_test_id("milestone-slip")).to_have_text("0")
    # Soonest forecast first.
    expect(table.locator("tbody tr").first).to_contain_text("Schema frozen")
    screenshot(page, "milestones_mine")

    # Click 1: the row turns into a small form, in place (no navigation).
    with page.expect_response(lambda r: "/update/" in r.url) as opened:
        row.get_by_test_id("quick-update").click()
    assert opened.value.status == 200
    form_row = page.locator(f"#milestone-{uat.pk}")
    expect(form_row).to_have_attribute("data-testid", "milestone-row-form")
    expect(form_row.get_by_test_id("actual-input")).to_have_value(timezone.localdate().isoformat())
    assert page.url.endswith("/milestones/mine/")

    form_row.get_by_test_id("forecast-input").fill(in_days(18).isoformat())
    # Click 2: with a comment, save swaps the row back with the slip and the new status.
    form_row.get_by_test_id("comment-input").fill("Test environment delayed by the vendor")
    screenshot(page, "milestones_quick_update_form")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        form_row.get_by_test_id("save-forecast").click()
    assert posted.value.status == 200
    row = page.locator(f"#milestone-{uat.pk}")
    expect(row).to_have_attribute("data-testid", "milestone-row")
    expect(row.get_by_test_id("saved")).to_be_visible()
    expect(row.get_by_test_id("milestone-slip")).to_have_text("+8 late")
    expect(row.get_by_test_id("milestone-status")).to_have_text("Late")
    expect(row.get_by_test_id("milestone-status")).to_have_class(re.compile(r"text-bg-danger"))
    expect(row.get_by_test_id("milestone-forecast")).to_have_text(in_days(18).isoformat())
    expect(row.get_by_test_id("milestone-comment")).to_have_text(
        "Test environment delayed by the vendor"
    )
    assert page.url.endswith("/milestones/mine/")
    screenshot(page, "milestones_mine_after_update")
    uat.refresh_from_db()
    assert (uat.forecast_date, uat.version) == (in_days(18), 2)

    # The milestone's page: the history names who, the old and new forecast, and the comment.
    row.get_by_test_id("milestone-name").click()
    page.wait_for_url(f"**/projects/{uat.project.code}/milestones/{uat.pk}/")
    expect(page.get_by_test_id("detail-forecast")).to_have_text(in_days(18).isoformat())
    latest = page.get_by_test_id("milestone-history").get_by_test_id("history-entry").first
    expect(latest).to_contain_text("Pat Manager")
    expect(latest.locator('.change[data-field="forecast_date"]')).to_have_text(
        f"Forecast date: {in_days(10).isoformat()} → {in_days(18).isoformat()}"
    )
    expect(latest.get_by_test_id("history-comment")).to_have_text(
        "Test environment delayed by the vendor"
    )
    screenshot(page, "milestones_detail_history")

    # And the project's milestone table shows the same slip.
    page.get_by_role("link", name="Milestones", exact=True).first.click()
    page.wait_for_url(f"**/projects/{uat.project.code}/milestones/")
    row = page.locator(f"#milestone-{uat.pk}")
    expect(row.get_by_test_id("milestone-slip")).to_have_text("+8 late")
    screenshot(page, "milestones_project_table")


def test_without_javascript_the_quick_update_is_a_page_with_errors_and_conflicts(
    browser, live_server, screenshot, pm, pmo_staff, plan
):
    """The no-JavaScript fallback: a plain page, a 400 for a missing comment, a 409 when
    someone else saved first (input kept), then a deliberate second save."""
    uat = plan
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=VIEWPORT
    )
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", pm.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit]")
        page.goto(f"/projects/{uat.project.code}/milestones/")
        page.locator(f"#milestone-{uat.pk}").get_by_test_id("quick-update").click()
        page.wait_for_url(re.compile(rf"/milestones/{uat.pk}/update/\?"))

        form_row = page.get_by_test_id("milestone-row-form")
        form_row.get_by_test_id("forecast-input").fill(in_days(20).isoformat())
        with page.expect_navigation() as sent:
            form_row.get_by_test_id("save-forecast").click()
        assert sent.value.status == 400
        expect(form_row.locator(".invalid-feedback")).to_contain_text("Say what changed and why")
        expect(form_row.get_by_test_id("forecast-input")).to_have_value(in_days(20).isoformat())
        screenshot(page, "milestones_no_js_error")

        # Meanwhile, someone else moves it.
        milestone_update_forecast(
            milestone=Milestone.objects.get(pk=uat.pk),
            forecast=in_days(12),
            comment="PMO aligned it with the release calendar",
            by=pmo_staff,
            expected_version=1,
        )
        form_row.get_by_test_id("comment-input").fill("My estimate")
        with page.expect_navigation() as sent:
            form_row.get_by_test_id("save-forecast").click()
        assert sent.value.status == 409
        expect(form_row.get_by_test_id("stale-warning")).to_contain_text("Paula Office")
        expect(form_row.get_by_test_id("comment-input")).to_have_value("My estimate")
        expect(form_row.get_by_test_id("forecast-input")).to_have_value(in_days(20).isoformat())
        screenshot(page, "milestones_no_js_conflict")
        uat.refresh_from_db()
        assert uat.forecast_date == in_days(12)

        # Saving again is deliberate, and returns to the table with the new slip.
        with page.expect_navigation():
            form_row.get_by_test_id("save-forecast").click()
        page.wait_for_url(f"**/projects/{uat.project.code}/milestones/")
        expect(page.get_by_role("alert").first).to_contain_text("Forecast of “UAT complete” saved.")
        row = page.locator(f"#milestone-{uat.pk}")
        expect(row.get_by_test_id("milestone-slip")).to_have_text("+10 late")
        uat.refresh_from_db()
        assert (uat.forecast_date, uat.status_comment) == (in_days(20), "My estimate")
    finally:
        context.close()

"""A project's life in the browser: create, check bad input, edit, history, list, refusals.

Each test signs in through the real login form and clicks through the pages the way a
person would; screenshots of the main pages land in test-artifacts/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect

from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.browser


def wait_for_tab_shown(page, pane_id):
    """Bootstrap fades a tab pane in; wait until it is fully opaque (for screenshots)."""
    page.wait_for_function(
        "id => { const el = document.getElementById(id);"
        " return el && el.classList.contains('show')"
        " && getComputedStyle(el).opacity === '1'; }",
        arg=pane_id,
    )


def test_pm_creates_a_project_turns_it_red_and_finds_it_in_history_and_list(
    page, login_as, screenshot, pm, portfolio
):
    ProjectFactory(portfolio=portfolio, name="Another one", project_manager=pm)
    login_as(page, pm)

    page.goto("/projects/")
    page.get_by_role("link", name="New project").first.click()
    expect(page.locator("h1")).to_have_text("New project")

    # Bad input first: the finish before the start.
    page.fill("#id_name", "Supplier onboarding")
    page.select_option("#id_portfolio", label="Digital")
    page.fill("#id_planned_start", "2026-06-01")
    page.fill("#id_planned_finish", "2026-05-01")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Create project").click()
    assert posted.value.status == 400
    finish = page.locator("#id_planned_finish")
    expect(finish).to_have_class(re.compile(r"\bis-invalid\b"))
    error = page.locator("#div_id_planned_finish .invalid-feedback")
    expect(error).to_contain_text("The planned finish cannot be before the start.")
    expect(page.locator("#id_name")).to_have_value("Supplier onboarding")
    expect(page.locator("#id_portfolio option:checked")).to_have_text("Digital")
    expect(page.locator("#id_planned_start")).to_have_value("2026-06-01")
    expect(page.locator("#id_planned_finish")).to_have_value("2026-05-01")
    assert not Project.objects.filter(name="Supplier onboarding").exists()
    screenshot(page, "project_form_with_errors")

    # Corrected, with the code left empty so the next PRJ-number is assigned.
    expect(page.locator("#id_code")).to_have_value("")
    page.fill("#id_planned_finish", "2026-11-30")
    page.get_by_role("button", name="Create project").click()
    page.wait_for_url(re.compile(r"/projects/PRJ-\d{4}/$"))
    code = re.search(r"/projects/(PRJ-\d{4})/$", page.url).group(1)
    expect(page.locator("h1")).to_contain_text(f"{code} Supplier onboarding")
    expect(page.get_by_role("alert").first).to_contain_text(f"Project {code} created.")
    project = Project.objects.get(code=code)
    assert project.project_manager == pm
    assert project.created_by == pm

    # Health to red, with the reason.
    page.get_by_test_id("edit-project").click()
    page.wait_for_url(f"**/projects/{code}/edit/")
    page.select_option("#id_health", "red")
    page.fill("#id_health_reason", "Supplier contract not signed")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(f"**/projects/{code}/")
    badge = page.locator(".badge.text-bg-danger", has_text="Red").first
    expect(badge).to_be_visible()
    expect(page.get_by_test_id("health-reason")).to_have_text("Supplier contract not signed")
    screenshot(page, "project_detail")

    # The History tab shows the change and who made it.
    page.get_by_test_id("history-tab").click()
    expect(page.get_by_test_id("history-tab")).to_have_attribute("aria-selected", "true")
    wait_for_tab_shown(page, "history")
    history = page.get_by_test_id("history")
    expect(history).to_be_visible()
    latest = history.locator("li").first
    expect(latest).to_contain_text("Pat Manager")
    health_change = latest.locator(".change").filter(has_text=re.compile(r"^Health:"))
    expect(health_change).to_have_text("Health: Green → Red")
    screenshot(page, "project_detail_history")

    # The Projects list finds it through the search filter.
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Projects"
    ).click()
    page.fill("#id_q", "supplier")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"[?&]q=supplier"))
    rows = page.get_by_test_id("project-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(code)
    expect(rows.first).to_contain_text("Supplier onboarding")
    expect(rows.first.locator(".badge.text-bg-danger")).to_have_text("Red")
    page.fill("#id_q", "")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(2)
    screenshot(page, "project_list")


def test_executive_sees_no_edit_controls_and_gets_403_on_the_edit_page(
    page, login_as, screenshot, executive, project
):
    login_as(page, executive)

    page.goto(f"/projects/{project.code}/")
    expect(page.locator("h1")).to_contain_text("Customer portal")
    expect(page.get_by_test_id("edit-project")).to_have_count(0)
    expect(page.get_by_role("link", name="Manage team")).to_have_count(0)

    response = page.goto(f"/projects/{project.code}/edit/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("You are not allowed to do that")
    expect(page.locator("#id_name")).to_have_count(0)
    screenshot(page, "403_executive_edit")

    page.goto("/portfolios/")
    expect(page.get_by_test_id("portfolio-table")).to_contain_text("Digital")
    screenshot(page, "portfolio_list")


def test_stale_edit_shows_what_changed_and_keeps_the_typed_values(
    new_page, login_as, screenshot, pm, pmo_staff, project
):
    page_a = login_as(new_page("pm"), pm)
    page_b = login_as(new_page("pmo_staff"), pmo_staff)

    page_a.goto(f"/projects/{project.code}/edit/")
    page_a.fill("#id_description", "Self-service portal for customers.")
    page_a.select_option("#id_priority", label="High")

    page_b.goto(f"/projects/{project.code}/edit/")
    page_b.fill("#id_name", "Customer portal 2.0")
    page_b.get_by_role("button", name="Save changes").click()
    page_b.wait_for_url(f"**/projects/{project.code}/")
    expect(page_b.locator("h1")).to_contain_text("Customer portal 2.0")

    with page_a.expect_response(lambda r: r.request.method == "POST") as posted:
        page_a.get_by_role("button", name="Save changes").click()
    assert posted.value.status == 409
    warning = page_a.get_by_test_id("stale-warning")
    expect(warning).to_contain_text("Paula Office")
    expect(warning).to_contain_text("Name: Customer portal → Customer portal 2.0")
    expect(page_a.locator("#id_description")).to_have_value("Self-service portal for customers.")
    expect(page_a.locator("#id_priority option:checked")).to_have_text("High")
    screenshot(page_a, "project_form_stale_warning")
    project.refresh_from_db()
    assert project.description == ""

    page_a.get_by_role("button", name="Save changes").click()
    page_a.wait_for_url(f"**/projects/{project.code}/")
    expect(page_a.get_by_role("alert").first).to_contain_text(f"Project {project.code} saved.")
    expect(page_a.locator("#overview")).to_contain_text("Self-service portal for customers.")
    project.refresh_from_db()
    assert project.description == "Self-service portal for customers."
    assert project.get_priority_display() == "High"
    assert project.version == 3


def test_language_switcher_changes_the_page_language_to_simplified_chinese(
    page, login_as, screenshot, pm, project
):
    login_as(page, pm)
    page.goto(f"/projects/{project.code}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert page.url.endswith(f"/projects/{project.code}/")
    expect(page.locator("#language-select")).to_have_value("zh-hans")
    screenshot(page, "project_detail_zh_hans")

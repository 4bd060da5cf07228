"""The PM's risk journey in the browser (issue 4): from the project's page to the Risks tab,
a brainstorming workshop recorded under Identification, a draft risk logged from it and
accepted in triage (htmx, in place), the risk assessed (P4 x I5 = 20, critical), a
mitigation with a response action, the heat map counting it, a review lowering it to
P2 x I3 and the residual heat map moving it there. Then a denial: the executive reads the
risk without a single edit button, and a review dated tomorrow is refused by its field with
what was typed kept.

Only the first page is typed as a URL; everything after is reached by links and tabs.
Screenshots land in test-artifacts/screenshots/risk_journey_*.png.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from risks.models import Action, Risk, RiskReview, RiskStatus
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.browser

WORKSHOP = "Go-live readiness workshop"
TITLE = "Payment provider misses the go-live"
COMMENT = "Second provider signed as a fallback; the API sandbox is live."


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def project_tab(page, name):
    """Follow one of the project's area tabs (Overview, Milestones, Risks, ...)."""
    page.get_by_test_id("project-nav").get_by_role("link", name=name, exact=True).click()


def register_tab(page, name):
    """Follow one of the register's own tabs (Register, Heat map, Identification, ...)."""
    page.get_by_role("navigation", name="Register pages").get_by_role(
        "link", name=name, exact=True
    ).click()


def heat_cell(page, basis, p, i):
    return page.get_by_test_id(f"cell-{basis}-{p}-{i}")


def heat_count(page, basis, p, i):
    """The count shown in a cell of a heat map's data table (not the screen-reader text)."""
    return heat_cell(page, basis, p, i).locator("[aria-hidden=true], .opacity-50")


def test_pm_logs_a_workshop_risk_assesses_mitigates_reviews_and_sees_it_move(
    page, login_as, screenshot, pm, member, executive, project
):
    login_as(page, pm)
    today = timezone.localdate().isoformat()

    # 1. The project's page, its Risks tab, then the register's Identification tab.
    page.goto(f"/projects/{project.code}/")
    project_tab(page, "Risks")
    page.wait_for_url(f"**/projects/{project.code}/risks/")
    register_tab(page, "Identification")
    page.wait_for_url(f"**/projects/{project.code}/risks/sessions/")
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    page.get_by_test_id("new-session").click()

    form = page.get_by_test_id("session-form")
    form.locator("[name=title]").fill(WORKSHOP)
    form.locator("[name=held_on]").fill(today)
    form.locator("[name=method]").select_option("brainstorming")
    form.get_by_label("Max Member").check()
    form.get_by_label("Eve Chief").check()
    form.locator("[name=notes]").fill("Walked through the cut-over plan with the team.")
    screenshot(page, "risk_journey_1_session_form")
    with page.expect_navigation():
        form.get_by_role("button", name="Record the session").click()
    expect(page.get_by_role("heading", name=WORKSHOP)).to_be_visible()
    expect(page.get_by_test_id("participants")).to_contain_text("Max Member")
    expect(page.get_by_test_id("participants")).to_contain_text("Eve Chief")

    # Log a risk raised in the workshop as a draft.
    page.get_by_test_id("add-drafts").click()
    row = page.get_by_test_id("draft-row").first
    row.locator("[name$=-title]").fill(TITLE)
    row.locator("[name$=-cause]").fill("The provider's certification backlog is long")
    row.locator("[name$=-event]").fill("Certification is not done by the go-live date")
    row.locator("[name$=-effect]").fill("Customers cannot pay online; launch slips")
    row.locator("[name$=-category]").select_option(label="Supplier")
    row.locator("[name$=-kind]").select_option("threat")
    screenshot(page, "risk_journey_1_draft_risks")
    with page.expect_navigation():
        page.get_by_test_id("save-drafts").click()

    # 2. Triage (where the drafts land): accept it in place with an owner and a category.
    page.wait_for_url(f"**/projects/{project.code}/risks/triage/")
    item = page.get_by_test_id("triage-item").filter(has_text=TITLE)
    expect(item).to_have_count(1)
    ref = item.get_attribute("data-ref")
    assert re.fullmatch(rf"{project.code}-R\d+", ref), ref
    expect(item).to_contain_text(WORKSHOP)
    accept = item.get_by_test_id("accept-form")
    accept.locator("[name$=-owner]").select_option(label="Max Member")
    accept.locator("[name$=-category]").select_option(label="Supplier")
    screenshot(page, "risk_journey_2_triage")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        accept.get_by_test_id("accept").click()
    assert posted.value.status == 200
    decided = page.get_by_test_id("triage-decided")
    expect(decided).to_contain_text(ref)
    assert page.url.endswith("/risks/triage/")  # accepted in place
    screenshot(page, "risk_journey_2_triage_accepted")

    # Open it and assess it: inherent P4 x I5 = 20 (critical), residual P3 x I4 = 12.
    decided.get_by_role("link", name="Open the risk").click()
    page.wait_for_url(f"**/risks/{ref}/")
    expect(page.get_by_test_id("owner")).to_have_text("Max Member")
    page.get_by_test_id("assess").click()
    form = page.get_by_test_id("risk-form")
    form.locator("[name=inherent_probability]").select_option("4")
    form.locator("[name=inherent_impact]").select_option("5")
    form.locator("[name=residual_probability]").select_option("3")
    form.locator("[name=residual_impact]").select_option("4")
    form.locator("[name=cost_impact]").fill("400000")
    form.locator("[name=reason]").fill("Assessed after the workshop")
    screenshot(page, "risk_journey_2_assess")
    with page.expect_navigation():
        form.get_by_role("button", name="Save the assessment").click()
    page.wait_for_url(f"**/risks/{ref}/")
    expect(page.get_by_test_id("inherent")).to_contain_text("20")
    expect(page.get_by_test_id("inherent")).to_contain_text("Critical")
    expect(page.get_by_test_id("inherent")).to_contain_text("P4 Likely × I5 Severe")
    expect(page.get_by_test_id("residual")).to_contain_text("12")

    # 3. The mitigation: the response, then a response action.
    page.get_by_test_id("response").click()
    form = page.get_by_test_id("risk-form")
    form.locator("[name=strategy]").select_option("mitigate")
    form.locator("[name=response_summary]").fill(
        "Sign a second payment provider and start its certification now."
    )
    with page.expect_navigation():
        form.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/risks/{ref}/")
    expect(page.get_by_test_id("strategy")).to_have_text("Mitigate")

    page.get_by_test_id("add-action").click()
    form = page.get_by_test_id("action-form")
    form.locator("[name=description]").fill("Sign the second payment provider")
    form.locator("[name=owner]").select_option(label="Max Member")
    form.locator("[name=due_date]").fill(in_days(14).isoformat())
    form.locator("[name=cost]").fill("12000")
    screenshot(page, "risk_journey_3_action_form")
    with page.expect_navigation():
        form.get_by_role("button", name="Add action").click()
    page.wait_for_url(re.compile(rf"/risks/{ref}/"))
    action_row = page.get_by_test_id("action-row").filter(has_text="Sign the second payment")
    expect(action_row).to_contain_text("Max Member")
    expect(action_row.get_by_test_id("action-due")).to_contain_text(in_days(14).isoformat())
    expect(action_row).to_contain_text("12,000")
    screenshot(page, "risk_journey_3_risk_mitigated")

    # 4. The heat map counts it at P4 x I5 (inherent) and P3 x I4 (residual).
    register_tab(page, "Heat map")
    page.wait_for_url(f"**/projects/{project.code}/risks/heatmap/")
    expect(page.locator("#heatmap-inherent .main-svg").first).to_be_visible()
    expect(heat_count(page, "inherent", 4, 5)).to_have_text("1")
    expect(heat_count(page, "residual", 3, 4)).to_have_text("1")
    expect(heat_count(page, "residual", 2, 3)).to_have_text("0")
    heat_cell(page, "inherent", 4, 5).get_by_role("link").click()
    listed = page.locator("#heatmap-cell").get_by_test_id("heatmap-cell")
    expect(listed).to_have_attribute("data-cell", "inherent-4-5")
    expect(listed.get_by_test_id("cell-risk")).to_have_count(1)
    expect(listed.get_by_test_id("cell-risk")).to_contain_text(ref)
    assert page.url.endswith("/risks/heatmap/")  # listed in place
    screenshot(page, "risk_journey_4_heatmap_before")

    # 5. A review from the risk's page (reached from the cell's list): now P2 x I3.
    listed.get_by_role("link", name=ref).click()
    page.wait_for_url(f"**/risks/{ref}/")
    page.get_by_test_id("record-review-button").click()
    form = page.get_by_test_id("review-form")
    expect(form.locator("[name=reviewed_on]")).to_have_value(today)
    form.locator("[name=probability]").select_option("2")
    form.locator("[name=impact]").select_option("3")
    form.locator("[name=comment]").fill(COMMENT)
    screenshot(page, "risk_journey_5_review_form")
    with page.expect_navigation():
        form.get_by_test_id("record-review").click()
    page.wait_for_url(f"**/risks/{ref}/")
    expect(page.get_by_role("alert").first).to_contain_text(f"Review of {ref} recorded: score 6")
    expect(page.get_by_test_id("residual")).to_contain_text("P2 Unlikely × I3 Moderate")
    review_row = page.get_by_test_id("review-history").get_by_test_id("review-row")
    expect(review_row).to_have_count(1)
    expect(review_row).to_contain_text(today)
    expect(review_row).to_contain_text("Pat Manager")
    expect(review_row).to_contain_text(COMMENT)
    # The risk's history keeps the review's change with its comment, and the score chart is drawn.
    history = page.locator("section[aria-labelledby=risk-history-title]")
    expect(history.get_by_test_id("history").locator("li").first).to_contain_text(COMMENT)
    expect(page.get_by_test_id("risk-reviews").locator(".main-svg").first).to_be_visible()
    screenshot(page, "risk_journey_5_risk_reviewed")

    # 6. Back on the heat map, the residual map has it at P2 x I3; the inherent one stays.
    register_tab(page, "Heat map")
    page.wait_for_url(f"**/projects/{project.code}/risks/heatmap/")
    expect(page.locator("#heatmap-residual .main-svg").first).to_be_visible()
    expect(heat_count(page, "residual", 2, 3)).to_have_text("1")
    expect(heat_count(page, "residual", 3, 4)).to_have_text("0")
    expect(heat_count(page, "residual", 4, 5)).to_have_text("0")
    expect(heat_count(page, "inherent", 4, 5)).to_have_text("1")
    heat_cell(page, "residual", 2, 3).get_by_role("link").click()
    listed = page.locator("#heatmap-cell").get_by_test_id("heatmap-cell")
    expect(listed).to_have_attribute("data-cell", "residual-2-3")
    expect(listed.get_by_test_id("cell-risk")).to_contain_text(ref)
    screenshot(page, "risk_journey_6_heatmap_after")

    # What the pages showed is what was saved.
    risk = Risk.objects.get(reference=ref)
    assert (risk.inherent_probability, risk.inherent_impact, risk.inherent_score) == (4, 5, 20)
    assert (risk.residual_probability, risk.residual_impact, risk.current_score) == (2, 3, 6)
    assert (risk.owner, risk.strategy, risk.identified_in.title) == (member, "mitigate", WORKSHOP)
    assert Action.objects.filter(risk=risk, owner=member, cost=12000).count() == 1
    assert list(RiskReview.objects.filter(risk=risk).values_list("score", "comment")) == [
        (6, COMMENT)
    ]


@pytest.fixture
def assessed_risk(project, member):
    return RiskFactory(
        project=project,
        title="Key engineer leaves",
        owner=member,
        status=RiskStatus.ASSESSED,
        inherent_probability=4,
        inherent_impact=5,
    )


def test_executive_reads_without_edit_buttons_and_a_future_review_is_refused_by_its_field(
    new_page, login_as, screenshot, pm, executive, assessed_risk
):
    risk = assessed_risk
    # The executive reads the risk: no button to change anything.
    reader = login_as(new_page("executive"), executive)
    reader.goto(f"/projects/{risk.project.code}/")
    project_tab(reader, "Risks")
    row = reader.get_by_test_id("risk-row").filter(has_text=risk.title)
    expect(row).to_have_count(1)
    # On the register neither a quick status change nor a way to add or propose a risk.
    expect(row.get_by_test_id("quick-status")).to_have_count(0)
    expect(reader.get_by_test_id("new-risk")).to_have_count(0)
    expect(reader.get_by_test_id("propose-risk")).to_have_count(0)
    row.get_by_role("link", name=risk.reference, exact=True).click()
    reader.wait_for_url(f"**/risks/{risk.reference}/")
    expect(reader.get_by_text(risk.title).first).to_be_visible()
    expect(reader.get_by_test_id("risk-buttons").locator("a, button")).to_have_count(0)
    expect(reader.get_by_test_id("record-review-button")).to_have_count(0)
    expect(reader.get_by_test_id("add-action")).to_have_count(0)
    expect(reader.get_by_test_id("record-occurred")).to_have_count(0)
    screenshot(reader, "risk_journey_denial_executive")

    # The PM types a review dated tomorrow: refused by the date, everything typed kept.
    page = login_as(new_page("pm"), pm)
    page.goto(f"/projects/{risk.project.code}/")
    project_tab(page, "Risks")
    page.get_by_role("link", name=risk.reference, exact=True).click()
    page.get_by_test_id("record-review-button").click()
    form = page.get_by_test_id("review-form")
    tomorrow = in_days(1).isoformat()
    form.locator("[name=reviewed_on]").fill(tomorrow)
    form.locator("[name=probability]").select_option("2")
    form.locator("[name=impact]").select_option("3")
    form.locator("[name=comment]").fill("Reviewed ahead of the steering committee")
    with page.expect_navigation() as sent:
        form.get_by_test_id("record-review").click()
    assert sent.value.status == 400
    form = page.get_by_test_id("review-form")
    date_field = form.locator("[name=reviewed_on]")
    expect(date_field).to_have_class(re.compile(r"\bis-invalid\b"))
    # The message sits with the date field (crispy renders it in the field's wrapper).
    wrapper = form.locator("#div_id_reviewed_on")
    expect(wrapper.locator(".invalid-feedback")).to_contain_text("future")
    expect(date_field).to_have_value(tomorrow)
    expect(form.locator("[name=probability]")).to_have_value("2")
    expect(form.locator("[name=impact]")).to_have_value("3")
    expect(form.locator("[name=comment]")).to_have_value("Reviewed ahead of the steering committee")
    screenshot(page, "risk_journey_denial_future_review")
    risk.refresh_from_db()
    assert (risk.residual_probability, risk.last_reviewed_on) == (None, None)
    assert not RiskReview.objects.filter(risk=risk).exists()

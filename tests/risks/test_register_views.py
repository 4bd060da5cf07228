"""The register pages: the table with its summary, filters and rollups; adding and
proposing a risk; the risk's page; its forms (400 with the message by the field, 409 when
stale) and the in-place status change."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from risks.models import Risk, RiskAppetite, RiskStatus
from tests.factories import MembershipFactory, ProgramFactory, ProjectFactory
from tests.projects.factories_milestones import MilestoneFactory
from tests.projects.factories_schedule import TaskFactory
from tests.risks.factories import RiskCategoryFactory, RiskFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def register_url(register_kind="project", code="PRJ-0042", **query):
    url = reverse(f"risks:{register_kind}_register", kwargs={"code": code})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def risk_url(name, risk):
    return reverse(f"risks:{name}", kwargs={"ref": risk.reference})


def refs(response):
    """References of the rows in the register table, in order."""
    return re.findall(r'data-testid="risk-row" data-ref="([^"]+)"', response.content.decode())


def row_of(body, risk):
    return re.search(rf'<tr id="risk-{risk.pk}".*?</tr>', body, re.S).group(0)


@pytest.fixture
def risk(project, pm):
    return RiskFactory(project=project, owner=pm, title="Vendor API late")


# --- The register table ------------------------------------------------------------------
def test_register_summary_counts_bands_exposure_emv_and_appetite(client, pm, project, portfolio):
    RiskAppetite.objects.create(portfolio=portfolio, max_score=12)
    RiskFactory(
        project=project,
        inherent_probability=4,
        inherent_impact=5,  # 20 critical, above appetite
        cost_impact=Decimal("100000"),
        currency="EUR",
    )
    RiskFactory(
        project=project,
        inherent_probability=2,
        inherent_impact=2,  # 4 low
        cost_impact=Decimal("50000"),
        currency="USD",
    )
    RiskFactory(
        project=project,
        kind="opportunity",
        inherent_probability=3,
        inherent_impact=3,  # 9 medium
        cost_impact=Decimal("10000"),
        currency="EUR",
    )
    RiskFactory(project=project, status="closed", inherent_probability=5, inherent_impact=5)
    client.force_login(pm)
    response = client.get(register_url())
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.open_count == 3
    assert summary.exposure == 20 + 4 + 9
    assert {b.badge.code: b.count for b in summary.bands} == {
        "low": 1,
        "medium": 1,
        "high": 0,
        "critical": 1,
    }
    # P4 midpoint 60% x 100k; P3 midpoint 40% x 10k counts negative (opportunity).
    assert summary.emv == {"EUR": Decimal("56000.00"), "USD": Decimal("10000.00")}
    assert summary.above_appetite == 1
    body = response.content.decode()
    assert 'data-testid="register-summary"' in body
    assert "56,000 EUR" in body or "56000 EUR" in body
    assert len(refs(response)) == 3  # the closed one is hidden by default


def test_rows_show_scores_with_bands_and_sort_by_current_score(client, pm, project):
    low = RiskFactory(project=project, inherent_probability=1, inherent_impact=2)
    high = RiskFactory(
        project=project,
        inherent_probability=5,
        inherent_impact=4,
        residual_probability=3,
        residual_impact=4,
    )
    unassessed = RiskFactory(
        project=project, status="identified", inherent_probability=None, inherent_impact=None
    )
    client.force_login(pm)
    response = client.get(register_url())
    assert refs(response) == [high.reference, low.reference, unassessed.reference]
    row = row_of(response.content.decode(), high)
    assert re.search(r'data-band="critical"[^>]*>20 · Critical<', row)
    assert re.search(r'data-band="high"[^>]*>12 · High<', row)
    assert refs(client.get(register_url(sort="current"))) == [
        low.reference,
        high.reference,
        unassessed.reference,
    ]
    assert refs(client.get(register_url(sort="-ref")))[0] == unassessed.reference


def test_filters_status_category_type_owner_band_appetite_and_search(
    client, pm, member, project, portfolio
):
    RiskAppetite.objects.create(portfolio=portfolio, max_score=12)
    supplier = RiskCategoryFactory(code="supplier-t", name="Supplier T")
    a = RiskFactory(project=project, title="Vendor late", category=supplier, owner=member)
    b = RiskFactory(
        project=project,
        title="Early adoption",
        kind="opportunity",
        inherent_probability=4,
        inherent_impact=4,
    )
    c = RiskFactory(project=project, title="Old one", status="closed")
    client.force_login(pm)

    def filtered(**query):
        return set(refs(client.get(register_url(**query))))

    assert filtered() == {a.reference, b.reference}
    assert filtered(status="all") == {a.reference, b.reference, c.reference}
    assert filtered(status="closed") == {c.reference}
    assert filtered(category="supplier-t") == {a.reference}
    assert filtered(kind="opportunity") == {b.reference}
    assert filtered(owner="member") == {a.reference}
    assert filtered(band="critical") == {b.reference}
    assert filtered(band="high") == {a.reference}
    assert filtered(above="yes") == {b.reference}
    assert filtered(q="vendor") == {a.reference}
    assert filtered(q=a.reference.lower()) == {a.reference}


def test_bad_filter_answers_400_with_the_message(client, pm, risk):
    client.force_login(pm)
    response = client.get(register_url(status="bogus"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert refs(response) == []


def test_program_and_portfolio_registers_roll_up_the_registers_below(
    client, pm, pmo_staff, project, portfolio, other_project
):
    program = ProgramFactory(code="CX", portfolio=portfolio, manager=pm)
    project.program = program
    project.save()
    in_project = RiskFactory(project=project)
    in_program = RiskFactory(project=None, program=program, owner=None)
    in_other = RiskFactory(project=other_project)
    in_portfolio = RiskFactory(project=None, portfolio=portfolio, owner=None)
    elsewhere = RiskFactory(project=ProjectFactory())
    client.force_login(pmo_staff)
    program_page = client.get(register_url("program", "CX"))
    assert set(refs(program_page)) == {in_project.reference, in_program.reference}
    assert 'data-testid="risk-register"' in program_page.content.decode()
    portfolio_page = client.get(register_url("portfolio", "DIGITAL"))
    assert set(refs(portfolio_page)) == {
        in_project.reference,
        in_program.reference,
        in_other.reference,
        in_portfolio.reference,
    }
    assert elsewhere.reference not in refs(portfolio_page)
    assert portfolio_page.context["summary"].open_count == 4
    # The project register holds only its own rows and has no Register column.
    project_page = client.get(register_url())
    assert refs(project_page) == [in_project.reference]
    assert 'data-testid="risk-register"' not in project_page.content.decode()


def test_rollup_rows_offer_status_change_only_where_the_user_may(
    client, pm, portfolio, project, other_project
):
    mine = RiskFactory(project=project, owner=pm)
    theirs = RiskFactory(project=other_project)
    client.force_login(pm)
    body = client.get(register_url("portfolio", "DIGITAL")).content.decode()
    assert 'data-testid="quick-status"' in row_of(body, mine)
    assert 'data-testid="quick-status"' not in row_of(body, theirs)


def test_buttons_by_role(client, pm, member, executive, risk):
    client.force_login(pm)
    body = client.get(register_url()).content.decode()
    assert 'data-testid="new-risk"' in body and 'data-testid="quick-status"' in body
    client.force_login(member)
    body = client.get(register_url()).content.decode()
    assert 'data-testid="propose-risk"' in body and 'data-testid="new-risk"' not in body
    assert 'data-testid="quick-status"' not in body
    client.force_login(executive)
    body = client.get(register_url()).content.decode()
    assert "propose-risk" not in body and "new-risk" not in body and "quick-status" not in body


def test_export_and_import_links_only_once_those_pages_exist(client, pm, risk):
    client.force_login(pm)
    body = client.get(register_url()).content.decode()
    from django.urls import NoReverseMatch

    for name, testid in (("export", "export-csv"), ("import", "import")):
        try:
            reverse(f"risks:project_{name}", kwargs={"code": "PRJ-0042"})
        except NoReverseMatch:
            assert f'data-testid="{testid}"' not in body
        else:
            assert f'data-testid="{testid}"' in body


def test_empty_register_says_what_to_do_next(client, pm, member, executive, project):
    client.force_login(pm)
    body = client.get(register_url()).content.decode()
    assert 'data-testid="empty-state"' in body and "Add the first risk" in body
    client.force_login(member)
    assert "Propose a risk" in client.get(register_url()).content.decode()
    client.force_login(executive)
    body = client.get(register_url()).content.decode()
    assert "The register’s managers add risks" in body


def test_only_closed_risks_left_says_so(client, pm, project):
    RiskFactory(project=project, status="closed")
    client.force_login(pm)
    body = client.get(register_url()).content.decode()
    assert "No open risks" in body and "?status=all" in body


def test_closed_project_register_is_read_only(client, pm, risk, project):
    project.status = "closed"
    project.save()
    client.force_login(pm)
    body = client.get(register_url()).content.decode()
    assert 'data-testid="register-closed"' in body
    assert "new-risk" not in body and "quick-status" not in body
    response = client.post(
        reverse("risks:project_risk_create", kwargs={"code": "PRJ-0042"}), {"title": "Late"}
    )
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    assert Risk.objects.count() == 1


# --- Adding and proposing ----------------------------------------------------------------
def create_url(kind="project", code="PRJ-0042"):
    return reverse(f"risks:{kind}_risk_create", kwargs={"code": code})


def test_manager_form_labels_levels_from_the_matrix_and_limits_choices(
    client, pm, project, other_project, outsider
):
    TaskFactory(project=project, name="Build API")
    TaskFactory(project=other_project, name="Foreign task")
    client.force_login(pm)
    response = client.get(create_url())
    body = response.content.decode()
    assert '<option value="3">3 - Possible (30-50%)</option>' in body
    assert "4 - Major (cost 250k-1M, 20-40 days)" in body
    form = response.context["form"]
    assert [t.name for t in form.fields["tasks"].queryset] == ["Build API"]
    assert outsider not in form.fields["owner"].queryset


def test_manager_adds_an_assessed_risk_with_links(client, pm, member, project):
    task = TaskFactory(project=project)
    milestone = MilestoneFactory(project=project)
    client.force_login(pm)
    response = client.post(
        create_url(),
        {
            "title": "Vendor API late",
            "cause": "New vendor",
            "event": "API ships late",
            "effect": "Go-live slips",
            "kind": "threat",
            "owner": member.pk,
            "inherent_probability": "3",
            "inherent_impact": "4",
            "cost_impact": "100000",
            "currency": "EUR",
            "strategy": "mitigate",
            "tasks": [task.pk],
            "milestones": [milestone.pk],
        },
    )
    risk = Risk.objects.get()
    assert response.status_code == 302 and response.url == risk_url("risk_detail", risk)
    assert risk.reference == "PRJ-0042-R01"
    assert risk.status == RiskStatus.RESPONDING  # a mitigation is planned
    assert risk.current_score == 12 and risk.owner == member
    assert list(risk.tasks.all()) == [task] and list(risk.milestones.all()) == [milestone]


def test_probability_outside_the_matrix_is_400_by_the_field_and_nothing_saved(client, pm, project):
    client.force_login(pm)
    response = client.post(
        create_url(),
        {"title": "Bad", "kind": "threat", "inherent_probability": "6", "inherent_impact": "3"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Select a valid choice" in errors["inherent_probability"][0]
    assert 'value="Bad"' in response.content.decode()  # what was typed is kept
    assert not Risk.objects.exists()


def test_status_needing_a_strategy_is_refused(client, pm, project):
    client.force_login(pm)
    response = client.post(
        create_url(), {"title": "Half planned", "kind": "threat", "status": "responding"}
    )
    assert response.status_code == 400
    assert "Choose a response strategy first" in response.context["form"].errors["status"][0]
    assert not Risk.objects.exists()


def test_member_gets_the_short_form_and_proposes(client, member, project):
    client.force_login(member)
    response = client.get(create_url())
    assert "inherent_probability" not in response.context["form"].fields
    assert "Propose a risk" in response.content.decode()
    response = client.post(
        create_url(),
        {"title": "Printer drivers", "event": "drivers fail on the new OS", "kind": "threat"},
    )
    risk = Risk.objects.get()
    assert response.status_code == 302
    assert risk.status == RiskStatus.PROPOSED and risk.created_by == member


def test_forged_fields_in_a_proposal_are_ignored(client, member, project):
    client.force_login(member)
    client.post(
        create_url(),
        {"title": "Sneaky", "kind": "threat", "status": "monitoring", "inherent_probability": "5"},
    )
    risk = Risk.objects.get()
    assert risk.status == RiskStatus.PROPOSED and risk.inherent_probability is None


def test_program_register_risk_has_no_plan_links(client, pm, portfolio):
    ProgramFactory(code="CX", portfolio=portfolio, manager=pm)
    client.force_login(pm)
    response = client.get(create_url("program", "CX"))
    assert "tasks" not in response.context["form"].fields
    response = client.post(create_url("program", "CX"), {"title": "Funding cut", "kind": "threat"})
    assert response.status_code == 302
    assert Risk.objects.get().reference == "CX-R01"


# --- The risk's page ---------------------------------------------------------------------
def test_detail_shows_summary_statement_links_response_and_history(client, pm, project):
    task = TaskFactory(project=project, name="Build API")
    milestone = MilestoneFactory(project=project, name="Go-live")
    risk = RiskFactory(
        project=project,
        owner=pm,
        inherent_probability=4,
        inherent_impact=4,
        residual_probability=2,
        residual_impact=3,
        cost_impact=Decimal("100000"),
        schedule_impact_days=12,
        strategy="mitigate",
        response_summary="Second vendor",
        contingency_plan="Mock API",
        fallback_plan="Move go-live",
        triggers="Sprint demo missed",
    )
    risk.tasks.add(task)
    risk.milestones.add(milestone)
    client.force_login(pm)
    response = client.get(risk_url("risk_detail", risk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "16 · Critical" in body and "6 · Medium" in body
    assert "P4 Likely × I4 Major" in body and "P2 Unlikely × I3 Moderate" in body
    # EMV from the residual (current) probability: P2 midpoint 20% x 100,000.
    assert response.context["emv"] == Decimal("20000.00")
    assert "Sprint demo missed" in body and "Mock API" in body and "Move go-live" in body
    assert reverse("projects:task_detail", args=[project.code, task.pk]) in body
    assert reverse("projects:milestone_detail", args=[project.code, milestone.pk]) in body
    for testid in ("assess", "response", "edit", "close", "change-status"):
        assert f'data-testid="{testid}"' in body
    assert 'data-testid="history"' in body


def test_detail_banner_when_above_appetite(client, pm, project, portfolio):
    RiskAppetite.objects.create(portfolio=portfolio, max_score=12)
    risk = RiskFactory(project=project, inherent_probability=5, inherent_impact=4)
    client.force_login(pm)
    body = client.get(risk_url("risk_detail", risk)).content.decode()
    assert 'data-testid="escalation-banner"' in body
    assert "above the portfolio’s risk appetite (12)" in body


def test_detail_buttons_by_permission(client, member, executive, project, pm):
    owned = RiskFactory(project=project, owner=member)
    client.force_login(member)
    body = client.get(risk_url("risk_detail", owned)).content.decode()
    assert 'data-testid="assess"' in body and 'data-testid="edit"' not in body
    client.force_login(executive)
    body = client.get(risk_url("risk_detail", owned)).content.decode()
    assert 'data-testid="assess"' not in body and 'data-testid="edit"' not in body
    closed = RiskFactory(project=project, owner=pm, status="closed")
    client.force_login(pm)
    body = client.get(risk_url("risk_detail", closed)).content.decode()
    assert 'data-testid="reopen"' in body and 'data-testid="assess"' not in body


# --- Forms: edit, assess, response, close, reopen ----------------------------------------
def test_assess_saves_and_redirects(client, pm, risk):
    client.force_login(pm)
    response = client.get(risk_url("risk_assess", risk))
    assert 'data-testid="matrix-grid"' in response.content.decode()
    response = client.post(
        risk_url("risk_assess", risk),
        {
            "inherent_probability": "4",
            "inherent_impact": "5",
            "residual_probability": "2",
            "residual_impact": "5",
            "cost_impact": "250000",
            "currency": "EUR",
            "schedule_impact_days": "20",
            "reason": "Workshop estimate",
            "version": "1",
        },
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.inherent_score, risk.residual_score, risk.version) == (20, 10, 2)


def test_assess_with_a_forged_level_is_400_and_nothing_saved(client, pm, risk):
    client.force_login(pm)
    response = client.post(
        risk_url("risk_assess", risk),
        {"inherent_probability": "6", "inherent_impact": "3", "version": "1"},
    )
    assert response.status_code == 400
    assert "inherent_probability" in response.context["form"].errors
    risk.refresh_from_db()
    assert risk.version == 1 and risk.inherent_probability == 3


def test_stale_assessment_is_409_and_keeps_the_input(client, pm, risk):
    Risk.objects.filter(pk=risk.pk).update(version=2)
    client.force_login(pm)
    response = client.post(
        risk_url("risk_assess", risk),
        {"inherent_probability": "5", "inherent_impact": "5", "version": "1"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="stale-warning"' in body
    assert '<option value="5" selected>' in body
    risk.refresh_from_db()
    assert risk.inherent_probability == 3


def test_edit_and_response_forms_save(client, pm, risk):
    client.force_login(pm)
    response = client.post(
        risk_url("risk_edit", risk),
        {"title": "Vendor API very late", "kind": "threat", "owner": pm.pk, "version": "1"},
    )
    assert response.status_code == 302
    response = client.post(
        risk_url("risk_response", risk),
        {"strategy": "transfer", "response_summary": "Penalty clause", "version": "2"},
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.title == "Vendor API very late"
    assert risk.strategy == "transfer" and risk.status == RiskStatus.RESPONDING


def test_response_form_offers_only_strategies_of_the_type(client, pm, project):
    opportunity = RiskFactory(project=project, kind="opportunity")
    client.force_login(pm)
    form = client.get(risk_url("risk_response", opportunity)).context["form"]
    values = [value for value, _label in form.fields["strategy"].choices if value]
    assert values == ["exploit", "share", "enhance", "accept", "escalate"]
    response = client.post(
        risk_url("risk_response", opportunity), {"strategy": "mitigate", "version": "1"}
    )
    assert response.status_code == 400


def test_closed_risk_edit_is_refused_with_reopen_first(client, pm, project):
    risk = RiskFactory(project=project, owner=pm, status="closed")
    client.force_login(pm)
    response = client.get(risk_url("risk_edit", risk))
    assert response.status_code == 200
    assert "reopen it first" in response.content.decode()
    assert 'data-testid="risk-form"' not in response.content.decode()
    response = client.post(
        risk_url("risk_edit", risk), {"title": "Changed", "kind": "threat", "version": "1"}
    )
    assert response.status_code == 400
    assert "reopen it first" in response.content.decode()
    risk.refresh_from_db()
    assert risk.title != "Changed"


def test_close_needs_a_reason_then_reopen(client, pm, risk):
    client.force_login(pm)
    response = client.post(risk_url("risk_close", risk), {"reason": "", "version": "1"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    response = client.post(risk_url("risk_close", risk), {"reason": "Delivered", "version": "1"})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.status == RiskStatus.CLOSED
    assert client.get(risk_url("risk_reopen", risk)).status_code == 200
    response = client.post(risk_url("risk_reopen", risk), {"reason": "Back", "version": "2"})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.status == RiskStatus.ASSESSED


def test_reopen_of_an_open_risk_goes_back_to_its_page(client, pm, risk):
    client.force_login(pm)
    response = client.get(risk_url("risk_reopen", risk))
    assert response.status_code == 302 and response.url == risk_url("risk_detail", risk)


def test_stale_close_is_409(client, pm, risk):
    Risk.objects.filter(pk=risk.pk).update(version=3)
    client.force_login(pm)
    response = client.post(risk_url("risk_close", risk), {"reason": "Done", "version": "1"})
    assert response.status_code == 409
    assert "Done" in response.content.decode()


# --- The in-place status change ----------------------------------------------------------
def test_status_row_form_and_save_with_htmx(client, pm, risk):
    client.force_login(pm)
    response = client.get(risk_url("risk_status", risk), **HTMX)
    body = response.content.decode()
    assert 'data-testid="risk-row-form"' in body
    assert '<option value="occurred"' not in body  # recorded from the risk's page
    response = client.post(
        risk_url("risk_status", risk),
        {"status": "monitoring", "comment": "Quiet", "version": "1"},
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="risk-row"' in body and 'data-testid="saved"' in body
    assert ">Monitoring<" in body
    risk.refresh_from_db()
    assert risk.status == RiskStatus.MONITORING


def test_status_cancel_returns_the_plain_row(client, pm, risk):
    client.force_login(pm)
    response = client.get(risk_url("risk_status", risk) + "?row=1", **HTMX)
    assert 'data-testid="risk-row"' in response.content.decode()


def test_status_occurred_is_refused_pointing_to_record_that_it_occurred(client, pm, risk):
    client.force_login(pm)
    response = client.post(
        risk_url("risk_status", risk), {"status": "occurred", "version": "1"}, **HTMX
    )
    assert response.status_code == 400
    assert "Record that it occurred" in response.content.decode()
    risk.refresh_from_db()
    assert risk.status == RiskStatus.ASSESSED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "closed", "comment": ""}, "Say why the risk is closed"),
        ({"status": "responding"}, "Choose a response strategy first"),
        ({"status": "nonsense"}, "Select a valid choice"),
    ],
)
def test_status_bad_input_is_400_with_the_message(client, pm, risk, data, message):
    client.force_login(pm)
    response = client.post(risk_url("risk_status", risk), {**data, "version": "1"}, **HTMX)
    assert response.status_code == 400
    assert message in response.content.decode()
    risk.refresh_from_db()
    assert risk.version == 1


def test_status_stale_is_409(client, pm, risk):
    Risk.objects.filter(pk=risk.pk).update(version=2, status="monitoring")
    client.force_login(pm)
    response = client.post(
        risk_url("risk_status", risk), {"status": "identified", "version": "1"}, **HTMX
    )
    assert response.status_code == 409
    assert 'data-testid="stale-warning"' in response.content.decode()


def test_status_without_javascript_is_a_page_that_goes_back(client, pm, risk):
    client.force_login(pm)
    response = client.get(risk_url("risk_status", risk))
    assert response.status_code == 200
    assert "Change the status of" in response.content.decode()
    next_url = register_url()
    response = client.post(
        risk_url("risk_status", risk),
        {"status": "monitoring", "comment": "", "version": "1", "next": next_url},
    )
    assert response.status_code == 302 and response.url == next_url
    response = client.post(
        risk_url("risk_status", risk),
        {"status": "identified", "version": "2", "next": "https://evil.example/"},
    )
    assert response.url == risk_url("risk_detail", risk)


def test_team_member_with_edit_right_manages_the_register(client, project):
    editor = MembershipFactory(project=project, can_edit=True).user
    client.force_login(editor)
    body = client.get(register_url()).content.decode()
    assert 'data-testid="new-risk"' in body

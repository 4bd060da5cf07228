"""The charter: editing, SMART objectives, submission, sponsor approval and frozen revisions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects.models import Charter, CharterRevision, SmartObjective
from projects.services import charter as charter_services
from tests.factories import MembershipFactory, ProjectFactory, UserFactory
from tests.projects.factories_charter import (
    CharterFactory,
    CharterRevisionFactory,
    SmartObjectiveFactory,
)


def url(name, project, *args):
    return reverse(f"projects:{name}", args=[project.code, *args])


def charter_data(**overrides):
    data = {
        "business_case": "Customers wait three days for answers the portal could give at once.",
        "assumptions": "The identity platform is live in March.",
        "constraints": "Budget ceiling 1.2M CNY.",
        "success_criteria": "60% of requests self-served.",
    }
    data.update(overrides)
    return data


def objective_data(owner, **overrides):
    data = {
        "outcome": "Customers track orders without calling",
        "metric": "Share of order enquiries self-served",
        "unit": "%",
        "baseline_value": "15",
        "target_value": "60",
        "achievability": "The order API exists; the portal team has done this twice.",
        "relevance": "Call volume is the service desk's largest cost.",
        "owner": owner.pk,
        "due_date": "2026-10-30",
    }
    data.update(overrides)
    return data


@pytest.fixture
def submitted(project, pm):
    """The project's charter with one objective, submitted for approval."""
    CharterFactory(project=project, state=Charter.State.SUBMITTED)
    SmartObjectiveFactory(project=project, owner=pm)
    return project.charter


def approve(client, sponsor, project, version=None):
    client.force_login(sponsor)
    charter = Charter.objects.get(project=project)
    return client.post(
        url("charter_decide", project),
        {"decision": "approve", "version": version or charter.version},
    )


# --- Reading ---------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login_from_the_charter(client, project):
    for name in ("charter", "charter_edit", "objective_create"):
        response = client.get(url(name, project))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_people_who_see_the_project_read_its_charter_and_outsiders_get_404(
    client, project, other_project, pm, member, executive, other_pm, outsider
):
    CharterFactory(project=project, business_case="Why we invest: slow answers.")
    for user in (pm, member, executive, other_pm):
        client.force_login(user)
        response = client.get(url("charter", project))
        assert response.status_code == 200, user
        assert "Why we invest: slow answers." in response.content.decode()
    client.force_login(outsider)
    assert client.get(url("charter", project)).status_code == 404


def test_a_project_without_a_charter_says_how_to_start(client, project, pm, member):
    client.force_login(pm)
    response = client.get(url("charter", project))
    assert response.status_code == 200
    assert 'data-testid="empty-charter"' in response.content.decode()
    assert not Charter.objects.filter(project=project).exists()
    client.force_login(member)
    assert "Write the business case" not in client.get(url("charter", project)).content.decode()


# --- Editing the text ------------------------------------------------------------------------
def test_first_edit_creates_the_charter_and_history_names_the_author(client, project, pm):
    client.force_login(pm)
    response = client.post(url("charter_edit", project), charter_data())
    assert response.status_code == 302
    charter = Charter.objects.get(project=project)
    assert charter.business_case.startswith("Customers wait")
    assert (charter.state, charter.revision, charter.created_by) == ("draft", 1, pm)
    assert {r.history_user for r in charter.history.all()} == {pm}
    page = client.get(url("charter", project)).content.decode()
    assert "Budget ceiling 1.2M CNY." in page
    assert 'data-testid="history"' in page


def test_team_member_with_edit_right_edits_the_charter(client, project):
    editor = UserFactory(roles=["member"])
    MembershipFactory(project=project, user=editor, can_edit=True)
    client.force_login(editor)
    assert client.post(url("charter_edit", project), charter_data()).status_code == 302


@pytest.mark.parametrize("persona", ["other_pm", "executive", "member", "resource_manager"])
def test_people_without_edit_right_cannot_edit_the_charter(
    client, project, other_project, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("charter_edit", project)).status_code == 403
    assert client.post(url("charter_edit", project), charter_data()).status_code == 403
    assert not Charter.objects.filter(project=project).exists()


def test_empty_business_case_is_a_field_error(client, project, pm):
    client.force_login(pm)
    response = client.post(url("charter_edit", project), charter_data(business_case=""))
    assert response.status_code == 400
    assert "business_case" in response.context["form"].errors
    assert not Charter.objects.filter(project=project).exists()


def test_over_long_text_is_refused_and_what_was_typed_is_kept(client, project, pm):
    client.force_login(pm)
    response = client.post(
        url("charter_edit", project), charter_data(constraints="x" * 20_001, assumptions="Kept")
    )
    assert response.status_code == 400
    assert "constraints" in response.context["form"].errors
    assert "Kept" in response.content.decode()


def test_stale_charter_edit_is_409_and_keeps_the_users_input(client, project, pm, pmo_staff):
    charter = charter_services.charter_update(
        project=project, by=pm, data=charter_data(), expected_version=None
    )
    loaded = charter.version
    charter_services.charter_update(
        project=project,
        by=pmo_staff,
        data=charter_data(constraints="PMO: no new vendors"),
        expected_version=loaded,
    )
    client.force_login(pm)
    response = client.post(
        url("charter_edit", project),
        charter_data(business_case="My new case", version=loaded),
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert 'data-testid="stale-warning"' in content
    assert "My new case" in content
    charter.refresh_from_db()
    assert charter.business_case.startswith("Customers wait")
    assert charter.constraints == "PMO: no new vendors"


def test_closed_project_refuses_charter_edits(client, project, pm):
    project.status = "closed"
    project.save()
    client.force_login(pm)
    response = client.post(url("charter_edit", project), charter_data())
    assert response.status_code == 400
    assert "closed" in str(response.context["form"].non_field_errors())
    assert not Charter.objects.filter(project=project).exists()
    with pytest.raises(ValidationError):
        charter_services.objective_create(
            project=project, by=pm, data={"outcome": "x", "metric": "y"}
        )


# --- SMART objectives ----------------------------------------------------------------------
def test_objective_form_explains_each_smart_letter(client, project, pm):
    client.force_login(pm)
    content = client.get(url("objective_create", project)).content.decode()
    assert 'data-testid="smart-legend"' in content
    for letter in ("S · Specific", "M · Measurable", "A · Achievable", "R · Relevant", "T ·"):
        assert letter in content
    # Each field's help text names its letter.
    assert "M — the value that counts as success." in content
    assert "T — when the target must be met." in content


@pytest.mark.parametrize("missing", ["metric", "target_value", "due_date"])
def test_objective_without_metric_target_or_date_is_a_field_error(client, project, pm, missing):
    client.force_login(pm)
    response = client.post(url("objective_create", project), objective_data(pm, **{missing: ""}))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [missing]
    assert errors[missing][0][:1] in ("M", "T")
    assert not SmartObjective.objects.exists()
    # What the user typed stays in the form.
    assert "Customers track orders without calling" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due_date": "2025-12-31"}, "due_date"),  # before the project starts
        ({"baseline_value": "60", "target_value": "60"}, "target_value"),
        ({"target_value": "lots"}, "target_value"),
        ({"outcome": "x" * 301}, "outcome"),
        ({"due_date": "2026-02-30"}, "due_date"),
    ],
)
def test_bad_objective_input_is_refused(client, project, pm, overrides, field):
    client.force_login(pm)
    response = client.post(url("objective_create", project), objective_data(pm, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not SmartObjective.objects.exists()


def test_objective_owner_must_be_someone_on_the_project(client, project, pm, outsider):
    client.force_login(pm)
    response = client.post(url("objective_create", project), objective_data(outsider))
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors


def test_pm_adds_edits_and_removes_an_objective_with_history(client, project, pm, member):
    client.force_login(pm)
    assert client.post(url("objective_create", project), objective_data(member)).status_code == 302
    objective = SmartObjective.objects.get(project=project)
    assert (objective.owner, objective.target_value, objective.created_by) == (
        member,
        Decimal("60"),
        pm,
    )
    assert Charter.objects.get(project=project).state == "draft"
    response = client.post(
        url("objective_edit", project, objective.pk),
        objective_data(member, target_value="70", version=objective.version),
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert (objective.target_value, objective.version) == (Decimal("70"), 2)
    page = client.get(url("charter", project)).content.decode()
    assert "60.00" in page and "70.00" in page  # the change is in the history
    assert client.post(url("objective_delete", project, objective.pk)).status_code == 302
    assert not SmartObjective.objects.filter(pk=objective.pk).exists()
    removal = SmartObjective.history.filter(id=objective.pk).latest("history_date")
    assert (removal.history_type, removal.history_user) == ("-", pm)


def test_stale_objective_edit_is_409(client, project, pm):
    objective = SmartObjectiveFactory(project=project, owner=pm)
    CharterFactory(project=project)
    charter_services.objective_update(
        objective=objective, by=pm, data={"target_value": Decimal("75")}, expected_version=1
    )
    client.force_login(pm)
    response = client.post(
        url("objective_edit", project, objective.pk),
        objective_data(pm, outcome="Mine", version=1),
    )
    assert response.status_code == 409
    assert "Mine" in response.content.decode()
    objective.refresh_from_db()
    assert objective.target_value == Decimal("75")


def test_objective_of_another_project_is_404(client, project, other_project, pm):
    foreign = SmartObjectiveFactory(project=other_project)
    client.force_login(pm)
    assert client.get(url("objective_edit", project, foreign.pk)).status_code == 404
    assert client.post(url("objective_delete", project, foreign.pk)).status_code == 404
    assert SmartObjective.objects.filter(pk=foreign.pk).exists()


def test_member_cannot_add_or_remove_objectives(client, project, member, pm):
    objective = SmartObjectiveFactory(project=project, owner=pm)
    client.force_login(member)
    assert client.post(url("objective_create", project), objective_data(pm)).status_code == 403
    assert client.post(url("objective_delete", project, objective.pk)).status_code == 403
    assert SmartObjective.objects.count() == 1


# --- Submission and approval ----------------------------------------------------------------
def test_submitting_needs_a_business_case_and_an_objective(client, project, pm):
    CharterFactory(project=project, business_case="")
    client.force_login(pm)
    response = client.post(url("charter_submit", project), {"version": 1})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Write the business case before submitting" in content
    assert "Add at least one SMART objective" in content
    assert Charter.objects.get(project=project).state == "draft"


def test_pm_submits_and_the_sponsor_approves_recording_who_and_when(client, project, pm, executive):
    CharterFactory(project=project)
    SmartObjectiveFactory(project=project, owner=pm, outcome="Customers serve themselves")
    client.force_login(pm)
    assert client.post(url("charter_submit", project), {"version": 1}).status_code == 302
    charter = Charter.objects.get(project=project)
    assert charter.state == "submitted"
    client.force_login(executive)
    page = client.get(url("charter", project)).content.decode()
    assert 'data-testid="decision"' in page
    response = approve(client, executive, project)
    assert response.status_code == 302
    charter.refresh_from_db()
    assert (charter.state, charter.revision) == ("approved", 1)
    revision = CharterRevision.objects.get(charter=charter)
    assert (revision.number, revision.approved_by) == (1, executive)
    assert revision.approved_at is not None
    assert revision.snapshot["business_case"] == charter.business_case
    assert [o["outcome"] for o in revision.snapshot["objectives"]] == ["Customers serve themselves"]
    assert charter.history.latest("history_date").history_user == executive


@pytest.mark.parametrize(
    "persona", ["pm", "pmo_staff", "other_pm", "member", "resource_manager", "outsider"]
)
def test_only_the_sponsor_approves_a_charter(
    client, submitted, project, other_project, persona, request
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.post(url("charter_decide", project), {"decision": "approve", "version": 1})
    assert response.status_code == (404 if persona == "outsider" else 403)
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    assert not CharterRevision.objects.exists()
    with pytest.raises((PermissionDenied, ValidationError)):
        charter_services.charter_approve(project=project, by=user, expected_version=1)


def test_another_executive_is_not_the_sponsor(client, submitted, project):
    other_executive = UserFactory(roles=["executive"])
    client.force_login(other_executive)
    page = client.get(url("charter", project)).content.decode()
    assert 'data-testid="decision"' not in page
    response = client.post(url("charter_decide", project), {"decision": "approve", "version": 1})
    assert response.status_code == 403


def test_pmo_staff_approve_only_when_the_project_has_no_sponsor(
    client, portfolio, pm, pmo_staff, other_pm, other_project
):
    unsponsored = ProjectFactory(portfolio=portfolio, project_manager=pm, sponsor=None)
    CharterFactory(project=unsponsored, state=Charter.State.SUBMITTED)
    SmartObjectiveFactory(project=unsponsored, owner=pm)
    client.force_login(other_pm)
    decide = url("charter_decide", unsponsored)
    assert client.post(decide, {"decision": "approve", "version": 1}).status_code == 403
    client.force_login(pm)
    assert client.post(decide, {"decision": "approve", "version": 1}).status_code == 403
    client.force_login(pmo_staff)
    assert client.post(decide, {"decision": "approve", "version": 1}).status_code == 302
    assert CharterRevision.objects.get().approved_by == pmo_staff


def test_returning_to_draft_needs_a_comment_that_then_shows(client, submitted, project, executive):
    client.force_login(executive)
    response = client.post(
        url("charter_decide", project), {"decision": "return", "comment": " ", "version": 1}
    )
    assert response.status_code == 400
    assert "comment" in response.context["decision_form"].errors
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    response = client.post(
        url("charter_decide", project),
        {"decision": "return", "comment": "Quantify the call-centre savings.", "version": 1},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "draft"
    assert not CharterRevision.objects.exists()
    page = client.get(url("charter", project)).content.decode()
    assert 'data-testid="returned"' in page
    assert "Quantify the call-centre savings." in page


def test_unknown_decision_is_refused(client, submitted, project, executive):
    client.force_login(executive)
    response = client.post(url("charter_decide", project), {"decision": "maybe", "version": 1})
    assert response.status_code == 400
    assert "decision" in response.context["decision_form"].errors


def test_approving_a_charter_changed_since_it_was_read_is_409(
    client, submitted, project, pm, executive
):
    read_version = submitted.version
    # The PM edits after the sponsor opened the page: the charter goes back to draft.
    charter_services.charter_update(
        project=project,
        by=pm,
        data=charter_data(business_case="Rewritten"),
        expected_version=read_version,
    )
    response = approve(client, executive, project, version=read_version)
    assert response.status_code == 409
    assert not CharterRevision.objects.exists()


def test_editing_a_submitted_charter_takes_it_back_to_draft(client, submitted, project, pm):
    client.force_login(pm)
    response = client.post(
        url("charter_edit", project),
        charter_data(business_case="Sharper case", version=submitted.version),
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.revision) == ("draft", 1)


# --- Revisions -------------------------------------------------------------------------------
def test_editing_an_approved_charter_starts_revision_2_and_revision_1_stays_frozen(
    client, submitted, project, pm, executive
):
    approve(client, executive, project)
    frozen = CharterRevision.objects.get(number=1).snapshot
    client.force_login(pm)
    charter = Charter.objects.get(project=project)
    assert (
        'data-testid="starts-revision"' in client.get(url("charter_edit", project)).content.decode()
    )
    response = client.post(
        url("charter_edit", project),
        charter_data(business_case="Revised after the pilot", version=charter.version),
    )
    assert response.status_code == 302
    charter.refresh_from_db()
    assert (charter.state, charter.revision) == ("draft", 2)
    assert CharterRevision.objects.get(number=1).snapshot == frozen
    page = client.get(url("charter_revision", project, 1)).content.decode()
    assert frozen["business_case"] in page
    assert "Revised after the pilot" not in page
    assert 'data-testid="approval"' in page
    # The current draft shows what changed against revision 1.
    current = client.get(url("charter", project)).content.decode()
    assert 'data-testid="charter-diff"' in current
    assert "+ Revised after the pilot" in current


def test_objective_change_on_an_approved_charter_starts_a_new_revision(
    client, submitted, project, pm, executive
):
    approve(client, executive, project)
    objective = SmartObjective.objects.get(project=project)
    frozen_target = CharterRevision.objects.get().snapshot["objectives"][0]["target_value"]
    client.force_login(pm)
    response = client.post(
        url("objective_edit", project, objective.pk),
        objective_data(pm, target_value="85", version=objective.version),
    )
    assert response.status_code == 302
    charter = Charter.objects.get(project=project)
    assert (charter.state, charter.revision) == ("draft", 2)
    assert CharterRevision.objects.get().snapshot["objectives"][0]["target_value"] == frozen_target
    page = client.get(url("charter", project)).content.decode()
    assert "Target value" in page and "85.00" in page  # in the diff against revision 1


def test_saving_an_approved_charter_unchanged_keeps_it_approved(
    client, submitted, project, pm, executive
):
    approve(client, executive, project)
    charter = Charter.objects.get(project=project)
    client.force_login(pm)
    data = {f: getattr(charter, f) for f in charter_services.TEXT_FIELDS}
    client.post(url("charter_edit", project), {**data, "version": charter.version})
    charter.refresh_from_db()
    assert (charter.state, charter.revision) == ("approved", 1)


def test_second_approval_freezes_revision_2_beside_revision_1(
    client, submitted, project, pm, executive
):
    approve(client, executive, project)
    charter_services.charter_update(
        project=project,
        by=pm,
        data=charter_data(business_case="Second"),
        expected_version=Charter.objects.get(project=project).version,
    )
    charter_services.charter_submit(
        project=project, by=pm, expected_version=Charter.objects.get(project=project).version
    )
    approve(client, executive, project)
    snapshots = {r.number: r.snapshot["business_case"] for r in CharterRevision.objects.all()}
    assert snapshots == {1: submitted.business_case, 2: "Second"}
    page = client.get(url("charter", project)).content.decode()
    assert page.count('href="/projects/PRJ-0042/charter/revisions/') >= 2


def test_revision_page_unknown_number_is_404_and_outsider_404(client, project, pm, outsider):
    revision = CharterRevisionFactory(charter=CharterFactory(project=project))
    client.force_login(pm)
    assert client.get(url("charter_revision", project, 99)).status_code == 404
    assert client.get(url("charter_revision", project, revision.number)).status_code == 200
    client.force_login(outsider)
    assert client.get(url("charter_revision", project, revision.number)).status_code == 404


# --- Query budgets -------------------------------------------------------------------------
def _many_objectives(project, pm, count):
    charter = CharterFactory(project=project, state=Charter.State.APPROVED)
    for index in range(count):
        SmartObjectiveFactory(project=project, owner=pm, outcome=f"Objective {index}")
    for number in range(1, 4):
        CharterRevisionFactory(charter=charter, number=number)
    return charter


@pytest.mark.parametrize("count", [3, 60])
def test_charter_page_query_count_does_not_grow_with_objectives(
    client, project, pm, executive, count, django_assert_max_num_queries
):
    charter = _many_objectives(project, pm, count)
    # A draft after approval, so the diff and its revision are read too.
    charter_services.charter_update(
        project=project, by=pm, data=charter_data(), expected_version=charter.version
    )
    for objective in SmartObjective.objects.filter(project=project)[:20]:
        charter_services.objective_update(
            objective=objective,
            by=pm,
            data={"target_value": Decimal("90")},
            expected_version=objective.version,
        )
    client.force_login(executive)
    with django_assert_max_num_queries(20):
        response = client.get(url("charter", project))
    assert response.status_code == 200


def test_revision_page_query_count_is_bounded(client, project, pm, django_assert_max_num_queries):
    charter = CharterFactory(project=project)
    objectives = [
        {
            "id": index,
            "outcome": f"Objective {index}",
            "metric": "m",
            "unit": "%",
            "baseline_value": "1",
            "target_value": "2",
            "achievability": "",
            "relevance": "",
            "owner_id": pm.pk,
            "owner": str(pm),
            "due_date": "2026-09-30",
        }
        for index in range(80)
    ]
    for number in range(1, 6):
        CharterRevisionFactory(
            charter=charter,
            number=number,
            snapshot={"business_case": "b", "objectives": objectives},
        )
    client.force_login(pm)
    with django_assert_max_num_queries(12):
        response = client.get(url("charter_revision", project, 3))
    assert response.status_code == 200
    assert "Objective 79" in response.content.decode()


def test_snapshot_dates_and_decimals_are_plain_json(project, pm):
    charter = CharterFactory(project=project)
    SmartObjectiveFactory(
        project=project, owner=pm, baseline_value=None, due_date=datetime.date(2026, 7, 1)
    )
    snapshot = charter_services.charter_snapshot(charter)
    objective = snapshot["objectives"][0]
    assert (objective["baseline_value"], objective["target_value"], objective["due_date"]) == (
        None,
        "60.00",
        "2026-07-01",
    )

"""Stage-gate rules: opening, recording, deciding, and what a decision does to the project."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects.models import GateCriterion, GateReview, Stage, Status
from projects.services.gates import (
    gate_criterion_move,
    gate_criterion_save,
    gate_criterion_set_active,
    gate_item_record,
    gate_review_decide,
    gate_review_open,
    next_stage,
)
from tests.factories import MembershipFactory, UserFactory
from tests.projects.factories_gates import GateCriterionFactory, checklist


@pytest.fixture(autouse=True)
def _no_default_criteria(db):
    """These tests build their own checklists; a fresh install's defaults would mix in."""
    from projects.models import GateCriterion

    GateCriterion.objects.all().delete()


@pytest.fixture
def initiation_checklist(db):
    return checklist("initiation", "Charter approved", "Sponsor named", "Business case reviewed")


def met_all(review, by):
    for item in review.items.all():
        gate_item_record(item=item, by=by, met=True, evidence=f"Evidence for {item.text}")


def test_next_stage_follows_the_lifecycle_and_stops_at_closing():
    assert [next_stage(s) for s in Stage.values] == [
        "planning",
        "execution",
        "monitoring",
        "closing",
        None,
    ]


def test_opening_a_review_snapshots_the_active_criteria_of_the_current_stage(
    pm, project, initiation_checklist
):
    GateCriterionFactory(stage="initiation", text="Retired line", is_active=False)
    GateCriterionFactory(stage="planning", text="Belongs to the next gate")
    review = gate_review_open(project=project, by=pm)
    assert (review.from_stage, review.to_stage, review.decision) == ("initiation", "planning", "")
    assert [i.text for i in review.items.order_by("criterion__position")] == [
        "Charter approved",
        "Sponsor named",
        "Business case reviewed",
    ]
    assert review.created_by == pm
    assert review.history.get().history_user == pm


def test_rewording_a_criterion_later_keeps_the_reviewed_text(
    pmo_staff, pm, project, initiation_checklist
):
    review = gate_review_open(project=project, by=pm)
    criterion = initiation_checklist[0]
    gate_criterion_save(criterion=criterion, by=pmo_staff, data={"text": "Charter v2 approved"})
    assert review.items.get(criterion=criterion).text == "Charter approved"


def test_only_one_open_review_per_project(pm, project, initiation_checklist):
    gate_review_open(project=project, by=pm)
    with pytest.raises(ValidationError, match="already has an open gate review"):
        gate_review_open(project=project, by=pm)
    assert GateReview.objects.filter(project=project).count() == 1


def test_no_review_from_the_closing_stage(pm, project):
    checklist("monitoring", "Deliverables accepted")
    project.stage = Stage.CLOSING
    project.save()
    with pytest.raises(ValidationError, match="last stage"):
        gate_review_open(project=project, by=pm)
    assert not GateReview.objects.exists()


def test_no_review_without_a_checklist_for_the_stage(pm, project):
    with pytest.raises(ValidationError, match="has not defined a checklist"):
        gate_review_open(project=project, by=pm)


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
def test_closed_project_cannot_open_a_review(pm, project, initiation_checklist, status):
    project.status = status
    project.save()
    with pytest.raises(ValidationError, match="can no longer change"):
        gate_review_open(project=project, by=pm)


def test_editor_member_may_open_but_plain_member_executive_and_other_pm_may_not(
    project, member, executive, other_pm, initiation_checklist
):
    for user in (member, executive, other_pm):
        with pytest.raises(PermissionDenied):
            gate_review_open(project=project, by=user)
    editor = UserFactory(roles=["member"])
    MembershipFactory(project=project, user=editor, can_edit=True)
    assert gate_review_open(project=project, by=editor).pk


def test_met_requires_evidence(pm, project, initiation_checklist):
    review = gate_review_open(project=project, by=pm)
    item = review.items.first()
    with pytest.raises(ValidationError) as error:
        gate_item_record(item=item, by=pm, met=True, evidence="   ")
    assert "evidence" in error.value.message_dict
    item.refresh_from_db()
    assert item.met is None


def test_not_met_needs_no_evidence_and_history_records_the_reviewer(
    pm, project, initiation_checklist
):
    review = gate_review_open(project=project, by=pm)
    item = gate_item_record(item=review.items.first(), by=pm, met=False, evidence="")
    assert item.met is False
    assert item.history.order_by("-history_date").first().history_user == pm


def test_the_sponsor_may_record_items_but_a_plain_member_may_not(
    pm, executive, member, project, initiation_checklist
):
    review = gate_review_open(project=project, by=pm)
    item = review.items.first()
    assert gate_item_record(item=item, by=executive, met=True, evidence="Signed copy").met
    with pytest.raises(PermissionDenied):
        gate_item_record(item=item, by=member, met=False, evidence="")


def test_go_is_refused_while_items_are_unmet_and_lists_them(
    pm, executive, project, initiation_checklist
):
    review = gate_review_open(project=project, by=pm)
    first, second, _third = review.items.order_by("criterion__position")
    gate_item_record(item=first, by=pm, met=True, evidence="Charter v1 signed")
    gate_item_record(item=second, by=pm, met=False, evidence="")
    with pytest.raises(ValidationError) as error:
        gate_review_decide(review=review, by=executive, decision="go", notes="")
    message = " ".join(error.value.message_dict["decision"])
    assert "Sponsor named" in message and "Business case reviewed" in message
    assert "Charter approved" not in message
    review.refresh_from_db()
    project.refresh_from_db()
    assert (review.decision, project.stage) == ("", "initiation")


def test_go_by_the_sponsor_moves_the_stage_with_history(
    pm, executive, project, initiation_checklist
):
    review = gate_review_open(project=project, by=pm)
    met_all(review, pm)
    version = project.version
    review = gate_review_decide(review=review, by=executive, decision="go", notes="")
    project.refresh_from_db()
    assert project.stage == "planning"
    assert project.version == version + 1
    last = project.history.order_by("-history_date", "-history_id").first()
    assert (last.stage, last.history_user, last.history_change_reason) == (
        "planning",
        executive,
        "Gate review: go",
    )
    assert (review.decision, review.decided_by) == ("go", executive)
    assert review.decided_at is not None


def test_pmo_staff_may_decide(pm, pmo_staff, project, initiation_checklist):
    review = gate_review_open(project=project, by=pm)
    met_all(review, pm)
    gate_review_decide(review=review, by=pmo_staff, decision="go", notes="")
    project.refresh_from_db()
    assert project.stage == "planning"


@pytest.mark.parametrize("persona", ["pm", "member", "other_pm", "resource_manager", "outsider"])
def test_only_the_sponsor_or_pmo_decides(request, pm, project, initiation_checklist, persona):
    review = gate_review_open(project=project, by=pm)
    met_all(review, pm)
    with pytest.raises(PermissionDenied):
        gate_review_decide(
            review=review, by=request.getfixturevalue(persona), decision="go", notes=""
        )
    review.refresh_from_db()
    assert review.decision == ""


def test_an_executive_who_is_not_the_sponsor_cannot_decide(pm, project, initiation_checklist):
    review = gate_review_open(project=project, by=pm)
    met_all(review, pm)
    another_executive = UserFactory(roles=["executive"])
    with pytest.raises(PermissionDenied):
        gate_review_decide(review=review, by=another_executive, decision="go", notes="")


def test_stop_cancels_the_project_and_keeps_its_stage(pm, executive, project, initiation_checklist):
    review = gate_review_open(project=project, by=pm)
    gate_review_decide(review=review, by=executive, decision="stop", notes="Merged elsewhere.")
    project.refresh_from_db()
    assert (project.status, project.stage) == ("cancelled", "initiation")
    last = project.history.order_by("-history_date", "-history_id").first()
    assert (last.history_user, last.history_change_reason) == (executive, "Gate review: stop")


@pytest.mark.parametrize("decision", ["hold", "recycle"])
def test_hold_and_recycle_leave_the_stage_and_allow_a_new_review(
    pm, executive, project, initiation_checklist, decision
):
    review = gate_review_open(project=project, by=pm)
    gate_review_decide(review=review, by=executive, decision=decision, notes="Fix the gaps.")
    project.refresh_from_db()
    assert (project.stage, project.status) == ("initiation", "proposed")
    assert gate_review_open(project=project, by=pm).pk != review.pk


def test_a_decision_other_than_go_needs_notes(pm, executive, project, initiation_checklist):
    review = gate_review_open(project=project, by=pm)
    with pytest.raises(ValidationError) as error:
        gate_review_decide(review=review, by=executive, decision="hold", notes=" ")
    assert "notes" in error.value.message_dict


def test_unknown_decision_is_refused(pm, executive, project, initiation_checklist):
    review = gate_review_open(project=project, by=pm)
    with pytest.raises(ValidationError):
        gate_review_decide(review=review, by=executive, decision="maybe", notes="x")


def test_a_decided_review_is_read_only(pm, executive, project, initiation_checklist):
    review = gate_review_open(project=project, by=pm)
    gate_review_decide(review=review, by=executive, decision="hold", notes="Not yet.")
    item = review.items.first()
    with pytest.raises(ValidationError, match="can no longer change"):
        gate_item_record(item=item, by=pm, met=True, evidence="Late evidence")
    with pytest.raises(ValidationError, match="can no longer change"):
        gate_review_decide(review=review, by=executive, decision="stop", notes="Changed mind")
    review.refresh_from_db()
    item.refresh_from_db()
    assert (review.decision, item.met) == ("hold", None)


def test_closed_project_refuses_recording_and_deciding(
    pm, executive, project, initiation_checklist
):
    review = gate_review_open(project=project, by=pm)
    project.status = Status.CLOSED
    project.save()
    with pytest.raises(ValidationError, match="can no longer change"):
        gate_item_record(item=review.items.first(), by=pm, met=False, evidence="")
    with pytest.raises(ValidationError, match="can no longer change"):
        gate_review_decide(review=review, by=executive, decision="stop", notes="Closed")


def test_go_through_every_gate_walks_the_lifecycle(pm, executive, project):
    for stage in ("initiation", "planning", "execution", "monitoring"):
        checklist(stage, f"Done with {stage}")
    for expected in ("planning", "execution", "monitoring", "closing"):
        review = gate_review_open(project=project, by=pm)
        met_all(review, pm)
        gate_review_decide(review=review, by=executive, decision="go", notes="")
        project.refresh_from_db()
        assert project.stage == expected
    with pytest.raises(ValidationError):
        gate_review_open(project=project, by=pm)


# --- Checklist templates ------------------------------------------------------------------
def test_only_pmo_staff_edit_the_checklists(pm, executive):
    for user in (pm, executive):
        with pytest.raises(PermissionDenied):
            gate_criterion_save(
                criterion=GateCriterion(), by=user, data={"stage": "planning", "text": "X"}
            )
    assert not GateCriterion.objects.exists()


def test_new_criterion_goes_last_and_records_its_author(pmo_staff):
    checklist("planning", "Baseline approved", "Budget approved")
    criterion = gate_criterion_save(
        criterion=GateCriterion(), by=pmo_staff, data={"stage": "planning", "text": "RACI agreed"}
    )
    assert list(
        GateCriterion.objects.filter(stage="planning")
        .order_by("position")
        .values_list("text", flat=True)
    ) == ["Baseline approved", "Budget approved", "RACI agreed"]
    assert criterion.created_by == pmo_staff
    assert criterion.history.get().history_user == pmo_staff


def test_closing_gets_no_checklist(pmo_staff):
    with pytest.raises(ValidationError) as error:
        gate_criterion_save(
            criterion=GateCriterion(), by=pmo_staff, data={"stage": "closing", "text": "Party"}
        )
    assert "stage" in error.value.message_dict


def test_moving_a_criterion_swaps_it_with_its_neighbour(pmo_staff):
    a, _b, c = checklist("execution", "A", "B", "C")
    gate_criterion_move(criterion=c, by=pmo_staff, direction="up")
    order = list(
        GateCriterion.objects.filter(stage="execution")
        .order_by("position")
        .values_list("text", flat=True)
    )
    assert order == ["A", "C", "B"]
    gate_criterion_move(criterion=a, by=pmo_staff, direction="up")  # already first: no change
    order = list(
        GateCriterion.objects.filter(stage="execution")
        .order_by("position")
        .values_list("text", flat=True)
    )
    assert order == ["A", "C", "B"]


def test_deactivated_criterion_is_left_out_of_new_reviews(pmo_staff, pm, project):
    _keep, retire = checklist("initiation", "Keep", "Retire")
    gate_criterion_set_active(criterion=retire, by=pmo_staff, active=False)
    review = gate_review_open(project=project, by=pm)
    assert [i.text for i in review.items.all()] == ["Keep"]


def test_over_long_evidence_and_notes_are_refused_by_the_services(
    pm, executive, project, initiation_checklist
):
    review = gate_review_open(project=project, by=pm)
    with pytest.raises(ValidationError) as error:
        gate_item_record(item=review.items.first(), by=pm, met=True, evidence="x" * 2001)
    assert "evidence" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        gate_review_decide(review=review, by=executive, decision="hold", notes="x" * 10_001)
    assert "notes" in error.value.message_dict
    review.refresh_from_db()
    assert review.decision == ""

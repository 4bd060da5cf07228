"""Stage gates: the PMO's checklists per stage, gate reviews and their decisions.

A project's lifecycle stage moves only here, through a review decided GO by the project's
sponsor or PMO staff (DESIGN.md section 1: approvals at stage gates). The project edit form
does not offer the stage.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.core import policy
from pmo.core.locking import create_versioned, save_versioned
from projects.models import (
    GateCriterion,
    GateDecision,
    GateReview,
    GateReviewItem,
    Project,
    Stage,
    Status,
)
from projects.services.core import ensure_open_for_planning
from projects.services.reports import check_text_lengths

# The lifecycle in order; the gate at the end of a stage leads to the next one.
STAGE_ORDER = [
    Stage.INITIATION,
    Stage.PLANNING,
    Stage.EXECUTION,
    Stage.MONITORING,
    Stage.CLOSING,
]


def next_stage(stage: str) -> str | None:
    """The stage after ``stage``; ``None`` for closing, the last one."""
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


# --- Who may do what -----------------------------------------------------------------------
def can_open_review(user, project) -> bool:
    """The people who change the plan (PM, members with edit right, PMO staff)."""
    return policy.can_change_project(user, project)


def can_review(user, project) -> bool:
    """Reviewers record the checklist: the plan's editors and the project's sponsor."""
    return (user.is_authenticated and project.sponsor_id == user.pk) or policy.can_change_project(
        user, project
    )


def can_decide(user, project) -> bool:
    """Only the named sponsor or PMO staff decide a gate; the project manager does not."""
    return policy.is_sponsor_or_pmo(user, project)


# --- Checklist templates (PMO staff) ---------------------------------------------------------
@transaction.atomic
def gate_criterion_save(*, criterion: GateCriterion, by, data: dict) -> GateCriterion:
    """Create or change a checklist line; a new line (or one moved to another stage) goes last."""
    policy.require_pmo_staff(by)
    previous_stage = None
    if criterion.pk is not None:
        previous_stage = (
            GateCriterion.objects.select_for_update()
            .values_list("stage", flat=True)
            .get(pk=criterion.pk)
        )
    for name, value in data.items():
        setattr(criterion, name, value)
    if criterion.stage and next_stage(criterion.stage) is None:
        raise ValidationError(
            {"stage": _("Closing is the last stage: no gate follows it, so it has no checklist.")}
        )
    if criterion.pk is None or previous_stage != criterion.stage:
        last = GateCriterion.objects.filter(stage=criterion.stage).aggregate(m=Max("position"))
        criterion.position = (last["m"] or 0) + 1
    if criterion.pk is None:
        criterion.created_by = by
    check_text_lengths(criterion)
    criterion.full_clean()
    criterion._history_user = by
    criterion.save()
    return criterion


@transaction.atomic
def gate_criterion_move(*, criterion: GateCriterion, by, direction: str) -> GateCriterion:
    """Swap a line with its neighbour ``"up"`` or ``"down"`` within its stage's checklist."""
    policy.require_pmo_staff(by)
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a criterion up or down."))
    siblings = list(
        GateCriterion.objects.select_for_update()
        .filter(stage=criterion.stage)
        .order_by("position", "pk")
    )
    index = next(i for i, c in enumerate(siblings) if c.pk == criterion.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
    # Renumber 1..n so gaps and ties left by older edits disappear.
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            sibling._history_user = by
            sibling.save(update_fields=["position", "updated_at"])
    return next(c for c in siblings if c.pk == criterion.pk)


@transaction.atomic
def gate_criterion_set_active(*, criterion: GateCriterion, by, active: bool) -> GateCriterion:
    """Take a line out of use (new reviews leave it out) or bring it back.

    Lines are never deleted: past reviews point at them.
    """
    policy.require_pmo_staff(by)
    criterion.is_active = active
    criterion._history_user = by
    criterion.save(update_fields=["is_active", "updated_at"])
    return criterion


# --- Reviews ---------------------------------------------------------------------------------
def _lock_project(project: Project) -> Project:
    """The current row, locked, so two gate actions on one project run one after the other."""
    return Project.objects.select_for_update().get(pk=project.pk)


@transaction.atomic
def gate_review_open(*, project: Project, by) -> GateReview:
    """Start the review of the gate at the end of the project's current stage.

    One item per checklist line in use for that stage, with the line's text copied so a
    later rewording by the PMO does not change what was reviewed.
    """
    if not can_open_review(by, project):
        raise PermissionDenied
    project = _lock_project(project)
    ensure_open_for_planning(project)
    to_stage = next_stage(project.stage)
    if to_stage is None:
        raise ValidationError(
            _("%(stage)s is the last stage: there is no gate to pass after it.")
            % {"stage": project.get_stage_display()}
        )
    if project.gate_reviews.filter(decision="").exists():
        raise ValidationError(_("This project already has an open gate review."))
    criteria = list(GateCriterion.objects.filter(stage=project.stage, is_active=True))
    if not criteria:
        raise ValidationError(
            _(
                "The PMO has not defined a checklist for leaving the %(stage)s stage yet; "
                "ask PMO staff to add gate criteria first."
            )
            % {"stage": project.get_stage_display()}
        )
    review = GateReview(project=project, from_stage=project.stage, to_stage=to_stage)
    try:
        with transaction.atomic():
            create_versioned(instance=review, by=by, reason=_("Gate review opened"))
    except IntegrityError as exc:
        raise ValidationError(_("This project already has an open gate review.")) from exc
    for criterion in criteria:
        item = GateReviewItem(review=review, criterion=criterion, text=criterion.text)
        item._history_user = by
        item.save()
    return review


def _ensure_review_open(review: GateReview) -> None:
    if review.is_decided:
        raise ValidationError(
            _("This gate review was decided (%(decision)s): it can no longer change.")
            % {"decision": review.get_decision_display()}
        )


@transaction.atomic
def gate_item_record(*, item: GateReviewItem, by, met: bool | None, evidence: str):
    """Record one checklist line as met (with its evidence), not met, or not yet assessed."""
    review = GateReview.objects.select_for_update().select_related("project").get(pk=item.review_id)
    if not can_review(by, review.project):
        raise PermissionDenied
    ensure_open_for_planning(review.project)
    _ensure_review_open(review)
    item = GateReviewItem.objects.select_for_update().get(pk=item.pk)
    item.met = met
    item.evidence = (evidence or "").strip()
    check_text_lengths(item)
    item.full_clean()
    item._history_user = by
    item.save()
    return item


@transaction.atomic
def gate_review_decide(*, review: GateReview, by, decision: str, notes: str) -> GateReview:
    """The sponsor's (or PMO's) decision, and what it does to the project.

    - GO: every line must be met; the project moves to the review's next stage.
    - STOP: the project is cancelled.
    - HOLD and RECYCLE: the project stays in its stage (a new review can be opened later).
    """
    review = GateReview.objects.select_for_update().get(pk=review.pk)
    project = _lock_project(review.project)
    if not can_decide(by, project):
        raise PermissionDenied
    ensure_open_for_planning(project)
    _ensure_review_open(review)
    if decision not in GateDecision.values:
        raise ValidationError({"decision": _("Choose go, hold, recycle or stop.")})
    notes = (notes or "").strip()
    if decision != GateDecision.GO and not notes:
        raise ValidationError({"notes": _("Say why the project does not go ahead.")})
    if project.stage != review.from_stage:
        raise ValidationError(
            _("The project is no longer in the %(stage)s stage; this review is out of date.")
            % {"stage": review.get_from_stage_display()}
        )
    if decision == GateDecision.GO:
        unmet = [
            item.text for item in review.items.order_by("criterion__position", "pk") if not item.met
        ]
        if unmet:
            raise ValidationError(
                {
                    "decision": _(
                        "GO needs every criterion met with evidence. Not met yet: %(items)s."
                    )
                    % {"items": "; ".join(unmet)}
                }
            )
    review.decision = decision
    review.notes = notes
    check_text_lengths(review)
    review.decided_by = by
    review.decided_at = timezone.now()
    save_versioned(
        instance=review,
        expected_version=review.version,
        by=by,
        reason=_("Gate decision: %(decision)s") % {"decision": review.get_decision_display()},
    )
    if decision == GateDecision.GO:
        project.stage = review.to_stage
        save_versioned(
            instance=project, expected_version=project.version, by=by, reason=_("Gate review: go")
        )
    elif decision == GateDecision.STOP:
        project.status = Status.CANCELLED
        save_versioned(
            instance=project, expected_version=project.version, by=by, reason=_("Gate review: stop")
        )
    review.project = project
    return review

"""Writes to scope items, deliverables and change requests.

Who may do what:
- the project manager, team members with the edit right and PMO staff add, edit, reorder
  and remove scope items, add and edit deliverables, resubmit a rejected deliverable, raise
  and withdraw change requests (``policy.can_change_project``);
- the project's sponsor and PMO staff decide: accept or reject a deliverable (a rejection
  needs a reason) and approve or reject a change request. An approved change request can
  move the baseline: a new baseline named after the request is saved for the project.
"""

import importlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.core import policy
from pmo.core.locking import create_versioned, save_versioned
from projects.models import ChangeRequest, Deliverable, Project, ScopeItem
from projects.services.core import ensure_open_for_planning

SCOPE_ITEM_FIELDS = ("description", "in_scope", "priority")
DELIVERABLE_FIELDS = ("name", "description", "acceptance_criteria", "owner", "due_date")
CHANGE_REQUEST_FIELDS = (
    "title",
    "description",
    "schedule_impact_days",
    "cost_impact",
    "scope_impact",
)
UP, DOWN = "up", "down"


# --- Who may do what ---------------------------------------------------------------------
def can_edit_scope(user, project: Project) -> bool:
    return policy.can_change_project(user, project)


def can_decide_scope(user, project: Project) -> bool:
    """Deliverable acceptance and change-request decisions: the sponsor or PMO staff."""
    return policy.is_sponsor_or_pmo(user, project)


def _require_editor(by, project: Project) -> None:
    if not can_edit_scope(by, project):
        raise PermissionDenied
    ensure_open_for_planning(project)


def _require_decider(by, project: Project) -> None:
    if not can_decide_scope(by, project):
        raise PermissionDenied
    ensure_open_for_planning(project)


def _apply(instance, data: dict, fields) -> None:
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])


def _not_before_start(project: Project, data: dict, field: str) -> None:
    value = data.get(field)
    if value is not None and value < project.planned_start:
        raise ValidationError(
            {
                field: _("The date cannot be before the project starts (%(d)s).")
                % {"d": project.planned_start.isoformat()}
            }
        )


# --- Scope items ---------------------------------------------------------------------------
def _next_position(project: Project, in_scope: bool) -> int:
    last = ScopeItem.objects.filter(project=project, in_scope=in_scope).aggregate(
        last=Max("position")
    )["last"]
    return (last or 0) + 1


@transaction.atomic
def scope_item_create(*, project: Project, by, data: dict) -> ScopeItem:
    _require_editor(by, project)
    item = ScopeItem(project=project)
    _apply(item, data, SCOPE_ITEM_FIELDS)
    item.position = _next_position(project, item.in_scope)
    return create_versioned(instance=item, by=by)


@transaction.atomic
def scope_item_update(*, item: ScopeItem, by, data: dict, expected_version: int) -> ScopeItem:
    _require_editor(by, item.project)
    # The stored list, not ``item.in_scope``: a bound form may already have changed it.
    stored = ScopeItem.objects.filter(pk=item.pk).values_list("in_scope", flat=True).first()
    if stored is None:
        raise ValidationError(_("This scope item was removed meanwhile."))
    moved_list = "in_scope" in data and data["in_scope"] != stored
    _apply(item, data, SCOPE_ITEM_FIELDS)
    if moved_list:
        # Moving between the in-scope and out-of-scope lists puts it at the end of the other.
        item.position = _next_position(item.project, item.in_scope)
    return save_versioned(instance=item, expected_version=expected_version, by=by)


@transaction.atomic
def scope_item_delete(*, item: ScopeItem, by) -> None:
    _require_editor(by, item.project)
    item._history_user = by
    item.delete()


@transaction.atomic
def scope_item_move(*, item: ScopeItem, by, direction: str) -> ScopeItem:
    """Swap the item with its neighbour above or below in its own list."""
    _require_editor(by, item.project)
    if direction not in (UP, DOWN):
        raise ValidationError(_("Move an item up or down."))
    siblings = list(
        ScopeItem.objects.select_for_update()
        .filter(project=item.project, in_scope=item.in_scope)
        .order_by("position", "pk")
    )
    index = next((i for i, s in enumerate(siblings) if s.pk == item.pk), None)
    if index is None:
        raise ValidationError(_("This scope item no longer exists."))
    other_index = index - 1 if direction == UP else index + 1
    if not 0 <= other_index < len(siblings):
        return siblings[index]
    if len({s.position for s in siblings}) != len(siblings):
        # Positions typed in the admin may repeat; number the list afresh (no history:
        # the order is unchanged, only made explicit).
        for number, sibling in enumerate(siblings, start=1):
            if sibling.position != number:
                ScopeItem.objects.filter(pk=sibling.pk).update(position=number)
                sibling.position = number
    current, other = siblings[index], siblings[other_index]
    current.position, other.position = other.position, current.position
    moved_up, moved_down = _("Moved up"), _("Moved down")
    save_versioned(
        instance=other,
        expected_version=other.version,
        by=by,
        reason=moved_down if direction == UP else moved_up,
    )
    return save_versioned(
        instance=current,
        expected_version=current.version,
        by=by,
        reason=moved_up if direction == UP else moved_down,
    )


# --- Deliverables --------------------------------------------------------------------------
@transaction.atomic
def deliverable_create(*, project: Project, by, data: dict) -> Deliverable:
    _require_editor(by, project)
    _not_before_start(project, data, "due_date")
    deliverable = Deliverable(project=project)
    _apply(deliverable, data, DELIVERABLE_FIELDS)
    return create_versioned(instance=deliverable, by=by)


@transaction.atomic
def deliverable_update(
    *, deliverable: Deliverable, by, data: dict, expected_version: int
) -> Deliverable:
    _require_editor(by, deliverable.project)
    stored = Deliverable.objects.filter(pk=deliverable.pk).values_list("acceptance", flat=True)
    if stored.first() == Deliverable.Acceptance.ACCEPTED:
        raise ValidationError(
            _("An accepted deliverable no longer changes; raise a change request instead.")
        )
    _not_before_start(deliverable.project, data, "due_date")
    _apply(deliverable, data, DELIVERABLE_FIELDS)
    return save_versioned(instance=deliverable, expected_version=expected_version, by=by)


@transaction.atomic
def deliverable_decide(
    *, deliverable: Deliverable, by, accept: bool, reason: str = "", expected_version: int
) -> Deliverable:
    """Accept, or reject with a reason; records who decided and when."""
    _require_decider(by, deliverable.project)
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"rejection_reason": _("Say why the deliverable was rejected.")})
    if deliverable.acceptance != Deliverable.Acceptance.PENDING:
        raise ValidationError(
            _("This deliverable was already %(state)s.")
            % {"state": deliverable.get_acceptance_display().lower()}
        )
    if accept:
        deliverable.acceptance = Deliverable.Acceptance.ACCEPTED
        deliverable.rejection_reason = ""
    else:
        deliverable.acceptance = Deliverable.Acceptance.REJECTED
        deliverable.rejection_reason = reason
    deliverable.decided_by = by
    deliverable.decided_at = timezone.now()
    return save_versioned(
        instance=deliverable,
        expected_version=expected_version,
        by=by,
        reason=_("Accepted") if accept else _("Rejected"),
    )


@transaction.atomic
def deliverable_resubmit(*, deliverable: Deliverable, by, expected_version: int) -> Deliverable:
    """A rejected deliverable, reworked, goes back to pending; history keeps the rejection."""
    _require_editor(by, deliverable.project)
    if deliverable.acceptance != Deliverable.Acceptance.REJECTED:
        raise ValidationError(_("Only a rejected deliverable can be resubmitted."))
    deliverable.acceptance = Deliverable.Acceptance.PENDING
    deliverable.rejection_reason = ""
    deliverable.decided_by = None
    deliverable.decided_at = None
    return save_versioned(
        instance=deliverable,
        expected_version=expected_version,
        by=by,
        reason=_("Resubmitted for acceptance"),
    )


# --- Change requests ---------------------------------------------------------------------
@transaction.atomic
def change_request_create(*, project: Project, by, data: dict) -> ChangeRequest:
    """Raise a change request, numbered per project (PRJ-0001-CR01, CR02, ...).

    The project row is locked while the next number is taken, so two requests raised at
    the same moment get consecutive numbers instead of colliding.
    """
    _require_editor(by, project)
    Project.objects.select_for_update().filter(pk=project.pk).first()
    last = ChangeRequest.objects.filter(project=project).aggregate(last=Max("number"))["last"]
    change_request = ChangeRequest(project=project, number=(last or 0) + 1)
    _apply(change_request, data, CHANGE_REQUEST_FIELDS)
    return create_versioned(instance=change_request, by=by)


def _move_baseline(change_request: ChangeRequest, by):
    # Imported when needed: the baselines module belongs to the milestones area.
    baselines = importlib.import_module("projects.services.baselines")
    return baselines.baseline_create(
        project=change_request.project,
        name=f"After {change_request.reference}",
        by=by,
        note=change_request.title,
    )


@transaction.atomic
def change_request_decide(
    *,
    change_request: ChangeRequest,
    by,
    approve: bool,
    note: str = "",
    move_baseline: bool = False,
    expected_version: int,
) -> ChangeRequest:
    """Approve or reject; an approval with ``move_baseline`` saves a new baseline."""
    _require_decider(by, change_request.project)
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"decision_note": _("Say why the change request is rejected.")})
    if move_baseline and not approve:
        raise ValidationError(
            {"move_baseline": _("Only an approved change request can move the baseline.")}
        )
    if change_request.status != ChangeRequest.Decision.SUBMITTED:
        raise ValidationError(
            _("This change request is already %(state)s.")
            % {"state": change_request.get_status_display().lower()}
        )
    change_request.status = (
        ChangeRequest.Decision.APPROVED if approve else ChangeRequest.Decision.REJECTED
    )
    change_request.decision_note = note
    change_request.decided_by = by
    change_request.decided_at = timezone.now()
    change_request.baseline_moved = bool(approve and move_baseline)
    save_versioned(
        instance=change_request,
        expected_version=expected_version,
        by=by,
        reason=_("Approved") if approve else _("Rejected"),
    )
    if change_request.baseline_moved:
        # Inside the same transaction: if the baseline cannot be saved, nothing is.
        try:
            _move_baseline(change_request, by)
        except PermissionDenied as exc:
            # Saving a baseline is a plan change; the baselines service decides who may.
            raise ValidationError(
                {
                    "move_baseline": _(
                        "You may decide, but saving a baseline needs the right to change "
                        "the plan. Approve without moving the baseline and ask the project "
                        "manager to save one."
                    )
                }
            ) from exc
    return change_request


@transaction.atomic
def change_request_withdraw(
    *, change_request: ChangeRequest, by, expected_version: int
) -> ChangeRequest:
    _require_editor(by, change_request.project)
    if change_request.status != ChangeRequest.Decision.SUBMITTED:
        raise ValidationError(_("Only a change request awaiting a decision can be withdrawn."))
    change_request.status = ChangeRequest.Decision.WITHDRAWN
    return save_versioned(
        instance=change_request,
        expected_version=expected_version,
        by=by,
        reason=_("Withdrawn"),
    )

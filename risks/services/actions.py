"""Writes to response actions (of a risk) and resolution actions (of an issue).

Who may write:
- add or edit an action: the owner of its risk or issue, or a manager of the register
  (``access.can_update`` on the parent);
- change an action's status: the same people, and the action's own owner (it is their
  work to report on, whatever their role).

Nothing changes on a closed or rejected risk, a closed issue, or in the register of a
closed project. Each action needs an owner the register allows (on a project: its
manager, sponsor or team), a due date and a cost that is not negative; the currency
defaults to the register's.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pmo.core.locking import create_versioned, save_versioned
from risks import access
from risks.models import Action, ActionStatus, Issue, IssueStatus, Risk
from risks.registers import register_of
from risks.services.risks import ensure_register_open, validate_owner

FIELDS = ("description", "owner", "due_date", "cost", "currency", "status", "note")
CURRENCY_RE = re.compile(r"[A-Z]{3}")
# Shared with the form, so the message is the same whichever refuses first.
REQUIRED_MESSAGES = {
    "description": gettext_lazy("Say what will be done."),
    "owner": gettext_lazy("Every action needs an owner: choose who will do it."),
    "due_date": gettext_lazy("Enter the date the action is due."),
}
NEGATIVE_COST = gettext_lazy("The cost cannot be negative.")


def parent_of(action: Action) -> Risk | Issue:
    return action.risk if action.risk_id else action.issue


def parent_is_open(parent: Risk | Issue) -> bool:
    """Actions change only while their risk or issue is still in play."""
    if isinstance(parent, Risk):
        return not parent.is_final
    return parent.status != IssueStatus.CLOSED


def can_manage_actions(user, parent: Risk | Issue, *, can_manage: bool | None = None) -> bool:
    """Add and edit actions: the parent's owner or a register manager."""
    return access.can_update(user, parent, can_manage=can_manage)


def can_set_status(user, action: Action, *, can_update: bool | None = None) -> bool:
    """The action's owner reports progress on it; so may whoever manages its parent."""
    if not user.is_authenticated or not user.is_active:
        return False
    if action.owner_id == user.pk:
        return True
    if can_update is None:
        can_update = can_manage_actions(user, parent_of(action))
    return can_update


def _ensure_open(parent: Risk | Issue) -> None:
    ensure_register_open(register_of(parent))
    if not parent_is_open(parent):
        raise ValidationError(
            _("%(ref)s is %(status)s: its actions can no longer change.")
            % {"ref": parent.reference, "status": parent.get_status_display().lower()}
        )


def _apply_status(action: Action, status: str, previous: str | None) -> None:
    """Done records today as the completion date; any other status clears it."""
    action.status = status
    if status == ActionStatus.DONE:
        if previous != ActionStatus.DONE or action.completed_on is None:
            action.completed_on = timezone.localdate()
    else:
        action.completed_on = None


def _validate(action: Action, parent: Risk | Issue) -> None:
    errors: dict[str, list] = {}
    try:
        # A negative cost gets its own message below rather than the constraint's.
        negative = action.cost is not None and action.cost < 0
        action.full_clean(exclude=["owner", *(["cost"] if negative else [])])
    except ValidationError as error:
        errors.update(error.message_dict)
    if not (action.description or "").strip():
        errors["description"] = [REQUIRED_MESSAGES["description"]]
    if action.owner_id is None:
        errors["owner"] = [REQUIRED_MESSAGES["owner"]]
    else:
        try:
            validate_owner(register_of(parent), action.owner)
        except ValidationError as error:
            errors.update(error.message_dict)
    if action.due_date is None:
        errors["due_date"] = [REQUIRED_MESSAGES["due_date"]]
    if action.cost is not None and action.cost < 0:
        errors["cost"] = [NEGATIVE_COST]
    if not CURRENCY_RE.fullmatch(action.currency or ""):
        errors["currency"] = [_("Use a three-letter currency code such as EUR.")]
    if errors:
        raise ValidationError(errors)


def _clean_data(data: dict) -> dict:
    data = dict(data)
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValueError(f"Not settable on an action: {sorted(unknown)}")
    if "description" in data:
        data["description"] = (data["description"] or "").strip()
    if "currency" in data:
        data["currency"] = (data["currency"] or "").strip().upper()
    return data


@transaction.atomic
def action_create(*, risk: Risk | None = None, issue: Issue | None = None, by, data: dict):
    """Add a response action to ``risk`` or a resolution action to ``issue`` (one of them)."""
    if (risk is None) == (issue is None):
        raise ValueError("An action belongs to a risk or to an issue (exactly one).")
    parent = risk or issue
    if not can_manage_actions(by, parent):
        raise PermissionDenied
    _ensure_open(parent)
    data = _clean_data(data)
    if not data.get("currency"):
        data["currency"] = register_of(parent).default_currency
    status = data.pop("status", None) or ActionStatus.PLANNED
    action = Action(risk=risk, issue=issue, **data)
    _apply_status(action, status, None)
    _validate(action, parent)
    return create_versioned(instance=action, by=by, reason=_("Action added"))


@transaction.atomic
def action_update(*, action: Action, by, data: dict, expected_version: int) -> Action:
    """The full edit of an action."""
    parent = parent_of(action)
    if not can_manage_actions(by, parent):
        raise PermissionDenied
    _ensure_open(parent)
    data = _clean_data(data)
    if "currency" in data and not data["currency"]:
        data["currency"] = register_of(parent).default_currency
    previous = action.status
    status = data.pop("status", None) or previous
    for name, value in data.items():
        setattr(action, name, value)
    _apply_status(action, status, previous)
    _validate(action, parent)
    return save_versioned(
        instance=action, expected_version=expected_version, by=by, reason=_("Edited")
    )


@transaction.atomic
def action_set_status(*, action: Action, by, status: str, expected_version: int) -> Action:
    """Move an action to ``status``: done records today's date, reopening clears it."""
    parent = parent_of(action)
    if not can_set_status(by, action):
        raise PermissionDenied
    _ensure_open(parent)
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose one of the listed statuses.")})
    previous = action.status
    _apply_status(action, status, previous)
    return save_versioned(
        instance=action,
        expected_version=expected_version,
        by=by,
        reason=_("Status: %(old)s → %(new)s")
        % {"old": ActionStatus(previous).label, "new": ActionStatus(status).label},
    )

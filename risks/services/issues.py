"""Writes to the issues log: log an issue, raise one from a risk that occurred, edit,
escalate, close with a resolution, reopen.

Who may write (``risks.access``):
- log an issue: the register's managers, and on a project also its team members
  (``access.can_propose``): whoever sees a problem happening should be able to record it;
- change an issue (edit, escalate, close, reopen): its owner or a register manager
  (``access.can_update``);
- record that a risk occurred: the risk's owner or a register manager.

Nothing changes in the register of a closed or cancelled project, nor on a closed issue
(reopen it first). Every write validates with ``full_clean()`` and records who changed
what, with a reason, in the history (``pmo.core.locking``).
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pmo.core import roles
from pmo.core.locking import create_versioned, save_versioned
from risks import access
from risks.models import ActionStatus, Issue, IssueSeverity, IssueStatus, Risk, RiskStatus
from risks.registers import Register, register_of
from risks.selectors.matrix import load_matrix
from risks.services import rules
from risks.services.numbering import ISSUE_LETTER, next_reference
from risks.services.risks import ensure_register_open, validate_owner

# Fields a form may set when logging an issue (directly or from a risk).
CREATE_FIELDS = ("title", "description", "severity", "owner", "raised_on", "due_date")
# The full edit may also move the issue between open and in progress.
EDIT_FIELDS = (*CREATE_FIELDS, "status")
# Statuses the full edit may set; escalating and closing have their own steps.
EDITABLE_STATUSES = (IssueStatus.OPEN, IssueStatus.IN_PROGRESS)

# A risk's score band gives the severity of the issue it turns into. Bands are
# configurable; a band code outside this map falls back to medium.
BAND_SEVERITY = {
    "critical": IssueSeverity.CRITICAL,
    "high": IssueSeverity.HIGH,
    "medium": IssueSeverity.MEDIUM,
    "low": IssueSeverity.LOW,
}

# Shared with the form, so the message is the same whichever refuses first.
OWNER_REQUIRED = gettext_lazy("Choose who owns this issue: they see it through to resolution.")
RAISED_REQUIRED = gettext_lazy("Enter the date the issue was raised.")

NOTE_MAX_LENGTH = Issue._meta.get_field("escalation_note").max_length
RESOLUTION_MAX_LENGTH = Issue._meta.get_field("resolution").max_length


# --- Who may ------------------------------------------------------------------------------
def can_log_issue(user, register: Register) -> bool:
    """Managers log issues; on a project its team may log them too (as for proposing risks)."""
    return access.can_propose(user, register)


def can_update_issue(user, issue: Issue, *, can_manage: bool | None = None) -> bool:
    return access.can_update(user, issue, can_manage=can_manage)


def escalation_candidates(register: Register):
    """Who an issue may be escalated to: the people above the register who can decide what
    its owner cannot.

    - a project's sponsor (owns the business case, decides on money and scope),
    - the program manager when the project is part of a program,
    - the portfolio owner (and for a program's own register, its portfolio's owner),
    - PMO staff, who support and arbitrate across every register.

    Other team members, executives in general and resource managers are not on the list:
    an escalation is a request for a decision by someone accountable for the register.
    """
    User = get_user_model()
    ids = set()
    obj = register.obj
    if register.kind == "project":
        if obj.sponsor_id:
            ids.add(obj.sponsor_id)
        if obj.program_id:
            ids.add(obj.program.manager_id)
        ids.add(obj.portfolio.owner_id)
    elif register.kind == "program":
        ids.update({obj.manager_id, obj.portfolio.owner_id})
    else:
        ids.add(obj.owner_id)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=ids) | Q(groups__name=roles.PMO))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# --- Checks -------------------------------------------------------------------------------
def ensure_issue_open(issue: Issue) -> None:
    if issue.status == IssueStatus.CLOSED:
        raise ValidationError(
            _("%(ref)s is closed: reopen it before changing it.") % {"ref": issue.reference}
        )


def _validate(issue: Issue, register: Register, *, exclude=()) -> None:
    """The model's own rules, plus: owner present and allowed for the register, raised not
    in the future, resolve-by not before raised. Every problem is reported at once."""
    errors: dict[str, list] = {}
    try:
        issue.full_clean(exclude=[*exclude, "owner"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if issue.owner_id is None:
        errors["owner"] = [OWNER_REQUIRED]
    else:
        try:
            validate_owner(register, issue.owner)
        except ValidationError as error:
            errors.update(error.message_dict)
    if issue.raised_on is None:
        errors["raised_on"] = [RAISED_REQUIRED]
    errors.update(date_errors(issue.raised_on, issue.due_date))
    if errors:
        raise ValidationError(errors)


def date_errors(raised_on, due_date) -> dict[str, list]:
    """Raised not in the future, resolve-by not before raised (the form asks this too)."""
    errors = {}
    today = timezone.localdate()
    if raised_on is not None and raised_on > today:
        errors["raised_on"] = [
            _("An issue cannot be raised in the future (today is %(today)s).")
            % {"today": today.isoformat()}
        ]
    if due_date and raised_on and due_date < raised_on:
        errors["due_date"] = [
            _("The resolve-by date cannot be before the date it was raised (%(date)s).")
            % {"date": raised_on.isoformat()}
        ]
    return errors


def _clean_text(value: str, *, field: str, required_message: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: required_message})
    if len(value) > max_length:
        raise ValidationError(
            {
                field: _("Keep it to %(max)d characters (it has %(n)d).")
                % {"max": max_length, "n": len(value)}
            }
        )
    return value


def _split(data: dict, allowed: tuple[str, ...]) -> dict:
    data = dict(data)
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Not settable here: {sorted(unknown)}")
    return data


def _new_issue(register: Register, data: dict, *, risk: Risk | None = None) -> Issue:
    data = _split(data, CREATE_FIELDS)
    data.setdefault("raised_on", timezone.localdate())
    if not data.get("severity"):
        data["severity"] = IssueSeverity.MEDIUM
    issue = Issue(**register.scope_kwargs(), **data, risk=risk, status=IssueStatus.OPEN)
    issue.number, issue.reference = 0, "pending"
    _validate(issue, register, exclude=["number", "reference"])
    issue.number, issue.reference = next_reference(register, ISSUE_LETTER)
    return issue


# --- Writes -------------------------------------------------------------------------------
@transaction.atomic
def issue_create(*, register: Register, by, data: dict) -> Issue:
    """Log an issue directly in ``register`` (numbered PRJ-0042-I03)."""
    if not can_log_issue(by, register):
        raise PermissionDenied
    ensure_register_open(register)
    issue = _new_issue(register, data)
    return create_versioned(instance=issue, by=by, reason=_("Issue logged"))


def severity_for_risk(risk: Risk, matrix=None) -> str:
    """The severity of the issue a risk becomes: its current score band."""
    matrix = matrix or load_matrix()
    band = matrix.band_for(risk.current_score)
    return BAND_SEVERITY.get(band.code if band else "", IssueSeverity.MEDIUM)


def issue_description_from_risk(risk: Risk) -> str:
    """Cause -> event -> effect and the contingency plan, as the issue's first description."""
    parts = []
    for label, text in (
        (_("Cause"), risk.cause),
        (_("Event"), risk.event),
        (_("Effect"), risk.effect),
    ):
        if text.strip():
            parts.append(f"{label}: {text.strip()}")
    if risk.contingency_plan.strip():
        parts.append(f"{_('Contingency plan')}: {risk.contingency_plan.strip()}")
    return "\n\n".join(parts)


def issue_initial_from_risk(risk: Risk, *, matrix=None) -> dict:
    """What the "record that it occurred" form starts with."""
    return {
        "title": risk.title,
        "description": issue_description_from_risk(risk),
        "severity": severity_for_risk(risk, matrix),
        "owner": risk.owner,
        "raised_on": timezone.localdate(),
    }


@transaction.atomic
def issue_from_risk(*, risk: Risk, by, data: dict, expected_version: int) -> Issue:
    """Record that ``risk`` occurred: the risk becomes *occurred* and a linked issue is logged.

    ``data`` holds the issue's fields (see ``issue_initial_from_risk`` for the defaults);
    ``expected_version`` is the risk's version the user saw. Both rows get a history entry
    naming the other.
    """
    register = register_of(risk)
    if not access.can_update(by, risk, register=register):
        raise PermissionDenied
    ensure_register_open(register)
    if not risk.is_open:
        raise ValidationError(
            _(
                "%(ref)s is %(status)s: only an open risk (identified, assessed, responding "
                "or monitoring) can be recorded as occurred."
            )
            % {"ref": risk.reference, "status": risk.get_status_display().lower()}
        )
    data = {**issue_initial_from_risk(risk), **data}
    issue = _new_issue(register, data, risk=risk)
    create_versioned(
        instance=issue,
        by=by,
        reason=_("Raised from risk %(ref)s, which occurred") % {"ref": risk.reference},
    )
    risk.status = RiskStatus.OCCURRED
    rules.apply_rules(risk, matrix=load_matrix())
    save_versioned(
        instance=risk,
        expected_version=expected_version,
        by=by,
        reason=_("Occurred: raised as issue %(ref)s") % {"ref": issue.reference},
    )
    return issue


@transaction.atomic
def issue_update(*, issue: Issue, by, data: dict, expected_version: int) -> Issue:
    """The full edit of an open issue: its fields, and open / in progress."""
    register = register_of(issue)
    if not can_update_issue(by, issue):
        raise PermissionDenied
    ensure_register_open(register)
    ensure_issue_open(issue)
    data = dict(data)
    reason = data.pop("reason", "")
    data = _split(data, EDIT_FIELDS)
    status = data.pop("status", None) or issue.status
    if status != issue.status and status not in EDITABLE_STATUSES:
        raise ValidationError(
            {"status": _("Escalate or close the issue with its own button, not here.")}
        )
    for name, value in data.items():
        setattr(issue, name, value)
    issue.status = status
    _validate(issue, register)
    return save_versioned(
        instance=issue, expected_version=expected_version, by=by, reason=reason or _("Edited")
    )


@transaction.atomic
def issue_escalate(*, issue: Issue, by, to, note: str, expected_version: int) -> Issue:
    """Hand an open issue upwards for a decision (see ``escalation_candidates``)."""
    register = register_of(issue)
    if not can_update_issue(by, issue):
        raise PermissionDenied
    ensure_register_open(register)
    ensure_issue_open(issue)
    note = _clean_text(
        note,
        field="note",
        required_message=_("Say what decision or help you need; the note goes with the issue."),
        max_length=NOTE_MAX_LENGTH,
    )
    if to is None:
        raise ValidationError({"to": _("Choose who to escalate to.")})
    if to.pk == by.pk:
        raise ValidationError({"to": _("Escalate to someone else: you already hold this issue.")})
    if not escalation_candidates(register).filter(pk=to.pk).exists():
        raise ValidationError(
            {
                "to": _(
                    "Escalate to the project's sponsor, the program manager, the portfolio "
                    "owner or PMO staff."
                )
            }
        )
    issue.status = IssueStatus.ESCALATED
    issue.escalated_to = to
    issue.escalation_note = note
    return save_versioned(
        instance=issue,
        expected_version=expected_version,
        by=by,
        reason=_("Escalated to %(who)s: %(note)s") % {"who": to, "note": note},
    )


@transaction.atomic
def issue_close(
    *, issue: Issue, by, resolution: str, closed_on: datetime.date, expected_version: int
) -> Issue:
    """Close an issue with its resolution. Refused while any of its actions is still open:
    finish or cancel them first, so the log never shows a closed issue with work pending."""
    register = register_of(issue)
    if not can_update_issue(by, issue):
        raise PermissionDenied
    ensure_register_open(register)
    ensure_issue_open(issue)
    resolution = _clean_text(
        resolution,
        field="resolution",
        required_message=_("Say how the issue was resolved; the resolution stays on record."),
        max_length=RESOLUTION_MAX_LENGTH,
    )
    today = timezone.localdate()
    if closed_on is None:
        raise ValidationError({"closed_on": _("Enter the date the issue was closed.")})
    if closed_on > today:
        raise ValidationError(
            {
                "closed_on": _("An issue cannot be closed in the future (today is %(today)s).")
                % {"today": today.isoformat()}
            }
        )
    if closed_on < issue.raised_on:
        raise ValidationError(
            {
                "closed_on": _("An issue cannot be closed before it was raised (%(date)s).")
                % {"date": issue.raised_on.isoformat()}
            }
        )
    pending = list(
        issue.actions.filter(status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
        .order_by("due_date", "pk")
        .values_list("description", flat=True)
    )
    if pending:
        raise ValidationError(
            _("Finish or cancel its open actions before closing the issue: %(actions)s.")
            % {"actions": "; ".join(pending)}
        )
    issue.status = IssueStatus.CLOSED
    issue.resolution = resolution
    issue.closed_on = closed_on
    return save_versioned(
        instance=issue, expected_version=expected_version, by=by, reason=_("Closed")
    )


@transaction.atomic
def issue_reopen(*, issue: Issue, by, reason: str, expected_version: int) -> Issue:
    """Reopen a closed issue (the problem came back). The old resolution stays in the
    history; the issue needs a new one to close again."""
    register = register_of(issue)
    if not can_update_issue(by, issue):
        raise PermissionDenied
    ensure_register_open(register)
    if issue.status != IssueStatus.CLOSED:
        raise ValidationError(_("%(ref)s is not closed.") % {"ref": issue.reference})
    reason = _clean_text(
        reason,
        field="reason",
        required_message=_("Say why the issue is reopened; the reason is kept in the history."),
        max_length=NOTE_MAX_LENGTH,
    )
    issue.status = IssueStatus.OPEN
    issue.closed_on = None
    issue.resolution = ""
    return save_versioned(
        instance=issue,
        expected_version=expected_version,
        by=by,
        reason=_("Reopened: %(reason)s") % {"reason": reason},
    )

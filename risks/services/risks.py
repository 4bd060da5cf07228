"""Writes to risks: add one to a register (directly, or proposed for triage), edit its
description, assess it, plan its response, change its status, close and reopen it.

Who may write (``risks.access``): register managers change anything; a risk's owner
assesses it, plans its response and moves its status; other team members only propose.
A closed or rejected risk is reopened before it changes again, and a closed project's
register stays as it was. Every write validates with ``full_clean()``, goes through
``pmo.core.locking`` (optimistic lock, history with a reason) and applies
``rules.apply_rules`` (review date, escalation).
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.core.locking import create_versioned, save_versioned
from risks import access, scoring
from risks.models import Risk, RiskStatus, Strategy
from risks.registers import Register, register_of
from risks.selectors.matrix import load_matrix
from risks.services import rules
from risks.services.numbering import RISK_LETTER, next_reference

M2M_FIELDS = ("tasks", "milestones")


def ensure_register_open(register: Register) -> None:
    """A closed or cancelled project's register is kept as it was."""
    if register.kind == "project" and register.obj.is_closed:
        raise ValidationError(
            _("%(code)s is %(status)s: its risk register can no longer change.")
            % {"code": register.code, "status": register.obj.get_status_display().lower()}
        )


def allowed_owner_ids(register: Register) -> set[int] | None:
    """Who may own a risk in this register; None means anyone may (program/portfolio)."""
    if register.kind != "project":
        return None
    project = register.obj
    return {
        project.project_manager_id,
        *([project.sponsor_id] if project.sponsor_id else []),
        *project.memberships.values_list("user_id", flat=True),
    }


def validate_links(register: Register, *, tasks=(), milestones=()) -> None:
    """Linked tasks and milestones must belong to the register's project."""
    errors = {}
    if register.kind != "project" and (tasks or milestones):
        errors["tasks"] = [_("Only risks in a project's register link to its plan.")]
    else:
        project_id = register.obj.pk
        for field, rows in (("tasks", tasks), ("milestones", milestones)):
            foreign = [str(r) for r in rows if r.project_id != project_id]
            if foreign:
                errors[field] = [
                    _("Only items of %(code)s can be linked: %(names)s.")
                    % {"code": register.code, "names": ", ".join(foreign)}
                ]
    if errors:
        raise ValidationError(errors)


def validate_owner(register: Register, owner) -> None:
    allowed = allowed_owner_ids(register)
    if owner is not None and allowed is not None and owner.pk not in allowed:
        raise ValidationError(
            {"owner": _("The owner must be the project manager, the sponsor or on the team.")}
        )


@transaction.atomic
def risk_create(
    *,
    register: Register,
    by,
    data: dict,
    proposed: bool = False,
    matrix: scoring.MatrixSpec | None = None,
) -> Risk:
    """Add a risk to ``register``.

    ``data`` holds fields from ``CREATE_FIELDS`` plus ``tasks`` and ``milestones``.
    Register managers add risks directly; with ``proposed=True`` (or when the user may
    only propose) the risk is added as *proposed* and waits for triage.
    """
    if not access.can_propose(by, register):
        raise PermissionDenied
    ensure_register_open(register)
    data = dict(data)
    links = {name: list(data.pop(name, None) or ()) for name in M2M_FIELDS}
    unknown = set(data) - set(CREATE_FIELDS)
    if unknown:
        raise ValueError(f"Not settable when adding a risk: {sorted(unknown)}")
    if proposed or not access.can_manage_register(by, register):
        data["status"] = RiskStatus.PROPOSED
    elif not data.get("status") or data["status"] == RiskStatus.PROPOSED:
        assessed = data.get("inherent_probability") and data.get("inherent_impact")
        data["status"] = RiskStatus.ASSESSED if assessed else RiskStatus.IDENTIFIED
        if data.get("strategy") and data["strategy"] != Strategy.ACCEPT:
            data["status"] = RiskStatus.RESPONDING
    if not data.get("currency"):
        data["currency"] = register.default_currency
    risk = Risk(**register.scope_kwargs(), **data)
    if risk.status != RiskStatus.PROPOSED:
        problem = status_problem(risk, risk.status)
        if problem:
            raise ValidationError({"status": problem})
    validate_owner(register, risk.owner)
    validate_links(register, **links)
    risk.number, risk.reference = 0, "pending"
    risk.full_clean(exclude=["number", "reference"])
    rules.apply_rules(risk, matrix=matrix or load_matrix())
    risk.number, risk.reference = next_reference(register, RISK_LETTER)
    # Validated just above; the reference is unique by construction (and in the database).
    create_versioned(instance=risk, by=by, reason=_("Risk added"), validated=True)
    for name, rows in links.items():
        if rows:
            getattr(risk, name).set(rows)
    return risk


# --- Changing a risk ---------------------------------------------------------------------
# What each write may set. Links (tasks, milestones) go with the description.
UPDATE_FIELDS = (
    "title",
    "cause",
    "event",
    "effect",
    "category",
    "kind",
    "owner",
    "proximity_date",
    "triggers",
)
ASSESS_FIELDS = (
    "inherent_probability",
    "inherent_impact",
    "residual_probability",
    "residual_impact",
    "cost_impact",
    "currency",
    "schedule_impact_days",
)
RESPONSE_FIELDS = ("strategy", "response_summary", "contingency_plan", "fallback_plan")
# Fields a form, an import or a bulk entry may set when adding a risk: everything the
# later writes change, plus its first status and the session that raised it.
CREATE_FIELDS = (*UPDATE_FIELDS, "status", *ASSESS_FIELDS, *RESPONSE_FIELDS, "identified_in")
REASON_MAX_LENGTH = Risk._meta.get_field("closure_reason").max_length

# Statuses a person sets with ``risk_set_status``; the others have their own way in.
SETTABLE_STATUSES = (
    RiskStatus.IDENTIFIED,
    RiskStatus.ASSESSED,
    RiskStatus.RESPONDING,
    RiskStatus.MONITORING,
    RiskStatus.CLOSED,
)


def status_problem(risk: Risk, status: str) -> str | None:
    """Why ``risk`` cannot have ``status`` as it stands, or None when it can."""
    assessed = risk.inherent_probability is not None and risk.inherent_impact is not None
    if status in (RiskStatus.ASSESSED, RiskStatus.MONITORING) and not assessed:
        return _("Assess its probability and impact first.")
    if status == RiskStatus.RESPONDING and not risk.strategy:
        return _("Choose a response strategy first.")
    return None


def allowed_statuses(risk: Risk) -> list[str]:
    """The statuses the quick status change offers for ``risk`` (its own first)."""
    if risk.is_final or risk.status == RiskStatus.PROPOSED:
        return []
    return [s for s in SETTABLE_STATUSES if s != risk.status and not status_problem(risk, s)]


def _ensure_changeable(risk: Risk) -> Register:
    """The register must be open and the risk neither closed nor rejected."""
    register = register_of(risk)
    ensure_register_open(register)
    if risk.is_final:
        raise ValidationError(
            _("%(ref)s is %(status)s: reopen it first if it needs to change.")
            % {"ref": risk.reference, "status": risk.get_status_display().lower()}
        )
    return register


def _require_update(by, risk: Risk) -> Register:
    register = register_of(risk)
    if not access.can_update(by, risk, register=register):
        raise PermissionDenied
    return register


def _clean_reason(reason: str | None, *, field: str, required: bool, message: str = "") -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({field: message or _("Give a reason; it is kept in the history.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                field: _("Keep it under %(max)d characters (it has %(n)d).")
                % {"max": REASON_MAX_LENGTH, "n": len(reason)}
            }
        )
    return reason


def _split(data: dict, allowed: tuple[str, ...], links: tuple[str, ...] = ()) -> tuple:
    data = dict(data)
    reason = data.pop("reason", "") or ""
    m2m = {name: data.pop(name) for name in links if name in data}
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"Not settable here: {sorted(unknown)}")
    return data, m2m, reason


def _save(risk: Risk, *, by, expected_version: int, reason: str) -> Risk:
    """Apply the rules (review date, escalation), then save with the lock and history."""
    risk.full_clean()  # levels inside the matrix before the rules score them
    rules.apply_rules(risk, matrix=load_matrix())
    return save_versioned(instance=risk, expected_version=expected_version, by=by, reason=reason)


@transaction.atomic
def risk_update(*, risk: Risk, by, data: dict, expected_version: int) -> Risk:
    """Edit what the risk is: its statement, category, type, owner, proximity, triggers
    and links (``tasks``, ``milestones``). Register managers only; ``data`` may carry a
    ``reason`` kept in the history."""
    register = register_of(risk)
    if not access.can_manage_register(by, register):
        raise PermissionDenied
    _ensure_changeable(risk)
    fields, links, reason = _split(data, UPDATE_FIELDS, M2M_FIELDS)
    new_kind = fields.get("kind", risk.kind)
    if risk.strategy and risk.strategy not in Strategy.for_kind(new_kind):
        raise ValidationError(
            {
                "kind": _(
                    "Its response strategy (%(strategy)s) does not suit this type: "
                    "change the response first."
                )
                % {"strategy": Strategy(risk.strategy).label}
            }
        )
    for name, value in fields.items():
        setattr(risk, name, value)
    if "title" in fields and not (risk.title or "").strip():
        raise ValidationError({"title": _("Give the risk a title.")})
    validate_owner(register, risk.owner)
    links = {name: list(rows or ()) for name, rows in links.items()}
    validate_links(register, **links)
    _save(risk, by=by, expected_version=expected_version, reason=reason or _("Risk edited"))
    for name, rows in links.items():
        getattr(risk, name).set(rows)
    return risk


@transaction.atomic
def risk_assess(*, risk: Risk, by, data: dict, expected_version: int) -> Risk:
    """Record the inherent and residual probability and impact, and the impact in money
    and schedule days. An identified risk becomes assessed."""
    _require_update(by, risk)
    _ensure_changeable(risk)
    fields, _links, reason = _split(data, ASSESS_FIELDS)
    for name, value in fields.items():
        setattr(risk, name, value)
    errors = {}
    for name in ASSESS_FIELDS[:4]:
        value = getattr(risk, name)
        if value is not None and value not in scoring.LEVELS:
            errors[name] = _("Choose a level of the matrix (1 to 5), not %(value)s.") % {
                "value": value
            }
    if errors:
        raise ValidationError(errors)
    if risk.inherent_probability is None or risk.inherent_impact is None:
        errors["inherent_probability"] = _(
            "Give the inherent probability and impact: they are the assessment."
        )
    if risk.cost_impact is not None and risk.cost_impact < 0:
        errors["cost_impact"] = _("The cost impact cannot be negative.")
    if "currency" in fields:
        risk.currency = (risk.currency or "").strip().upper() or register_of(risk).default_currency
        if not re.fullmatch(r"[A-Z]{3}", risk.currency):
            errors["currency"] = _("Use a three-letter ISO 4217 code such as EUR.")
    if errors:
        raise ValidationError(errors)
    if risk.status == RiskStatus.IDENTIFIED:
        risk.status = RiskStatus.ASSESSED
    return _save(risk, by=by, expected_version=expected_version, reason=reason or _("Assessed"))


@transaction.atomic
def risk_set_response(*, risk: Risk, by, data: dict, expected_version: int) -> Risk:
    """Plan the response: a strategy that suits the type, the response, the contingency
    and fallback plans. Choosing a strategy other than *accept* starts the response."""
    _require_update(by, risk)
    _ensure_changeable(risk)
    fields, _links, reason = _split(data, RESPONSE_FIELDS)
    for name, value in fields.items():
        setattr(risk, name, value)
    if risk.strategy and risk.strategy not in Strategy.for_kind(risk.kind):
        raise ValidationError(
            {
                "strategy": _("%(strategy)s is not a strategy for a %(kind)s.")
                % {
                    "strategy": Strategy(risk.strategy).label,
                    "kind": risk.get_kind_display().lower(),
                }
            }
        )
    if (
        risk.strategy
        and risk.strategy != Strategy.ACCEPT
        and risk.status in (RiskStatus.IDENTIFIED, RiskStatus.ASSESSED)
    ):
        risk.status = RiskStatus.RESPONDING
    return _save(
        risk, by=by, expected_version=expected_version, reason=reason or _("Response planned")
    )


@transaction.atomic
def risk_set_status(*, risk: Risk, by, status: str, comment: str, expected_version: int) -> Risk:
    """Move the risk along its life: identified, assessed, responding, monitoring, closed.

    *Occurred* is recorded by raising an issue from the risk, *proposed* and *rejected*
    belong to triage, and a closed risk is reopened with ``risk_reopen``.
    """
    _require_update(by, risk)
    _ensure_changeable(risk)
    if status == RiskStatus.CLOSED:
        return _close(
            risk, by=by, reason=comment, expected_version=expected_version, field="comment"
        )
    if status == RiskStatus.OCCURRED:
        raise ValidationError(
            {
                "status": _(
                    "Use “Record that it occurred” on the risk's page: it raises an issue "
                    "linked to this risk."
                )
            }
        )
    if status not in SETTABLE_STATUSES:
        raise ValidationError(
            {"status": _("Proposed and rejected risks are decided in triage, not here.")}
        )
    if risk.status == RiskStatus.PROPOSED:
        raise ValidationError(
            {"status": _("This risk is still proposed: accept or reject it in triage first.")}
        )
    if status == risk.status:
        raise ValidationError({"status": _("The risk already has this status.")})
    problem = status_problem(risk, status)
    if problem:
        raise ValidationError({"status": problem})
    comment = _clean_reason(comment, field="comment", required=False)
    old = risk.get_status_display()
    risk.status = status
    reason = comment or _("Status: %(old)s → %(new)s") % {
        "old": old,
        "new": risk.get_status_display(),
    }
    return _save(risk, by=by, expected_version=expected_version, reason=reason)


def _close(risk: Risk, *, by, reason: str, expected_version: int, field: str) -> Risk:
    if risk.status == RiskStatus.PROPOSED:
        raise ValidationError(
            _("A proposed risk is accepted or rejected in triage; it cannot be closed.")
        )
    reason = _clean_reason(
        reason,
        field=field,
        required=True,
        message=_("Say why the risk is closed (it passed, was avoided, ...)."),
    )
    risk.status = RiskStatus.CLOSED
    risk.closed_on = timezone.localdate()
    risk.closure_reason = reason
    return _save(risk, by=by, expected_version=expected_version, reason=reason)


@transaction.atomic
def risk_close(*, risk: Risk, by, reason: str, expected_version: int) -> Risk:
    """Close the risk (it can no longer happen, or was dealt with), with the reason."""
    _require_update(by, risk)
    _ensure_changeable(risk)
    return _close(risk, by=by, reason=reason, expected_version=expected_version, field="reason")


@transaction.atomic
def risk_reopen(*, risk: Risk, by, reason: str, expected_version: int) -> Risk:
    """Bring a closed or rejected risk back into play, assessed if it had an assessment."""
    _require_update(by, risk)
    ensure_register_open(register_of(risk))
    if not risk.is_final:
        raise ValidationError(
            _("%(ref)s is %(status)s, not closed: there is nothing to reopen.")
            % {"ref": risk.reference, "status": risk.get_status_display().lower()}
        )
    reason = _clean_reason(
        reason, field="reason", required=True, message=_("Say why the risk is reopened.")
    )
    assessed = status_problem(risk, RiskStatus.ASSESSED) is None
    risk.status = RiskStatus.ASSESSED if assessed else RiskStatus.IDENTIFIED
    risk.closed_on = None
    risk.closure_reason = ""
    return _save(risk, by=by, expected_version=expected_version, reason=reason)

"""Writes to risks: add one to a register (directly, or proposed for triage).

Edits, assessment, responses, closing and reopening are added here by the register area.
Every write validates with ``full_clean()``, records who did it in the history, and
applies ``rules.apply_rules`` (review date, escalation).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmo.core.locking import create_versioned
from risks import access
from risks.models import Risk, RiskStatus
from risks.registers import Register
from risks.selectors.matrix import load_matrix
from risks.services import rules
from risks.services.numbering import RISK_LETTER, next_reference

# Fields a form, an import or a bulk entry may set when adding a risk.
CREATE_FIELDS = (
    "title",
    "cause",
    "event",
    "effect",
    "category",
    "kind",
    "owner",
    "proximity_date",
    "triggers",
    "status",
    "inherent_probability",
    "inherent_impact",
    "residual_probability",
    "residual_impact",
    "cost_impact",
    "currency",
    "schedule_impact_days",
    "strategy",
    "response_summary",
    "contingency_plan",
    "fallback_plan",
    "identified_in",
)
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
def risk_create(*, register: Register, by, data: dict, proposed: bool = False) -> Risk:
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
    data.setdefault("currency", register.default_currency)
    risk = Risk(**register.scope_kwargs(), **data)
    validate_owner(register, risk.owner)
    validate_links(register, **links)
    risk.number, risk.reference = 0, "pending"
    risk.full_clean(exclude=["number", "reference"])
    rules.apply_rules(risk, matrix=load_matrix())
    risk.number, risk.reference = next_reference(register, RISK_LETTER)
    create_versioned(instance=risk, by=by, reason=_("Risk added"))
    for name, rows in links.items():
        if rows:
            getattr(risk, name).set(rows)
    return risk

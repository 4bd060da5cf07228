"""Triage: a register manager accepts a proposed risk into the register, or rejects it.

Proposed risks come from identification sessions (bulk drafts) and from team members'
proposals. Accepting gives the risk an owner and a category, optionally an inherent
assessment, and applies the rules (review date, escalation above appetite). Rejecting keeps
the reason (e.g. "duplicate of PRJ-0042-R03") in ``closure_reason``. Both go through the
optimistic lock and are recorded in the risk's history with their reason.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.core.locking import save_versioned
from risks import access
from risks.models import Risk, RiskCategory, RiskStatus
from risks.registers import register_of
from risks.selectors.matrix import load_matrix
from risks.services import rules
from risks.services.risks import ensure_register_open, validate_owner

REASON_MAX_LENGTH = Risk._meta.get_field("closure_reason").max_length


def can_triage(user, risk: Risk, *, can_manage: bool | None = None) -> bool:
    if can_manage is None:
        can_manage = access.can_manage_register(user, register_of(risk))
    return can_manage and risk.status == RiskStatus.PROPOSED


def _start(risk: Risk, by):
    register = register_of(risk)
    if not access.can_manage_register(by, register):
        raise PermissionDenied
    if risk.status != RiskStatus.PROPOSED:
        raise ValidationError(
            _(
                "%(ref)s is %(status)s, not proposed: only proposed risks are accepted or "
                "rejected in triage."
            )
            % {"ref": risk.reference, "status": risk.get_status_display().lower()}
        )
    ensure_register_open(register)
    return register


@transaction.atomic
def risk_accept(
    *,
    risk: Risk,
    by,
    owner,
    category: RiskCategory | None,
    probability: int | None = None,
    impact: int | None = None,
    expected_version: int,
) -> Risk:
    """Accept a proposed risk: *assessed* when P and I are given, otherwise *identified*."""
    register = _start(risk, by)
    errors: dict[str, list] = {}
    if owner is None:
        errors["owner"] = [_("Choose who owns this risk: they will assess and review it.")]
    if category is None:
        errors["category"] = [_("Choose a category.")]
    elif not category.is_active and category.pk != risk.category_id:
        errors["category"] = [
            _("“%(name)s” is no longer in use; choose another category.") % {"name": category}
        ]
    if probability is None and impact is not None:
        errors["probability"] = [_("Give both the probability and the impact, or neither.")]
    elif impact is None and probability is not None:
        errors["impact"] = [_("Give both the probability and the impact, or neither.")]
    if errors:
        raise ValidationError(errors)
    validate_owner(register, owner)
    risk.owner = owner
    risk.category = category
    risk.inherent_probability = probability
    risk.inherent_impact = impact
    assessed = probability is not None and impact is not None
    risk.status = RiskStatus.ASSESSED if assessed else RiskStatus.IDENTIFIED
    rules.apply_rules(risk, matrix=load_matrix())
    return save_versioned(
        instance=risk,
        expected_version=expected_version,
        by=by,
        reason=_("Accepted in triage"),
    )


@transaction.atomic
def risk_reject(*, risk: Risk, by, reason: str, expected_version: int) -> Risk:
    """Reject a proposed risk (a duplicate, not a risk, out of scope); the reason is kept."""
    _start(risk, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Say why it is rejected, e.g. a duplicate of another risk: give its reference."
                )
            }
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": _("Keep the reason to %(max)d characters (it has %(n)d).")
                % {"max": REASON_MAX_LENGTH, "n": len(reason)}
            }
        )
    risk.status = RiskStatus.REJECTED
    risk.closure_reason = reason
    risk.closed_on = timezone.localdate()
    rules.apply_rules(risk, matrix=load_matrix())
    return save_versioned(
        instance=risk,
        expected_version=expected_version,
        by=by,
        reason=_("Rejected in triage: %(reason)s") % {"reason": reason},
    )

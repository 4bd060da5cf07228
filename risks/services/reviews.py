"""Record a periodic review of a risk: the reassessment is kept for good, the risk moves on.

A review is made by the risk's owner or a manager of its register (``access.can_update``).
It stores an immutable ``RiskReview`` (with the score and band as they were that day) and
updates the risk in the same transaction: its residual probability and impact become the
reviewed ones, its status and last review date change, and ``rules.apply_rules`` sets the
next review date from the band's cadence and escalates above the portfolio's appetite.
The comment is the history's reason for the change, so the risk's history tells the story.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.core.locking import save_versioned
from risks import access, scoring
from risks.models import Risk, RiskReview, RiskStatus
from risks.registers import register_of
from risks.selectors.matrix import load_matrix
from risks.services import rules
from risks.services.risks import ensure_register_open, status_problem

COMMENT_MAX_LENGTH = RiskReview._meta.get_field("comment").max_length

# What a review may leave the risk as. "Occurred" raises an issue instead (ISSUES' page).
REVIEW_STATUSES = (
    RiskStatus.IDENTIFIED,
    RiskStatus.ASSESSED,
    RiskStatus.RESPONDING,
    RiskStatus.MONITORING,
    RiskStatus.CLOSED,
)
# Risks that cannot be reviewed: not accepted yet, or finished.
NOT_REVIEWABLE = (RiskStatus.PROPOSED, RiskStatus.CLOSED, RiskStatus.REJECTED)


def can_review(user, risk: Risk, *, can_manage: bool | None = None) -> bool:
    """The risk's owner or a manager of its register, while the risk is reviewable."""
    return risk.status not in NOT_REVIEWABLE and access.can_update(
        user, risk, can_manage=can_manage
    )


def not_reviewable_message(risk: Risk) -> str:
    """Why this risk cannot be reviewed, or "" when it can."""
    if risk.status == RiskStatus.PROPOSED:
        return _(
            "%(ref)s is still proposed: it is reviewed once it has been accepted in triage."
        ) % {"ref": risk.reference}
    if risk.status in (RiskStatus.CLOSED, RiskStatus.REJECTED):
        return _("%(ref)s is %(status)s: reopen it before reviewing it.") % {
            "ref": risk.reference,
            "status": risk.get_status_display().lower(),
        }
    return ""


def last_review_date(risk: Risk) -> datetime.date | None:
    """The later of the risk's ``last_reviewed_on`` and its latest recorded review."""
    latest = risk.reviews.aggregate(latest=Max("reviewed_on"))["latest"]
    dates = [d for d in (risk.last_reviewed_on, latest) if d is not None]
    return max(dates) if dates else None


def _check_date(risk: Risk, reviewed_on, today: datetime.date, errors: dict) -> None:
    if reviewed_on is None:
        errors["reviewed_on"] = _("Enter the date of the review.")
        return
    if reviewed_on > today:
        errors["reviewed_on"] = _(
            "The review date cannot be in the future (today is %(today)s)."
        ) % {"today": today.isoformat()}
        return
    created = timezone.localdate(risk.created_at) if risk.created_at else None
    if created is not None and reviewed_on < created:
        errors["reviewed_on"] = _(
            "The review date cannot be before the risk was added (%(date)s)."
        ) % {"date": created.isoformat()}
        return
    last = last_review_date(risk)
    if last is not None and reviewed_on < last:
        errors["reviewed_on"] = _(
            "The review date cannot be before the last review (%(date)s)."
        ) % {"date": last.isoformat()}


def _check_level(value, field: str, errors: dict) -> int | None:
    try:
        return scoring.check_level(value)
    except ValueError:
        if field == "probability":
            errors[field] = _("Choose a probability on the matrix (1-5).")
        else:
            errors[field] = _("Choose an impact on the matrix (1-5).")
        return None


def _check_status(status, errors: dict) -> None:
    if status == RiskStatus.OCCURRED:
        errors["status"] = _(
            "A review does not record that a risk occurred: use “Record that it occurred” "
            "on the risk's page, which raises an issue linked to it."
        )
    elif status not in REVIEW_STATUSES:
        errors["status"] = _("Choose the risk's status after the review.")


def _clean_comment(comment, errors: dict) -> str:
    comment = (comment or "").strip()
    if not comment:
        errors["comment"] = _(
            "Say what you found and why the assessment is what it is; the comment is kept "
            "in the risk's history."
        )
    elif len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = _("Keep the comment to %(max)d characters (it has %(n)d).") % {
            "max": COMMENT_MAX_LENGTH,
            "n": len(comment),
        }
    return comment


@transaction.atomic
def risk_review_record(
    *,
    risk: Risk,
    by,
    reviewed_on: datetime.date,
    probability: int,
    impact: int,
    status: str,
    comment: str,
    expected_version: int,
    today: datetime.date | None = None,
) -> RiskReview:
    """Record a review of ``risk`` and move the risk to the reviewed assessment.

    Raises ``PermissionDenied`` (not the owner nor a register manager), ``ValidationError``
    (a dict by field, or a message for the risk as a whole) and ``StaleObjectError`` when
    the risk changed since ``expected_version`` was read. Nothing is saved on any error.
    """
    if not access.can_update(by, risk):
        raise PermissionDenied
    ensure_register_open(register_of(risk))
    message = not_reviewable_message(risk)
    if message:
        raise ValidationError(message)
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    _check_date(risk, reviewed_on, today, errors)
    probability = _check_level(probability, "probability", errors)
    impact = _check_level(impact, "impact", errors)
    _check_status(status, errors)
    if "status" not in errors and status == RiskStatus.RESPONDING:
        # Responding needs a response strategy (the review itself assesses the risk).
        problem = status_problem(risk, status)
        if problem:
            errors["status"] = problem
    comment = _clean_comment(comment, errors)
    if errors:
        raise ValidationError(errors)

    matrix = load_matrix()
    score = scoring.score(probability, impact)
    band = matrix.band_for(score)
    if risk.inherent_probability is None:
        # A review of a risk nobody had assessed yet is its first assessment too.
        risk.inherent_probability, risk.inherent_impact = probability, impact
    risk.residual_probability, risk.residual_impact = probability, impact
    risk.status = status
    risk.last_reviewed_on = reviewed_on
    if status == RiskStatus.CLOSED:
        risk.closed_on = reviewed_on
        risk.closure_reason = comment
    rules.apply_rules(risk, matrix=matrix, today=today)
    # The lock and version check come first: a stale review saves nothing.
    save_versioned(instance=risk, expected_version=expected_version, by=by, reason=comment)

    review = RiskReview(
        risk=risk,
        reviewed_on=reviewed_on,
        reviewed_by=by,
        probability=probability,
        impact=impact,
        score=score,
        band=band.code if band else "",
        status=status,
        comment=comment,
    )
    review.full_clean()
    review.save()
    return review

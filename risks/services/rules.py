"""Rules that follow from a risk's assessment, applied after every write that changes it:
when it is next due for review (its band's cadence) and whether it goes above the
portfolio's risk appetite (then it is flagged and escalated).
"""

import datetime

from django.utils import timezone

from risks import scoring
from risks.models import Risk, RiskAppetite, RiskStatus
from risks.registers import register_of


def appetite_for(risk: Risk) -> int | None:
    """The highest accepted score in the risk's portfolio, or None if none is set."""
    portfolio = register_of(risk).portfolio
    return (
        RiskAppetite.objects.filter(portfolio=portfolio).values_list("max_score", flat=True).first()
    )


def escalation_target(risk: Risk):
    """Who hears of a risk above appetite: the program manager, else the portfolio owner."""
    register = register_of(risk)
    if register.kind == "project" and register.obj.program_id:
        return register.obj.program.manager
    return register.portfolio.owner  # a program's own risks go up to the portfolio too


def review_anchor(
    risk: Risk, matrix: scoring.MatrixSpec, *, score: int | None = None
) -> datetime.date | None:
    """The day an unreviewed risk's cadence counts from, as the rules set it last time:
    its due date less the cadence of the band of the score it was stored with."""
    if risk.last_reviewed_on or risk.next_review_on is None:
        return None
    band = matrix.band_for(risk.current_score if score is None else score)
    if band is None:
        return None
    return risk.next_review_on - datetime.timedelta(days=band.review_every_days)


def current_score(risk: Risk) -> int | None:
    """The score from the levels as they are now (the stored one is set on save)."""
    p, i = risk.current_probability, risk.current_impact
    return scoring.score(p, i) if p is not None and i is not None else None


def is_above_appetite(score: int | None, appetite: int | None) -> bool:
    return score is not None and appetite is not None and score > appetite


def apply_rules(
    risk: Risk,
    *,
    matrix: scoring.MatrixSpec,
    today: datetime.date | None = None,
    appetite: int | None = None,
    anchor: datetime.date | None = None,
) -> set[str]:
    """Set ``next_review_on`` and the escalation on ``risk`` (not saved).

    The cadence counts from the last review; a risk never reviewed counts from the day the
    rules first gave it a due date (``review_anchor``), so editing it does not push its
    first review further out each time. ``anchor`` overrides that day (a band change knows
    it from the old matrix). Returns the names of the fields it changed, for
    ``update_fields``. Pass ``appetite`` when the caller already knows it (bulk work);
    otherwise it is read (one query).
    """
    today = today or timezone.localdate()
    changed: set[str] = set()
    score = current_score(risk)
    if risk.status not in RiskStatus.open_values():
        next_review = None  # proposed, occurred, closed or rejected: nothing to review
    else:
        since = risk.last_reviewed_on or anchor or review_anchor(risk, matrix) or today
        next_review = scoring.next_review_date(since, score, matrix.bands)
    if risk.next_review_on != next_review:
        risk.next_review_on = next_review
        changed.add("next_review_on")
    if appetite is None:
        appetite = appetite_for(risk)
    if is_above_appetite(score, appetite) and risk.is_open:
        if risk.escalated_to_id is None:
            risk.escalated_to = escalation_target(risk)
            risk.escalated_at = timezone.now()
            changed |= {"escalated_to", "escalated_at"}
    elif risk.escalated_to_id is not None and not is_above_appetite(score, appetite):
        # Back within appetite: the escalation is lifted (the history keeps it).
        risk.escalated_to = None
        risk.escalated_at = None
        changed |= {"escalated_to", "escalated_at"}
    return changed

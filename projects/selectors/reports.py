"""Status reports: the list, the latest report, and the prefill from live planning data.

The prefill suggests RAG ratings from the data; the project manager decides. Rules:

- **schedule** — looks at the milestones due in the period (baseline, forecast or actual date
  inside it) and the ones that slipped (not achieved, and late, at risk or missed on the day
  the report is written). Red if any of them is *missed* (its forecast date passed without an
  actual date); amber if any is *late* or *at risk* (forecast past the baseline, see
  ``projects.models.milestone_status``); green otherwise.
- **cost** — per currency, the planned and actual amounts of every budget month that starts on
  or before the period end (months are whole: ``BudgetEntry.month`` is the first day). Red if
  actual exceeds planned by more than 10 %, amber by more than 5 %; spending with nothing
  planned is red. The worst currency decides; no budget is green.
- **scope** — amber if a deliverable is overdue (still pending acceptance after its due date)
  or a change request awaits a decision; green otherwise.
- **quality** — amber if a deliverable stands rejected at acceptance; green otherwise.
- **risks** — the planning data holds no risk register, so the rating of the last submitted
  report is carried over (green for the first report).
- **overall** — the worst of the five, with a reason listing what drove it.

Every figure goes into ``facts`` so that a report keeps what it said after the plan moves on.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.models import (
    BudgetEntry,
    ChangeRequest,
    Deliverable,
    Health,
    Milestone,
    MilestoneStatus,
    StatusReport,
)

RAG_FIELDS = ("schedule", "cost", "scope", "quality", "risks")
SEVERITY = {Health.GREEN: 0, Health.AMBER: 1, Health.RED: 2}
COST_AMBER_PERCENT = Decimal("5")
COST_RED_PERCENT = Decimal("10")


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last full Monday–Sunday week before ``today``."""
    end = today - datetime.timedelta(days=today.weekday() + 1)
    return end - datetime.timedelta(days=6), end


def suggested_period(project, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period a new report should cover: the last full week, or the week after the
    project's latest report when that week is already reported (as long as it has started).
    """
    start, end = default_period(today)
    latest_end = (
        StatusReport.objects.filter(project=project)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    if latest_end is not None and latest_end >= start:
        following = latest_end + datetime.timedelta(days=1)
        if following <= today:
            return following, following + datetime.timedelta(days=6)
    return start, end


def worst(*ratings: str) -> str:
    return max(ratings, key=lambda r: SEVERITY[r], default=Health.GREEN)


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


# --- The pieces of the prefill ----------------------------------------------------------------
def milestone_facts(project, start, end, today) -> list[dict]:
    """Milestones due in the period, or slipped as of ``today``, with their derived status."""
    in_period = (
        Q(forecast_date__range=(start, end))
        | Q(baseline_date__range=(start, end))
        | Q(actual_date__range=(start, end))
    )
    slipped = Q(actual_date__isnull=True) & (
        Q(forecast_date__lt=today) | Q(forecast_date__gt=F("baseline_date"))
    )
    rows = []
    milestones = (
        Milestone.objects.filter(project=project)
        .filter(in_period | slipped)
        .select_related("owner")
        .order_by("forecast_date", "pk")
    )
    for milestone in milestones:
        status = milestone.status_on(today)
        due = any(
            d is not None and start <= d <= end
            for d in (milestone.forecast_date, milestone.baseline_date, milestone.actual_date)
        )
        if not due and status not in (
            MilestoneStatus.LATE,
            MilestoneStatus.AT_RISK,
            MilestoneStatus.MISSED,
        ):
            continue
        rows.append(
            {
                "id": milestone.pk,
                "name": milestone.name,
                "owner": str(milestone.owner),
                "baseline": _iso(milestone.baseline_date),
                "forecast": _iso(milestone.forecast_date),
                "actual": _iso(milestone.actual_date),
                "status": str(status),
                "slip_days": milestone.slip_days,
                "due_in_period": due,
            }
        )
    return rows


def budget_facts(project, end) -> list[dict]:
    """Planned, committed and actual per currency for budget months up to the period end."""
    sums = (
        BudgetEntry.objects.filter(line__project=project, month__lte=end)
        .values("line__currency")
        .annotate(planned=Sum("planned"), committed=Sum("committed"), actual=Sum("actual"))
        .order_by("line__currency")
    )
    rows = []
    for row in sums:
        planned, actual = row["planned"] or Decimal(0), row["actual"] or Decimal(0)
        variance = actual - planned
        percent = (
            (variance / planned * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if planned
            else None
        )
        rows.append(
            {
                "currency": row["line__currency"],
                "planned": _money(planned),
                "committed": _money(row["committed"] or Decimal(0)),
                "actual": _money(actual),
                "variance": _money(variance),
                "variance_percent": str(percent) if percent is not None else None,
            }
        )
    return rows


def deliverable_facts(project, today) -> dict:
    open_count = Deliverable.objects.filter(
        project=project, acceptance=Deliverable.Acceptance.PENDING
    ).count()
    overdue, rejected = [], []
    concerns = Deliverable.objects.filter(project=project).filter(
        Q(acceptance=Deliverable.Acceptance.PENDING, due_date__lt=today)
        | Q(acceptance=Deliverable.Acceptance.REJECTED)
    )
    for deliverable in concerns.order_by("due_date", "pk"):
        row = {"id": deliverable.pk, "name": deliverable.name, "due": _iso(deliverable.due_date)}
        if deliverable.acceptance == Deliverable.Acceptance.REJECTED:
            rejected.append({**row, "reason": deliverable.rejection_reason})
        else:
            overdue.append({**row, "days_overdue": (today - deliverable.due_date).days})
    return {"open": open_count, "overdue": overdue, "rejected": rejected}


# --- The rules -------------------------------------------------------------------------------
def schedule_rating(milestones: list[dict]) -> tuple[str, str]:
    missed = [m["name"] for m in milestones if m["status"] == MilestoneStatus.MISSED]
    late = [
        m["name"]
        for m in milestones
        if m["status"] in (MilestoneStatus.LATE, MilestoneStatus.AT_RISK)
    ]
    if missed:
        return Health.RED, _("Milestones missed: %(names)s.") % {"names": ", ".join(missed)}
    if late:
        return Health.AMBER, _("Milestones late or at risk: %(names)s.") % {
            "names": ", ".join(late)
        }
    return Health.GREEN, ""


def cost_rating(budget: list[dict]) -> tuple[str, str]:
    rating, reasons = Health.GREEN, []
    for row in budget:
        planned, actual = Decimal(row["planned"]), Decimal(row["actual"])
        if planned == 0:
            row_rating = Health.RED if actual > 0 else Health.GREEN
            if actual > 0:
                reasons.append(
                    _("%(currency)s %(actual)s spent with nothing planned.")
                    % {"currency": row["currency"], "actual": row["actual"]}
                )
        else:
            over = Decimal(row["variance_percent"])
            if over > COST_RED_PERCENT:
                row_rating = Health.RED
            elif over > COST_AMBER_PERCENT:
                row_rating = Health.AMBER
            else:
                row_rating = Health.GREEN
            if row_rating != Health.GREEN:
                reasons.append(
                    _(
                        "Actual %(currency)s %(actual)s is %(percent)s%% above the plan (%(planned)s)."
                    )
                    % {
                        "currency": row["currency"],
                        "actual": row["actual"],
                        "percent": row["variance_percent"],
                        "planned": row["planned"],
                    }
                )
        rating = worst(rating, row_rating)
    return rating, " ".join(reasons)


def scope_rating(deliverables: dict, pending_changes: int) -> tuple[str, str]:
    reasons = []
    if deliverables["overdue"]:
        reasons.append(
            _("Deliverables overdue: %(names)s.")
            % {"names": ", ".join(d["name"] for d in deliverables["overdue"])}
        )
    if pending_changes:
        reasons.append(
            ngettext(
                "%(n)s change request awaits a decision.",
                "%(n)s change requests await a decision.",
                pending_changes,
            )
            % {"n": pending_changes}
        )
    return (Health.AMBER if reasons else Health.GREEN), " ".join(reasons)


def quality_rating(deliverables: dict) -> tuple[str, str]:
    if deliverables["rejected"]:
        return Health.AMBER, _("Deliverables rejected at acceptance: %(names)s.") % {
            "names": ", ".join(d["name"] for d in deliverables["rejected"])
        }
    return Health.GREEN, ""


def latest_submitted(project) -> StatusReport | None:
    return (
        StatusReport.objects.filter(project=project, state=StatusReport.State.SUBMITTED)
        .order_by("-period_end", "-pk")
        .first()
    )


def status_report_prefill(
    *,
    project,
    today: datetime.date,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> dict:
    """Suggested field values for a new report, computed from the live plan.

    The period defaults to the last full week before ``today``. Returns the model's field
    values (period, the six ratings, the overall reason) plus ``facts``, the figures behind
    them, ready to store on the report.
    """
    if period_start is None or period_end is None:
        period_start, period_end = default_period(today)
    milestones = milestone_facts(project, period_start, period_end, today)
    budget = budget_facts(project, period_end)
    deliverables = deliverable_facts(project, today)
    pending_changes = ChangeRequest.objects.filter(
        project=project, status=ChangeRequest.Decision.SUBMITTED
    ).count()
    previous = latest_submitted(project)

    ratings = {
        "schedule": schedule_rating(milestones),
        "cost": cost_rating(budget),
        "scope": scope_rating(deliverables, pending_changes),
        "quality": quality_rating(deliverables),
        "risks": (
            (previous.risks, _("Carried over from the last report."))
            if previous and previous.risks != Health.GREEN
            else (Health.GREEN, "")
        ),
    }
    overall = worst(*(rating for rating, _reason in ratings.values()))
    reason = " ".join(
        f"{StatusReport._meta.get_field(name).verbose_name.capitalize()}: {text}"
        for name, (rating, text) in ratings.items()
        if rating != Health.GREEN and text
    )
    counts: dict[str, int] = {}
    for m in milestones:
        counts[m["status"]] = counts.get(m["status"], 0) + 1
    facts = {
        "as_of": today.isoformat(),
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "milestones": milestones,
        "milestone_counts": counts,
        "budget": budget,
        "deliverables": deliverables,
        "change_requests_pending": pending_changes,
        "suggested": {
            **{name: str(rating) for name, (rating, _text) in ratings.items()},
            "overall": str(overall),
        },
        "reasons": {name: text for name, (_rating, text) in ratings.items() if text},
    }
    return {
        "period_start": period_start,
        "period_end": period_end,
        **{name: str(rating) for name, (rating, _text) in ratings.items()},
        "overall": str(overall),
        "overall_reason": Truncator(reason).chars(500) if overall != Health.GREEN else "",
        "facts": facts,
    }


# --- Lists -----------------------------------------------------------------------------------
def reports_for_project(project):
    return StatusReport.objects.filter(project=project).select_related("submitted_by", "created_by")


def report_for_project(project, pk: int) -> StatusReport:
    """One report of ``project`` (404 when the id belongs to another project)."""
    return get_object_or_404(
        StatusReport.objects.select_related("submitted_by", "created_by"), project=project, pk=pk
    )

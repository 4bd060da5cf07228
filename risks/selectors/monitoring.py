"""Reads for monitoring: reviews due, the risks home page, score and exposure history.

Every function here costs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from pmo.core import policy, roles
from risks import access, exposure, scoring
from risks.models import Action, ActionStatus, Issue, Risk, RiskStatus
from risks.registers import Register

DUE_WITHIN_DAYS = 14  # "due soon": the next review falls within two weeks
REGISTER_RELATED = ("project", "program", "portfolio")


def open_statuses() -> list[str]:
    return RiskStatus.open_values()


def annotate_band(rows, matrix: scoring.MatrixSpec, today: datetime.date | None = None):
    """Give each risk ``band`` (by its current score) and ``days_overdue`` (0 when not)."""
    today = today or timezone.localdate()
    for risk in rows:
        risk.band = matrix.band_for(risk.current_score)
        due = risk.next_review_on
        risk.days_overdue = (today - due).days if due is not None and due < today else 0
        risk.days_to_review = (due - today).days if due is not None else None
    return rows


# --- Reviews due -------------------------------------------------------------------------
def reviews_due(register: Register, today: datetime.date, within_days: int = DUE_WITHIN_DAYS):
    """Open risks of the register (and those below it) overdue or due within the window.

    Ordered by the next review date, so the most overdue come first.
    """
    horizon = today + datetime.timedelta(days=within_days)
    return (
        Risk.objects.filter(register.rollup_q())
        .filter(status__in=open_statuses(), next_review_on__lte=horizon)
        .select_related("owner", *REGISTER_RELATED)
        .order_by("next_review_on", F("current_score").desc(nulls_last=True), "pk")
    )


def reviews_due_counts(
    register: Register, today: datetime.date, within_days: int = DUE_WITHIN_DAYS
) -> dict[str, int]:
    """How many of the register's open risks are overdue, and due soon (one query)."""
    horizon = today + datetime.timedelta(days=within_days)
    return Risk.objects.filter(register.rollup_q(), status__in=open_statuses()).aggregate(
        overdue=Count("pk", filter=Q(next_review_on__lt=today)),
        due_soon=Count("pk", filter=Q(next_review_on__gte=today, next_review_on__lte=horizon)),
        open=Count("pk"),
    )


# --- The risks home page -----------------------------------------------------------------
def _visible_risks(user) -> QuerySet:
    return access.for_user(Risk.objects.all(), user)


def my_open_risks(user) -> QuerySet:
    """Open risks the user owns, highest score first."""
    return (
        _visible_risks(user)
        .filter(owner=user, status__in=open_statuses())
        .select_related(*REGISTER_RELATED)
        .order_by(F("current_score").desc(nulls_last=True), "next_review_on", "pk")
    )


def my_reviews_due(user, today: datetime.date, within_days: int = DUE_WITHIN_DAYS) -> QuerySet:
    """Open risks the user owns whose review is overdue or due within the window."""
    horizon = today + datetime.timedelta(days=within_days)
    return (
        _visible_risks(user)
        .filter(owner=user, status__in=open_statuses(), next_review_on__lte=horizon)
        .select_related(*REGISTER_RELATED)
        .order_by("next_review_on", F("current_score").desc(nulls_last=True), "pk")
    )


def escalated_to(user) -> QuerySet:
    """Open risks above appetite that were escalated to the user."""
    return (
        _visible_risks(user)
        .filter(escalated_to=user, status__in=open_statuses())
        .select_related("owner", *REGISTER_RELATED)
        .order_by(F("current_score").desc(nulls_last=True), "escalated_at", "pk")
    )


def my_open_actions(user) -> QuerySet:
    """Planned and in-progress actions the user owns, on risks or issues they can see."""
    risks = _visible_risks(user).order_by().values("pk")
    issues = access.for_user(Issue.objects.all(), user).order_by().values("pk")
    return (
        Action.objects.filter(
            owner=user, status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS]
        )
        .filter(Q(risk__in=risks) | Q(issue__in=issues))
        .select_related("risk", "issue")
        .order_by("due_date", "pk")
    )


@dataclass
class RegisterSummary:
    register: Register
    open: int = 0
    critical: int = 0

    @property
    def url(self) -> str:
        return self.register.url("register")


def _grouped_counts(qs: QuerySet, key, critical_from: int | None) -> dict[int, tuple[int, int]]:
    critical = (
        Count("pk", filter=Q(current_score__gte=critical_from))
        if critical_from is not None
        else Value(0, output_field=IntegerField())
    )
    rows = (
        qs.filter(status__in=open_statuses())
        .annotate(group=key)
        .order_by()
        .values("group")
        .annotate(open=Count("pk"), critical=critical)
    )
    return {row["group"]: (row["open"], row["critical"]) for row in rows}


def my_registers(user, matrix: scoring.MatrixSpec) -> list[RegisterSummary]:
    """The registers the user works with, with their open and critical risk counts.

    Projects they manage, sponsor or are on the team of (open ones); programs they manage;
    portfolios they own. PMO staff and executives get every active portfolio's register.
    Six queries whatever the number of registers and risks.
    """
    from projects.models import Portfolio, Program, Project

    projects = list(
        Project.objects.filter(policy.involvement_q(user))
        .exclude(status__in=["closed", "cancelled"])
        .order_by("code")
    )
    programs = list(Program.objects.filter(manager=user, is_archived=False).order_by("code"))
    portfolios = Portfolio.objects.filter(is_archived=False).order_by("code")
    if not user.has_role(roles.PMO, roles.EXECUTIVE):
        portfolios = portfolios.filter(owner=user)
    portfolios = list(portfolios)
    critical_from = matrix.bands[-1].min_score if matrix.bands else None
    summaries: list[RegisterSummary] = []
    if projects:
        counts = _grouped_counts(
            Risk.objects.filter(project__in=projects), F("project_id"), critical_from
        )
        summaries += [
            RegisterSummary(Register("project", p), *counts.get(p.pk, (0, 0))) for p in projects
        ]
    if programs:
        counts = _grouped_counts(
            Risk.objects.filter(Q(program__in=programs) | Q(project__program__in=programs)),
            Coalesce("program_id", "project__program_id"),
            critical_from,
        )
        summaries += [
            RegisterSummary(Register("program", p), *counts.get(p.pk, (0, 0))) for p in programs
        ]
    if portfolios:
        counts = _grouped_counts(
            Risk.objects.filter(
                Q(portfolio__in=portfolios)
                | Q(program__portfolio__in=portfolios)
                | Q(project__portfolio__in=portfolios)
            ),
            Coalesce("portfolio_id", "program__portfolio_id", "project__portfolio_id"),
            critical_from,
        )
        summaries += [
            RegisterSummary(Register("portfolio", p), *counts.get(p.pk, (0, 0))) for p in portfolios
        ]
    return summaries


# --- A risk's score over time ------------------------------------------------------------
def risk_history_rows(risk: Risk) -> list[dict]:
    """The risk's saved states, oldest first (one query)."""
    return list(
        Risk.history.model.objects.filter(id=risk.pk)
        .order_by("history_date", "history_id")
        .values(
            "history_date",
            "history_type",
            "status",
            "current_score",
            "last_reviewed_on",
            "history_change_reason",
        )
    )


# --- A register's exposure over time -----------------------------------------------------
def _history_q(register: Register) -> Q:
    """``register.rollup_q()`` for the history table (its foreign keys join the same way)."""
    return register.rollup_q()


def exposure_history(register: Register, until: datetime.datetime) -> list[tuple]:
    """Every saved state of the register's risks before ``until``, as plain rows (one query).

    Rows are ``(risk id, history_date, status, current_score, history_type)``, the input
    of ``risks.exposure.exposure_series``.
    """
    return list(
        Risk.history.model.objects.filter(_history_q(register), history_date__lt=until)
        .order_by("history_date", "history_id")
        .values_list("id", "history_date", "status", "current_score", "history_type")
    )


def exposure_trend(
    register: Register,
    matrix: scoring.MatrixSpec,
    today: datetime.date,
    weeks: int,
    tz: datetime.tzinfo,
) -> list[exposure.ExposurePoint]:
    samples = exposure.week_ends(today, weeks)
    until = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(), tz)
    rows = exposure_history(register, until)
    return exposure.exposure_series(rows, samples, matrix.bands, tz=tz)

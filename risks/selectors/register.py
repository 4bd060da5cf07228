"""Reads for the register pages: the rows of a register (with the registers below it),
its summary (open risks, bands, exposure, EMV, above appetite), one risk's page.

Query counts stay bounded whatever the number of risks: the summary is two aggregate
queries, the table one page of rows with their owner, category and register joined, and
"may this user change this row" one query for the whole page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from pmo.core import policy, roles
from risks import access, scoring
from risks.models import Risk, RiskAppetite, RiskKind, RiskStatus
from risks.registers import Register, register_of

# Joined on every row of a register table (owner, category, which register it is in).
ROW_RELATED = ("owner", "category", "project", "program", "portfolio", "escalated_to")

# Bootstrap classes for each status; the badge always shows the word.
STATUS_CLASSES = {
    RiskStatus.PROPOSED: "text-bg-light border",
    RiskStatus.IDENTIFIED: "text-bg-info",
    RiskStatus.ASSESSED: "text-bg-primary",
    RiskStatus.RESPONDING: "text-bg-warning",
    RiskStatus.MONITORING: "text-bg-success",
    RiskStatus.OCCURRED: "text-bg-danger",
    RiskStatus.CLOSED: "text-bg-dark",
    RiskStatus.REJECTED: "text-bg-secondary",
}


def open_q() -> Q:
    return Q(status__in=RiskStatus.open_values())


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (#rrggbb)."""
    try:
        r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    except (TypeError, ValueError):
        return "#000"
    # Relative luminance (ITU-R BT.709), good enough to pick black or white text.
    luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255
    return "#000" if luminance > 0.55 else "#fff"


@dataclass(frozen=True)
class BandBadge:
    """A score band as the templates draw it: its colour, with a readable text colour."""

    band: scoring.Band

    @property
    def code(self) -> str:
        return self.band.code

    @property
    def label(self) -> str:
        return self.band.label

    @property
    def colour(self) -> str:
        return self.band.colour

    @property
    def style(self) -> str:
        return f"background-color: {self.band.colour}; color: {text_colour(self.band.colour)}"


def band_badges(matrix: scoring.MatrixSpec) -> dict[str, BandBadge]:
    return {band.code: BandBadge(band) for band in matrix.bands}


def badge_for(score: int | None, matrix: scoring.MatrixSpec) -> BandBadge | None:
    band = matrix.band_for(score)
    return BandBadge(band) if band else None


# --- The register ------------------------------------------------------------------------
def portfolio_id_of(register: Register) -> int:
    if register.kind == "portfolio":
        return register.obj.pk
    return register.obj.portfolio_id


def appetite_of(register: Register) -> int | None:
    """The highest score the register's portfolio accepts without escalation (one query)."""
    return (
        RiskAppetite.objects.filter(portfolio_id=portfolio_id_of(register))
        .values_list("max_score", flat=True)
        .first()
    )


def register_risks(register: Register) -> QuerySet:
    """The risks of ``register`` and of every register below it, ready for the table."""
    return Risk.objects.filter(register.rollup_q()).select_related(*ROW_RELATED)


def band_q(band: scoring.Band) -> Q:
    return Q(current_score__gte=band.min_score, current_score__lte=band.max_score)


def above_appetite_q(appetite: int | None) -> Q:
    if appetite is None:
        return Q(pk__in=[])
    return Q(current_score__gt=appetite)


@dataclass
class BandCount:
    badge: BandBadge
    count: int


@dataclass
class RegisterSummary:
    open_count: int = 0
    unassessed: int = 0
    exposure: int = 0
    above_appetite: int = 0
    escalated: int = 0
    appetite: int | None = None
    bands: list[BandCount] = field(default_factory=list)
    emv: dict[str, Decimal] = field(default_factory=dict)
    total: int = 0


def register_summary(
    register: Register, *, matrix: scoring.MatrixSpec, appetite: int | None
) -> RegisterSummary:
    """The cards above the register: two queries, whatever the number of risks."""
    rows = Risk.objects.filter(register.rollup_q())
    is_open = open_q()
    aggregates = {
        "total": Count("pk"),
        "open_count": Count("pk", filter=is_open),
        "unassessed": Count("pk", filter=is_open & Q(current_score__isnull=True)),
        "exposure": Sum("current_score", filter=is_open),
        "above": Count("pk", filter=is_open & above_appetite_q(appetite)),
        "escalated": Count("pk", filter=is_open & Q(escalated_to__isnull=False)),
    }
    for index, band in enumerate(matrix.bands):
        aggregates[f"band_{index}"] = Count("pk", filter=is_open & band_q(band))
    values = rows.aggregate(**aggregates)
    summary = RegisterSummary(
        open_count=values["open_count"],
        unassessed=values["unassessed"],
        exposure=values["exposure"] or 0,
        above_appetite=values["above"],
        escalated=values["escalated"],
        appetite=appetite,
        total=values["total"],
        bands=[
            BandCount(BandBadge(band), values[f"band_{index}"])
            for index, band in enumerate(matrix.bands)
        ],
    )
    summary.emv = register_emv(rows.filter(is_open), matrix)
    return summary


def register_emv(rows: QuerySet, matrix: scoring.MatrixSpec) -> dict[str, Decimal]:
    """Expected monetary value per currency: probability midpoint x cost impact, summed.

    Summed in SQL per (current probability, currency, type), then multiplied by the
    level's midpoint: one query. Opportunities count negative.
    """
    groups = (
        rows.filter(cost_impact__isnull=False)
        .annotate(probability=Coalesce("residual_probability", "inherent_probability"))
        .filter(probability__isnull=False)
        .order_by()
        .values("probability", "currency", "kind")
        .annotate(total=Sum("cost_impact"))
    )
    return scoring.emv_totals(
        (
            scoring.expected_monetary_value(
                matrix.probability_fraction(g["probability"]),
                g["total"],
                opportunity=g["kind"] == RiskKind.OPPORTUNITY,
            ),
            g["currency"],
        )
        for g in groups
    )


def risk_emv(risk: Risk, matrix: scoring.MatrixSpec) -> Decimal | None:
    return scoring.expected_monetary_value(
        matrix.probability_fraction(risk.current_probability),
        risk.cost_impact,
        opportunity=risk.kind == RiskKind.OPPORTUNITY,
    )


def register_owners(register: Register):
    """People to filter the register by: whoever owns a risk in it (one query)."""
    from django.contrib.auth import get_user_model

    owners = Risk.objects.filter(register.rollup_q()).order_by().values("owner_id")
    return (
        get_user_model()
        .objects.filter(pk__in=owners)
        .order_by("last_name", "first_name", "username")
    )


# --- Who may change which row ------------------------------------------------------------
def manageable_checker(user, register: Register, rows, *, can_manage_here: bool):
    """A function ``row -> bool``: may ``user`` manage the register ``row`` is in?

    A program or portfolio register shows rows of the registers below it; whether the
    user manages each of those is answered for the whole page with at most one query.
    """
    if user.is_authenticated and user.has_role(roles.PMO):
        return lambda row: True
    project_ids = {r.project_id for r in rows if r.project_id}
    if register.kind == "project":
        editable = {register.obj.pk} if can_manage_here else set()
    elif project_ids:
        from projects.models import Project

        editable = set(
            policy.projects_for_user(
                Project.objects.filter(pk__in=project_ids), user, policy.CHANGE
            )
            .order_by()
            .values_list("pk", flat=True)
        )
    else:
        editable = set()

    def check(row) -> bool:
        if row.project_id:
            return row.project_id in editable
        if row.program_id:
            return row.program.manager_id == user.pk
        return row.portfolio.owner_id == user.pk

    return check


def decorate_rows(rows: list[Risk], *, user, register: Register, matrix, can_manage_here: bool):
    """Set on each row what the table shows: band badges, whether the user may change it."""
    check = manageable_checker(user, register, rows, can_manage_here=can_manage_here)
    for row in rows:
        decorate_row(row, user=user, matrix=matrix, can_manage=check(row))
    return rows


def decorate_row(row: Risk, *, user, matrix, can_manage: bool) -> Risk:
    row.register_url = register_of(row).url("register")
    row.inherent_badge = badge_for(row.inherent_score, matrix)
    row.current_badge = badge_for(row.current_score, matrix)
    row.status_class = STATUS_CLASSES.get(row.status, "text-bg-secondary")
    register_open = not (row.project_id and row.project.is_closed)
    row.can_manage = register_open and can_manage
    row.can_update = register_open and access.can_update(user, row, can_manage=can_manage)
    return row


# --- One risk ------------------------------------------------------------------------------
DETAIL_PREFETCH = (
    "actions__owner",
    "reviews__reviewed_by",
    "issues__owner",
    "tasks",
    "milestones",
)


def get_risk_detail(user, reference: str, action: str = access.VIEW) -> Risk:
    """One risk for its page: its register, people, links, actions, reviews and issues."""
    queryset = Risk.objects.select_related(
        "owner", "category", "escalated_to", "identified_in", "created_by"
    ).prefetch_related(*DETAIL_PREFETCH)
    return access.get_risk_for_user(user, reference, action, queryset=queryset)


def get_risk_row(user, reference: str, action: str = access.VIEW) -> Risk:
    """One risk with what its register row shows."""
    queryset = Risk.objects.select_related(*ROW_RELATED)
    return access.get_risk_for_user(user, reference, action, queryset=queryset)


def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-secondary")

"""Heat-map reads: counts per (probability, impact) cell, the top risks, the breakdown by register.

Only open risks count (``RiskStatus.open_values()``): proposed, closed, occurred and rejected
risks are not on the map. Every read here is an aggregate or a bounded slice, so the page
costs the same number of queries for 3 risks as for 2,000:

- :func:`register_heatmap`: one ``GROUP BY`` over the inherent and current cells (and the
  currency), from which both grids, the exposure and the EMV per currency are summed.
- :func:`top_risks`: one query, the first ``limit`` rows by current score then EMV.
- :func:`register_breakdown`: one ``GROUP BY`` register, band and currency, plus one count of
  the projects without open risks.
- :func:`cell_risks`: the risks of one cell, as a queryset for the caller to paginate.

Two bases: ``inherent`` (before any response) and ``residual``, which is the *current*
position: the residual assessment where one is recorded, otherwise the inherent one (a risk
whose response is not planned yet still sits where it was assessed, so both maps hold the
same risks and the eye sees only what the responses moved).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round
from django.urls import reverse

from risks import access, scoring
from risks.models import Risk, RiskKind, RiskStatus
from risks.registers import Register

INHERENT = "inherent"
RESIDUAL = "residual"
BASES = (INHERENT, RESIDUAL)
TOP_LIMIT = 10

MONEY = DecimalField(max_digits=20, decimal_places=2)
# The current position: residual where assessed, otherwise inherent (levels come in pairs).
CURRENT_P = Coalesce("residual_probability", "inherent_probability")
CURRENT_I = Coalesce("residual_impact", "inherent_impact")


def open_risks(register: Register, user) -> QuerySet:
    """Open risks of the register and of the registers below it that ``user`` may see."""
    qs = Risk.objects.filter(register.rollup_q(), status__in=RiskStatus.open_values())
    return access.for_user(qs, user)


def emv_expression(matrix: scoring.MatrixSpec):
    """SQL for ``scoring.expected_monetary_value`` of the current probability: the level's
    midpoint times the cost impact, rounded to cents, negative for opportunities."""
    whens = [
        When(
            Q(residual_probability=level.value)
            | Q(residual_probability__isnull=True, inherent_probability=level.value),
            then=Value(level.probability_midpoint),
        )
        for level in matrix.probability
        if level.probability_midpoint is not None
    ]
    if not whens:
        return Value(None, output_field=MONEY)
    fraction = Case(*whens, default=Value(None), output_field=MONEY)
    sign = Case(When(kind=RiskKind.OPPORTUNITY, then=Value(-1)), default=Value(1))
    return Round(ExpressionWrapper(fraction * F("cost_impact") * sign, output_field=MONEY), 2)


def band_expression(matrix: scoring.MatrixSpec):
    """SQL: the code of the band of the current score ('' when not assessed)."""
    whens = [
        When(current_score__gte=b.min_score, current_score__lte=b.max_score, then=Value(b.code))
        for b in matrix.bands
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def empty_grid() -> list[list[int]]:
    return [[0] * len(scoring.LEVELS) for _ in scoring.LEVELS]


@dataclass
class Heatmap:
    """Both grids (``grid[p - 1][i - 1]``) and the register's totals over its open risks."""

    inherent: list[list[int]] = field(default_factory=empty_grid)
    residual: list[list[int]] = field(default_factory=empty_grid)
    open_count: int = 0
    unassessed: int = 0  # open but not assessed yet: on neither grid
    exposure: int = 0  # sum of current scores
    emv: dict[str, Decimal] = field(default_factory=dict)  # per currency

    @property
    def assessed(self) -> int:
        return self.open_count - self.unassessed

    def grid(self, basis: str) -> list[list[int]]:
        return self.inherent if basis == INHERENT else self.residual


def heatmap_from_groups(groups) -> Heatmap:
    """Sum grouped rows ``{ip, ii, cp, ci, currency, n, emv}`` into a :class:`Heatmap` (pure)."""
    result = Heatmap()
    emv_rows = []
    for row in groups:
        n = row["n"]
        result.open_count += n
        ip, ii, cp, ci = row["ip"], row["ii"], row["cp"], row["ci"]
        if ip is None or ii is None:
            result.unassessed += n
        else:
            result.inherent[ip - 1][ii - 1] += n
        if cp is not None and ci is not None:
            result.residual[cp - 1][ci - 1] += n
            result.exposure += cp * ci * n
        emv_rows.append((row["emv"], row["currency"]))
    result.emv = scoring.emv_totals(emv_rows)
    return result


def register_heatmap(register: Register, user, matrix: scoring.MatrixSpec) -> Heatmap:
    """Counts per cell on both bases, exposure and EMV per currency: one query."""
    groups = (
        open_risks(register, user)
        .annotate(
            ip=F("inherent_probability"),
            ii=F("inherent_impact"),
            cp=CURRENT_P,
            ci=CURRENT_I,
            row_emv=emv_expression(matrix),
        )
        .order_by()
        .values("ip", "ii", "cp", "ci", "currency")
        .annotate(n=Count("pk"), emv=Sum("row_emv"))
    )
    return heatmap_from_groups(groups)


def top_risks(
    register: Register, user, matrix: scoring.MatrixSpec, limit: int = TOP_LIMIT
) -> list[Risk]:
    """The ``limit`` open risks with the highest current score, then the highest EMV: one
    query. Each row carries ``emv`` (Decimal or None) and ``band`` (scoring.Band or None)."""
    rows = list(
        open_risks(register, user)
        .filter(current_score__isnull=False)
        .annotate(emv=emv_expression(matrix))
        .select_related("owner", "project", "program", "portfolio")
        .order_by("-current_score", F("emv").desc(nulls_last=True), "reference")[:limit]
    )
    for risk in rows:
        risk.band = matrix.band_for(risk.current_score)
    return rows


def cell_risks(register: Register, user, basis: str, probability: int, impact: int) -> QuerySet:
    """The open risks in one cell of one basis, highest current score first."""
    scoring.check_level(probability)
    scoring.check_level(impact)
    if basis == INHERENT:
        where = Q(inherent_probability=probability, inherent_impact=impact)
    elif basis == RESIDUAL:
        where = Q(residual_probability=probability, residual_impact=impact) | Q(
            residual_probability__isnull=True,
            inherent_probability=probability,
            inherent_impact=impact,
        )
    else:
        raise ValueError(f"Unknown basis {basis!r}")
    return (
        open_risks(register, user)
        .filter(where)
        .select_related("owner", "project", "program", "portfolio")
        .order_by("-current_score", "reference")
    )


# --- Portfolio / program: one row per register below -------------------------------------
@dataclass
class BreakdownRow:
    kind: str  # project, program or portfolio
    code: str
    name: str
    bands: dict[str, int] = field(default_factory=dict)  # band code -> open risks
    unassessed: int = 0
    total: int = 0
    exposure: int = 0
    emv: dict[str, Decimal] = field(default_factory=dict)
    is_own: bool = False  # the register the page is about (its own risks)
    counts: list[int] = field(default_factory=list)  # per band, in the matrix's order

    @property
    def url(self) -> str:
        return reverse(f"risks:{self.kind}_heatmap", kwargs={"code": self.code})

    def band_counts(self, bands) -> list[int]:
        return [self.bands.get(b.code, 0) for b in bands]


@dataclass
class Breakdown:
    rows: list[BreakdownRow]
    totals: BreakdownRow
    quiet_projects: int  # projects in the scope the user sees with no open risk


def breakdown_from_groups(groups, *, own: Register) -> tuple[list[BreakdownRow], BreakdownRow]:
    """Rows per register from grouped rows (pure); ordered by exposure, then code."""
    rows: dict[tuple[str, str], BreakdownRow] = {}
    totals = BreakdownRow(kind=own.kind, code=own.code, name=str(own.name))
    emv_rows: dict[tuple[str, str], list] = {}
    for g in groups:
        for kind in ("project", "program", "portfolio"):
            if g[f"{kind}_id"] is not None:
                break
        key = (kind, g[f"{kind}__code"])
        row = rows.get(key)
        if row is None:
            row = rows[key] = BreakdownRow(
                kind=kind,
                code=g[f"{kind}__code"],
                name=g[f"{kind}__name"],
                is_own=(kind == own.kind and g[f"{kind}__code"] == own.code),
            )
        n = g["n"]
        for target in (row, totals):
            target.total += n
            target.exposure += g["exposure"] or 0
            if g["band"]:
                target.bands[g["band"]] = target.bands.get(g["band"], 0) + n
            else:
                target.unassessed += n
        emv_rows.setdefault(key, []).append((g["emv"], g["currency"]))
    all_emv = []
    for key, row in rows.items():
        row.emv = scoring.emv_totals(emv_rows[key])
        all_emv.extend(emv_rows[key])
    totals.emv = scoring.emv_totals(all_emv)
    ordered = sorted(rows.values(), key=lambda r: (not r.is_own, -r.exposure, r.code))
    return ordered, totals


def register_breakdown(register: Register, user, matrix: scoring.MatrixSpec) -> Breakdown:
    """For a program or portfolio: counts by band, exposure and EMV per currency for each
    register it rolls up (its own, its programs', its projects'). Two queries."""
    from pmo.core import policy
    from projects.models import Project

    groups = (
        open_risks(register, user)
        .annotate(band=band_expression(matrix), row_emv=emv_expression(matrix))
        .order_by()
        .values(
            "project_id",
            "project__code",
            "project__name",
            "program_id",
            "program__code",
            "program__name",
            "portfolio_id",
            "portfolio__code",
            "portfolio__name",
            "band",
            "currency",
        )
        .annotate(n=Count("pk"), exposure=Sum("current_score"), emv=Sum("row_emv"))
    )
    rows, totals = breakdown_from_groups(groups, own=register)
    for row in [*rows, totals]:
        row.counts = row.band_counts(matrix.bands)
    scope = (
        Project.objects.filter(program=register.obj)
        if register.kind == "program"
        else Project.objects.filter(portfolio=register.obj)
    )
    with_risks = sum(1 for r in rows if r.kind == "project")
    seen = policy.projects_for_user(scope, user).count()
    return Breakdown(rows=rows, totals=totals, quiet_projects=max(seen - with_risks, 0))

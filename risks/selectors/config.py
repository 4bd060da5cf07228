"""Reads for the PMO's risk standards: the matrix explained, categories, appetites."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404

from risks import scoring
from risks.models import (
    Axis,
    MatrixLevel,
    Risk,
    RiskAppetite,
    RiskCategory,
    RiskStatus,
    ScoreBand,
)
from risks.registers import Register
from risks.selectors.register import text_colour


@dataclass(frozen=True)
class GridCell:
    probability: int
    impact: int
    score: int
    band: scoring.Band | None

    @property
    def text_colour(self) -> str:
        return text_colour(self.band.colour) if self.band else "#000"


@dataclass(frozen=True)
class MatrixPage:
    probability: list[MatrixLevel]  # 1..5
    impact: list[MatrixLevel]  # 1..5
    bands: list[ScoreBand]  # by lowest score
    grid: list[tuple[MatrixLevel, list[GridCell]]]  # rows from probability 5 down to 1
    spec: scoring.MatrixSpec


def _spec(levels: list[MatrixLevel], bands: list[ScoreBand]) -> scoring.MatrixSpec:
    """The same MatrixSpec ``selectors.matrix.load_matrix`` builds, from rows already read."""

    def level(row: MatrixLevel) -> scoring.Level:
        return scoring.Level(
            value=row.value,
            label=row.label,
            description=row.description,
            probability_midpoint=row.probability_midpoint,
        )

    return scoring.MatrixSpec(
        probability=tuple(level(r) for r in levels if r.axis == Axis.PROBABILITY),
        impact=tuple(level(r) for r in levels if r.axis == Axis.IMPACT),
        bands=tuple(
            scoring.Band(
                code=b.code,
                label=b.label,
                min_score=b.min_score,
                max_score=b.max_score,
                colour=b.colour,
                review_every_days=b.review_every_days,
            )
            for b in bands
        ),
    )


def matrix_page() -> MatrixPage:
    """The matrix rows, the bands and the 5 x 5 grid of scores (two queries)."""
    levels = list(MatrixLevel.objects.order_by("axis", "value"))
    bands = list(ScoreBand.objects.order_by("min_score", "pk"))
    spec = _spec(levels, bands)
    probability = [lv for lv in levels if lv.axis == Axis.PROBABILITY]
    impact = [lv for lv in levels if lv.axis == Axis.IMPACT]
    grid = [
        (
            p,
            [
                GridCell(p.value, i.value, p.value * i.value, spec.band_for(p.value * i.value))
                for i in impact
            ],
        )
        for p in reversed(probability)
    ]
    return MatrixPage(probability=probability, impact=impact, bands=bands, grid=grid, spec=spec)


def matrix_rows() -> tuple[list[MatrixLevel], list[ScoreBand]]:
    """The rows the matrix form edits: levels (probability then impact) and bands."""
    levels = sorted(
        MatrixLevel.objects.all(),
        key=lambda lv: (0 if lv.axis == Axis.PROBABILITY else 1, lv.value),
    )
    return levels, list(ScoreBand.objects.order_by("min_score", "pk"))


def open_risks_by_band(spec: scoring.MatrixSpec) -> dict[str, int]:
    """How many open risks each band holds now (one query)."""
    counts: dict[str, int] = {}
    rows = (
        Risk.objects.filter(status__in=RiskStatus.open_values(), current_score__isnull=False)
        .values("current_score")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        band = spec.band_for(row["current_score"])
        if band is not None:
            counts[band.code] = counts.get(band.code, 0) + row["n"]
    return counts


# --- Categories ------------------------------------------------------------------------------
def categories_with_counts():
    """Every category with how many risks use it, open and in all (one query)."""
    return RiskCategory.objects.annotate(
        risk_count=Count("risks"),
        open_risk_count=Count("risks", filter=Q(risks__status__in=RiskStatus.open_values())),
    ).order_by("-is_active", "position", "name")


def get_category(pk: int) -> RiskCategory:
    category = RiskCategory.objects.filter(pk=pk).first()
    if category is None:
        raise Http404("No such category")
    return category


# --- Appetite --------------------------------------------------------------------------------
def appetite_of(portfolio) -> RiskAppetite | None:
    return RiskAppetite.objects.filter(portfolio=portfolio).first()


@dataclass(frozen=True)
class AppetiteSummary:
    open_risks: int
    above: int  # open risks scoring above the appetite
    escalated: int  # open risks escalated now


def appetite_summary(portfolio, max_score: int | None) -> AppetiteSummary:
    """The portfolio's open risks (its own, its programs', its projects') against appetite."""
    qs = Risk.objects.filter(
        Register("portfolio", portfolio).rollup_q(), status__in=RiskStatus.open_values()
    )
    above = Q(current_score__gt=max_score) if max_score is not None else Q(pk__in=[])
    totals = qs.aggregate(
        open_risks=Count("pk"),
        above=Count("pk", filter=above),
        escalated=Count("pk", filter=Q(escalated_to__isnull=False)),
    )
    return AppetiteSummary(**totals)


def escalated_risks(portfolio, limit: int = 50):
    """The portfolio's open risks above appetite, highest first, for the appetite page."""
    return (
        Risk.objects.filter(
            Register("portfolio", portfolio).rollup_q(),
            status__in=RiskStatus.open_values(),
            escalated_to__isnull=False,
        )
        .select_related("owner", "escalated_to", "project", "program", "portfolio")
        .order_by("-current_score", "reference")[:limit]
    )

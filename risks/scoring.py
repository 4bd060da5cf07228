"""Pure risk arithmetic on plain data: scores, bands, review dates, EMV and heat-map counts.

No database here: selectors load the matrix once (``MatrixSpec``) and pass it in, so the
rules are unit-tested without PostgreSQL and cost no query per risk.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

LEVELS = (1, 2, 3, 4, 5)
MAX_SCORE = 25


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min_score: int
    max_score: int
    colour: str
    review_every_days: int


@dataclass(frozen=True)
class Level:
    value: int
    label: str
    description: str = ""
    probability_midpoint: Decimal | None = None  # as a fraction, probability levels only


@dataclass(frozen=True)
class MatrixSpec:
    probability: tuple[Level, ...]  # value 1..5, in order
    impact: tuple[Level, ...]
    bands: tuple[Band, ...]  # ordered by min_score, covering 1..25 without gaps

    def band_for(self, score: int | None) -> Band | None:
        return band_for(score, self.bands)

    def probability_label(self, value: int | None) -> str:
        return _label(self.probability, value)

    def impact_label(self, value: int | None) -> str:
        return _label(self.impact, value)

    def probability_fraction(self, value: int | None) -> Decimal | None:
        for level in self.probability:
            if level.value == value:
                return level.probability_midpoint
        return None


def _label(levels: Iterable[Level], value: int | None) -> str:
    for level in levels:
        if level.value == value:
            return level.label
    return ""


def check_level(value) -> int:
    """A level on the 5 x 5 matrix, or ValueError."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
        raise ValueError(f"Level {value!r} is outside the matrix (1-5)")
    return value


def score(probability: int, impact: int) -> int:
    return check_level(probability) * check_level(impact)


def band_for(score_value: int | None, bands: Iterable[Band]) -> Band | None:
    if score_value is None:
        return None
    for band in bands:
        if band.min_score <= score_value <= band.max_score:
            return band
    return None


def band_problems(bands: Iterable[tuple[int, int]]) -> list[str]:
    """What is wrong with a set of (min, max) score ranges: gaps, overlaps, out of 1..25.

    Returns human-readable problems (empty when the bands cover 1..25 exactly once).
    """
    ranges = sorted(bands)
    problems = []
    expected = 1
    for lo, hi in ranges:
        if lo > hi:
            problems.append(f"{lo}-{hi} is reversed")
            continue
        if lo > expected:
            problems.append(f"scores {expected}-{lo - 1} have no band")
        elif lo < expected:
            problems.append(f"scores {lo}-{min(hi, expected - 1)} are in two bands")
        expected = max(expected, hi + 1)
    if expected <= MAX_SCORE:
        problems.append(f"scores {expected}-{MAX_SCORE} have no band")
    if ranges and (ranges[0][0] < 1 or ranges[-1][1] > MAX_SCORE):
        problems.append(f"bands must lie within 1-{MAX_SCORE}")
    return problems


def next_review_date(
    last: datetime.date, score_value: int | None, bands: Iterable[Band]
) -> datetime.date | None:
    """When a risk is next due for review: its band's cadence after the last review."""
    band = band_for(score_value, bands)
    if band is None:
        return None
    return last + datetime.timedelta(days=band.review_every_days)


def is_due_for_review(next_review: datetime.date | None, today: datetime.date) -> bool:
    return next_review is not None and next_review <= today


def expected_monetary_value(
    probability_fraction: Decimal | None, cost_impact: Decimal | None, *, opportunity=False
) -> Decimal | None:
    """Probability x cost impact; opportunities count negative (they reduce exposure)."""
    if probability_fraction is None or cost_impact is None:
        return None
    value = (Decimal(probability_fraction) * Decimal(cost_impact)).quantize(Decimal("0.01"))
    return -value if opportunity else value


def emv_totals(rows: Iterable[tuple[Decimal | None, str]]) -> dict[str, Decimal]:
    """Sum EMV per currency: amounts in different currencies are never added together."""
    totals: dict[str, Decimal] = {}
    for value, currency in rows:
        if value is None:
            continue
        totals[currency] = totals.get(currency, Decimal("0")) + value
    return dict(sorted(totals.items()))


def heat_counts(cells: Iterable[tuple[int | None, int | None]]) -> list[list[int]]:
    """Counts per cell: ``grid[p - 1][i - 1]``. Unassessed rows (None) are skipped."""
    counter = Counter((p, i) for p, i in cells if p is not None and i is not None)
    return [[counter.get((p, i), 0) for i in LEVELS] for p in LEVELS]


def exposure(scores: Iterable[int | None]) -> int:
    """A register's total exposure: the sum of its open risks' current scores."""
    return sum(s for s in scores if s)

"""Budget arithmetic: totals, variance, forecast and cumulative burn, on plain Decimals.

Pure functions on plain data (no database), so that the numbers a page shows can be
checked by hand. Money is ``Decimal``: a float handed to these functions is refused,
and amounts of different currencies are never added together (every total is per
currency).

Definitions, for one line, one category or one currency of a project:

- **Planned**: the budget approved for the months.
- **Committed**: money promised under a contract or purchase order that has not been
  booked as actual yet (an open commitment). It does not include the actual.
- **Actual**: money spent (invoiced or booked).
- **Remaining** = planned − actual: the budget left; negative when overspent.
- **To date** means the months up to and including the *as-of month*, the last complete
  month (actuals of the current month are still coming in).
- **Variance to date** = planned to date − actual to date; positive is under plan,
  negative over plan. **Variance %** = variance to date ÷ planned to date × 100, shown
  to one decimal; there is none when nothing was planned to date.
- **Forecast at completion**: for each month up to the as-of month, actual + committed
  (what was spent plus what is still owed); for each later month, the larger of the plan
  and what is already spent or committed. Summed over the months.
- **Variance at completion** = planned − forecast at completion; negative means the
  forecast is over budget.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def money(value) -> Decimal:
    """A Decimal amount; ints and numeric strings are converted exactly, floats refused."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | str) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"Money must be Decimal, not {type(value).__name__}: {value!r}")


# --- Months ------------------------------------------------------------------------------
def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + (month.month - 1) + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(start: datetime.date, finish: datetime.date) -> list[datetime.date]:
    """First days of every month from ``start``'s month to ``finish``'s month, inclusive."""
    first, last = month_start(start), month_start(finish)
    months = []
    while first <= last:
        months.append(first)
        first = add_months(first, 1)
    return months


def as_of_month(today: datetime.date) -> datetime.date:
    """The last complete month on ``today``: the month before the current one."""
    return add_months(month_start(today), -1)


# --- Amounts and totals ------------------------------------------------------------------
@dataclass(frozen=True)
class Amounts:
    """Planned, committed and actual money of one month (or of several, added up)."""

    planned: Decimal = ZERO
    committed: Decimal = ZERO
    actual: Decimal = ZERO

    def __post_init__(self):
        for name in ("planned", "committed", "actual"):
            object.__setattr__(self, name, money(getattr(self, name)))

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(
            self.planned + other.planned,
            self.committed + other.committed,
            self.actual + other.actual,
        )

    @property
    def spent_or_committed(self) -> Decimal:
        return self.actual + self.committed

    @property
    def is_zero(self) -> bool:
        return not (self.planned or self.committed or self.actual)


def month_forecast(month: datetime.date, amounts: Amounts, as_of: datetime.date) -> Decimal:
    """One month's share of the forecast at completion (see the module docstring)."""
    if month <= as_of:
        return amounts.spent_or_committed
    return max(amounts.planned, amounts.spent_or_committed)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal (half up), or None if whole is 0."""
    if not whole:
        return None
    return (part * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    planned: Decimal = ZERO
    committed: Decimal = ZERO
    actual: Decimal = ZERO
    planned_to_date: Decimal = ZERO
    actual_to_date: Decimal = ZERO
    forecast: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.actual

    @property
    def variance_to_date(self) -> Decimal:
        return self.planned_to_date - self.actual_to_date

    @property
    def variance_percent(self) -> Decimal | None:
        return percent(self.variance_to_date, self.planned_to_date)

    @property
    def variance_at_completion(self) -> Decimal:
        return self.planned - self.forecast

    @property
    def spent_or_committed(self) -> Decimal:
        return self.actual + self.committed

    @property
    def is_over_budget(self) -> bool:
        return self.forecast > self.planned

    @property
    def forecast_overrun(self) -> Decimal:
        """How far the forecast goes over the plan (zero when within it)."""
        return max(self.forecast - self.planned, ZERO)

    @property
    def is_empty(self) -> bool:
        return not (self.planned or self.committed or self.actual)

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.planned + other.planned,
            self.committed + other.committed,
            self.actual + other.actual,
            self.planned_to_date + other.planned_to_date,
            self.actual_to_date + other.actual_to_date,
            self.forecast + other.forecast,
        )


def totals(months: Iterable[tuple[datetime.date, Amounts]], as_of: datetime.date) -> Totals:
    """Totals of ``(month, amounts)`` pairs, all in ONE currency, as of ``as_of``."""
    planned = committed = actual = planned_to_date = actual_to_date = forecast = ZERO
    for month, amounts in months:
        planned += amounts.planned
        committed += amounts.committed
        actual += amounts.actual
        if month <= as_of:
            planned_to_date += amounts.planned
            actual_to_date += amounts.actual
        forecast += month_forecast(month, amounts, as_of)
    return Totals(planned, committed, actual, planned_to_date, actual_to_date, forecast)


@dataclass(frozen=True)
class Row:
    """One month of one budget line, as plain data."""

    line: object  # any hashable key for the line (its id)
    category: str
    currency: str
    month: datetime.date
    amounts: Amounts


def totals_by_currency(rows: Iterable[Row], as_of: datetime.date) -> dict[str, Totals]:
    """One ``Totals`` per currency, currencies in alphabetical order; never mixed."""
    grouped: dict[str, list[tuple[datetime.date, Amounts]]] = {}
    for row in rows:
        grouped.setdefault(row.currency, []).append((row.month, row.amounts))
    return {currency: totals(grouped[currency], as_of) for currency in sorted(grouped)}


def totals_by_category(
    rows: Iterable[Row], categories: Iterable[str], as_of: datetime.date
) -> dict[str, dict[str, Totals]]:
    """currency -> category -> ``Totals``, every category present (empty ones are zero)."""
    wanted = list(categories)
    grouped: dict[str, dict[str, list]] = {}
    for row in rows:
        per_category = grouped.setdefault(row.currency, {c: [] for c in wanted})
        per_category.setdefault(row.category, []).append((row.month, row.amounts))
    return {
        currency: {category: totals(items, as_of) for category, items in grouped[currency].items()}
        for currency in sorted(grouped)
    }


def totals_by_line(rows: Iterable[Row], as_of: datetime.date) -> dict[object, Totals]:
    grouped: dict[object, list] = {}
    for row in rows:
        grouped.setdefault(row.line, []).append((row.month, row.amounts))
    return {line: totals(items, as_of) for line, items in grouped.items()}


# --- Burn (cumulative by month) ----------------------------------------------------------
@dataclass(frozen=True)
class BurnPoint:
    month: datetime.date
    planned: Decimal
    committed: Decimal
    actual: Decimal
    cumulative_planned: Decimal
    # None after the last month with spending data (a chart leaves a gap, not a flat line).
    cumulative_actual: Decimal | None
    cumulative_spent_or_committed: Decimal | None

    @property
    def variance(self) -> Decimal:
        """The month's planned − actual."""
        return self.planned - self.actual

    @property
    def cumulative_variance(self) -> Decimal | None:
        if self.cumulative_actual is None:
            return None
        return self.cumulative_planned - self.cumulative_actual


def monthly_sums(
    months: Iterable[tuple[datetime.date, Amounts]],
) -> dict[datetime.date, Amounts]:
    """Amounts added up per month (one currency)."""
    sums: dict[datetime.date, Amounts] = {}
    for month, amounts in months:
        sums[month] = sums.get(month, Amounts()) + amounts
    return sums


def burn(
    by_month: dict[datetime.date, Amounts],
    months: Iterable[datetime.date],
    as_of: datetime.date,
) -> list[BurnPoint]:
    """Cumulative planned, actual and actual + committed over ``months`` (one currency).

    Months in ``by_month`` but not in ``months`` are added in order, so no money is left
    out of the curve. The actual runs up to the later of ``as_of`` and the last month with
    any actual money; actual + committed up to the later of ``as_of`` and the last month
    with any actual or committed money (orders placed for coming months).
    """
    timeline = sorted(set(months) | set(by_month))
    actual_until = max([as_of, *(m for m, a in by_month.items() if a.actual)])
    spent_until = max([as_of, *(m for m, a in by_month.items() if a.actual or a.committed)])
    points = []
    cum_planned = cum_actual = cum_spent = ZERO
    for month in timeline:
        amounts = by_month.get(month, Amounts())
        cum_planned += amounts.planned
        cum_actual += amounts.actual
        cum_spent += amounts.spent_or_committed
        points.append(
            BurnPoint(
                month=month,
                planned=amounts.planned,
                committed=amounts.committed,
                actual=amounts.actual,
                cumulative_planned=cum_planned,
                cumulative_actual=cum_actual if month <= actual_until else None,
                cumulative_spent_or_committed=cum_spent if month <= spent_until else None,
            )
        )
    return points

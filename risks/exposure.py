"""A register's exposure over time, rebuilt from the risks' history rows (pure, no database).

The selector reads the history table once (``Risk.history.model``: one row per save, with
the risk's id, when, its status, its current score and ``+``/``~``/``-``) and this module
replays it: at the end of each sample day it knows each risk's last state, and adds up the
current scores of the open ones (the exposure) and counts them by score band.

Replaying is one pass over the rows in time order, keeping running totals, so 2,000 risks
with years of history over 52 samples stay fast.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from risks import scoring

OPEN_STATUSES = frozenset({"identified", "assessed", "responding", "monitoring"})
DELETED = "-"
UNSCORED = ""  # the "band" of open risks nobody has assessed yet


@dataclass(frozen=True)
class HistoryRow:
    """One saved state of a risk, as the history table holds it."""

    risk_id: int
    history_date: datetime.datetime  # aware
    status: str
    current_score: int | None
    history_type: str  # "+" created, "~" changed, "-" deleted


@dataclass
class ExposurePoint:
    """The register at the end of one sample day."""

    date: datetime.date
    exposure: int = 0  # sum of the open risks' current scores
    open_count: int = 0
    by_band: dict[str, int] = field(default_factory=dict)  # band code -> open risks

    @property
    def unscored(self) -> int:
        return self.by_band.get(UNSCORED, 0)


def week_ends(today: datetime.date, weeks: int) -> list[datetime.date]:
    """The last day (Sunday) of each of the last ``weeks`` weeks, oldest first.

    The current week is the last one and ends today when it is not over yet.
    """
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    this_sunday = today + datetime.timedelta(days=6 - today.weekday())
    ends = [this_sunday - datetime.timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    return [min(end, today) for end in ends]


def _cutoff(day: datetime.date, tz: datetime.tzinfo) -> datetime.datetime:
    """The first instant after ``day`` in ``tz``: rows before it count for that day."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tz)


def _contribution(row, bands) -> tuple[int, str] | None:
    """(score, band code) an open risk adds to the totals, or None if it adds nothing."""
    if row is None or row.history_type == DELETED or row.status not in OPEN_STATUSES:
        return None
    band = scoring.band_for(row.current_score, bands)
    return (row.current_score or 0, band.code if band else UNSCORED)


def exposure_series(
    rows: Iterable[HistoryRow | tuple],
    samples: Sequence[datetime.date],
    bands: Sequence[scoring.Band],
    *,
    tz: datetime.tzinfo = datetime.UTC,
) -> list[ExposurePoint]:
    """The exposure and the open risks by band at the end of each sample day.

    ``rows`` are history rows (or ``(risk_id, history_date, status, current_score,
    history_type)`` tuples) in any order; ``samples`` are dates in ascending order, read
    as the end of that day in ``tz``. Every band code appears in each point's ``by_band``
    (zero when empty); open risks without a score count under ``UNSCORED``.
    """
    ordered = sorted(
        (r if isinstance(r, HistoryRow) else HistoryRow(*r) for r in rows),
        key=lambda r: r.history_date,
    )
    if list(samples) != sorted(samples):
        raise ValueError("samples must be in ascending order")
    latest: dict[int, HistoryRow] = {}
    exposure = 0
    counts: dict[str, int] = {band.code: 0 for band in bands}
    counts[UNSCORED] = 0
    points = []
    position = 0
    for day in samples:
        cutoff = _cutoff(day, tz)
        while position < len(ordered) and ordered[position].history_date < cutoff:
            row = ordered[position]
            position += 1
            before = _contribution(latest.get(row.risk_id), bands)
            after = _contribution(row, bands)
            if before is not None:
                exposure -= before[0]
                counts[before[1]] = counts.get(before[1], 0) - 1
            if after is not None:
                exposure += after[0]
                counts[after[1]] = counts.get(after[1], 0) + 1
            latest[row.risk_id] = row
        points.append(
            ExposurePoint(
                date=day,
                exposure=exposure,
                open_count=sum(counts.values()),
                by_band=dict(counts),
            )
        )
    return points

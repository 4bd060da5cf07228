"""A register's exposure over time, replayed from hand-made history rows (no database)."""

import datetime
import zoneinfo

import pytest

from risks import scoring
from risks.exposure import UNSCORED, HistoryRow, exposure_series, week_ends

UTC = datetime.UTC
BANDS = (
    scoring.Band("low", "Low", 1, 4, "#198754", 90),
    scoring.Band("medium", "Medium", 5, 9, "#ffc107", 30),
    scoring.Band("high", "High", 10, 15, "#fd7e14", 14),
    scoring.Band("critical", "Critical", 16, 25, "#dc3545", 7),
)


def at(day: int, hour: int = 12, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, tzinfo=UTC)


def d(day: int, month: int = 3) -> datetime.date:
    return datetime.date(2026, month, day)


# Risk 1 lives its whole life in March: created (6), raised (16), mitigated (8), closed, deleted.
# Risk 2 is created unassessed, assessed at 3, and stays open.
HISTORY = [
    HistoryRow(1, at(2), "assessed", 6, "+"),
    HistoryRow(1, at(5), "assessed", 16, "~"),
    HistoryRow(1, at(10), "responding", 8, "~"),
    HistoryRow(1, at(20), "closed", 8, "~"),
    HistoryRow(1, at(25), "closed", 8, "-"),
    HistoryRow(2, at(3), "identified", None, "+"),
    HistoryRow(2, at(12), "assessed", 3, "~"),
]


def series(samples, rows=HISTORY, **kwargs):
    return {p.date: p for p in exposure_series(rows, samples, BANDS, **kwargs)}


def test_before_anything_happened_the_register_is_empty():
    point = series([d(1)])[d(1)]
    assert point.exposure == 0 and point.open_count == 0
    assert point.by_band == {"low": 0, "medium": 0, "high": 0, "critical": 0, UNSCORED: 0}


def test_created_risk_counts_from_the_end_of_its_day():
    points = series([d(2), d(3), d(4)])
    assert points[d(2)].exposure == 6 and points[d(2)].by_band["medium"] == 1
    # Risk 2 is open but not assessed: counted as unscored, adds nothing to exposure.
    assert points[d(3)].exposure == 6
    assert points[d(3)].open_count == 2 and points[d(3)].unscored == 1


def test_raised_mitigated_closed_and_deleted():
    points = series([d(5), d(10), d(12), d(20), d(25)])
    raised = points[d(5)]
    assert raised.exposure == 16 and raised.by_band["critical"] == 1
    assert raised.by_band["medium"] == 0
    mitigated = points[d(10)]
    assert mitigated.exposure == 8 and mitigated.by_band["medium"] == 1
    assert mitigated.by_band["critical"] == 0
    assessed = points[d(12)]
    assert assessed.exposure == 11 and assessed.by_band["low"] == 1 and assessed.unscored == 0
    closed = points[d(20)]
    assert closed.exposure == 3 and closed.open_count == 1 and closed.by_band["medium"] == 0
    deleted = points[d(25)]
    assert deleted.exposure == 3 and deleted.open_count == 1


def test_rows_in_any_order_and_as_plain_tuples():
    shuffled = [tuple(vars(r).values()) for r in reversed(HISTORY)]
    assert [p.exposure for p in exposure_series(shuffled, [d(5), d(12), d(31)], BANDS)] == [
        16,
        11,
        3,
    ]


def test_a_change_late_in_the_day_counts_for_that_day_in_the_users_time_zone():
    # 23:30 in Shanghai on 9 March is 15:30 UTC: it belongs to 9 March there.
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    rows = [
        HistoryRow(7, datetime.datetime(2026, 3, 9, 23, 30, tzinfo=shanghai), "assessed", 9, "+")
    ]
    assert series([d(9)], rows, tz=shanghai)[d(9)].exposure == 9
    # 00:30 on 10 March in Shanghai is still 9 March in UTC, but not in Shanghai.
    late = [
        HistoryRow(7, datetime.datetime(2026, 3, 10, 0, 30, tzinfo=shanghai), "assessed", 9, "+")
    ]
    assert series([d(9)], late, tz=shanghai)[d(9)].exposure == 0
    assert series([d(9)], late)[d(9)].exposure == 9


def test_proposed_occurred_and_rejected_risks_are_not_exposure():
    rows = [
        HistoryRow(1, at(1), "proposed", 20, "+"),
        HistoryRow(2, at(1), "occurred", 20, "+"),
        HistoryRow(3, at(1), "rejected", 20, "+"),
        HistoryRow(4, at(1), "monitoring", 20, "+"),
    ]
    point = series([d(2)], rows)[d(2)]
    assert point.exposure == 20 and point.open_count == 1


def test_custom_bands_count_by_their_codes():
    bands = (
        scoring.Band("green", "Green", 1, 10, "#00ff00", 60),
        scoring.Band("red", "Red", 11, 25, "#ff0000", 5),
    )
    points = exposure_series(HISTORY, [d(5), d(12)], bands)
    assert points[0].by_band == {"green": 0, "red": 1, UNSCORED: 1}
    assert points[1].by_band == {"green": 2, "red": 0, UNSCORED: 0}


def test_samples_must_ascend():
    with pytest.raises(ValueError):
        exposure_series(HISTORY, [d(5), d(2)], BANDS)


def test_week_ends_are_sundays_and_the_last_is_today():
    wednesday = datetime.date(2026, 3, 11)
    ends = week_ends(wednesday, 4)
    assert ends == [d(22, 2), d(1), d(8), d(11)]
    assert all(e.weekday() == 6 for e in ends[:-1])
    sunday = datetime.date(2026, 3, 15)
    assert week_ends(sunday, 2) == [d(8), d(15)]
    assert len(week_ends(wednesday, 52)) == 52
    with pytest.raises(ValueError):
        week_ends(wednesday, 0)


def test_many_risks_replay_in_one_pass():
    rows = []
    for risk_id in range(2000):
        rows.append(HistoryRow(risk_id, at(1 + risk_id % 20), "assessed", 1 + risk_id % 25, "+"))
        if risk_id % 2:
            rows.append(HistoryRow(risk_id, at(25), "closed", 1 + risk_id % 25, "~"))
    points = exposure_series(rows, [d(day) for day in range(1, 32)], BANDS)
    assert points[21].open_count == 2000
    assert points[-1].open_count == 1000
    expected = sum(1 + i % 25 for i in range(0, 2000, 2))
    assert points[-1].exposure == expected

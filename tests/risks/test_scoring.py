"""Scoring, banding, review cadence, EMV and heat-map counts on plain data."""

import datetime
from decimal import Decimal

import pytest

from risks import scoring
from risks.scoring import Band, Level, MatrixSpec

# A custom matrix unlike the default: five narrow bands with their own cadences.
CUSTOM_BANDS = (
    Band("minimal", "Minimal", 1, 2, "#00ff00", 180),
    Band("low", "Low", 3, 6, "#88ff00", 60),
    Band("medium", "Medium", 7, 11, "#ffff00", 21),
    Band("high", "High", 12, 19, "#ff8800", 10),
    Band("extreme", "Extreme", 20, 25, "#ff0000", 3),
)
CUSTOM = MatrixSpec(
    probability=tuple(
        Level(v, f"P{v}", probability_midpoint=Decimal(m))
        for v, m in zip(range(1, 6), ["0.02", "0.1", "0.3", "0.6", "0.9"], strict=True)
    ),
    impact=tuple(Level(v, f"I{v}") for v in range(1, 6)),
    bands=CUSTOM_BANDS,
)


@pytest.mark.parametrize(
    ("p", "i", "score", "band"),
    [
        (1, 1, 1, "minimal"),
        (1, 2, 2, "minimal"),
        (1, 3, 3, "low"),
        (2, 3, 6, "low"),
        (1, 7 // 7 * 5, 5, "low"),
        (2, 4, 8, "medium"),
        (3, 4, 12, "high"),
        (4, 4, 16, "high"),
        (4, 5, 20, "extreme"),
        (5, 5, 25, "extreme"),
    ],
)
def test_score_is_probability_times_impact_and_banded_by_the_custom_matrix(p, i, score, band):
    assert scoring.score(p, i) == score
    assert CUSTOM.band_for(score).code == band


@pytest.mark.parametrize("bad", [0, 6, -1, None, 2.5, True, "3"])
def test_levels_outside_the_matrix_are_refused(bad):
    with pytest.raises(ValueError, match="outside the matrix"):
        scoring.score(bad, 3)


def test_unscored_risk_has_no_band():
    assert CUSTOM.band_for(None) is None


def test_band_problems_reports_gaps_overlaps_and_range():
    assert scoring.band_problems([(b.min_score, b.max_score) for b in CUSTOM_BANDS]) == []
    assert scoring.band_problems([(1, 4), (6, 25)]) == ["scores 5-5 have no band"]
    assert scoring.band_problems([(1, 10), (8, 25)]) == ["scores 8-10 are in two bands"]
    assert scoring.band_problems([(1, 20)]) == ["scores 21-25 have no band"]
    assert "bands must lie within 1-25" in scoring.band_problems([(1, 10), (11, 30)])


def test_review_cadence_follows_the_band():
    last = datetime.date(2026, 11, 2)
    assert scoring.next_review_date(last, 25, CUSTOM_BANDS) == datetime.date(2026, 11, 5)
    assert scoring.next_review_date(last, 12, CUSTOM_BANDS) == datetime.date(2026, 11, 12)
    assert scoring.next_review_date(last, 8, CUSTOM_BANDS) == datetime.date(2026, 11, 23)
    assert scoring.next_review_date(last, 1, CUSTOM_BANDS) == datetime.date(2027, 5, 1)
    assert scoring.next_review_date(last, None, CUSTOM_BANDS) is None


def test_due_for_review_on_and_after_the_due_date():
    due = datetime.date(2026, 11, 10)
    assert not scoring.is_due_for_review(due, datetime.date(2026, 11, 9))
    assert scoring.is_due_for_review(due, datetime.date(2026, 11, 10))
    assert scoring.is_due_for_review(due, datetime.date(2026, 12, 1))
    assert not scoring.is_due_for_review(None, datetime.date(2026, 12, 1))


def test_expected_monetary_value_and_totals_per_currency():
    fraction = CUSTOM.probability_fraction(4)  # 60 %
    assert scoring.expected_monetary_value(fraction, Decimal("250000")) == Decimal("150000.00")
    assert scoring.expected_monetary_value(fraction, Decimal("1000"), opportunity=True) == Decimal(
        "-600.00"
    )
    assert scoring.expected_monetary_value(None, Decimal("1000")) is None
    assert scoring.expected_monetary_value(fraction, None) is None
    totals = scoring.emv_totals(
        [(Decimal("10"), "EUR"), (None, "EUR"), (Decimal("5.5"), "GBP"), (Decimal("1"), "EUR")]
    )
    assert totals == {"EUR": Decimal("11"), "GBP": Decimal("5.5")}


def test_heat_counts_against_a_hand_made_register():
    cells = [(3, 4), (3, 4), (5, 5), (1, 1), (None, None), (2, 5)]
    grid = scoring.heat_counts(cells)
    assert grid[2][3] == 2  # P3 x I4
    assert grid[4][4] == 1
    assert grid[0][0] == 1
    assert grid[1][4] == 1
    assert sum(map(sum, grid)) == 5  # the unassessed risk is not counted


def test_exposure_sums_scores_and_skips_unassessed():
    assert scoring.exposure([12, None, 4, 25]) == 41

"""The burn chart builder (projects/charts/budget.py): plain data in, JSON-safe figure out."""

import datetime
import json
from decimal import Decimal as D

from projects import budget_math as bm
from projects.charts.budget import burn_figure

JAN, FEB, MAR, APR = (datetime.date(2026, m, 1) for m in (1, 2, 3, 4))


def _points(actual_feb="130.00"):
    by_month = {
        JAN: bm.Amounts(D("100.10"), D("0"), D("80.05")),
        FEB: bm.Amounts(D("100.00"), D("10.00"), D(actual_feb)),
        MAR: bm.Amounts(D("100.00"), D("40.00")),
    }
    return bm.burn(by_month, [JAN, FEB, MAR, APR], as_of=FEB)


def _trace(figure, name):
    return next(t for t in figure["data"] if t["name"] == name)


def test_figure_is_json_with_iso_months_and_float_amounts():
    figure = burn_figure(_points(), currency="CNY", as_of=FEB)
    text = json.dumps(figure)  # no Decimal, no date left
    assert "Decimal" not in text
    planned = _trace(figure, "Planned, cumulative")
    assert planned["x"] == ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"]
    assert planned["y"] == [100.1, 200.1, 300.1, 300.1]
    assert figure["layout"]["yaxis"]["title"]["text"] == "Cumulative (CNY)"


def test_actual_stops_at_the_as_of_month_and_commitments_run_on():
    figure = burn_figure(_points(), currency="CNY", as_of=FEB)
    actual = _trace(figure, "Actual, cumulative")
    assert actual["x"] == ["2026-01-01", "2026-02-01"]
    assert actual["y"] == [80.05, 210.05]
    ordered = _trace(figure, "Actual + committed, cumulative")
    assert ordered["x"] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert ordered["y"] == [80.05, 220.05, 260.05]


def test_actual_is_red_when_over_plan_and_green_when_not():
    over = _trace(burn_figure(_points("130.00"), currency="CNY"), "Actual, cumulative")
    under = _trace(burn_figure(_points("90.00"), currency="CNY"), "Actual, cumulative")
    assert over["line"]["color"] != under["line"]["color"]
    assert under["line"]["color"] == "#198754" and over["line"]["color"] == "#dc3545"


def test_the_to_date_line_sits_at_the_end_of_the_as_of_month():
    figure = burn_figure(_points(), currency="EUR", as_of=FEB)
    (shape,) = figure["layout"]["shapes"]
    assert shape["x0"] == "2026-02-28"
    assert "February 2026" in figure["layout"]["annotations"][0]["text"]
    assert burn_figure(_points(), currency="EUR", as_of=None)["layout"].get("shapes") in (None, [])

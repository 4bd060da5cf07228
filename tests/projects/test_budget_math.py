"""Known answers for the pure budget arithmetic (projects/budget_math.py): no database."""

import datetime
from decimal import Decimal as D

import pytest

from projects import budget_math as bm
from projects.budget_math import Amounts, Row

JAN, FEB, MAR, APR = (datetime.date(2026, m, 1) for m in (1, 2, 3, 4))


def test_zero_point_one_plus_zero_point_two_is_exactly_zero_point_three():
    total = bm.totals([(JAN, Amounts(D("0.1"))), (FEB, Amounts(D("0.2")))], as_of=FEB)
    assert total.planned == D("0.3")
    assert str(total.planned) == "0.30"  # exact, in cents: no 0.30000000000000004
    assert 0.1 + 0.2 != 0.3  # what floats would have given


def test_a_float_is_refused_as_money():
    with pytest.raises(TypeError):
        Amounts(planned=0.1)
    with pytest.raises(TypeError):
        bm.money(True)


def test_ints_and_strings_become_exact_decimals():
    assert Amounts(5, "0.10", D("1")).committed == D("0.10")


def test_months_between_spans_partial_months_and_year_ends():
    months = bm.months_between(datetime.date(2025, 11, 20), datetime.date(2026, 2, 3))
    assert months == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]
    assert bm.months_between(datetime.date(2026, 5, 31), datetime.date(2026, 4, 30)) == []


def test_add_months_crosses_years_both_ways():
    assert bm.add_months(datetime.date(2026, 12, 1), 1) == datetime.date(2027, 1, 1)
    assert bm.add_months(datetime.date(2026, 1, 1), -1) == datetime.date(2025, 12, 1)
    assert bm.add_months(datetime.date(2026, 3, 1), 24) == datetime.date(2028, 3, 1)


def test_as_of_is_the_last_complete_month():
    assert bm.as_of_month(datetime.date(2026, 3, 15)) == FEB
    assert bm.as_of_month(datetime.date(2026, 1, 1)) == datetime.date(2025, 12, 1)


def test_totals_by_hand():
    # Jan and Feb are to date (as of Feb); Mar and Apr are still to come.
    months = [
        (JAN, Amounts(D("100.00"), D("0.00"), D("90.00"))),
        (FEB, Amounts(D("100.00"), D("30.00"), D("120.00"))),
        (MAR, Amounts(D("100.00"), D("150.00"), D("0.00"))),
        (APR, Amounts(D("100.00"), D("0.00"), D("0.00"))),
    ]
    t = bm.totals(months, as_of=FEB)
    assert (t.planned, t.committed, t.actual) == (D("400.00"), D("180.00"), D("210.00"))
    assert t.remaining == D("190.00")  # 400 - 210
    assert (t.planned_to_date, t.actual_to_date) == (D("200.00"), D("210.00"))
    assert t.variance_to_date == D("-10.00")  # 10 over plan so far
    assert t.variance_percent == D("-5.0")  # -10 / 200
    # Jan 90+0, Feb 120+30, Mar max(100, 150), Apr max(100, 0) = 90+150+150+100
    assert t.forecast == D("490.00")
    assert t.variance_at_completion == D("-90.00")
    assert t.forecast_overrun == D("90.00")
    assert t.is_over_budget


def test_under_spend_in_a_closed_month_is_released_from_the_forecast():
    t = bm.totals([(JAN, Amounts(D("100"), D("0"), D("60"))), (FEB, Amounts(D("100")))], JAN)
    assert t.forecast == D("160")
    assert t.variance_at_completion == D("40")
    assert not t.is_over_budget and t.forecast_overrun == D("0.00")


def test_variance_percent_is_none_when_nothing_was_planned_to_date():
    t = bm.totals([(MAR, Amounts(D("100")))], as_of=FEB)
    assert t.planned_to_date == 0
    assert t.variance_percent is None


def test_variance_percent_rounds_half_up_to_one_decimal():
    assert bm.percent(D("1"), D("3")) == D("33.3")
    assert bm.percent(D("1"), D("8")) == D("12.5")
    assert bm.percent(D("1"), D("16")) == D("6.3")  # 6.25 -> 6.3
    assert bm.percent(D("-1"), D("16")) == D("-6.3")


def test_totals_are_per_currency_and_never_mixed():
    rows = [
        Row(1, "personnel", "CNY", JAN, Amounts(D("1000.00"))),
        Row(2, "travel", "EUR", JAN, Amounts(D("100.00"), D("0"), D("80.00"))),
        Row(1, "personnel", "CNY", FEB, Amounts(D("500.00"), D("0"), D("10.00"))),
    ]
    result = bm.totals_by_currency(rows, as_of=FEB)
    assert list(result) == ["CNY", "EUR"]
    assert result["CNY"].planned == D("1500.00") and result["CNY"].actual == D("10.00")
    assert result["EUR"].planned == D("100.00") and result["EUR"].actual == D("80.00")


def test_every_category_is_present_even_when_empty():
    rows = [Row(1, "materials", "CNY", JAN, Amounts(D("42.00")))]
    categories = ["personnel", "materials", "equipment", "services", "travel", "contingency"]
    result = bm.totals_by_category(rows, [*categories, "other"], as_of=JAN)
    assert list(result["CNY"]) == [*categories, "other"]
    assert result["CNY"]["materials"].planned == D("42.00")
    assert result["CNY"]["personnel"] == bm.Totals()
    assert result["CNY"]["other"].is_empty


def test_totals_by_line_groups_months_of_each_line():
    rows = [
        Row("a", "travel", "CNY", JAN, Amounts(D("1"))),
        Row("b", "travel", "CNY", JAN, Amounts(D("2"))),
        Row("a", "travel", "CNY", FEB, Amounts(D("3"))),
    ]
    result = bm.totals_by_line(rows, as_of=FEB)
    assert result["a"].planned == D("4") and result["b"].planned == D("2")


def test_burn_is_cumulative_and_actual_stops_after_the_last_data_month():
    by_month = {
        JAN: Amounts(D("100"), D("10"), D("80")),
        FEB: Amounts(D("100"), D("0"), D("130")),
        MAR: Amounts(D("100")),
    }
    points = bm.burn(by_month, [JAN, FEB, MAR, APR], as_of=FEB)
    assert [p.month for p in points] == [JAN, FEB, MAR, APR]
    assert [p.cumulative_planned for p in points] == [D("100"), D("200"), D("300"), D("300")]
    assert [p.cumulative_actual for p in points] == [D("80"), D("210"), None, None]
    assert [p.cumulative_spent_or_committed for p in points] == [D("90"), D("220"), None, None]
    assert points[1].cumulative_variance == D("-10")
    assert points[1].variance == D("-30")
    assert points[2].cumulative_variance is None


def test_burn_runs_to_a_later_commitment_and_adds_months_outside_the_plan():
    may = datetime.date(2026, 5, 1)
    by_month = {JAN: Amounts(D("100")), MAR: Amounts(D("0"), D("50")), may: Amounts(D("7"))}
    points = bm.burn(by_month, [JAN, FEB], as_of=JAN)
    assert [p.month for p in points] == [JAN, FEB, MAR, may]
    # Orders placed for March: actual + committed runs to March, the actual stops in January.
    assert [p.cumulative_spent_or_committed for p in points] == [D("0"), D("0"), D("50"), None]
    assert [p.cumulative_actual for p in points] == [D("0"), None, None, None]
    assert points[-1].cumulative_planned == D("107")


def test_monthly_sums_add_lines_of_the_same_month():
    sums = bm.monthly_sums([(JAN, Amounts(D("0.1"))), (JAN, Amounts(D("0.2"))), (FEB, Amounts())])
    assert sums[JAN].planned == D("0.3")
    assert sums[FEB].is_zero

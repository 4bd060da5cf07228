"""Status report prefill: known answers from milestones, budget and deliverables."""

import datetime
from decimal import Decimal

import pytest

from projects.selectors.reports import (
    cost_rating,
    default_period,
    status_report_prefill,
    suggested_period,
)
from tests.projects.factories_gates import (
    StatusReportFactory,
    budget,
    change_request,
    deliverable,
    milestone,
)

D = datetime.date
TODAY = D(2026, 3, 11)  # a Wednesday; the last full week is 2 – 8 March


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 3, 11), (D(2026, 3, 2), D(2026, 3, 8))),  # Wednesday
        (D(2026, 3, 9), (D(2026, 3, 2), D(2026, 3, 8))),  # Monday: the week just ended
        (D(2026, 3, 8), (D(2026, 2, 23), D(2026, 3, 1))),  # Sunday: this week is not over
        (D(2026, 1, 1), (D(2025, 12, 22), D(2025, 12, 28))),  # across the year end
    ],
)
def test_default_period_is_the_last_full_monday_to_sunday_week(today, expected):
    assert default_period(today) == expected


def test_milestones_due_in_the_period_or_slipped_are_listed_with_their_status(project):
    milestone(
        project,
        "Design approved",
        baseline=D(2026, 3, 3),
        forecast=D(2026, 3, 3),
        actual=D(2026, 3, 4),
    )
    milestone(project, "Pilot live", baseline=D(2026, 3, 6), forecast=D(2026, 3, 6))
    milestone(project, "Rollout", baseline=D(2026, 4, 1), forecast=D(2026, 4, 4))
    milestone(project, "Training", baseline=D(2026, 5, 1), forecast=D(2026, 5, 1))
    milestone(
        project, "Kick-off", baseline=D(2026, 1, 10), forecast=D(2026, 1, 10), actual=D(2026, 1, 12)
    )

    prefill = status_report_prefill(project=project, today=TODAY)

    rows = {m["name"]: m for m in prefill["facts"]["milestones"]}
    assert list(rows) == ["Design approved", "Pilot live", "Rollout"]
    assert (rows["Design approved"]["status"], rows["Design approved"]["slip_days"]) == (
        "achieved",
        1,
    )
    assert rows["Pilot live"]["status"] == "missed"
    assert (rows["Rollout"]["status"], rows["Rollout"]["slip_days"]) == ("at_risk", 3)
    assert rows["Rollout"]["due_in_period"] is False
    assert rows["Pilot live"]["due_in_period"] is True
    assert prefill["facts"]["milestone_counts"] == {"achieved": 1, "missed": 1, "at_risk": 1}
    assert prefill["schedule"] == "red"
    assert "Pilot live" in prefill["facts"]["reasons"]["schedule"]


def test_late_or_at_risk_milestones_make_the_schedule_amber(project):
    milestone(project, "Rollout", baseline=D(2026, 4, 1), forecast=D(2026, 4, 20))  # late
    prefill = status_report_prefill(project=project, today=TODAY)
    assert [m["status"] for m in prefill["facts"]["milestones"]] == ["late"]
    assert prefill["schedule"] == "amber"


def test_achieved_and_on_track_milestones_keep_the_schedule_green(project):
    milestone(
        project, "Design", baseline=D(2026, 3, 5), forecast=D(2026, 3, 5), actual=D(2026, 3, 5)
    )
    milestone(project, "Build", baseline=D(2026, 3, 20), forecast=D(2026, 3, 18))
    prefill = status_report_prefill(project=project, today=TODAY)
    assert prefill["schedule"] == "green"


def test_budget_variance_per_currency_up_to_the_period_end(project):
    budget(
        project,
        "CNY",
        {
            D(2026, 1, 1): ("100000", "104000"),
            D(2026, 2, 1): ("100000", "103000"),
            D(2026, 4, 1): ("100000", "0"),  # after the period: left out
        },
    )
    budget(project, "EUR", {D(2026, 1, 1): ("10000", "10600")})
    budget(project, "USD", {D(2026, 3, 1): ("1000", "1150")})  # March starts inside the period

    prefill = status_report_prefill(project=project, today=TODAY)

    by_currency = {b["currency"]: b for b in prefill["facts"]["budget"]}
    assert by_currency["CNY"] == {
        "currency": "CNY",
        "planned": "200000.00",
        "committed": "0.00",
        "actual": "207000.00",
        "variance": "7000.00",
        "variance_percent": "3.5",
    }
    assert by_currency["EUR"]["variance_percent"] == "6.0"
    assert by_currency["USD"]["variance_percent"] == "15.0"
    assert prefill["cost"] == "red"  # the worst currency decides
    assert "USD" in prefill["facts"]["reasons"]["cost"]


@pytest.mark.parametrize(
    ("planned", "actual", "expected"),
    [
        ("1000", "1000", "green"),
        ("1000", "900", "green"),  # under budget
        ("1000", "1050", "green"),  # exactly 5 % over: not more than 5 %
        ("1000", "1051", "amber"),
        ("1000", "1100", "amber"),  # exactly 10 %
        ("1000", "1101", "red"),
        ("0", "1", "red"),  # spending with nothing planned
        ("0", "0", "green"),
    ],
)
def test_cost_thresholds(planned, actual, expected):
    planned_d, actual_d = Decimal(planned), Decimal(actual)
    percent = (
        str(((actual_d - planned_d) / planned_d * 100).quantize(Decimal("0.1")))
        if planned_d
        else None
    )
    row = {
        "currency": "CNY",
        "planned": planned,
        "actual": actual,
        "variance_percent": percent,
    }
    assert cost_rating([row])[0] == expected


def test_no_budget_is_green(project):
    prefill = status_report_prefill(project=project, today=TODAY)
    assert (prefill["cost"], prefill["facts"]["budget"]) == ("green", [])


def test_deliverables_and_change_requests_drive_scope_and_quality(project):
    deliverable(project, "Test plan", due=D(2026, 3, 5))  # overdue on 11 March
    deliverable(project, "User guide", due=D(2026, 3, 20))  # open, not yet due
    deliverable(project, "Data model", due=D(2026, 2, 1), acceptance="accepted")
    deliverable(
        project, "Wireframes", due=D(2026, 2, 15), acceptance="rejected", reason="Not responsive"
    )
    change_request(project, 1, "submitted")
    change_request(project, 2, "approved")

    prefill = status_report_prefill(project=project, today=TODAY)

    facts = prefill["facts"]
    assert facts["deliverables"]["open"] == 2
    assert [(d["name"], d["days_overdue"]) for d in facts["deliverables"]["overdue"]] == [
        ("Test plan", 6)
    ]
    assert [(d["name"], d["reason"]) for d in facts["deliverables"]["rejected"]] == [
        ("Wireframes", "Not responsive")
    ]
    assert facts["change_requests_pending"] == 1
    assert (prefill["scope"], prefill["quality"]) == ("amber", "amber")


def test_risks_rating_is_carried_over_from_the_last_submitted_report(project):
    StatusReportFactory(
        project=project, period_start=D(2026, 2, 16), risks="red", overall="red", state="submitted"
    )
    StatusReportFactory(
        project=project,
        period_start=D(2026, 2, 23),
        risks="amber",
        overall="amber",
        state="submitted",
    )
    StatusReportFactory(project=project, period_start=D(2026, 3, 2), risks="green", state="draft")
    prefill = status_report_prefill(
        project=project, today=TODAY, period_start=D(2026, 3, 9), period_end=D(2026, 3, 15)
    )
    assert prefill["risks"] == "amber"


def test_everything_quiet_suggests_green_with_no_reason(project):
    prefill = status_report_prefill(project=project, today=TODAY)
    assert {prefill[k] for k in ("schedule", "cost", "scope", "quality", "risks", "overall")} == {
        "green"
    }
    assert prefill["overall_reason"] == ""
    assert prefill["facts"]["reasons"] == {}


def test_overall_is_the_worst_rating_and_the_reason_names_the_drivers(project):
    milestone(project, "Rollout", baseline=D(2026, 4, 1), forecast=D(2026, 4, 3))  # at risk
    budget(project, "CNY", {D(2026, 2, 1): ("1000", "1200")})  # 20 % over: red
    prefill = status_report_prefill(project=project, today=TODAY)
    assert (prefill["schedule"], prefill["cost"], prefill["overall"]) == ("amber", "red", "red")
    assert prefill["overall_reason"].startswith("Schedule: Milestones late or at risk: Rollout.")
    assert (
        "Cost: Actual CNY 1200.00 is 20.0% above the plan (1000.00)." in prefill["overall_reason"]
    )
    assert prefill["facts"]["suggested"] == {
        "schedule": "amber",
        "cost": "red",
        "scope": "green",
        "quality": "green",
        "risks": "green",
        "overall": "red",
    }
    assert len(prefill["overall_reason"]) <= 500


def test_facts_record_the_period_and_the_day(project):
    prefill = status_report_prefill(
        project=project, today=TODAY, period_start=D(2026, 2, 1), period_end=D(2026, 2, 28)
    )
    facts = prefill["facts"]
    assert (facts["period_start"], facts["period_end"], facts["as_of"]) == (
        "2026-02-01",
        "2026-02-28",
        "2026-03-11",
    )
    assert (prefill["period_start"], prefill["period_end"]) == (D(2026, 2, 1), D(2026, 2, 28))


@pytest.mark.parametrize("n", [3, 120])
def test_prefill_query_count_does_not_grow_with_plan_size(
    project, n, django_assert_max_num_queries
):
    for i in range(n):
        milestone(project, f"M{i}", baseline=D(2026, 3, 4), forecast=D(2026, 3, 6))
        deliverable(project, f"D{i}", due=D(2026, 3, 1))
    budget(project, "CNY", {D(2026, 1, 1): ("10", "11"), D(2026, 2, 1): ("10", "11")})
    with django_assert_max_num_queries(6):
        status_report_prefill(project=project, today=TODAY)


def test_suggested_period_is_the_last_full_week_when_it_is_free(project):
    assert suggested_period(project, TODAY) == (D(2026, 3, 2), D(2026, 3, 8))


def test_suggested_period_moves_past_an_already_reported_week(project):
    StatusReportFactory(project=project, period_start=D(2026, 3, 2))  # ends 8 March
    assert suggested_period(project, TODAY) == (D(2026, 3, 9), D(2026, 3, 15))


def test_suggested_period_never_starts_in_the_future(project):
    StatusReportFactory(project=project, period_start=D(2026, 3, 9))  # ends 15 March
    assert suggested_period(project, TODAY) == (D(2026, 3, 2), D(2026, 3, 8))

"""A milestone's status comes from its dates and today; nobody sets it by hand."""

import datetime

import pytest
from django.test import override_settings

from projects.models import MilestoneStatus, milestone_status
from projects.selectors.milestones import Slip, decorate, with_status
from tests.projects.factories_milestones import MilestoneFactory

TODAY = datetime.date(2026, 6, 10)
TOLERANCE = 5


def days(n):
    return TODAY + datetime.timedelta(days=n)


# (case, baseline, forecast, actual, expected)
CASES = [
    ("no baseline yet: planned", None, days(20), None, MilestoneStatus.PLANNED),
    ("forecast on the baseline: on track", days(20), days(20), None, MilestoneStatus.ON_TRACK),
    ("forecast before the baseline: on track", days(20), days(15), None, MilestoneStatus.ON_TRACK),
    ("one day past the baseline: at risk", days(20), days(21), None, MilestoneStatus.AT_RISK),
    (
        "exactly the tolerance past the baseline: still at risk",
        days(20),
        days(20 + TOLERANCE),
        None,
        MilestoneStatus.AT_RISK,
    ),
    (
        "one day beyond the tolerance: late",
        days(20),
        days(21 + TOLERANCE),
        None,
        MilestoneStatus.LATE,
    ),
    ("actual date set: achieved", days(-10), days(-10), days(-8), MilestoneStatus.ACHIEVED),
    (
        "achieved even if late against the baseline",
        days(-30),
        days(-5),
        days(-4),
        MilestoneStatus.ACHIEVED,
    ),
    ("forecast passed without actual: missed", days(-3), days(-1), None, MilestoneStatus.MISSED),
    (
        "missed also without a baseline",
        None,
        days(-1),
        None,
        MilestoneStatus.MISSED,
    ),
    ("forecast today is not missed yet", days(0), days(0), None, MilestoneStatus.ON_TRACK),
]


@pytest.mark.parametrize(
    ("baseline", "forecast", "actual", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_status_is_derived_from_the_dates(baseline, forecast, actual, expected):
    status = milestone_status(
        baseline=baseline, forecast=forecast, actual=actual, today=TODAY, tolerance_days=TOLERANCE
    )
    assert status == expected


@pytest.mark.django_db
@override_settings(MILESTONE_AT_RISK_TOLERANCE_DAYS=TOLERANCE)
def test_status_computed_in_sql_agrees_with_the_pure_function_for_every_case(project):
    made = {
        MilestoneFactory(
            project=project, baseline_date=baseline, forecast_date=forecast, actual_date=actual
        ).pk: expected
        for _case, baseline, forecast, actual, expected in CASES
    }
    rows = with_status(project.milestones.all(), TODAY).values_list("pk", "derived_status")
    assert dict(rows) == made
    decorated = decorate(list(project.milestones.all()), TODAY)
    assert {m.pk: m.status_code for m in decorated} == made


@pytest.mark.parametrize(
    ("days_", "text", "words"),
    [
        (None, "—", "no baseline yet"),
        (0, "0", "on the baseline date"),
        (4, "+4", "4 days late against the baseline"),
        (-3, "−3", "3 days early against the baseline"),
    ],
)
def test_slip_reads_plus_late_minus_early_and_dash_without_baseline(days_, text, words):
    slip = Slip(days_)
    assert (slip.text, slip.words) == (text, words)

"""Monte Carlo schedule risk analysis (pure: no database).

Conventions are those of risks/schedule_risk.py and projects/scheduling.py: offsets in working
days from the project start, exclusive finish offsets, durations rounded up to whole days unless
``round_durations=False``.
"""

import math
import random
from datetime import date, timedelta

import numpy as np
import pytest

from projects.scheduling import (
    Dependency,
    ScheduleCycleError,
    ScheduleError,
    ScheduleTask,
    compute_schedule,
)
from projects.working_calendar import WorkingCalendar
from risks.schedule_risk import (
    RiskTask,
    ScheduleRiskError,
    simulate_schedule,
)

START = date(2025, 6, 2)  # a Monday
CALENDAR = WorkingCalendar(holidays={date(2025, 6, 9), date(2025, 7, 14)})


def fixed(task_id, days):
    return RiskTask(task_id, days, days, days)


def simulate(tasks, dependencies=(), **kwargs):
    kwargs.setdefault("start", START)
    kwargs.setdefault("calendar", CALENDAR)
    kwargs.setdefault("seed", 7)
    return simulate_schedule(tasks, dependencies, **kwargs)


# --- zero variance: exactly the deterministic schedule ---------------------------------------
def mixed_network():
    """Every link type, a lead and a lag, a milestone in the middle and one at the end."""
    durations = {"A": 3, "B": 5, "C": 2, "D": 4, "M1": 0, "E": 6, "F": 1, "G": 2, "END": 0}
    links = [
        Dependency("A", "B"),
        Dependency("A", "C", "SS", 1),
        Dependency("B", "M1"),
        Dependency("C", "D", "FS", 2),
        Dependency("M1", "E", "FS", -1),
        Dependency("D", "E", "FF", 1),
        Dependency("E", "F", "SF", 2),
        Dependency("C", "G", "FS", 0),
        Dependency("F", "END"),
        Dependency("E", "END"),
        Dependency("G", "END"),
    ]
    return durations, links


def test_zero_variance_matches_compute_schedule():
    durations, links = mixed_network()
    plan = compute_schedule(
        [ScheduleTask(t, d) for t, d in durations.items()], links, start=START, calendar=CALENDAR
    )
    result = simulate(
        [fixed(t, d) for t, d in durations.items()],
        links,
        iterations=200,
        baseline_finish=plan.project_finish_date,
    )
    assert np.all(result.finish_offsets == plan.project_finish)  # every iteration identical
    finish = result.finish
    assert finish.std == 0
    assert finish.p10 == finish.p50 == finish.p90 == plan.project_finish
    assert (
        finish.p10_date
        == finish.p50_date
        == finish.p80_date
        == finish.p90_date
        == finish.deterministic_date
        == plan.project_finish_date
    )
    assert finish.probability_on_baseline == 1.0
    assert result.s_curve == [(plan.project_finish_date, 1.0)]
    assert [(b.first_date, b.last_date, b.count) for b in result.histogram] == [
        (plan.project_finish_date, plan.project_finish_date, 200)
    ]
    assert set(result.milestones) == {"M1", "END"}
    for milestone_id, summary in result.milestones.items():
        expected = plan[milestone_id]
        assert summary.p50 == expected.es
        assert summary.p10_date == summary.p90_date == expected.start_date
    assert result.criticality == {
        task_id: (1.0 if task.is_critical else 0.0) for task_id, task in plan.tasks.items()
    }
    assert 0.0 in result.criticality.values()  # the network does have slack somewhere


def test_zero_variance_random_networks_match_compute_schedule():
    rng = random.Random(11)
    for _ in range(20):
        durations = {f"T{i}": rng.choice([0, 1, 2, 3, 5, 8]) for i in range(15)}
        ids = list(durations)
        links = [
            Dependency(ids[a], ids[b], rng.choice(["FS", "SS", "FF", "SF"]), rng.randint(-2, 3))
            for a, b in {tuple(sorted(rng.sample(range(15), 2))) for _ in range(25)}
        ]
        plan = compute_schedule(
            [ScheduleTask(t, d) for t, d in durations.items()],
            links,
            start=START,
            calendar=CALENDAR,
        )
        result = simulate([fixed(t, d) for t, d in durations.items()], links, iterations=10)
        assert result.finish.p50 == plan.project_finish
        assert result.finish.p50_date == plan.project_finish_date
        for task_id, task in plan.tasks.items():
            assert result.criticality[task_id] == (1.0 if task.is_critical else 0.0)


# --- distributions -----------------------------------------------------------------------------
def test_single_triangular_task_median_matches_the_analytic_one():
    a, m, b = 2.0, 5.0, 12.0
    # (m - a) / (b - a) = 0.3 < 0.5, so the median lies above the mode.
    median = b - math.sqrt((b - a) * (b - m) / 2)  # 6.08...
    result = simulate([RiskTask("T", a, m, b)], iterations=20_000, round_durations=False)
    assert result.finish.p50 == pytest.approx(median, abs=0.1)
    assert result.finish.mean == pytest.approx((a + m + b) / 3, abs=0.1)


def test_single_triangular_task_rounded_up_to_whole_days():
    # CDF above the mode: 1 - (12 - x)^2 / 70. F(6) = 0.486, F(7) = 0.643, F(8) = 0.771,
    # F(9) = 0.871, F(10) = 0.943: rounding up gives P50 = 7, P80 = 9, P90 = 10 days.
    result = simulate([RiskTask("T", 2, 5, 12)], iterations=20_000)
    assert np.all(result.finish_offsets == np.ceil(result.finish_offsets))
    assert (result.finish.p50, result.finish.p80, result.finish.p90) == (7, 9, 10)
    # 7 working days from Monday 2 June with Monday 9 June a holiday: Tue 3 .. Wed 11 June.
    assert result.finish.p50_date == CALENDAR.add_working_days(START, 6) == date(2025, 6, 11)
    assert result.s_curve[-1][1] == 1.0
    assert sum(b.count for b in result.histogram) == 20_000


def test_pert_distribution_mean():
    result = simulate(
        [RiskTask("T", 2, 5, 12)], iterations=20_000, distribution="pert", round_durations=False
    )
    assert result.finish.mean == pytest.approx((2 + 4 * 5 + 12) / 6, abs=0.1)
    assert result.distribution == "pert"


# --- criticality ---------------------------------------------------------------------------------
def test_dominant_parallel_task_is_always_critical():
    tasks = [
        fixed("S", 0),
        RiskTask("LONG", 10, 12, 15),
        RiskTask("SHORT", 2, 4, 8),
        fixed("E", 0),
    ]
    links = [Dependency("S", "LONG"), Dependency("S", "SHORT")]
    links += [Dependency("LONG", "E"), Dependency("SHORT", "E")]
    result = simulate(tasks, links)
    assert result.criticality == {"S": 1.0, "LONG": 1.0, "SHORT": 0.0, "E": 1.0}


def test_identical_parallel_tasks_share_criticality():
    tasks = [RiskTask("A", 2, 5, 9), RiskTask("B", 2, 5, 9)]
    result = simulate(tasks, iterations=20_000, round_durations=False)
    assert result.criticality["A"] == pytest.approx(0.5, abs=0.02)
    assert result.criticality["B"] == pytest.approx(0.5, abs=0.02)
    # Continuous samples never tie, so exactly one of them drives each iteration.
    assert result.criticality["A"] + result.criticality["B"] == pytest.approx(1.0)


# --- reproducibility --------------------------------------------------------------------------
def test_same_seed_same_results_and_other_seed_other_samples():
    tasks = [RiskTask("A", 1, 3, 9), RiskTask("B", 2, 4, 5), RiskTask("C", 1, 1, 6)]
    links = [Dependency("A", "C"), Dependency("B", "C", "SS", 1)]
    first = simulate(tasks, links, seed=42, iterations=1_000)
    again = simulate(tasks, links, seed=42, iterations=1_000)
    other = simulate(tasks, links, seed=43, iterations=1_000)
    assert np.array_equal(first.finish_offsets, again.finish_offsets)
    assert first.finish == again.finish
    assert first.criticality == again.criticality
    assert first.s_curve == again.s_curve
    assert not np.array_equal(first.finish_offsets, other.finish_offsets)
    assert first.seed == 42


def test_without_a_seed_one_is_drawn_and_reported():
    tasks = [RiskTask("A", 1, 3, 9)]
    result = simulate_schedule(tasks, start=START, iterations=100)
    replay = simulate_schedule(tasks, start=START, iterations=100, seed=result.seed)
    assert np.array_equal(result.finish_offsets, replay.finish_offsets)


def test_default_is_five_thousand_iterations():
    assert simulate([RiskTask("A", 1, 2, 3)]).iterations == 5_000


# --- baselines ----------------------------------------------------------------------------------
def test_probability_of_meeting_baselines():
    tasks = [RiskTask("A", 2, 4, 8), fixed("M", 0), RiskTask("B", 3, 5, 10)]
    links = [Dependency("A", "M"), Dependency("M", "B")]
    far = simulate(
        tasks, links, baseline_finish=date(2030, 1, 1), milestone_baselines={"M": date(2030, 1, 1)}
    )
    assert far.finish.probability_on_baseline == 1.0
    assert far.milestones["M"].probability_on_baseline == 1.0
    at_start = simulate(tasks, links, baseline_finish=START, milestone_baselines={"M": START})
    assert at_start.finish.probability_on_baseline == 0.0
    assert at_start.milestones["M"].probability_on_baseline == 0.0
    # Somewhere in between, consistent with the S-curve.
    middle_date, middle_share = far.s_curve[len(far.s_curve) // 2]
    middle = simulate(tasks, links, baseline_finish=middle_date)
    assert middle.finish.probability_on_baseline == pytest.approx(middle_share)
    assert 0 < middle_share < 1


def test_baseline_on_a_weekend_counts_from_the_friday_before():
    tasks = [fixed("A", 5)]  # Mon 2 .. Fri 6 June 2025
    on_saturday = simulate(tasks, baseline_finish=date(2025, 6, 7), iterations=10)
    on_thursday = simulate(tasks, baseline_finish=date(2025, 6, 5), iterations=10)
    assert on_saturday.finish.probability_on_baseline == 1.0
    assert on_thursday.finish.probability_on_baseline == 0.0


def test_percentile_dates_are_ordered():
    tasks = [RiskTask(f"T{i}", 1, 3, 10) for i in range(5)]
    links = [Dependency(f"T{i}", f"T{i + 1}") for i in range(4)]
    finish = simulate(tasks, links).finish
    assert finish.p10_date <= finish.p50_date <= finish.p80_date <= finish.p90_date
    assert finish.p10 <= finish.p50 <= finish.p80 <= finish.p90


# --- bad input ------------------------------------------------------------------------------------
def test_cycle_is_rejected_by_the_scheduler_validation():
    tasks = [fixed("A", 1), fixed("B", 1)]
    with pytest.raises(ScheduleCycleError, match=r"Dependency cycle: (A -> B -> A|B -> A -> B)"):
        simulate(tasks, [Dependency("A", "B"), Dependency("B", "A")])


@pytest.mark.parametrize(
    ("tasks", "dependencies", "kwargs", "message"),
    [
        ([RiskTask("A", 3, 2, 5)], [], {}, "optimistic <= most likely <= pessimistic"),
        ([RiskTask("A", -1, 2, 5)], [], {}, "negative optimistic"),
        ([RiskTask("A", 1, float("nan"), 5)], [], {}, "finite numbers"),
        ([RiskTask("A", 1, "2", 5)], [], {}, "finite numbers"),
        ([fixed("A", 1), fixed("A", 2)], [], {}, "listed twice"),
        ([fixed("A", 1)], [Dependency("A", "X")], {}, "unknown task 'X'"),
        ([fixed("A", 1), fixed("B", 1)], [Dependency("A", "B", "XX")], {}, "unknown type"),
        ([], [], {}, "no tasks"),
        ([fixed("A", 1)], [], {"milestones": ["A"]}, "zero duration"),
        ([fixed("A", 1)], [], {"milestones": ["Z"]}, "not one of the tasks"),
        ([fixed("A", 1)], [], {"milestone_baselines": {"A": START}}, "not a milestone"),
        ([fixed("A", 1)], [], {"iterations": 0}, "Iterations"),
        ([fixed("A", 1)], [], {"distribution": "normal"}, "Unknown distribution"),
        ([fixed("A", 1)], [], {"seed": -1}, "seed"),
        ([fixed("A", 1)], [], {"baseline_finish": "2025-06-30"}, "baseline finish"),
    ],
)
def test_bad_input_raises_schedule_errors(tasks, dependencies, kwargs, message):
    with pytest.raises(ScheduleError, match=message):
        simulate(tasks, dependencies, **kwargs)


def test_own_errors_are_schedule_errors():
    assert issubclass(ScheduleRiskError, ScheduleError)


def test_milestone_dates_follow_their_predecessor():
    tasks = [RiskTask("A", 4, 5, 6), fixed("M", 0)]
    result = simulate(tasks, [Dependency("A", "M")], milestone_baselines={"M": date(2025, 6, 12)})
    summary = result.milestones["M"]
    # A takes 4-6 days from Monday 2 June (Monday 9 a holiday): M on Fri 6, Tue 10 or Wed 11.
    assert date(2025, 6, 6) <= summary.p10_date <= summary.p90_date <= date(2025, 6, 11)
    assert summary.deterministic_date == date(2025, 6, 10)
    assert summary.probability_on_baseline == 1.0
    assert result.milestones.keys() == {"M"}
    assert timedelta(0) <= summary.p90_date - summary.p10_date

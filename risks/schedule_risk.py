"""Schedule risk analysis: a Monte Carlo simulation of the CPM network, vectorised with numpy.

Plain functions on plain data, no Django (DESIGN.md section 3): a service turns tasks with
three-point estimates into :class:`RiskTask` values and the links into
:class:`projects.scheduling.Dependency`, calls :func:`simulate_schedule`, and charts the result
(histogram, S-curve). 5,000 iterations of a 1,000-task network take well under a second (see
``benchmarks/schedule_risk.py``).

Conventions (those of ``projects.scheduling``, whose docstring this follows)
---------------------------------------------------------------------------
Durations. Each task has optimistic ``o`` <= most likely ``m`` <= pessimistic ``p`` durations in
working days. Every iteration draws one duration per task from the triangular distribution
``(o, m, p)`` (or, with ``distribution="pert"``, the PERT-beta one: ``o + (p - o) * Beta(1 + 4
(m - o) / (p - o), 1 + 4 (p - m) / (p - o))``, mean ``(o + 4m + p) / 6``). A task with
``o == p`` always takes that long; a task with ``o == m == p == 0`` is a milestone.

Rounding. The scheduler works in whole working days, so by default each sampled duration is
rounded *up* (``np.ceil``): a task drawn at 4.2 days occupies 5 working days, as it would on the
plan. Rounding up rather than to the nearest day is the conservative choice (a started day is a
used day) and keeps zero-duration milestones at zero. With ``round_durations=False`` the
durations stay continuous (offsets become fractional): useful to compare with analytic results;
dates are then those of the day on which each fractional offset falls.

Per iteration, a forward and a backward pass exactly as in ``compute_schedule`` (FS/SS/FF/SF
with lags and leads, nothing before the project start, no deadline), each a numpy operation on
arrays of length ``iterations``, one task at a time in topological order.

Results
-------
Project finish. Per iteration the *finish offset* is the exclusive project finish
``max(EF)`` (``Schedule.project_finish``) and the *finish date* the scheduler's
``project_finish_date``: the latest last working day of any task (or day of any milestone).
Percentiles use the "inverted CDF" rule, so each is a value some iteration actually produced:
the P80 date is the earliest date by which at least 80 % of iterations have finished.

Baselines. The probability of meeting a baseline date is the share of iterations whose finish
(or milestone) date is on or before it; a baseline on a non-working day counts from the last
working day before it.

Milestones. A milestone's offset is its early start; its date that of the scheduler.

Criticality index. A task is critical in an iteration when its total float ``LS - ES`` is 0
(within 1e-9, for continuous durations); the index is the share of iterations in which it is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from numbers import Real

import numpy as np

from projects.scheduling import (
    Dependency,
    ScheduleError,
    ScheduleTask,
    TaskId,
    compute_schedule,
    topological_order,
)
from projects.working_calendar import WorkingCalendar

DEFAULT_ITERATIONS = 5_000
DISTRIBUTIONS = ("triangular", "pert")

_FS, _SS, _FF, _SF = 0, 1, 2, 3
_TYPE_CODES = {"FS": _FS, "SS": _SS, "FF": _FF, "SF": _SF}
_ONE_DAY = timedelta(days=1)
_FLOAT_TOLERANCE = 1e-9
_PERCENTILES = (10, 50, 80, 90)


class ScheduleRiskError(ScheduleError):
    """The estimates, milestones, baselines or simulation settings are unusable."""


# --- input ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RiskTask:
    """A task with a three-point estimate in working days: optimistic <= most likely <= pessimistic."""

    id: TaskId
    optimistic: float
    most_likely: float
    pessimistic: float


# --- output --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DateDistribution:
    """Summary of one simulated event (project finish or a milestone).

    Offsets are working days from the project start (module docstring: finish offsets are
    exclusive, milestone offsets their early start); dates are calendar dates.
    """

    mean: float
    std: float
    p10: float
    p50: float
    p80: float
    p90: float
    p10_date: date
    p50_date: date
    p80_date: date
    p90_date: date
    deterministic_date: date  # with most-likely durations (rounded up), from compute_schedule
    baseline: date | None
    probability_on_baseline: float | None  # share of iterations on or before the baseline


@dataclass(frozen=True, slots=True)
class HistogramBin:
    first_date: date
    last_date: date  # inclusive: bins are whole working days
    count: int


@dataclass(frozen=True, slots=True)
class ScheduleRiskResult:
    iterations: int
    seed: int
    distribution: str
    round_durations: bool
    project_start: date  # snapped to a working day: offset 0
    finish: DateDistribution
    finish_offsets: np.ndarray  # per iteration, exclusive max(EF)
    histogram: list[HistogramBin]  # of the finish dates
    s_curve: list[tuple[date, float]]  # (finish date, share of iterations finished by then)
    milestones: dict[TaskId, DateDistribution]
    criticality: dict[TaskId, float]  # in input order


# --- simulation ----------------------------------------------------------------------------
def simulate_schedule(
    tasks: Iterable[RiskTask],
    dependencies: Iterable[Dependency] = (),
    *,
    start: date,
    calendar: WorkingCalendar | None = None,
    milestones: Iterable[TaskId] | None = None,
    baseline_finish: date | None = None,
    milestone_baselines: Mapping[TaskId, date] | None = None,
    iterations: int = DEFAULT_ITERATIONS,
    seed: int | None = None,
    distribution: str = "triangular",
    round_durations: bool = True,
    histogram_bins: int = 30,
) -> ScheduleRiskResult:
    """Simulate the schedule ``iterations`` times (conventions: module docstring).

    ``milestones`` defaults to every task estimated at 0 / 0 / 0; listed ones must be such
    tasks. ``seed`` makes the run reproducible (numpy ``Generator(PCG64(seed))``); without one
    a fresh seed is drawn and reported in the result.

    Raises ScheduleRiskError for a bad estimate, milestone, baseline or setting, and the
    scheduler's ScheduleError / ScheduleCycleError for bad ids, links or a cycle.
    """
    task_list = list(tasks)
    dependency_list = list(dependencies)
    calendar = calendar or WorkingCalendar()
    if not isinstance(start, date):
        raise ScheduleRiskError(f"The project start must be a date, got {start!r}")
    if not _is_int(iterations) or iterations < 1:
        raise ScheduleRiskError(f"Iterations must be a positive whole number, got {iterations!r}")
    if distribution not in DISTRIBUTIONS:
        raise ScheduleRiskError(
            f"Unknown distribution {distribution!r} (expected triangular or pert)"
        )
    if not _is_int(histogram_bins) or histogram_bins < 1:
        raise ScheduleRiskError(
            f"Histogram bins must be a positive whole number, got {histogram_bins!r}"
        )
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % 2**63)
    elif not _is_int(seed) or seed < 0:
        raise ScheduleRiskError(f"The seed must be a non-negative whole number, got {seed!r}")

    if not task_list:
        raise ScheduleRiskError("Nothing to simulate: there are no tasks")
    low, mode, high = _estimates(task_list)
    # The scheduler validates ids, links and cycles, and gives the most-likely plan.
    plan = compute_schedule(
        [
            ScheduleTask(task.id, math.ceil(m))
            for task, m in zip(task_list, mode.tolist(), strict=True)
        ],
        dependency_list,
        start=start,
        calendar=calendar,
    )
    ids = [task.id for task in task_list]
    position = {task_id: i for i, task_id in enumerate(ids)}
    milestone_ids = _milestones(milestones, ids, position, high)
    baselines = dict(milestone_baselines or {})
    for task_id, day in baselines.items():
        if task_id not in milestone_ids:
            raise ScheduleRiskError(f"Baseline given for {task_id!r}, which is not a milestone")
        if not isinstance(day, date):
            raise ScheduleRiskError(
                f"Baseline of milestone {task_id!r} must be a date, got {day!r}"
            )
    if baseline_finish is not None and not isinstance(baseline_finish, date):
        raise ScheduleRiskError(f"The baseline finish must be a date, got {baseline_finish!r}")

    count = len(ids)
    rng = np.random.Generator(np.random.PCG64(seed))
    durations = _sample(rng, low, mode, high, iterations, distribution)
    if round_durations:
        np.ceil(durations, out=durations)

    predecessors: list[list[tuple[int, int, int]]] = [[] for _ in range(count)]
    successors: list[list[tuple[int, int, int]]] = [[] for _ in range(count)]
    waiting = [0] * count
    for dependency in dependency_list:
        pred, succ = position[dependency.predecessor], position[dependency.successor]
        code = _TYPE_CODES[dependency.type]
        predecessors[succ].append((pred, code, dependency.lag))
        successors[pred].append((succ, code, dependency.lag))
        waiting[succ] += 1
    # compute_schedule has already rejected cycles, so every task gets ordered.
    order = topological_order(successors, waiting)

    # Forward pass: one row of length `iterations` per task.
    es = np.empty((count, iterations))
    ef = np.empty((count, iterations))
    for i in order:
        begin = es[i]
        begin.fill(0.0)
        duration = durations[i]
        for pred, code, lag in predecessors[i]:
            if code == _FS:
                bound = ef[pred] + lag
            elif code == _SS:
                bound = es[pred] + lag
            elif code == _FF:
                bound = ef[pred] + (lag - duration)
            else:
                bound = es[pred] + (lag - duration)
            np.maximum(begin, bound, out=begin)
        np.add(begin, duration, out=ef[i])
    finish = ef.max(axis=0)

    # Backward pass, for the total float of each task in each iteration.
    ls = np.empty((count, iterations))
    lf = np.empty((count, iterations))
    for i in reversed(order):
        late = lf[i]
        late[:] = finish
        duration = durations[i]
        for succ, code, lag in successors[i]:
            if code == _FS:
                bound = ls[succ] - lag
            elif code == _SS:
                bound = ls[succ] + (duration - lag)
            elif code == _FF:
                bound = lf[succ] - lag
            else:
                bound = lf[succ] + (duration - lag)
            np.minimum(late, bound, out=late)
        np.subtract(late, duration, out=ls[i])
    critical = (ls - es) <= _FLOAT_TOLERANCE
    criticality = dict(zip(ids, critical.mean(axis=1).tolist(), strict=True))

    # Days on which things happen: a task's last working day, a milestone's own day.
    last_day = np.where(durations > 0, np.ceil(ef) - 1, np.floor(es))
    finish_day = last_day.max(axis=0).astype(np.int64)

    origin = calendar.index_of(start)
    dates: dict[int, date] = {}

    def day(offset: int) -> date:
        found = dates.get(offset)
        if found is None:
            found = dates[offset] = calendar.date_of(origin + offset)
        return found

    def last_working_offset(baseline: date) -> int:
        return calendar.index_of(baseline + _ONE_DAY) - origin - 1

    def summarise(
        offsets: np.ndarray, days: np.ndarray, deterministic: date, baseline: date | None
    ) -> DateDistribution:
        points = np.percentile(offsets, _PERCENTILES, method="inverted_cdf").tolist()
        day_points = np.percentile(days, _PERCENTILES, method="inverted_cdf").tolist()
        probability = None
        if baseline is not None:
            probability = float(np.mean(days <= last_working_offset(baseline)))
        return DateDistribution(
            mean=float(offsets.mean()),
            std=float(offsets.std()),
            p10=points[0],
            p50=points[1],
            p80=points[2],
            p90=points[3],
            p10_date=day(int(day_points[0])),
            p50_date=day(int(day_points[1])),
            p80_date=day(int(day_points[2])),
            p90_date=day(int(day_points[3])),
            deterministic_date=deterministic,
            baseline=baseline,
            probability_on_baseline=probability,
        )

    milestone_results = {
        task_id: summarise(
            es[position[task_id]],
            last_day[position[task_id]].astype(np.int64),
            plan[task_id].start_date,
            baselines.get(task_id),
        )
        for task_id in milestone_ids
    }
    return ScheduleRiskResult(
        iterations=iterations,
        seed=seed,
        distribution=distribution,
        round_durations=round_durations,
        project_start=day(0),
        finish=summarise(finish, finish_day, plan.project_finish_date or day(0), baseline_finish),
        finish_offsets=finish,
        histogram=_histogram(finish_day, histogram_bins, day),
        s_curve=_s_curve(finish_day, day),
        milestones=milestone_results,
        criticality=criticality,
    )


# --- helpers -------------------------------------------------------------------------------
def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _estimates(tasks: list[RiskTask]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    low, mode, high = [], [], []
    for task in tasks:
        values = (task.optimistic, task.most_likely, task.pessimistic)
        if not all(
            isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(v) for v in values
        ):
            raise ScheduleRiskError(
                f"Task {task.id!r} needs three finite numbers of working days, got {values!r}"
            )
        o, m, p = values
        if o < 0:
            raise ScheduleRiskError(f"Task {task.id!r} has a negative optimistic duration ({o})")
        if not o <= m <= p:
            raise ScheduleRiskError(
                f"Task {task.id!r} needs optimistic <= most likely <= pessimistic, "
                f"got {o} / {m} / {p}"
            )
        low.append(o)
        mode.append(m)
        high.append(p)
    return (np.array(low, float), np.array(mode, float), np.array(high, float))


def _milestones(
    requested: Iterable[TaskId] | None,
    ids: list[TaskId],
    position: dict[TaskId, int],
    high: np.ndarray,
) -> list[TaskId]:
    if requested is None:
        return [task_id for task_id, p in zip(ids, high.tolist(), strict=True) if p == 0]
    chosen: list[TaskId] = []
    for task_id in requested:
        if task_id not in position:
            raise ScheduleRiskError(f"Milestone {task_id!r} is not one of the tasks")
        if high[position[task_id]] != 0:
            raise ScheduleRiskError(
                f"Milestone {task_id!r} must have zero duration (0 / 0 / 0 working days)"
            )
        if task_id not in chosen:
            chosen.append(task_id)
    return chosen


def _sample(
    rng: np.random.Generator,
    low: np.ndarray,
    mode: np.ndarray,
    high: np.ndarray,
    iterations: int,
    distribution: str,
) -> np.ndarray:
    """A (tasks x iterations) matrix of durations: one contiguous row per task."""
    durations = np.repeat(low[:, None], iterations, axis=1)
    varied = np.flatnonzero(high > low)  # numpy refuses left == right; those are constant
    if varied.size:
        a, m, b = low[varied, None], mode[varied, None], high[varied, None]
        size = (varied.size, iterations)
        if distribution == "triangular":
            durations[varied] = rng.triangular(a, m, b, size=size)
        else:
            span = b - a
            alpha = 1 + 4 * (m - a) / span
            beta = 1 + 4 * (b - m) / span
            durations[varied] = a + span * rng.beta(alpha, beta, size=size)
    return durations


def _histogram(days: np.ndarray, bins: int, day) -> list[HistogramBin]:
    """At most ``bins`` bins of whole working days each, from the earliest to the latest finish."""
    first, last = int(days.min()), int(days.max())
    width = -(-(last - first + 1) // bins)
    counts = np.bincount((days - first) // width)
    return [
        HistogramBin(
            first_date=day(first + k * width),
            last_date=day(min(first + (k + 1) * width - 1, last)),
            count=int(n),
        )
        for k, n in enumerate(counts.tolist())
    ]


def _s_curve(days: np.ndarray, day) -> list[tuple[date, float]]:
    values, counts = np.unique(days, return_counts=True)
    shares = np.cumsum(counts) / days.size
    return [(day(int(v)), float(s)) for v, s in zip(values.tolist(), shares.tolist(), strict=True)]

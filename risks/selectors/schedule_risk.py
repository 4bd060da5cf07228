"""Reads for the schedule risk pages: the tasks to estimate, and the project's plan as the
network that ``risks.schedule_risk.simulate_schedule`` samples.

The network is the one the projects app schedules (``projects.services.schedule``): the leaf
tasks of the WBS (phases are roll-ups and never scheduled), their dependencies with type and
lag, the project's working calendar and planned start, and each task's "start no earlier than"
date. The engine has no start constraints, so those become start-to-start links (with the
constraint's offset as lag) from one zero-duration anchor at the project start: the same
earliest start, so the most-likely run gives the schedule the Schedule page shows.

Durations: the planned duration is the most likely one; a task without an optimistic or a
pessimistic duration uses its planned duration on that side (no variance without estimates).
Zero-duration tasks are milestones (0 / 0 / 0).

Baselines: the finish to meet is the latest task finish of the project's latest saved
baseline, or the project's planned finish when none was saved. A milestone task's baseline is
its milestone's baseline date, else its date in that saved baseline.

Queries do not grow with the plan: tasks, dependencies, milestones and the latest baseline
are one query each, the working calendar one to three.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from projects import scheduling
from projects.models import Baseline, Dependency, Milestone, Task
from projects.services.schedule import calendar_of, cycle_message, task_label
from projects.working_calendar import WorkingCalendar
from risks.schedule_risk import (
    DateDistribution,
    RiskTask,
    ScheduleRiskResult,
    simulate_schedule,
)

START_ANCHOR = "project-start"  # the zero-duration task that carries start constraints
TOP_CRITICAL = 20

_TASK_FIELDS = (
    "id",
    "parent_id",
    "outline",
    "sort_key",
    "name",
    "duration_days",
    "planned_start",
    "optimistic_days",
    "pessimistic_days",
    "version",
    "total_float",
    "is_critical",
)


def _wbs(project) -> list[Task]:
    return list(Task.objects.filter(project=project).only(*_TASK_FIELDS).order_by("sort_key", "pk"))


def _phase_ids(tasks) -> set[int]:
    return {t.parent_id for t in tasks if t.parent_id is not None}


def has_estimate(task: Task) -> bool:
    return task.optimistic_days is not None or task.pessimistic_days is not None


# --- the estimates page ----------------------------------------------------------------------
@dataclass
class EstimatePlan:
    tasks: list[Task]  # leaves with a duration, in WBS order: the rows of the form
    phases: dict[int, Task]  # the summary rows, by id, for the headings between rows
    estimated: int  # tasks with an optimistic or a pessimistic duration
    milestone_count: int  # zero-duration leaves, not estimated


def estimate_plan(project) -> EstimatePlan:
    """The tasks whose durations can be estimated (one query)."""
    tasks = _wbs(project)
    phase_ids = _phase_ids(tasks)
    leaves = [t for t in tasks if t.pk not in phase_ids]
    rows = [t for t in leaves if t.duration_days > 0]
    return EstimatePlan(
        tasks=rows,
        phases={t.pk: t for t in tasks if t.pk in phase_ids},
        estimated=sum(1 for t in rows if has_estimate(t)),
        milestone_count=len(leaves) - len(rows),
    )


# --- the network -----------------------------------------------------------------------------
@dataclass
class RiskNetwork:
    tasks: list[RiskTask]  # leaves (plus the start anchor when a task has a start constraint)
    dependencies: list[scheduling.Dependency]
    start: datetime.date
    calendar: WorkingCalendar
    milestones: list[int]  # zero-duration leaves, in WBS order
    milestone_names: dict[int, str]
    milestone_baselines: dict[int, datetime.date]
    baseline_finish: datetime.date | None
    baseline: Baseline | None  # the saved baseline compared (None: the planned finish)
    by_id: dict[int, Task]  # the leaves
    wbs: dict[int, Task]  # every row, phases included (for messages)
    task_count: int  # leaves with a duration
    estimated_count: int
    adjusted_count: int  # estimates outside the planned duration, taken at it
    problem: str | None = None  # why the plan cannot be simulated, if it cannot


def _parse_date(value) -> datetime.date | None:
    """A date from a baseline snapshot; anything unreadable counts as absent, never a 500."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _snapshot_tasks(baseline: Baseline | None) -> dict:
    snapshot = baseline.snapshot if baseline is not None else None
    tasks = snapshot.get("tasks") if isinstance(snapshot, dict) else None
    return tasks if isinstance(tasks, dict) else {}


def latest_baseline(project) -> Baseline | None:
    return Baseline.objects.filter(project=project).order_by("-created_at", "-pk").first()


def risk_network(project) -> RiskNetwork:
    """The project's plan as a network of three-point estimates (module docstring)."""
    tasks = _wbs(project)
    wbs = {t.pk: t for t in tasks}
    phase_ids = _phase_ids(tasks)
    leaves = [t for t in tasks if t.pk not in phase_ids]
    calendar = calendar_of(project)
    start = project.planned_start
    origin = calendar.index_of(start)

    risk_tasks: list[RiskTask] = []
    anchored: list[scheduling.Dependency] = []
    milestones: list[int] = []
    estimated = adjusted = 0
    for task in leaves:
        planned = task.duration_days
        if planned == 0:
            risk_tasks.append(RiskTask(task.pk, 0, 0, 0))
            milestones.append(task.pk)
        else:
            low = planned if task.optimistic_days is None else task.optimistic_days
            high = planned if task.pessimistic_days is None else task.pessimistic_days
            if has_estimate(task):
                estimated += 1
            if low > planned or high < planned:
                adjusted += 1
                low, high = min(low, planned), max(high, planned)
            risk_tasks.append(RiskTask(task.pk, low, planned, high))
        if task.planned_start is not None:
            lag = calendar.index_of(task.planned_start) - origin
            if lag > 0:
                anchored.append(scheduling.Dependency(START_ANCHOR, task.pk, "SS", lag))
    if anchored:
        risk_tasks.insert(0, RiskTask(START_ANCHOR, 0, 0, 0))

    problem = None
    dependencies = list(anchored)
    for pred, succ, kind, lag in Dependency.objects.filter(successor__project=project).values_list(
        "predecessor_id", "successor_id", "type", "lag_days"
    ):
        for end in (pred, succ):
            if end in phase_ids and problem is None:
                problem = _(
                    "“%(task)s” is a phase but has dependencies: on the Schedule page, link "
                    "the tasks inside it instead."
                ) % {"task": task_label(wbs[end])}
        dependencies.append(scheduling.Dependency(pred, succ, kind, lag))

    names: dict[int, str] = {}
    linked_baselines: dict[int, datetime.date] = {}
    for task_id, name, day in Milestone.objects.filter(
        project=project, task_id__in=milestones
    ).values_list("task_id", "name", "baseline_date"):
        names[task_id] = name
        if day is not None:
            linked_baselines[task_id] = day
    baseline = latest_baseline(project)
    snapshot = _snapshot_tasks(baseline)
    milestone_baselines = {}
    for task_id in milestones:
        day = linked_baselines.get(task_id)
        if day is None:
            entry = snapshot.get(str(task_id))
            if isinstance(entry, dict):
                day = _parse_date(entry.get("finish")) or _parse_date(entry.get("start"))
        if day is not None:
            milestone_baselines[task_id] = day
    finishes = [
        day
        for entry in snapshot.values()
        if isinstance(entry, dict) and (day := _parse_date(entry.get("finish"))) is not None
    ]
    if finishes:
        baseline_finish = max(finishes)
    else:
        baseline, baseline_finish = None, project.planned_finish

    return RiskNetwork(
        tasks=risk_tasks,
        dependencies=dependencies,
        start=start,
        calendar=calendar,
        milestones=milestones,
        milestone_names={
            task_id: names.get(task_id) or wbs[task_id].name for task_id in milestones
        },
        milestone_baselines=milestone_baselines,
        baseline_finish=baseline_finish,
        baseline=baseline,
        by_id={t.pk: t for t in leaves},
        wbs=wbs,
        task_count=len(leaves) - len(milestones),
        estimated_count=estimated,
        adjusted_count=adjusted,
        problem=problem,
    )


# --- the analysis ----------------------------------------------------------------------------
@dataclass
class MilestoneRow:
    task: Task
    name: str
    distribution: DateDistribution


@dataclass
class CriticalityRow:
    task: Task
    index: float  # share of iterations in which the task was critical, 0-1
    optimistic: float
    pessimistic: float

    @property
    def percent(self) -> float:
        return self.index * 100


@dataclass
class Analysis:
    network: RiskNetwork
    result: ScheduleRiskResult | None = None
    error: str | None = None
    milestones: list[MilestoneRow] = field(default_factory=list)
    criticality: list[CriticalityRow] = field(default_factory=list)

    @property
    def has_tasks(self) -> bool:
        return bool(self.network.by_id)


def schedule_risk_analysis(project, *, iterations: int, seed: int, distribution: str) -> Analysis:
    """Simulate the project's plan (:func:`risk_network` then :func:`analyse`)."""
    return analyse(
        risk_network(project), iterations=iterations, seed=seed, distribution=distribution
    )


def analyse(network: RiskNetwork, *, iterations: int, seed: int, distribution: str) -> Analysis:
    """Simulate ``network``; a plan that cannot be scheduled gives ``error``, not an
    exception. Reads only: nothing is saved."""
    analysis = Analysis(network=network)
    if not network.by_id:
        return analysis
    if network.problem:
        analysis.error = network.problem
        return analysis
    try:
        result = simulate_schedule(
            network.tasks,
            network.dependencies,
            start=network.start,
            calendar=network.calendar,
            milestones=network.milestones,
            baseline_finish=network.baseline_finish,
            milestone_baselines=network.milestone_baselines,
            iterations=iterations,
            seed=seed,
            distribution=distribution,
        )
    except scheduling.ScheduleCycleError as error:
        analysis.error = cycle_message(error.cycle, network.wbs)
        return analysis
    except scheduling.ScheduleError as error:  # the engine's own errors are ScheduleErrors too
        analysis.error = _("The plan cannot be simulated: %(reason)s") % {"reason": error}
        return analysis
    analysis.result = result
    analysis.milestones = [
        MilestoneRow(
            task=network.by_id[task_id],
            name=network.milestone_names[task_id],
            distribution=result.milestones[task_id],
        )
        for task_id in network.milestones
    ]
    estimates = {t.id: t for t in network.tasks}
    ranked = sorted(
        (
            (index, network.by_id[task_id])
            for task_id, index in result.criticality.items()
            if task_id in network.by_id and network.by_id[task_id].duration_days > 0
        ),
        key=lambda pair: (-pair[0], pair[1].sort_key, pair[1].pk),
    )
    analysis.criticality = [
        CriticalityRow(
            task=task,
            index=index,
            optimistic=estimates[task.pk].optimistic,
            pessimistic=estimates[task.pk].pessimistic,
        )
        for index, task in ranked[:TOP_CRITICAL]
    ]
    return analysis

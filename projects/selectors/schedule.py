"""Reads for the schedule pages: the WBS in outline order with roll-ups, a task with its links.

Query counts do not grow with the number of tasks: the WBS is one query (tasks with their
assignee and linked milestone), the predecessor labels one more, and the roll-ups are
computed in Python from those rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q

from projects import scheduling
from projects.models import Baseline, Dependency, Task

PROJECT_NODE = "project"


def link_label(outline: str, kind: str, lag: int) -> str:
    """MS Project style: ``1.2FS``, ``1.2FS+2``, ``1.4SS-1``."""
    return f"{outline}{kind}{lag:+d}" if lag else f"{outline}{kind}"


@dataclass
class ScheduleRow:
    task: Task
    depth: int
    is_phase: bool
    percent: float
    effort: Decimal | None
    predecessors: str = ""


@dataclass
class ScheduleOverview:
    rows: list[ScheduleRow]
    percent_complete: float | None
    start: date | None
    finish: date | None
    task_count: int
    critical_count: int
    estimated_effort: Decimal | None
    actual_effort: Decimal | None
    by_id: dict[int, ScheduleRow] = field(default_factory=dict)


def schedule_overview(project) -> ScheduleOverview:
    """The whole WBS in outline order, phases and the project rolled up (two queries)."""
    tasks = list(
        Task.objects.filter(project=project)
        .select_related("assignee", "milestone")
        .order_by("sort_key", "pk")
    )
    labels: dict[int, list[str]] = defaultdict(list)
    for successor_id, outline, kind, lag in (
        Dependency.objects.filter(successor__project=project)
        .order_by("predecessor__sort_key")
        .values_list("successor_id", "predecessor__outline", "type", "lag_days")
    ):
        labels[successor_id].append(link_label(outline, kind, lag))

    phases = {t.parent_id for t in tasks if t.parent_id is not None}
    nodes = [
        scheduling.WbsNode(
            id=t.pk,
            parent=t.parent_id if t.parent_id is not None else PROJECT_NODE,
            start=t.early_start,
            finish=t.early_finish,
            duration=t.duration_days,
            percent_complete=float(t.percent_complete),
            effort=float(t.estimated_effort_hours) if t.estimated_effort_hours else None,
        )
        for t in tasks
    ]
    rollups = {}
    if nodes:
        rollups = scheduling.roll_up_phases([scheduling.WbsNode(id=PROJECT_NODE), *nodes])

    # Estimated effort of a phase: the sum of its tasks' (None when one has none).
    children: dict[int, list[int]] = defaultdict(list)
    for task in tasks:
        if task.parent_id is not None:
            children[task.parent_id].append(task.pk)
    efforts: dict[int, Decimal | None] = {}
    for task in reversed(tasks):  # a phase's tasks come after it in outline order
        if task.pk in phases:
            kids = [efforts.get(kid) for kid in children[task.pk]]
            efforts[task.pk] = None if None in kids else sum(kids, Decimal(0))
        else:
            efforts[task.pk] = task.estimated_effort_hours
    rows = []
    for task in tasks:
        is_phase = task.pk in phases
        rows.append(
            ScheduleRow(
                task=task,
                depth=task.outline.count("."),
                is_phase=is_phase,
                percent=(
                    rollups[task.pk].percent_complete if is_phase else float(task.percent_complete)
                ),
                effort=efforts.get(task.pk),
                predecessors=", ".join(labels.get(task.pk, ())),
            )
        )
    leaves = [t for t in tasks if t.pk not in phases]
    project_rollup = rollups.get(PROJECT_NODE)
    estimated = [t.estimated_effort_hours for t in leaves if t.estimated_effort_hours is not None]
    actual = [t.actual_effort_hours for t in leaves if t.actual_effort_hours is not None]
    return ScheduleOverview(
        rows=rows,
        percent_complete=project_rollup.percent_complete if project_rollup else None,
        start=project_rollup.start if project_rollup else None,
        finish=project_rollup.finish if project_rollup else None,
        task_count=len(leaves),
        critical_count=sum(1 for t in leaves if t.is_critical),
        estimated_effort=sum(estimated, Decimal(0)) if estimated else None,
        actual_effort=sum(actual, Decimal(0)) if actual else None,
        by_id={row.task.pk: row for row in rows},
    )


def task_for_project(project, pk: int) -> Task | None:
    """One task of ``project`` with what its page shows; None when it is not there."""
    return (
        Task.objects.filter(project=project, pk=pk)
        .select_related("project", "parent", "assignee", "milestone", "created_by")
        .first()
    )


def task_links(task) -> tuple[list[Dependency], list[Dependency]]:
    """(links into the task, links out of it), each with the task at the other end."""
    links = list(
        Dependency.objects.filter(Q(successor=task) | Q(predecessor=task))
        .select_related("predecessor", "successor")
        .order_by("predecessor__sort_key", "successor__sort_key")
    )
    return (
        [d for d in links if d.successor_id == task.pk],
        [d for d in links if d.predecessor_id == task.pk],
    )


def task_children_count(task) -> int:
    return Task.objects.filter(parent=task).count()


def baselines_of(project):
    return Baseline.objects.filter(project=project).select_related("created_by")

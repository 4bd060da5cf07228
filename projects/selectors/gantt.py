"""Reads for the charts: a project's Gantt rows and a portfolio's milestone timeline.

Query counts do not grow with the plan: the Gantt page reads the tasks, the milestones, the
list of baselines and the compared baseline once each (plus the working calendar when some
task has no stored dates yet), whatever the number of tasks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from pmo.core import policy
from projects.charts.gantt import MILESTONE, PHASE, TASK, GanttItem
from projects.charts.timeline import TimelineMilestone
from projects.models import Baseline, Milestone, MilestoneStatus, Project, Task
from projects.services.schedule import calendar_of
from projects.working_calendar import WorkingCalendar


@dataclass
class GanttPlan:
    items: list[GanttItem]
    baselines: list[Baseline]  # newest first, without their snapshots
    baseline: Baseline | None  # the one compared, with its snapshot
    unscheduled: int = 0  # tasks shown at planned dates because no schedule was stored
    milestone_count: int = 0
    critical_count: int = 0
    span: tuple[datetime.date, datetime.date] | None = None


def project_baselines(project: Project) -> list[Baseline]:
    """The project's saved baselines, newest first, without the (large) snapshots."""
    return list(
        Baseline.objects.filter(project=project).defer("snapshot").order_by("-created_at", "-pk")
    )


def baseline_with_snapshot(project: Project, baseline_id: int) -> Baseline | None:
    """One of the project's baselines with its snapshot; None when the id is not the project's."""
    return Baseline.objects.filter(project=project, pk=baseline_id).first()


def _parse_date(value) -> datetime.date | None:
    """A date from a baseline snapshot; anything unreadable counts as absent, never a 500."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _snapshot_part(baseline: Baseline | None, part: str) -> dict:
    snapshot = baseline.snapshot if baseline is not None else None
    section = snapshot.get(part) if isinstance(snapshot, dict) else None
    return section if isinstance(section, dict) else {}


def _entry(section: dict, pk: int) -> dict:
    entry = section.get(str(pk))
    return entry if isinstance(entry, dict) else {}


def _planned_dates(task: Task, project: Project, calendar: WorkingCalendar):
    """Where a task would sit without a schedule run: its start constraint (or the project
    start), snapped to a working day, for its duration in working days."""
    start = calendar.snap_forward(task.planned_start or project.planned_start)
    if task.duration_days <= 0:
        return start, start
    return start, calendar.date_of(calendar.index_of(start) + task.duration_days - 1)


def gantt_plan(
    project: Project,
    *,
    today: datetime.date,
    baseline: Baseline | None = None,
    baselines: list[Baseline] | None = None,
) -> GanttPlan:
    """The rows of the project's Gantt chart in WBS order, compared with ``baseline``.

    Without ``baseline`` the latest one is compared (if the plan was ever baselined).
    ``baselines`` is :func:`project_baselines`, when the caller has it already.
    Current dates are the stored schedule (early start and finish, kept by the scheduling
    service); a task not scheduled yet sits at its planned start for its duration. Phases
    without stored dates span their children. A task that places a milestone (or has no
    duration) is a diamond at the milestone's forecast date; milestones without a task are
    listed after the WBS, by date.
    """
    if baselines is None:
        baselines = project_baselines(project)
    if baseline is None and baselines:
        baseline = Baseline.objects.get(pk=baselines[0].pk)
    base_tasks = _snapshot_part(baseline, "tasks")
    base_milestones = _snapshot_part(baseline, "milestones")

    tasks = list(
        Task.objects.filter(project=project)
        .select_related("assignee")
        .only(
            "pk",
            "parent_id",
            "outline",
            "sort_key",
            "name",
            "duration_days",
            "planned_start",
            "percent_complete",
            "early_start",
            "early_finish",
            "is_critical",
            "assignee__first_name",
            "assignee__last_name",
            "assignee__username",
        )
        .order_by("sort_key", "position", "pk")
    )
    milestones = list(
        Milestone.objects.filter(project=project)
        .order_by("forecast_date", "pk")
        .only("pk", "name", "task_id", "forecast_date", "baseline_date", "actual_date")
    )
    milestone_of_task = {m.task_id: m for m in milestones if m.task_id}

    by_id = {t.pk: t for t in tasks}
    children: dict[int, list[Task]] = {}
    for task in tasks:
        if task.parent_id in by_id:
            children.setdefault(task.parent_id, []).append(task)
    levels: dict[int, int] = {}
    for task in tasks:  # WBS order: a phase comes before its children
        levels[task.pk] = levels.get(task.parent_id, -1) + 1 if task.parent_id in by_id else 0

    # Current dates of the leaves: stored schedule first, planned dates otherwise.
    calendar = None
    unscheduled = 0
    dates: dict[int, tuple[datetime.date, datetime.date]] = {}
    for task in tasks:
        if task.early_start and task.early_finish:
            dates[task.pk] = (task.early_start, task.early_finish)
        elif task.pk not in children:
            calendar = calendar or calendar_of(project)
            dates[task.pk] = _planned_dates(task, project, calendar)
            unscheduled += 1
    # Phases without stored dates span their children: deepest first, so nested phases
    # are known before their own phase needs them.
    for phase in sorted((by_id[pk] for pk in children), key=lambda t: levels[t.pk], reverse=True):
        if phase.pk in dates:
            continue
        spans = [dates[kid.pk] for kid in children[phase.pk] if kid.pk in dates]
        if spans:
            dates[phase.pk] = (min(s for s, _f in spans), max(f for _s, f in spans))

    def milestone_baseline(milestone: Milestone) -> datetime.date | None:
        if baseline is None:
            return milestone.baseline_date
        return _parse_date(_entry(base_milestones, milestone.pk).get("date"))

    def status_label(milestone: Milestone) -> str:
        return str(MilestoneStatus(milestone.status_on(today)).label)

    items: list[GanttItem] = []
    for task in tasks:
        start, finish = dates.get(task.pk, (None, None))
        snap = _entry(base_tasks, task.pk)
        base_start, base_finish = _parse_date(snap.get("start")), _parse_date(snap.get("finish"))
        common = {
            "key": f"task-{task.pk}",
            "outline": task.outline,
            "name": task.name,
            "level": levels[task.pk],
            "is_critical": task.is_critical,
            "percent_complete": task.percent_complete,
            "duration_days": task.duration_days,
            "assignee": str(task.assignee) if task.assignee else "",
        }
        # A phase stays a summary bar even if a milestone names it; that milestone is then
        # listed after the WBS with the others that have no task of their own.
        milestone = None if task.pk in children else milestone_of_task.get(task.pk)
        if milestone is not None:
            base_day = milestone_baseline(milestone)
            items.append(
                GanttItem(
                    **common,
                    kind=MILESTONE,
                    start=milestone.forecast_date,
                    finish=milestone.forecast_date,
                    baseline_start=base_day,
                    baseline_finish=base_day,
                    status=status_label(milestone),
                    scheduled=start if start != milestone.forecast_date else None,
                )
            )
        elif task.pk not in children and task.duration_days == 0:
            items.append(
                GanttItem(
                    **common,
                    kind=MILESTONE,
                    start=start,
                    finish=start,
                    baseline_start=base_start,
                    baseline_finish=base_start,
                )
            )
        else:
            items.append(
                GanttItem(
                    **common,
                    kind=PHASE if task.pk in children else TASK,
                    start=start,
                    finish=finish,
                    baseline_start=base_start,
                    baseline_finish=base_finish,
                )
            )
    for milestone in milestones:
        if milestone.task_id in by_id and milestone.task_id not in children:
            continue
        base_day = milestone_baseline(milestone)
        items.append(
            GanttItem(
                key=f"milestone-{milestone.pk}",
                outline="",
                name=milestone.name,
                level=0,
                kind=MILESTONE,
                start=milestone.forecast_date,
                finish=milestone.forecast_date,
                baseline_start=base_day,
                baseline_finish=base_day,
                status=status_label(milestone),
            )
        )

    days = [d for item in items for d in (item.start, item.finish) if d is not None]
    return GanttPlan(
        items=items,
        baselines=baselines,
        baseline=baseline,
        unscheduled=unscheduled,
        milestone_count=sum(1 for item in items if item.kind == MILESTONE),
        critical_count=sum(1 for item in items if item.kind == TASK and item.is_critical),
        span=(min(days), max(days)) if days else None,
    )


def portfolio_timeline(
    portfolio,
    user,
    *,
    today: datetime.date,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[TimelineMilestone]:
    """Milestones of the portfolio's projects that ``user`` may see, by project and date.

    The window keeps a milestone when the date it is drawn at (actual, else forecast) falls
    within ``date_from`` .. ``date_to`` (both inclusive, either may be open). One query.
    """
    projects = policy.projects_for_user(Project.objects.all(), user).filter(portfolio=portfolio)
    milestones = (
        Milestone.objects.filter(project__in=projects.values("pk"))
        .select_related("project", "owner")
        .only(
            "name",
            "forecast_date",
            "baseline_date",
            "actual_date",
            "project__code",
            "project__name",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )
        .order_by("project__code", "forecast_date", "pk")
    )
    if date_from is not None:
        milestones = milestones.filter(
            Q(actual_date__gte=date_from)
            | Q(actual_date__isnull=True, forecast_date__gte=date_from)
        )
    if date_to is not None:
        milestones = milestones.filter(
            Q(actual_date__lte=date_to) | Q(actual_date__isnull=True, forecast_date__lte=date_to)
        )
    return [
        TimelineMilestone(
            project_code=m.project.code,
            project_name=m.project.name,
            name=m.name,
            status=m.status_on(today),
            forecast_date=m.forecast_date,
            baseline_date=m.baseline_date,
            actual_date=m.actual_date,
            owner=str(m.owner),
        )
        for m in milestones
    ]

"""Writes to the WBS (tasks and dependencies) and to the working calendars; scheduling runs here.

Every write that can move dates (a duration, a dependency, a move in the tree) reschedules the
whole project in the same transaction: ``projects.scheduling`` is fast enough (1,000 tasks in a
few tens of milliseconds) that the stored early/late dates, floats and roll-ups are always
current and pages never compute a schedule.

Writes lock the project row first (``select_for_update``), so two people editing one schedule
are serialised: the reschedule after each write then never stores a roll-up computed from
another person's half-finished change.

Rules the services keep:
- Dependencies link leaf tasks (zero-duration milestones included), never phases: a phase's
  dates are the roll-up of its tasks, it has no start of its own to link to. For the same
  reason a task that has dependencies cannot become a phase until they are removed.
- ``position`` is 1-based among siblings and normalised to 1..n on every renumbering;
  ``outline`` ("1.2.3") and ``sort_key`` ("0001.0002.0003") follow from it.
- A task that places a milestone in the schedule (``Milestone.task``) keeps a duration of 0,
  cannot become a phase and cannot be deleted while linked. Rescheduling never moves the
  milestone's forecast: that is the project manager's call.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from pmo.core import policy
from pmo.core.locking import create_versioned, save_versioned
from projects import scheduling
from projects.models import (
    Dependency,
    DependencyType,
    Holiday,
    Milestone,
    Project,
    Status,
    Task,
    WorkCalendar,
)
from projects.services.core import ensure_open_for_planning
from projects.working_calendar import WorkingCalendar

# outline is 60 characters and sort_key 240: ten levels of up to 9,999 siblings fit both.
MAX_DEPTH = 10
MAX_SIBLINGS = 9999
MAX_LAG_DAYS = 5000
_SORT_WIDTH = 4

TASK_FIELDS = {
    "parent",
    "position",
    "name",
    "description",
    "duration_days",
    "planned_start",
    "planned_finish",  # not stored: with planned_start it gives duration_days
    "optimistic_days",
    "pessimistic_days",
    "assignee",
    "percent_complete",
    "estimated_effort_hours",
    "actual_effort_hours",
}
# What a phase takes from its tasks, so nobody sets it by hand.
ROLLED_UP_FIELDS = (
    "duration_days",
    "planned_start",
    "planned_finish",
    "optimistic_days",
    "pessimistic_days",
    "percent_complete",
    "estimated_effort_hours",
    "actual_effort_hours",
)
SCHEDULE_FIELDS = [
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_float",
    "free_float",
    "is_critical",
]
# Phases also store their rolled-up work span and progress, for fast pages.
STORED_FIELDS = [*SCHEDULE_FIELDS, "duration_days", "percent_complete"]
_ONE_DAY = timedelta(days=1)


# --- calendar and network -------------------------------------------------------------------
def calendar_of(project) -> WorkingCalendar:
    """The project's working calendar: its own, else the default one, else Monday-Friday."""
    calendar = None
    if project.calendar_id:
        calendar = WorkCalendar.objects.filter(pk=project.calendar_id).first()
    if calendar is None:
        calendar = WorkCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        return WorkingCalendar()
    holidays = Holiday.objects.filter(calendar=calendar).values_list("date", flat=True)
    return WorkingCalendar(weekend=calendar.weekend_days, holidays=list(holidays))


def working_days_between(calendar: WorkingCalendar, start: date, finish: date) -> int:
    """Working days from ``start`` to ``finish``, both included (a task's duration)."""
    return calendar.count_working_days(start, finish + _ONE_DAY)


def task_label(task) -> str:
    return f"{task.outline} {task.name}".strip()


def _load_tasks(project) -> list[Task]:
    return list(
        Task.objects.filter(project=project)
        .only(
            "id",
            "project_id",
            "parent_id",
            "outline",
            "name",
            "duration_days",
            "planned_start",
            "percent_complete",
            "estimated_effort_hours",
            *SCHEDULE_FIELDS,
        )
        .order_by("sort_key", "pk")
    )


def _load_links(project) -> list[scheduling.Dependency]:
    return [
        scheduling.Dependency(predecessor=pred, successor=succ, type=kind, lag=lag)
        for pred, succ, kind, lag in Dependency.objects.filter(
            successor__project=project
        ).values_list("predecessor_id", "successor_id", "type", "lag_days")
    ]


def _phase_ids(tasks) -> set[int]:
    return {t.parent_id for t in tasks if t.parent_id is not None}


def _compute(project, tasks, links, calendar) -> scheduling.Schedule:
    phases = _phase_ids(tasks)
    leaves = [
        scheduling.ScheduleTask(
            id=t.pk, duration=t.duration_days, start_no_earlier_than=t.planned_start
        )
        for t in tasks
        if t.pk not in phases
    ]
    try:
        return scheduling.compute_schedule(
            leaves, links, start=project.planned_start, calendar=calendar
        )
    except scheduling.ScheduleCycleError as error:
        raise ValidationError(cycle_message(error.cycle, {t.pk: t for t in tasks})) from error


def cycle_message(cycle: list[int], tasks_by_id: dict) -> str:
    steps = " -> ".join(task_label(tasks_by_id[task_id]) for task_id in [*cycle, cycle[0]])
    return _("Dependency cycle: %(steps)s") % {"steps": steps}


def _store(tasks, schedule: scheduling.Schedule, calendar: WorkingCalendar) -> None:
    """Write the schedule and the phases' roll-ups: one batch update of the rows that changed."""
    by_id = {t.pk: t for t in tasks}
    phases = _phase_ids(tasks)
    new_values: dict[int, tuple] = {}
    for task_id, result in schedule.tasks.items():
        task = by_id[task_id]
        new_values[task_id] = (
            result.start_date,
            result.finish_date,
            result.late_start_date,
            result.late_finish_date,
            result.total_float,
            result.free_float,
            result.is_critical,
            task.duration_days,
            task.percent_complete,
        )

    nodes = [
        scheduling.WbsNode(
            id=t.pk,
            parent=t.parent_id,
            start=new_values[t.pk][0] if t.pk not in phases else None,
            finish=new_values[t.pk][1] if t.pk not in phases else None,
            duration=t.duration_days,
            percent_complete=float(t.percent_complete),
            effort=(
                float(t.estimated_effort_hours) if t.estimated_effort_hours is not None else None
            ),
        )
        for t in tasks
    ]
    rollups = scheduling.roll_up_phases(nodes)
    # Late dates, float and criticality of a phase: the most urgent of its tasks, any depth.
    late_start: dict[int, date] = {}
    late_finish: dict[int, date] = {}
    total_float: dict[int, int] = {}
    critical: dict[int, bool] = defaultdict(bool)
    for task_id, result in schedule.tasks.items():
        parent = by_id[task_id].parent_id
        while parent is not None:
            if parent not in late_start or result.late_start_date < late_start[parent]:
                late_start[parent] = result.late_start_date
            if parent not in late_finish or result.late_finish_date > late_finish[parent]:
                late_finish[parent] = result.late_finish_date
            if parent not in total_float or result.total_float < total_float[parent]:
                total_float[parent] = result.total_float
            critical[parent] |= result.is_critical
            parent = by_id[parent].parent_id
    for phase_id, rollup in rollups.items():
        span = 0
        if rollup.start is not None and rollup.finish is not None:
            span = max(0, working_days_between(calendar, rollup.start, rollup.finish))
        new_values[phase_id] = (
            rollup.start,
            rollup.finish,
            late_start.get(phase_id),
            late_finish.get(phase_id),
            total_float.get(phase_id),
            None,
            critical[phase_id],
            span,
            round(rollup.percent_complete),
        )

    changed = []
    for task in tasks:
        values = new_values[task.pk]
        if tuple(getattr(task, name) for name in STORED_FIELDS) != values:
            for name, value in zip(STORED_FIELDS, values, strict=True):
                setattr(task, name, value)
            changed.append(task)
    _write_rows(changed, STORED_FIELDS)


def _write_rows(tasks: list[Task], fields: list[str]) -> None:
    """Store ``fields`` of ``tasks`` in one statement per thousand rows.

    On PostgreSQL this is ``UPDATE ... FROM (VALUES ...)``: Django's ``bulk_update`` builds a
    CASE expression per row and field, which takes seconds of Python for 1,000 tasks. Other
    databases (the SQLite development setup) use ``bulk_update``.
    """
    if not tasks:
        return
    if connection.vendor != "postgresql":
        Task.objects.bulk_update(tasks, fields, batch_size=500)
        return
    quote = connection.ops.quote_name
    columns = [Task._meta.get_field(name) for name in fields]
    pk = Task._meta.pk
    names = ["id", *(f"c{i}" for i in range(len(columns)))]
    assignments = ", ".join(
        f"{quote(column.column)} = v.c{i}::{column.db_type(connection)}"
        for i, column in enumerate(columns)
    )
    for start in range(0, len(tasks), 1000):
        chunk = tasks[start : start + 1000]
        row = "(" + ", ".join(["%s"] * len(names)) + ")"
        params = []
        for task in chunk:
            params.append(task.pk)
            params.extend(
                column.get_db_prep_save(getattr(task, column.attname), connection)
                for column in columns
            )
        sql = (
            f"UPDATE {quote(Task._meta.db_table)} AS t SET {assignments} "
            f"FROM (VALUES {', '.join([row] * len(chunk))}) AS v({', '.join(names)}) "
            f"WHERE t.{quote(pk.column)} = v.id::{pk.db_type(connection)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def reschedule_project(*, project) -> scheduling.Schedule:
    """Schedule the project's tasks and store dates, floats and phase roll-ups.

    Computed values only: no permission check and no history (those fields are excluded from
    it). Linked milestones keep their forecast. Raises ValidationError naming the tasks of a
    dependency cycle (the services refuse cycles before they are saved, so only data written
    around them can have one).
    """
    tasks = _load_tasks(project)
    calendar = calendar_of(project)
    schedule = _compute(project, tasks, _load_links(project), calendar)
    _store(tasks, schedule, calendar)
    return schedule


def renumber_outline(*, project) -> None:
    """Recompute outline numbers, sort keys and 1..n sibling positions from the tree."""
    tasks = list(
        Task.objects.filter(project=project)
        .only("id", "parent_id", "position", "outline", "sort_key")
        .order_by()
    )
    children: dict[int | None, list[Task]] = defaultdict(list)
    for task in tasks:
        children[task.parent_id].append(task)
    changed = []
    pending = [(None, "", "")]
    while pending:
        parent_id, outline, key = pending.pop()
        siblings = sorted(children.get(parent_id, ()), key=lambda t: (t.position, t.pk))
        for index, task in enumerate(siblings, start=1):
            new_outline = f"{outline}.{index}" if outline else str(index)
            new_key = f"{key}.{index:0{_SORT_WIDTH}d}" if key else f"{index:0{_SORT_WIDTH}d}"
            if (task.outline, task.sort_key, task.position) != (new_outline, new_key, index):
                task.outline, task.sort_key, task.position = new_outline, new_key, index
                changed.append(task)
            pending.append((task.pk, new_outline, new_key))
    _write_rows(changed, ["outline", "sort_key", "position"])


# --- permission and locking -----------------------------------------------------------------
def _lock_for_planning(project, by) -> Project:
    """The project row, locked until the transaction ends, once the user may change its plan."""
    if not policy.can_change_project(by, project):
        raise PermissionDenied
    locked = Project.objects.select_for_update().get(pk=project.pk)
    ensure_open_for_planning(locked)
    return locked


def can_update_progress(user, task) -> bool:
    """Planners, and the person the task is assigned to (DESIGN.md: members report progress)."""
    if not user.is_authenticated:
        return False
    if task.assignee_id is not None and task.assignee_id == user.pk:
        return True
    return policy.can_change_project(user, task.project)


# --- tree checks ----------------------------------------------------------------------------
def _tree(project) -> dict[int, int | None]:
    return dict(Task.objects.filter(project=project).values_list("id", "parent_id"))


def _depth(tree: dict, task_id: int | None) -> int:
    depth = 0
    while task_id is not None:
        depth += 1
        task_id = tree[task_id]
    return depth


def _subtree_height(tree: dict, task_id: int) -> int:
    children = defaultdict(list)
    for child, parent in tree.items():
        children[parent].append(child)
    height, level = 0, [task_id]
    while level:
        height += 1
        level = [kid for node in level for kid in children[node]]
    return height


def _check_parent(*, parent, project, tree: dict, task=None) -> None:
    """Refuse a phase that cannot hold ``task`` (or a new task when ``task`` is None)."""
    if parent is None:
        return
    if parent.project_id != project.pk:
        raise ValidationError({"parent": _("The phase belongs to another project.")})
    if task is not None and task.pk is not None:
        step = parent.pk
        while step is not None:
            if step == task.pk:
                raise ValidationError(
                    {"parent": _("A task cannot move under itself or one of its own tasks.")}
                )
            step = tree[step]
    height = _subtree_height(tree, task.pk) if task is not None and task.pk else 1
    if _depth(tree, parent.pk) + height > MAX_DEPTH:
        raise ValidationError(
            {"parent": _("The WBS goes at most %(n)d levels deep.") % {"n": MAX_DEPTH}}
        )
    if Dependency.objects.filter(Q(predecessor=parent) | Q(successor=parent)).exists():
        raise ValidationError(
            {
                "parent": _(
                    "“%(task)s” has dependencies: remove them before putting tasks under it "
                    "(phases are not linked, their tasks are)."
                )
                % {"task": task_label(parent)}
            }
        )
    milestone = Milestone.objects.filter(task=parent).first()
    if milestone is not None:
        raise ValidationError(
            {
                "parent": _(
                    "“%(task)s” places the milestone “%(milestone)s”: it cannot be a phase."
                )
                % {"task": task_label(parent), "milestone": milestone.name}
            }
        )


def _place(task, *, project, parent, position, tree: dict) -> None:
    """Put ``task`` at ``position`` (1-based, None = last) among ``parent``'s tasks."""
    siblings = list(
        Task.objects.filter(project=project, parent=parent)
        .exclude(pk=task.pk)
        .only("id", "position")
        .order_by("position", "pk")
    )
    if task.pk is None and len(siblings) >= MAX_SIBLINGS:
        raise ValidationError(
            {"parent": _("A phase holds at most %(n)d tasks.") % {"n": MAX_SIBLINGS}}
        )
    index = len(siblings) if not position or position > len(siblings) else position - 1
    siblings.insert(index, task)
    changed = []
    for number, sibling in enumerate(siblings, start=1):
        if sibling is task:
            task.position = number
        elif sibling.position != number:
            sibling.position = number
            changed.append(sibling)
    task.parent = parent
    if changed:
        Task.objects.bulk_update(changed, ["position"])


def _check_assignee(project, assignee) -> None:
    if assignee is None or assignee.pk == project.project_manager_id:
        return
    if not project.memberships.filter(user=assignee).exists():
        raise ValidationError(
            {"assignee": _("%(person)s is not on the project team.") % {"person": assignee}}
        )


def _apply_finish(task, finish, calendar_source) -> None:
    """A planned finish (with the start) sets the duration in working days."""
    if finish is None:
        return
    if task.planned_start is None:
        raise ValidationError(
            {"planned_start": _("Give the start too, or give a duration instead of a finish.")}
        )
    if finish < task.planned_start:
        raise ValidationError({"planned_finish": _("The finish cannot be before the start.")})
    days = working_days_between(calendar_source(), task.planned_start, finish)
    if days <= 0:
        raise ValidationError(
            {
                "planned_finish": _(
                    "There is no working day from the start to the finish in this "
                    "project's calendar."
                )
            }
        )
    task.duration_days = days


def _check_fields(data: dict) -> None:
    unknown = set(data) - TASK_FIELDS
    if unknown:
        raise ValueError(f"Unknown task fields: {sorted(unknown)}")


def _has_children(task) -> bool:
    return task.pk is not None and Task.objects.filter(parent=task).exists()


def _linked_milestone(task):
    return Milestone.objects.filter(task=task).first() if task.pk else None


def _check_milestone_task(task) -> None:
    milestone = _linked_milestone(task)
    if milestone is not None and task.duration_days != 0:
        raise ValidationError(
            {
                "duration_days": _(
                    "This task places the milestone “%(milestone)s” in the schedule: "
                    "its duration stays 0."
                )
                % {"milestone": milestone.name}
            }
        )


def _after_tree_change(project) -> None:
    renumber_outline(project=project)
    reschedule_project(project=project)


# --- tasks ----------------------------------------------------------------------------------
@transaction.atomic
def task_create(*, project, by, data: dict) -> Task:
    """Add a task (or a future phase) to the WBS; ``data`` holds Task fields by name.

    ``planned_finish`` with ``planned_start`` sets the duration in working days of the
    project's calendar; ``position`` (1-based, empty = last) places it among its siblings.
    """
    _check_fields(data)
    project = _lock_for_planning(project, by)
    values = dict(data)
    finish = values.pop("planned_finish", None)
    parent = values.pop("parent", None)
    position = values.pop("position", None)
    task = Task(project=project, **values)
    _apply_finish(task, finish, lambda: calendar_of(project))
    tree = _tree(project)
    _check_parent(parent=parent, project=project, tree=tree)
    _check_assignee(project, task.assignee)
    _place(task, project=project, parent=parent, position=position, tree=tree)
    create_versioned(instance=task, by=by, reason=_("Task added"))
    _after_tree_change(project)
    task.refresh_from_db()
    return task


@transaction.atomic
def task_update(*, task, by, data: dict, expected_version: int) -> Task:
    """Change a task; moves it too when ``data`` has another ``parent`` or ``position``.

    Raises StaleObjectError when someone saved the task after ``expected_version``.
    """
    _check_fields(data)
    project = _lock_for_planning(task.project, by)
    values = dict(data)
    finish = values.pop("planned_finish", None)
    is_phase = _has_children(task)
    if is_phase:
        errors = {}
        for name in ROLLED_UP_FIELDS:
            if name == "planned_finish":
                changed = finish is not None
            else:
                changed = name in data and data[name] != getattr(task, name)
            if changed:
                errors[name] = _("A phase takes this from its tasks.")
        if errors:
            raise ValidationError(errors)
    new_parent = values.pop("parent", task.parent)
    position = values.pop("position", None)
    for name, value in values.items():
        setattr(task, name, value)
    _apply_finish(task, finish, lambda: calendar_of(project))
    _check_assignee(project, task.assignee)
    _check_milestone_task(task)
    moved = new_parent != task.parent or (position and position != task.position)
    if moved:
        tree = _tree(project)
        _check_parent(parent=new_parent, project=project, tree=tree, task=task)
        _place(task, project=project, parent=new_parent, position=position, tree=tree)
    save_versioned(instance=task, expected_version=expected_version, by=by)
    if moved:
        _after_tree_change(project)
    else:
        reschedule_project(project=project)
    task.refresh_from_db()
    return task


@transaction.atomic
def task_move(*, task, by, parent, position) -> Task:
    """Move a task (with its subtree) under ``parent`` (None = top level) at ``position``."""
    project = _lock_for_planning(task.project, by)
    task = Task.objects.select_for_update().get(pk=task.pk)
    tree = _tree(project)
    _check_parent(parent=parent, project=project, tree=tree, task=task)
    _place(task, project=project, parent=parent, position=position, tree=tree)
    save_versioned(instance=task, expected_version=task.version, by=by, reason=_("Moved"))
    _after_tree_change(project)
    task.refresh_from_db()
    return task


@transaction.atomic
def task_delete(*, task, by) -> None:
    """Delete a task and its dependencies; phases with tasks and milestone tasks are kept."""
    project = _lock_for_planning(task.project, by)
    children = Task.objects.filter(parent=task).count()
    if children:
        raise ValidationError(
            _("“%(task)s” is a phase with %(n)d tasks: move or delete its tasks first.")
            % {"task": task_label(task), "n": children}
        )
    milestone = _linked_milestone(task)
    if milestone is not None:
        raise ValidationError(
            _(
                "“%(task)s” places the milestone “%(milestone)s” in the schedule: unlink it "
                "from the milestone first."
            )
            % {"task": task_label(task), "milestone": milestone.name}
        )
    for link in Dependency.objects.filter(Q(predecessor=task) | Q(successor=task)):
        link._history_user = by
        link.delete()
    task._history_user = by
    task.delete()
    _after_tree_change(project)


@transaction.atomic
def task_progress_update(
    *, task, by, percent_complete, actual_effort_hours=None, expected_version: int
) -> Task:
    """Record progress (and optionally hours spent); the task's assignee may do this too."""
    if not can_update_progress(by, task):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=task.project_id)
    ensure_open_for_planning(project)
    if _has_children(task):
        raise ValidationError({"percent_complete": _("A phase's progress comes from its tasks.")})
    if not isinstance(percent_complete, int) or isinstance(percent_complete, bool):
        raise ValidationError({"percent_complete": _("Give a whole number from 0 to 100.")})
    task.percent_complete = percent_complete
    if actual_effort_hours is not None:
        if Decimal(actual_effort_hours) < 0:
            raise ValidationError({"actual_effort_hours": _("Hours cannot be negative.")})
        task.actual_effort_hours = Decimal(actual_effort_hours)
    save_versioned(
        instance=task, expected_version=expected_version, by=by, reason=_("Progress updated")
    )
    reschedule_project(project=project)
    task.refresh_from_db()
    return task


# --- dependencies ---------------------------------------------------------------------------
@transaction.atomic
def dependency_add(*, successor, predecessor, by, type, lag_days) -> Dependency:
    """Link ``predecessor`` to ``successor``; refused when it would close a cycle."""
    project = _lock_for_planning(successor.project, by)
    if predecessor.project_id != successor.project_id:
        raise ValidationError(
            {
                "predecessor": _("“%(task)s” belongs to another project.")
                % {"task": task_label(predecessor)}
            }
        )
    if predecessor.pk == successor.pk:
        raise ValidationError({"predecessor": _("A task cannot depend on itself.")})
    if type not in DependencyType.values:
        raise ValidationError(
            {
                "type": _(
                    "Choose finish-to-start, start-to-start, finish-to-finish or start-to-finish."
                )
            }
        )
    if not isinstance(lag_days, int) or isinstance(lag_days, bool):
        raise ValidationError({"lag_days": _("Give the lag as a whole number of working days.")})
    if abs(lag_days) > MAX_LAG_DAYS:
        raise ValidationError(
            {"lag_days": _("A lag or lead is at most %(n)d working days.") % {"n": MAX_LAG_DAYS}}
        )
    for field, task in (("predecessor", predecessor), ("successor", successor)):
        if _has_children(task):
            raise ValidationError(
                {
                    field: _("“%(task)s” is a phase: link the tasks inside it.")
                    % {"task": task_label(task)}
                }
            )
    if Dependency.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise ValidationError(
            {
                "predecessor": _("“%(successor)s” already depends on “%(predecessor)s”.")
                % {
                    "successor": task_label(successor),
                    "predecessor": task_label(predecessor),
                }
            }
        )
    tasks = _load_tasks(project)
    links = _load_links(project)
    links.append(scheduling.Dependency(predecessor.pk, successor.pk, type=type, lag=lag_days))
    calendar = calendar_of(project)
    try:
        schedule = _compute(project, tasks, links, calendar)
    except ValidationError as error:
        raise ValidationError({"predecessor": error.messages}) from error
    dependency = Dependency(
        predecessor=predecessor, successor=successor, type=type, lag_days=lag_days, created_by=by
    )
    dependency.full_clean()
    dependency._history_user = by
    dependency.save()
    _store(tasks, schedule, calendar)
    return dependency


@transaction.atomic
def dependency_remove(*, dependency, by) -> None:
    project = _lock_for_planning(dependency.successor.project, by)
    dependency._history_user = by
    dependency.delete()
    reschedule_project(project=project)


# --- working calendars (PMO staff) ----------------------------------------------------------
def _reschedule_calendar_users(calendar: WorkCalendar, *, was_default: bool) -> int:
    """Reschedule open projects whose dates depend on ``calendar``; returns how many."""
    uses = Q(calendar=calendar)
    if calendar.is_default or was_default:
        uses |= Q(calendar__isnull=True)
    projects = (
        Project.objects.filter(uses, tasks__isnull=False)
        .exclude(status__in=[Status.CLOSED, Status.CANCELLED])
        .distinct()
    )
    count = 0
    for project in projects:
        reschedule_project(project=project)
        count += 1
    return count


@transaction.atomic
def calendar_save(*, calendar: WorkCalendar, by, data: dict) -> WorkCalendar:
    """Create or change a working calendar; making it the default unsets the old default."""
    policy.require_pmo_staff(by)
    was_default = False
    if calendar.pk:
        calendar = WorkCalendar.objects.select_for_update().get(pk=calendar.pk)
        was_default = calendar.is_default
    for name, value in data.items():
        setattr(calendar, name, value)
    if calendar.pk is None:
        calendar.created_by = by
    if isinstance(calendar.weekend_days, list):
        calendar.weekend_days = sorted({int(day) for day in calendar.weekend_days})
    if calendar.is_default:
        # Only one default: the old one steps down first (rolled back if this save fails).
        WorkCalendar.objects.filter(is_default=True).exclude(pk=calendar.pk).update(
            is_default=False
        )
    calendar.full_clean()
    calendar.save()
    _reschedule_calendar_users(calendar, was_default=was_default)
    return calendar


@transaction.atomic
def holiday_add(*, calendar: WorkCalendar, by, day: date, name: str) -> Holiday:
    policy.require_pmo_staff(by)
    if Holiday.objects.filter(calendar=calendar, date=day).exists():
        raise ValidationError(
            {
                "date": _("%(calendar)s already has a holiday on %(date)s.")
                % {"calendar": calendar.name, "date": day.isoformat()}
            }
        )
    holiday = Holiday(calendar=calendar, date=day, name=name)
    holiday.full_clean()
    holiday.save()
    _reschedule_calendar_users(calendar, was_default=False)
    return holiday


@transaction.atomic
def holiday_remove(*, holiday: Holiday, by) -> None:
    policy.require_pmo_staff(by)
    calendar = holiday.calendar
    holiday.delete()
    _reschedule_calendar_users(calendar, was_default=False)

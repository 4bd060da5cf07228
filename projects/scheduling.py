"""Critical-path scheduling of a WBS, and the roll-up of its phases: plain functions on plain data.

No Django here (DESIGN.md section 3): services turn model rows into :class:`ScheduleTask` and
:class:`Dependency` values, call :func:`compute_schedule`, and store or render the result. That
keeps the arithmetic unit-testable without a database and fast enough to run on every save
(5,000 tasks and 10,000 dependencies take well under a second; see ``benchmarks/scheduler.py``).

Conventions
-----------
Offsets. The scheduler counts in whole *working days* from the project start: offset 0 is the
project start date (snapped forward to a working day), offset 1 the next working day, and so on
(``projects.working_calendar``). Dates are worked out once, at the end.

Exclusive finish. A task of duration ``d`` starting on offset ``s`` works on days
``s .. s+d-1`` and finishes at the end of day ``s+d-1``. Its early finish is stored exclusive,
``EF = ES + d`` (the first day it no longer occupies), and likewise ``LF = LS + d``. Shown dates
are ``start_date = date(ES)`` and ``finish_date = date(EF - 1)``; late dates the same way. A
milestone has ``d = 0`` and ``start_date = finish_date = date(ES)``.

Dependencies, predecessor P to successor S with lag L in working days (negative L = lead)::

    FS  ES(S) >= EF(P) + L    S starts after P finishes; L = 0 means the next working day
    SS  ES(S) >= ES(P) + L    S starts L days after P starts
    FF  EF(S) >= EF(P) + L    S finishes L days after P finishes
    SF  EF(S) >= ES(P) + L    S finishes once P has started (hand-overs, "keep the old
                              system running until the new one starts")

Forward pass (topological order, Kahn's algorithm: iterative, so a 5,000-task chain cannot
hit Python's recursion limit). ``ES = max(0, start_no_earlier_than, each predecessor's
requirement above)``; ``EF = ES + d``. Nothing starts before the project start.

Backward pass. The project finish ``PF = max(EF)``, or the ``deadline`` when one is given.
``LF = min(PF, each successor's requirement)`` where the requirements mirror the table above::

    FS  LF(P) <= LS(S) - L          SS  LS(P) <= LS(S) - L
    FF  LF(P) <= LF(S) - L          SF  LS(P) <= LF(S) - L

and ``LS = LF - d``. Every task is capped by PF, not only the last ones: with SS or SF links a
task with successors can still be the one that finishes last.

Total float ``TF = LS - ES`` (= ``LF - EF``): how far the task can slip without moving the
project finish (or missing the deadline; negative when the deadline is already missed).

Free float: how far the task can slip without moving any successor's early dates, the smallest
slack over its outgoing links, never below 0 (textbook PDM definitions)::

    FS  ES(S) - L - EF(P)       SS  ES(S) - L - ES(P)
    FF  EF(S) - L - EF(P)       SF  EF(S) - L - ES(P)

also capped by ``max(EF) - EF(P)``, which is the whole free float of a task without successors:
moving past the early project finish moves the project. Free float ignores the deadline.

Critical. A task is critical when its total float is <= 0. Without a deadline floats are never
negative, so that is "zero float". With a deadline later than the early finish every task has
float and nothing is critical; with an earlier one the negative floats show by how much each
path misses it.

Critical chains. ``critical_path`` lists every critical task, by early start. ``critical_chains``
follows the links that drive both passes (zero slack early and late) between critical tasks,
from a task nothing critical drives to one that drives nothing critical: each chain is an
ordered list of ids in dependency order (so across an SF link the successor can start earlier
than its predecessor). Parallel or merging paths give several chains; as their number can grow
exponentially with the network, at most ``max_critical_chains`` are listed.

Actual starts (progress override). A task with ``actual_start`` starts there, whatever its
predecessors say, and links *into* it no longer constrain either pass: it has started, so
finishing a predecessor late can no longer delay it. Its own successors still follow it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeAlias

from projects.working_calendar import WorkingCalendar

TaskId: TypeAlias = Hashable

_ONE_DAY = timedelta(days=1)


class DependencyType(StrEnum):
    FS = "FS"
    SS = "SS"
    FF = "FF"
    SF = "SF"


# Small integers for the hot loops: comparing ints is cheaper than comparing enum members.
_FS, _SS, _FF, _SF = 0, 1, 2, 3
_TYPE_CODES = {"FS": _FS, "SS": _SS, "FF": _FF, "SF": _SF}


class ScheduleError(ValueError):
    """The tasks or dependencies cannot be scheduled; the message says which and why."""


class ScheduleCycleError(ScheduleError):
    """Tasks that (directly or not) wait for themselves; ``cycle`` lists them in order."""

    def __init__(self, cycle: list[TaskId], what: str = "Dependency cycle") -> None:
        self.cycle = cycle
        steps = " -> ".join(str(task_id) for task_id in [*cycle, cycle[0]])
        super().__init__(f"{what}: {steps}")


# --- input ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ScheduleTask:
    """A task to schedule: never a summary (phases are rolled up, see roll_up_phases).

    ``start_no_earlier_than`` and ``actual_start`` are offsets or dates (dates need the
    project ``start``).
    """

    id: TaskId
    duration: int
    start_no_earlier_than: int | date | None = None
    actual_start: int | date | None = None


@dataclass(frozen=True, slots=True)
class Dependency:
    predecessor: TaskId
    successor: TaskId
    type: DependencyType | str = DependencyType.FS
    lag: int = 0


# --- output --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TaskSchedule:
    """One task's early and late dates; offsets are exclusive at the finish (module docstring)."""

    id: TaskId
    duration: int
    es: int
    ef: int
    ls: int
    lf: int
    total_float: int
    free_float: int
    is_critical: bool
    start_date: date | None = None
    finish_date: date | None = None
    late_start_date: date | None = None
    late_finish_date: date | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    """The whole result. Dates are None when no project ``start`` was given."""

    tasks: dict[TaskId, TaskSchedule]  # in input order
    project_start: date | None  # the start date snapped to a working day: offset 0
    project_finish: int  # max EF, exclusive like EF
    project_finish_date: date | None  # latest finish_date of any task
    deadline: int | None  # as an exclusive offset, when one was given
    critical_path: list[TaskId]  # critical tasks by early start
    critical_chains: list[list[TaskId]]
    critical_chains_truncated: bool  # more chains exist than max_critical_chains

    def __getitem__(self, task_id: TaskId) -> TaskSchedule:
        return self.tasks[task_id]


# --- scheduling ----------------------------------------------------------------------------
def compute_schedule(
    tasks: Iterable[ScheduleTask],
    dependencies: Iterable[Dependency] = (),
    *,
    start: date | None = None,
    calendar: WorkingCalendar | None = None,
    deadline: int | date | None = None,
    max_critical_chains: int = 100,
) -> Schedule:
    """Early and late dates, floats and critical path of ``tasks`` (conventions: module docstring).

    ``start`` is the project start date: without it the result has offsets only. ``calendar``
    defaults to Monday-Friday without holidays. ``deadline`` is an exclusive offset like EF, or
    the date by the end of which all work must be done.

    Raises ScheduleError for a duplicate task id, a negative or non-integer duration, a
    dependency on an unknown task or on itself, or an unknown dependency type, and
    ScheduleCycleError when dependencies form a cycle.
    """
    task_list = list(tasks)
    if calendar is None and start is not None:
        calendar = WorkingCalendar()
    origin = calendar.index_of(start) if calendar is not None and start is not None else None

    def offset(value: int | date | None, what: str, *, day_after: bool = False) -> int | None:
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        if not isinstance(value, date):
            raise ScheduleError(f"{what} must be a working-day offset or a date, got {value!r}")
        if calendar is None or origin is None:
            raise ScheduleError(f"{what} is a date: pass the project start date to use dates")
        if day_after:  # "by the end of this day" = before the next working day starts
            value += _ONE_DAY
        return calendar.index_of(value) - origin

    count = len(task_list)
    position: dict[TaskId, int] = {}
    ids: list[TaskId] = []
    durations: list[int] = []
    earliest: list[int] = []  # start-no-earlier-than, never before the project start
    actual: list[int | None] = []
    for task in task_list:
        if task.id in position:
            raise ScheduleError(f"Task {task.id!r} is listed twice")
        duration = task.duration
        if not isinstance(duration, int) or isinstance(duration, bool):
            raise ScheduleError(
                f"Task {task.id!r} has duration {duration!r}: use whole working days"
            )
        if duration < 0:
            raise ScheduleError(f"Task {task.id!r} has a negative duration ({duration})")
        position[task.id] = len(ids)
        ids.append(task.id)
        durations.append(duration)
        not_before = offset(task.start_no_earlier_than, f"Task {task.id!r} start constraint")
        earliest.append(max(0, not_before) if not_before is not None else 0)
        actual.append(offset(task.actual_start, f"Task {task.id!r} actual start"))
    deadline_offset = offset(deadline, "The deadline", day_after=True)

    # Links as (other task, type code, lag). Kahn's algorithm and cycle reports use every link;
    # the passes skip links into started tasks (progress override, module docstring).
    predecessors: list[list[tuple[int, int, int]]] = [[] for _ in range(count)]
    successors: list[list[tuple[int, int, int]]] = [[] for _ in range(count)]
    live_successors: list[list[tuple[int, int, int]]] = [[] for _ in range(count)]
    waiting = [0] * count  # unscheduled predecessors, for Kahn's algorithm
    for dependency in dependencies:
        pred_id, succ_id = dependency.predecessor, dependency.successor
        code = _TYPE_CODES.get(dependency.type) if isinstance(dependency.type, str) else None
        lag = dependency.lag
        if (
            pred_id not in position
            or succ_id not in position
            or pred_id == succ_id
            or code is None
            or not isinstance(lag, int)
            or isinstance(lag, bool)
        ):
            raise ScheduleError(_dependency_problem(dependency, position))
        pred, succ = position[pred_id], position[succ_id]
        predecessors[succ].append((pred, code, lag))
        successors[pred].append((succ, code, lag))
        if actual[succ] is None:
            live_successors[pred].append((succ, code, lag))
        waiting[succ] += 1

    order = topological_order(successors, waiting)
    if len(order) < count:
        cycle = _find_cycle(predecessors, waiting)
        raise ScheduleCycleError([ids[i] for i in cycle])

    # Forward pass.
    es = [0] * count
    ef = [0] * count
    for i in order:
        duration = durations[i]
        begin = actual[i]
        if begin is None:
            begin = earliest[i]
            for pred, code, lag in predecessors[i]:
                if code == _FS:
                    bound = ef[pred] + lag
                elif code == _SS:
                    bound = es[pred] + lag
                elif code == _FF:
                    bound = ef[pred] + lag - duration
                else:
                    bound = es[pred] + lag - duration
                if bound > begin:
                    begin = bound
        es[i] = begin
        ef[i] = begin + duration
    early_finish = max(ef, default=0)
    finish = early_finish if deadline_offset is None else deadline_offset

    # Backward pass, with free float from the same links.
    ls = [0] * count
    lf = [0] * count
    free = [0] * count
    for i in reversed(order):
        duration = durations[i]
        late = finish
        slack = early_finish - ef[i]
        es_i, ef_i = es[i], ef[i]
        for succ, code, lag in live_successors[i]:
            if code == _FS:
                bound = ls[succ] - lag
                gap = es[succ] - lag - ef_i
            elif code == _SS:
                bound = ls[succ] - lag + duration
                gap = es[succ] - lag - es_i
            elif code == _FF:
                bound = lf[succ] - lag
                gap = ef[succ] - lag - ef_i
            else:
                bound = lf[succ] - lag + duration
                gap = ef[succ] - lag - es_i
            if bound < late:
                late = bound
            if gap < slack:
                slack = gap
        lf[i] = late
        ls[i] = late - duration
        free[i] = slack if slack > 0 else 0

    critical = [ls[i] - es[i] <= 0 for i in range(count)]
    rank = {task: n for n, task in enumerate(order)}
    critical_order = sorted(
        (i for i in range(count) if critical[i]), key=lambda i: (es[i], rank[i])
    )
    chains, truncated = _critical_chains(
        critical_order, critical, live_successors, es, ef, ls, lf, max_critical_chains
    )

    # Dates, once per distinct offset: many tasks share their start or finish days.
    dates: dict[int, date] = {}

    def day(offset: int) -> date | None:
        if calendar is None or origin is None:
            return None
        found = dates.get(offset)
        if found is None:
            found = dates[offset] = calendar.date_of(origin + offset)
        return found

    results: dict[TaskId, TaskSchedule] = {}
    last_day: int | None = None  # offset of the latest finish date
    for i in range(count):
        duration = durations[i]
        last = 1 if duration else 0  # finish dates are of the last day worked
        if last_day is None or ef[i] - last > last_day:
            last_day = ef[i] - last
        results[ids[i]] = TaskSchedule(
            id=ids[i],
            duration=duration,
            es=es[i],
            ef=ef[i],
            ls=ls[i],
            lf=lf[i],
            total_float=ls[i] - es[i],
            free_float=free[i],
            is_critical=critical[i],
            start_date=day(es[i]),
            finish_date=day(ef[i] - last),
            late_start_date=day(ls[i]),
            late_finish_date=day(lf[i] - last),
        )
    return Schedule(
        tasks=results,
        project_start=day(0),
        project_finish=early_finish,
        project_finish_date=day(last_day) if last_day is not None else None,
        deadline=deadline_offset,
        critical_path=[ids[i] for i in critical_order],
        critical_chains=[[ids[i] for i in chain] for chain in chains],
        critical_chains_truncated=truncated,
    )


def _dependency_problem(dependency: Dependency, position: dict[TaskId, int]) -> str:
    """What is wrong with a dependency; kept out of the loop, which only checks that it is."""
    pred_id, succ_id = dependency.predecessor, dependency.successor
    link = f"Dependency {pred_id!r} -> {succ_id!r}"
    for task_id in (pred_id, succ_id):
        if task_id not in position:
            return f"{link} refers to unknown task {task_id!r}"
    if pred_id == succ_id:
        return f"Task {pred_id!r} depends on itself"
    if not isinstance(dependency.type, str) or dependency.type not in _TYPE_CODES:
        return f"{link} has unknown type {dependency.type!r} (expected FS, SS, FF or SF)"
    return f"{link} has lag {dependency.lag!r}: use whole working days"


def topological_order(
    successors: list[list[tuple[int, int, int]]], waiting: list[int]
) -> list[int]:
    """Kahn's algorithm; leaves ``waiting`` > 0 exactly on the tasks it could not order.

    Ties go by input order, so the same input always gives the same order (and chains).
    """
    ready = deque(i for i, n in enumerate(waiting) if n == 0)
    order: list[int] = []
    while ready:
        i = ready.popleft()
        order.append(i)
        for succ, _code, _lag in successors[i]:
            waiting[succ] -= 1
            if waiting[succ] == 0:
                ready.append(succ)
    return order


def _find_cycle(predecessors: list[list[tuple[int, int, int]]], waiting: list[int]) -> list[int]:
    """One cycle among the tasks Kahn's algorithm left over, in dependency order.

    Each left-over task still waits on a left-over predecessor, so walking from predecessor to
    predecessor must come back to a task already seen: the walk from there on is a cycle.
    It is rotated to begin at the task listed first, which makes messages reproducible.
    """
    step = min(i for i, n in enumerate(waiting) if n > 0)
    seen: dict[int, int] = {}
    walk: list[int] = []
    while step not in seen:
        seen[step] = len(walk)
        walk.append(step)
        step = next(pred for pred, _code, _lag in predecessors[step] if waiting[pred] > 0)
    cycle = walk[seen[step] :][::-1]  # the walk went backwards
    first = cycle.index(min(cycle))
    return cycle[first:] + cycle[:first]


def _critical_chains(
    critical_order: list[int],
    critical: list[bool],
    successors: list[list[tuple[int, int, int]]],
    es: list[int],
    ef: list[int],
    ls: list[int],
    lf: list[int],
    limit: int,
) -> tuple[list[list[int]], bool]:
    """Paths of critical tasks along links with zero slack in both passes (module docstring).

    Depth-first with an explicit stack (chains can be thousands of tasks long). Every partial
    path ends in a chain, so the work is bounded by ``limit`` times the chain length even when
    the number of chains explodes.
    """
    driving: dict[int, list[int]] = {}
    driven: set[int] = set()
    for i in critical_order:
        nexts: dict[int, None] = {}  # ordered set: two links between the same pair count once
        for succ, code, lag in successors[i]:
            if not critical[succ]:
                continue
            if code == _FS:
                early, late = es[succ] - lag - ef[i], ls[succ] - lag - lf[i]
            elif code == _SS:
                early, late = es[succ] - lag - es[i], ls[succ] - lag - ls[i]
            elif code == _FF:
                early, late = ef[succ] - lag - ef[i], lf[succ] - lag - lf[i]
            else:
                early, late = ef[succ] - lag - es[i], lf[succ] - lag - ls[i]
            if early == 0 and late == 0:
                nexts[succ] = None
                driven.add(succ)
        driving[i] = list(nexts)

    chains: list[list[int]] = []
    for first in critical_order:
        if first in driven:
            continue
        path, branch = [first], [0]
        while path:
            nexts = driving[path[-1]]
            if not nexts:
                if len(chains) == limit:
                    return chains, True
                chains.append(list(path))
            if branch[-1] < len(nexts):
                branch[-1] += 1
                path.append(nexts[branch[-1] - 1])
                branch.append(0)
            else:
                path.pop()
                branch.pop()
    return chains, False


# --- phase roll-up -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class WbsNode:
    """A row of the WBS for :func:`roll_up_phases`.

    A node that is some other node's ``parent`` is a phase (summary) and its own start, finish,
    duration, percent and effort are ignored: they are what the roll-up computes. Start and
    finish may be dates or offsets (anything comparable), or None when unknown.
    """

    id: TaskId
    parent: TaskId | None = None
    start: date | int | None = None
    finish: date | int | None = None
    duration: int = 0
    percent_complete: float = 0.0  # 0-100
    effort: float | None = None  # e.g. planned hours


@dataclass(frozen=True, slots=True)
class PhaseRollup:
    id: TaskId
    start: date | int | None  # earliest child start
    finish: date | int | None  # latest child finish
    duration: int  # work content: sum of child durations (not the span start-finish)
    effort: float | None  # sum of child efforts; None when a child has none
    percent_complete: float


def roll_up_phases(nodes: Iterable[WbsNode]) -> dict[TaskId, PhaseRollup]:
    """Dates and percent complete of every phase from its children, nested phases bottom-up.

    Percent complete is the children's weighted average. The weight is effort when every
    child has an effort > 0 (effort measures work better than days), else duration, so
    milestones weigh 0; when every weight is 0 (a phase of milestones) it is a plain average.
    A nested phase takes part with its rolled-up duration (sum of its children's) and effort,
    so weighting by days or by effort stays consistent from leaves to top.

    Raises ScheduleError for a duplicate id, an unknown parent or a percent outside 0-100, and
    ScheduleCycleError when parents loop.
    """
    by_id: dict[TaskId, WbsNode] = {}
    for node in nodes:
        if node.id in by_id:
            raise ScheduleError(f"WBS node {node.id!r} is listed twice")
        if not 0 <= node.percent_complete <= 100:
            raise ScheduleError(
                f"WBS node {node.id!r} is {node.percent_complete}% complete: use 0-100"
            )
        by_id[node.id] = node
    children: dict[TaskId, list[TaskId]] = {}
    for node in by_id.values():
        if node.parent is None:
            continue
        if node.parent not in by_id:
            raise ScheduleError(f"WBS node {node.id!r} has unknown parent {node.parent!r}")
        children.setdefault(node.parent, []).append(node.id)

    # Values per node: (start, finish, duration, effort, percent); leaves as given.
    values: dict[TaskId, tuple] = {
        node.id: (node.start, node.finish, node.duration, node.effort, node.percent_complete)
        for node in by_id.values()
        if node.id not in children
    }
    pending = {phase: len(kids) for phase, kids in children.items()}
    ready = deque(values)
    rollups: dict[TaskId, PhaseRollup] = {}
    while ready:
        parent = by_id[ready.popleft()].parent
        if parent is None:
            continue
        pending[parent] -= 1
        if pending[parent]:
            continue
        rollup = _roll_up(parent, [values[kid] for kid in children[parent]])
        rollups[parent] = rollup
        values[parent] = (
            rollup.start,
            rollup.finish,
            rollup.duration,
            rollup.effort,
            rollup.percent_complete,
        )
        ready.append(parent)

    if len(rollups) < len(children):
        # Only phases on a loop of parents stay pending (nothing sits above a loop).
        step = next(phase for phase in children if phase not in rollups)
        loop: list[TaskId] = []
        while step not in loop:
            loop.append(step)
            step = by_id[step].parent
        raise ScheduleCycleError(loop[loop.index(step) :], "WBS parent cycle")
    return {phase: rollups[phase] for phase in by_id if phase in rollups}


def _roll_up(phase: TaskId, kids: list[tuple]) -> PhaseRollup:
    starts = [kid[0] for kid in kids if kid[0] is not None]
    finishes = [kid[1] for kid in kids if kid[1] is not None]
    efforts = [kid[3] for kid in kids]
    if all(effort is not None and effort > 0 for effort in efforts):
        weights = efforts
    else:
        weights = [kid[2] for kid in kids]
    total = sum(weights)
    if total:
        percent = sum(w * kid[4] for w, kid in zip(weights, kids, strict=True)) / total
    else:
        percent = sum(kid[4] for kid in kids) / len(kids)
    return PhaseRollup(
        id=phase,
        start=min(starts, default=None),
        finish=max(finishes, default=None),
        duration=sum(kid[2] for kid in kids),
        effort=None if None in efforts else sum(efforts),
        percent_complete=percent,
    )

"""Compare two snapshots of a plan: plain functions on plain data (DESIGN.md section 3).

A snapshot is what ``projects.services.baselines.snapshot_plan`` builds and ``Baseline.snapshot``
stores (JSON, so ids are strings and dates ISO strings)::

    {"tasks": {"12": {"outline": "1.2", "name": "Design", "start": "2026-03-02",
                      "finish": "2026-03-13", "duration": 10}, ...},
     "milestones": {"7": {"name": "Go-live", "date": "2026-06-30"}, ...}}

Rows are matched by id, so a renamed or renumbered task is the same task. A row is *moved*
when a date differs (deltas in calendar days, positive = later), *renamed* when its name
differs; one row can be both. Dates may be missing (a task never scheduled): their delta is
None, and a row counts as moved when a date appears or disappears.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class TaskChange:
    id: str
    outline: str
    name: str
    old_name: str | None = None
    old_outline: str | None = None
    old_start: date | None = None
    new_start: date | None = None
    old_finish: date | None = None
    new_finish: date | None = None
    old_duration: int | None = None
    new_duration: int | None = None

    @property
    def start_delta(self) -> int | None:
        return _delta(self.old_start, self.new_start)

    @property
    def finish_delta(self) -> int | None:
        return _delta(self.old_finish, self.new_finish)

    @property
    def duration_delta(self) -> int | None:
        if self.old_duration is None or self.new_duration is None:
            return None
        return self.new_duration - self.old_duration


@dataclass(frozen=True, slots=True)
class MilestoneChange:
    id: str
    name: str
    old_name: str | None = None
    old_date: date | None = None
    new_date: date | None = None

    @property
    def delta(self) -> int | None:
        return _delta(self.old_date, self.new_date)


@dataclass(frozen=True, slots=True)
class Comparison:
    tasks_added: list[TaskChange] = field(default_factory=list)
    tasks_removed: list[TaskChange] = field(default_factory=list)
    tasks_moved: list[TaskChange] = field(default_factory=list)
    tasks_renamed: list[TaskChange] = field(default_factory=list)
    milestones_added: list[MilestoneChange] = field(default_factory=list)
    milestones_removed: list[MilestoneChange] = field(default_factory=list)
    milestones_moved: list[MilestoneChange] = field(default_factory=list)
    milestones_renamed: list[MilestoneChange] = field(default_factory=list)
    # How far the latest task finish moved (calendar days, positive = later); None if unknown.
    finish_delta: int | None = None

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.tasks_added,
                self.tasks_removed,
                self.tasks_moved,
                self.tasks_renamed,
                self.milestones_added,
                self.milestones_removed,
                self.milestones_moved,
                self.milestones_renamed,
            )
        )


def _delta(old: date | None, new: date | None) -> int | None:
    if old is None or new is None:
        return None
    return (new - old).days


def _day(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _outline_key(outline: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in (outline or "").split("."))


def _task(task_id: str, old: dict | None, new: dict | None) -> TaskChange:
    current = new if new is not None else old
    return TaskChange(
        id=task_id,
        outline=current.get("outline", ""),
        name=current.get("name", ""),
        old_name=old.get("name") if old is not None else None,
        old_outline=old.get("outline") if old is not None else None,
        old_start=_day(old.get("start")) if old is not None else None,
        new_start=_day(new.get("start")) if new is not None else None,
        old_finish=_day(old.get("finish")) if old is not None else None,
        new_finish=_day(new.get("finish")) if new is not None else None,
        old_duration=old.get("duration") if old is not None else None,
        new_duration=new.get("duration") if new is not None else None,
    )


def _milestone(milestone_id: str, old: dict | None, new: dict | None) -> MilestoneChange:
    current = new if new is not None else old
    return MilestoneChange(
        id=milestone_id,
        name=current.get("name", ""),
        old_name=old.get("name") if old is not None else None,
        old_date=_day(old.get("date")) if old is not None else None,
        new_date=_day(new.get("date")) if new is not None else None,
    )


def _latest_finish(tasks: dict) -> date | None:
    finishes = [_day(row.get("finish")) for row in tasks.values()]
    return max((d for d in finishes if d is not None), default=None)


def compare_snapshots(old: dict, new: dict) -> Comparison:
    """What changed from plan ``old`` to plan ``new``: tasks and milestones by id."""
    old_tasks = {str(k): v for k, v in (old.get("tasks") or {}).items()}
    new_tasks = {str(k): v for k, v in (new.get("tasks") or {}).items()}
    old_milestones = {str(k): v for k, v in (old.get("milestones") or {}).items()}
    new_milestones = {str(k): v for k, v in (new.get("milestones") or {}).items()}

    added, removed, moved, renamed = [], [], [], []
    for task_id in new_tasks.keys() - old_tasks.keys():
        added.append(_task(task_id, None, new_tasks[task_id]))
    for task_id in old_tasks.keys() - new_tasks.keys():
        removed.append(_task(task_id, old_tasks[task_id], None))
    for task_id in old_tasks.keys() & new_tasks.keys():
        change = _task(task_id, old_tasks[task_id], new_tasks[task_id])
        if (change.old_start, change.old_finish) != (change.new_start, change.new_finish):
            moved.append(change)
        if change.old_name != change.name:
            renamed.append(change)

    m_added, m_removed, m_moved, m_renamed = [], [], [], []
    for milestone_id in new_milestones.keys() - old_milestones.keys():
        m_added.append(_milestone(milestone_id, None, new_milestones[milestone_id]))
    for milestone_id in old_milestones.keys() - new_milestones.keys():
        m_removed.append(_milestone(milestone_id, old_milestones[milestone_id], None))
    for milestone_id in old_milestones.keys() & new_milestones.keys():
        change = _milestone(
            milestone_id, old_milestones[milestone_id], new_milestones[milestone_id]
        )
        if change.old_date != change.new_date:
            m_moved.append(change)
        if change.old_name != change.name:
            m_renamed.append(change)

    def by_outline(rows):
        return sorted(rows, key=lambda c: (_outline_key(c.outline), c.id))

    def by_date(rows):
        return sorted(rows, key=lambda c: (c.new_date or c.old_date or date.max, c.name, c.id))

    old_finish, new_finish = _latest_finish(old_tasks), _latest_finish(new_tasks)
    return Comparison(
        tasks_added=by_outline(added),
        tasks_removed=by_outline(removed),
        tasks_moved=by_outline(moved),
        tasks_renamed=by_outline(renamed),
        milestones_added=by_date(m_added),
        milestones_removed=by_date(m_removed),
        milestones_moved=by_date(m_moved),
        milestones_renamed=by_date(m_renamed),
        finish_delta=_delta(old_finish, new_finish),
    )

"""Plain records for schedule import and export, whatever the file format.

A schedule file becomes a list of :class:`TaskRecord` (one per WBS row, with its predecessor
:class:`Link` objects) and a list of :class:`RowIssue` (row-level errors and warnings). The
same records feed the writers, so an export read back gives the records it was made from.

No database here (DESIGN.md section 3): the service layer turns records into model rows.
Messages go through gettext because people read them on the preview page.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from projects.scheduling import Dependency, ScheduleCycleError, ScheduleTask, compute_schedule
from projects.working_calendar import WorkingCalendar

TASK = "task"
PHASE = "phase"
MILESTONE = "milestone"
KINDS = (TASK, PHASE, MILESTONE)
LINK_TYPES = ("FS", "SS", "FF", "SF")

# Limits of the model fields the records end up in (projects.models.schedule.Task).
NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
OUTLINE_MAX_LENGTH = 60
MAX_DEPTH = 10  # projects.services.schedule.MAX_DEPTH: the WBS goes at most ten levels deep
MAX_DURATION_DAYS = 5000
MAX_LAG_DAYS = 5000
MAX_EFFORT_HOURS = Decimal("99999999.9")  # DecimalField(max_digits=9, decimal_places=1)
# An import of more rows than this is refused whole: a plan that size belongs in several projects.
MAX_ROWS = 5000

ERROR = "error"
WARNING = "warning"

_OUTLINE_RE = re.compile(r"^\d+(\.\d+)*$")


class ImportFileError(ValueError):
    """The whole file is refused (wrong format, no required columns, unreadable)."""


def normalise_outline(value: str) -> str | None:
    """``"01.2."`` -> ``"1.2"``; None when it is not an outline number at all."""
    text = (value or "").strip().rstrip(".")
    if not _OUTLINE_RE.match(text):
        return None
    return ".".join(str(int(part)) for part in text.split("."))


def outline_key(outline: str) -> tuple[int, ...]:
    return tuple(int(part) for part in outline.split("."))


def parent_outline(outline: str) -> str | None:
    head, _sep, _last = outline.rpartition(".")
    return head or None


@dataclass
class Link:
    """``predecessor`` (an outline number) must happen before the task that holds the link."""

    predecessor: str
    type: str = "FS"
    lag_days: int = 0

    def __str__(self) -> str:
        lag = f"{self.lag_days:+d}" if self.lag_days else ""
        return f"{self.predecessor}{self.type}{lag}"


@dataclass
class TaskRecord:
    outline: str
    name: str
    kind: str = TASK
    duration_days: int = 1
    start: datetime.date | None = None
    finish: datetime.date | None = None
    start_no_earlier_than: datetime.date | None = None
    percent_complete: int = 0
    assignee: str = ""  # a username
    estimated_effort_hours: Decimal | None = None
    description: str = ""
    predecessors: list[Link] = field(default_factory=list)
    # The row of the imported file (a spreadsheet row, or an MS Project task ID).
    row: int | None = None

    @property
    def level(self) -> int:
        return self.outline.count(".") + 1

    @property
    def parent(self) -> str | None:
        return parent_outline(self.outline)

    @property
    def date(self) -> datetime.date | None:
        """A milestone's date: when it happens."""
        return self.start or self.finish

    @property
    def predecessors_text(self) -> str:
        return ";".join(str(link) for link in self.predecessors)

    def to_dict(self) -> dict:
        data = asdict(self)
        for name in ("start", "finish", "start_no_earlier_than"):
            value = data[name]
            data[name] = value.isoformat() if value else None
        effort = data["estimated_effort_hours"]
        data["estimated_effort_hours"] = str(effort) if effort is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> TaskRecord:
        data = dict(data)
        for name in ("start", "finish", "start_no_earlier_than"):
            value = data.get(name)
            data[name] = datetime.date.fromisoformat(value) if value else None
        effort = data.get("estimated_effort_hours")
        data["estimated_effort_hours"] = Decimal(effort) if effort is not None else None
        data["predecessors"] = [Link(**link) for link in data.get("predecessors", [])]
        return cls(**data)


@dataclass
class RowIssue:
    """A problem with one row (``row`` None: with the file as a whole)."""

    row: int | None
    column: str
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass
class ParsedSchedule:
    source: str  # "csv" or "mspdi"
    filename: str
    tasks: list[TaskRecord]
    issues: list[RowIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[RowIssue]:
        return [issue for issue in self.issues if issue.is_error]

    @property
    def warnings(self) -> list[RowIssue]:
        return [issue for issue in self.issues if not issue.is_error]

    @property
    def has_errors(self) -> bool:
        return any(issue.is_error for issue in self.issues)

    def issues_by_row(self) -> dict[int | None, list[RowIssue]]:
        grouped: dict[int | None, list[RowIssue]] = {}
        for issue in self.issues:
            grouped.setdefault(issue.row, []).append(issue)
        return grouped

    def count(self, kind: str) -> int:
        return sum(1 for task in self.tasks if task.kind == kind)

    @property
    def dependency_count(self) -> int:
        return sum(len(task.predecessors) for task in self.tasks)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "filename": self.filename,
            "tasks": [task.to_dict() for task in self.tasks],
            "issues": [asdict(issue) for issue in self.issues],
        }

    @classmethod
    def from_dict(cls, data: dict) -> ParsedSchedule:
        return cls(
            source=data["source"],
            filename=data["filename"],
            tasks=[TaskRecord.from_dict(task) for task in data["tasks"]],
            issues=[RowIssue(**issue) for issue in data["issues"]],
        )


@dataclass(frozen=True)
class Person:
    """Someone tasks are assigned to, as the export shows them."""

    username: str
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class ProjectInfo:
    """The project-level facts an export writes beside its tasks."""

    code: str
    name: str
    start: datetime.date | None = None
    finish: datetime.date | None = None
    currency: str = "EUR"
    manager: str = ""
    calendar_name: str = "Standard"
    weekend: frozenset[int] = frozenset({5, 6})
    holidays: tuple[datetime.date, ...] = ()


@dataclass(frozen=True)
class ImportContext:
    """What the parsers need to know about the target project; all optional.

    ``people`` maps lower-case identifiers (username, e-mail, full name) to the username of
    someone who may be assigned; None skips the check. ``project_start`` and ``today`` check
    milestone dates the way the milestone pages do.
    """

    people: Mapping[str, str] | None = None
    calendar: WorkingCalendar | None = None
    project_start: datetime.date | None = None
    today: datetime.date | None = None

    @property
    def working_calendar(self) -> WorkingCalendar:
        return self.calendar or WorkingCalendar()

    def resolve_person(self, value: str) -> str | None:
        """The username for ``value``; None when nobody matches."""
        if self.people is None:
            return value.strip()
        return self.people.get(value.strip().casefold())


def people_index(people: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """``{identifier: username}`` from (username, e-mail, full name) triples.

    Usernames always win; an e-mail or full name shared by two people is left out, as it
    would be a guess.
    """
    people = list(people)
    index = {username.casefold(): username for username, _email, _name in people}
    counts = Counter(
        key.strip().casefold()
        for _username, email, full_name in people
        for key in {email or "", full_name or ""}
        if key.strip()
    )
    for username, email, full_name in people:
        for key in (email, full_name):
            key = (key or "").strip().casefold()
            if key and key not in index and counts[key] == 1:
                index[key] = username
    return index


def check_records(tasks: list[TaskRecord], issues: list[RowIssue], context: ImportContext) -> None:
    """The checks every format shares; adds to ``issues`` and fixes up ``tasks`` in place.

    Tree: outline numbers unique, each parent present; rows with children become phases.
    Links: predecessors exist, no task depends on itself or on the same task twice, links
    touching a phase are left out (dependencies join tasks), no cycles. Milestones: no
    duration, dates the milestone pages accept. Finally tasks are put in WBS order.
    """

    def error(task: TaskRecord, column: str, message: str) -> None:
        issues.append(RowIssue(task.row, column, message))

    def warning(task: TaskRecord, column: str, message: str) -> None:
        issues.append(RowIssue(task.row, column, message, WARNING))

    by_outline: dict[str, TaskRecord] = {}
    for task in tasks:
        if task.level > MAX_DEPTH:
            error(
                task,
                "outline",
                _("%(outline)s is nested too deeply: the WBS goes at most %(n)d levels deep.")
                % {"outline": task.outline, "n": MAX_DEPTH},
            )
        if task.outline in by_outline:
            error(
                task,
                "outline",
                _("WBS number %(outline)s is used twice (also on row %(row)s).")
                % {"outline": task.outline, "row": by_outline[task.outline].row},
            )
            continue
        by_outline[task.outline] = task
    parents = {task.parent for task in by_outline.values() if task.parent}
    for task in by_outline.values():
        if task.parent and task.parent not in by_outline:
            error(
                task,
                "outline",
                _("The phase %(parent)s above %(outline)s is missing from the file.")
                % {"parent": task.parent, "outline": task.outline},
            )
        if task.outline in parents:
            if task.kind == MILESTONE:
                error(task, "type", _("A milestone cannot contain tasks."))
            task.kind = PHASE
        elif task.kind == PHASE:
            warning(task, "type", _("Nothing is under this phase: it is imported as a task."))
            task.kind = TASK
        if task.kind == TASK and task.duration_days == 0:
            task.kind = MILESTONE  # a task of no duration is a milestone (projects.scheduling)
        if task.kind == MILESTONE:
            _check_milestone(task, context, error, warning)

    for task in by_outline.values():
        kept = []
        seen = set()
        for link in task.predecessors:
            other = by_outline.get(link.predecessor)
            if other is None:
                error(
                    task,
                    "predecessors",
                    _("Unknown predecessor %(outline)s: no row has that WBS number.")
                    % {"outline": link.predecessor},
                )
            elif other is task:
                error(task, "predecessors", _("A task cannot depend on itself."))
            elif link.predecessor in seen:
                error(
                    task,
                    "predecessors",
                    _("Predecessor %(outline)s is listed twice.") % {"outline": link.predecessor},
                )
            elif PHASE in (task.kind, other.kind):
                warning(
                    task,
                    "predecessors",
                    _(
                        "The link %(link)s is left out: dependencies join tasks and milestones, "
                        "not phases."
                    )
                    % {"link": str(link)},
                )
            else:
                kept.append(link)
            seen.add(link.predecessor)
        task.predecessors = kept

    _check_cycles(list(by_outline.values()), issues)
    tasks.sort(key=lambda t: outline_key(t.outline))


def _check_milestone(task: TaskRecord, context: ImportContext, error, warning) -> None:
    if task.duration_days:
        warning(
            task,
            "duration",
            _("A milestone takes no time: its duration of %(days)d days is set to 0.")
            % {"days": task.duration_days},
        )
        task.duration_days = 0
    when = task.date
    if when is None:
        return
    if context.project_start and when < context.project_start:
        error(
            task,
            "start",
            _("The milestone date %(date)s is before the project's planned start (%(start)s).")
            % {"date": when.isoformat(), "start": context.project_start.isoformat()},
        )
    if task.percent_complete == 100 and context.today and when > context.today:
        error(
            task,
            "percent_complete",
            _("The milestone is marked achieved on %(date)s, which is in the future.")
            % {"date": when.isoformat()},
        )


def _check_cycles(tasks: list[TaskRecord], issues: list[RowIssue]) -> None:
    """Run the scheduler on the links alone: it names the tasks of the first cycle it finds."""
    leaves = [t for t in tasks if t.kind != PHASE]
    rows = {t.outline: t.row for t in leaves}
    links = [
        Dependency(link.predecessor, t.outline, link.type, link.lag_days)
        for t in leaves
        for link in t.predecessors
        if link.predecessor in rows
    ]
    try:
        compute_schedule(
            [ScheduleTask(t.outline, max(t.duration_days, 0)) for t in leaves],
            links,
            max_critical_chains=1,
        )
    except ScheduleCycleError as cycle:
        steps = " → ".join(str(outline) for outline in [*cycle.cycle, cycle.cycle[0]])
        issues.append(
            RowIssue(
                rows[cycle.cycle[0]],
                "predecessors",
                _("These tasks wait for each other in a circle: %(steps)s.") % {"steps": steps},
            )
        )

"""Microsoft Project XML (MSPDI, namespace ``http://schemas.microsoft.com/project``).

Export writes a Project document that MS Project, ProjectLibre and GanttProject open: one
standard calendar (the project's weekend and holidays), the tasks in WBS order with UID 0 as
the project summary, predecessor links, and the assignees as work resources with one
assignment per task.

Field mapping (both directions)::

    OutlineNumber/OutlineLevel   WBS number; phases are the rows that have rows under them
    Duration                     PT{hours}H0M0S with 8-hour days (MinutesPerDay, default 480)
    Milestone / Summary          milestone flag / phase flag
    Start / Finish               scheduled dates (date part only)
    ConstraintType 4 + Date      "start no earlier than" (2, must start on, is read the same way)
    PercentComplete, Notes       percent complete, description
    Work                         estimated effort (hours)
    PredecessorLink              PredecessorUID, Type 0=FF 1=FS 2=SF 3=SS,
                                 LinkLag in tenths of a minute, LagFormat 7 (days)
    Resources + Assignments      the assignee (Code = username, EmailAddress, Name)

Import tolerates what other tools write: any namespace, missing OutlineNumber (worked out
from OutlineLevel), blank rows (IsNull), the project summary task, ISO durations with days or
fractions. A resource that is nobody here is a warning and the task stays unassigned: in MS
Project files resources are often roles ("Developer") rather than people.

Safety: the file is decoded here and refused when it declares a DOCTYPE or entities, which
is how "billion laughs" and external-entity attacks start; the standard library parser then
never sees one. Size is bounded by the upload form.
"""

from __future__ import annotations

import codecs
import datetime
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from projects.schedule_io.records import (
    DESCRIPTION_MAX_LENGTH,
    MAX_DURATION_DAYS,
    MAX_EFFORT_HOURS,
    MAX_LAG_DAYS,
    MAX_ROWS,
    MILESTONE,
    NAME_MAX_LENGTH,
    OUTLINE_MAX_LENGTH,
    PHASE,
    TASK,
    WARNING,
    ImportContext,
    ImportFileError,
    Link,
    ParsedSchedule,
    Person,
    ProjectInfo,
    RowIssue,
    TaskRecord,
    check_records,
    normalise_outline,
)

NS = "http://schemas.microsoft.com/project"
MINUTES_PER_DAY = 480
DAY_START = "08:00:00"
DAY_FINISH = "17:00:00"
LINK_TYPE_CODES = {"FF": 0, "FS": 1, "SF": 2, "SS": 3}
LINK_TYPES_BY_CODE = {code: name for name, code in LINK_TYPE_CODES.items()}
LAG_FORMAT_DAYS = 7
PERCENT_LAG_FORMATS = {19, 20, 51, 52}
CONSTRAINT_ASAP = 0
CONSTRAINT_MUST_START_ON = 2
CONSTRAINT_START_NO_EARLIER = 4
# ProjectLibre and MPXJ write this ResourceUID for an assignment without a resource.
UNASSIGNED_RESOURCE = -65535
ALLOWED_ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-16": "utf-16",
    "us-ascii": "ascii",
    "ascii": "ascii",
    "iso-8859-1": "latin-1",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "windows-1252": "cp1252",
    "cp1252": "cp1252",
}

_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_FORBIDDEN_RE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DURATION_RE = re.compile(
    r"^(?P<sign>-)?P(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


# --- export ------------------------------------------------------------------------------------
def _hours(minutes) -> str:
    """ISO 8601 duration as MS Project writes it: PT{h}H{m}M0S."""
    minutes = int(Decimal(minutes).to_integral_value(rounding=ROUND_HALF_UP))
    hours, rest = divmod(minutes, 60)
    return f"PT{hours}H{rest}M0S"


def _when(day: datetime.date, time: str) -> str:
    return f"{day.isoformat()}T{time}"


def write_mspdi(
    info: ProjectInfo,
    tasks: list[TaskRecord],
    people: Mapping[str, Person] | None = None,
    *,
    created: datetime.datetime | None = None,
) -> bytes:
    """The MSPDI document for ``tasks`` (in WBS order), encoded as UTF-8."""
    people = people or {}

    def el(parent, tag: str, text=None):
        node = ET.SubElement(parent, f"{{{NS}}}{tag}")
        if text is not None:
            node.text = str(text)
        return node

    root = ET.Element(f"{{{NS}}}Project")
    el(root, "SaveVersion", 14)
    el(root, "Name", info.code)
    el(root, "Title", info.name)
    if info.manager:
        el(root, "Manager", info.manager)
    if created:
        el(root, "CreationDate", created.strftime("%Y-%m-%dT%H:%M:%S"))
    el(root, "ScheduleFromStart", 1)
    if info.start:
        el(root, "StartDate", _when(info.start, DAY_START))
    if info.finish:
        el(root, "FinishDate", _when(info.finish, DAY_FINISH))
    el(root, "CurrencyCode", info.currency)
    el(root, "CalendarUID", 1)
    el(root, "DefaultStartTime", DAY_START)
    el(root, "DefaultFinishTime", DAY_FINISH)
    el(root, "MinutesPerDay", MINUTES_PER_DAY)
    el(root, "MinutesPerWeek", MINUTES_PER_DAY * (7 - len(info.weekend)))
    el(root, "DaysPerMonth", 20)
    el(root, "DurationFormat", 7)
    el(root, "WorkFormat", 2)

    calendars = el(root, "Calendars")
    calendar = el(calendars, "Calendar")
    el(calendar, "UID", 1)
    el(calendar, "Name", info.calendar_name)
    el(calendar, "IsBaseCalendar", 1)
    el(calendar, "BaseCalendarUID", -1)
    weekdays = el(calendar, "WeekDays")
    for day_type in range(1, 8):  # 1 = Sunday ... 7 = Saturday
        python_weekday = (day_type + 5) % 7  # date.weekday(): Monday = 0
        weekday = el(weekdays, "WeekDay")
        el(weekday, "DayType", day_type)
        working = python_weekday not in info.weekend
        el(weekday, "DayWorking", int(working))
        if working:
            times = el(weekday, "WorkingTimes")
            for start, finish in (("08:00:00", "12:00:00"), ("13:00:00", "17:00:00")):
                period = el(times, "WorkingTime")
                el(period, "FromTime", start)
                el(period, "ToTime", finish)
    for holiday in info.holidays:
        weekday = el(weekdays, "WeekDay")
        el(weekday, "DayType", 0)
        el(weekday, "DayWorking", 0)
        period = el(weekday, "TimePeriod")
        el(period, "FromDate", _when(holiday, "00:00:00"))
        el(period, "ToDate", _when(holiday, "23:59:00"))

    uids = {task.outline: number for number, task in enumerate(tasks, start=1)}
    task_list = el(root, "Tasks")
    summary = el(task_list, "Task")
    el(summary, "UID", 0)
    el(summary, "ID", 0)
    el(summary, "Name", info.name)
    el(summary, "OutlineNumber", 0)
    el(summary, "OutlineLevel", 0)
    if info.start:
        el(summary, "Start", _when(info.start, DAY_START))
    if info.finish:
        el(summary, "Finish", _when(info.finish, DAY_FINISH))
    el(summary, "Summary", 1)
    for task in tasks:
        _write_task(el, task_list, task, uids)

    assigned = [task for task in tasks if task.assignee]
    usernames = sorted({task.assignee for task in assigned})
    resource_uids = {username: number for number, username in enumerate(usernames, start=1)}
    resources = el(root, "Resources")
    for username in usernames:
        person = people.get(username) or Person(username)
        resource = el(resources, "Resource")
        el(resource, "UID", resource_uids[username])
        el(resource, "ID", resource_uids[username])
        el(resource, "Name", person.name or username)
        el(resource, "Type", 1)  # work resource
        el(resource, "Code", username)
        if person.email:
            el(resource, "EmailAddress", person.email)
    assignments = el(root, "Assignments")
    for number, task in enumerate(assigned, start=1):
        assignment = el(assignments, "Assignment")
        el(assignment, "UID", number)
        el(assignment, "TaskUID", uids[task.outline])
        el(assignment, "ResourceUID", resource_uids[task.assignee])
        el(assignment, "Units", 1)
        if task.estimated_effort_hours is not None and task.kind != PHASE:
            el(assignment, "Work", _hours(task.estimated_effort_hours * 60))

    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=NS)


def _write_task(el, parent, task: TaskRecord, uids: dict[str, int]) -> None:
    node = el(parent, "Task")
    el(node, "UID", uids[task.outline])
    el(node, "ID", uids[task.outline])
    el(node, "Name", task.name)
    el(node, "Type", 1)  # fixed duration: durations drive this app's schedule
    el(node, "WBS", task.outline)
    el(node, "OutlineNumber", task.outline)
    el(node, "OutlineLevel", task.level)
    milestone = task.kind == MILESTONE
    if task.start:
        el(node, "Start", _when(task.start, DAY_START))
    finish = task.start if milestone else task.finish
    if finish:
        el(node, "Finish", _when(finish, DAY_START if milestone else DAY_FINISH))
    el(node, "Duration", _hours(task.duration_days * MINUTES_PER_DAY))
    el(node, "DurationFormat", 7)
    if task.estimated_effort_hours is not None and task.kind != PHASE:
        el(node, "Work", _hours(task.estimated_effort_hours * 60))
    el(node, "Milestone", int(milestone))
    el(node, "Summary", int(task.kind == PHASE))
    el(node, "PercentComplete", task.percent_complete)
    if task.start_no_earlier_than:
        el(node, "ConstraintType", CONSTRAINT_START_NO_EARLIER)
        el(node, "ConstraintDate", _when(task.start_no_earlier_than, DAY_START))
    else:
        el(node, "ConstraintType", CONSTRAINT_ASAP)
    if task.description:
        el(node, "Notes", task.description)
    for link in task.predecessors:
        if link.predecessor not in uids:
            continue
        predecessor = el(node, "PredecessorLink")
        el(predecessor, "PredecessorUID", uids[link.predecessor])
        el(predecessor, "Type", LINK_TYPE_CODES[link.type])
        el(predecessor, "LinkLag", link.lag_days * MINUTES_PER_DAY * 10)
        el(predecessor, "LagFormat", LAG_FORMAT_DAYS)


# --- import ------------------------------------------------------------------------------------
def _decode(data: bytes) -> str:
    """The document as text, in an encoding we know; what the parser sees is what we checked."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf-8", data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        declared = _ENCODING_RE.match(data[:200])
        name = declared.group(1).decode("ascii").lower() if declared else "utf-8"
        if name not in ALLOWED_ENCODINGS:
            raise ImportFileError(
                _("The file's encoding %(name)s is not supported; save it as UTF-8.")
                % {"name": name}
            )
        encoding = ALLOWED_ENCODINGS[name]
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("The file cannot be read as %(encoding)s text.") % {"encoding": encoding}
        ) from exc


def parse_xml(data: bytes) -> ET.Element:
    """Parse untrusted XML: no DOCTYPE, no entity declarations, namespaces dropped from tags."""
    text = _decode(data)
    if _FORBIDDEN_RE.search(text):
        raise ImportFileError(
            _(
                "The file declares a DOCTYPE or entities. Project files never need them and "
                "they can make a parser expand data without bound, so the file is refused."
            )
        )
    text = _DECLARATION_RE.sub("", text, count=1)
    if not text.lstrip().startswith("<"):
        raise ImportFileError(_("This is not an XML file."))
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ImportFileError(
            _("The XML is not well-formed (line %(line)s, column %(column)s).")
            % {"line": exc.position[0], "column": exc.position[1]}
        ) from exc
    for node in root.iter():
        if isinstance(node.tag, str) and "}" in node.tag:
            node.tag = node.tag.rpartition("}")[2]
    return root


def _text(node: ET.Element, tag: str) -> str:
    return (node.findtext(tag) or "").strip()


def _flag(node: ET.Element, tag: str) -> bool:
    return _text(node, tag).lower() in ("1", "true")


def _int(text: str) -> int | None:
    try:
        return int(Decimal(text))
    except (ArithmeticError, ValueError):
        return None


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def duration_minutes(text: str, minutes_per_day: int) -> Decimal | None:
    """Minutes of work in an ISO 8601 duration; days count as working days."""
    match = _DURATION_RE.match(text.strip())
    if not match or text.strip() in ("P", "-P", "PT"):
        return None
    parts = {
        name: Decimal(value)
        for name, value in match.groupdict().items()
        if value and name != "sign"
    }
    minutes = (
        parts.get("seconds", 0) / 60
        + parts.get("minutes", 0)
        + parts.get("hours", 0) * 60
        + (parts.get("days", 0) + parts.get("weeks", 0) * 5) * minutes_per_day
        + (parts.get("months", 0) + parts.get("years", 0) * 12) * 20 * minutes_per_day
    )
    return -minutes if match["sign"] else minutes


class _Task:
    """A task element being read, with where its issues go."""

    def __init__(self, node: ET.Element, row: int, issues: list[RowIssue]):
        self.node = node
        self.row = row
        self.issues = issues

    def error(self, column: str, message: str) -> None:
        self.issues.append(RowIssue(self.row, column, message))

    def warning(self, column: str, message: str) -> None:
        self.issues.append(RowIssue(self.row, column, message, WARNING))


def parse_mspdi(data: bytes, *, filename: str = "", context: ImportContext | None = None):
    """Read an MSPDI document; ImportFileError when it is not one at all."""
    context = context or ImportContext()
    root = parse_xml(data)
    if root.tag != "Project":
        raise ImportFileError(
            _("This XML file is not a Microsoft Project file (its root is <%(tag)s>).")
            % {"tag": root.tag}
        )
    minutes_per_day = _int(_text(root, "MinutesPerDay")) or MINUTES_PER_DAY
    if minutes_per_day <= 0:
        minutes_per_day = MINUTES_PER_DAY
    nodes = root.findall("Tasks/Task")
    if not nodes:
        raise ImportFileError(_("The project file has no tasks."))
    if len(nodes) > MAX_ROWS + 1:
        raise ImportFileError(
            _("The file has more than %(max)d tasks; split the plan into several files.")
            % {"max": MAX_ROWS}
        )
    project_start = _date(_text(root, "StartDate"))
    people = _assignees(root)

    issues: list[RowIssue] = []
    tasks: list[TaskRecord] = []
    outline_by_uid: dict[int, str] = {}
    raw_links: list[tuple[TaskRecord, _Task, list[ET.Element]]] = []
    levels: list[int] = []
    for ordinal, node in enumerate(nodes, start=1):
        uid = _int(_text(node, "UID"))
        level = _int(_text(node, "OutlineLevel"))
        if _flag(node, "IsNull") or uid == 0 or level == 0:
            continue  # a blank row, or the project's own summary task
        row = _int(_text(node, "ID")) or ordinal
        reader = _Task(node, row, issues)
        if uid is None:
            reader.error("uid", _("The task has no UID, so links cannot refer to it."))
            continue
        outline = _outline(node, level, levels, reader)
        if outline is None:
            continue
        task = _read_task(node, outline, reader, minutes_per_day, project_start, context)
        person = people.get(uid)
        if person:
            task.assignee = _resolve(person, reader, context)
        if uid in outline_by_uid:
            reader.error("uid", _("UID %(uid)s is used by two tasks.") % {"uid": uid})
        else:
            outline_by_uid[uid] = outline
        tasks.append(task)
        raw_links.append((task, reader, node.findall("PredecessorLink")))

    first_day = context.working_calendar.snap_forward(project_start) if project_start else None
    for task, reader, links in raw_links:
        task.predecessors = _read_links(links, reader, outline_by_uid, minutes_per_day)
        if task.start_no_earlier_than or task.kind == PHASE or not task.start:
            continue
        if _flag(reader.node, "Manual"):
            task.start_no_earlier_than = task.start
        elif not task.predecessors and first_day and task.start > first_day:
            # Nothing drives this task, yet it starts after the project: the other tool had
            # a reason (a typed date); keep it rather than pull the task to the start.
            task.start_no_earlier_than = task.start

    check_records(tasks, issues, context)
    return ParsedSchedule(source="mspdi", filename=filename, tasks=tasks, issues=issues)


def _outline(node, level, levels: list[int], reader: _Task) -> str | None:
    text = _text(node, "OutlineNumber")
    if level is not None and level > 0:
        # Keep the level counters in step even when OutlineNumber is given.
        del levels[level:]
        while len(levels) < level:
            levels.append(0)
        levels[-1] += 1
    if text:
        outline = normalise_outline(text)
        if outline is None:
            reader.error("outline", _("“%(value)s” is not an outline number.") % {"value": text})
            return None
    elif level is not None and level > 0:
        outline = ".".join(str(n) for n in levels)
    else:
        reader.error("outline", _("The task has neither an outline number nor a level."))
        return None
    if len(outline) > OUTLINE_MAX_LENGTH:
        reader.error(
            "outline",
            _("The outline is nested too deeply (at most %(max)d characters).")
            % {"max": OUTLINE_MAX_LENGTH},
        )
        return None
    return outline


def _read_task(node, outline, reader: _Task, minutes_per_day, project_start, context):
    task = TaskRecord(outline=outline, name=_text(node, "Name"), row=reader.row)
    if not task.name:
        reader.error("name", _("The name is missing."))
    elif len(task.name) > NAME_MAX_LENGTH:
        reader.error(
            "name",
            _("The name is too long: %(n)d characters, at most %(max)d.")
            % {"n": len(task.name), "max": NAME_MAX_LENGTH},
        )
    notes = (node.findtext("Notes") or "").strip()
    if len(notes) > DESCRIPTION_MAX_LENGTH:
        reader.warning(
            "description",
            _("The notes are cut to %(max)d characters.") % {"max": DESCRIPTION_MAX_LENGTH},
        )
        notes = notes[:DESCRIPTION_MAX_LENGTH]
    task.description = notes
    if _flag(node, "Summary"):
        task.kind = PHASE
    elif _flag(node, "Milestone"):
        task.kind = MILESTONE
    else:
        task.kind = TASK

    task.start = _date(_text(node, "Start"))
    task.finish = _date(_text(node, "Finish"))
    for column in ("Start", "Finish"):
        if _text(node, column) and _date(_text(node, column)) is None:
            reader.error(
                column.lower(),
                _("“%(value)s” is not a date.") % {"value": _text(node, column)},
            )
    if task.start and task.finish and task.finish < task.start:
        reader.error(
            "finish",
            _("The finish (%(finish)s) is before the start (%(start)s).")
            % {"finish": task.finish.isoformat(), "start": task.start.isoformat()},
        )

    duration_text = _text(node, "Duration")
    if task.kind == MILESTONE:
        task.duration_days = 0
    elif duration_text:
        minutes = duration_minutes(duration_text, minutes_per_day)
        if minutes is None:
            reader.error(
                "duration",
                _("“%(value)s” is not a duration.") % {"value": duration_text},
            )
        elif minutes < 0:
            reader.error("duration", _("The duration cannot be negative."))
        else:
            days = minutes / minutes_per_day
            whole = int(days.to_integral_value(rounding=ROUND_HALF_UP))
            if task.kind != PHASE and days != whole:
                reader.warning(
                    "duration",
                    _("%(days)s working days is rounded to %(whole)d.")
                    % {"days": f"{days:.2f}", "whole": whole},
                )
            if whole > MAX_DURATION_DAYS:
                reader.error(
                    "duration",
                    _("%(days)d working days is more than the most allowed, %(max)d.")
                    % {"days": whole, "max": MAX_DURATION_DAYS},
                )
            else:
                task.duration_days = whole
    elif task.start and task.finish and task.finish >= task.start:
        task.duration_days = context.working_calendar.count_working_days(
            task.start, task.finish + datetime.timedelta(1)
        )

    percent_text = _text(node, "PercentComplete")
    if percent_text:
        percent = _int(percent_text)
        if percent is None or not 0 <= percent <= 100:
            reader.error(
                "percent_complete",
                _("“%(value)s” is not a percentage from 0 to 100.") % {"value": percent_text},
            )
        else:
            task.percent_complete = percent

    work_text = _text(node, "Work")
    if work_text and task.kind != PHASE:
        minutes = duration_minutes(work_text, minutes_per_day)
        if minutes is None or minutes < 0:
            reader.error(
                "effort", _("“%(value)s” is not an amount of work.") % {"value": work_text}
            )
        elif minutes > 0:
            hours = (minutes / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if hours > MAX_EFFORT_HOURS:
                reader.error("effort", _("The work is more than can be stored."))
            else:
                task.estimated_effort_hours = hours

    constraint = _int(_text(node, "ConstraintType"))
    constraint_date = _date(_text(node, "ConstraintDate"))
    if constraint in (CONSTRAINT_MUST_START_ON, CONSTRAINT_START_NO_EARLIER) and constraint_date:
        task.start_no_earlier_than = constraint_date
    elif constraint not in (None, CONSTRAINT_ASAP) and task.kind != PHASE:
        reader.warning(
            "start_no_earlier_than",
            _(
                "Its date constraint (type %(type)s) is not kept: it is scheduled as soon as possible."
            )
            % {"type": constraint},
        )
    return task


def _assignees(root: ET.Element) -> dict[int, list[list[str]]]:
    """{task UID: [identifiers of each assigned resource]} from Resources and Assignments."""
    resources: dict[int, list[str]] = {}
    for node in root.findall("Resources/Resource"):
        uid = _int(_text(node, "UID"))
        if uid is None or uid == UNASSIGNED_RESOURCE:
            continue
        names = [_text(node, tag) for tag in ("Code", "EmailAddress", "NTAccount", "Name")]
        names = [name for name in names if name]
        if names:
            resources[uid] = names
    by_task: dict[int, list[list[str]]] = {}
    for node in root.findall("Assignments/Assignment"):
        task_uid = _int(_text(node, "TaskUID"))
        resource_uid = _int(_text(node, "ResourceUID"))
        if task_uid is not None and resource_uid in resources:
            by_task.setdefault(task_uid, []).append(resources[resource_uid])
    return by_task


def _resolve(resources: list[list[str]], reader: _Task, context: ImportContext) -> str:
    if len(resources) > 1:
        reader.warning(
            "assignee",
            _("%(n)d resources are assigned; only the first, %(name)s, is kept.")
            % {"n": len(resources), "name": resources[0][-1]},
        )
    for identifier in resources[0]:
        username = context.resolve_person(identifier)
        if username:
            return username
    reader.warning(
        "assignee",
        _("The resource “%(name)s” is nobody on the team here: the task stays unassigned.")
        % {"name": resources[0][-1]},
    )
    return ""


def _read_links(links, reader: _Task, outline_by_uid, minutes_per_day) -> list[Link]:
    result = []
    for node in links:
        if _flag(node, "CrossProject"):
            reader.warning(
                "predecessors",
                _("A link to another project (%(name)s) is left out.")
                % {"name": _text(node, "CrossProjectName") or "?"},
            )
            continue
        uid = _int(_text(node, "PredecessorUID"))
        outline = outline_by_uid.get(uid) if uid is not None else None
        if outline is None:
            reader.error(
                "predecessors",
                _("Unknown predecessor: no task has UID %(uid)s.")
                % {"uid": _text(node, "PredecessorUID") or "?"},
            )
            continue
        type_text = _text(node, "Type") or "1"
        link_type = LINK_TYPES_BY_CODE.get(_int(type_text))
        if link_type is None:
            reader.error(
                "predecessors",
                _("Unknown link type %(value)s (0=FF, 1=FS, 2=SF, 3=SS).") % {"value": type_text},
            )
            continue
        lag = 0
        lag_text = _text(node, "LinkLag")
        lag_format = _int(_text(node, "LagFormat")) or LAG_FORMAT_DAYS
        if lag_text and lag_format in PERCENT_LAG_FORMATS:
            reader.warning(
                "predecessors",
                _("A lag given as a percentage is not kept on the link from %(outline)s.")
                % {"outline": outline},
            )
        elif lag_text:
            tenths = _int(lag_text)
            if tenths is None:
                reader.error("predecessors", _("“%(value)s” is not a lag.") % {"value": lag_text})
                continue
            days = Decimal(tenths) / (10 * minutes_per_day)
            lag = int(days.to_integral_value(rounding=ROUND_HALF_UP))
            if days != lag:
                reader.warning(
                    "predecessors",
                    _("The lag from %(outline)s, %(days)s working days, is rounded to %(lag)d.")
                    % {"outline": outline, "days": f"{days:.2f}", "lag": lag},
                )
            if abs(lag) > MAX_LAG_DAYS:
                reader.error(
                    "predecessors",
                    _("The lag from %(outline)s is more than %(max)d working days.")
                    % {"outline": outline, "max": MAX_LAG_DAYS},
                )
                continue
        result.append(Link(outline, link_type, lag))
    return result

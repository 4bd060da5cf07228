"""The schedule as a CSV file: one row per WBS element, predecessors by WBS number.

Columns (export order; import recognises them by header, in any order, also in the user's
language, and needs only WBS and Name)::

    WBS, Name, Type, Duration (working days), Start, Finish, Start no earlier than,
    Predecessors, % complete, Assignee, Estimated effort (hours), Description

- Type is task, phase or milestone; a Milestone column with yes/no does the same job.
  A row with rows under it is a phase whatever it says; a task of 0 days is a milestone.
- Predecessors: ``1.2FS+2;1.3SS-1`` (WBS number, link type FS/SS/FF/SF, lag in working
  days; ``1.2`` alone means finish-to-start, no lag). Commas separate them too.
- Dates are ISO (``2026-03-02``). Start and Finish are the scheduled dates. When the file has a
  "Start no earlier than" column (this app's exports do), that column pins tasks; otherwise a
  task without predecessors starts no earlier than its Start. An empty Duration is worked out
  from Start and Finish in working days.
- Assignee: a username (or e-mail, or full name) of the project manager or a team member.

Exports are UTF-8 with a byte-order mark (so spreadsheets detect the encoding) and cells that
a spreadsheet would run as a formula (``= + - @``) get a leading apostrophe; import strips that
apostrophe again, so names survive the round trip.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pmo.core.csv_upload import decode_csv_upload, find_csv_header
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
    RowIssue,
    TaskRecord,
    check_records,
    normalise_outline,
)

# (key, header written on export, other headers accepted on import)
COLUMNS = [
    ("outline", "WBS", ("outline", "outline number", "outline wbs", "wbs number", "wbs code")),
    ("name", "Name", ("task", "task name", "title")),
    ("type", "Type", ("kind",)),
    (
        "duration",
        "Duration (working days)",
        ("duration", "duration days", "working days", "days"),
    ),
    ("start", "Start", ("start date", "planned start")),
    ("finish", "Finish", ("finish date", "end", "end date", "planned finish")),
    (
        "start_no_earlier_than",
        "Start no earlier than",
        ("snet", "constraint date", "not before"),
    ),
    ("predecessors", "Predecessors", ("predecessor", "depends on", "dependencies")),
    ("percent_complete", "% complete", ("percent complete", "progress", "complete")),
    ("assignee", "Assignee", ("assigned to", "resource", "resource names", "owner")),
    (
        "effort",
        "Estimated effort (hours)",
        ("estimated effort", "effort", "effort hours", "work", "estimated hours"),
    ),
    ("description", "Description", ("notes",)),
    ("milestone", "Milestone", ("is milestone", "milestone flag")),
]
EXPORT_KEYS = [key for key, _header, _aliases in COLUMNS if key != "milestone"]
REQUIRED = ("outline", "name")
# Labels for messages and the import page, translated when shown.
COLUMN_LABELS = {
    "outline": gettext_lazy("WBS"),
    "name": gettext_lazy("Name"),
    "type": gettext_lazy("Type"),
    "duration": gettext_lazy("Duration (working days)"),
    "start": gettext_lazy("Start"),
    "finish": gettext_lazy("Finish"),
    "start_no_earlier_than": gettext_lazy("Start no earlier than"),
    "predecessors": gettext_lazy("Predecessors"),
    "percent_complete": gettext_lazy("% complete"),
    "assignee": gettext_lazy("Assignee"),
    "effort": gettext_lazy("Estimated effort (hours)"),
    "description": gettext_lazy("Description"),
    "milestone": gettext_lazy("Milestone"),
}
KIND_WORDS = {
    "task": TASK,
    "phase": PHASE,
    "summary": PHASE,
    "milestone": MILESTONE,
}
TRUE_WORDS = {"yes", "y", "true", "1", "x"}
FALSE_WORDS = {"no", "n", "false", "0", ""}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_SEARCH_ROWS = 10

_LINK_RE = re.compile(
    r"^(?P<ref>\d+(?:\.\d+)*)\.?\s*(?P<type>FS|SS|FF|SF)?\s*"
    r"(?:(?P<sign>[+-])\s*(?P<lag>\d+)\s*(?:d|days?|wd|working days?)?)?$",
    re.IGNORECASE,
)
_DATE_RE = re.compile(r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})(?:[T ][\d:.]*Z?)?$")
_NUMBER_SUFFIX_RE = re.compile(r"\s*(d|days?|h|hrs?|hours?|%)$", re.IGNORECASE)


# --- export ------------------------------------------------------------------------------------
def neutralise_formula(value) -> str:
    """A cell a spreadsheet would evaluate gets an apostrophe in front; others unchanged."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _export_cells(task: TaskRecord) -> dict[str, str]:
    def day(value):
        return value.isoformat() if value else ""

    effort = task.estimated_effort_hours
    return {
        "outline": task.outline,
        "name": task.name,
        "type": task.kind,
        "duration": str(task.duration_days),
        "start": day(task.start),
        "finish": day(task.finish),
        "start_no_earlier_than": day(task.start_no_earlier_than),
        "predecessors": task.predecessors_text,
        "percent_complete": str(task.percent_complete),
        "assignee": task.assignee,
        "effort": "" if effort is None else str(effort),
        "description": task.description,
    }


def header_row() -> list[str]:
    headers = {key: header for key, header, _aliases in COLUMNS}
    return [headers[key] for key in EXPORT_KEYS]


def export_rows(tasks):
    """Header then one list of cells per task, formulas neutralised (for streaming)."""
    yield header_row()
    for task in tasks:
        cells = _export_cells(task)
        yield [neutralise_formula(cells[key]) for key in EXPORT_KEYS]


def write_csv(tasks) -> str:
    """The whole file as text, starting with a byte-order mark; encode it as UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerows(export_rows(tasks))
    return buffer.getvalue()


# --- import ------------------------------------------------------------------------------------
def _normalise_header(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for key, header, aliases in COLUMNS:
        for name in (header, *aliases, str(COLUMN_LABELS[key])):
            normalised = _normalise_header(name)
            if normalised:
                lookup.setdefault(normalised, key)
    return lookup


def _decode(data: bytes) -> str:
    return decode_csv_upload(data, error=ImportFileError)


def _find_header(text: str) -> tuple[str, int, dict[int, str]]:
    """The delimiter, the header's row index and {column index: key} that fit the file best."""
    header = find_csv_header(
        text,
        lookup=_header_lookup(),
        normalise=_normalise_header,
        required=REQUIRED,
        search_rows=HEADER_SEARCH_ROWS,
    )
    if header is None:
        raise ImportFileError(
            _(
                "No header row with the columns WBS and Name was found in the first %(n)d "
                "rows. The first row must name the columns, e.g. WBS, Name, Duration "
                "(working days), Start, Finish, Predecessors."
            )
            % {"n": HEADER_SEARCH_ROWS}
        )
    return header.delimiter, header.index, header.columns


def parse_csv(data: bytes, *, filename: str = "", context: ImportContext | None = None):
    """Read a CSV schedule; raises ImportFileError only when the whole file is unusable.

    Every problem with a row is a :class:`RowIssue` with the spreadsheet row number (the
    header row counts) and the column; such rows are still listed so the preview can show them.
    """
    context = context or ImportContext()
    text = _decode(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    delimiter, header_index, columns = _find_header(text)
    has_snet_column = "start_no_earlier_than" in columns.values()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    tasks: list[TaskRecord] = []
    issues: list[RowIssue] = []
    try:
        for index, row in enumerate(reader):
            if index <= header_index or not any(cell.strip() for cell in row):
                continue
            if len(tasks) >= MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(max)d rows; split the plan into several files.")
                    % {"max": MAX_ROWS}
                )
            cells = {
                key: row[position].strip() if position < len(row) else ""
                for position, key in columns.items()
            }
            task = _parse_row(cells, index + 1, issues, context, has_snet_column)
            if task is not None:
                tasks.append(task)
    except csv.Error as exc:
        raise ImportFileError(
            _("The file is not valid CSV: %(problem)s.") % {"problem": exc}
        ) from exc
    if not tasks and not issues:
        raise ImportFileError(_("The file has a header row but no tasks under it."))
    check_records(tasks, issues, context)
    return ParsedSchedule(source="csv", filename=filename, tasks=tasks, issues=issues)


def _unquote(value: str) -> str:
    """Undo the export's formula guard: ``'=x`` back to ``=x``."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


class _Row:
    """One row being read: collects its issues with the row number and column."""

    def __init__(self, number: int, issues: list[RowIssue]):
        self.number = number
        self.issues = issues

    def error(self, column: str, message: str) -> None:
        self.issues.append(RowIssue(self.number, column, message))

    def warning(self, column: str, message: str) -> None:
        self.issues.append(RowIssue(self.number, column, message, WARNING))


def _parse_row(cells, number, issues, context, has_snet_column) -> TaskRecord | None:
    row = _Row(number, issues)
    outline_text = cells.get("outline", "")
    outline = normalise_outline(outline_text)
    if outline is None:
        if outline_text:
            row.error(
                "outline",
                _("“%(value)s” is not a WBS number; use numbers like 1, 1.2 or 1.2.3.")
                % {"value": outline_text},
            )
        else:
            row.error("outline", _("The WBS number is missing."))
        return None
    if len(outline) > OUTLINE_MAX_LENGTH:
        row.error(
            "outline",
            _("The WBS number is nested too deeply (at most %(max)d characters).")
            % {"max": OUTLINE_MAX_LENGTH},
        )
        return None
    task = TaskRecord(outline=outline, name="", row=number)
    task.name = _unquote(cells.get("name", ""))
    if not task.name:
        row.error("name", _("The name is missing."))
    elif len(task.name) > NAME_MAX_LENGTH:
        row.error(
            "name",
            _("The name is too long: %(n)d characters, at most %(max)d.")
            % {"n": len(task.name), "max": NAME_MAX_LENGTH},
        )
    task.description = _unquote(cells.get("description", ""))
    if len(task.description) > DESCRIPTION_MAX_LENGTH:
        row.error(
            "description",
            _("The description is too long: %(n)d characters, at most %(max)d.")
            % {"n": len(task.description), "max": DESCRIPTION_MAX_LENGTH},
        )
    task.kind = _parse_kind(cells, row)
    task.start = parse_date(cells.get("start", ""), row, "start")
    task.finish = parse_date(cells.get("finish", ""), row, "finish")
    if task.start and task.finish and task.finish < task.start:
        row.error(
            "finish",
            _("The finish (%(finish)s) is before the start (%(start)s).")
            % {"finish": task.finish.isoformat(), "start": task.start.isoformat()},
        )
    duration = _parse_whole(cells.get("duration", ""), row, "duration", MAX_DURATION_DAYS)
    if task.kind == MILESTONE:
        pass  # check_records warns about a duration given to a milestone
    elif duration is None and task.start and task.finish and task.finish >= task.start:
        calendar = context.working_calendar
        duration = calendar.count_working_days(task.start, task.finish + datetime.timedelta(1))
    if duration is None:
        duration = 0 if task.kind == MILESTONE else 1
    task.duration_days = duration
    percent = _parse_whole(cells.get("percent_complete", ""), row, "percent_complete", 100)
    task.percent_complete = percent or 0
    task.estimated_effort_hours = _parse_effort(cells.get("effort", ""), row)
    assignee = _unquote(cells.get("assignee", ""))
    if assignee:
        username = context.resolve_person(assignee)
        if username is None:
            row.error(
                "assignee",
                _(
                    "Unknown assignee “%(value)s”: give the username of the project manager "
                    "or of someone on the team."
                )
                % {"value": assignee},
            )
        else:
            task.assignee = username
    task.predecessors = parse_predecessors(cells.get("predecessors", ""), row)
    if has_snet_column:
        task.start_no_earlier_than = parse_date(
            cells.get("start_no_earlier_than", ""), row, "start_no_earlier_than"
        )
    elif task.start and not task.predecessors:
        task.start_no_earlier_than = task.start
    return task


def _parse_kind(cells, row: _Row) -> str:
    kind = TASK
    value = cells.get("type", "").casefold()
    if value:
        words = {**KIND_WORDS}
        for word, meaning in ((_("task"), TASK), (_("phase"), PHASE), (_("milestone"), MILESTONE)):
            words.setdefault(str(word).casefold(), meaning)
        if value in words:
            kind = words[value]
        else:
            row.error(
                "type",
                _("Unknown type “%(value)s”: use task, phase or milestone.")
                % {"value": cells["type"]},
            )
    flag = cells.get("milestone", "").casefold()
    if flag in TRUE_WORDS:
        kind = MILESTONE
    elif flag not in FALSE_WORDS:
        row.error(
            "milestone",
            _("“%(value)s” is not yes or no.") % {"value": cells["milestone"]},
        )
    return kind


def parse_date(value: str, row: _Row, column: str) -> datetime.date | None:
    """ISO dates (``2026-03-02``, also with ``/`` or a time after them); None when empty."""
    value = value.strip()
    if not value:
        return None
    match = _DATE_RE.match(value)
    if match:
        try:
            return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            pass
    row.error(
        column,
        _("“%(value)s” is not a date; write dates as YYYY-MM-DD, e.g. 2026-03-02.")
        % {"value": value},
    )
    return None


def _parse_whole(value: str, row: _Row, column: str, maximum: int) -> int | None:
    """A whole number 0..maximum ("5", "5d", "5 days", "50%", "5.0"); None when empty."""
    text = _NUMBER_SUFFIX_RE.sub("", value.strip())
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        row.error(column, _("“%(value)s” is not a number.") % {"value": value})
        return None
    if number < 0:
        message = (
            _("The duration cannot be negative.")
            if column == "duration"
            else _("“%(value)s” cannot be negative.") % {"value": value}
        )
        row.error(column, message)
        return None
    if number != number.to_integral_value():
        row.error(column, _("“%(value)s” must be a whole number.") % {"value": value})
        return None
    if number > maximum:
        row.error(
            column,
            _("%(value)s is more than the most allowed, %(max)d.")
            % {"value": value, "max": maximum},
        )
        return None
    return int(number)


def _parse_effort(value: str, row: _Row) -> Decimal | None:
    text = _NUMBER_SUFFIX_RE.sub("", value.strip())
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        hours = Decimal(text)
    except InvalidOperation:
        row.error("effort", _("“%(value)s” is not a number of hours.") % {"value": value})
        return None
    if not hours.is_finite():
        row.error("effort", _("“%(value)s” is not a number of hours.") % {"value": value})
        return None
    if hours < 0:
        row.error("effort", _("The effort cannot be negative."))
        return None
    rounded = hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rounded > MAX_EFFORT_HOURS:
        row.error("effort", _("%(value)s hours is more than can be stored.") % {"value": value})
        return None
    if rounded != hours:
        row.warning(
            "effort",
            _("%(value)s hours is rounded to %(rounded)s.") % {"value": value, "rounded": rounded},
        )
    return rounded


def parse_predecessors(value: str, row: _Row) -> list[Link]:
    links = []
    for token in re.split(r"[;,]", value):
        token = token.strip()
        if not token:
            continue
        match = _LINK_RE.match(token)
        if not match:
            row.error(
                "predecessors",
                _(
                    "“%(value)s” is not a predecessor; write a WBS number, a link type and a "
                    "lag, e.g. 1.2FS+2 or 1.3SS-1."
                )
                % {"value": token},
            )
            continue
        lag = int(match["lag"] or 0) * (-1 if match["sign"] == "-" else 1)
        if abs(lag) > MAX_LAG_DAYS:
            row.error(
                "predecessors",
                _("The lag of %(value)s is more than %(max)d working days.")
                % {"value": token, "max": MAX_LAG_DAYS},
            )
            continue
        links.append(Link(normalise_outline(match["ref"]), (match["type"] or "FS").upper(), lag))
    return links

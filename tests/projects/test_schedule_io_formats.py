"""The file formats on their own (no database): CSV, MSPDI and iCalendar, in and out."""

import datetime
import re
from decimal import Decimal

import pytest

from projects.schedule_io import detect_format, parse_schedule
from projects.schedule_io.csv_format import neutralise_formula, parse_csv, write_csv
from projects.schedule_io.ical import CalendarEvent, escape_text, fold, write_calendar
from projects.schedule_io.mspdi import parse_mspdi, write_mspdi
from projects.schedule_io.records import (
    MILESTONE,
    PHASE,
    TASK,
    ImportContext,
    ImportFileError,
    Link,
    ParsedSchedule,
    Person,
    ProjectInfo,
    TaskRecord,
    people_index,
)

D = datetime.date


def sample_plan() -> list[TaskRecord]:
    return [
        TaskRecord("1", "Design", PHASE, 8, D(2026, 1, 5), D(2026, 1, 14)),
        TaskRecord(
            "1.1",
            "Requirements, scope; sign-off",
            TASK,
            5,
            D(2026, 1, 5),
            D(2026, 1, 9),
            start_no_earlier_than=D(2026, 1, 5),
            percent_complete=100,
            assignee="pm",
            estimated_effort_hours=Decimal("40.0"),
            description='Line one, with "quotes"\nline two; and a \\ backslash',
        ),
        TaskRecord(
            "1.2",
            "=HYPERLINK(evil)",
            TASK,
            3,
            D(2026, 1, 14),
            D(2026, 1, 16),
            percent_complete=50,
            assignee="member",
            estimated_effort_hours=Decimal("12.5"),
            predecessors=[Link("1.1", "FS", 2)],
        ),
        TaskRecord("2", "Build", PHASE, 10),
        TaskRecord("2.1", "Sprint 1", PHASE, 10),
        TaskRecord("2.1.1", "Backend", TASK, 4, predecessors=[Link("1.2", "SS", -1)]),
        TaskRecord(
            "2.1.2",
            "Frontend",
            TASK,
            6,
            predecessors=[Link("2.1.1", "SF", 1), Link("1.2", "FF", 0)],
        ),
        TaskRecord(
            "2.2",
            "Go live",
            MILESTONE,
            0,
            D(2026, 2, 2),
            D(2026, 2, 2),
            assignee="pm",
            predecessors=[Link("2.1.2", "FS", 0)],
        ),
    ]


def comparable(tasks):
    """What a round trip must keep (the row number says where a record came from)."""
    return [{**task.to_dict(), "row": None} for task in tasks]


# --- CSV -----------------------------------------------------------------------------------------
def test_csv_round_trip_keeps_every_field():
    text = write_csv(sample_plan())
    parsed = parse_csv(text.encode("utf-8"), filename="plan.csv")
    assert parsed.issues == []
    assert comparable(parsed.tasks) == comparable(sample_plan())


def test_csv_export_starts_with_bom_and_uses_crlf():
    text = write_csv(sample_plan())
    assert text.startswith("\ufeffWBS,Name,Type,Duration (working days),Start,Finish,")
    assert "\r\n" in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("Plain name", "Plain name"),
        ("1.2FS+2", "1.2FS+2"),
        (None, ""),
    ],
)
def test_formula_cells_are_neutralised(value, expected):
    assert neutralise_formula(value) == expected


def test_exported_formula_name_is_quoted_and_read_back_unquoted():
    text = write_csv(sample_plan())
    assert ",'=HYPERLINK(evil)," in text
    parsed = parse_csv(text.encode())
    assert parsed.tasks[2].name == "=HYPERLINK(evil)"


def test_csv_without_bom_semicolons_and_header_below_a_title():
    data = (
        b"Plan exported by hand\n"
        b"\n"
        b"Name;WBS;Duration;Predecessors;Milestone\n"
        b"Kick-off;1;0;;yes\n"
        b"Work;2;5d;1FS+1;\n"
    )
    parsed = parse_csv(data)
    assert parsed.issues == []
    assert [(t.outline, t.kind, t.duration_days) for t in parsed.tasks] == [
        ("1", MILESTONE, 0),
        ("2", TASK, 5),
    ]
    assert parsed.tasks[1].predecessors == [Link("1", "FS", 1)]
    assert parsed.tasks[1].row == 5  # the spreadsheet row, header and title included


def test_duration_comes_from_start_and_finish_when_empty():
    data = b"WBS,Name,Start,Finish\n1,Week,2026-01-05,2026-01-09\n2,Across a weekend,2026-01-09,2026-01-12\n"
    parsed = parse_csv(data)
    assert [t.duration_days for t in parsed.tasks] == [5, 2]
    # No predecessors and no "start no earlier than" column: the start pins the task.
    assert parsed.tasks[1].start_no_earlier_than == D(2026, 1, 9)


def test_broken_rows_are_reported_with_row_and_column_and_never_raise():
    data = (
        "WBS,Name,Duration,Start,Finish,Predecessors,% complete,Assignee,Estimated effort\n"
        "1,Fine,3,,,,,,\n"
        "2,Unknown predecessor,3,,,9.9,,,\n"
        "3,Bad number,three,,,,,,\n"
        "4,Negative duration,-2,,,,,,\n"
        "5,Backwards,2,2026-03-10,2026-03-01,,,,\n"
        f"6,{'x' * 201},1,,,,,,\n"
        "7,Stranger,1,,,,,nobody,\n"
        "1,Duplicate outline,1,,,,,,\n"
        "8.1,Orphan,1,,,,,,\n"
        "9,Too complete,1,,,,150,,\n"
        "10,Negative effort,1,,,,,,-4\n"
        "11,Bad date,1,31/12/2026,,,,,\n"
        "12,Bad link,1,,,after 1,,,\n"
        "abc,Bad outline,1,,,,,,\n"
    ).encode()
    parsed = parse_csv(data, context=ImportContext(people={"pm": "pm"}))
    found = {(issue.row, issue.column) for issue in parsed.errors}
    assert {
        (3, "predecessors"),
        (4, "duration"),
        (5, "duration"),
        (6, "finish"),
        (7, "name"),
        (8, "assignee"),
        (9, "outline"),
        (10, "outline"),
        (11, "percent_complete"),
        (12, "effort"),
        (13, "start"),
        (14, "predecessors"),
        (15, "outline"),
    } == found
    messages = {issue.row: issue.message for issue in parsed.errors}
    assert "9.9" in messages[3]
    assert "negative" in messages[5]
    assert "before the start" in messages[6]
    assert "201" in messages[7]
    assert "nobody" in messages[8]
    assert "used twice" in messages[9]
    assert "8" in messages[10] and "missing" in messages[10]
    assert parsed.has_errors
    assert parsed.tasks[0].name == "Fine"


def test_links_form_no_cycle():
    data = b"WBS,Name,Duration,Predecessors\n1,A,1,3\n2,B,1,1\n3,C,1,2FS+1\n"
    parsed = parse_csv(data)
    [error] = parsed.errors
    assert error.column == "predecessors"
    assert "1 → 2 → 3 → 1" in error.message or "circle" in error.message


def test_self_link_and_twice_listed_predecessor_are_errors():
    data = b"WBS,Name,Duration,Predecessors\n1,A,1,1\n2,B,1,1;1SS\n"
    messages = [issue.message for issue in parse_csv(data).errors]
    assert any("itself" in m for m in messages)
    assert any("twice" in m for m in messages)


def test_links_to_phases_are_left_out_with_a_warning():
    data = b"WBS,Name,Duration,Predecessors\n1,Phase,1,\n1.1,Task,2,\n2,After the phase,1,1\n"
    parsed = parse_csv(data)
    assert not parsed.has_errors
    [warning] = parsed.warnings
    assert (warning.row, warning.column) == (4, "predecessors")
    assert parsed.tasks[2].predecessors == []
    assert parsed.tasks[0].kind == PHASE


def test_milestone_with_children_or_duration():
    data = b"WBS,Name,Type,Duration\n1,Gate,milestone,3\n2,Odd,milestone,\n2.1,Inside,task,1\n"
    parsed = parse_csv(data)
    assert parsed.tasks[0].duration_days == 0
    assert [w.row for w in parsed.warnings] == [2]
    assert [(e.row, e.column) for e in parsed.errors] == [(3, "type")]


def test_milestone_dates_are_checked_against_the_project():
    data = b"WBS,Name,Type,Start,% complete\n1,Too early,milestone,2025-12-01,0\n2,Future achieved,milestone,2027-06-01,100\n"
    context = ImportContext(project_start=D(2026, 1, 5), today=D(2026, 6, 1))
    parsed = parse_csv(data, context=context)
    assert [(e.row, e.column) for e in parsed.errors] == [(2, "start"), (3, "percent_complete")]


def test_nesting_deeper_than_ten_levels_is_refused():
    rows = ["WBS,Name"] + [".".join(["1"] * level) + f",Level {level}" for level in range(1, 12)]
    parsed = parse_csv("\n".join(rows).encode())
    assert [(e.row, e.column) for e in parsed.errors] == [(12, "outline")]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"just some words\nwithout columns\n", "header row"),
        (b"WBS,Name\n", "no tasks"),
        (b"PK\x03\x04\x14\x00rest-of-a-zip", "workbook"),
        ("WBS,Name\n1,Caf\u00e9\n".encode("cp1252"), "UTF-8"),
        ("WBS,Name\n1,A\n".encode("utf-16"), "UTF-16"),
        (b"WBS,Name\n1,A\x00B\n", "binary"),
    ],
)
def test_files_that_are_not_csv_schedules_are_refused_whole(data, words):
    with pytest.raises(ImportFileError, match=words):
        parse_csv(data)


def test_bom_and_spreadsheet_quirks_are_read():
    data = '\ufeffOutline,Task Name,Duration (working days),% Complete,Estimated effort (hours)\n01.,Café,5 days,50%,"7,5"\n'.encode()
    [task] = parse_csv(data).tasks
    assert (task.outline, task.name, task.duration_days, task.percent_complete) == (
        "1",
        "Café",
        5,
        50,
    )
    assert task.estimated_effort_hours == Decimal("7.5")


def test_assignee_by_email_or_full_name():
    people = people_index(
        [
            ("pm", "pat@example.org", "Pat Manager"),
            ("twin1", "a@example.org", "Sam Twin"),
            ("twin2", "b@example.org", "Sam Twin"),
        ]
    )
    assert people["pat@example.org"] == "pm"
    assert people["pat manager"] == "pm"
    assert "sam twin" not in people  # two people share it: no guessing
    data = b"WBS,Name,Assignee\n1,A,PAT@example.org\n2,B,Sam Twin\n"
    parsed = parse_csv(data, context=ImportContext(people=people))
    assert parsed.tasks[0].assignee == "pm"
    assert [(e.row, e.column) for e in parsed.errors] == [(3, "assignee")]


def test_parsed_schedule_survives_the_session_as_json():
    import json

    parsed = parse_csv(write_csv(sample_plan()).encode(), filename="plan.csv")
    again = ParsedSchedule.from_dict(json.loads(json.dumps(parsed.to_dict())))
    assert comparable(again.tasks) == comparable(parsed.tasks)
    assert again.filename == "plan.csv"


# --- file type -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("plan.csv", b"WBS,Name", "csv"),
        ("PLAN.CSV", b"WBS,Name", "csv"),
        ("plan.xml", b"<Project/>", "mspdi"),
    ],
)
def test_format_follows_the_file_name(filename, data, expected):
    assert detect_format(filename, data) == expected


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("plan.mpp", b"\xd0\xcf\x11\xe0"),
        ("plan.xlsx", b"PK"),
        ("plan", b"WBS"),
        ("plan.csv", b"<?xml?>"),
    ],
)
def test_other_files_are_refused(filename, data):
    with pytest.raises(ImportFileError):
        detect_format(filename, data)


# --- MSPDI ---------------------------------------------------------------------------------------
INFO = ProjectInfo(
    code="PRJ-0001",
    name="Customer portal",
    start=D(2026, 1, 5),
    finish=D(2026, 3, 31),
    currency="EUR",
    manager="Pat Manager",
    holidays=(D(2026, 1, 1), D(2026, 4, 6)),
)
PEOPLE = {
    "pm": Person("pm", "Pat Manager", "pat@example.org"),
    "member": Person("member", "Max Member", "max@example.org"),
}


def test_mspdi_round_trip_keeps_tasks_outline_durations_links_and_milestones():
    document = write_mspdi(INFO, sample_plan(), PEOPLE)
    parsed = parse_mspdi(document, filename="plan.xml")
    assert parsed.issues == []
    assert comparable(parsed.tasks) == comparable(sample_plan())


def test_mspdi_export_is_a_project_document():
    import xml.etree.ElementTree as ET

    document = write_mspdi(INFO, sample_plan(), PEOPLE)
    root = ET.fromstring(document)
    ns = {"p": "http://schemas.microsoft.com/project"}
    assert root.tag == "{http://schemas.microsoft.com/project}Project"
    tasks = root.findall("p:Tasks/p:Task", ns)
    assert tasks[0].findtext("p:UID", namespaces=ns) == "0"  # the project summary
    spec = tasks[3]
    assert spec.findtext("p:Name", namespaces=ns) == "=HYPERLINK(evil)"
    assert spec.findtext("p:Duration", namespaces=ns) == "PT24H0M0S"
    assert spec.findtext("p:Work", namespaces=ns) == "PT12H30M0S"
    link = spec.find("p:PredecessorLink", ns)
    assert link.findtext("p:PredecessorUID", namespaces=ns) == "2"
    assert link.findtext("p:Type", namespaces=ns) == "1"  # FS
    assert link.findtext("p:LinkLag", namespaces=ns) == "9600"  # 2 days in tenths of minutes
    assert link.findtext("p:LagFormat", namespaces=ns) == "7"
    go_live = tasks[-1]
    assert go_live.findtext("p:Milestone", namespaces=ns) == "1"
    assert go_live.findtext("p:Duration", namespaces=ns) == "PT0H0M0S"
    assert tasks[1].findtext("p:Summary", namespaces=ns) == "1"
    # Elements follow the schema's sequence for a task.
    order = [child.tag.split("}")[1] for child in spec]
    expected = ["UID", "ID", "Name", "Type", "WBS", "OutlineNumber", "OutlineLevel", "Start"]
    assert order[: len(expected)] == expected
    assert order.index("Duration") < order.index("Milestone") < order.index("PercentComplete")
    assert order.index("ConstraintType") < order.index("PredecessorLink")
    weekdays = root.findall("p:Calendars/p:Calendar/p:WeekDays/p:WeekDay", ns)
    working = {
        w.findtext("p:DayType", namespaces=ns): w.findtext("p:DayWorking", namespaces=ns)
        for w in weekdays[:7]
    }
    assert working == {"1": "0", "2": "1", "3": "1", "4": "1", "5": "1", "6": "1", "7": "0"}
    assert len(weekdays) == 9  # seven days and two holidays
    resources = root.findall("p:Resources/p:Resource", ns)
    assert [r.findtext("p:Code", namespaces=ns) for r in resources] == ["member", "pm"]


# A small file the way ProjectLibre writes one (trimmed): other namespace prefix style, the
# project summary task, no OutlineNumber on one task, a blank row, a resource and hours.
PROJECTLIBRE_FILE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <Name>Office move.xml</Name>
  <ScheduleFromStart>1</ScheduleFromStart>
  <StartDate>2026-03-02T08:00:00</StartDate>
  <MinutesPerDay>480</MinutesPerDay>
  <Tasks>
    <Task><UID>0</UID><ID>0</ID><Name>Office move</Name><OutlineNumber>0</OutlineNumber><OutlineLevel>0</OutlineLevel><Summary>1</Summary></Task>
    <Task>
      <UID>1</UID><ID>1</ID><Name>Preparation</Name><OutlineNumber>1</OutlineNumber><OutlineLevel>1</OutlineLevel>
      <Start>2026-03-02T08:00:00</Start><Finish>2026-03-06T17:00:00</Finish><Duration>PT40H0M0S</Duration>
      <Milestone>0</Milestone><Summary>1</Summary><PercentComplete>20</PercentComplete>
    </Task>
    <Task>
      <UID>2</UID><ID>2</ID><Name>Choose movers</Name><OutlineNumber>1.1</OutlineNumber><OutlineLevel>2</OutlineLevel>
      <Start>2026-03-02T08:00:00</Start><Finish>2026-03-04T17:00:00</Finish><Duration>PT24H0M0S</Duration>
      <Work>PT24H0M0S</Work><Milestone>0</Milestone><Summary>0</Summary><PercentComplete>50</PercentComplete>
      <ConstraintType>0</ConstraintType><Notes>Three quotes, cheapest wins</Notes>
    </Task>
    <Task>
      <UID>5</UID><ID>3</ID><Name>Pack the archive</Name><OutlineLevel>2</OutlineLevel>
      <Start>2026-03-05T08:00:00</Start><Finish>2026-03-06T17:00:00</Finish><Duration>PT16H0M0S</Duration>
      <Milestone>0</Milestone><Summary>0</Summary>
      <PredecessorLink><PredecessorUID>2</PredecessorUID><Type>1</Type><CrossProject>0</CrossProject><LinkLag>0</LinkLag><LagFormat>7</LagFormat></PredecessorLink>
    </Task>
    <Task><UID>6</UID><ID>4</ID><IsNull>1</IsNull></Task>
    <Task>
      <UID>7</UID><ID>5</ID><Name>Moving day</Name><OutlineNumber>2</OutlineNumber><OutlineLevel>1</OutlineLevel>
      <Start>2026-03-09T08:00:00</Start><Finish>2026-03-09T08:00:00</Finish><Duration>PT0H0M0S</Duration>
      <Milestone>1</Milestone><Summary>0</Summary>
      <PredecessorLink><PredecessorUID>5</PredecessorUID><Type>3</Type><LinkLag>4800</LinkLag><LagFormat>7</LagFormat></PredecessorLink>
      <PredecessorLink><PredecessorUID>2</PredecessorUID><Type>0</Type><LinkLag>-4800</LinkLag><LagFormat>7</LagFormat></PredecessorLink>
    </Task>
    <Task>
      <UID>8</UID><ID>6</ID><Name>Unpack</Name><OutlineNumber>3</OutlineNumber><OutlineLevel>1</OutlineLevel>
      <Start>2026-03-16T08:00:00</Start><Finish>2026-03-17T17:00:00</Finish><Duration>PT16H0M0S</Duration>
      <ConstraintType>4</ConstraintType><ConstraintDate>2026-03-16T08:00:00</ConstraintDate>
    </Task>
  </Tasks>
  <Resources>
    <Resource><UID>0</UID><ID>0</ID><Name>Unassigned</Name></Resource>
    <Resource><UID>1</UID><ID>1</ID><Name>Pat Manager</Name><Type>1</Type></Resource>
    <Resource><UID>2</UID><ID>2</ID><Name>Removal company</Name><Type>1</Type></Resource>
  </Resources>
  <Assignments>
    <Assignment><UID>1</UID><TaskUID>2</TaskUID><ResourceUID>1</ResourceUID><Units>1</Units></Assignment>
    <Assignment><UID>2</UID><TaskUID>5</TaskUID><ResourceUID>2</ResourceUID><Units>1</Units></Assignment>
    <Assignment><UID>3</UID><TaskUID>8</TaskUID><ResourceUID>-65535</ResourceUID><Units>1</Units></Assignment>
  </Assignments>
</Project>
"""


def test_projectlibre_style_file_is_read():
    context = ImportContext(people=people_index([("pm", "pat@example.org", "Pat Manager")]))
    parsed = parse_mspdi(PROJECTLIBRE_FILE, filename="move.xml", context=context)
    assert not parsed.has_errors
    rows = [
        (t.row, t.outline, t.name, t.kind, t.duration_days, t.percent_complete, t.assignee)
        for t in parsed.tasks
    ]
    assert rows == [
        (1, "1", "Preparation", PHASE, 5, 20, ""),
        (2, "1.1", "Choose movers", TASK, 3, 50, "pm"),
        (3, "1.2", "Pack the archive", TASK, 2, 0, ""),
        (5, "2", "Moving day", MILESTONE, 0, 0, ""),
        (6, "3", "Unpack", TASK, 2, 0, ""),
    ]
    by_outline = {t.outline: t for t in parsed.tasks}
    assert by_outline["1.1"].estimated_effort_hours == Decimal("24.0")
    assert by_outline["1.1"].description == "Three quotes, cheapest wins"
    assert by_outline["1.2"].predecessors == [Link("1.1", "FS", 0)]
    assert by_outline["2"].predecessors == [Link("1.2", "SS", 1), Link("1.1", "FF", -1)]
    assert by_outline["2"].date == D(2026, 3, 9)
    assert by_outline["3"].start_no_earlier_than == D(2026, 3, 16)
    # The removal company is nobody here: a warning, the task stays unassigned.
    [warning] = parsed.warnings
    assert (warning.row, warning.column) == (3, "assignee")
    assert "Removal company" in warning.message


def test_mspdi_broken_tasks_are_reported_per_task():
    document = b"""<Project xmlns="http://schemas.microsoft.com/project"><Tasks>
      <Task><UID>1</UID><ID>1</ID><Name>Bad duration</Name><OutlineNumber>1</OutlineNumber><Duration>soon</Duration></Task>
      <Task><UID>2</UID><ID>2</ID><Name>Negative</Name><OutlineNumber>2</OutlineNumber><Duration>-PT8H0M0S</Duration></Task>
      <Task><UID>3</UID><ID>3</ID><Name>Unknown link</Name><OutlineNumber>3</OutlineNumber><Duration>PT8H0M0S</Duration>
        <PredecessorLink><PredecessorUID>99</PredecessorUID><Type>1</Type></PredecessorLink></Task>
      <Task><UID>4</UID><ID>4</ID><Name>Backwards</Name><OutlineNumber>4</OutlineNumber>
        <Start>2026-03-10T08:00:00</Start><Finish>2026-03-02T17:00:00</Finish></Task>
      <Task><UID>5</UID><ID>5</ID><Name></Name><OutlineNumber>5</OutlineNumber></Task>
      <Task><UID>6</UID><ID>6</ID><Name>Bad type</Name><OutlineNumber>6</OutlineNumber>
        <PredecessorLink><PredecessorUID>1</PredecessorUID><Type>7</Type></PredecessorLink></Task>
      <Task><UID>7</UID><ID>7</ID><Name>Half a day</Name><OutlineNumber>7</OutlineNumber><Duration>PT4H0M0S</Duration><PercentComplete>120</PercentComplete></Task>
    </Tasks></Project>"""
    parsed = parse_mspdi(document)
    errors = {(e.row, e.column) for e in parsed.errors}
    assert errors == {
        (1, "duration"),
        (2, "duration"),
        (3, "predecessors"),
        (4, "finish"),
        (5, "name"),
        (6, "predecessors"),
        (7, "percent_complete"),
    }
    assert [(w.row, w.column) for w in parsed.warnings] == [(7, "duration")]


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b"<Project><Tasks><Task><Name>&lol2;</Name></Task></Tasks></Project>",
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<Project><Name>&xxe;</Name></Project>",
        b'<!doctype Project SYSTEM "http://example.org/evil.dtd"><Project/>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY b "c">]><Project/>'.encode(
            "utf-16"
        ),
    ],
)
def test_xml_with_doctype_or_entities_is_refused(document):
    with pytest.raises(ImportFileError, match="DOCTYPE"):
        parse_mspdi(document)


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (b"WBS,Name\n1,A\n", "not an XML"),
        (b"<Project><Tasks><Task>", "well-formed"),
        (b"<html><body>hello</body></html>", "not a Microsoft Project"),
        (
            b'<Project xmlns="http://schemas.microsoft.com/project"><Name>x</Name></Project>',
            "no tasks",
        ),
        (b'<?xml version="1.0" encoding="EBCDIC-CP-US"?><Project/>', "encoding"),
    ],
)
def test_xml_that_is_not_a_project_file_is_refused(document, words):
    with pytest.raises(ImportFileError, match=words):
        parse_mspdi(document)


def test_parse_schedule_picks_the_parser_from_the_extension():
    assert parse_schedule(b"WBS,Name\n1,A\n", filename="a.csv").source == "csv"
    document = write_mspdi(INFO, sample_plan(), PEOPLE)
    assert parse_schedule(document, filename="a.XML").source == "mspdi"


# --- iCalendar -----------------------------------------------------------------------------------
STAMP = datetime.datetime(2026, 3, 1, 12, 30, tzinfo=datetime.UTC)


def _calendar(*events):
    return write_calendar(events, name="Milestones, PRJ-0001", stamp=STAMP)


def test_ical_lines_end_in_crlf_and_fit_75_octets():
    long_summary = "PRJ-0001: " + "Ünïcödé milestone name that goes on and on " * 5
    text = _calendar(
        CalendarEvent(
            uid="milestone-1@pmo.example.org",
            day=D(2026, 3, 2),
            summary=long_summary,
            description="Status: at risk\nSlip: +3 days",
        )
    )
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    # Unfolding (RFC 5545 3.1) gives the value back whole, no character split.
    unfolded = re.sub(r"\r\n ", "", text)
    assert f"SUMMARY:{long_summary}\r\n" in unfolded
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert "DTSTART;VALUE=DATE:20260302\r\n" in text
    assert "DTEND;VALUE=DATE:20260303\r\n" in text
    assert "DTSTAMP:20260301T123000Z\r\n" in text
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") == 1


def test_ical_text_is_escaped():
    assert escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    assert escape_text("bell\x07 gone") == "bell gone"
    text = _calendar(
        CalendarEvent(uid="m-2@x", day=D(2026, 1, 1), summary="Go, live; now", description="x\ny")
    )
    assert "SUMMARY:Go\\, live\\; now\r\n" in text
    assert "DESCRIPTION:x\\ny\r\n" in text
    assert "X-WR-CALNAME:Milestones\\, PRJ-0001\r\n" in text


def test_fold_never_splits_a_character():
    line = "SUMMARY:" + "里程碑" * 40
    folded = fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
        part.encode("utf-8").decode("utf-8")
    assert folded.replace("\r\n ", "") == line


def test_empty_calendar_is_still_valid():
    text = _calendar()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "BEGIN:VEVENT" not in text

"""An iCalendar (RFC 5545) writer for milestone feeds: all-day events, nothing else.

- Lines end with CRLF and are folded so that no line is longer than 75 octets of UTF-8
  (continuation lines start with a space, which counts); a character is never split.
- TEXT values escape backslash, semicolon, comma and newlines (section 3.3.11); other
  control characters are dropped, as TEXT does not allow them.
- Each milestone is a VEVENT with ``DTSTART;VALUE=DATE`` and the next day as ``DTEND``
  (all-day events end exclusively), a UID that stays the same for the life of the
  milestone so calendar clients update rather than duplicate it, and DTSTAMP in UTC.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

CRLF = "\r\n"
MAX_LINE_OCTETS = 75
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    day: datetime.date
    summary: str
    description: str = ""
    url: str = ""
    last_modified: datetime.datetime | None = None
    categories: tuple[str, ...] = ()


def escape_text(value: str) -> str:
    """Escape a TEXT property value."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL_RE.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a character."""
    if len(line.encode("utf-8")) <= MAX_LINE_OCTETS:
        return line
    lines = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > MAX_LINE_OCTETS:
            lines.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    lines.append("".join(current))
    return CRLF.join(lines)


def _utc(moment: datetime.datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _day(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")


def write_calendar(
    events: Iterable[CalendarEvent],
    *,
    name: str,
    stamp: datetime.datetime,
    prodid: str = "-//PMO//Milestones//EN",
) -> str:
    """The VCALENDAR text; encode it as UTF-8 for the response."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{prodid}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"NAME:{escape_text(name)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    dtstamp = _utc(stamp)
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{_day(event.day)}",
            f"DTEND;VALUE=DATE:{_day(event.day + datetime.timedelta(days=1))}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        if event.categories:
            lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
        if event.last_modified:
            lines.append(f"LAST-MODIFIED:{_utc(event.last_modified)}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF

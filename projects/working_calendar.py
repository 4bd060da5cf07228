"""Working calendar: which dates are working days, and arithmetic in working days.

Plain Python, no Django (DESIGN.md section 3): the scheduler, services and reports all need the
same answers to "what is 5 working days after Friday?", so they come from one place that is
unit-tested without a database. The module is not called ``calendar`` so that it can never
shadow the standard library module of that name.

A calendar is a set of weekend weekdays (``date.weekday()`` numbers, Monday = 0, default
Saturday and Sunday) plus a set of holiday dates. Everything else is a working day.

Working-day index
-----------------
Every date has an integer *index*: the number of working days between a fixed epoch and that
date, not counting the date itself. Only differences between indexes mean anything:
``index_of(b) - index_of(a)`` is the number of working days in the half-open range ``[a, b)``.
A non-working date has the index of the next working day, so ``date_of(index_of(d))`` snaps
``d`` forward. The scheduler computes in offsets from ``index_of(project_start)`` and converts
back with ``date_of`` once, at the end.

Both conversions cost O(log H) for H holidays: weekends follow a weekly pattern and are counted
arithmetically, and holidays are found by bisecting two sorted arrays built once per calendar.
A conversion takes well under a microsecond with decades of holidays, so the four dates of each
of 5,000 tasks cost a few milliseconds, whatever the span of the project.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, timedelta

#: Saturday and Sunday, as ``date.weekday()`` numbers.
DEFAULT_WEEKEND: frozenset[int] = frozenset({5, 6})

_ONE_DAY = timedelta(days=1)


class WorkingCalendar:
    """Weekends plus holidays; immutable once built, so one instance can be shared freely.

    Holidays that fall on a weekend are accepted and simply change nothing.
    """

    __slots__ = (
        "_holiday_positions",
        "_holiday_shifts",
        "_per_week",
        "_prefix",
        "_workdays",
        "holidays",
        "weekend",
    )

    weekend: frozenset[int]
    holidays: frozenset[date]

    def __init__(
        self, weekend: Iterable[int] = DEFAULT_WEEKEND, holidays: Iterable[date] = ()
    ) -> None:
        weekend = frozenset(weekend)
        if not weekend <= frozenset(range(7)):
            raise ValueError(f"Weekend days must be weekday numbers 0-6, got {sorted(weekend)}")
        workdays = tuple(day for day in range(7) if day not in weekend)
        if not workdays:
            raise ValueError("A calendar needs at least one working weekday")
        self.weekend = weekend
        self.holidays = frozenset(holidays)
        self._workdays = workdays
        self._per_week = len(workdays)
        # _prefix[w]: working weekdays in a week before weekday w (Monday = 0).
        prefix = [0]
        for day in range(7):
            prefix.append(prefix[-1] + (day not in weekend))
        self._prefix = tuple(prefix)
        # Positions of the holidays that actually remove a working day, in the "weekends only"
        # numbering (see _position). Distinct dates on working weekdays have distinct,
        # increasing positions.
        positions = [
            self._position(day) for day in sorted(self.holidays) if day.weekday() not in weekend
        ]
        self._holiday_positions = positions
        # The k-th holiday (0-based) would have had working-day index position - k; working day
        # i lies after every holiday whose shift is <= i. Non-decreasing, so it can be bisected.
        self._holiday_shifts = [position - k for k, position in enumerate(positions)]

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(weekend={sorted(self.weekend)}, holidays={len(self.holidays)} dates)"
        )

    # --- the two conversions everything else is built on ------------------------------------
    def _position(self, day: date) -> int:
        """Working weekdays (ignoring holidays) from Monday 0001-01-01 up to, not including, day."""
        days = day.toordinal() - 1  # ordinal 1 is a Monday
        weeks, weekday = divmod(days, 7)
        return weeks * self._per_week + self._prefix[weekday]

    def index_of(self, day: date) -> int:
        """Working-day index of ``day`` (of the next working day when ``day`` is not one)."""
        position = self._position(day)
        return position - bisect_left(self._holiday_positions, position)

    def date_of(self, index: int) -> date:
        """The working day whose index is ``index``; inverse of :meth:`index_of`."""
        position = index + bisect_right(self._holiday_shifts, index)
        weeks, nth = divmod(position, self._per_week)
        return date.fromordinal(weeks * 7 + self._workdays[nth] + 1)

    # --- what callers use -------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and day not in self.holidays

    def snap_forward(self, day: date) -> date:
        """``day`` if it is a working day, else the next working day (where work would start)."""
        return self.date_of(self.index_of(day))

    def snap_backward(self, day: date) -> date:
        """``day`` if it is a working day, else the previous one (where work would have ended)."""
        return self.date_of(self.index_of(day + _ONE_DAY) - 1)

    def add_working_days(self, day: date, days: int) -> date:
        """The ``days``-th working day after ``day`` (before it when ``days`` is negative).

        Like a spreadsheet's WORKDAY(): ``day`` itself need not be a working day and is not
        counted, so Friday + 1 and Saturday + 1 are both Monday, Monday - 1 and Sunday - 1 both
        Friday. ``days == 0`` snaps ``day`` forward to a working day.
        """
        index = self.index_of(day)
        if days > 0 and not self.is_working_day(day):
            # index_of already moved a non-working day onto the next working day, which
            # is then the first one counted.
            index -= 1
        return self.date_of(index + days)

    def count_working_days(self, start: date, end: date) -> int:
        """Working days in the half-open range ``[start, end)``; negative when ``end < start``.

        Half-open so that counts add up (``[a, b) + [b, c) = [a, c)``) and so that
        ``count_working_days(d, add_working_days(d, n)) == n`` for a working day ``d``. For an
        inclusive count, as in "how many working days from Monday to Friday", pass
        ``end + timedelta(days=1)``.
        """
        return self.index_of(end) - self.index_of(start)

"""Working-day arithmetic across weekends and holidays (pure: no database)."""

import random
from datetime import date, timedelta

import pytest

from projects.working_calendar import WorkingCalendar

ONE_DAY = timedelta(days=1)

# June 2025: Fri 30 May, Mon 2 .. Fri 6 June, weekend 7-8, Whit Monday 9 June a holiday.
WHIT_MONDAY = date(2025, 6, 9)
JUNE = WorkingCalendar(holidays={WHIT_MONDAY})

# England and Wales bank holidays 2025, all on weekdays: 261 weekdays - 8 = 253 working days.
UK_2025 = WorkingCalendar(
    holidays={
        date(2025, 1, 1),
        date(2025, 4, 18),
        date(2025, 4, 21),
        date(2025, 5, 5),
        date(2025, 5, 26),
        date(2025, 8, 25),
        date(2025, 12, 25),
        date(2025, 12, 26),
    }
)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2025, 6, 5), 1, date(2025, 6, 6)),  # Thursday + 1 lands on Friday
        (date(2025, 5, 30), 1, date(2025, 6, 2)),  # Friday + 1 lands on Monday
        (date(2025, 6, 6), 1, date(2025, 6, 10)),  # Friday + 1 skips the holiday Monday
        (date(2025, 6, 7), 1, date(2025, 6, 10)),  # from Saturday, the first working day
        (date(2025, 6, 2), 4, date(2025, 6, 6)),  # Monday + 4 = Friday of the same week
        (date(2025, 6, 2), 5, date(2025, 6, 10)),  # Monday + 5 = Tuesday after the holiday
        (date(2025, 6, 4), 0, date(2025, 6, 4)),  # zero days: a working day stays put
        (date(2025, 6, 7), 0, date(2025, 6, 10)),  # zero days from Saturday snaps forward
        (WHIT_MONDAY, 0, date(2025, 6, 10)),  # ... and from a holiday
        (date(2025, 6, 10), -1, date(2025, 6, 6)),  # Tuesday - 1 skips holiday and weekend
        (date(2025, 6, 8), -1, date(2025, 6, 6)),  # Sunday - 1 = Friday
        (WHIT_MONDAY, -1, date(2025, 6, 6)),  # holiday - 1 = Friday
        (date(2025, 6, 2), -1, date(2025, 5, 30)),  # Monday - 1 = Friday
        (date(2025, 6, 13), -4, date(2025, 6, 6)),  # Friday - 4: the holiday week has 4 days
        (date(2025, 6, 13), -5, date(2025, 6, 5)),  # ... so - 5 is the Thursday before
    ],
)
def test_add_working_days(start, days, expected):
    assert JUNE.add_working_days(start, days) == expected


def test_a_year_of_uk_working_days():
    # 2025 starts on a Wednesday: 52 weeks + 1 day = 261 weekdays, minus 8 bank holidays.
    assert UK_2025.count_working_days(date(2025, 1, 1), date(2026, 1, 1)) == 253
    assert WorkingCalendar().count_working_days(date(2025, 1, 1), date(2026, 1, 1)) == 261
    # New Year's Day is not counted (it is the start, and a holiday); the 253rd working day
    # after it is the last one of the year.
    assert UK_2025.add_working_days(date(2025, 1, 1), 253) == date(2025, 12, 31)
    assert UK_2025.add_working_days(date(2025, 12, 31), -252) == date(2025, 1, 2)


def test_long_spans_agree_with_counting_one_day_at_a_time():
    start = date(2024, 3, 15)
    for years in (1, 10, 40):
        end = start + timedelta(days=365 * years)
        assert UK_2025.count_working_days(start, end) == _count_slowly(UK_2025, start, end)
    for days in (2_600, -2_600, 26_000):  # about 10 and 100 years
        assert UK_2025.add_working_days(start, days) == _add_slowly(UK_2025, start, days)


def test_counting_is_half_open_and_antisymmetric():
    monday, friday = date(2025, 6, 2), date(2025, 6, 6)
    assert JUNE.count_working_days(monday, friday) == 4  # Mon-Thu
    assert JUNE.count_working_days(monday, friday + ONE_DAY) == 5  # inclusive: pass end + 1
    assert JUNE.count_working_days(friday, monday) == -4
    assert JUNE.count_working_days(monday, monday) == 0
    # Over the weekend and the holiday Monday: Friday only.
    assert JUNE.count_working_days(date(2025, 6, 6), date(2025, 6, 10)) == 1
    # Weekends and holidays alone contain no working days.
    assert JUNE.count_working_days(date(2025, 6, 7), date(2025, 6, 10)) == 0


def test_snapping_to_working_days():
    saturday, friday, tuesday = date(2025, 6, 7), date(2025, 6, 6), date(2025, 6, 10)
    assert JUNE.snap_forward(saturday) == tuesday
    assert JUNE.snap_forward(WHIT_MONDAY) == tuesday
    assert JUNE.snap_forward(friday) == friday
    assert JUNE.snap_backward(WHIT_MONDAY) == friday
    assert JUNE.snap_backward(saturday) == friday
    assert JUNE.snap_backward(tuesday) == tuesday


def test_index_and_date_are_inverse():
    monday = date(2025, 6, 2)
    base = JUNE.index_of(monday)
    week = [JUNE.date_of(base + n) for n in range(6)]
    assert week == [date(2025, 6, d) for d in (2, 3, 4, 5, 6, 10)]
    # A weekend day or holiday has the index of the next working day.
    assert JUNE.index_of(date(2025, 6, 7)) == JUNE.index_of(WHIT_MONDAY) == base + 5
    assert JUNE.date_of(base - 1) == date(2025, 5, 30)


def test_is_working_day():
    assert JUNE.is_working_day(date(2025, 6, 6))
    assert not JUNE.is_working_day(date(2025, 6, 7))
    assert not JUNE.is_working_day(WHIT_MONDAY)


def test_other_weekends_and_holidays_on_weekends():
    # Friday-Saturday weekend: Thursday + 1 is Sunday.
    gulf = WorkingCalendar(weekend={4, 5})
    assert gulf.add_working_days(date(2025, 6, 5), 1) == date(2025, 6, 8)
    # Six-day week.
    six_days = WorkingCalendar(weekend={6})
    assert six_days.add_working_days(date(2025, 6, 6), 1) == date(2025, 6, 7)
    # A holiday on a Saturday removes nothing.
    saturday_holiday = WorkingCalendar(holidays={date(2025, 6, 7)})
    assert saturday_holiday.count_working_days(date(2025, 6, 2), date(2025, 6, 16)) == 10


@pytest.mark.parametrize("weekend", [set(range(7)), {7}, {-1}])
def test_impossible_weekends_are_refused(weekend):
    with pytest.raises(ValueError):
        WorkingCalendar(weekend=weekend)


@pytest.mark.parametrize("seed", range(5))
def test_random_calendars_agree_with_counting_one_day_at_a_time(seed):
    rng = random.Random(seed)
    weekend = set(rng.sample(range(7), rng.randint(0, 3)))
    first = date(2024, 1, 1)
    holidays = {first + timedelta(days=rng.randrange(900)) for _ in range(rng.randint(0, 60))}
    # Runs of consecutive holidays are where an off-by-one would hide.
    holidays |= {date(2024, 12, 24) + timedelta(days=n) for n in range(10)}
    cal = WorkingCalendar(weekend=weekend, holidays=holidays)
    for _ in range(200):
        day = first + timedelta(days=rng.randrange(730))
        days = rng.randint(-40, 40)
        assert cal.add_working_days(day, days) == _add_slowly(cal, day, days)
        other = first + timedelta(days=rng.randrange(730))
        assert cal.count_working_days(day, other) == _count_slowly(cal, day, other)
        assert cal.index_of(cal.date_of(cal.index_of(day))) == cal.index_of(day)
        assert cal.date_of(cal.index_of(day)) == _next_working_day(cal, day)


# --- one-day-at-a-time references -----------------------------------------------------------
def _next_working_day(cal, day):
    while not cal.is_working_day(day):
        day += ONE_DAY
    return day


def _add_slowly(cal, day, days):
    if days == 0:
        return _next_working_day(cal, day)
    step = ONE_DAY if days > 0 else -ONE_DAY
    left = abs(days)
    while left:
        day += step
        if cal.is_working_day(day):
            left -= 1
    return day


def _count_slowly(cal, start, end):
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    total = 0
    while start < end:
        total += cal.is_working_day(start)
        start += ONE_DAY
    return sign * total

"""Critical-path scheduling and phase roll-up (pure: no database).

Offsets are working days from the project start; EF and LF are exclusive (projects/scheduling.py
docstring). Each known-answer network below is worked out by hand in its comment first.
"""

import itertools
import random
from datetime import date, timedelta

import pytest

from projects.scheduling import (
    Dependency,
    PhaseRollup,
    ScheduleCycleError,
    ScheduleError,
    ScheduleTask,
    WbsNode,
    compute_schedule,
    roll_up_phases,
)
from projects.working_calendar import WorkingCalendar

ONE_DAY = timedelta(days=1)


def tasks_of(durations: dict) -> list[ScheduleTask]:
    return [ScheduleTask(task_id, duration) for task_id, duration in durations.items()]


def table(schedule) -> dict:
    """{id: (ES, EF, LS, LF, total float, free float)}, to compare with the hand tables."""
    return {
        t.id: (t.es, t.ef, t.ls, t.lf, t.total_float, t.free_float) for t in schedule.tasks.values()
    }


# --- Network 1: the classic AON textbook example ---------------------------------------------
# Heizer & Render, "Operations Management", Milwaukee Paper Manufacturing (weeks there, working
# days here). All links FS, lag 0.
#
#   task  d  predecessors      task  d  predecessors
#   A     2  -                 E     4  C
#   B     3  -                 F     3  C
#   C     2  A                 G     5  D, E
#   D     4  A, B              H     2  F, G
#
# Forward (ES = max EF of predecessors, EF = ES + d):
#   A 0-2, B 0-3, C 2-4, D max(2,3)=3-7, E 4-8, F 4-7, G max(7,8)=8-13, H max(7,13)=13-15
#   Project finish PF = 15.
# Backward (LF = min LS of successors, or PF; LS = LF - d):
#   H 13-15, G 8-13, F LF=13 -> 10-13, E LF=8 -> 4-8, D LF=8 -> 4-8, C LF=min(4,10)=4 -> 2-4,
#   B LF=4 -> 1-4, A LF=min(LS C 2, LS D 4)=2 -> 0-2
# Total float LS-ES: A0 B1 C0 D1 E0 F6 G0 H0.
# Free float min(ES succ) - EF: A min(2,3)-2=0, B 3-3=0, C min(4,4)-4=0, D 8-7=1, E 8-8=0,
#   F 13-7=6, G 13-13=0, H PF-EF=0.
# Critical path A-C-E-G-H (15 days), one chain.
NETWORK_1 = tasks_of({"A": 2, "B": 3, "C": 2, "D": 4, "E": 4, "F": 3, "G": 5, "H": 2})
NETWORK_1_LINKS = [
    Dependency(pred, succ)
    for pred, succ in [
        ("A", "C"),
        ("A", "D"),
        ("B", "D"),
        ("C", "E"),
        ("C", "F"),
        ("D", "G"),
        ("E", "G"),
        ("F", "H"),
        ("G", "H"),
    ]
]
NETWORK_1_TABLE = {
    #     ES  EF  LS  LF  TF  FF
    "A": (0, 2, 0, 2, 0, 0),
    "B": (0, 3, 1, 4, 1, 0),
    "C": (2, 4, 2, 4, 0, 0),
    "D": (3, 7, 4, 8, 1, 1),
    "E": (4, 8, 4, 8, 0, 0),
    "F": (4, 7, 10, 13, 6, 6),
    "G": (8, 13, 8, 13, 0, 0),
    "H": (13, 15, 13, 15, 0, 0),
}

# Dates: start Thursday 17 April 2025 with the English Easter and early-May bank holidays.
#   offset 0 Thu 17 Apr | Good Friday 18, weekend, Easter Monday 21 | 1 Tue 22, 2 Wed 23,
#   3 Thu 24, 4 Fri 25 | 5 Mon 28, 6 Tue 29, 7 Wed 30, 8 Thu 1 May, 9 Fri 2 | weekend, bank
#   holiday Mon 5 May | 10 Tue 6, 11 Wed 7, 12 Thu 8, 13 Fri 9 | 14 Mon 12
# start = date(ES), finish = date(EF - 1):
#   A 0..1 = Thu 17 Apr - Tue 22 Apr (two days either side of a four-day Easter break)
#   G 8..12 = Thu 1 May - Thu 8 May (five days across a weekend and a bank holiday)
#   F late 10..12 = Tue 6 May - Thu 8 May; H 13..14 = Fri 9 May - Mon 12 May = project finish
EASTER_2025 = WorkingCalendar(holidays={date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5)})


def test_network_1_classic_textbook_example():
    schedule = compute_schedule(NETWORK_1, NETWORK_1_LINKS)
    assert table(schedule) == NETWORK_1_TABLE
    assert schedule.project_finish == 15
    assert schedule.critical_path == ["A", "C", "E", "G", "H"]
    assert schedule.critical_chains == [["A", "C", "E", "G", "H"]]
    assert not schedule.critical_chains_truncated
    assert [t.id for t in schedule.tasks.values() if t.is_critical] == ["A", "C", "E", "G", "H"]
    # No start date: offsets only.
    assert schedule["A"].start_date is None
    assert schedule.project_finish_date is None


def test_network_1_dates_across_weekends_and_holidays():
    schedule = compute_schedule(
        NETWORK_1, NETWORK_1_LINKS, start=date(2025, 4, 17), calendar=EASTER_2025
    )
    assert table(schedule) == NETWORK_1_TABLE  # dates change nothing in offsets
    dates = {
        t.id: (t.start_date, t.finish_date, t.late_start_date, t.late_finish_date)
        for t in schedule.tasks.values()
    }
    apr, may = (lambda d: date(2025, 4, d)), (lambda d: date(2025, 5, d))
    assert dates == {
        "A": (apr(17), apr(22), apr(17), apr(22)),
        "B": (apr(17), apr(23), apr(22), apr(24)),
        "C": (apr(23), apr(24), apr(23), apr(24)),
        "D": (apr(24), apr(29), apr(25), apr(30)),
        "E": (apr(25), apr(30), apr(25), apr(30)),
        "F": (apr(25), apr(29), may(6), may(8)),
        "G": (may(1), may(8), may(1), may(8)),
        "H": (may(9), may(12), may(9), may(12)),
    }
    assert schedule.project_start == apr(17)
    assert schedule.project_finish_date == may(12)


def test_a_start_on_a_holiday_is_snapped_to_the_next_working_day():
    # Good Friday: offset 0 becomes Tuesday 22 April.
    schedule = compute_schedule(
        NETWORK_1, NETWORK_1_LINKS, start=date(2025, 4, 18), calendar=EASTER_2025
    )
    assert schedule.project_start == date(2025, 4, 22)
    assert schedule["A"].finish_date == date(2025, 4, 23)


# Network 1 with a deadline: the backward pass starts from it instead of PF = 15, so every
# late date and total float moves by (deadline - 15); free float ignores the deadline.
#   deadline 13: TF A-2 B-1 C-2 D-1 E-2 F4 G-2 H-2. Critical (TF <= 0): all but F.
#   Chains follow links tight in both passes: A-C-E-G-H (TF -2) and B-D (TF -1); D->G is
#   not one (ES G 8 - EF D 7 = 1), nor A->D (ES D 3 - EF A 2 = 1).
#   deadline 17: every TF is 2 more than without one; nothing is critical.
def test_network_1_with_a_deadline_already_missed():
    schedule = compute_schedule(NETWORK_1, NETWORK_1_LINKS, deadline=13)
    floats = {t.id: (t.total_float, t.free_float) for t in schedule.tasks.values()}
    assert floats == {
        "A": (-2, 0),
        "B": (-1, 0),
        "C": (-2, 0),
        "D": (-1, 1),
        "E": (-2, 0),
        "F": (4, 6),
        "G": (-2, 0),
        "H": (-2, 0),
    }
    assert schedule.project_finish == 15
    assert schedule.deadline == 13
    assert schedule.critical_path == ["A", "B", "C", "D", "E", "G", "H"]
    assert schedule.critical_chains == [["A", "C", "E", "G", "H"], ["B", "D"]]


def test_chains_only_follow_links_that_drive_both_passes():
    # P (1 day) feeds S1 (5) and S2 (2); deadline 2. Early: P 0-1, S1 1-6, S2 1-3, both links
    # tight. Late: S1 LF 2 LS -3 (TF -4), S2 LF 2 LS 0 (TF -1), P LF min(2, -3, 0) = -3 (TF -4).
    # P -> S2 is tight early but not late (LS S2 0 - LF P -3 = 3): S2 is critical on its own.
    schedule = compute_schedule(
        tasks_of({"P": 1, "S1": 5, "S2": 2}),
        [Dependency("P", "S1"), Dependency("P", "S2")],
        deadline=2,
    )
    assert [schedule[i].total_float for i in ("P", "S1", "S2")] == [-4, -4, -1]
    assert schedule.critical_chains == [["P", "S1"], ["S2"]]


def test_network_1_with_a_later_deadline_has_no_critical_task():
    schedule = compute_schedule(NETWORK_1, NETWORK_1_LINKS, deadline=17)
    for task_id, row in NETWORK_1_TABLE.items():
        assert schedule[task_id].total_float == row[4] + 2
    assert schedule.critical_path == []
    assert schedule.critical_chains == []


def test_a_deadline_date_means_by_the_end_of_that_day():
    # Thursday 8 May is offset 12: finishing by its end is an exclusive finish of 13.
    schedule = compute_schedule(
        NETWORK_1,
        NETWORK_1_LINKS,
        start=date(2025, 4, 17),
        calendar=EASTER_2025,
        deadline=date(2025, 5, 8),
    )
    assert schedule.deadline == 13
    assert schedule["A"].total_float == -2
    # A deadline on the holiday Monday 5 May means by the end of Friday 2 May (offset 9).
    schedule = compute_schedule(
        NETWORK_1,
        NETWORK_1_LINKS,
        start=date(2025, 4, 17),
        calendar=EASTER_2025,
        deadline=date(2025, 5, 5),
    )
    assert schedule.deadline == 10


# --- Network 2: precedence diagramming with SS/FF lags and a lead ----------------------------
# A foundation slab, PDM "ladder" style:
#
#   task  d  links in (type, lag)
#   A     4  -                           excavate
#   E     2  -                           deliver formwork
#   B     6  A SS+2, A FF+2, E FS        formwork: 2 days after digging starts, ends 2 after it
#   C     5  B SS+3, B FF+1              reinforcement
#   D     3  C FS-1 (a one-day lead)     pour and cure
#   F     4  A FS+3                      drainage, 3 days after excavation
#   G     0  D FS, F FS                  handover milestone
#
# Forward:
#   A 0-4, E 0-2
#   B: SS A+2 -> ES>=2; FF A+2 -> EF>=6 -> ES>=0; FS E -> ES>=2.  ES 2, EF 8
#   C: SS B+3 -> ES>=5; FF B+1 -> EF>=9 -> ES>=4.                 ES 5, EF 10
#   D: FS C-1 -> ES>=10-1=9.                                      ES 9, EF 12
#   F: FS A+3 -> ES>=4+3=7.                                       ES 7, EF 11
#   G: FS D -> 12; FS F -> 11.                                    ES 12, EF 12; PF = 12
# Backward (LF = min(PF, each successor's bound)):
#   G LF 12 LS 12; D: FS G -> LF<=12: 9-12; F: FS G -> LF<=12: 8-12
#   C: FS D lead 1 -> LF<=LS D+1=10: 5-10
#   B: SS C+3 -> LS<=LS C-3=2 -> LF<=8; FF C+1 -> LF<=LF C-1=9.  LF 8, LS 2
#   E: FS B -> LF<=LS B=2: 0-2
#   A: SS B+2 -> LS<=0 -> LF<=4; FF B+2 -> LF<=6; FS F+3 -> LF<=LS F-3=5.  LF 4, LS 0
# Total float: A0 B0 C0 D0 E0 F1 G0.
# Free float (early link slack):
#   A: SS B 2-2-0=0, FF B 8-2-4=2, FS F 7-3-4=0 -> 0;   E: FS B 2-2=0
#   B: SS C 5-3-2=0, FF C 10-1-8=1 -> 0;  C: FS D 9+1-10=0;  D: 12-12=0;  F: 12-11=1;  G: PF-EF=0
# Critical chains (links tight early and late): A-SS->B and E-FS->B both drive B, then
#   B-SS->C, C-FS->D, D->G. Two chains merging at B: A-B-C-D-G and E-B-C-D-G.
NETWORK_2 = tasks_of({"A": 4, "B": 6, "C": 5, "D": 3, "E": 2, "F": 4, "G": 0})
NETWORK_2_LINKS = [
    Dependency("A", "B", "SS", 2),
    Dependency("A", "B", "FF", 2),
    Dependency("B", "C", "SS", 3),
    Dependency("B", "C", "FF", 1),
    Dependency("C", "D", "FS", -1),
    Dependency("E", "B"),
    Dependency("A", "F", "FS", 3),
    Dependency("D", "G"),
    Dependency("F", "G"),
]


def test_network_2_ss_ff_lags_and_a_lead():
    schedule = compute_schedule(NETWORK_2, NETWORK_2_LINKS)
    assert table(schedule) == {
        #     ES  EF  LS  LF  TF  FF
        "A": (0, 4, 0, 4, 0, 0),
        "B": (2, 8, 2, 8, 0, 0),
        "C": (5, 10, 5, 10, 0, 0),
        "D": (9, 12, 9, 12, 0, 0),
        "E": (0, 2, 0, 2, 0, 0),
        "F": (7, 11, 8, 12, 1, 1),
        "G": (12, 12, 12, 12, 0, 0),
    }
    assert schedule.project_finish == 12
    assert schedule.critical_path == ["A", "E", "B", "C", "D", "G"]
    assert schedule.critical_chains == [["A", "B", "C", "D", "G"], ["E", "B", "C", "D", "G"]]


def test_network_2_milestone_dates():
    # Start Monday 2 June 2025, Whit Monday 9 June off: offsets 0-4 = Mon 2 - Fri 6 June,
    # 5 = Tue 10, 6 = Wed 11, 7 = Thu 12, 8 = Fri 13, 9 = Mon 16, 10 = Tue 17, 11 = Wed 18,
    # 12 = Thu 19.
    schedule = compute_schedule(
        NETWORK_2,
        NETWORK_2_LINKS,
        start=date(2025, 6, 2),
        calendar=WorkingCalendar(holidays={date(2025, 6, 9)}),
    )
    # The milestone G (ES = EF = 12) starts and finishes on date(12), the morning after D, the
    # last real task, which works offsets 9..11, Monday 16 to Wednesday 18.
    handover = schedule["G"]
    assert handover.start_date == handover.finish_date == date(2025, 6, 19)
    assert handover.late_start_date == handover.late_finish_date == date(2025, 6, 19)
    assert (schedule["D"].start_date, schedule["D"].finish_date) == (
        date(2025, 6, 16),
        date(2025, 6, 18),
    )
    # The project finishes with its latest finish date, the milestone's.
    assert schedule.project_finish_date == date(2025, 6, 19)
    # C: SS B+3 starts offset 5, the Tuesday after the holiday.
    assert schedule["C"].start_date == date(2025, 6, 10)


# --- Network 3: SF link and parallel critical chains -----------------------------------------
# Replacing a system while the old one is supported until go-live:
#
#   task  d  links in (type, lag)
#   A     3  -              design
#   B     4  A FS           build hardware      } equally long: two parallel
#   C     4  A FS           write software      } critical branches
#   D     2  B FS, C FS     integrate
#   E     1  D FS           go-live
#   F     3  E SF           legacy support: must run until go-live starts (EF F >= ES E)
#   G     2  D SS+1         train users, from the second day of integration
#   H     2  F FS           decommission the old system once support ends
#
# Forward:
#   A 0-3, B 3-7, C 3-7, D max(7,7)=7-9, E 9-10
#   F: SF E+0 -> EF>=ES E=9 -> ES>=9-3=6.  ES 6, EF 9 (it runs before its predecessor E)
#   G: SS D+1 -> ES>=7+1=8.                ES 8, EF 10
#   H: FS F -> ES>=9.                      ES 9, EF 11;  PF = 11
# Backward:
#   H 9-11; G (no successor) LF 11 -> 9-11; F: FS H -> LF<=9: 6-9
#   E: SF F -> LS<=LF F-0=9 -> LF<=10 (and PF 11): 9-10
#   D: FS E -> LF<=9; SS G+1 -> LS<=LS G-1=8 -> LF<=10.  LF 9, LS 7
#   B: LF<=LS D=7: 3-7; C the same; A: LF<=min(3,3)=3: 0-3
# Total float: all 0 except G 1.
# Free float: A min(3,3)-3=0; B, C 7-7=0; D: FS E 9-9=0, SS G 8-1-7=0 -> 0;
#   E: SF F EF F-0-ES E=9-9=0 (cap PF-EF=1) -> 0; F: FS H 9-9=0; G: PF-EF=11-10=1; H: 0
# Critical chains, in dependency order: A-B-D-E-F-H and A-C-D-E-F-H.
NETWORK_3 = tasks_of({"A": 3, "B": 4, "C": 4, "D": 2, "E": 1, "F": 3, "G": 2, "H": 2})
NETWORK_3_LINKS = [
    Dependency("A", "B"),
    Dependency("A", "C"),
    Dependency("B", "D"),
    Dependency("C", "D"),
    Dependency("D", "E"),
    Dependency("E", "F", "SF"),
    Dependency("D", "G", "SS", 1),
    Dependency("F", "H"),
]


def test_network_3_start_to_finish_and_parallel_critical_chains():
    schedule = compute_schedule(NETWORK_3, NETWORK_3_LINKS)
    assert table(schedule) == {
        #     ES  EF  LS  LF  TF  FF
        "A": (0, 3, 0, 3, 0, 0),
        "B": (3, 7, 3, 7, 0, 0),
        "C": (3, 7, 3, 7, 0, 0),
        "D": (7, 9, 7, 9, 0, 0),
        "E": (9, 10, 9, 10, 0, 0),
        "F": (6, 9, 6, 9, 0, 0),
        "G": (8, 10, 9, 11, 1, 1),
        "H": (9, 11, 9, 11, 0, 0),
    }
    assert schedule.project_finish == 11
    # By early start; F (ES 6) before D (ES 7) although it depends on E.
    assert schedule.critical_path == ["A", "B", "C", "F", "D", "E", "H"]
    assert schedule.critical_chains == [
        ["A", "B", "D", "E", "F", "H"],
        ["A", "C", "D", "E", "F", "H"],
    ]


# --- other rules -----------------------------------------------------------------------------
def test_a_task_without_predecessors_starts_at_its_constraint():
    tasks = [
        ScheduleTask("A", 3),
        ScheduleTask("B", 2, start_no_earlier_than=5),
        ScheduleTask("C", 1, start_no_earlier_than=-4),  # before the project: ignored
        ScheduleTask("D", 2, start_no_earlier_than=1),  # weaker than its predecessor
    ]
    schedule = compute_schedule(tasks, [Dependency("A", "D"), Dependency("B", "C")])
    assert (schedule["B"].es, schedule["B"].ef) == (5, 7)
    assert schedule["C"].es == 7
    assert schedule["D"].es == 3
    # A can slip to the finish; D's free float runs to PF 8 (its successor-less cap).
    assert schedule["A"].free_float == 0
    assert schedule["D"].free_float == 8 - 5


def test_a_start_constraint_given_as_a_date():
    # Monday 2 June 2025 + Whit Monday off: "not before Tuesday 10 June" is offset 5, and
    # "not before Saturday 7 June" snaps to the same day.
    calendar = WorkingCalendar(holidays={date(2025, 6, 9)})
    tasks = [
        ScheduleTask("A", 1, start_no_earlier_than=date(2025, 6, 10)),
        ScheduleTask("B", 1, start_no_earlier_than=date(2025, 6, 7)),
    ]
    schedule = compute_schedule(tasks, start=date(2025, 6, 2), calendar=calendar)
    assert schedule["A"].es == schedule["B"].es == 5
    assert schedule["A"].start_date == date(2025, 6, 10)


def test_leads_never_start_a_task_before_the_project():
    tasks = tasks_of({"A": 2, "B": 5})
    schedule = compute_schedule(tasks, [Dependency("A", "B", "FS", -4)])
    assert schedule["B"].es == 0
    # An FF link pulls the shorter successor later, so that both finish together.
    schedule = compute_schedule(tasks_of({"A": 5, "B": 2}), [Dependency("A", "B", "FF")])
    assert (schedule["B"].es, schedule["B"].ef) == (3, 5)


def test_a_long_predecessor_over_an_ss_link_is_capped_by_the_project_finish():
    # A SS B: A (10 days) finishes last although it has a successor, so it is critical and
    # the short B has the float.
    schedule = compute_schedule(tasks_of({"A": 10, "B": 2}), [Dependency("A", "B", "SS")])
    assert (schedule["A"].lf, schedule["A"].total_float) == (10, 0)
    assert schedule["B"].total_float == 8
    # Likewise over SF: B must finish once A starts (EF B >= 0): B runs 0-1 and, without
    # the cap at PF - EF, A's free float would be 1 against a total float of 0.
    schedule = compute_schedule(tasks_of({"A": 10, "B": 1}), [Dependency("A", "B", "SF")])
    assert (schedule["A"].total_float, schedule["A"].free_float) == (0, 0)


def test_an_actual_start_overrides_the_logic_of_its_predecessors():
    # B started on day 1 although A (5 days) was meant to finish first: B is pinned there,
    # its successor C follows it, and A's late dates no longer depend on B.
    tasks = [
        ScheduleTask("A", 5),
        ScheduleTask("B", 3, actual_start=1),
        ScheduleTask("C", 2),
    ]
    schedule = compute_schedule(tasks, [Dependency("A", "B"), Dependency("B", "C")])
    assert (schedule["B"].es, schedule["B"].ef) == (1, 4)
    assert (schedule["C"].es, schedule["C"].ef) == (4, 6)
    assert schedule.project_finish == 6
    assert (schedule["A"].lf, schedule["A"].total_float, schedule["A"].free_float) == (6, 1, 1)
    assert schedule.critical_chains == [["B", "C"]]


def test_an_actual_start_before_the_project_start_is_kept():
    calendar = WorkingCalendar()
    schedule = compute_schedule(
        [ScheduleTask("A", 3, actual_start=date(2025, 5, 29))],
        start=date(2025, 6, 2),
        calendar=calendar,
    )
    # Thursday 29 May is two working days before Monday 2 June.
    assert (schedule["A"].es, schedule["A"].ef) == (-2, 1)
    assert schedule["A"].finish_date == date(2025, 6, 2)
    assert schedule.project_finish_date == date(2025, 6, 2)


def test_empty_and_milestone_only_schedules():
    schedule = compute_schedule([], start=date(2025, 6, 2))
    assert schedule.tasks == {}
    assert schedule.project_finish == 0
    assert schedule.project_finish_date is None
    assert schedule.critical_chains == []
    schedule = compute_schedule([ScheduleTask("kick-off", 0)], start=date(2025, 6, 2))
    assert schedule["kick-off"].is_critical
    assert schedule.project_finish_date == date(2025, 6, 2)


def test_critical_chains_are_capped():
    # Eight diamonds in a row: 2**8 = 256 equally long paths from S0 to S8.
    tasks, links = [ScheduleTask("S0", 1)], []
    for k in range(8):
        tasks += tasks_of({f"a{k}": 1, f"b{k}": 1, f"S{k + 1}": 1})
        links += [
            Dependency(f"S{k}", f"a{k}"),
            Dependency(f"S{k}", f"b{k}"),
            Dependency(f"a{k}", f"S{k + 1}"),
            Dependency(f"b{k}", f"S{k + 1}"),
        ]
    schedule = compute_schedule(tasks, links)
    assert len(schedule.critical_chains) == 100
    assert schedule.critical_chains_truncated
    schedule = compute_schedule(tasks, links, max_critical_chains=256)
    assert len({tuple(chain) for chain in schedule.critical_chains}) == 256
    assert not schedule.critical_chains_truncated


def test_a_long_chain_needs_no_recursion():
    count = 10_000  # far past Python's default recursion limit of 1,000
    tasks = [ScheduleTask(n, 1) for n in range(count)]
    links = [Dependency(n, n + 1) for n in range(count - 1)]
    schedule = compute_schedule(tasks, links)
    assert schedule.project_finish == count
    assert schedule.critical_chains == [list(range(count))]
    links.append(Dependency(count - 1, 0))
    with pytest.raises(ScheduleCycleError) as caught:
        compute_schedule(tasks, links)
    assert len(caught.value.cycle) == count


# --- bad input -------------------------------------------------------------------------------
def test_a_cycle_is_named_in_order():
    tasks = tasks_of({"Design": 1, "Build": 1, "Test": 1, "Launch": 1, "Start": 1})
    links = [
        Dependency("Start", "Design"),
        Dependency("Design", "Build"),
        Dependency("Build", "Test"),
        Dependency("Test", "Design", "SS", 2),  # back to the beginning
        Dependency("Test", "Launch"),  # downstream of the cycle, not part of it
    ]
    with pytest.raises(ScheduleCycleError) as caught:
        compute_schedule(tasks, links)
    assert str(caught.value) == "Dependency cycle: Design -> Build -> Test -> Design"
    assert caught.value.cycle == ["Design", "Build", "Test"]
    assert isinstance(caught.value, ValueError)


def test_a_two_task_cycle():
    with pytest.raises(ScheduleCycleError, match=r"^Dependency cycle: A -> B -> A$"):
        compute_schedule(
            tasks_of({"A": 1, "B": 1}), [Dependency("B", "A", "FF"), Dependency("A", "B")]
        )


@pytest.mark.parametrize(
    ("tasks", "links", "message"),
    [
        (
            tasks_of({"A": 1}),
            [Dependency("A", "Z")],
            "Dependency 'A' -> 'Z' refers to unknown task 'Z'",
        ),
        (tasks_of({"A": 1}), [Dependency("A", "A")], "Task 'A' depends on itself"),
        (tasks_of({"A": -2}), [], r"Task 'A' has a negative duration \(-2\)"),
        (tasks_of({"A": 1.5}), [], "Task 'A' has duration 1.5: use whole working days"),
        (
            tasks_of({"A": 1, "B": 1}),
            [Dependency("A", "B", "XX")],
            r"Dependency 'A' -> 'B' has unknown type 'XX' \(expected FS, SS, FF or SF\)",
        ),
        (
            tasks_of({"A": 1, "B": 1}),
            [Dependency("A", "B", "FS", 0.5)],
            "Dependency 'A' -> 'B' has lag 0.5",
        ),
        ([ScheduleTask("A", 1), ScheduleTask("A", 2)], [], "Task 'A' is listed twice"),
        (
            [ScheduleTask("A", 1, start_no_earlier_than=date(2025, 1, 1))],
            [],
            "Task 'A' start constraint is a date: pass the project start date",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(tasks, links, message):
    with pytest.raises(ScheduleError, match=message):
        compute_schedule(tasks, links)


def test_dependency_types_are_upper_case():
    with pytest.raises(ScheduleError, match="unknown type 'fs'"):
        compute_schedule(tasks_of({"A": 1, "B": 1}), [Dependency("A", "B", "fs")])


# --- phase roll-up ---------------------------------------------------------------------------
def test_phase_dates_and_duration_weighted_percent():
    rollups = roll_up_phases(
        [
            WbsNode("P1"),
            WbsNode("a", "P1", date(2025, 6, 2), date(2025, 6, 13), 10, 100),
            WbsNode("b", "P1", date(2025, 6, 10), date(2025, 6, 20), 8, 50),
            WbsNode("c", "P1", date(2025, 6, 4), date(2025, 6, 5), 2, 0),
            WbsNode("m", "P1", date(2025, 6, 23), date(2025, 6, 23), 0, 0),  # milestone: 0
        ]
    )
    # (10*100 + 8*50 + 2*0 + 0*0) / (10 + 8 + 2 + 0) = 1400 / 20 = 70
    assert rollups == {
        "P1": PhaseRollup(
            id="P1",
            start=date(2025, 6, 2),
            finish=date(2025, 6, 23),
            duration=20,
            effort=None,
            percent_complete=70.0,
        )
    }


def test_effort_weights_when_every_child_has_effort():
    nodes = [
        WbsNode("P"),
        WbsNode("a", "P", 0, 10, duration=10, percent_complete=100, effort=10),
        WbsNode("b", "P", 0, 5, duration=5, percent_complete=0, effort=30),
    ]
    # By effort: (10*100 + 30*0) / 40 = 25 (by duration it would be 1000 / 15 = 66.7).
    rollup = roll_up_phases(nodes)["P"]
    assert rollup.percent_complete == 25
    assert rollup.effort == 40
    # One child without effort (or with 0): back to duration for the whole phase.
    nodes[2] = WbsNode("b", "P", 0, 5, duration=5, percent_complete=0, effort=0)
    assert roll_up_phases(nodes)["P"].percent_complete == pytest.approx(1000 / 15)


def test_a_phase_of_milestones_is_a_plain_average():
    rollup = roll_up_phases(
        [
            WbsNode("Gates"),
            WbsNode("g1", "Gates", 3, 3, 0, 100),
            WbsNode("g2", "Gates", 9, 9, 0, 0),
            WbsNode("g3", "Gates", 12, 12, 0, 50),
        ]
    )["Gates"]
    assert (rollup.start, rollup.finish, rollup.percent_complete) == (3, 12, 50)


def test_nested_phases_roll_up_bottom_up():
    # Project X > phases P1, P2; P2 > sub-phase P2a. Children listed before parents on purpose.
    rollups = roll_up_phases(
        [
            WbsNode("t3", "P2a", 12, 15, 3, 0),
            WbsNode("t1", "P1", 0, 4, 4, 100),
            WbsNode("t2", "P2", 4, 10, 6, 50),
            WbsNode("P2a", "P2"),
            WbsNode("P1", "X"),
            WbsNode("P2", "X"),
            WbsNode("X"),
            WbsNode("t4", "P2a", None, None, 1, 0),  # unscheduled: no dates
        ]
    )
    assert rollups["P2a"] == PhaseRollup("P2a", 12, 15, 4, None, 0.0)
    # P2: t2 (6 days, 50%) and P2a (4 days, 0%) -> 300 / 10 = 30
    assert rollups["P2"] == PhaseRollup("P2", 4, 15, 10, None, 30.0)
    # X: P1 (4 days, 100%) and P2 (10 days, 30%) -> (400 + 300) / 14 = 50
    assert rollups["X"] == PhaseRollup("X", 0, 15, 14, None, 50.0)
    assert list(rollups) == ["P2a", "P1", "P2", "X"]  # input order, phases only


def test_rollup_refuses_bad_hierarchies():
    with pytest.raises(ScheduleError, match="WBS node 'a' has unknown parent 'Q'"):
        roll_up_phases([WbsNode("a", "Q")])
    with pytest.raises(ScheduleError, match="150% complete"):
        roll_up_phases([WbsNode("P"), WbsNode("a", "P", percent_complete=150)])
    with pytest.raises(ScheduleCycleError, match="WBS parent cycle: P -> Q -> P") as caught:
        roll_up_phases([WbsNode("a", "P"), WbsNode("P", "Q"), WbsNode("Q", "P")])
    assert caught.value.cycle == ["P", "Q"]


# --- properties of random networks ------------------------------------------------------------
def random_network(rng: random.Random, count: int):
    """A random DAG: links only go from a lower to a higher number, then everything is shuffled."""
    tasks = [
        ScheduleTask(
            f"T{n}",
            rng.choice([0, 0, 1, 2, 3, 5, 8, 13]),
            start_no_earlier_than=rng.randint(0, 20) if rng.random() < 0.15 else None,
        )
        for n in range(count)
    ]
    links = []
    for succ in range(1, count):
        for pred in rng.sample(range(succ), min(succ, rng.randint(0, 3))):
            links.append(
                Dependency(
                    f"T{pred}",
                    f"T{succ}",
                    rng.choice(["FS", "FS", "FS", "SS", "FF", "SF"]),
                    rng.randint(-3, 4),
                )
            )
    rng.shuffle(tasks)
    rng.shuffle(links)
    return tasks, links


def link_holds(code, lag, pred_start, pred_finish, succ_start, succ_finish):
    """The dependency rule of the module docstring, for either early or late dates."""
    return {
        "FS": succ_start >= pred_finish + lag,
        "SS": succ_start >= pred_start + lag,
        "FF": succ_finish >= pred_finish + lag,
        "SF": succ_finish >= pred_start + lag,
    }[code]


def relaxed_reference(tasks, links):
    """ES and LF by repeated relaxation until nothing changes: no topological order needed."""
    duration = {t.id: t.duration for t in tasks}
    es = {t.id: max(0, t.start_no_earlier_than or 0) for t in tasks}
    changed = True
    while changed:
        changed = False
        for link in links:
            p, s, lag, d = link.predecessor, link.successor, link.lag, duration[link.successor]
            bound = {
                "FS": es[p] + duration[p] + lag,
                "SS": es[p] + lag,
                "FF": es[p] + duration[p] + lag - d,
                "SF": es[p] + lag - d,
            }[link.type]
            if bound > es[s]:
                es[s], changed = bound, True
    finish = max(es[t] + duration[t] for t in es)
    lf = dict.fromkeys(es, finish)
    changed = True
    while changed:
        changed = False
        for link in links:
            p, s, lag, d = link.predecessor, link.successor, link.lag, duration[link.predecessor]
            ls_s, lf_s = lf[s] - duration[s], lf[s]
            bound = {
                "FS": ls_s - lag,
                "SS": ls_s - lag + d,
                "FF": lf_s - lag,
                "SF": lf_s - lag + d,
            }[link.type]
            if bound < lf[p]:
                lf[p], changed = bound, True
    return es, lf


@pytest.mark.parametrize("seed", range(25))
def test_random_networks_keep_every_rule(seed):
    rng = random.Random(seed)
    tasks, links = random_network(rng, rng.randint(2, 80))
    calendar = WorkingCalendar(
        holidays={date(2025, 1, 1) + timedelta(days=rng.randrange(400)) for _ in range(15)}
    )
    start = date(2025, 1, 1) + timedelta(days=rng.randrange(60))
    schedule = compute_schedule(tasks, links, start=start, calendar=calendar)
    rows = schedule.tasks

    # Same answer as an algorithm that needs no topological order.
    es, lf = relaxed_reference(tasks, links)
    assert {i: r.es for i, r in rows.items()} == es
    assert {i: r.lf for i, r in rows.items()} == lf

    finish = schedule.project_finish
    assert finish == max(r.ef for r in rows.values())
    for task in tasks:
        row = rows[task.id]
        assert row.es >= max(0, task.start_no_earlier_than or 0)
        assert row.ef == row.es + task.duration and row.lf == row.ls + task.duration
        assert row.lf <= finish
        assert 0 <= row.free_float <= row.total_float == row.ls - row.es
        assert row.is_critical == (row.total_float == 0)
        # Dates: start on date(ES); a task covers exactly `duration` working days.
        assert row.start_date == calendar.date_of(calendar.index_of(start) + row.es)
        if task.duration:
            end = row.finish_date + ONE_DAY
            assert calendar.count_working_days(row.start_date, end) == task.duration
            end = row.late_finish_date + ONE_DAY
            assert calendar.count_working_days(row.late_start_date, end) == task.duration
        else:
            assert row.start_date == row.finish_date
    for link in links:
        pred, succ = rows[link.predecessor], rows[link.successor]
        assert link_holds(link.type, link.lag, pred.es, pred.ef, succ.es, succ.ef)
        assert link_holds(link.type, link.lag, pred.ls, pred.lf, succ.ls, succ.lf)

    # Something always finishes last with zero float, and chains walk real, critical links.
    assert any(rows[i].ef == finish for i in schedule.critical_path)
    linked = {(link.predecessor, link.successor) for link in links}
    covered = set()
    for chain in schedule.critical_chains:
        assert all(rows[i].is_critical for i in chain)
        assert all(pair in linked for pair in itertools.pairwise(chain))
        covered.update(chain)
    if not schedule.critical_chains_truncated:
        assert covered == set(schedule.critical_path)
    assert schedule.project_finish_date == max(r.finish_date for r in rows.values())

    # Input order changes nothing but the order of the result.
    rng.shuffle(tasks)
    rng.shuffle(links)
    again = compute_schedule(tasks, links, start=start, calendar=calendar)
    assert {i: again.tasks[i] for i in rows} == rows

"""compare_snapshots: known moves, additions, removals and renames between two plans."""

import datetime

from projects.baselines import compare_snapshots

D = datetime.date


def task(outline, name, start, finish, duration):
    return {
        "outline": outline,
        "name": name,
        "start": start,
        "finish": finish,
        "duration": duration,
    }


OLD = {
    "tasks": {
        "1": task("1", "Design", "2026-03-02", "2026-03-13", 10),
        "2": task("2", "Build", "2026-03-16", "2026-04-10", 20),
        "3": task("3", "Pilot", "2026-04-13", "2026-04-17", 5),
        "4": task("4", "Training", "2026-04-13", "2026-04-14", 2),
    },
    "milestones": {
        "10": {"name": "Design signed off", "date": "2026-03-13"},
        "11": {"name": "Go-live", "date": "2026-04-20"},
        "12": {"name": "Old gate", "date": "2026-04-01"},
    },
}
NEW = {
    "tasks": {
        "1": task("1", "Design", "2026-03-02", "2026-03-13", 10),
        "2": task("2", "Build and unit test", "2026-03-16", "2026-04-17", 25),
        "3": task("3", "Pilot", "2026-04-20", "2026-04-24", 5),
        "5": task("4", "Hypercare", "2026-04-27", "2026-05-08", 10),
    },
    "milestones": {
        "10": {"name": "Design signed off", "date": "2026-03-13"},
        "11": {"name": "Go-live", "date": "2026-04-27"},
        "13": {"name": "Hypercare ends", "date": "2026-05-08"},
    },
}


def test_moved_tasks_carry_their_start_and_finish_deltas():
    result = compare_snapshots(OLD, NEW)
    moved = {c.name: c for c in result.tasks_moved}
    assert set(moved) == {"Build and unit test", "Pilot"}
    assert (
        moved["Build and unit test"].start_delta,
        moved["Build and unit test"].finish_delta,
    ) == (
        0,
        7,
    )
    assert moved["Build and unit test"].duration_delta == 5
    assert (moved["Pilot"].start_delta, moved["Pilot"].finish_delta) == (7, 7)
    assert moved["Pilot"].old_start == D(2026, 4, 13) and moved["Pilot"].new_start == D(2026, 4, 20)


def test_added_removed_and_renamed_tasks():
    result = compare_snapshots(OLD, NEW)
    assert [c.name for c in result.tasks_added] == ["Hypercare"]
    assert [c.name for c in result.tasks_removed] == ["Training"]
    assert [(c.old_name, c.name) for c in result.tasks_renamed] == [
        ("Build", "Build and unit test")
    ]


def test_milestones_moved_added_removed():
    result = compare_snapshots(OLD, NEW)
    assert [(c.name, c.delta) for c in result.milestones_moved] == [("Go-live", 7)]
    assert [c.name for c in result.milestones_added] == ["Hypercare ends"]
    assert [c.name for c in result.milestones_removed] == ["Old gate"]
    assert result.milestones_renamed == []


def test_latest_finish_delta():
    assert compare_snapshots(OLD, NEW).finish_delta == 21  # 17 April -> 8 May


def test_a_plan_compared_with_itself_has_no_changes():
    result = compare_snapshots(OLD, OLD)
    assert result.is_empty and result.finish_delta == 0


def test_a_task_never_scheduled_counts_as_moved_once_it_has_dates():
    old = {"tasks": {"1": task("1", "Design", None, None, 5)}, "milestones": {}}
    new = {"tasks": {"1": task("1", "Design", "2026-03-02", "2026-03-06", 5)}, "milestones": {}}
    (change,) = compare_snapshots(old, new).tasks_moved
    assert change.start_delta is None and change.new_start == D(2026, 3, 2)


def test_empty_or_partial_snapshots_compare():
    result = compare_snapshots({}, {"tasks": {"1": task("1", "Only", None, None, 0)}})
    assert [c.name for c in result.tasks_added] == ["Only"] and result.finish_delta is None


def test_tasks_are_listed_in_wbs_order():
    tasks = {
        str(n): task(outline, f"T{outline}", None, None, 1)
        for n, outline in enumerate(["10", "2", "1.10", "1.9"])
    }
    result = compare_snapshots({}, {"tasks": tasks})
    assert [c.outline for c in result.tasks_added] == ["1.9", "1.10", "2", "10"]

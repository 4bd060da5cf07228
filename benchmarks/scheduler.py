"""Time the critical-path scheduler on a large random plan (run by hand, not in CI).

Usage:
    .venv/bin/python benchmarks/scheduler.py
    BENCH_REPEAT=50 BENCH_TASKS=5000 BENCH_LINKS=10000 .venv/bin/python benchmarks/scheduler.py

Builds a layered random DAG (fixed seed) of 5,000 tasks and 10,000 dependencies with mixed
types, lags and leads, a few start constraints and milestones, on a Monday-Friday calendar with
ten holidays a year; then times ``compute_schedule`` end to end (validation, forward and
backward pass, floats, critical chains, dates) N times and prints the median and the maximum.
The target is under one second; pure Python, no database, so this is the whole cost a service
pays besides its queries.
"""

import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from projects.scheduling import Dependency, ScheduleTask, compute_schedule
from projects.working_calendar import WorkingCalendar

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))
TASKS = int(os.environ.get("BENCH_TASKS", "5000"))
LINKS = int(os.environ.get("BENCH_LINKS", "10000"))
LAYERS = 100
SEED = 20250602


def holidays(first_year: int, years: int) -> set[date]:
    """Ten fixed-date holidays a year: enough to make every conversion bisect."""
    days = [(1, 1), (1, 6), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25), (12, 26)]
    return {date(year, m, d) for year in range(first_year, first_year + years) for m, d in days}


def random_plan(rng: random.Random) -> tuple[list[ScheduleTask], list[Dependency]]:
    """Tasks in layers; every link goes from an earlier layer to a later one, mostly the next."""
    layer_of = [n * LAYERS // TASKS for n in range(TASKS)]
    by_layer: list[list[int]] = [[] for _ in range(LAYERS)]
    for n, layer in enumerate(layer_of):
        by_layer[layer].append(n)
    tasks = [
        ScheduleTask(
            f"T{n:05d}",
            0 if rng.random() < 0.05 else rng.randint(1, 15),
            start_no_earlier_than=rng.randint(0, 400) if rng.random() < 0.02 else None,
        )
        for n in range(TASKS)
    ]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < LINKS:
        succ = rng.randrange(len(by_layer[0]), TASKS)
        back = rng.choice([1, 1, 1, 1, 2, 3, 5])
        pred_layer = max(0, layer_of[succ] - back)
        pairs.add((rng.choice(by_layer[pred_layer]), succ))
    links = []
    for pred, succ in sorted(pairs):
        kind = rng.choices(["FS", "SS", "FF", "SF"], weights=[70, 15, 12, 3])[0]
        lag = rng.choice([0, 0, 0, 0, 1, 2, 3, 5, -1, -2])
        links.append(Dependency(f"T{pred:05d}", f"T{succ:05d}", kind, lag))
    rng.shuffle(links)
    return tasks, links


def main() -> None:
    rng = random.Random(SEED)
    tasks, links = random_plan(rng)
    calendar = WorkingCalendar(holidays=holidays(2025, 30))
    start = date(2025, 6, 2)

    timings = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        schedule = compute_schedule(tasks, links, start=start, calendar=calendar)
        timings.append(time.perf_counter() - began)

    critical = len(schedule.critical_path)
    longest = max((len(chain) for chain in schedule.critical_chains), default=0)
    print(f"{len(tasks)} tasks, {len(links)} dependencies, {REPEAT} runs")
    print(
        f"project finish: offset {schedule.project_finish}, {schedule.project_finish_date}; "
        f"{critical} critical tasks, {len(schedule.critical_chains)} chains"
        f"{' (truncated)' if schedule.critical_chains_truncated else ''}, longest {longest}"
    )
    print(f"median {statistics.median(timings):.3f} s, max {max(timings):.3f} s")


if __name__ == "__main__":
    main()

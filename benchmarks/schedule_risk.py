"""Time the Monte Carlo schedule risk analysis on a large random plan (run by hand, not in CI).

Usage:
    .venv/bin/python benchmarks/schedule_risk.py
    BENCH_REPEAT=5 BENCH_TASKS=1000 BENCH_LINKS=2000 BENCH_ITERATIONS=5000 \
        .venv/bin/python benchmarks/schedule_risk.py

Builds a layered random DAG (fixed seed) of 1,000 tasks and about 2,000 dependencies with mixed
types, lags and leads and a few milestones, each task with a three-point estimate, on a
Monday-Friday calendar with ten holidays a year; then times ``simulate_schedule`` end to end
(validation and most-likely plan, sampling, forward and backward passes, criticality,
percentiles, histogram, S-curve) for 5,000 iterations, N times, and prints the median and the
maximum. The target is under five seconds.
"""

import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from projects.scheduling import Dependency
from projects.working_calendar import WorkingCalendar
from risks.schedule_risk import RiskTask, simulate_schedule

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
TASKS = int(os.environ.get("BENCH_TASKS", "1000"))
LINKS = int(os.environ.get("BENCH_LINKS", "2000"))
ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", "5000"))
LAYERS = 50
SEED = 20250602
TARGET_SECONDS = 5.0


def holidays(first_year: int, years: int) -> set[date]:
    days = [(1, 1), (1, 6), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25), (12, 26)]
    return {date(year, m, d) for year in range(first_year, first_year + years) for m, d in days}


def build_plan(rng: random.Random) -> tuple[list[RiskTask], list[Dependency], list[str]]:
    tasks: list[RiskTask] = []
    layers: list[list[str]] = [[] for _ in range(LAYERS)]
    milestones: list[str] = []
    for n in range(TASKS):
        task_id = f"T{n}"
        layer = n * LAYERS // TASKS
        layers[layer].append(task_id)
        if rng.random() < 0.03:
            tasks.append(RiskTask(task_id, 0, 0, 0))
            milestones.append(task_id)
            continue
        most_likely = rng.randint(1, 20)
        optimistic = max(0.5, most_likely * rng.uniform(0.6, 1.0))
        pessimistic = most_likely * rng.uniform(1.0, 2.0)
        tasks.append(RiskTask(task_id, optimistic, most_likely, pessimistic))
    links: set[tuple[str, str]] = set()
    dependencies: list[Dependency] = []
    while len(dependencies) < LINKS:
        first = rng.randrange(LAYERS - 1)
        second = rng.randrange(first + 1, min(LAYERS, first + 4))
        pred, succ = rng.choice(layers[first]), rng.choice(layers[second])
        if (pred, succ) in links:
            continue
        links.add((pred, succ))
        kind = rng.choices(["FS", "SS", "FF", "SF"], weights=[80, 10, 8, 2])[0]
        dependencies.append(Dependency(pred, succ, kind, rng.choice([0, 0, 0, 1, 2, -1])))
    return tasks, dependencies, milestones


def main() -> None:
    rng = random.Random(SEED)
    tasks, dependencies, milestones = build_plan(rng)
    calendar = WorkingCalendar(holidays=holidays(2025, 10))
    start = date(2025, 6, 2)
    timings = []
    result = None
    for _ in range(REPEAT):
        began = time.perf_counter()
        result = simulate_schedule(
            tasks,
            dependencies,
            start=start,
            calendar=calendar,
            milestones=milestones,
            baseline_finish=date(2027, 8, 10),
            iterations=ITERATIONS,
            seed=SEED,
        )
        timings.append(time.perf_counter() - began)
    median = statistics.median(timings)
    print(
        f"{len(tasks)} tasks, {len(dependencies)} dependencies, {ITERATIONS} iterations: "
        f"median {median:.3f} s, max {max(timings):.3f} s over {REPEAT} runs "
        f"(target < {TARGET_SECONDS:.0f} s)"
    )
    finish = result.finish
    print(
        f"finish P50 {finish.p50_date}, P80 {finish.p80_date}, P90 {finish.p90_date} "
        f"(most likely plan {finish.deterministic_date}); "
        f"P(by 2027-08-10) = {finish.probability_on_baseline:.3f}"
    )
    if median >= TARGET_SECONDS:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Three-point estimates for the demo schedule risk analysis (called from ``risks.demo``).

A few curated projects get optimistic and pessimistic durations on their unfinished leaf
tasks, as a team would give them in an estimating session: most tasks a little either side
of the plan, integration and testing work with a long pessimistic tail. Projects whose
tasks already carry estimates are left as they are.
"""

from simple_history.utils import bulk_update_with_history

from pmo.core.demo import DemoContext
from projects.models import Task

# Projects (by name) that get estimates, and words that make a task's tail longer.
PROJECTS = (
    "Customer portal relaunch",
    "ERP finance module rollout",
    "Mobile field-service app",
    "Data warehouse consolidation",
)
RISKY_WORDS = ("integration", "migration", "testing", "cut-over", "defect", "data")
REASON = "Three-point estimate from the estimating workshop"


def estimate(duration: int, name: str, rng) -> tuple[int, int]:
    """(optimistic, pessimistic) working days around ``duration``."""
    risky = any(word in name.lower() for word in RISKY_WORDS)
    low = rng.uniform(0.7, 0.9)
    high = rng.uniform(1.4, 2.0) if risky else rng.uniform(1.1, 1.4)
    optimistic = max(1, min(duration, int(duration * low)))
    pessimistic = max(duration + 1, round(duration * high))
    return optimistic, pessimistic


def seed(ctx: DemoContext, projects: list) -> None:
    for project in projects:
        if project.name not in PROJECTS:
            continue
        tasks = list(
            Task.objects.filter(project=project, children__isnull=True, duration_days__gt=0)
            .select_related("parent")
            .order_by("sort_key")
        )
        estimated = [t for t in tasks if t.optimistic_days is not None or t.pessimistic_days]
        if estimated:
            ctx.count("projects.Task (estimated)", existing=len(estimated))
            continue
        rng = ctx.random("risks", "estimates", project.code)
        changed = []
        for task in tasks:
            if task.percent_complete >= 100:
                continue
            task.optimistic_days, task.pessimistic_days = estimate(
                task.duration_days, task.name, rng
            )
            task.clean()
            task.version += 1
            changed.append(task)
        if changed:
            bulk_update_with_history(
                changed,
                Task,
                ["optimistic_days", "pessimistic_days", "version"],
                default_user=project.project_manager,
                default_change_reason=REASON,
            )
        ctx.count("projects.Task (estimated)", created=len(changed))

"""Demo schedules for the curated projects (called from ``projects.demo``).

Every curated project gets a work breakdown in seven phases (Initiation, Planning, Design,
Build, Test, Deploy, Close) whose tasks fit its planned start and finish, chained by
dependencies with some work running in parallel (start-to-start with a lag), so the critical
path and the floats mean something. Tasks are assigned to the team, carry an effort estimate,
and show progress consistent with today's date. Projects past planning have an "Approved
plan" baseline taken in the past, after which a few build and test tasks took longer, so the
baseline comparison shows real moves.

Rows are written with the versioned-save helpers, so every task's history names the project
manager (progress: the assignee), and each step is scheduled with ``reschedule_project``.
Closed and cancelled projects get the plan they closed with. The baseline is written as the
row it would have been when it was taken: taking it now through ``baseline_create`` would
re-baseline the milestones, which have moved since.

A project that already has tasks is left as people left it. The organisation's default
working calendar (created only when no default exists) carries the England and Wales bank
holidays that follow the usual rules, for the years around today from 2024 on (the one-off
holidays of 2020, 2022 and 2023 are not rule-based).
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from pmo.core.demo import DemoContext
from pmo.core.locking import create_versioned, save_versioned
from projects.models import (
    Baseline,
    Dependency,
    Holiday,
    Project,
    Stage,
    Status,
    Task,
    WorkCalendar,
)
from projects.services import schedule as services
from projects.services.baselines import snapshot_plan

BASELINE_NAME = "Approved plan"
CALENDAR_NAME = "Standard week (England and Wales bank holidays)"

# A task is (name, weight, kind): weight is its share of the project's working days, kind is
# "chain" (finish-to-start after the previous chain task) or ("side", lag): work that starts
# ``lag`` working days after the previous chain task starts and must be done before the next
# chain task. Weight 0 makes a milestone.
COMMON_START = [
    (
        "Initiation",
        [
            ("Business case and charter", 4, "chain"),
            ("Stakeholder analysis", 2, ("side", 1)),
            ("Initiation gate review", 0, "chain"),
        ],
    ),
    (
        "Planning",
        [
            ("Requirements workshops", 7, "chain"),
            ("Risk and resource plan", 3, ("side", 2)),
            ("Detailed schedule and budget", 4, "chain"),
            ("Plan approved", 0, "chain"),
        ],
    ),
]
COMMON_END = [
    (
        "Deploy",
        [
            ("Training and communications", 5, "chain"),
            ("Cut-over rehearsal", 2, "chain"),
            ("Go-live", 0, "chain"),
            ("Hypercare", 6, "chain"),
        ],
    ),
    (
        "Close",
        [
            ("Handover to operations", 2, "chain"),
            ("Post-project review", 2, ("side", 1)),
            ("Project closed", 0, "chain"),
        ],
    ),
]
SOFTWARE = [
    *COMMON_START,
    (
        "Design",
        [
            ("Solution architecture", 6, "chain"),
            ("User experience design", 6, ("side", 2)),
            ("Integration and data design", 5, "chain"),
            ("Design sign-off", 0, "chain"),
        ],
    ),
    (
        "Build",
        [
            ("Development sprint 1", 8, "chain"),
            ("Development sprint 2", 8, "chain"),
            ("Integrations", 9, ("side", 3)),
            ("Development sprint 3", 8, "chain"),
            ("Data migration scripts", 6, ("side", 4)),
        ],
    ),
    (
        "Test",
        [
            ("System testing", 7, "chain"),
            ("Performance and security testing", 4, ("side", 2)),
            ("User acceptance testing", 7, "chain"),
            ("Defect fixing", 4, ("side", 3)),
        ],
    ),
    *COMMON_END,
]
INFRASTRUCTURE = [
    *COMMON_START,
    (
        "Design",
        [
            ("Current-state assessment", 5, "chain"),
            ("Target architecture", 6, "chain"),
            ("Capacity and resilience design", 4, ("side", 2)),
            ("Design sign-off", 0, "chain"),
        ],
    ),
    (
        "Build",
        [
            ("Procurement and delivery", 10, "chain"),
            ("Lab build and configuration", 8, "chain"),
            ("Monitoring and backup set-up", 5, ("side", 3)),
            ("Site preparation", 4, ("side", 1)),
        ],
    ),
    (
        "Test",
        [
            ("Fail-over and recovery tests", 7, "chain"),
            ("Security hardening review", 3, ("side", 2)),
            ("Operational acceptance", 5, "chain"),
        ],
    ),
    *COMMON_END,
]
BUSINESS_CHANGE = [
    *COMMON_START,
    (
        "Design",
        [
            ("Current process mapping", 5, "chain"),
            ("Future process design", 7, "chain"),
            ("Policy and controls update", 3, ("side", 2)),
            ("Design sign-off", 0, "chain"),
        ],
    ),
    (
        "Build",
        [
            ("Workflow configuration", 9, "chain"),
            ("Forms and templates", 5, ("side", 2)),
            ("Reports and dashboards", 6, "chain"),
            ("Training material", 4, ("side", 3)),
        ],
    ),
    (
        "Test",
        [
            ("End-to-end process test", 6, "chain"),
            ("Pilot with one team", 6, "chain"),
            ("Pilot feedback changes", 3, ("side", 3)),
        ],
    ),
    *COMMON_END,
]
TEMPLATE_BY_WORD = [
    ("network", INFRASTRUCTURE),
    ("disaster", INFRASTRUCTURE),
    ("cloud", INFRASTRUCTURE),
    ("scanner", INFRASTRUCTURE),
    ("procure", BUSINESS_CHANGE),
    ("onboarding", BUSINESS_CHANGE),
    ("toolkit", BUSINESS_CHANGE),
]
# Tasks a project manager does; the rest go to the team.
PM_TASKS = {
    "Business case and charter",
    "Stakeholder analysis",
    "Detailed schedule and budget",
    "Risk and resource plan",
    "Post-project review",
}
SLIP_PHASES = ("Build", "Test")


def _template(project: Project) -> list:
    name = project.name.lower()
    for word, template in TEMPLATE_BY_WORD:
        if word in name:
            return template
    return SOFTWARE


# --- calendar -------------------------------------------------------------------------------
def _easter(year: int) -> datetime.date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def _monday_on_or_after(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> datetime.date:
    last = datetime.date(year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=last.weekday())


def bank_holidays(year: int) -> list[tuple[datetime.date, str]]:
    """England and Wales bank holidays by the usual rules, with weekend substitutes."""
    day = datetime.timedelta(days=1)
    easter = _easter(year)
    new_year = datetime.date(year, 1, 1)
    if new_year.weekday() >= 5:
        new_year = _monday_on_or_after(new_year)
    christmas, boxing = datetime.date(year, 12, 25), datetime.date(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: Monday and Tuesday instead
        christmas, boxing = christmas + 2 * day, boxing + 2 * day
    elif christmas.weekday() == 6:  # Sunday: Boxing Day Monday, Christmas on Tuesday
        christmas = christmas + 2 * day
    elif christmas.weekday() == 4:  # Friday: Boxing Day moves to Monday
        boxing = boxing + 2 * day
    return [
        (new_year, "New Year's Day"),
        (easter - 2 * day, "Good Friday"),
        (easter + day, "Easter Monday"),
        (_monday_on_or_after(datetime.date(year, 5, 1)), "Early May bank holiday"),
        (_last_monday(year, 5), "Spring bank holiday"),
        (_last_monday(year, 8), "Summer bank holiday"),
        (christmas, "Christmas Day"),
        (boxing, "Boxing Day"),
    ]


def _seed_calendar(ctx: DemoContext) -> None:
    if WorkCalendar.objects.filter(is_default=True).exists():
        ctx.count("projects.WorkCalendar", existing=1)
        return
    calendar = WorkCalendar.objects.filter(name=CALENDAR_NAME).first()
    if calendar is None:
        calendar = WorkCalendar(name=CALENDAR_NAME, is_default=True, created_by=ctx.user("pmo"))
        calendar.full_clean()
        calendar.save()
        ctx.count("projects.WorkCalendar", created=1)
        years = [y for y in range(ctx.today.year - 2, ctx.today.year + 3) if y >= 2024]
        holidays = [
            Holiday(calendar=calendar, date=date, name=name)
            for year in years
            for date, name in bank_holidays(year)
        ]
        Holiday.objects.bulk_create(holidays)
        ctx.count("projects.Holiday", created=len(holidays))
    else:
        ctx.count("projects.WorkCalendar", existing=1)


# --- tasks ----------------------------------------------------------------------------------
def seed(ctx: DemoContext, projects: list) -> None:
    _seed_calendar(ctx)
    for project in projects:
        existing = Task.objects.filter(project=project).count()
        if existing:
            ctx.count("projects.Task", existing=existing)
            continue
        _seed_project(ctx, project)


def _team(project: Project) -> list:
    return [m.user for m in project.memberships.select_related("user").order_by("pk")]


class _Writer:
    """Writes one project's plan row by row with history naming who did it.

    The rows go in with the versioned-save helpers rather than one service call each (every
    service call reschedules the whole project, which for fourteen projects of forty tasks
    made seeding take a minute); the project is then renumbered and rescheduled once per
    step with the same functions the services use.
    """

    def __init__(self, project: Project):
        self.project = project
        self.pm = project.project_manager
        self.position: dict[int | None, int] = {}

    def task(self, *, name, parent, **fields) -> Task:
        key = parent.pk if parent else None
        self.position[key] = self.position.get(key, 0) + 1
        task = Task(
            project=self.project, name=name, parent=parent, position=self.position[key], **fields
        )
        return create_versioned(instance=task, by=self.pm, reason="Task added")

    def link(self, predecessor: Task, successor: Task, kind: str = "FS", lag: int = 0) -> None:
        link = Dependency(
            predecessor=predecessor,
            successor=successor,
            type=kind,
            lag_days=lag,
            created_by=self.pm,
        )
        link.full_clean()
        link._history_user = self.pm
        link.save()

    def schedule(self) -> None:
        services.renumber_outline(project=self.project)
        services.reschedule_project(project=self.project)

    def save(self, task: Task, by, reason: str, **values) -> None:
        task.refresh_from_db()
        for name, value in values.items():
            setattr(task, name, value)
        save_versioned(instance=task, expected_version=task.version, by=by, reason=reason)


def _seed_project(ctx: DemoContext, project: Project) -> None:
    rng = ctx.random("projects.schedule", project.code)
    writer = _Writer(project)
    template = _template(project)
    team = _team(project) or [project.project_manager]
    calendar = services.calendar_of(project)
    span = max(
        20, services.working_days_between(calendar, project.planned_start, project.planned_finish)
    )
    chain_weight = sum(w for _, tasks in template for _, w, kind in tasks if kind == "chain")
    # Some room for the slips that came after the approved plan.
    scale = span * 0.93 / chain_weight

    created = 0
    chain_last = None
    sides: list[Task] = []
    leaves: list[tuple[Task, str]] = []
    for phase_name, tasks in template:
        phase = writer.task(name=phase_name, parent=None, duration_days=0)
        created += 1
        for name, weight, kind in tasks:
            duration = max(1, round(weight * scale)) if weight else 0
            if kind != "chain":
                # Work beside the chain: starts after a lag and ends before the chain task it
                # runs beside, so it has float (the chain stays the critical path).
                side_lag = max(1, round(kind[1] * scale))
                if chain_last is not None and chain_last.duration_days > side_lag + 2:
                    duration = min(duration, chain_last.duration_days - side_lag - 2)
            assignee = project.project_manager if name in PM_TASKS else rng.choice(team)
            fields = {"duration_days": duration, "assignee": assignee}
            if duration:
                fte = rng.choice([Decimal("0.5"), Decimal("0.75"), Decimal("1")])
                fields["estimated_effort_hours"] = (duration * 8 * fte).quantize(Decimal("0.1"))
            task = writer.task(name=name, parent=phase, **fields)
            created += 1
            leaves.append((task, phase_name))
            if kind == "chain":
                if chain_last is not None:
                    writer.link(chain_last, task)
                for side in sides:
                    writer.link(side, task)
                sides = []
                chain_last = task
            else:
                if chain_last is not None:
                    writer.link(chain_last, task, "SS", side_lag)
                sides.append(task)
    writer.schedule()
    ctx.count("projects.Task", created=created)

    # The plan as approved, then what happened since.
    baselined = project.stage not in (Stage.INITIATION, Stage.PLANNING)
    snapshot = snapshot_plan(project) if baselined else None
    if baselined:
        candidates = [t for t, phase in leaves if phase in SLIP_PHASES and t.duration_days]
        for task in rng.sample(candidates, min(3, len(candidates))):
            extra = max(2, round(task.duration_days * rng.choice([0.2, 0.3, 0.4])))
            writer.save(
                task,
                project.project_manager,
                f"Re-estimated: {extra} more working days",
                duration_days=task.duration_days + extra,
            )
        writer.schedule()
    _record_progress(ctx, project, writer, [t for t, _ in leaves], rng)
    writer.schedule()
    if baselined:
        _baseline(ctx, project, snapshot)


def _record_progress(ctx, project: Project, writer: _Writer, tasks: list[Task], rng) -> None:
    today = ctx.today
    stopped = None
    if project.status == Status.CANCELLED:
        stopped = min(
            today, project.planned_start + (project.planned_finish - project.planned_start) / 4
        )
    for task in tasks:
        task.refresh_from_db()
        start, finish = task.early_start, task.early_finish
        if start is None or finish is None:
            continue
        if project.status == Status.CLOSED:
            percent = 100
        else:
            cutoff = stopped or today
            if finish < cutoff:
                percent = 100 if rng.random() > 0.12 else rng.choice([80, 90, 95])
            elif start <= cutoff:
                elapsed = (cutoff - start).days + 1
                length = (finish - start).days + 1
                percent = min(95, 5 * round(20 * elapsed / length * rng.uniform(0.6, 1.1)))
            else:
                percent = 0
        if percent == 0:
            continue
        hours = None
        if task.estimated_effort_hours is not None:
            ratio = Decimal(percent) / 100 * Decimal(str(rng.uniform(0.85, 1.3)))
            hours = (task.estimated_effort_hours * ratio).quantize(Decimal("0.1"))
        writer.save(
            task,
            task.assignee or writer.pm,
            "Progress updated",
            percent_complete=percent,
            actual_effort_hours=hours,
        )


def _baseline(ctx, project: Project, snapshot: dict) -> None:
    """The "Approved plan" as it was taken at the end of planning."""
    taken_on = project.planned_start + (project.planned_finish - project.planned_start) / 8
    taken_on = min(taken_on, ctx.today - datetime.timedelta(days=1))
    zone = ZoneInfo(project.project_manager.time_zone or settings.TIME_ZONE)
    taken_at = datetime.datetime.combine(taken_on, datetime.time(16, 30), tzinfo=zone)
    baseline = Baseline(
        project=project,
        name=BASELINE_NAME,
        note="Approved by the sponsor at the planning gate.",
        snapshot=snapshot,
        created_at=taken_at,
        created_by=project.project_manager,
    )
    baseline.full_clean()
    baseline.save()
    ctx.count("projects.Baseline", created=1)

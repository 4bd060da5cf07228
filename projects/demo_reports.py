"""Demo weekly status reports for the active curated projects (called from ``projects.demo``).

Each active project gets a submitted report for each of its last six to eight full weeks
(never before it started). The ratings drift towards the project's current health, and the
latest submitted report says exactly what the project's health and reason say, as if the
project manager had submitted it ("the health comes from the latest report"). One project
of the demo ``pm`` also has a draft for the last full week, waiting to be submitted.

Figures (``facts``) come from ``status_report_prefill`` as of the Monday after each week,
so run this after the milestone and budget demos. Reports are written directly, dated on
the days they were written; a project that already has reports is left alone.
"""

import datetime

from django.utils import timezone

from pmo.core.demo import DemoContext
from pmo.core.locking import create_versioned
from projects.models import Health, Project, Stage, Status, StatusReport
from projects.selectors.reports import default_period, status_report_prefill, worst

DRAFT_FOR = "Cloud cost optimisation"

# The rating that carries each project's trouble, when it has some.
DRIVERS = {
    "Customer portal relaunch": ("schedule",),
    "ERP finance module rollout": ("schedule", "quality"),
    "HR onboarding workflow automation": ("schedule", "risks"),
    "Cloud cost optimisation": ("cost",),
}

ACHIEVEMENTS = {
    Stage.PLANNING: [
        "Work breakdown structure reviewed with the team leads; estimates agreed.",
        "Budget lines for personnel, equipment and services entered and checked with finance.",
        "Risk workshop held; eight risks scored and given owners.",
        "Resource requests sent to the resource managers for the build phase.",
        "Draft schedule shared with the sponsor; milestones agreed.",
    ],
    Stage.EXECUTION: [
        "Sprint completed: all committed stories accepted by the product owner.",
        "Integration environment rebuilt and smoke tests passing.",
        "Supplier delivered the second batch on time; quality checks passed.",
        "User acceptance test scripts written with the business analysts.",
        "Data migration trial run completed; error rate below 1 %.",
        "Training material for key users drafted and reviewed.",
    ],
    Stage.MONITORING: [
        "Weekly KPI review held; adoption up on the previous week.",
        "Open defects from go-live down by a third.",
        "Handover checklist for operations reviewed with the service owner.",
        "Savings measured against the baseline and shared with finance.",
        "Lessons from the pilot sites fed into the rollout plan.",
    ],
    Stage.CLOSING: [
        "Runbooks handed to the service desk; support rota agreed.",
        "Final invoices received and matched to purchase orders.",
        "Post-project review scheduled with the sponsor and key users.",
        "Licences for the old tool cancelled.",
    ],
}

NEXT_STEPS = {
    Stage.PLANNING: [
        "Baseline the schedule and prepare the planning gate review.",
        "Confirm the team's availability with the resource managers.",
        "Finalise the communication plan with the sponsor.",
    ],
    Stage.EXECUTION: [
        "Start the next sprint; focus on the critical-path items.",
        "Run the second integration test cycle.",
        "Prepare the go/no-go checklist for the next milestone.",
        "Agree the cut-over plan with operations.",
    ],
    Stage.MONITORING: [
        "Close the remaining high-priority defects.",
        "Measure the objectives' metrics for the monthly review.",
        "Agree the handover date with operations.",
    ],
    Stage.CLOSING: [
        "Hold the post-project review and record the lessons learned.",
        "Release the remaining team members to their pools.",
    ],
}


def _trajectory(health: str, weeks: int, rng) -> list[str]:
    """Overall ratings oldest to newest, ending at ``health``, changing at most one step."""
    if health == Health.GREEN:
        ratings = [Health.GREEN] * weeks
        if weeks > 4 and rng.random() < 0.5:
            ratings[rng.randint(0, weeks - 4)] = Health.AMBER
        return ratings
    if health == Health.AMBER:
        turned = min(rng.randint(2, 3), weeks)
        return [Health.GREEN] * (weeks - turned) + [Health.AMBER] * turned
    red_weeks = rng.randint(1, 2)
    amber_weeks = rng.randint(2, 3)
    greens = max(weeks - red_weeks - amber_weeks, 0)
    return ([Health.GREEN] * greens + [Health.AMBER] * amber_weeks + [Health.RED] * red_weeks)[
        -weeks:
    ]


def _ratings(project: Project, overall: str) -> dict:
    ratings = dict.fromkeys(("schedule", "cost", "scope", "quality", "risks"), Health.GREEN)
    if overall != Health.GREEN:
        drivers = DRIVERS.get(project.name, ("schedule",))
        ratings[drivers[0]] = overall
        for extra in drivers[1:]:
            ratings[extra] = Health.AMBER
    ratings["overall"] = worst(*ratings.values())
    return ratings


def _reason(project: Project, overall: str, latest: bool) -> str:
    if overall == Health.GREEN:
        return ""
    if latest and project.health_reason:
        return project.health_reason
    drivers = DRIVERS.get(project.name, ("schedule",))
    return {
        "schedule": "Two tasks on the critical path slipped by a week; recovery plan agreed "
        "with the team.",
        "cost": "Actual spend is running above plan; the variance is being reviewed with finance.",
        "quality": "Defects found in testing need rework before acceptance.",
        "risks": "A key risk is rising; mitigation actions are under way.",
    }[drivers[0]]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _backdate(report: StatusReport, created: datetime.datetime, submitted=None) -> None:
    StatusReport.objects.filter(pk=report.pk).update(
        created_at=created, updated_at=submitted or created
    )
    history = StatusReport.history.filter(id=report.pk)
    history.filter(history_type="+").update(history_date=created)
    if submitted is not None:
        history.filter(history_type="~").update(history_date=submitted)


def seed(ctx: DemoContext, projects: list) -> None:
    last_start, _last_end = default_period(ctx.today)
    for project in projects:
        if project.status != Status.ACTIVE:
            continue
        if project.status_reports.exists():
            ctx.count("projects.StatusReport", existing=project.status_reports.count())
            continue
        rng = ctx.random("projects.reports", project.code)
        has_draft = project.name == DRAFT_FOR
        weeks = rng.randint(6, 8)
        starts = [last_start - datetime.timedelta(weeks=n) for n in range(weeks)]
        starts = sorted(s for s in starts if s >= project.planned_start)
        if not starts:
            continue
        submitted_starts = starts[:-1] if has_draft else starts
        overall_path = _trajectory(project.health, len(submitted_starts), rng)
        for index, start in enumerate(starts):
            is_draft = has_draft and index == len(starts) - 1
            overall = project.health if is_draft else overall_path[index]
            latest = index == len(submitted_starts) - 1
            _create(ctx, project, start, overall, rng, draft=is_draft, latest=latest)


def _create(ctx, project, start, overall, rng, *, draft: bool, latest: bool) -> None:
    end = start + datetime.timedelta(days=6)
    written = end + datetime.timedelta(days=1)
    pm = project.project_manager
    ratings = _ratings(project, overall)
    reason = _reason(project, ratings["overall"], latest or draft)
    facts = status_report_prefill(
        project=project, today=written, period_start=start, period_end=end
    )["facts"]
    stage = project.stage if project.stage in ACHIEVEMENTS else Stage.EXECUTION
    achievements = rng.sample(ACHIEVEMENTS[stage], k=min(2, len(ACHIEVEMENTS[stage])))
    blockers = reason if ratings["overall"] != Health.GREEN else ""
    decisions = (
        "Sponsor to confirm whether the recovery plan may use the contingency budget."
        if ratings["overall"] == Health.RED
        else ""
    )
    report = StatusReport(
        project=project,
        period_start=start,
        period_end=end,
        **ratings,
        overall_reason=reason,
        achievements="\n".join(achievements),
        next_steps=rng.choice(NEXT_STEPS[stage]),
        blockers=blockers,
        decisions_needed=decisions,
        facts=facts,
    )
    create_versioned(instance=report, by=pm, reason="Status report drafted")
    created = _at(written, 9)
    if draft:
        _backdate(report, created)
        ctx.count("projects.StatusReport", created=1)
        return
    submitted = _at(written, 11)
    report.state = StatusReport.State.SUBMITTED
    report.submitted_by = pm
    report.submitted_at = submitted
    report.version += 1
    report._history_user = pm
    report._change_reason = "Report submitted"
    report.save()
    _backdate(report, created, submitted)
    ctx.count("projects.StatusReport", created=1)

"""Demo milestones for the curated projects (called from ``projects.demo``).

Each curated project gets its milestones the way a project manager would build them: created
at planning time with their first forecast, baselined (``baseline_create``), then moved by
quick updates with a comment and marked achieved as the weeks went by, so the history
pages and the slip column have something true to show. A project that already has
milestones is left as people left it.

Closed and cancelled projects refuse plan changes, so their milestones (achieved up to the
day they closed) are written directly through the versioned-save helpers; their history
still names the project manager.
"""

import datetime

from pmo.core.demo import DemoContext
from pmo.core.locking import create_versioned, save_versioned
from projects.models import Milestone, Project
from projects.services import baselines as baseline_services
from projects.services import milestones as services

BASELINE_NAME = "Plan baseline"

# Per curated project (by name): milestones as (name, position in the project's span from 0
# to 1, owner: "pm" or the index of a team member, description).
PLANS = {
    "Customer portal relaunch": [
        ("Requirements signed off", 0.12, "pm", "Business and IT sign the requirements."),
        ("Identity provider integrated", 0.45, 0, "Single sign-on with the new IdP in test."),
        ("Design system approved", 0.55, 2, "Responsive components approved by marketing."),
        ("User acceptance testing complete", 0.82, 0, "All critical defects closed."),
        ("Go-live", 0.95, "pm", "Portal live for all customers."),
    ],
    "ERP finance module rollout": [
        ("Chart of accounts mapped", 0.25, 0, "Old ledger codes mapped to the new structure."),
        ("Month-end close rehearsal passed", 0.8, 0, "A full close run on migrated data."),
        ("Accounts payable live", 0.86, 1, "Supplier invoices processed in the new ERP."),
        ("Go-live for all entities", 0.93, "pm", "General ledger live in every legal entity."),
        ("Old finance system retired", 0.99, 1, "Read-only archive, licences cancelled."),
    ],
    "Mobile field-service app": [
        ("Charter approved", 0.05, "pm", "Sponsor approves the charter and budget."),
        ("Offline prototype tested", 0.3, 1, "Engineers try the prototype on site."),
        ("Pilot with 20 engineers", 0.7, 0, "Two regions use the app for a month."),
        ("Rollout complete", 0.97, "pm", "All field engineers on the app."),
    ],
    "Data warehouse consolidation": [
        ("Shared definitions agreed", 0.2, 1, "Customer, order and cost-centre definitions."),
        ("Sales mart migrated", 0.42, 0, "Sales reporting runs on the warehouse."),
        ("Finance mart migrated", 0.62, 0, "Finance reporting runs on the warehouse."),
        ("Old data marts switched off", 0.95, "pm", "The three marts decommissioned."),
    ],
    "Self-service BI dashboards": [
        ("Business case approved", 0.1, "pm", "Initiation gate passed."),
        ("Tool selected", 0.35, 0, "Dashboard tool chosen after a two-week trial."),
        ("First ten dashboards published", 0.9, "pm", "Finance and operations dashboards."),
    ],
    "Data-centre network refresh": [
        ("Design approved", 0.15, 0, "Target network design reviewed by architecture."),
        ("Switches delivered", 0.45, "pm", "Core switches delivered to both sites."),
        ("Site A cut-over", 0.65, 0, "Site A on the new core, no unplanned downtime."),
        ("Site B cut-over", 0.85, 0, "Site B on the new core."),
    ],
    "Service desk ITSM tool migration": [
        ("Knowledge base migrated", 0.55, 0, "Articles reviewed and moved."),
        ("Go-live", 0.8, "pm", "Incidents and requests in the new tool."),
        ("Handover to operations", 0.95, 1, "Support model signed by operations."),
        ("Post-project review held", 1.0, "pm", "Lessons learned recorded."),
    ],
    "Procure-to-pay process redesign": [
        ("Future process agreed", 0.25, 0, "One process for every entity."),
        ("Three-way matching live", 0.7, "pm", "Invoices matched automatically."),
        ("Project closed", 1.0, "pm", "Benefits confirmed and lessons recorded."),
    ],
    "HR onboarding workflow automation": [
        ("Workflow designed", 0.2, 0, "New-starter steps agreed with HR and IT."),
        ("Account provisioning automated", 0.6, 0, "Accounts created on the start date."),
        ("Equipment ordering automated", 0.85, 1, "Laptops ordered from the HR record."),
        ("All new starters on the workflow", 0.97, "pm", "No paper forms left."),
    ],
    "Marketing CRM consolidation": [
        ("Requirements gathered", 0.2, 0, "Requirements of both marketing teams."),
        ("Initiation gate", 0.3, "pm", "Gate review with the sponsor."),
        ("Data merged", 0.8, 0, "Contacts merged into one CRM."),
    ],
    "Backup and disaster recovery testing": [
        ("Recovery objectives agreed", 0.15, "pm", "RTO and RPO for every critical system."),
        ("Test plan approved", 0.35, 0, "Fail-over test plan signed by the CIO."),
        ("Finance platform fail-over test", 0.7, 1, "Finance platform recovered at site B."),
        ("Customer platform fail-over test", 0.9, 0, "Customer platform recovered at site B."),
    ],
    "Warehouse barcode scanner upgrade": [
        ("Scanners delivered", 0.35, "pm", "300 scanners delivered and registered."),
        ("Picking app updated", 0.7, 0, "New picking app on every scanner."),
        ("Old scanners recycled", 0.95, "pm", "Old devices wiped and recycled."),
    ],
    "Cloud cost optimisation": [
        ("Idle environments switched off", 0.3, 0, "Nightly shutdown of test environments."),
        ("Rightsizing complete", 0.6, 0, "Every production VM reviewed and resized."),
        ("Reserved capacity purchased", 0.85, "pm", "Three-year commitments for steady load."),
        ("25% saving confirmed", 0.98, "pm", "Finance confirms the monthly saving."),
    ],
    "PMO toolkit rollout": [
        ("Templates published", 0.25, 1, "Charter, plan and status report templates."),
        ("Stage gates in use", 0.5, "pm", "Every new project passes the gates."),
        ("Project managers trained", 0.75, 1, "Two training sessions per site."),
        ("Portfolio view live", 0.95, "pm", "One portfolio view for the executive team."),
    ],
}

# What a project manager writes when a forecast moves.
SLIP_COMMENTS = [
    "Vendor confirmed a later delivery; the team re-sequenced the remaining work.",
    "Two testers are shared with month-end close this week; testing moves accordingly.",
    "Scope of the change request added a week; the sponsor accepted the new date.",
    "Waiting for the security review slot; the date follows the review board's calendar.",
    "Integration defects found late; fixes are planned over the next sprint.",
]
EARLY_COMMENTS = [
    "Data migration rehearsal went faster than planned; pulled the date forward.",
    "Supplier shipped early; installation can start sooner.",
]
ACHIEVED_COMMENTS = [
    "Signed off by the sponsor at the steering meeting.",
    "Accepted by the business owner; evidence filed in the project folder.",
    "Done; the acceptance record is attached to the deliverable.",
]
MISSED_COMMENT = (
    "Third close rehearsal still blocked on the ledger mapping; a new date follows the "
    "vendor's fix."
)


def _on(project: Project, position: float) -> datetime.date:
    span = (project.planned_finish - project.planned_start).days
    return project.planned_start + datetime.timedelta(days=round(span * position))


def _owner(project: Project, team: list, who):
    if who == "pm" or not team:
        return project.project_manager
    return team[who % len(team)]


def seed(ctx: DemoContext, projects: list) -> None:
    for project in projects:
        plan = PLANS.get(project.name)
        if plan is None:
            continue
        existing = project.milestones.count()
        if existing:
            ctx.count("projects.Milestone", existing=existing)
            continue
        if project.is_closed:
            _seed_closed(ctx, project, plan)
        else:
            _seed_open(ctx, project, plan)


def _team(project: Project) -> list:
    return [m.user for m in project.memberships.select_related("user").order_by("pk") if m.user_id]


def _seed_open(ctx: DemoContext, project: Project, plan: list) -> None:
    """Plan, baseline, then the weeks of quick updates up to today."""
    pm = project.project_manager
    team = _team(project)
    rng = ctx.random("projects.milestones", project.code)
    today = ctx.today
    created = []
    for name, position, who, description in plan:
        baseline = max(_on(project, position), project.planned_start)
        milestone = services.milestone_create(
            project=project,
            by=pm,
            data={
                "name": name,
                "description": description,
                "owner": _owner(project, team, who),
                "forecast_date": baseline,
                "status_comment": "",
            },
        )
        created.append(milestone)
    ctx.count("projects.Milestone", created=len(created))
    baseline_services.baseline_create(project=project, name=BASELINE_NAME, by=pm)

    missed_done = False
    for milestone in created:
        milestone.refresh_from_db()
        baseline = milestone.baseline_date
        if baseline < today:
            # The ERP rehearsal is the demo's missed milestone: its date passed, not done.
            if project.code == "PRJ-0002" and not missed_done and "rehearsal" in milestone.name:
                _quick(milestone, pm, baseline + datetime.timedelta(days=5), SLIP_COMMENTS[4])
                _quick(
                    milestone,
                    pm,
                    max(baseline + datetime.timedelta(days=9), today - datetime.timedelta(days=2)),
                    MISSED_COMMENT,
                )
                missed_done = True
                continue
            # In the past: achieved, a few days either side of the baseline.
            actual = baseline + datetime.timedelta(days=rng.choice([-2, 0, 0, 1, 3, 6]))
            actual = min(max(actual, project.planned_start), today)
            services.milestone_mark_achieved(
                milestone=milestone,
                actual=actual,
                comment=rng.choice(ACHIEVED_COMMENTS),
                by=pm,
                expected_version=milestone.version,
            )
            continue
        # Still ahead: some slip (at risk or late), one may come early, the rest hold.
        roll = rng.random()
        if roll < 0.35:
            first = rng.choice([2, 3, 4])
            _quick(
                milestone, pm, baseline + datetime.timedelta(days=first), rng.choice(SLIP_COMMENTS)
            )
            if rng.random() < 0.6:
                more = first + rng.choice([5, 8, 12])
                _quick(
                    milestone,
                    pm,
                    baseline + datetime.timedelta(days=more),
                    rng.choice(SLIP_COMMENTS),
                )
        elif roll < 0.45 and baseline - datetime.timedelta(days=4) >= max(
            today, project.planned_start
        ):
            _quick(milestone, pm, baseline - datetime.timedelta(days=4), rng.choice(EARLY_COMMENTS))


def _quick(milestone: Milestone, by, forecast: datetime.date, comment: str) -> None:
    milestone.refresh_from_db()
    services.milestone_update_forecast(
        milestone=milestone,
        forecast=forecast,
        comment=comment,
        by=by,
        expected_version=milestone.version,
    )


def _seed_closed(ctx: DemoContext, project: Project, plan: list) -> None:
    """A closed or cancelled project's milestones, as they stood when it closed."""
    pm = project.project_manager
    team = _team(project)
    rng = ctx.random("projects.milestones", project.code)
    closed_on = min(project.planned_finish, ctx.today)
    count = 0
    for name, position, who, description in plan:
        baseline = max(_on(project, position), project.planned_start)
        milestone = create_versioned(
            instance=Milestone(
                project=project,
                name=name,
                description=description,
                owner=_owner(project, team, who),
                forecast_date=baseline,
            ),
            by=pm,
            reason="Milestone created",
        )
        milestone.baseline_date = baseline
        save_versioned(
            instance=milestone,
            expected_version=milestone.version,
            by=pm,
            reason=f"Baselined as {BASELINE_NAME}",
        )
        if baseline <= closed_on:
            actual = min(baseline + datetime.timedelta(days=rng.choice([0, 1, 3])), closed_on)
            milestone.actual_date = actual
            milestone.status_comment = rng.choice(ACHIEVED_COMMENTS)
            save_versioned(
                instance=milestone,
                expected_version=milestone.version,
                by=pm,
                reason=milestone.status_comment,
            )
        count += 1
    ctx.count("projects.Milestone", created=count)

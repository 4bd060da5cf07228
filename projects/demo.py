"""Demo portfolios, programs and projects for ``manage.py seed_demo``.

Curated projects (PRJ-0001..) go through ``projects.services`` like a person's edits, so
their history names the author. ``--projects N`` then tops the demo up to N projects with
synthetic ones, inserted in bulk (with one history row each) so that 2000 take seconds.
"""

import datetime
import importlib
import time

from django.core.exceptions import PermissionDenied
from simple_history.utils import bulk_create_with_history

from pmo.core.demo import DemoContext
from pmo.core.locking import create_versioned
from pmo.core.models import Sequence
from projects import services
from projects.models import (
    Health,
    Portfolio,
    Priority,
    Program,
    Project,
    ProjectMembership,
    ProjectRole,
    Stage,
    Status,
)

# (code, name, owner username, description)
PORTFOLIOS = [
    (
        "DIGITAL",
        "Digital transformation",
        "pmo",
        "Customer-facing and data initiatives that change how customers and staff use our "
        "services. Reviewed monthly by the PMO against the digital strategy.",
    ),
    (
        "OPS",
        "Operations excellence",
        "pmo2",
        "Finance systems, infrastructure and back-office processes that keep the organisation "
        "running reliably and at lower cost.",
    ),
]

PORTFOLIO_AUTHORS = {code: owner for code, _, owner, _ in PORTFOLIOS}

# (code, name, portfolio code, manager username, description)
PROGRAMS = [
    (
        "DIG-CX",
        "Customer experience",
        "DIGITAL",
        "pm",
        "One customer journey across web, mobile and the service desk.",
    ),
    (
        "DIG-DATA",
        "Data and analytics",
        "DIGITAL",
        "pm2",
        "A single source of truth for reporting, and self-service analytics for the business.",
    ),
    (
        "OPS-ERP",
        "ERP modernisation",
        "OPS",
        "pm3",
        "Replace the ageing finance and procurement modules with the new ERP platform.",
    ),
    (
        "OPS-INFRA",
        "Infrastructure resilience",
        "OPS",
        "pm4",
        "Network, backup and cloud foundations sized for growth and tested for recovery.",
    ),
]


def _project(
    name,
    portfolio,
    program,
    department,
    pm,
    sponsor,
    stage,
    status,
    health,
    priority,
    start,
    finish,
    description,
    health_reason="",
    members=(),
    currency="CNY",
):
    return {
        "name": name,
        "portfolio": portfolio,
        "program": program,
        "department": department,
        "project_manager": pm,
        "sponsor": sponsor,
        "stage": stage,
        "status": status,
        "health": health,
        "health_reason": health_reason,
        "priority": priority,
        "start": start,
        "finish": finish,
        "description": description,
        "members": members,
        "currency": currency,
    }


# Dates are days from today. Members: (username, project role, can edit the plan).
CURATED = [
    _project(
        "Customer portal relaunch",
        "DIGITAL",
        "DIG-CX",
        "applications",
        "pm",
        "exec",
        Stage.EXECUTION,
        Status.ACTIVE,
        Health.AMBER,
        Priority.HIGH,
        -200,
        95,
        "Replace the customer portal with a responsive site on the new identity platform, so "
        "that customers can track orders, raise requests and download invoices themselves. "
        "Objective: 60% of service requests self-served within six months of go-live.",
        health_reason="Identity provider integration slipped three weeks; the vendor agreed a "
        "recovery plan and the go-live date holds if user acceptance testing starts on time.",
        members=[
            ("member", ProjectRole.TEAM_LEAD, True),
            ("member2", ProjectRole.TEAM_MEMBER, False),
            ("member6", ProjectRole.TEAM_MEMBER, False),
            ("pm2", ProjectRole.DEPUTY_PM, True),
        ],
    ),
    _project(
        "ERP finance module rollout",
        "OPS",
        "OPS-ERP",
        "finance",
        "pm3",
        "exec2",
        Stage.MONITORING,
        Status.ACTIVE,
        Health.RED,
        Priority.CRITICAL,
        -320,
        40,
        "Roll out general ledger, accounts payable and fixed assets on the new ERP for all "
        "legal entities, and retire the old finance system after two clean month-end closes.",
        health_reason="Month-end close rehearsal failed twice on the ledger mapping; go-live "
        "is at risk until the mapping is fixed and a third rehearsal passes.",
        members=[
            ("member4", ProjectRole.ANALYST, True),
            ("member7", ProjectRole.TEAM_MEMBER, False),
            ("resources", ProjectRole.OBSERVER, False),
        ],
    ),
    _project(
        "Mobile field-service app",
        "DIGITAL",
        "DIG-CX",
        "operations",
        "pm",
        "exec2",
        Stage.PLANNING,
        Status.ACTIVE,
        Health.GREEN,
        Priority.MEDIUM,
        -30,
        240,
        "Give field engineers a mobile app for work orders, parts and customer sign-off, "
        "working offline. The plan, budget and resource requests are being agreed.",
        members=[
            ("member8", ProjectRole.STAKEHOLDER, False),
            ("member2", ProjectRole.TEAM_MEMBER, False),
        ],
    ),
    _project(
        "Data warehouse consolidation",
        "DIGITAL",
        "DIG-DATA",
        "applications",
        "pm2",
        "exec",
        Stage.EXECUTION,
        Status.ACTIVE,
        Health.GREEN,
        Priority.HIGH,
        -150,
        180,
        "Merge the three departmental data marts into one warehouse with shared definitions "
        "for customers, orders and cost centres.",
        members=[
            ("member7", ProjectRole.TEAM_LEAD, False),
            ("member", ProjectRole.ANALYST, False),
        ],
        # Run from the London office; its budget is kept in pounds.
        currency="GBP",
    ),
    _project(
        "Self-service BI dashboards",
        "DIGITAL",
        "DIG-DATA",
        "finance",
        "pm2",
        "exec2",
        Stage.INITIATION,
        Status.PROPOSED,
        Health.GREEN,
        Priority.LOW,
        20,
        200,
        "Proposal: let finance and operations build their own dashboards on the consolidated "
        "warehouse. Business case and charter under review by the PMO.",
        members=[("member4", ProjectRole.STAKEHOLDER, False)],
    ),
    _project(
        "Data-centre network refresh",
        "OPS",
        "OPS-INFRA",
        "infrastructure",
        "pm4",
        "exec",
        Stage.EXECUTION,
        Status.ON_HOLD,
        Health.AMBER,
        Priority.MEDIUM,
        -90,
        150,
        "Replace end-of-support core switches and firewalls in both data centres with no "
        "unplanned downtime.",
        health_reason="Paused until the switch vendor confirms delivery dates; the revised "
        "budget awaits approval at the next portfolio review.",
        members=[
            ("member3", ProjectRole.TEAM_LEAD, True),
            ("member7", ProjectRole.TEAM_MEMBER, False),
        ],
    ),
    _project(
        "Service desk ITSM tool migration",
        "OPS",
        "OPS-INFRA",
        "infrastructure",
        "pm",
        "exec",
        Stage.CLOSING,
        Status.ACTIVE,
        Health.GREEN,
        Priority.MEDIUM,
        -300,
        10,
        "Move incidents, requests and the knowledge base to the new ITSM tool. Live since "
        "last month; handover to operations and the post-project review are under way.",
        members=[
            ("member3", ProjectRole.TEAM_MEMBER, False),
            ("member8", ProjectRole.STAKEHOLDER, False),
        ],
    ),
    _project(
        "Procure-to-pay process redesign",
        "OPS",
        "OPS-ERP",
        "finance",
        "pm3",
        "exec2",
        Stage.CLOSING,
        Status.CLOSED,
        Health.GREEN,
        Priority.HIGH,
        -420,
        -45,
        "Standardise purchase requests, approvals and three-way matching across entities. "
        "Closed: invoice cycle time down from 14 to 6 days; lessons learned recorded.",
        members=[("member4", ProjectRole.ANALYST, False)],
    ),
    _project(
        "HR onboarding workflow automation",
        "DIGITAL",
        None,
        "hr",
        "pm4",
        "exec2",
        Stage.MONITORING,
        Status.ACTIVE,
        Health.AMBER,
        Priority.MEDIUM,
        -120,
        60,
        "Automate new-starter requests (accounts, equipment, training enrolment) so that "
        "every new colleague is productive on day one.",
        health_reason="Two key analysts are shared with payroll year-end; tasks are slipping "
        "by about a week and the resource manager is looking for cover.",
        members=[
            ("member5", ProjectRole.TEAM_LEAD, False),
            ("member2", ProjectRole.TEAM_MEMBER, False),
        ],
    ),
    _project(
        "Marketing CRM consolidation",
        "DIGITAL",
        "DIG-CX",
        "marketing",
        "pm2",
        "exec",
        Stage.INITIATION,
        Status.CANCELLED,
        Health.GREEN,
        Priority.LOW,
        -60,
        120,
        "Merge the two marketing CRMs. Cancelled at the initiation gate: the requirements "
        "were folded into the customer portal relaunch.",
        members=[("member6", ProjectRole.ANALYST, False)],
    ),
    _project(
        "Backup and disaster recovery testing",
        "OPS",
        "OPS-INFRA",
        "infrastructure",
        "pm",
        "exec",
        Stage.PLANNING,
        Status.PROPOSED,
        Health.GREEN,
        Priority.CRITICAL,
        -10,
        150,
        "Define recovery objectives for every critical system and prove them with a full "
        "fail-over test of the finance and customer platforms.",
        members=[
            ("member7", ProjectRole.TEAM_MEMBER, False),
            ("member3", ProjectRole.TEAM_MEMBER, False),
        ],
    ),
    _project(
        "Warehouse barcode scanner upgrade",
        "OPS",
        None,
        "operations",
        "pm4",
        "exec2",
        Stage.CLOSING,
        Status.CLOSED,
        Health.GREEN,
        Priority.LOW,
        -260,
        -20,
        "Replace 300 handheld scanners and update the picking app. Delivered on budget.",
        members=[("member8", ProjectRole.TEAM_LEAD, False)],
    ),
    _project(
        "Cloud cost optimisation",
        "OPS",
        "OPS-INFRA",
        "infrastructure",
        "pm",
        "exec2",
        Stage.MONITORING,
        Status.ACTIVE,
        Health.RED,
        Priority.HIGH,
        -180,
        30,
        "Cut the monthly cloud bill by 25% through rightsizing, reserved capacity and "
        "switching off idle environments.",
        health_reason="Reserved-capacity savings are 40% below plan; finance asked for a "
        "review of the commitment model before the next purchase.",
        members=[
            ("member7", ProjectRole.ANALYST, False),
            ("member4", ProjectRole.STAKEHOLDER, False),
        ],
    ),
    _project(
        "PMO toolkit rollout",
        "DIGITAL",
        None,
        "pmo",
        "pm3",
        "exec",
        Stage.EXECUTION,
        Status.ACTIVE,
        Health.GREEN,
        Priority.MEDIUM,
        -60,
        90,
        "Introduce common templates, stage gates, status reports and a single portfolio view "
        "for every project, with training for project managers and sponsors.",
        members=[
            ("pmo2", ProjectRole.STAKEHOLDER, False),
            ("member5", ProjectRole.TEAM_MEMBER, False),
        ],
    ),
]


def demo_code(index: int) -> str:
    return f"{Project.CODE_PREFIX}-{index:04d}"


def seed(ctx: DemoContext) -> None:
    portfolios = _seed_portfolios(ctx)
    programs = _seed_programs(ctx, portfolios)
    curated = _seed_curated_projects(ctx, portfolios, programs)
    synthetic = _seed_synthetic_projects(ctx, portfolios, programs)
    highest = _bump_project_sequence()
    ctx.published["projects.portfolios"] = list(portfolios.values())
    ctx.published["projects.programs"] = list(programs.values())
    ctx.published["projects.projects"] = curated
    ctx.published["projects.synthetic_count"] = synthetic
    ctx.log(f"projects: project code sequence at {highest}")
    _seed_plans(ctx, curated)


# The planning areas, in the order their data builds on each other: milestones after the
# schedule and scope, status reports last because they record everyone's figures.
PLAN_AREAS = [
    "projects.demo_schedule",
    "projects.demo_charter",
    "projects.demo_milestones",
    "projects.demo_budget",
    "projects.demo_methodology",
    "projects.demo_gates",
    "projects.demo_reports",
]


def _seed_plans(ctx: DemoContext, curated: list) -> None:
    for module_name in PLAN_AREAS:
        started = time.monotonic()
        importlib.import_module(module_name).seed(ctx, curated)
        ctx.log(f"{module_name}: {time.monotonic() - started:.2f}s")


def _create(model, fields: dict, by, service, **service_kwargs):
    """Create through the real write path (``service``), so history names ``by``.

    If someone took the demo author's role away since the last run, still write (this is
    an operator command), just without the policy check.
    """
    try:
        return service(by=by, **service_kwargs)
    except PermissionDenied:
        return create_versioned(instance=model(**fields), by=by)


def _seed_portfolios(ctx: DemoContext) -> dict:
    existing = {p.code: p for p in Portfolio.objects.filter(code__in=[p[0] for p in PORTFOLIOS])}
    result = {}
    for code, name, owner, description in PORTFOLIOS:
        portfolio = existing.get(code)
        if portfolio is None:
            by = ctx.user(owner)
            data = {"code": code, "name": name, "owner": by, "description": description}
            portfolio = _create(
                Portfolio,
                data,
                by,
                services.portfolio_save,
                portfolio=Portfolio(),
                data=data,
                expected_version=None,
            )
            ctx.count("projects.Portfolio", created=1)
        else:
            ctx.count("projects.Portfolio", existing=1)
        result[code] = portfolio
    return result


def _seed_programs(ctx: DemoContext, portfolios: dict) -> dict:
    existing = {p.code: p for p in Program.objects.filter(code__in=[p[0] for p in PROGRAMS])}
    result = {}
    for code, name, portfolio_code, manager, description in PROGRAMS:
        program = existing.get(code)
        if program is None:
            portfolio = portfolios[portfolio_code]
            # Programs are PMO work: the demo owner of the portfolio sets them up.
            by = ctx.user(PORTFOLIO_AUTHORS[portfolio_code])
            data = {
                "code": code,
                "name": name,
                "portfolio": portfolio,
                "manager": ctx.user(manager),
                "description": description,
            }
            program = _create(
                Program,
                data,
                by,
                services.program_save,
                program=Program(),
                data=data,
                expected_version=None,
            )
            ctx.count("projects.Program", created=1)
        else:
            ctx.count("projects.Program", existing=1)
        result[code] = program
    return result


def _seed_curated_projects(ctx: DemoContext, portfolios: dict, programs: dict) -> list:
    codes = [demo_code(i) for i in range(1, len(CURATED) + 1)]
    existing = {p.code: p for p in Project.objects.filter(code__in=codes)}
    result = []
    for code, spec in zip(codes, CURATED, strict=True):
        project = existing.get(code)
        if project is not None:
            ctx.count("projects.Project", existing=1)
            ctx.count("projects.ProjectMembership", existing=project.memberships.count())
            result.append(project)
            continue
        by = ctx.user(spec["project_manager"])
        data = {
            "code": code,
            "name": spec["name"],
            "description": spec["description"],
            "portfolio": portfolios[spec["portfolio"]],
            "program": programs[spec["program"]] if spec["program"] else None,
            "department": ctx.departments.get(spec["department"]),
            "sponsor": ctx.user(spec["sponsor"]),
            "project_manager": by,
            "stage": spec["stage"],
            "status": spec["status"],
            "health": spec["health"],
            "health_reason": spec["health_reason"],
            "priority": spec["priority"],
            "planned_start": ctx.today + datetime.timedelta(days=spec["start"]),
            "planned_finish": ctx.today + datetime.timedelta(days=spec["finish"]),
            "currency": spec["currency"],
        }
        project = _create(Project, data, by, services.project_create, data=data)
        ctx.count("projects.Project", created=1)
        # Members only come with a project created in this run: a team someone has since
        # changed stays as they left it.
        for username, role, can_edit in spec["members"]:
            member = {
                "project": project,
                "user": ctx.user(username),
                "role": role,
                "can_edit": can_edit,
            }
            _create(ProjectMembership, member, by, services.membership_add, **member)
            ctx.count("projects.ProjectMembership", created=1)
        result.append(project)
    return result


# --- Synthetic projects -----------------------------------------------------------------
AREAS = [
    "Customer",
    "Supplier",
    "Warehouse",
    "Payroll",
    "Contract",
    "Invoice",
    "Field service",
    "Call centre",
    "Asset",
    "Inventory",
    "Travel expense",
    "Recruitment",
    "Learning",
    "Quality",
    "Logistics",
    "Procurement",
    "Budgeting",
    "Campaign",
    "Document",
    "Access management",
    "Fleet",
    "Facilities",
    "Treasury",
    "Compliance",
]
THINGS = [
    "portal",
    "workflow",
    "reporting",
    "data platform",
    "mobile app",
    "integration",
    "dashboard",
    "archive",
    "scheduling",
    "self-service",
    "analytics",
    "API",
    "knowledge base",
    "ticketing",
    "master data",
]
ACTIONS = [
    "relaunch",
    "upgrade",
    "rollout",
    "consolidation",
    "automation",
    "migration",
    "pilot",
    "redesign",
    "harmonisation",
    "decommissioning",
    "refresh",
    "expansion",
]
SITES = ["", "", "", " (Shanghai)", " (London)", " phase 2", " phase 3", " wave 1"]
AMBER_REASONS = [
    "Key specialists are shared with another project; two tasks are a week late.",
    "Supplier delivery moved by three weeks; the critical path absorbs part of it.",
    "Scope grew after the requirements workshop; a change request is with the sponsor.",
    "Forecast cost is 8% over the approved budget; savings options are being costed.",
    "User acceptance testing found more defects than planned; fixes are being prioritised.",
]
RED_REASONS = [
    "Go-live date is no longer achievable; a re-plan goes to the next steering meeting.",
    "Forecast overspend of 20%; the sponsor must approve extra budget or cut scope.",
    "The lead architect left and has not been replaced; design work has stopped.",
    "Integration with the legacy system fails under load; no workaround yet.",
]
DESCRIPTIONS = [
    "Objectives, scope and deliverables agreed in the charter; progress reported monthly "
    "to the PMO.",
    "Delivers measurable savings in cycle time and manual effort; benefits tracked for six "
    "months after handover.",
    "Coordinates the business, IT and one external supplier; resources agreed with the "
    "resource manager.",
    "Part of the annual plan; milestones and budget baselined at the planning gate.",
]

# Relative weights; the shape of a real portfolio: most work in execution, some closed.
STAGE_WEIGHTS = {
    Stage.INITIATION: 12,
    Stage.PLANNING: 18,
    Stage.EXECUTION: 35,
    Stage.MONITORING: 15,
    Stage.CLOSING: 20,
}
STATUS_BY_STAGE = {
    Stage.INITIATION: {Status.PROPOSED: 60, Status.ACTIVE: 25, Status.ON_HOLD: 5,
                       Status.CANCELLED: 10},
    Stage.PLANNING: {Status.ACTIVE: 70, Status.PROPOSED: 15, Status.ON_HOLD: 10,
                     Status.CANCELLED: 5},
    Stage.EXECUTION: {Status.ACTIVE: 85, Status.ON_HOLD: 12, Status.CANCELLED: 3},
    Stage.MONITORING: {Status.ACTIVE: 90, Status.ON_HOLD: 10},
    Stage.CLOSING: {Status.CLOSED: 70, Status.ACTIVE: 30},
}  # fmt: skip
HEALTH_WEIGHTS = {Health.GREEN: 68, Health.AMBER: 22, Health.RED: 10}
PRIORITY_WEIGHTS = {
    Priority.CRITICAL: 10,
    Priority.HIGH: 30,
    Priority.MEDIUM: 40,
    Priority.LOW: 20,
}
ROLE_WEIGHTS = {
    ProjectRole.TEAM_MEMBER: 50,
    ProjectRole.ANALYST: 15,
    ProjectRole.TEAM_LEAD: 10,
    ProjectRole.STAKEHOLDER: 12,
    ProjectRole.OBSERVER: 8,
    ProjectRole.DEPUTY_PM: 5,
}
BATCH_SIZE = 500


def _pick(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _dates(rng, today, stage, status):
    days = datetime.timedelta
    if status == Status.CLOSED:
        finish = today - days(rng.randint(5, 400))
        start = finish - days(rng.randint(90, 540))
    elif status == Status.CANCELLED:
        start = today - days(rng.randint(30, 300))
        finish = start + days(rng.randint(90, 400))
    elif stage == Stage.INITIATION:
        start = today + days(rng.randint(-30, 120))
        finish = start + days(rng.randint(90, 450))
    elif stage == Stage.PLANNING:
        start = today - days(rng.randint(0, 90))
        finish = today + days(rng.randint(60, 420))
    elif stage == Stage.CLOSING:
        start = today - days(rng.randint(180, 600))
        finish = today + days(rng.randint(-20, 45))
    else:
        start = today - days(rng.randint(60, 500))
        finish = today + days(rng.randint(10, 400))
    return start, max(start, finish)


def _synthetic_project(ctx, index, portfolios, programs, departments):
    # One generator per project: PRJ-0500 is the same whether the demo grew to 500 or 5000.
    rng = ctx.random("projects", "synthetic", index)
    stage = _pick(rng, STAGE_WEIGHTS)
    status = _pick(rng, STATUS_BY_STAGE[stage])
    health = _pick(rng, HEALTH_WEIGHTS)
    if status in (Status.CLOSED, Status.CANCELLED):
        # Health tracks live delivery; a finished or stopped project has nothing to flag.
        health = Health.GREEN
    reason = ""
    if health == Health.AMBER:
        reason = rng.choice(AMBER_REASONS)
    elif health == Health.RED:
        reason = rng.choice(RED_REASONS)
    program = rng.choice([*programs, None])
    portfolio = program.portfolio if program else rng.choice(portfolios)
    start, finish = _dates(rng, ctx.today, stage, status)
    pm = rng.choice(ctx.users["pm"])
    sponsor = rng.choice(ctx.users["executive"]) if rng.random() < 0.9 else None
    name = f"{rng.choice(AREAS)} {rng.choice(THINGS)} {rng.choice(ACTIONS)}{rng.choice(SITES)}"
    project = Project(
        code=demo_code(index),
        name=name,
        description=rng.choice(DESCRIPTIONS),
        portfolio=portfolio,
        program=program,
        department=rng.choice(departments) if departments else None,
        sponsor=sponsor,
        project_manager=pm,
        stage=stage,
        status=status,
        health=health,
        health_reason=reason,
        priority=_pick(rng, PRIORITY_WEIGHTS),
        planned_start=start,
        planned_finish=finish,
        created_by=pm,
        version=1,
    )
    project._history_user = pm
    project._change_reason = "Project created (demo data)"
    return project, rng


def _seed_synthetic_projects(ctx: DemoContext, portfolios: dict, programs: dict) -> int:
    first = len(CURATED) + 1
    if ctx.projects < first:
        return 0
    # Read the taken codes by prefix rather than with a huge IN list (SQLite caps parameters).
    wanted = {demo_code(i) for i in range(first, ctx.projects + 1)}
    prefix = f"{Project.CODE_PREFIX}-"
    existing = wanted.intersection(
        Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    )
    ctx.count("projects.Project", existing=len(existing))
    if existing:
        ctx.count(
            "projects.ProjectMembership",
            existing=sum(
                code in existing
                for code in ProjectMembership.objects.filter(
                    project__code__startswith=prefix
                ).values_list("project__code", flat=True)
            ),
        )
    portfolio_list = list(portfolios.values())
    program_list = list(programs.values())
    # Leaf departments: projects belong to teams, not to "Head office".
    parents = {d.parent_id for d in ctx.departments.values()}
    departments = [d for d in ctx.departments.values() if d.pk not in parents]
    pool = [*ctx.users.get("member", []), *ctx.users.get("pm", [])]
    new_projects, generators = [], []
    for index in range(first, ctx.projects + 1):
        if demo_code(index) in existing:
            continue
        project, rng = _synthetic_project(ctx, index, portfolio_list, program_list, departments)
        new_projects.append(project)
        generators.append(rng)
    if not new_projects:
        return 0
    created = bulk_create_with_history(new_projects, Project, batch_size=BATCH_SIZE)
    ctx.count("projects.Project", created=len(created))
    if not created[0].pk:
        # Databases that do not return keys from bulk inserts: fetch them by code.
        ids = dict(
            Project.objects.filter(code__in=[p.code for p in created]).values_list("code", "pk")
        )
        for project in created:
            project.pk = ids[project.code]

    memberships = []
    for project, rng in zip(created, generators, strict=True):
        candidates = [u for u in pool if u.pk != project.project_manager_id]
        for person in rng.sample(candidates, min(ctx.members_per_project, len(candidates))):
            role = _pick(rng, ROLE_WEIGHTS)
            membership = ProjectMembership(
                project=project,
                user=person,
                role=role,
                can_edit=role in (ProjectRole.DEPUTY_PM, ProjectRole.TEAM_LEAD)
                and rng.random() < 0.5,
                created_by=project.project_manager,
                version=1,
            )
            membership._history_user = project.project_manager
            memberships.append(membership)
    if memberships:
        bulk_create_with_history(memberships, ProjectMembership, batch_size=BATCH_SIZE)
    ctx.count("projects.ProjectMembership", created=len(memberships))
    return len(created)


def _bump_project_sequence() -> int:
    """Move the PRJ-number counter past every PRJ-code in use, never backwards, so that
    ``next_project_code`` does not walk through thousands of taken numbers."""
    prefix = f"{Project.CODE_PREFIX}-"
    highest = 0
    for code in Project.objects.filter(code__regex=rf"^{prefix}[0-9]+$").values_list(
        "code", flat=True
    ):
        highest = max(highest, int(code[len(prefix) :]))
    Sequence.objects.get_or_create(name=services.PROJECT_SEQUENCE)
    sequence = Sequence.objects.select_for_update().get(name=services.PROJECT_SEQUENCE)
    if sequence.last_value < highest:
        sequence.last_value = highest
        sequence.save(update_fields=["last_value"])
    return sequence.last_value

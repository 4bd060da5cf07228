"""Demo budgets for the curated projects (called from ``projects.demo``).

Each curated project gets budget lines the way its project manager would enter them:
personnel, materials, equipment, services, travel and contingency, each with a planned
amount spread over the project's months in a shape that suits the category (licences
bought early, equipment around the build phase, people throughout). Actuals run up to
the last complete month, close to plan but not equal to it; some lines run over budget,
which is what the project's health reason says. Open commitments (orders placed, not
invoiced yet) sit in the last complete month and the next two. Amounts are in CNY; the
data warehouse project, run from London, budgets in GBP, and the customer portal pays
its London design agency in GBP beside its CNY lines.

Open projects are written through ``projects.services.budget`` like a person's edits,
so the history names the project manager; closed and cancelled projects refuse plan
changes, so their lines are written directly with the same history. A project that
already has budget lines is left as people left it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from simple_history.utils import bulk_create_with_history

from pmo.core import policy
from pmo.core.demo import DemoContext
from pmo.core.locking import create_versioned
from projects import budget_math
from projects.models import BudgetEntry, BudgetLine, CostCategory, Project, Status
from projects.selectors.budget import project_months
from projects.services import budget as services

UNIT = Decimal("10")
CENT = Decimal("0.01")

P, M, E, S, T, C = (
    CostCategory.PERSONNEL,
    CostCategory.MATERIALS,
    CostCategory.EQUIPMENT,
    CostCategory.SERVICES,
    CostCategory.TRAVEL,
    CostCategory.CONTINGENCY,
)


@dataclass(frozen=True)
class LineSpec:
    category: str
    description: str
    total: int  # planned over the whole project, in the line's currency
    overrun: float = 0.0  # how far actuals end up above plan (0.25 = 25 % over)
    currency: str = ""  # empty: the project's currency


# Per curated project (by name). ``overrun`` lines explain an amber or red health.
BUDGETS: dict[str, dict] = {
    "Customer portal relaunch": {
        "lines": [
            LineSpec(P, "Internal delivery team (6 FTE)", 1_680_000),
            LineSpec(S, "Identity platform integration partner", 620_000, overrun=0.22),
            LineSpec(S, "UX research and design agency (London)", 48_000, currency="GBP"),
            LineSpec(E, "Staging and load-test environment", 180_000),
            LineSpec(M, "CMS and monitoring licences", 240_000),
            LineSpec(T, "User research visits to regional offices", 60_000),
            LineSpec(C, "Management reserve (8 %)", 250_000),
        ],
    },
    "ERP finance module rollout": {
        "lines": [
            LineSpec(P, "Finance systems team and key-user backfill", 2_100_000, overrun=0.08),
            LineSpec(S, "ERP implementation partner", 2_400_000, overrun=0.28),
            LineSpec(M, "ERP licences, finance modules", 650_000),
            LineSpec(E, "Integration middleware servers", 220_000),
            LineSpec(T, "Go-live support at the legal entities", 140_000, overrun=0.15),
            LineSpec(C, "Contingency for data migration", 400_000, overrun=0.6),
        ],
    },
    "Mobile field-service app": {
        "lines": [
            LineSpec(P, "App development team (4 FTE)", 960_000),
            LineSpec(S, "Offline-sync framework specialist", 280_000),
            LineSpec(E, "Rugged test tablets (40 units)", 160_000),
            LineSpec(M, "App store and mobile device management licences", 90_000),
            LineSpec(T, "Field visits with engineers", 45_000),
            LineSpec(C, "Contingency (10 %)", 150_000),
        ],
    },
    "Data warehouse consolidation": {
        "currency": "GBP",
        "lines": [
            LineSpec(P, "Data engineering team", 310_000),
            LineSpec(S, "Data-modelling consultancy", 120_000),
            LineSpec(E, "Warehouse cluster nodes", 95_000),
            LineSpec(M, "ETL tool licences", 48_000),
            LineSpec(T, "Workshops with the Shanghai data team", 12_000),
            LineSpec(C, "Contingency", 35_000),
        ],
    },
    "Self-service BI dashboards": {
        "lines": [
            LineSpec(P, "BI developers and finance analysts", 420_000),
            LineSpec(M, "Dashboard tool licences (150 users)", 180_000),
            LineSpec(S, "Training for dashboard authors", 60_000),
            LineSpec(C, "Contingency", 50_000),
        ],
    },
    "Data-centre network refresh": {
        "lines": [
            LineSpec(E, "Core switches and firewalls, both sites", 2_800_000),
            LineSpec(S, "Network integrator for the cut-overs", 640_000),
            LineSpec(P, "Network engineers (internal)", 480_000),
            LineSpec(M, "Cabling, optics and rack material", 190_000),
            LineSpec(T, "Night and weekend cut-over travel", 40_000),
            LineSpec(C, "Contingency", 300_000),
        ],
    },
    "Service desk ITSM tool migration": {
        "lines": [
            LineSpec(M, "ITSM subscription, first year", 420_000),
            LineSpec(S, "Migration partner", 380_000),
            LineSpec(P, "Service desk key users", 350_000),
            LineSpec(T, "Training sessions at the regional desks", 30_000),
            LineSpec(C, "Contingency", 90_000),
        ],
    },
    "Procure-to-pay process redesign": {
        "lines": [
            LineSpec(P, "Process analysts and entity champions", 980_000, overrun=0.05),
            LineSpec(S, "Process consultancy", 720_000),
            LineSpec(M, "Invoice-matching add-on licences", 260_000),
            LineSpec(T, "Entity workshops", 80_000),
            LineSpec(C, "Contingency", 120_000),
        ],
    },
    "HR onboarding workflow automation": {
        "lines": [
            LineSpec(P, "HR analysts and workflow developers", 520_000, overrun=0.18),
            LineSpec(S, "Identity provisioning connector", 160_000),
            LineSpec(M, "Workflow platform licences", 120_000),
            LineSpec(C, "Contingency", 60_000),
        ],
    },
    "Marketing CRM consolidation": {
        "stop_after_months": 2,  # cancelled at the initiation gate
        "lines": [
            LineSpec(P, "CRM analysts", 300_000),
            LineSpec(S, "CRM vendor assessment", 90_000),
            LineSpec(C, "Contingency", 30_000),
        ],
    },
    "Backup and disaster recovery testing": {
        "lines": [
            LineSpec(S, "Recovery testing partner", 420_000),
            LineSpec(E, "Backup appliances for the second site", 380_000),
            LineSpec(P, "Infrastructure and application engineers", 260_000),
            LineSpec(T, "Fail-over weekend at the second site", 25_000),
            LineSpec(C, "Contingency", 90_000),
        ],
    },
    "Warehouse barcode scanner upgrade": {
        "lines": [
            LineSpec(E, "Handheld scanners (300 units)", 1_050_000),
            LineSpec(S, "Picking app update", 240_000),
            LineSpec(P, "Warehouse super-users", 120_000),
            LineSpec(M, "Chargers, cradles and spare batteries", 90_000),
            LineSpec(C, "Contingency", 60_000),
        ],
    },
    "Cloud cost optimisation": {
        "lines": [
            LineSpec(S, "FinOps consultancy", 260_000, overrun=0.35),
            LineSpec(P, "Cloud engineers (rightsizing)", 300_000),
            LineSpec(M, "Cost-monitoring tool subscription", 80_000),
            LineSpec(C, "Contingency", 60_000, overrun=0.5),
        ],
    },
    "PMO toolkit rollout": {
        "lines": [
            LineSpec(P, "PMO analysts", 280_000),
            LineSpec(S, "Training for project managers and sponsors", 150_000),
            LineSpec(M, "Template and e-learning licences", 60_000),
            LineSpec(T, "Training roadshow to the regional offices", 45_000),
            LineSpec(C, "Contingency", 40_000),
        ],
    },
}


def _weights(category: str, count: int) -> list[float]:
    """How a category's money spreads over ``count`` months (relative weights)."""
    if count == 1:
        return [1.0]
    positions = [i / (count - 1) for i in range(count)]
    if category == M:  # licences and material bought early
        return [max(0.15, 1.6 - 1.5 * x) for x in positions]
    if category == E:  # equipment around the build phase
        return [max(0.05, 1.0 - 2.2 * abs(x - 0.35)) for x in positions]
    if category == P:  # people ramp up, then stay, then wind down
        return [0.6 if x < 0.1 else 0.7 if x > 0.9 else 1.0 for x in positions]
    if category == T:  # travel at the start and around go-live
        return [1.0 if x < 0.2 or 0.7 < x < 0.95 else 0.3 for x in positions]
    return [1.0 for _ in positions]  # services, contingency, other: evenly


def _split(total: int, weights: list[float]) -> list[Decimal]:
    """``total`` split by ``weights`` in whole tens; the last month takes the rounding."""
    scale = sum(weights)
    parts = [
        (Decimal(total) * Decimal(str(w / scale)) / UNIT).quantize(Decimal(1), ROUND_HALF_UP) * UNIT
        for w in weights
    ]
    parts[-1] += Decimal(total) - sum(parts)
    return parts


def line_amounts(
    spec: LineSpec,
    months: list[datetime.date],
    as_of: datetime.date,
    rng,
    *,
    stop_after_months: int | None = None,
    orders_open: bool = True,
) -> dict[datetime.date, tuple[Decimal, Decimal, Decimal]]:
    """(planned, committed, actual) per month for one line; pure, given ``rng``.

    Months up to ``as_of`` have actuals (only the first ``stop_after_months`` of them when
    the project stopped early); with ``orders_open``, materials, equipment and services
    have open commitments in ``as_of`` and the two months after it.
    """
    planned = _split(spec.total, _weights(spec.category, len(months)))
    spent_months = [m for m in months if m <= as_of]
    if stop_after_months is not None:
        spent_months = spent_months[:stop_after_months]
    result = {}
    for index, (month, plan) in enumerate(zip(months, planned, strict=True)):
        actual = Decimal(0)
        committed = Decimal(0)
        if month in spent_months:
            if spec.category == C:
                # Reserve is drawn only when something goes wrong.
                factor = spec.overrun * rng.uniform(1.2, 2.2) if spec.overrun else 0.0
            else:
                # Overruns grow as the project goes on; others land close to plan.
                progress = (index + 1) / len(months)
                drift = spec.overrun * (0.4 + 1.2 * progress)
                factor = rng.uniform(0.88, 1.04) + drift
            actual = (plan * Decimal(str(round(factor, 4)))).quantize(CENT)
            if orders_open and month == as_of and spec.category in (M, E, S):
                # Invoices of last month's deliveries are still to come.
                committed = (plan * Decimal(str(round(rng.uniform(0.05, 0.2), 4)))).quantize(CENT)
        elif (
            orders_open
            and spec.category in (M, E, S)
            and as_of < month <= budget_math.add_months(as_of, 2)
        ):
            # Orders placed for the next two months.
            committed = (plan * Decimal(str(round(rng.uniform(0.4, 0.9), 4)))).quantize(CENT)
        result[month] = (plan, committed, actual)
    return result


def seed(ctx: DemoContext, projects: list[Project]) -> None:
    as_of = budget_math.as_of_month(ctx.today)
    for project in projects:
        plan = BUDGETS.get(project.name)
        if plan is None:
            continue
        existing = project.budget_lines.count()
        if existing:
            ctx.count("projects.BudgetLine", existing=existing)
            continue
        rng = ctx.random("projects", "budget", project.code)
        by = project.project_manager
        months = project_months(project)
        spent_until = as_of
        if project.status == Status.CLOSED:
            # A closed project has booked its last invoices.
            spent_until = max(as_of, months[-1])
        direct = project.is_closed or not policy.can_change_project(by, project)
        lines = entries = 0
        for spec in plan["lines"]:
            currency = spec.currency or plan.get("currency") or project.currency
            amounts = line_amounts(
                spec,
                months,
                spent_until,
                rng,
                stop_after_months=plan.get("stop_after_months"),
                orders_open=project.status in (Status.ACTIVE, Status.ON_HOLD),
            )
            data = {"category": spec.category, "description": spec.description}
            data["currency"] = currency
            if direct:
                entries += _write_directly(project, by, data, amounts)
            else:
                line = services.budget_line_create(project=project, by=by, data=data)
                # The plan first, as agreed at planning time; then what was ordered and spent.
                plan_only = {
                    month: (p, Decimal(0), Decimal(0)) for month, (p, _c, _a) in amounts.items()
                }
                services.budget_entries_save(
                    line=line, by=by, amounts=plan_only, expected_version=line.version
                )
                services.budget_entries_save(
                    line=line, by=by, amounts=amounts, expected_version=line.version
                )
                entries += line.entries.count()
            lines += 1
        ctx.count("projects.BudgetLine", created=lines)
        ctx.count("projects.BudgetEntry", created=entries)
        ctx.log(f"projects: budget of {project.code}, {lines} lines, {entries} months")


def _write_directly(project: Project, by, data: dict, amounts: dict) -> int:
    """Closed and cancelled projects: the lines as they stood when the project closed."""
    line = create_versioned(instance=BudgetLine(project=project, **data), by=by)
    rows = [
        BudgetEntry(line=line, month=month, planned=p, committed=c, actual=a)
        for month, (p, c, a) in amounts.items()
        if p or c or a
    ]
    for row in rows:
        row.full_clean()
    bulk_create_with_history(rows, BudgetEntry, default_user=by)
    return len(rows)

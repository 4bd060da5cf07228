"""The demo budgets (projects/demo_budget.py): realistic, consistent and safe to run twice."""

import datetime
import random
from decimal import Decimal as D

from pmo.core.demo import DemoContext
from projects import budget_math
from projects.demo_budget import BUDGETS, LineSpec, line_amounts, seed
from projects.models import BudgetEntry, BudgetLine, CostCategory, Status
from projects.selectors.budget import project_budget
from tests.factories import ProjectFactory

TODAY = datetime.date(2026, 11, 25)
AS_OF = datetime.date(2026, 10, 1)
MONTHS = budget_math.months_between(datetime.date(2026, 3, 10), datetime.date(2027, 2, 20))


def test_planned_months_add_up_to_the_line_total_exactly():
    for category in CostCategory.values:
        amounts = line_amounts(LineSpec(category, "x", 123_457), MONTHS, AS_OF, random.Random(1))
        assert sum(p for p, _c, _a in amounts.values()) == D("123457")
        assert list(amounts) == MONTHS


def test_actuals_stop_at_the_last_complete_month_and_orders_run_two_months_ahead():
    amounts = line_amounts(LineSpec("services", "x", 100_000), MONTHS, AS_OF, random.Random(2))
    assert all(a > 0 for m, (_p, _c, a) in amounts.items() if m <= AS_OF)
    assert all(a == 0 for m, (_p, _c, a) in amounts.items() if m > AS_OF)
    ordered = [m for m, (_p, c, _a) in amounts.items() if c]
    assert ordered == [AS_OF, datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)]
    assert all(min(v) >= 0 for v in amounts.values())


def test_an_overrun_line_ends_over_plan_and_a_plain_one_close_to_it():
    rng = random.Random(3)
    over = line_amounts(LineSpec("services", "x", 100_000, overrun=0.3), MONTHS, AS_OF, rng)
    plain = line_amounts(LineSpec("services", "y", 100_000), MONTHS, AS_OF, rng)
    over_t = budget_math.totals(((m, budget_math.Amounts(*v)) for m, v in over.items()), AS_OF)
    plain_t = budget_math.totals(((m, budget_math.Amounts(*v)) for m, v in plain.items()), AS_OF)
    assert over_t.actual_to_date > over_t.planned_to_date * D("1.15")
    assert abs(plain_t.variance_percent) < 15


def test_a_stopped_project_books_only_its_first_months_and_no_orders():
    amounts = line_amounts(
        LineSpec("personnel", "x", 50_000),
        MONTHS,
        AS_OF,
        random.Random(4),
        stop_after_months=2,
        orders_open=False,
    )
    booked = [m for m, (_p, _c, a) in amounts.items() if a]
    assert booked == MONTHS[:2]
    assert not any(c for _p, c, _a in amounts.values())


def _curated(pm, portfolio):
    specs = [
        ("Customer portal relaunch", Status.ACTIVE, -200, 95),
        ("Data warehouse consolidation", Status.ACTIVE, -150, 180),
        ("Procure-to-pay process redesign", Status.CLOSED, -420, -45),
        ("Marketing CRM consolidation", Status.CANCELLED, -60, 120),
        ("Self-service BI dashboards", Status.PROPOSED, 20, 200),
    ]
    return [
        ProjectFactory(
            code=f"PRJ-{i:04d}",
            name=name,
            status=status,
            portfolio=portfolio,
            project_manager=pm,
            planned_start=TODAY + datetime.timedelta(days=start),
            planned_finish=TODAY + datetime.timedelta(days=finish),
        )
        for i, (name, status, start, finish) in enumerate(specs, start=1)
    ]


def test_seed_builds_every_curated_budget_once(pm, portfolio):
    projects = _curated(pm, portfolio)
    ctx = DemoContext(today=TODAY)
    seed(ctx, projects)
    portal, warehouse, p2p, crm, bi = projects
    assert portal.budget_lines.count() == len(BUDGETS[portal.name]["lines"])
    # Amounts in CNY, the London project in GBP, and the portal's London agency in GBP.
    assert set(portal.budget_lines.values_list("currency", flat=True)) == {"CNY", "GBP"}
    assert set(warehouse.budget_lines.values_list("currency", flat=True)) == {"GBP"}
    categories = set(portal.budget_lines.values_list("category", flat=True))
    assert {"personnel", "materials", "equipment", "services", "travel"} <= categories
    assert "contingency" in categories
    # Planned totals are the specs' totals, to the cent.
    budget = project_budget(portal, today=TODAY)
    cny = budget.currency("CNY").totals
    expected = sum(s.total for s in BUDGETS[portal.name]["lines"] if not s.currency)
    assert cny.planned == D(expected)
    assert cny.actual > 0 and cny.committed > 0
    # The integration partner runs over budget, as the project's health reason says.
    partner = next(i for i in budget.lines if i.line.description.startswith("Identity"))
    assert partner.totals.is_over_budget
    # Open projects went through the services: the PM is in the history, plan first.
    line = portal.budget_lines.get(description__startswith="Identity")
    assert line.version == 3
    assert {h.history_user for h in BudgetEntry.history.filter(line_id=line.pk)} == {pm}
    # A closed project was written directly, every month booked; a cancelled one stopped.
    assert p2p.budget_lines.exists()
    unbooked = BudgetEntry.objects.filter(line__project=p2p, actual=0, planned__gt=0)
    assert not unbooked.exclude(line__category="contingency").exists()  # reserve not drawn
    crm_booked = BudgetEntry.objects.filter(line__project=crm, actual__gt=0)
    assert crm_booked.values("month").distinct().count() == 2
    # A proposal has a plan but nothing spent or ordered.
    bi_totals = project_budget(bi, today=TODAY).currency("CNY").totals
    assert bi_totals.planned > 0 and bi_totals.actual == 0 and bi_totals.committed == 0

    counts = BudgetLine.objects.count(), BudgetEntry.objects.count()
    again = DemoContext(today=TODAY)
    seed(again, projects)
    assert (BudgetLine.objects.count(), BudgetEntry.objects.count()) == counts
    assert again.counts["projects.BudgetLine"] == [0, counts[0]]

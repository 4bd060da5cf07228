"""Query budgets of the register pages (DESIGN.md section 7): the same number of queries
with a handful of risks as with 2,000, on a project register and on a portfolio register
that rolls up many projects; the risk's page with many actions, reviews and issues."""

import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risks.models import Risk, RiskAppetite
from tests.factories import MembershipFactory, ProgramFactory, ProjectFactory
from tests.projects.factories_milestones import MilestoneFactory
from tests.projects.factories_schedule import TaskFactory
from tests.risks.factories import (
    ActionFactory,
    IssueFactory,
    ReviewFactory,
    RiskCategoryFactory,
    RiskFactory,
)

pytestmark = pytest.mark.django_db

REGISTER_LIMIT = 18  # measured: project register 15 (pm), portfolio register 14 (pm)
DETAIL_LIMIT = 25  # measured: 21 with the actions, reviews and issues sections
STATUSES = ["identified", "assessed", "responding", "monitoring", "closed", "proposed"]


def bulk_risks(count, *, registers, owners, categories):
    """``count`` risks over the given registers (dicts of scope kwargs with a code), owners
    and categories. bulk_create skips save(), so the stored scores are set here."""
    rows = []
    cells = itertools.cycle([(p, i) for p in range(1, 6) for i in range(1, 6)])
    numbers = {}
    for n in range(count):
        scope = registers[n % len(registers)]
        code = scope["code"]
        numbers[code] = numbers.get(code, 0) + 1
        number = numbers[code]
        p, i = next(cells)
        rp, ri = (max(p - 1, 1), i) if n % 3 == 0 else (None, None)
        rows.append(
            Risk(
                **{k: v for k, v in scope.items() if k != "code"},
                number=number,
                reference=f"{code}-R{number:04d}",
                title=f"Risk {n}",
                kind="opportunity" if n % 9 == 0 else "threat",
                status=STATUSES[n % len(STATUSES)],
                owner=owners[n % len(owners)],
                category=categories[n % len(categories)],
                inherent_probability=p,
                inherent_impact=i,
                inherent_score=p * i,
                residual_probability=rp,
                residual_impact=ri,
                residual_score=rp * ri if rp else None,
                current_score=(rp or p) * (ri or i),
                cost_impact=Decimal(1000 * (n % 7)) if n % 2 else None,
                currency="EUR" if n % 5 else "GBP",
                escalated_to=owners[0] if n % 11 == 0 else None,
            )
        )
    Risk.objects.bulk_create(rows, batch_size=500)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


@pytest.fixture
def categories():
    return [RiskCategoryFactory(code=f"q-{n}", name=f"Q {n}") for n in range(3)]


def test_project_register_queries_do_not_grow_with_2000_risks(
    client, pm, member, project, portfolio, categories
):
    RiskAppetite.objects.create(portfolio=portfolio, max_score=12)
    scope = [{"project": project, "code": project.code}]
    bulk_risks(6, registers=scope, owners=[pm, member], categories=categories)
    client.force_login(pm)
    url = reverse("risks:project_register", kwargs={"code": project.code})
    few, _response = count_queries(client, url)
    Risk.objects.all().delete()
    bulk_risks(2000, registers=scope, owners=[pm, member], categories=categories)
    many, response = count_queries(client, url)
    print(f"register queries: {few} with few risks, {many} with 2000")
    assert many <= REGISTER_LIMIT, many
    assert many == few
    assert response.context["summary"].open_count == 2000 * 4 // 6 + 1  # 4 open of 6
    assert len(response.context["risks"]) == 25
    # Filtered, sorted and on another page: still the same budget.
    for query in ("?status=all&sort=owner&page=7", "?band=high&kind=threat", "?q=Risk 1"):
        n, _response = count_queries(client, url + query)
        assert n <= REGISTER_LIMIT, (query, n)


def test_portfolio_register_queries_do_not_grow_with_2000_risks(
    client, pm, pmo_staff, portfolio, project, categories
):
    program = ProgramFactory(code="CX", portfolio=portfolio, manager=pm)
    projects = [project] + [ProjectFactory(portfolio=portfolio) for _ in range(19)]
    for other in projects[1:6]:
        MembershipFactory(project=other, user=pm, can_edit=True)
    scopes = [{"project": p, "code": p.code} for p in projects]
    scopes += [{"program": program, "code": "CX"}, {"portfolio": portfolio, "code": "DIGITAL"}]
    url = reverse("risks:portfolio_register", kwargs={"code": portfolio.code})
    bulk_risks(len(scopes), registers=scopes, owners=[pm, pmo_staff], categories=categories)
    client.force_login(pm)
    few, _response = count_queries(client, url + "?status=all")
    Risk.objects.all().delete()
    bulk_risks(2000, registers=scopes, owners=[pm, pmo_staff], categories=categories)
    many, response = count_queries(client, url + "?status=all")
    print(f"register queries: {few} with few risks, {many} with 2000")
    assert many <= REGISTER_LIMIT, many
    assert many == few
    assert response.context["summary"].total == 2000
    registers = {r.container.code for r in response.context["risks"]}
    assert len(registers) > 10  # the page really mixes many registers
    client.force_login(pmo_staff)
    n, _response = count_queries(client, url + "?sort=register&page=3")
    assert n <= REGISTER_LIMIT, n


def test_risk_page_queries_do_not_grow_with_actions_reviews_and_issues(client, pm, project):
    def make(count):
        risk = RiskFactory(project=project, owner=pm)
        risk.tasks.set([TaskFactory(project=project) for _ in range(min(count, 5))])
        risk.milestones.set([MilestoneFactory(project=project) for _ in range(min(count, 5))])
        ActionFactory.create_batch(count, risk=risk)
        ReviewFactory.create_batch(count, risk=risk)
        IssueFactory.create_batch(count, project=project, risk=risk)
        return risk

    client.force_login(pm)
    one = make(1)
    few, _response = count_queries(
        client, reverse("risks:risk_detail", kwargs={"ref": one.reference})
    )
    many_risk = make(40)
    many, response = count_queries(
        client, reverse("risks:risk_detail", kwargs={"ref": many_risk.reference})
    )
    print(f"detail queries: {few} with few, {many} with many")
    assert many <= DETAIL_LIMIT, many
    assert many == few
    assert len(response.context["risk"].actions.all()) == 40

"""Factories for stage gates, status reports and methodology documents (tests of those areas)."""

import datetime
from decimal import Decimal

import factory

from projects.models import (
    BudgetEntry,
    BudgetLine,
    ChangeRequest,
    Deliverable,
    GateCriterion,
    Health,
    MethodDocument,
    Milestone,
    StatusReport,
)
from tests.factories import ProjectFactory


class GateCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GateCriterion

    stage = "initiation"
    text = factory.Sequence(lambda n: f"Criterion {n}")
    guidance = "What the reviewers look for."
    position = factory.Sequence(lambda n: n + 1)


def checklist(stage: str, *texts: str) -> list[GateCriterion]:
    return [GateCriterionFactory(stage=stage, text=text) for text in texts]


class StatusReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusReport

    project = factory.SubFactory(ProjectFactory)
    period_start = datetime.date(2026, 3, 2)
    period_end = factory.LazyAttribute(lambda r: r.period_start + datetime.timedelta(days=6))
    schedule = Health.GREEN
    cost = Health.GREEN
    scope = Health.GREEN
    quality = Health.GREEN
    risks = Health.GREEN
    overall = Health.GREEN


class MethodDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MethodDocument

    title = factory.Sequence(lambda n: f"Handbook page {n}")
    slug = factory.Sequence(lambda n: f"handbook-page-{n}")
    kind = MethodDocument.Kind.HANDBOOK
    stage = "planning"
    summary = "How we do it here."
    body = "# Heading\n\nSome **guidance**."
    is_published = True


def milestone(project, name, *, forecast, baseline=None, actual=None) -> Milestone:
    return Milestone.objects.create(
        project=project,
        name=name,
        owner=project.project_manager,
        forecast_date=forecast,
        baseline_date=baseline,
        actual_date=actual,
    )


def budget(project, currency: str, months: dict) -> BudgetLine:
    """One budget line with ``{first-of-month: (planned, actual)}`` amounts."""
    line = BudgetLine.objects.create(
        project=project, category="personnel", description=f"Team ({currency})", currency=currency
    )
    for month, (planned, actual) in months.items():
        BudgetEntry.objects.create(
            line=line, month=month, planned=Decimal(planned), actual=Decimal(actual)
        )
    return line


def deliverable(project, name, *, due, acceptance="pending", reason="") -> Deliverable:
    return Deliverable.objects.create(
        project=project,
        name=name,
        acceptance_criteria="Signed off by the owner.",
        owner=project.project_manager,
        due_date=due,
        acceptance=acceptance,
        rejection_reason=reason,
    )


def change_request(project, number=1, status="submitted") -> ChangeRequest:
    return ChangeRequest.objects.create(
        project=project, number=number, title=f"Change {number}", description="More.", status=status
    )

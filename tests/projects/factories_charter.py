"""Factories for the charter and scope areas (charter, objectives, scope, deliverables, CRs)."""

import datetime
from decimal import Decimal

import factory

from projects.models import (
    ChangeRequest,
    Charter,
    CharterRevision,
    Deliverable,
    ScopeItem,
    SmartObjective,
)
from tests.factories import ProjectFactory, UserFactory


class CharterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Charter

    project = factory.SubFactory(ProjectFactory)
    business_case = "Customers wait three days for answers the portal could give at once."
    assumptions = "The identity platform is live before user acceptance testing."
    constraints = "Go-live before the peak season."
    success_criteria = "Self-service share and satisfaction targets met six months after go-live."


class SmartObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SmartObjective

    project = factory.SubFactory(ProjectFactory)
    outcome = factory.Sequence(lambda n: f"Outcome {n}: customers serve themselves")
    metric = "Share of service requests self-served"
    unit = "%"
    baseline_value = Decimal("20")
    target_value = Decimal("60")
    owner = factory.LazyAttribute(lambda o: o.project.project_manager)
    due_date = datetime.date(2026, 12, 31)
    position = factory.Sequence(lambda n: n)


class CharterRevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CharterRevision

    charter = factory.SubFactory(CharterFactory)
    number = 1
    snapshot = factory.LazyAttribute(
        lambda r: {
            "schema": 1,
            "revision": r.number,
            "business_case": r.charter.business_case,
            "assumptions": "",
            "constraints": "",
            "success_criteria": "",
            "objectives": [],
        }
    )
    approved_by = factory.SubFactory(UserFactory, roles=["executive"])
    approved_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 2, 1, 9, tzinfo=datetime.UTC)
    )


class ScopeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScopeItem

    project = factory.SubFactory(ProjectFactory)
    description = factory.Sequence(lambda n: f"Scope item {n}")
    in_scope = True
    priority = "must"
    position = factory.Sequence(lambda n: n + 1)


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliverable

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Deliverable {n}")
    acceptance_criteria = "Signed off by the service desk lead after a test week."
    owner = factory.LazyAttribute(lambda d: d.project.project_manager)
    due_date = datetime.date(2026, 6, 30)


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangeRequest

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Change {n}")
    description = "Add invoice download to the portal."
    schedule_impact_days = 5
    cost_impact = Decimal("12000.00")

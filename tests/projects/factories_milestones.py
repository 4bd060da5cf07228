"""Factories for milestones and the deliverables they link to (milestone tests only)."""

import datetime

import factory

from projects.models import Deliverable, Milestone
from tests.factories import ProjectFactory


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliverable

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Deliverable {n}")
    acceptance_criteria = "Signed off by the business owner."
    owner = factory.LazyAttribute(lambda d: d.project.project_manager)
    due_date = datetime.date(2026, 9, 30)


class MilestoneFactory(factory.django.DjangoModelFactory):
    """A milestone owned by its project's manager; pass dates relative to the test's today."""

    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Milestone {n}")
    owner = factory.LazyAttribute(lambda m: m.project.project_manager)
    forecast_date = datetime.date(2026, 9, 1)
    baseline_date = None

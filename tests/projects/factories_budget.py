"""factory-boy factories for budget lines and their monthly entries."""

import datetime
from decimal import Decimal

import factory

from projects.models import BudgetEntry, BudgetLine, CostCategory
from tests.factories import ProjectFactory


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    project = factory.SubFactory(ProjectFactory)
    category = CostCategory.PERSONNEL
    description = factory.Sequence(lambda n: f"Budget line {n}")
    currency = "CNY"


class BudgetEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetEntry

    line = factory.SubFactory(BudgetLineFactory)
    month = datetime.date(2026, 1, 1)
    planned = Decimal("1000.00")
    committed = Decimal("0.00")
    actual = Decimal("0.00")

"""Factories for risk registers. References come from the real numbering service."""

import datetime

import factory

from risks.models import Action, IdentificationSession, Issue, Risk, RiskCategory, RiskReview
from risks.registers import register_of
from risks.services.numbering import ISSUE_LETTER, RISK_LETTER, next_reference
from tests.factories import ProjectFactory, UserFactory


class _NumberedFactory(factory.django.DjangoModelFactory):
    """Assign number and reference in the register the row belongs to."""

    _letter = RISK_LETTER

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        row = model_class(*args, **kwargs)
        if not row.reference:
            row.number, row.reference = next_reference(register_of(row), cls._letter)
        row.save()
        return row


class RiskCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")


class RiskFactory(_NumberedFactory):
    """A threat in a project's register, assessed P3 x I4 (score 12, "high" by default)."""

    class Meta:
        model = Risk
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Risk {n}")
    cause = "Because the vendor's API is new"
    event = "the integration may fail acceptance"
    effect = "and delay go-live"
    owner = factory.LazyAttribute(lambda r: r.project.project_manager if r.project else None)
    status = "assessed"
    inherent_probability = 3
    inherent_impact = 4
    currency = "EUR"


class IssueFactory(_NumberedFactory):
    _letter = ISSUE_LETTER

    class Meta:
        model = Issue

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Issue {n}")
    owner = factory.LazyAttribute(lambda r: r.project.project_manager)
    raised_on = factory.LazyFunction(datetime.date.today)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    risk = factory.SubFactory(RiskFactory)
    description = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.LazyAttribute(lambda a: (a.risk or a.issue).owner)
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=14))


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentificationSession

    project = factory.SubFactory(ProjectFactory)
    title = "Risk workshop"
    held_on = factory.LazyFunction(datetime.date.today)
    facilitator = factory.SubFactory(UserFactory, roles=["pm"])


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskReview

    risk = factory.SubFactory(RiskFactory)
    reviewed_on = factory.LazyFunction(datetime.date.today)
    reviewed_by = factory.LazyAttribute(lambda r: r.risk.owner)
    probability = 2
    impact = 4
    status = "monitoring"
    comment = "Reviewed at the weekly meeting."

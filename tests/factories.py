"""factory-boy factories shared by every test module."""

import datetime

import factory
from django.contrib.auth.models import Group

from pmo.core.models import Department, User
from projects.models import Portfolio, Program, Project, ProjectMembership


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Department {n}")
    code = factory.Sequence(lambda n: f"dept-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw-test-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            # get_or_create: transactional tests flush the groups the migration made.
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class PortfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Portfolio

    code = factory.Sequence(lambda n: f"PF{n}")
    name = factory.Sequence(lambda n: f"Portfolio {n}")
    owner = factory.SubFactory(UserFactory, roles=["pmo"])


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    code = factory.Sequence(lambda n: f"PG{n}")
    name = factory.Sequence(lambda n: f"Program {n}")
    portfolio = factory.SubFactory(PortfolioFactory)
    manager = factory.SubFactory(UserFactory, roles=["pm"])


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"TST-{n:04d}")
    name = factory.Sequence(lambda n: f"Project {n}")
    portfolio = factory.SubFactory(PortfolioFactory)
    project_manager = factory.SubFactory(UserFactory, roles=["pm"])
    planned_start = datetime.date(2026, 1, 5)
    planned_finish = datetime.date(2026, 12, 18)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMembership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory, roles=["member"])

"""Personas and shared fixtures (DESIGN.md section 7)."""

import contextlib
import importlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.db import transaction

from tests.factories import MembershipFactory, PortfolioFactory, ProjectFactory, UserFactory

PASSWORD = "pw-test-123"


def pytest_configure(config):
    # Fast hashing for the many users tests create; production keeps the default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _require_postgresql(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.exit(
                "The test suite runs on PostgreSQL: set DATABASE_URL=postgres://... "
                "(make test does this for the local server).",
                returncode=2,
            )


# Data migrations whose rows tests rely on: (module, function).
DATA_MIGRATIONS = [
    ("pmo.core.migrations.0002_role_groups", "create_groups"),
    ("pmo.core.migrations.0003_prune_task_runs_schedule", "seed_schedule"),
    ("projects.demo_gates", "create_default_criteria"),
    ("risks.defaults", "create_defaults"),
    ("risks.migrations.0003_reconcile_schedule", "seed_schedule"),
]


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def seeded_once(django_db_blocker):
    """For a module-scoped fixture: what the body creates is shared by the module's tests
    and rolled back when the module ends (demo seeding takes seconds; do it once).

    Each test still runs in its own savepoint inside this transaction (pytest-django's
    ``db``), so what a test changes is undone before the next one.
    """
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                for module, function in DATA_MIGRATIONS:
                    getattr(importlib.import_module(module), function)(django_apps, None)
                yield
                raise _Rollback
        except _Rollback:
            pass


@pytest.fixture(autouse=True)
def _data_migration_rows(request):
    """Make sure the rows data migrations create are there before a database test runs.

    ``transactional_db`` (and so ``live_server``) truncates every table when its test ends,
    role groups and the beat schedule included; the tests after it, and the next run with
    ``--reuse-db``, expect those rows. Checking at set-up covers every order pytest picks.
    """
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & names or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif DB_FIXTURES & names or marker:
        request.getfixturevalue("db")
    else:
        return
    from django.contrib.auth.models import Group
    from django_celery_beat.models import PeriodicTask

    from pmo.core import roles
    from risks.models import ScoreBand

    if (
        Group.objects.filter(name__in=roles.ALL).count() == len(roles.ALL)
        and PeriodicTask.objects.exists()
        and ScoreBand.objects.exists()
    ):
        return
    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(django_apps, None)


@pytest.fixture
def pmo_staff(db):
    return UserFactory(username="pmo_staff", first_name="Paula", last_name="Office", roles=["pmo"])


@pytest.fixture
def pm(db):
    return UserFactory(username="pm", first_name="Pat", last_name="Manager", roles=["pm"])


@pytest.fixture
def other_pm(db):
    return UserFactory(username="other_pm", first_name="Oscar", last_name="Other", roles=["pm"])


@pytest.fixture
def executive(db):
    return UserFactory(
        username="executive", first_name="Eve", last_name="Chief", roles=["executive"]
    )


@pytest.fixture
def resource_manager(db):
    return UserFactory(
        username="resource_manager", first_name="Rita", last_name="Pool", roles=["resource_manager"]
    )


@pytest.fixture
def member(db):
    return UserFactory(username="member", first_name="Max", last_name="Member", roles=["member"])


@pytest.fixture
def outsider(db):
    return UserFactory(
        username="outsider", first_name="Olga", last_name="Outside", roles=["member"]
    )


@pytest.fixture
def portfolio(pmo_staff):
    return PortfolioFactory(code="DIGITAL", name="Digital", owner=pmo_staff)


@pytest.fixture
def project(portfolio, pm, member, executive):
    """A project managed by ``pm``, sponsored by ``executive``, with ``member`` on the team."""
    project = ProjectFactory(
        code="PRJ-0042",
        name="Customer portal",
        portfolio=portfolio,
        project_manager=pm,
        sponsor=executive,
    )
    MembershipFactory(project=project, user=member)
    return project


@pytest.fixture
def other_project(portfolio, other_pm):
    """In the same portfolio as ``project`` but managed by ``other_pm``."""
    return ProjectFactory(
        code="PRJ-0043", name="Data warehouse", portfolio=portfolio, project_manager=other_pm
    )


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login

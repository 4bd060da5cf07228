"""``manage.py seed_demo``: idempotent, deterministic, fast at scale, careful with passwords."""

import ast
import datetime
import time
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from pmo.core import roles
from pmo.core.demo import DEMO_PASSWORD
from pmo.core.management.commands import seed_demo
from pmo.core.models import Department, Sequence
from projects import services
from projects.models import (
    Health,
    Portfolio,
    Program,
    Project,
    ProjectMembership,
    Stage,
    Status,
)

TODAY = "2026-11-25"


# These tests are about the command and the organisation it builds; the domain apps' demo
# parts have their own tests (tests/risks/test_demo.py ...), so they are left out here.
BASE_APPS = "core,projects"


def run_seed(*args):
    out, err = StringIO(), StringIO()
    call_command("seed_demo", "--today", TODAY, "--apps", BASE_APPS, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def table_counts():
    User = get_user_model()
    return {
        "users": User.objects.count(),
        "departments": Department.objects.count(),
        "portfolios": Portfolio.objects.count(),
        "programs": Program.objects.count(),
        "projects": Project.objects.count(),
        "memberships": ProjectMembership.objects.count(),
        "project history": Project.history.count(),
        "membership history": ProjectMembership.history.count(),
    }


def project_snapshot():
    return list(
        Project.objects.order_by("code").values_list(
            "code",
            "name",
            "stage",
            "status",
            "health",
            "priority",
            "planned_start",
            "planned_finish",
            "project_manager__username",
            "sponsor__username",
        )
    )


def test_command_finds_demo_modules_without_importing_domain_apps():
    source = Path(seed_demo.__file__).read_text()
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not [name for name in imported if name.split(".")[0] == "projects"]
    names = [app.name for app, _ in seed_demo.demo_modules()]
    # INSTALLED_APPS order: core publishes the people that projects builds on.
    assert names.index("pmo.core") < names.index("projects")


@pytest.mark.django_db
def test_second_run_creates_nothing():
    run_seed()
    first = table_counts()
    out, _ = run_seed()
    assert table_counts() == first
    assert "0 rows created" in out
    assert first["projects"] >= 12


@pytest.mark.django_db
def test_every_role_has_a_demo_user_who_can_log_in(client):
    run_seed()
    User = get_user_model()
    for role in roles.ALL:
        users = User.objects.filter(groups__name=role, is_active=True)
        assert users.exists(), role
        user = users.order_by("username").first()
        assert user.email.endswith("@demo.pmo.local")
        assert user.department is not None
        assert client.login(username=user.username, password=DEMO_PASSWORD), user.username
        client.logout()
    for username in ["pmo", "pmo2", "pm", "pm2", "pm3", "pm4", "resources", "exec", "exec2"]:
        assert User.objects.filter(username=username).exists()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert not admin.groups.exists()


@pytest.mark.django_db
def test_curated_projects_cover_every_stage_status_and_health():
    run_seed()
    projects = list(Project.objects.select_related("program", "portfolio"))
    assert len(projects) >= 12
    assert {p.stage for p in projects} == set(Stage.values)
    assert {p.status for p in projects} == set(Status.values)
    assert {p.health for p in projects} == set(Health.values)
    for project in projects:
        if project.health in (Health.AMBER, Health.RED):
            assert project.health_reason.strip(), project.code
        if project.program:
            assert project.program.portfolio_id == project.portfolio_id
        assert project.planned_finish >= project.planned_start
        project.full_clean()
    today = datetime.date.fromisoformat(TODAY)
    assert any(p.planned_finish < today for p in projects)
    assert sum(p.planned_start <= today <= p.planned_finish for p in projects) > len(projects) / 2
    assert Project.objects.filter(project_manager__username="pm").count() >= 3
    assert ProjectMembership.objects.filter(can_edit=True).count() >= 2
    # Curated rows went through the services: history names the project manager.
    first = Project.objects.get(code="PRJ-0001")
    assert first.history.get().history_user == first.project_manager
    assert first.created_by == first.project_manager


@pytest.mark.django_db
def test_scale_option_adds_synthetic_projects_quickly_and_moves_the_sequence():
    run_seed()
    started = time.monotonic()
    run_seed("--projects", "300", "--members-per-project", "2")
    elapsed = time.monotonic() - started
    assert Project.objects.count() == 300
    assert elapsed < 20
    highest = max(
        int(code.split("-")[1]) for code in Project.objects.values_list("code", flat=True)
    )
    assert highest == 300
    assert Sequence.objects.get(name=services.PROJECT_SEQUENCE).last_value >= highest
    assert services.next_project_code() == "PRJ-0301"
    synthetic = Project.objects.get(code="PRJ-0150")
    assert synthetic.memberships.count() == 2
    assert synthetic.history.count() == 1
    for project in Project.objects.filter(health__in=[Health.AMBER, Health.RED]):
        assert project.health_reason
    # Growing again keeps what is there and only tops up.
    out, _ = run_seed("--projects", "300")
    assert "0 rows created" in out


@pytest.mark.django_db
def test_same_seed_gives_the_same_projects():
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        run_seed("--projects", "40", "--seed", "7")
        first = project_snapshot()
        raise Rollback
    assert not Project.objects.exists()
    run_seed("--projects", "40", "--seed", "7")
    assert project_snapshot() == first


@pytest.fixture(autouse=True)
def _development_mode(settings):
    # pytest-django runs with DEBUG off; seed_demo is a development tool.
    settings.DEBUG = True


@pytest.mark.django_db
def test_print_accounts_shows_password_only_in_debug(settings):
    settings.DEBUG = True
    out, _ = run_seed("--print-accounts")
    assert DEMO_PASSWORD in out
    assert "resource" in out and "exec2" in out

    settings.DEBUG = False
    out, err = run_seed("--print-accounts", "--allow-production")
    assert DEMO_PASSWORD not in out + err
    assert "DEBUG is off" in err


@pytest.mark.django_db
def test_refuses_to_seed_in_production_without_opt_in(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="allow-production"):
        run_seed()
    assert not get_user_model().objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_second_run_keeps_what_people_changed():
    run_seed()
    User = get_user_model()
    project = Project.objects.get(code="PRJ-0001")
    pm = project.project_manager
    services.project_update(
        project=project,
        by=pm,
        data={"name": "Customer portal 2.0", "health": Health.GREEN, "health_reason": ""},
        expected_version=project.version,
    )
    project.memberships.filter(user__username="member2").delete()
    member = User.objects.get(username="member")
    member.set_password("my-own-secret-42")
    member.job_title = "Lead business analyst"
    member.save()
    member.groups.clear()
    department = Department.objects.get(code="it")
    department.name = "Digital & IT"
    department.save()

    run_seed()

    project.refresh_from_db()
    assert project.name == "Customer portal 2.0"
    assert project.health == Health.GREEN
    assert project.version == 2
    assert not project.memberships.filter(user__username="member2").exists()
    member.refresh_from_db()
    assert member.check_password("my-own-secret-42")
    assert member.job_title == "Lead business analyst"
    assert not member.groups.exists()
    assert Department.objects.get(code="it").name == "Digital & IT"


@pytest.mark.django_db
def test_apps_option_seeds_only_the_named_apps():
    from risks.models import Risk

    out, _ = run_seed()
    assert Project.objects.exists()
    assert not Risk.objects.exists()
    assert "risks:" not in out


@pytest.mark.django_db
def test_apps_option_refuses_an_unknown_label():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No demo data for: nosuchapp"):
        call_command("seed_demo", "--apps", "core,nosuchapp", stdout=StringIO())
    assert not Project.objects.exists()

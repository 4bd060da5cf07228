"""The demo schedules: a realistic WBS for every curated project, made once."""

import pytest
from django.utils import timezone

from pmo.core import demo as core_demo
from pmo.core.demo import DemoContext
from projects import demo as projects_demo
from projects import demo_schedule
from projects.baselines import compare_snapshots
from projects.models import Baseline, Dependency, Holiday, Task, WorkCalendar
from projects.services.baselines import snapshot_plan
from tests.conftest import seeded_once

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(scope="module")
def seeded_module(django_db_setup, django_db_blocker):
    with seeded_once(django_db_blocker):
        ctx = DemoContext(today=TODAY, write=lambda _message: None)
        core_demo.seed(ctx)
        projects_demo.seed(ctx)
        projects = ctx.published["projects.projects"]
        if not Task.objects.exists():  # projects.demo may already call demo_schedule
            demo_schedule.seed(ctx, projects)
        yield ctx, projects


@pytest.fixture
def seeded(seeded_module, db):
    ctx, projects = seeded_module
    for project in projects:
        project.refresh_from_db()  # a test's changes were rolled back: reload them too
    return ctx, projects


def test_every_curated_project_gets_seven_phases_once(seeded):
    ctx, projects = seeded
    for project in projects:
        phases = list(
            Task.objects.filter(project=project, parent=None).values_list("name", flat=True)
        )
        assert phases == ["Initiation", "Planning", "Design", "Build", "Test", "Deploy", "Close"]
    total = Task.objects.count()
    demo_schedule.seed(ctx, projects)
    assert Task.objects.count() == total


def test_demo_schedules_are_scheduled_linked_assigned_and_in_progress(seeded):
    _ctx, projects = seeded
    for project in projects:
        leaves = Task.objects.filter(project=project, children__isnull=True)
        assert not leaves.filter(early_start__isnull=True).exists()
        assert leaves.filter(is_critical=True).exists()
        assert leaves.filter(total_float__gt=0).exists()  # parallel work has float
        team = {project.project_manager_id} | set(
            project.memberships.values_list("user_id", flat=True)
        )
        assert set(leaves.values_list("assignee_id", flat=True)) <= team
        assert Dependency.objects.filter(successor__project=project).count() >= leaves.count() - 1
    started = [p for p in projects if p.planned_start < TODAY - timezone.timedelta(days=30)]
    assert all(Task.objects.filter(project=p, percent_complete__gt=0).exists() for p in started)


def test_projects_past_planning_have_an_approved_plan_that_tasks_moved_from(seeded):
    _ctx, _projects = seeded
    baselines = Baseline.objects.filter(name=demo_schedule.BASELINE_NAME)
    assert baselines.count() >= 5
    for baseline in baselines.select_related("project"):
        assert baseline.created_at.date() < TODAY
        result = compare_snapshots(baseline.snapshot, snapshot_plan(baseline.project))
        assert result.tasks_moved, baseline.project.code
        assert result.finish_delta > 0


def test_default_calendar_has_bank_holidays(seeded):
    calendar = WorkCalendar.objects.get(is_default=True)
    dates = set(Holiday.objects.filter(calendar=calendar).values_list("date", flat=True))
    assert timezone.datetime(2026, 4, 3).date() in dates  # Good Friday 2026
    assert timezone.datetime(2026, 12, 28).date() in dates  # Boxing Day substitute


def test_bank_holiday_rules():
    days = {name: day.isoformat() for day, name in demo_schedule.bank_holidays(2027)}
    assert days == {
        "New Year's Day": "2027-01-01",
        "Good Friday": "2027-03-26",
        "Easter Monday": "2027-03-29",
        "Early May bank holiday": "2027-05-03",
        "Spring bank holiday": "2027-05-31",
        "Summer bank holiday": "2027-08-30",
        "Christmas Day": "2027-12-27",
        "Boxing Day": "2027-12-28",
    }

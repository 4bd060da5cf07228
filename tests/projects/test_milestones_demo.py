"""The demo milestones: realistic, made through the services, and seeded only once."""

import pytest
from django.utils import timezone

from pmo.core import demo as core_demo
from pmo.core.demo import DemoContext
from projects import demo as projects_demo
from projects import demo_milestones
from projects.models import Baseline, Milestone, MilestoneStatus
from tests.conftest import seeded_once

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(scope="module")
def seeded_module(django_db_setup, django_db_blocker):
    with seeded_once(django_db_blocker):
        ctx = DemoContext(today=TODAY, write=lambda _message: None)
        core_demo.seed(ctx)
        projects_demo.seed(ctx)
        yield ctx, ctx.published["projects.projects"]


@pytest.fixture
def demo_projects(seeded_module, db):
    ctx, projects = seeded_module
    for project in projects:
        project.refresh_from_db()  # a test's changes were rolled back: reload them too
    return ctx, projects


def test_each_curated_project_gets_three_to_six_milestones_once(demo_projects):
    ctx, projects = demo_projects
    demo_milestones.seed(ctx, projects)
    counts = {p.code: p.milestones.count() for p in projects}
    assert all(3 <= n <= 6 for n in counts.values()), counts
    total = Milestone.objects.count()
    demo_milestones.seed(ctx, projects)
    assert Milestone.objects.count() == total


def test_demo_has_slips_achievements_one_missed_and_commented_updates(demo_projects):
    ctx, projects = demo_projects
    # Start the milestones' part of the demo afresh (seed_demo already ran it once).
    Milestone.objects.all().delete()
    Baseline.objects.filter(name=demo_milestones.BASELINE_NAME).delete()
    demo_milestones.seed(ctx, projects)
    open_projects = [p for p in projects if not p.is_closed]
    milestones = list(Milestone.objects.filter(project__in=open_projects).select_related("project"))
    statuses = [m.status_on(TODAY) for m in milestones]
    assert statuses.count(MilestoneStatus.MISSED) == 1
    assert MilestoneStatus.ACHIEVED in statuses
    assert {MilestoneStatus.AT_RISK, MilestoneStatus.LATE} & set(statuses)
    assert all(m.baseline_date is not None for m in milestones)
    assert any((m.slip_days or 0) > 0 for m in milestones)
    for m in milestones:
        assert m.owner_id in {m.project.project_manager_id} | set(
            m.project.memberships.values_list("user_id", flat=True)
        )
        if m.actual_date:
            assert m.project.planned_start <= m.actual_date <= TODAY
    moved = Milestone.history.filter(history_type="~", history_change_reason__isnull=False)
    pm_comments = moved.exclude(history_change_reason__startswith="Baselined").exclude(
        history_change_reason__startswith="Marked achieved"
    )
    assert pm_comments.count() >= 5
    assert all(record.history_user_id for record in pm_comments)

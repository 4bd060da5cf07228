"""Demo data of the stage gates, status reports and methodology library: consistent and idempotent."""

import datetime
import itertools

import pytest
from django.apps import apps as django_apps

from pmo.core.demo import DemoContext
from projects import demo_gates, demo_methodology, demo_reports
from projects.models import (
    GateCriterion,
    GateReview,
    MethodDocument,
    Stage,
    Status,
    StatusReport,
)
from projects.selectors.reports import default_period, latest_submitted
from tests.factories import ProjectFactory


@pytest.fixture(autouse=True)
def _no_default_criteria(db):
    """These tests build their own checklists; a fresh install's defaults would mix in."""
    from projects.models import GateCriterion

    GateCriterion.objects.all().delete()


TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def ctx(pmo_staff, executive):
    return DemoContext(today=TODAY, users={"pmo": [pmo_staff], "executive": [executive]})


def curated(portfolio, pm, executive, name, stage, status, health="green", reason="", start=-200):
    return ProjectFactory(
        portfolio=portfolio,
        project_manager=pm,
        sponsor=executive,
        name=name,
        stage=stage,
        status=status,
        health=health,
        health_reason=reason,
        planned_start=TODAY + datetime.timedelta(days=start),
        planned_finish=TODAY + datetime.timedelta(days=100),
    )


@pytest.fixture
def demo_projects(portfolio, pm, executive):
    return [
        curated(
            portfolio,
            pm,
            executive,
            "ERP finance module rollout",
            Stage.MONITORING,
            Status.ACTIVE,
            "red",
            "Close rehearsal failed twice.",
        ),
        curated(
            portfolio,
            pm,
            executive,
            "Marketing CRM consolidation",
            Stage.INITIATION,
            Status.CANCELLED,
        ),
        curated(
            portfolio, pm, executive, "Mobile field-service app", Stage.PLANNING, Status.ACTIVE
        ),
        curated(
            portfolio,
            pm,
            executive,
            "Cloud cost optimisation",
            Stage.MONITORING,
            Status.ACTIVE,
            "amber",
            "Savings below plan.",
        ),
    ]


def test_default_criteria_cover_every_gate_and_only_once(db, pmo_staff):
    assert demo_gates.create_default_criteria(by=pmo_staff) == sum(
        len(lines) for lines in demo_gates.DEFAULT_CRITERIA.values()
    )
    assert set(GateCriterion.objects.values_list("stage", flat=True)) == {
        "initiation",
        "planning",
        "execution",
        "monitoring",
    }
    assert demo_gates.create_default_criteria(by=pmo_staff) == 0


def test_default_criteria_work_as_a_data_migration(db):
    created = demo_gates.create_default_criteria(django_apps, None)
    assert created == GateCriterion.objects.count() > 0


def test_demo_gate_history_matches_each_project_stage(ctx, demo_projects):
    demo_gates.seed(ctx, demo_projects)
    erp, crm, mobile, _cloud = demo_projects
    erp_reviews = list(
        erp.gate_reviews.order_by("created_at").values_list("from_stage", "decision")
    )
    assert erp_reviews == [
        ("initiation", "go"),
        ("planning", "hold"),
        ("planning", "go"),
        ("execution", "go"),
    ]
    assert list(crm.gate_reviews.values_list("from_stage", "decision")) == [("initiation", "stop")]
    open_review = mobile.gate_reviews.get(decision="")
    assert open_review.from_stage == "planning"
    assert open_review.items.filter(met__isnull=True).exists()
    for review in GateReview.objects.filter(decision="go"):
        assert not review.items.exclude(met=True).exists()
        assert review.decided_by == review.project.sponsor
    for project in demo_projects:
        for review in project.gate_reviews.all():
            assert review.created_at.date() < TODAY
    reviews = GateReview.objects.count()
    demo_gates.seed(ctx, demo_projects)
    assert GateReview.objects.count() == reviews


def test_demo_reports_end_at_the_project_health(ctx, demo_projects):
    demo_reports.seed(ctx, demo_projects)
    erp, crm, mobile, cloud = demo_projects
    assert not crm.status_reports.exists()
    for project in (erp, mobile, cloud):
        latest = latest_submitted(project)
        assert (latest.overall, latest.overall_reason) == (project.health, project.health_reason)
    assert 6 <= erp.status_reports.count() <= 8
    assert list(StatusReport.objects.filter(state="draft").values_list("project", flat=True)) == [
        cloud.pk
    ]
    draft = cloud.status_reports.get(state="draft")
    assert (draft.period_start, draft.period_end) == default_period(TODAY)
    # Weeks never overlap and each report keeps the figures of its own period.
    for project in (erp, mobile, cloud):
        periods = list(project.status_reports.order_by("period_start"))
        for before, after in itertools.pairwise(periods):
            assert after.period_start == before.period_end + datetime.timedelta(days=1)
        for report in periods:
            assert report.facts["period_start"] == report.period_start.isoformat()
    count = StatusReport.objects.count()
    demo_reports.seed(ctx, demo_projects)
    assert StatusReport.objects.count() == count


def test_demo_library_publishes_handbook_pages_and_keeps_one_draft(ctx, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_methodology.seed(ctx, [])
    assert 6 <= MethodDocument.objects.filter(is_published=True).count() <= 10
    assert MethodDocument.objects.filter(is_published=False).count() == 1
    assert MethodDocument.objects.exclude(attachment="").count() == 2
    stages = set(MethodDocument.objects.values_list("stage", flat=True))
    assert {"initiation", "planning", "execution", "monitoring", "closing", ""} <= stages
    demo_methodology.seed(ctx, [])
    assert MethodDocument.objects.count() == len(demo_methodology.DOCUMENTS)


def test_demo_library_skips_files_without_a_media_folder(ctx, settings):
    settings.MEDIA_ROOT = ""
    demo_methodology.seed(ctx, [])
    assert not MethodDocument.objects.exclude(attachment="").exists()

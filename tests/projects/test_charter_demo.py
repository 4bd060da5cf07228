"""The demo charters and scope: realistic states, made through the services, seeded once."""

import pytest
from django.utils import timezone

from pmo.core import demo as core_demo
from pmo.core.demo import DemoContext
from projects import demo as projects_demo
from projects import demo_charter
from projects.models import (
    Baseline,
    ChangeRequest,
    Charter,
    CharterRevision,
    Deliverable,
    ScopeItem,
    SmartObjective,
)
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
        demo_charter.seed(ctx, projects)
        yield ctx, {p.code: p for p in projects}


@pytest.fixture
def seeded(seeded_module, db):
    ctx, projects = seeded_module
    for project in projects.values():
        project.refresh_from_db()  # a test's changes were rolled back: reload them too
    return ctx, projects


def test_every_curated_project_has_a_charter_with_two_to_four_objectives(seeded):
    _ctx, projects = seeded
    for project in projects.values():
        charter = Charter.objects.get(project=project)
        count = project.objectives.count()
        assert charter.business_case, project.code
        assert 2 <= count <= 4, (project.code, count)


def test_active_projects_were_approved_by_their_sponsor_in_the_past(seeded):
    _ctx, projects = seeded
    for project in projects.values():
        if project.status not in ("active", "on_hold"):
            continue
        revision = CharterRevision.objects.get(charter__project=project, number=1)
        assert revision.approved_by == project.sponsor, project.code
        assert revision.approved_at.date() < TODAY
        assert revision.snapshot["objectives"], project.code


def test_the_portal_drafts_revision_2_while_revision_1_stays_approved(seeded):
    _ctx, projects = seeded
    portal = projects["PRJ-0001"]
    charter = Charter.objects.get(project=portal)
    assert (charter.state, charter.revision) == ("draft", 2)
    frozen = CharterRevision.objects.get(charter=charter, number=1).snapshot
    assert "invoice" not in frozen["success_criteria"].lower()
    assert "invoices downloaded" in charter.success_criteria
    assert len(frozen["objectives"]) == 3 and portal.objectives.count() == 4
    assert Charter.objects.filter(state="submitted").count() == 1
    returned = Charter.objects.get(project=projects["PRJ-0011"])
    assert returned.state == "draft"
    assert returned.history.latest("history_date").history_change_reason.startswith(
        "Returned to draft"
    )


def test_deliverables_and_change_requests_tell_the_story(seeded):
    _ctx, projects = seeded
    portal = projects["PRJ-0001"]
    assert Deliverable.objects.filter(acceptance="accepted").count() >= 5
    rejected = Deliverable.objects.get(acceptance="rejected")
    assert rejected.project == portal and rejected.rejection_reason
    assert rejected.decided_by == portal.sponsor and rejected.decided_at.date() < TODAY
    statuses = dict(ChangeRequest.objects.filter(project=portal).values_list("number", "status"))
    assert statuses == {1: "approved", 2: "rejected", 3: "submitted"}
    moved = ChangeRequest.objects.get(project=portal, number=1)
    assert moved.baseline_moved and moved.decided_by == portal.sponsor
    assert Baseline.objects.filter(project=portal, name="After PRJ-0001-CR01").exists()
    assert ScopeItem.objects.filter(project=portal, in_scope=False).count() == 3


def test_seeding_twice_creates_nothing_more(seeded):
    ctx, projects = seeded
    counts = [
        m.objects.count()
        for m in (Charter, CharterRevision, SmartObjective, ScopeItem, Deliverable, ChangeRequest)
    ]
    demo_charter.seed(ctx, list(projects.values()))
    assert counts == [
        m.objects.count()
        for m in (Charter, CharterRevision, SmartObjective, ScopeItem, Deliverable, ChangeRequest)
    ]

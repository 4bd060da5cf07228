"""The demo risk registers (risks/demo.py): realistic, valid, dated as they happened.

``seed_demo`` takes a dozen seconds, so this module seeds once (a module-scoped fixture in
its own transaction, rolled back at the end) and every test reads the same data.
"""

import datetime
import itertools
import re
import time
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from pmo.core.models import Sequence
from projects.models import Project, Task
from risks.models import (
    Action,
    ActionStatus,
    IdentificationSession,
    Issue,
    IssueStatus,
    Risk,
    RiskAppetite,
    RiskReview,
    RiskStatus,
)
from risks.registers import register_of
from risks.selectors.matrix import load_matrix
from risks.services import rules
from tests.conftest import seeded_once

TODAY = timezone.localdate()
CURATED = 14


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Run ``seed_demo`` once for the module; everything is rolled back afterwards."""
    with seeded_once(django_db_blocker):
        out = StringIO()
        started = time.monotonic()
        call_command("seed_demo", "--allow-production", "-v", "2", stdout=out, stderr=StringIO())
        elapsed = time.monotonic() - started
        yield {"out": out.getvalue(), "elapsed": elapsed}


@pytest.fixture
def demo(seeded, db):
    return seeded


def curated_projects():
    return list(Project.objects.filter(code__lte=f"PRJ-{CURATED:04d}").order_by("code"))


def test_every_curated_project_has_a_register_with_numbered_risks(demo):
    projects = curated_projects()
    assert len(projects) == CURATED
    for project in projects:
        risks = list(Risk.objects.filter(project=project).order_by("number"))
        assert 8 <= len(risks) <= 18, project.code
        assert [r.number for r in risks] == list(range(1, len(risks) + 1)), project.code
        for risk in risks:
            assert re.fullmatch(rf"{project.code}-R\d{{2,}}", risk.reference)
            assert risk.reference == f"{project.code}-R{risk.number:02d}"
            assert risk.currency == project.currency
        # The counter is past the numbers used: the next risk gets a new reference.
        assert Sequence.objects.get(name=f"risks:R:project:{project.code}").last_value == len(risks)
        # Numbered in the order they were raised.
        created = [r.created_at for r in risks]
        assert created == sorted(created), project.code
    references = list(Risk.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
    # Programs and portfolios hold a few risks of their own.
    assert Risk.objects.filter(program__isnull=False).count() >= 4
    assert Risk.objects.filter(portfolio__isnull=False).count() >= 2


def test_every_row_passes_its_model_validation(demo):
    for model in (Risk, Issue, Action, IdentificationSession, RiskAppetite):
        rows = list(model.objects.all())
        assert rows, model.__name__
        for row in rows:
            row.full_clean()
    for review in RiskReview.objects.all():
        review.full_clean()
        assert review.score == review.probability * review.impact
    for risk in Risk.objects.select_related("owner", "project"):
        if risk.project_id:
            team = {risk.project.project_manager_id, risk.project.sponsor_id} | set(
                risk.project.memberships.values_list("user_id", flat=True)
            )
            assert risk.owner_id in team, risk.reference
        if risk.status in RiskStatus.final_values():
            assert risk.closed_on and risk.closure_reason, risk.reference


def test_registers_are_realistic_mixes(demo):
    statuses = set(Risk.objects.values_list("status", flat=True))
    assert statuses == set(RiskStatus.values)
    assert Risk.objects.filter(kind="opportunity").count() >= 10
    assert Risk.objects.values("category").distinct().count() >= 8
    texts = Risk.objects.exclude(status=RiskStatus.REJECTED)
    assert not texts.filter(cause="").exists()
    assert not texts.filter(effect="").exists()
    responding = Risk.objects.filter(status=RiskStatus.RESPONDING)
    assert responding.exclude(response_summary="").count() == responding.count()
    assert Risk.objects.exclude(contingency_plan="").count() >= 20
    assert Risk.objects.exclude(fallback_plan="").count() >= 5
    assert Risk.objects.filter(tasks__isnull=False).distinct().count() >= 10
    assert Risk.objects.filter(milestones__isnull=False).distinct().count() >= 20
    for project in curated_projects():
        if project.is_closed:
            continue
        assert Risk.objects.filter(project=project, status=RiskStatus.PROPOSED).exists()


def test_sessions_in_the_past_raised_most_risks(demo):
    for project in curated_projects():
        sessions = list(IdentificationSession.objects.filter(project=project))
        assert 1 <= len(sessions) <= 2, project.code
        for session in sessions:
            assert session.held_on < TODAY
            assert session.participants.count() >= 2
            assert session.notes
    total = Risk.objects.filter(project__isnull=False).count()
    assert Risk.objects.filter(identified_in__isnull=False).count() > total / 2
    for risk in Risk.objects.filter(identified_in__isnull=False).select_related("identified_in"):
        assert timezone.localdate(risk.created_at) >= risk.identified_in.held_on - (
            datetime.timedelta(days=1)
        )


def test_reviews_follow_the_cadence_over_months_and_never_in_the_future(demo):
    matrix = load_matrix()
    months = {d.strftime("%Y-%m") for d in RiskReview.objects.values_list("reviewed_on", flat=True)}
    assert len(months) >= 6
    assert not RiskReview.objects.filter(reviewed_on__gte=TODAY).exists()
    assert not RiskReview.objects.filter(recorded_at__gt=timezone.now()).exists()
    by_risk = defaultdict(list)
    for review in RiskReview.objects.select_related("risk").order_by("reviewed_on", "pk"):
        by_risk[review.risk_id].append(review)
    moved_down = moved_up = 0
    for reviews in by_risk.values():
        risk = reviews[0].risk
        assert reviews[0].reviewed_on >= timezone.localdate(risk.created_at)
        last = reviews[-1]
        assert risk.last_reviewed_on == last.reviewed_on, risk.reference
        if risk.status not in (RiskStatus.OCCURRED,):
            assert (risk.residual_probability, risk.residual_impact) == (
                last.probability,
                last.impact,
            ), risk.reference
        for before, after in itertools.pairwise(reviews):
            assert after.reviewed_on > before.reviewed_on
            moved_down += after.score < before.score
            moved_up += after.score > before.score
    assert moved_down > 30 and moved_up >= 5
    # Next reviews follow each band's cadence: some overdue, a few due this week.
    open_risks = Risk.objects.filter(
        status__in=RiskStatus.open_values(), current_score__isnull=False
    )
    for risk in open_risks.filter(last_reviewed_on__isnull=False):
        band = matrix.band_for(risk.current_score)
        assert risk.next_review_on == risk.last_reviewed_on + datetime.timedelta(
            days=band.review_every_days
        ), risk.reference
    week = TODAY + datetime.timedelta(days=6)
    assert open_risks.filter(next_review_on__lt=TODAY).count() >= 5
    assert open_risks.filter(next_review_on__gte=TODAY, next_review_on__lte=week).count() >= 3
    assert open_risks.filter(next_review_on__gt=week).count() > open_risks.count() / 2


def test_history_is_backdated_and_tells_the_story(demo):
    history = Risk.history.model
    assert not history.objects.filter(history_date__gt=timezone.now()).exists()
    reviewed = Risk.objects.filter(reviews__isnull=False).distinct()
    old = 0
    for risk in reviewed:
        records = list(risk.history.order_by("history_date", "history_id"))
        assert records[0].history_type == "+"
        assert [r.version for r in records] == list(range(1, risk.version + 1)), risk.reference
        latest = records[-1]
        for name in ("status", "current_score", "residual_probability", "next_review_on"):
            assert getattr(latest, name) == getattr(risk, name), (risk.reference, name)
        assert timezone.localdate(records[0].history_date) == timezone.localdate(risk.created_at)
        old += records[0].history_date.date() < TODAY - datetime.timedelta(days=90)
        # Each review is a change of the risk with its comment as the reason.
        comments = {r.history_change_reason for r in records}
        assert set(risk.reviews.values_list("comment", flat=True)) <= comments
    assert old > reviewed.count() / 2
    # The register's exposure moved over the months, not in one jump on the seed day.
    rows = history.objects.filter(project__code="PRJ-0002").order_by("history_date", "history_id")
    latest: dict[int, tuple] = {}
    samples = [TODAY - datetime.timedelta(days=days) for days in (180, 120, 60, 0)]
    totals = []
    rows = list(rows.values_list("id", "history_date", "status", "current_score"))
    position = 0
    for day in samples:
        while position < len(rows) and rows[position][1].date() <= day:
            latest[rows[position][0]] = rows[position]
            position += 1
        totals.append(
            sum(s or 0 for _, _, status, s in latest.values() if status in RiskStatus.open_values())
        )
    assert len(set(totals)) == len(totals), totals


def test_issues_come_from_occurred_risks_or_are_logged_directly(demo):
    for risk in Risk.objects.filter(status=RiskStatus.OCCURRED):
        issue = risk.issues.get()
        assert issue.raised_on >= timezone.localdate(risk.created_at)
        assert issue.reference in risk.history.latest().history_change_reason
    assert not Issue.objects.filter(risk__isnull=False).exclude(risk__status="occurred").exists()
    for project in curated_projects():
        issues = Issue.objects.filter(project=project)
        assert 2 <= issues.count() <= 4, project.code
        for issue in issues:
            assert re.fullmatch(rf"{project.code}-I\d{{2,}}", issue.reference)
            assert issue.raised_on < TODAY
    assert Issue.objects.filter(risk__isnull=True).count() >= 10
    escalated = Issue.objects.filter(status=IssueStatus.ESCALATED)
    assert 1 <= escalated.count() <= 3
    assert all(i.escalated_to_id and i.escalation_note for i in escalated)
    closed = Issue.objects.filter(status=IssueStatus.CLOSED)
    assert closed.count() >= 5
    for issue in closed:
        assert issue.resolution and issue.closed_on >= issue.raised_on
        assert not issue.actions.filter(
            status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS]
        ).exists()
    assert Action.objects.filter(issue__isnull=False).count() >= 15


def test_response_actions_have_owners_dates_costs_and_some_are_overdue(demo):
    for risk in Risk.objects.filter(status=RiskStatus.RESPONDING, project__isnull=False):
        assert 1 <= risk.actions.count() <= 3, risk.reference
    actions = Action.objects.filter(risk__isnull=False)
    assert actions.filter(cost__isnull=False).count() >= 20
    assert actions.filter(status=ActionStatus.DONE).exclude(completed_on__isnull=False).count() == 0
    assert actions.filter(completed_on__gte=TODAY).count() == 0
    open_actions = actions.filter(status__in=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS])
    assert open_actions.filter(due_date__lt=TODAY).count() >= 3
    assert open_actions.filter(due_date__gte=TODAY).count() >= 5
    assert (
        not actions.filter(risk__status__in=[RiskStatus.CLOSED])
        .exclude(status__in=[ActionStatus.DONE, ActionStatus.CANCELLED])
        .exists()
    )


def test_risks_above_the_portfolio_appetite_are_escalated(demo):
    matrix = load_matrix()
    appetites = dict(RiskAppetite.objects.values_list("portfolio__code", "max_score"))
    assert appetites == {"DIGITAL": 12, "OPS": 15}
    escalated = 0
    for risk in Risk.objects.select_related("project__program", "project__portfolio"):
        register = register_of(risk)
        above = (risk.current_score or 0) > appetites[register.portfolio.code]
        if above and risk.is_open:
            assert risk.escalated_to_id == rules.escalation_target(risk).pk, risk.reference
            assert risk.escalated_at < timezone.now() - datetime.timedelta(days=1)
            escalated += 1
        # The stored row agrees with the rules as the services apply them.
        assert not rules.apply_rules(
            risk, matrix=matrix, today=risk.last_reviewed_on or TODAY, appetite=None
        ) - {"next_review_on"}, risk.reference
    assert 2 <= escalated <= 8


def test_some_plans_have_valid_three_point_estimates(demo):
    estimated = Task.objects.filter(optimistic_days__isnull=False).select_related("parent")
    assert estimated.values("project").distinct().count() >= 3
    for task in estimated:
        assert task.optimistic_days <= task.duration_days <= task.pessimistic_days
        assert not task.children.exists()
        task.full_clean()
    assert estimated.filter(pessimistic_days__gt=F("duration_days")).exists()
    assert estimated.filter(optimistic_days__lt=F("duration_days")).exists()


def test_seeding_is_quick_and_a_second_run_adds_nothing(demo):
    assert "risks: seeded in" in demo["out"]
    seconds = float(re.search(r"risks: seeded in ([0-9.]+)s", demo["out"]).group(1))
    assert seconds < 10
    counts = {m: m.objects.count() for m in (Risk, RiskReview, Issue, Action, Task)}
    history = Risk.history.count()
    out = StringIO()
    call_command("seed_demo", "--allow-production", stdout=out, stderr=StringIO())
    assert {m: m.objects.count() for m in counts} == counts
    assert Risk.history.count() == history
    assert "0 rows created" in out.getvalue()

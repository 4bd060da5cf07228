"""The daily reconciliation of review dates and escalations (risks.tasks), run eagerly."""

import pytest
from django_celery_beat.models import PeriodicTask

from pmo.core.models import TaskRun
from risks.models import Risk, RiskAppetite
from risks.tasks import reconcile_risk_rules
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.django_db


def test_schedule_is_seeded_daily():
    task = PeriodicTask.objects.select_related("crontab").get(
        task="risks.tasks.reconcile_risk_rules"
    )
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("3", "45")


def test_appetite_set_outside_the_pages_escalates_on_the_next_run(project, pm):
    risk = RiskFactory(project=project, inherent_probability=4, inherent_impact=4)  # 16
    closed = RiskFactory(
        project=project, status="closed", inherent_probability=5, inherent_impact=5
    )
    # As an admin edit would: no recompute happens at once.
    RiskAppetite.objects.create(portfolio=project.portfolio, max_score=12)

    result = reconcile_risk_rules.apply()

    assert result.get() == {"open": 1, "changed": 1}
    risk.refresh_from_db()
    assert risk.escalated_to == project.portfolio.owner
    assert risk.next_review_on is not None  # critical band: weekly
    assert Risk.objects.get(pk=closed.pk).escalated_to is None
    entry = risk.history.first()
    assert entry.history_change_reason == "Daily check of the risk rules"
    run = TaskRun.objects.get(task_name="risks.tasks.reconcile_risk_rules")
    assert run.outcome == TaskRun.Outcome.SUCCESS
    assert run.counts == {"open": 1, "changed": 1}


def test_second_run_changes_nothing(project):
    RiskFactory(project=project, inherent_probability=4, inherent_impact=4)
    RiskAppetite.objects.create(portfolio=project.portfolio, max_score=12)
    reconcile_risk_rules.apply()
    assert reconcile_risk_rules.apply().get() == {"open": 1, "changed": 0}

"""Scheduled work on the risk registers (thin wrappers around services)."""

from celery import shared_task
from django.utils.translation import gettext as _

from pmo.core.task_runs import RecordedTask
from risks.models import Risk, RiskStatus
from risks.selectors.matrix import load_matrix
from risks.services.config import recompute_open_risks


@shared_task(
    name="risks.tasks.reconcile_risk_rules",
    base=RecordedTask,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def reconcile_risk_rules() -> dict:
    """Re-apply the review cadence and appetite rules to every open risk.

    The pages recompute at once when PMO staff change the bands or an appetite; this daily
    pass catches what changed elsewhere (the admin, a project moved to another program or
    portfolio). Idempotent: a second run finds nothing to change.
    """
    open_risks = Risk.objects.filter(status__in=RiskStatus.open_values())
    changed = recompute_open_risks(
        open_risks, by=None, matrix=load_matrix(), reason=_("Daily check of the risk rules")
    )
    return {"open": open_risks.count(), "changed": changed}

"""Saved baselines of a plan: take one, and build the "current plan" snapshot to compare with.

A snapshot (see ``projects.baselines``) holds each task's WBS number, name, scheduled start and
finish and duration, and each milestone's name and forecast date. Taking a baseline also sets
every milestone's baseline date to its forecast, through the milestone history (who, when,
"Baselined as <name>"), so milestone slippage is measured against the latest baseline.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from pmo.core import policy
from projects.models import Baseline, Milestone, Project, Task
from projects.services.core import ensure_open_for_planning


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def snapshot_plan(project) -> dict:
    """The project's plan as it stands, in the snapshot format (two queries)."""
    tasks = {
        str(pk): {
            "outline": outline,
            "name": name,
            "start": _iso(start),
            "finish": _iso(finish),
            "duration": duration,
        }
        for pk, outline, name, start, finish, duration in Task.objects.filter(project=project)
        .order_by("sort_key", "pk")
        .values_list("pk", "outline", "name", "early_start", "early_finish", "duration_days")
    }
    milestones = {
        str(pk): {"name": name, "date": _iso(forecast)}
        for pk, name, forecast in Milestone.objects.filter(project=project)
        .order_by("forecast_date", "pk")
        .values_list("pk", "name", "forecast_date")
    }
    return {"tasks": tasks, "milestones": milestones}


@transaction.atomic
def baseline_create(*, project, name: str, by, note: str = "") -> Baseline:
    """Save the current plan as baseline ``name`` and re-baseline every milestone."""
    # Planners baseline their plan; deciders baseline what an approved change moved.
    if not (policy.can_change_project(by, project) or policy.is_sponsor_or_pmo(by, project)):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=project.pk)
    ensure_open_for_planning(project)
    name = (name or "").strip()
    baseline = Baseline(
        project=project,
        name=name,
        note=(note or "").strip(),
        snapshot=snapshot_plan(project),
        created_by=by,
    )
    baseline.full_clean(validate_constraints=False)
    if Baseline.objects.filter(project=project, name__iexact=name).exists():
        raise ValidationError(
            {"name": _("This project already has a baseline named “%(name)s”.") % {"name": name}}
        )
    baseline.save()

    reason = _("Baselined as %(name)s") % {"name": name}
    now = timezone.now()
    changed = []
    for milestone in Milestone.objects.select_for_update().filter(project=project):
        if milestone.baseline_date == milestone.forecast_date:
            continue
        milestone.baseline_date = milestone.forecast_date
        milestone.version += 1
        milestone.updated_at = now
        milestone._history_user = by
        milestone._change_reason = reason
        changed.append(milestone)
    if changed:
        bulk_update_with_history(
            changed,
            Milestone,
            ["baseline_date", "version", "updated_at"],
            default_user=by,
            default_change_reason=reason,
        )
    return baseline

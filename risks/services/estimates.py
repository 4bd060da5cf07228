"""Three-point estimates of a project's tasks: the optimistic and pessimistic durations that
the schedule risk analysis (``risks.schedule_risk``) samples around the planned one.

The estimates are fields of ``projects.models.Task`` (``optimistic_days``, ``pessimistic_days``;
``Task.clean`` keeps optimistic <= planned <= pessimistic). They do not move the plan, so saving
them reschedules nothing. Who may write: the project's plan editors (``policy.can_change_project``:
its manager, team members with the edit right, PMO staff), never on a closed project.

Only leaf tasks with a duration carry estimates: a phase takes its dates from its tasks, and a
milestone (zero duration) has no duration to be uncertain about.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmo.core import policy
from pmo.core.history import changes_since_version
from pmo.core.locking import StaleObjectError, save_versioned
from projects.models import Project, Task
from projects.services.core import ensure_open_for_planning

ESTIMATE_FIELDS = ("optimistic_days", "pessimistic_days")
# A planned duration is at most 5,000 working days; twice that is room for any pessimist.
MAX_ESTIMATE_DAYS = 10_000


@dataclass(frozen=True)
class EstimateRow:
    """One task's estimate as typed, with the task version the page was loaded with.

    ``None`` means no estimate on that side: the analysis uses the planned duration there.
    """

    task_id: int
    version: int
    optimistic_days: int | None
    pessimistic_days: int | None


class StaleEstimatesError(Exception):
    """Some tasks changed after the page was loaded; ``stale`` maps task id to the refusal
    (``StaleObjectError``, with the current row and what changed). Nothing was saved."""

    def __init__(self, stale: dict[int, StaleObjectError]):
        self.stale = stale
        super().__init__(
            _("Someone else changed %(n)d of these tasks after you opened the page.")
            % {"n": len(stale)}
        )


def error_key(task_id: int, field: str | None = None) -> str:
    """Key of a row's error in the ValidationError the service raises: ``"<task id>:<field>"``
    (``"<task id>:"`` for the row as a whole)."""
    return f"{task_id}:{field or ''}"


def _check_number(value, errors: dict, key: str) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_ESTIMATE_DAYS:
        errors[key] = [
            _("Give a whole number of working days from 0 to %(max)d.") % {"max": MAX_ESTIMATE_DAYS}
        ]


@transaction.atomic
def task_estimates_save(*, project, by, rows: list[EstimateRow]) -> list[Task]:
    """Save the optimistic and pessimistic durations of ``rows``, all or nothing.

    Rows whose values equal what is stored are left alone (so nobody's version moves for
    nothing). Each changed task is saved with ``save_versioned`` (its history says "Three-point
    estimate"). Raises PermissionDenied for someone who may not change the plan,
    ValidationError for a closed project (no key) or bad rows (keys from :func:`error_key`),
    and StaleEstimatesError when a changed row's task was saved by someone else meanwhile.
    Returns the tasks saved.
    """
    if not policy.can_change_project(by, project):
        raise PermissionDenied
    locked = Project.objects.select_for_update().get(pk=project.pk)
    ensure_open_for_planning(locked)

    ids = [row.task_id for row in rows]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("A task is listed twice: reload the page and try again."))
    tasks = {
        task.pk: task
        for task in Task.objects.select_for_update(of=("self",))
        .select_related("parent")
        .filter(project=locked, pk__in=ids)
    }
    phases = set(
        Task.objects.filter(parent_id__in=ids).values_list("parent_id", flat=True).distinct()
    )

    errors: dict[str, list[str]] = {}
    stale: dict[int, StaleObjectError] = {}
    changed: list[tuple[Task, int]] = []
    for row in rows:
        task = tasks.get(row.task_id)
        if task is None:
            errors[error_key(row.task_id)] = [
                _("This task is no longer in the plan: reload the page.")
            ]
            continue
        if task.pk in phases:
            errors[error_key(task.pk)] = [_("A phase takes this from its tasks.")]
            continue
        if task.duration_days == 0:
            errors[error_key(task.pk)] = [
                _("A milestone has no duration to estimate: it stays at 0 days.")
            ]
            continue
        before = len(errors)
        for field in ESTIMATE_FIELDS:
            _check_number(getattr(row, field), errors, error_key(task.pk, field))
        if len(errors) > before:
            continue
        if (task.optimistic_days, task.pessimistic_days) == (
            row.optimistic_days,
            row.pessimistic_days,
        ):
            continue
        if task.version != row.version:
            stale[task.pk] = StaleObjectError(task, changes_since_version(task, row.version))
            continue
        task.optimistic_days = row.optimistic_days
        task.pessimistic_days = row.pessimistic_days
        try:
            task.clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[error_key(task.pk, field if field in ESTIMATE_FIELDS else None)] = messages
            continue
        changed.append((task, row.version))
    if stale:
        raise StaleEstimatesError(stale)
    if errors:
        raise ValidationError(errors)
    for task, version in changed:
        save_versioned(
            instance=task, expected_version=version, by=by, reason=_("Three-point estimate")
        )
    return [task for task, _version in changed]

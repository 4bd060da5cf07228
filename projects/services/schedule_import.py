"""Importing a schedule file: parse against the project (nothing saved), then apply.

``schedule_import_parse`` reads the file with what the project knows (its team for
assignees, its calendar for durations, its start for milestone dates) and returns the
records with row-level issues; the preview page shows them. ``schedule_import_apply``
saves tasks, dependencies and milestones in one transaction, all or nothing, after the
user confirmed a preview without errors.

Saving 1,000 rows one by one would take thousands of queries, so rows are validated with
``full_clean`` (fields and ``clean``; the checks the database constraints make were done on
the records) and inserted level by level with ``bulk_create_with_history``, which records
``by`` as the author of every row as ``create_versioned`` does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from pmo.core import policy
from pmo.core.locking import create_versioned
from projects.models import Dependency, Milestone, Project, Task
from projects.schedule_io import parse_schedule
from projects.schedule_io.records import (
    MILESTONE,
    PHASE,
    ImportContext,
    ParsedSchedule,
    TaskRecord,
    people_index,
)
from projects.services.core import ensure_open_for_planning
from projects.services.schedule import calendar_of, renumber_outline, reschedule_project

MODES = ("append",)


@dataclass(frozen=True)
class ImportResult:
    tasks: int
    dependencies: int
    milestones: int


def _team(project: Project) -> list:
    """The people tasks may be assigned to: the manager and the team (services.schedule)."""
    User = get_user_model()
    return list(
        User.objects.filter(
            pk__in=[
                project.project_manager_id,
                *project.memberships.values_list("user_id", flat=True),
            ]
        ).order_by("pk")
    )


def import_context(project: Project) -> ImportContext:
    people = people_index((u.username, u.email, u.get_full_name()) for u in _team(project))
    return ImportContext(
        people=people,
        calendar=calendar_of(project),
        project_start=project.planned_start,
        today=timezone.localdate(),
    )


def schedule_import_parse(*, project: Project, data: bytes, filename: str) -> ParsedSchedule:
    """Read an uploaded file for ``project``; raises ImportFileError for an unusable file."""
    return parse_schedule(data, filename=filename, context=import_context(project))


def _task_from(record: TaskRecord, *, project, parent, position, assignee, by) -> Task:
    is_phase = record.kind == PHASE
    task = Task(
        project=project,
        parent=parent,
        position=position,
        name=record.name,
        description=record.description,
        duration_days=record.duration_days,
        planned_start=None if is_phase else record.start_no_earlier_than,
        assignee=assignee,
        percent_complete=0 if is_phase else record.percent_complete,
        estimated_effort_hours=None if is_phase else record.estimated_effort_hours,
        created_by=by,
        version=1,
    )
    try:
        # Foreign keys are known rows (project locked, team checked, parent created first):
        # validating them would cost a query each.
        task.full_clean(
            exclude=["project", "parent", "assignee", "created_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        raise ValidationError(
            _("Row %(row)s (%(outline)s %(name)s): %(problem)s")
            % {
                "row": record.row,
                "outline": record.outline,
                "name": record.name,
                "problem": "; ".join(error.messages),
            }
        ) from error
    return task


@transaction.atomic
def schedule_import_apply(
    *, project: Project, by, parsed: ParsedSchedule, mode: str = "append"
) -> ImportResult:
    """Add the parsed WBS after the project's existing top-level tasks, all or nothing.

    Creates the tasks (phases first), their dependencies and a milestone for each
    milestone row (its date from the file, else the scheduled one; owner the assignee, else
    the project manager), then renumbers the outline and reschedules the project. Raises
    PermissionDenied, or ValidationError when the file has errors, the project is closed,
    an assignee left the team since the preview, or the links close a cycle with nothing
    saved.
    """
    if mode not in MODES:
        raise ValueError(f"Unknown import mode {mode!r}")
    if not policy.can_change_project(by, project):
        raise PermissionDenied
    project = (
        Project.objects.select_for_update().select_related("project_manager").get(pk=project.pk)
    )
    ensure_open_for_planning(project)
    if parsed.has_errors:
        raise ValidationError(
            _("The file has %(n)d errors: correct them and upload it again.")
            % {"n": len(parsed.errors)}
        )
    if not parsed.tasks:
        raise ValidationError(_("The file has no tasks to import."))

    team = {user.username: user for user in _team(project)}
    missing = sorted({r.assignee for r in parsed.tasks if r.assignee and r.assignee not in team})
    if missing:
        raise ValidationError(
            _("No longer on the team: %(names)s. Upload the file again.")
            % {"names": ", ".join(missing)}
        )

    # History keeps at most 100 characters of reason (django-simple-history's column).
    reason = (_("Imported from %(file)s") % {"file": parsed.filename or parsed.source})[:100]
    last = Task.objects.filter(project=project, parent=None).aggregate(n=Max("position"))["n"]
    next_position: dict[str | None, int] = {None: (last or 0) + 1}
    created: dict[str, Task] = {}
    by_level: dict[int, list[tuple[TaskRecord, Task]]] = {}
    for record in parsed.tasks:  # in WBS order: a phase comes before its tasks
        parent = created[record.parent] if record.parent else None
        position = next_position.get(record.parent, 1)
        next_position[record.parent] = position + 1
        task = _task_from(
            record,
            project=project,
            parent=parent,
            position=position,
            assignee=team.get(record.assignee),
            by=by,
        )
        created[record.outline] = task
        by_level.setdefault(record.level, []).append((record, task))
    for level in sorted(by_level):
        rows = by_level[level]
        for _record, task in rows:
            task.parent_id = task.parent.pk if task.parent else None
        bulk_create_with_history(
            [task for _record, task in rows],
            Task,
            batch_size=500,
            default_user=by,
            default_change_reason=reason,
        )

    links = [
        Dependency(
            predecessor=created[link.predecessor],
            successor=created[record.outline],
            type=link.type,
            lag_days=link.lag_days,
            created_by=by,
        )
        for record in parsed.tasks
        for link in record.predecessors
    ]
    for link in links:
        link.full_clean(
            exclude=["predecessor", "successor", "created_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    bulk_create_with_history(
        links, Dependency, batch_size=500, default_user=by, default_change_reason=reason
    )

    renumber_outline(project=project)
    reschedule_project(project=project)

    milestone_records = [r for r in parsed.tasks if r.kind == MILESTONE]
    scheduled = dict(
        Task.objects.filter(pk__in=[created[r.outline].pk for r in milestone_records]).values_list(
            "pk", "early_start"
        )
    )
    for record in milestone_records:
        task = created[record.outline]
        when = record.date or scheduled.get(task.pk) or project.planned_start
        milestone = Milestone(
            project=project,
            name=record.name,
            description=record.description,
            owner=team.get(record.assignee) or project.project_manager,
            forecast_date=when,
            actual_date=when if record.percent_complete == 100 and record.date else None,
            task=task,
        )
        create_versioned(instance=milestone, by=by, reason=reason)
    return ImportResult(
        tasks=len(created), dependencies=len(links), milestones=len(milestone_records)
    )

"""Writes to milestones: create, edit, the PM's quick update, mark achieved, delete.

Who may write: the project's manager, team members who can edit the plan, and PMO staff
(``policy.can_change_project``); the milestone's owner may also move its forecast and
mark it achieved (``can_update_milestone``). Nothing changes on a closed or cancelled
project. Every write goes through ``pmo.core.locking`` so that the history records who
changed what, with the comment as the change's reason.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.core import policy
from pmo.core.locking import create_versioned, save_versioned
from projects.models import Deliverable, Milestone, Project
from projects.services.core import ensure_open_for_planning

COMMENT_MAX_LENGTH = Milestone._meta.get_field("status_comment").max_length
# Fields a full edit may set; deliverables are handled separately (many-to-many).
EDITABLE_FIELDS = ("name", "description", "owner", "forecast_date", "actual_date", "status_comment")


def can_edit_milestones(user, project: Project) -> bool:
    """Create, edit and delete milestones: whoever may change the project's plan."""
    return policy.can_change_project(user, project)


def can_update_milestone(user, milestone: Milestone, *, can_change: bool | None = None) -> bool:
    """Move the forecast or mark achieved: plan editors, and the milestone's own owner.

    ``can_change`` lets a list page pass what it already knows about the project, so
    that asking for each row costs no query.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if milestone.owner_id == user.pk:
        return True
    if can_change is None:
        can_change = policy.can_change_project(user, milestone.project)
    return can_change


def _allowed_owner_ids(project: Project) -> set[int]:
    return {project.project_manager_id, *project.memberships.values_list("user_id", flat=True)}


def _check_dates(project: Project, *, forecast, actual, errors: dict) -> None:
    if forecast is not None and forecast < project.planned_start:
        errors.setdefault("forecast_date", []).append(
            _("The forecast cannot be before the project's planned start (%(start)s).")
            % {"start": project.planned_start.isoformat()}
        )
    if actual is not None:
        today = timezone.localdate()
        if actual > today:
            errors.setdefault("actual_date", []).append(
                _("The actual date cannot be in the future (today is %(today)s).")
                % {"today": today.isoformat()}
            )
        elif actual < project.planned_start:
            errors.setdefault("actual_date", []).append(
                _("The actual date cannot be before the project's planned start (%(start)s).")
                % {"start": project.planned_start.isoformat()}
            )


def _validate(milestone: Milestone, deliverables) -> None:
    project = milestone.project
    errors: dict[str, list] = {}
    if milestone.owner_id and milestone.owner_id not in _allowed_owner_ids(project):
        errors["owner"] = [_("The owner must be the project manager or on the project's team.")]
    _check_dates(
        project, forecast=milestone.forecast_date, actual=milestone.actual_date, errors=errors
    )
    if deliverables is not None:
        foreign = [d for d in deliverables if d.project_id != project.pk]
        if foreign:
            errors["deliverables"] = [
                _("Only deliverables of %(code)s can be linked: %(names)s.")
                % {"code": project.code, "names": ", ".join(str(d) for d in foreign)}
            ]
    if errors:
        raise ValidationError(errors)


def _clean_comment(comment: str, *, required: bool) -> str:
    comment = (comment or "").strip()
    if required and not comment:
        raise ValidationError(
            {"comment": _("Say what changed and why; the comment is kept in the history.")}
        )
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "comment": _("Keep the comment to %(max)d characters (it has %(n)d).")
                % {"max": COMMENT_MAX_LENGTH, "n": len(comment)}
            }
        )
    return comment


def _split_data(data: dict) -> tuple[dict, list[Deliverable] | None]:
    data = dict(data)
    deliverables = data.pop("deliverables", None)
    reason = data.pop("reason", "")
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    data["_reason"] = reason
    return data, (list(deliverables) if deliverables is not None else None)


@transaction.atomic
def milestone_create(*, project: Project, by, data: dict) -> Milestone:
    """A new milestone; ``data`` holds the model's editable fields and ``deliverables``."""
    if not can_edit_milestones(by, project):
        raise PermissionDenied
    ensure_open_for_planning(project)
    fields, deliverables = _split_data(data)
    reason = fields.pop("_reason") or _("Milestone created")
    milestone = Milestone(project=project, **fields)
    _validate(milestone, deliverables)
    create_versioned(instance=milestone, by=by, reason=reason)
    if deliverables:
        milestone.deliverables.set(deliverables)
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, by, data: dict, expected_version: int) -> Milestone:
    """The full edit. ``data`` may carry ``reason``, recorded as the change's reason."""
    project = milestone.project
    if not can_edit_milestones(by, project):
        raise PermissionDenied
    ensure_open_for_planning(project)
    fields, deliverables = _split_data(data)
    reason = fields.pop("_reason")
    for name, value in fields.items():
        setattr(milestone, name, value)
    _validate(milestone, deliverables)
    save_versioned(instance=milestone, expected_version=expected_version, by=by, reason=reason)
    if deliverables is not None:
        milestone.deliverables.set(deliverables)
    return milestone


def _check_quick_update(milestone: Milestone, by) -> None:
    if not can_update_milestone(by, milestone):
        raise PermissionDenied
    ensure_open_for_planning(milestone.project)


@transaction.atomic
def milestone_update_forecast(
    *, milestone: Milestone, forecast: datetime.date, comment: str, by, expected_version: int
) -> Milestone:
    """The PM's quick update: a new forecast date and a status comment (required).

    The comment becomes the history record's change reason, so the milestone's history
    shows why each forecast moved.
    """
    _check_quick_update(milestone, by)
    comment = _clean_comment(comment, required=True)
    if milestone.actual_date is not None:
        raise ValidationError(
            {
                "forecast_date": _(
                    "This milestone was achieved on %(date)s; its forecast no longer moves. "
                    "Correct its dates with the full edit if they are wrong."
                )
                % {"date": milestone.actual_date.isoformat()}
            }
        )
    if forecast is None:
        raise ValidationError({"forecast_date": _("Enter the forecast date.")})
    errors: dict[str, list] = {}
    _check_dates(milestone.project, forecast=forecast, actual=None, errors=errors)
    if errors:
        raise ValidationError(errors)
    milestone.forecast_date = forecast
    milestone.status_comment = comment
    return save_versioned(
        instance=milestone, expected_version=expected_version, by=by, reason=comment
    )


@transaction.atomic
def milestone_mark_achieved(
    *, milestone: Milestone, actual: datetime.date, comment: str, by, expected_version: int
) -> Milestone:
    """Record the actual date (not in the future, not before the project's start)."""
    _check_quick_update(milestone, by)
    comment = _clean_comment(comment, required=False)
    if actual is None:
        raise ValidationError({"actual_date": _("Enter the date it was achieved.")})
    if milestone.actual_date is not None:
        raise ValidationError(
            {
                "actual_date": _("This milestone was already achieved on %(date)s.")
                % {"date": milestone.actual_date.isoformat()}
            }
        )
    errors: dict[str, list] = {}
    _check_dates(milestone.project, forecast=None, actual=actual, errors=errors)
    if errors:
        raise ValidationError(errors)
    milestone.actual_date = actual
    if comment:
        milestone.status_comment = comment
    reason = comment or _("Marked achieved on %(date)s") % {"date": actual.isoformat()}
    return save_versioned(
        instance=milestone, expected_version=expected_version, by=by, reason=reason
    )


def milestone_links(milestone: Milestone) -> list[str]:
    """What still refers to this milestone, in words; deleting it would lose these."""
    links = []
    count = milestone.deliverables.count()
    if count:
        links.append(
            _("%(n)d linked deliverable(s)") % {"n": count},
        )
    if milestone.task_id:
        links.append(_("its task in the schedule"))
    if milestone.baseline_date is not None:
        links.append(_("a saved baseline"))
    return links


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by) -> None:
    """Delete a milestone that nothing refers to yet (a mistake made today, say)."""
    project = milestone.project
    if not can_edit_milestones(by, project):
        raise PermissionDenied
    ensure_open_for_planning(project)
    links = milestone_links(milestone)
    if links:
        raise ValidationError(
            _("“%(name)s” cannot be deleted: it is referred to by %(links)s.")
            % {"name": milestone.name, "links": "; ".join(links)}
        )
    milestone._history_user = by
    milestone._change_reason = _("Milestone deleted")
    milestone.delete()

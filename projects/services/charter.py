"""Writes to the charter and its SMART objectives: editing, submission, approval, revisions.

Who may do what:
- the project manager, team members with the edit right and PMO staff edit the charter and
  its objectives and submit it for approval (``policy.can_change_project``);
- the project's sponsor approves it or returns it to draft. PMO staff stand in for the
  sponsor only when the project has no sponsor: an approval must come from the person
  accountable for the business case, and the PMO is not that person when a sponsor is named.
  Everybody else, the project manager included, is refused.

Approval freezes a ``CharterRevision`` (the charter's text and its objectives as JSON).
Editing an approved charter, or one of its objectives, starts the next revision as a draft;
the approved revision stays readable. Editing a submitted charter takes it back to draft, so
that the sponsor never approves a text that changed after they read it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.core import policy, roles
from pmo.core.history import changes_since_version
from pmo.core.locking import StaleObjectError, create_versioned, save_versioned
from projects.models import Charter, CharterRevision, Project, SmartObjective
from projects.services.core import ensure_open_for_planning

TEXT_FIELDS = ("business_case", "assumptions", "constraints", "success_criteria")
OBJECTIVE_FIELDS = (
    "outcome",
    "metric",
    "unit",
    "baseline_value",
    "target_value",
    "achievability",
    "relevance",
    "owner",
    "due_date",
)
COMMENT_MAX_LENGTH = 2000
SNAPSHOT_SCHEMA = 1


# --- Who may do what ---------------------------------------------------------------------
def can_edit_charter(user, project: Project) -> bool:
    return policy.can_change_project(user, project)


def can_approve_charter(user, project: Project) -> bool:
    """The sponsor; PMO staff only for a project without a sponsor (see the module doc)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if project.sponsor_id is not None:
        return user.pk == project.sponsor_id
    return user.has_role(roles.PMO)


def _require_editor(by, project: Project) -> None:
    if not can_edit_charter(by, project):
        raise PermissionDenied
    ensure_open_for_planning(project)


def _require_approver(by, project: Project) -> None:
    if not can_approve_charter(by, project):
        raise PermissionDenied
    ensure_open_for_planning(project)


# --- The charter ---------------------------------------------------------------------------
@transaction.atomic
def charter_get_or_create(*, project: Project, by) -> Charter:
    """The project's charter, locked for this transaction; created (empty draft) if missing."""
    _require_editor(by, project)
    charter = Charter.objects.select_for_update().filter(project=project).first()
    if charter is not None:
        return charter
    try:
        with transaction.atomic():
            create_versioned(instance=Charter(project=project), by=by, reason=_("Charter started"))
    except IntegrityError:
        # Someone else started it at the same moment: use theirs.
        pass
    return Charter.objects.select_for_update().get(project=project)


def _reopen(charter: Charter) -> str:
    """Move an approved or submitted charter back to draft; say why, for the history."""
    if charter.state == Charter.State.APPROVED:
        charter.revision += 1
        charter.state = Charter.State.DRAFT
        return _("Revision %(n)s started as a draft") % {"n": charter.revision}
    if charter.state == Charter.State.SUBMITTED:
        charter.state = Charter.State.DRAFT
        return _("Changed while awaiting approval: back to draft")
    return ""


def _reopen_after_objective_change(charter: Charter, by) -> None:
    reason = _reopen(charter)
    if reason:
        save_versioned(instance=charter, expected_version=charter.version, by=by, reason=reason)


@transaction.atomic
def charter_update(*, project: Project, by, data: dict, expected_version: int | None) -> Charter:
    """Save the charter's text. ``expected_version`` None means "loaded before it existed"."""
    _require_editor(by, project)
    charter = charter_get_or_create(project=project, by=by)
    changed = False
    for name in TEXT_FIELDS:
        if name in data and getattr(charter, name) != data[name]:
            setattr(charter, name, data[name])
            changed = True
    reason = _reopen(charter) if changed else ""
    return save_versioned(
        instance=charter,
        expected_version=expected_version or 1,
        by=by,
        reason=reason,
    )


def _locked_charter(project: Project, expected_version: int) -> Charter:
    """The charter, locked; stale before anything else, so the user learns what changed."""
    charter = Charter.objects.select_for_update().filter(project=project).first()
    if charter is None:
        raise ValidationError(_("This project has no charter yet: write it first."))
    if charter.version != expected_version:
        raise StaleObjectError(charter, changes_since_version(charter, expected_version))
    return charter


@transaction.atomic
def charter_submit(*, project: Project, by, expected_version: int) -> Charter:
    _require_editor(by, project)
    charter = _locked_charter(project, expected_version)
    if charter.state != Charter.State.DRAFT:
        raise ValidationError(_("Only a draft charter can be submitted for approval."))
    missing = []
    if not charter.business_case.strip():
        missing.append(_("Write the business case before submitting the charter."))
    if not project.objectives.exists():
        missing.append(_("Add at least one SMART objective before submitting the charter."))
    if missing:
        raise ValidationError(missing)
    charter.state = Charter.State.SUBMITTED
    return save_versioned(
        instance=charter,
        expected_version=expected_version,
        by=by,
        reason=_("Revision %(n)s submitted for approval") % {"n": charter.revision},
    )


def charter_snapshot(charter: Charter) -> dict:
    """The charter's text and objectives as plain JSON, frozen into an approved revision."""
    objectives = charter.project.objectives.select_related("owner").order_by("position", "pk")
    return {
        "schema": SNAPSHOT_SCHEMA,
        "revision": charter.revision,
        "project": {"code": charter.project.code, "name": charter.project.name},
        **{name: getattr(charter, name) for name in TEXT_FIELDS},
        "objectives": [
            {
                "id": o.pk,
                "outcome": o.outcome,
                "metric": o.metric,
                "unit": o.unit,
                "baseline_value": None if o.baseline_value is None else str(o.baseline_value),
                "target_value": str(o.target_value),
                "achievability": o.achievability,
                "relevance": o.relevance,
                "owner_id": o.owner_id,
                "owner": str(o.owner),
                "due_date": o.due_date.isoformat(),
            }
            for o in objectives
        ],
    }


@transaction.atomic
def charter_approve(*, project: Project, by, expected_version: int) -> CharterRevision:
    """Approve the submitted revision: record who and when, freeze its content."""
    _require_approver(by, project)
    charter = _locked_charter(project, expected_version)
    if charter.state != Charter.State.SUBMITTED:
        raise ValidationError(_("Only a charter submitted for approval can be approved."))
    charter.state = Charter.State.APPROVED
    save_versioned(
        instance=charter,
        expected_version=expected_version,
        by=by,
        reason=_("Revision %(n)s approved") % {"n": charter.revision},
    )
    revision = CharterRevision(
        charter=charter,
        number=charter.revision,
        snapshot=charter_snapshot(charter),
        approved_by=by,
        approved_at=timezone.now(),
    )
    revision.full_clean()
    revision.save()
    return revision


@transaction.atomic
def charter_reject(*, project: Project, by, expected_version: int, comment: str) -> Charter:
    """Return a submitted charter to draft with the approver's comment (kept in history)."""
    _require_approver(by, project)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what must change before you can approve.")})
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"comment": _("Keep the comment under %(n)s characters.") % {"n": COMMENT_MAX_LENGTH}}
        )
    charter = _locked_charter(project, expected_version)
    if charter.state != Charter.State.SUBMITTED:
        raise ValidationError(_("Only a charter submitted for approval can be returned."))
    charter.state = Charter.State.DRAFT
    return save_versioned(
        instance=charter,
        expected_version=expected_version,
        by=by,
        reason=_("Returned to draft: %(comment)s") % {"comment": comment},
    )


# --- SMART objectives ----------------------------------------------------------------------
def _check_objective_dates(project: Project, data: dict) -> None:
    due = data.get("due_date")
    if due is not None and due < project.planned_start:
        raise ValidationError(
            {
                "due_date": _("The due date cannot be before the project starts (%(d)s).")
                % {"d": project.planned_start.isoformat()}
            }
        )


@transaction.atomic
def objective_create(*, project: Project, by, data: dict) -> SmartObjective:
    _require_editor(by, project)
    _check_objective_dates(project, data)
    charter = charter_get_or_create(project=project, by=by)
    last = project.objectives.aggregate(last=Max("position"))["last"] or 0
    objective = SmartObjective(project=project, position=last + 1)
    for name in OBJECTIVE_FIELDS:
        if name in data:
            setattr(objective, name, data[name])
    create_versioned(instance=objective, by=by)
    _reopen_after_objective_change(charter, by)
    return objective


@transaction.atomic
def objective_update(
    *, objective: SmartObjective, by, data: dict, expected_version: int
) -> SmartObjective:
    project = objective.project
    _require_editor(by, project)
    _check_objective_dates(project, data)
    charter = charter_get_or_create(project=project, by=by)
    # Compare with the stored row: a bound form may already have copied its data onto
    # ``objective``.
    stored = SmartObjective.objects.filter(pk=objective.pk).first()
    if stored is None:
        raise ValidationError(_("This objective was removed meanwhile."))
    changed = any(name in data and getattr(stored, name) != data[name] for name in OBJECTIVE_FIELDS)
    for name in OBJECTIVE_FIELDS:
        if name in data:
            setattr(objective, name, data[name])
    save_versioned(instance=objective, expected_version=expected_version, by=by)
    if changed:
        _reopen_after_objective_change(charter, by)
    return objective


@transaction.atomic
def objective_delete(*, objective: SmartObjective, by) -> None:
    project = objective.project
    _require_editor(by, project)
    charter = charter_get_or_create(project=project, by=by)
    objective._history_user = by
    objective.delete()
    _reopen_after_objective_change(charter, by)

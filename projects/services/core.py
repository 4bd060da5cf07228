"""Writes to portfolios, programs, projects and memberships. The only place that saves them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pmo.core import policy
from pmo.core.locking import create_versioned, save_versioned
from pmo.core.models import Sequence
from projects.models import Portfolio, Program, Project, ProjectMembership

PROJECT_SEQUENCE = "project-code"


def _apply(instance, data: dict):
    for name, value in data.items():
        setattr(instance, name, value)


def next_project_code() -> str:
    """The next free PRJ-number; skips numbers someone already typed by hand."""
    while True:
        code = f"{Project.CODE_PREFIX}-{Sequence.next_value(PROJECT_SEQUENCE):04d}"
        if not Project.objects.filter(code=code).exists():
            return code


@transaction.atomic
def project_create(*, by, data: dict) -> Project:
    if not policy.can_create_project(by):
        raise PermissionDenied
    project = Project()
    _apply(project, data)
    if not project.code:
        project.code = next_project_code()
    try:
        with transaction.atomic():
            return create_versioned(instance=project, by=by, reason=_("Project created"))
    except IntegrityError as exc:
        # Two people taking the same hand-typed code at the same moment.
        raise ValidationError({"code": _("A project with this code already exists.")}) from exc


@transaction.atomic
def project_update(*, project: Project, by, data: dict, expected_version: int) -> Project:
    if not policy.can_change_project(by, project):
        raise PermissionDenied
    _apply(project, data)
    return save_versioned(instance=project, expected_version=expected_version, by=by)


def _save_by_pmo(instance, *, by, data: dict, expected_version: int | None):
    """Portfolios and programs: only PMO staff shape the portfolio structure."""
    if not policy.can_manage_portfolios(by):
        raise PermissionDenied
    _apply(instance, data)
    if instance.pk is None:
        return create_versioned(instance=instance, by=by)
    return save_versioned(instance=instance, expected_version=expected_version, by=by)


@transaction.atomic
def portfolio_save(*, portfolio: Portfolio, by, data: dict, expected_version: int | None):
    return _save_by_pmo(portfolio, by=by, data=data, expected_version=expected_version)


@transaction.atomic
def program_save(*, program: Program, by, data: dict, expected_version: int | None):
    return _save_by_pmo(program, by=by, data=data, expected_version=expected_version)


@transaction.atomic
def membership_add(*, project: Project, by, user, role: str, can_edit: bool) -> ProjectMembership:
    if not policy.can_change_project(by, project):
        raise PermissionDenied
    if user.pk == project.project_manager_id:
        raise ValidationError({"user": _("The project manager is already on the project.")})
    if project.memberships.filter(user=user).exists():
        raise ValidationError({"user": _("This person is already a member of the project.")})
    membership = ProjectMembership(project=project, user=user, role=role, can_edit=can_edit)
    return create_versioned(instance=membership, by=by)


@transaction.atomic
def membership_update(
    *, membership: ProjectMembership, by, role: str, can_edit: bool, expected_version: int
) -> ProjectMembership:
    if not policy.can_change_project(by, membership.project):
        raise PermissionDenied
    membership.role = role
    membership.can_edit = can_edit
    return save_versioned(instance=membership, expected_version=expected_version, by=by)


@transaction.atomic
def membership_remove(*, membership: ProjectMembership, by) -> None:
    if not policy.can_change_project(by, membership.project):
        raise PermissionDenied
    membership._history_user = by
    membership.delete()


def ensure_open_for_planning(project: Project) -> None:
    """Closed and cancelled projects keep their plan as it was: refuse further changes."""
    if project.is_closed:
        raise ValidationError(
            _("%(code)s is %(status)s: its plan can no longer change.")
            % {"code": project.code, "status": project.get_status_display().lower()}
        )

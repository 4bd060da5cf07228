"""The permission policy: who may see and change what. Every view goes through here.

Actions are ``"view"`` and ``"change"``. Querysets are narrowed on the server with
``*_for_user`` functions; single objects are fetched with ``get_*_for_user`` which
raise ``Http404`` when the object is invisible to the user and ``PermissionDenied``
when it is visible but the action is not allowed.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from pmo.core import roles

VIEW = "view"
CHANGE = "change"
ACTIONS = (VIEW, CHANGE)


def _check_action(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")


def involvement_q(user) -> Q:
    """Projects a user manages, sponsors or is a member of."""
    from projects.models import ProjectMembership

    member_of = ProjectMembership.objects.filter(user=user).values("project_id")
    return Q(project_manager=user) | Q(sponsor=user) | Q(pk__in=member_of)


def _in_working_portfolios(user, field: str) -> Q:
    """Rows whose ``field`` is a portfolio where the user runs a project or a program."""
    from projects.models import Program, Project

    via_projects = Project.objects.filter(involvement_q(user)).order_by().values("portfolio_id")
    via_programs = Program.objects.filter(manager=user).order_by().values("portfolio_id")
    return Q(**{f"{field}__in": via_projects}) | Q(**{f"{field}__in": via_programs})


# --- Projects ----------------------------------------------------------------------------
def projects_for_user(qs: QuerySet, user, action: str = VIEW) -> QuerySet:
    _check_action(action)
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if action == VIEW:
        if user.has_role(*roles.READ_ALL):
            return qs
        if user.has_role(roles.PM):
            # A PM sees everything in the portfolios they work in (DESIGN.md section 1).
            return qs.filter(_in_working_portfolios(user, "portfolio_id") | involvement_q(user))
        return qs.filter(involvement_q(user))
    if user.has_role(roles.PMO):
        return qs
    if user.has_role(roles.PM, roles.MEMBER):
        from projects.models import ProjectMembership

        editors = ProjectMembership.objects.filter(user=user, can_edit=True).values("project_id")
        return qs.filter(Q(project_manager=user) | Q(pk__in=editors))
    return qs.none()


def can_create_project(user) -> bool:
    return user.is_authenticated and user.has_role(roles.PMO, roles.PM)


def get_project_for_user(user, code: str, action: str = VIEW, queryset: QuerySet | None = None):
    from projects.models import Project

    qs = queryset if queryset is not None else Project.objects.all()
    project = projects_for_user(qs, user, VIEW).filter(code=code).first()
    if project is None:
        raise Http404("No such project")
    if action != VIEW and not can_change_project(user, project):
        raise PermissionDenied
    return project


def can_change_project(user, project) -> bool:
    from projects.models import Project

    if not user.is_authenticated:
        return False
    if user.has_role(roles.PMO):
        return True
    return projects_for_user(Project.objects.filter(pk=project.pk), user, CHANGE).exists()


# --- Portfolios and programs -------------------------------------------------------------
def portfolios_for_user(qs: QuerySet, user, action: str = VIEW) -> QuerySet:
    _check_action(action)
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.has_role(roles.PMO):
        return qs
    if action == CHANGE:
        return qs.none()
    if user.has_role(*roles.READ_ALL):
        return qs
    return qs.filter(_in_working_portfolios(user, "pk") | Q(owner=user))


def programs_for_user(qs: QuerySet, user, action: str = VIEW) -> QuerySet:
    _check_action(action)
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.has_role(roles.PMO):
        return qs
    if action == CHANGE:
        return qs.none()
    if user.has_role(*roles.READ_ALL):
        return qs
    return qs.filter(
        _in_working_portfolios(user, "portfolio_id") | Q(manager=user) | Q(portfolio__owner=user)
    )


def is_pmo_staff(user) -> bool:
    """PMO staff set the organisation's standards: the portfolio structure, stage-gate
    checklists, working calendars and the methodology library."""
    return user.is_authenticated and user.is_active and user.has_role(roles.PMO)


def require_pmo_staff(user) -> None:
    if not is_pmo_staff(user):
        raise PermissionDenied


def can_manage_portfolios(user) -> bool:
    return is_pmo_staff(user)


def _get_scoped(scope_fn, queryset: QuerySet, user, code: str, action: str):
    """Fetch by code within what the user may view; refuse the action if not allowed."""
    obj = scope_fn(queryset, user, VIEW).filter(code=code).first()
    if obj is None:
        raise Http404("Not found")
    if action != VIEW and not scope_fn(queryset.model.objects.filter(pk=obj.pk), user, action):
        raise PermissionDenied
    return obj


def get_portfolio_for_user(user, code: str, action: str = VIEW):
    from projects.models import Portfolio

    return _get_scoped(
        portfolios_for_user, Portfolio.objects.select_related("owner"), user, code, action
    )


def get_program_for_user(user, code: str, action: str = VIEW):
    from projects.models import Program

    return _get_scoped(
        programs_for_user,
        Program.objects.select_related("portfolio", "manager"),
        user,
        code,
        action,
    )


def is_sponsor_or_pmo(user, project) -> bool:
    """Who decides for a project (gates, deliverable acceptance, change requests, baselines
    those decisions move): its named sponsor, or PMO staff. The project manager does not."""
    if not user.is_authenticated or not user.is_active:
        return False
    return project.sponsor_id == user.pk or user.has_role(roles.PMO)

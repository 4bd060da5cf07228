"""Who may see and change which register, risk and issue (on top of ``pmo.core.policy``).

- A project's register is seen by whoever sees the project; a program's or portfolio's
  own register by whoever sees that program or portfolio.
- Registers are managed (any risk edited, triaged, assessed) by the project's plan editors
  (its manager, team members with the edit right), the program manager, the portfolio
  owner, and PMO staff.
- A risk's owner updates that risk (assess, respond, review) without managing the register.
- Other team members propose risks; executives and resource managers only read.

``get_*_for_user`` answer 404 for what the user may not see, 403 for what they may not do.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from pmo.core import policy, roles
from risks.registers import Register, register_of

VIEW = "view"
PROPOSE = "propose"  # add a proposed risk to the register
UPDATE = "update"  # change one risk or issue (its owner, or a register manager)
MANAGE = "manage"  # change anything in the register
ACTIONS = (VIEW, PROPOSE, UPDATE, MANAGE)


def visible_q(user) -> Q:
    """Rows (risks, issues, sessions) in registers the user may see."""
    from projects.models import Portfolio, Program, Project

    projects = policy.projects_for_user(Project.objects.all(), user).order_by().values("pk")
    programs = policy.programs_for_user(Program.objects.all(), user).order_by().values("pk")
    portfolios = policy.portfolios_for_user(Portfolio.objects.all(), user).order_by().values("pk")
    return Q(project__in=projects) | Q(program__in=programs) | Q(portfolio__in=portfolios)


def for_user(qs: QuerySet, user) -> QuerySet:
    """Narrow a queryset of risks, issues or sessions to what the user may see."""
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.has_role(*roles.READ_ALL):
        return qs
    return qs.filter(visible_q(user))


# --- Registers ---------------------------------------------------------------------------
def can_manage_register(user, register: Register) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_role(roles.PMO):
        return True
    obj = register.obj
    if register.kind == "project":
        return policy.can_change_project(user, obj)
    if register.kind == "program":
        return obj.manager_id == user.pk
    return obj.owner_id == user.pk


def can_propose(user, register: Register) -> bool:
    """Managers add risks directly; the project's team proposes them for triage."""
    if can_manage_register(user, register):
        return True
    if register.kind != "project" or not user.has_role(roles.PM, roles.MEMBER):
        return False
    return register.obj.memberships.filter(user=user).exists()


def get_register_for_user(user, kind: str, code: str, action: str = VIEW) -> Register:
    if kind == "project":
        register = Register(kind, policy.get_project_for_user(user, code))
    elif kind == "program":
        register = Register(kind, policy.get_program_for_user(user, code))
    elif kind == "portfolio":
        register = Register(kind, policy.get_portfolio_for_user(user, code))
    else:
        raise Http404("No such register")
    _require(user, register, action)
    return register


def _require(user, register: Register, action: str, row=None) -> None:
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    if action == VIEW:
        return
    if action == PROPOSE:
        allowed = can_propose(user, register)
    elif action == UPDATE and row is not None:
        allowed = can_update(user, row, register=register)
    else:
        allowed = can_manage_register(user, register)
    if not allowed:
        raise PermissionDenied


# --- Risks and issues --------------------------------------------------------------------
def can_update(user, row, *, register: Register | None = None, can_manage: bool | None = None):
    """A risk or issue may be changed by its owner or by a manager of its register.

    ``can_manage`` lets a list pass what it knows already, so asking per row costs nothing.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if row.owner_id == user.pk and not user.has_role(roles.EXECUTIVE, roles.RESOURCE_MANAGER):
        return True
    if can_manage is None:
        can_manage = can_manage_register(user, register or register_of(row))
    return can_manage


REGISTER_RELATED = ("project", "project__portfolio", "program", "program__portfolio", "portfolio")


def _get_row_for_user(model, user, reference: str, action: str, queryset=None):
    qs = queryset if queryset is not None else model.objects.all()
    row = for_user(qs.select_related(*REGISTER_RELATED), user).filter(reference=reference).first()
    if row is None:
        raise Http404("Not found")
    _require(user, register_of(row), action, row=row)
    return row


def get_risk_for_user(user, reference: str, action: str = VIEW, queryset=None):
    from risks.models import Risk

    return _get_row_for_user(Risk, user, reference, action, queryset)


def get_issue_for_user(user, reference: str, action: str = VIEW, queryset=None):
    from risks.models import Issue

    return _get_row_for_user(Issue, user, reference, action, queryset)


def get_session_for_user(user, pk: int, action: str = VIEW, queryset=None):
    from risks.models import IdentificationSession

    qs = queryset if queryset is not None else IdentificationSession.objects.all()
    row = for_user(qs.select_related(*REGISTER_RELATED), user).filter(pk=pk).first()
    if row is None:
        raise Http404("Not found")
    _require(user, register_of(row), MANAGE if action == UPDATE else action)
    return row


def can_configure_matrix(user) -> bool:
    """The matrix, bands, categories and appetites are the PMO's standards."""
    return policy.is_pmo_staff(user)

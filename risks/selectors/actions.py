"""Reads for response and resolution actions, with bounded queries."""

from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from risks import access
from risks.models import Action, ActionStatus, IssueStatus, RiskStatus
from risks.registers import Register

OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)

# The parent row and its register, so that permissions and links cost no further query.
PARENT_RELATED = (
    "owner",
    *(f"risk__{name}" for name in access.REGISTER_RELATED),
    *(f"issue__{name}" for name in access.REGISTER_RELATED),
)


def open_actions_for(user) -> QuerySet:
    """The user's planned and in-progress actions, soonest due first (for "My risks").

    Actions of closed or rejected risks and of closed issues are left out: they can no
    longer change, so they are nobody's to-do.
    """
    return (
        Action.objects.filter(owner=user, status__in=OPEN_STATUSES)
        .exclude(risk__status__in=RiskStatus.final_values())
        .exclude(issue__status=IssueStatus.CLOSED)
        .select_related(*PARENT_RELATED)
        .order_by("due_date", "pk")
    )


def get_action_for_user(user, pk: int) -> Action:
    """The action, if the user may see its risk or issue (404 otherwise)."""
    action = Action.objects.select_related(*PARENT_RELATED).filter(pk=pk).first()
    if action is None:
        raise Http404("No such action")
    parent = action.risk if action.risk_id else action.issue
    visible = access.for_user(type(parent).objects.filter(pk=parent.pk), user).exists()
    if not visible:
        raise Http404("No such action")
    return action


def cost_totals(actions) -> list[tuple[str, Decimal]]:
    """Total cost per currency of ``actions`` (cancelled ones left out), in currency order."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for action in actions:
        if action.cost is not None and action.status != ActionStatus.CANCELLED:
            totals[action.currency] += action.cost
    return sorted(totals.items())


def owner_q(register: Register) -> Q:
    """Who may own an action in this register: a project's manager, sponsor and team;
    anyone active for a program or portfolio (as ``services.risks.allowed_owner_ids``)."""
    if register.kind != "project":
        return Q()
    project = register.obj
    q = Q(pk=project.project_manager_id) | Q(
        pk__in=project.memberships.order_by().values("user_id")
    )
    if project.sponsor_id:
        q |= Q(pk=project.sponsor_id)
    return q


def owner_choices(register: Register) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(owner_q(register))
        .order_by("last_name", "first_name", "username")
    )

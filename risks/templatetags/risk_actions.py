"""Template helpers for action tables, so the risk page's actions cost no extra query."""

from django import template
from django.utils import timezone

from risks.models import ActionStatus
from risks.registers import register_of
from risks.selectors.actions import cost_totals
from risks.services.actions import parent_is_open

register = template.Library()


@register.filter
def action_cost_totals(actions):
    """[(currency, total), ...] of the actions (cancelled ones left out)."""
    return cost_totals(actions)


@register.filter
def actions_can_change(parent) -> bool:
    """The risk or issue still takes changes to its actions (and its register is open)."""
    reg = register_of(parent)
    if reg.kind == "project" and reg.obj.is_closed:
        return False
    return parent_is_open(parent)


@register.filter
def action_is_overdue(action) -> bool:
    return (
        action.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
        and action.due_date is not None
        and action.due_date < timezone.localdate()
    )


@register.simple_tag
def action_statuses():
    """The statuses an action can take, for the inline status change."""
    return ActionStatus.choices


@register.filter
def register_open(row) -> bool:
    """The register holding this risk or issue still takes changes (not a closed project)."""
    reg = register_of(row)
    return not (reg.kind == "project" and reg.obj.is_closed)

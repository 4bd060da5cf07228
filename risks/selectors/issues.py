"""Reads for the issues log and an issue's page, with bounded queries."""

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from risks import access
from risks.models import Action, ActionStatus, Issue, IssueStatus
from risks.registers import Register

OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
# Severity order for sorting, most severe first when descending.
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}

# Status filter values on the log: "open" (every open status, the default), "all", or one.
STATUS_OPEN = "open_all"
STATUS_ALL = "all"


def _open_actions_count() -> Coalesce:
    """Open actions per issue as a correlated subquery (no join multiplying the rows)."""
    counted = (
        Action.objects.filter(issue=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES)
        .order_by()
        .values("issue")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _severity_rank() -> Case:
    return Case(
        *[When(severity=code, then=Value(n)) for code, n in SEVERITY_RANK.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def register_issues(register: Register, user) -> QuerySet:
    """Issues of the register and, for a program or portfolio, of the registers below it."""
    rank = _severity_rank()
    return (
        access.for_user(Issue.objects.filter(register.rollup_q()), user)
        .select_related("owner", "risk", "escalated_to", *access.REGISTER_RELATED)
        .annotate(open_actions=_open_actions_count(), severity_rank=rank)
    )


def filter_issues(qs: QuerySet, *, status: str, severity: str = "", owner=None) -> QuerySet:
    if status == STATUS_OPEN or not status:
        qs = qs.filter(status__in=IssueStatus.open_values())
    elif status != STATUS_ALL:
        qs = qs.filter(status=status)
    if severity:
        qs = qs.filter(severity=severity)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs


def issue_owners(register: Register, user) -> QuerySet:
    """People who own an issue in the log, for the owner filter."""
    owner_ids = (
        access.for_user(Issue.objects.filter(register.rollup_q()), user)
        .order_by()
        .values("owner_id")
    )
    return (
        get_user_model()
        .objects.filter(pk__in=owner_ids)
        .order_by("last_name", "first_name", "username")
    )


def escalated_issues_for(user) -> QuerySet:
    """Open issues escalated to the user (for a "Escalated to me" list), most severe first."""
    rank = _severity_rank()
    return (
        access.for_user(Issue.objects.filter(escalated_to=user, status=IssueStatus.ESCALATED), user)
        .select_related("owner", *access.REGISTER_RELATED)
        .annotate(severity_rank=rank)
        .order_by("-severity_rank", "due_date", "pk")
    )


def issue_detail_queryset() -> QuerySet:
    """An issue with what its page shows: owner, escalation, linked risk, actions."""
    return Issue.objects.select_related(
        "owner", "escalated_to", "risk", "created_by"
    ).prefetch_related(
        Prefetch(
            "actions", queryset=Action.objects.select_related("owner").order_by("due_date", "pk")
        )
    )


def issues_of_risk(risk) -> list:
    """Issues raised from a risk (uses the prefetch when the page made one)."""
    return list(risk.issues.all())

"""Reads for pages and other apps, with their joins and aggregates (bounded queries)."""

from django.db.models import Count, Prefetch, Q

from pmo.core import policy
from projects.models import Health, Portfolio, Program, Project, ProjectMembership, Status

CLOSED_STATUSES = [Status.CLOSED, Status.CANCELLED]


def _health_counts(relation: str = "projects") -> dict:
    """Annotations counting a relation's projects: all, open, and open by health."""
    open_q = ~Q(**{f"{relation}__status__in": CLOSED_STATUSES})
    counts = {
        "project_count": Count(relation, distinct=True),
        "open_count": Count(relation, filter=open_q, distinct=True),
    }
    for health in Health.values:
        counts[f"{health}_count"] = Count(
            relation, filter=open_q & Q(**{f"{relation}__health": health}), distinct=True
        )
    return counts


def projects_visible_to(user):
    return Project.objects.for_user(user).with_list_relations()


def portfolio_overview(user):
    """Portfolios the user may see, with project counts by health, in one query."""
    return policy.portfolios_for_user(Portfolio.objects.select_related("owner"), user).annotate(
        **_health_counts(), program_count=Count("programs", distinct=True)
    )


def programs_of(portfolio, user):
    return policy.programs_for_user(portfolio.programs.select_related("manager"), user).annotate(
        **_health_counts()
    )


def project_detail(user, code: str, action: str = policy.VIEW) -> Project:
    queryset = Project.objects.with_list_relations().prefetch_related(
        Prefetch(
            "memberships",
            queryset=ProjectMembership.objects.select_related("user", "user__department"),
        )
    )
    return policy.get_project_for_user(user, code, action, queryset=queryset)


def program_projects(program: Program, user):
    return projects_visible_to(user).filter(program=program)

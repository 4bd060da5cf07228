"""Reads for the scope pages: scope lists, deliverables, change requests and their history."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from projects.models import ChangeRequest, Deliverable, Project, ScopeItem
from projects.selectors.charter import area_history


def scope_items_of(project: Project):
    return ScopeItem.objects.filter(project=project).order_by("position", "pk")


def scope_lists(project: Project) -> tuple[list, list]:
    """In-scope and out-of-scope items, each in its own order, from one query."""
    items = list(scope_items_of(project))
    return [i for i in items if i.in_scope], [i for i in items if not i.in_scope]


def deliverables_of(project: Project):
    return (
        Deliverable.objects.filter(project=project)
        .select_related("owner", "decided_by")
        .order_by("due_date", "pk")
    )


def deliverable_counts(project: Project) -> dict:
    return Deliverable.objects.filter(project=project).aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(acceptance=Deliverable.Acceptance.PENDING)),
        accepted=Count("pk", filter=Q(acceptance=Deliverable.Acceptance.ACCEPTED)),
        rejected=Count("pk", filter=Q(acceptance=Deliverable.Acceptance.REJECTED)),
    )


def change_requests_of(project: Project):
    return ChangeRequest.objects.filter(project=project).select_related(
        "project", "decided_by", "created_by"
    )


def change_request_summary(project: Project) -> dict:
    """Counts by status and the approved impact on schedule and cost."""
    approved = Q(status=ChangeRequest.Decision.APPROVED)
    return ChangeRequest.objects.filter(project=project).aggregate(
        total=Count("pk"),
        submitted=Count("pk", filter=Q(status=ChangeRequest.Decision.SUBMITTED)),
        approved=Count("pk", filter=approved),
        rejected=Count("pk", filter=Q(status=ChangeRequest.Decision.REJECTED)),
        approved_days=Sum("schedule_impact_days", filter=approved, default=0),
        approved_cost=Sum("cost_impact", filter=approved, default=0),
    )


def change_request_of(project: Project, number: int) -> ChangeRequest | None:
    return change_requests_of(project).filter(number=number).first()


def scope_history(project: Project, limit: int = 30):
    """Changes to the project's scope items and deliverables, newest first."""
    return area_history(
        [
            (
                ScopeItem,
                {"project_id": project.pk},
                lambda r: _("Scope item “%(d)s”") % {"d": r.description},
            ),
            (
                Deliverable,
                {"project_id": project.pk},
                lambda r: _("Deliverable “%(n)s”") % {"n": r.name},
            ),
        ],
        limit=limit,
    )


def change_request_history(project: Project, limit: int = 30):
    return area_history(
        [
            (
                ChangeRequest,
                {"project_id": project.pk},
                lambda r: f"{project.code}-CR{r.number:02d} {r.title}",
            )
        ],
        limit=limit,
    )

"""Reads for the stage-gate pages: checklists by stage, a project's reviews, one review."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from projects.models import GateCriterion, GateReview, GateReviewItem, Stage


def criteria_by_stage() -> list[dict]:
    """Every stage that ends in a gate, with its checklist (lines in use first), in one query.

    Closing is left out: no gate follows it.
    """
    by_stage: dict[str, list] = {stage: [] for stage in Stage.values}
    for criterion in GateCriterion.objects.order_by("stage", "-is_active", "position", "pk"):
        by_stage[criterion.stage].append(criterion)
    return [
        {
            "stage": stage,
            "label": label,
            "criteria": by_stage[stage],
            "active_count": sum(1 for c in by_stage[stage] if c.is_active),
        }
        for stage, label in Stage.choices
        if stage != Stage.CLOSING
    ]


def gate_reviews_for_project(project):
    """The project's reviews, newest first, with how many lines were met."""
    return (
        GateReview.objects.filter(project=project)
        .select_related("decided_by", "created_by")
        .annotate(
            item_count=Count("items"),
            met_count=Count("items", filter=Q(items__met=True)),
            not_met_count=Count("items", filter=Q(items__met=False)),
        )
        .order_by("-created_at", "-pk")
    )


def gate_review_for_project(project, pk: int) -> GateReview:
    """One review of ``project`` (404 when the id belongs to another project)."""
    return get_object_or_404(
        GateReview.objects.select_related("decided_by", "created_by"), project=project, pk=pk
    )


def gate_review_items(review: GateReview) -> list[GateReviewItem]:
    """The review's lines in checklist order, each with who last recorded it and when."""
    items = list(
        GateReviewItem.objects.filter(review=review)
        .select_related("criterion")
        .order_by("criterion__position", "pk")
    )
    latest: dict[int, object] = {}
    records = (
        GateReviewItem.history.filter(review_id=review.pk, history_type="~")
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    for record in records:
        latest.setdefault(record.id, record)
    for item in items:
        record = latest.get(item.pk)
        item.recorded_by = record.history_user if record else None
        item.recorded_at = record.history_date if record else None
    return items

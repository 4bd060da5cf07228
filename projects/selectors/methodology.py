"""Reads for the methodology library and for the links on project pages."""

from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404

from pmo.core import policy
from projects.models import MethodDocument


def documents_for_user(user):
    """Everything for PMO staff; only published documents for everyone else."""
    qs = MethodDocument.objects.all()
    if not policy.is_pmo_staff(user):
        qs = qs.filter(is_published=True)
    return qs


def document_for_user(user, slug: str) -> MethodDocument:
    """One document; unpublished ones do not exist for readers who are not PMO staff."""
    document = documents_for_user(user).filter(slug=slug).first()
    if document is None:
        raise Http404("No such document")
    return document


def documents_for_stage(stage: str) -> list[MethodDocument]:
    """Published documents for ``stage`` first, then those for every stage; one query."""
    return list(
        MethodDocument.objects.filter(is_published=True)
        .filter(Q(stage=stage) | Q(stage=""))
        .annotate(
            specific=Case(
                When(stage=stage, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("specific", "kind", "title")
        .only("title", "slug", "kind", "stage", "summary")
    )

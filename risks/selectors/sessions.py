"""Reads for identification sessions and the triage of proposed risks, with bounded queries.

Counts on the sessions list are correlated subqueries rather than joins, so a session with
many participants and many risks is counted once per column, not multiplied.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from pmo.core import roles
from risks import access
from risks.models import IdentificationSession, Risk, RiskCategory, RiskStatus
from risks.registers import Register

PEOPLE_ORDER = ("last_name", "first_name", "username")


def people_q(register: Register) -> Q:
    """Who may take part in a session or own a risk of this register.

    A project's manager, sponsor and team; for a program or portfolio, any active user.
    (The same set as ``services.risks.allowed_owner_ids``, as a filter.)
    """
    if register.kind != "project":
        return Q()
    project = register.obj
    team = project.memberships.order_by().values("user_id")
    q = Q(pk=project.project_manager_id) | Q(pk__in=team)
    if project.sponsor_id:
        q |= Q(pk=project.sponsor_id)
    return q


def register_people(register: Register) -> QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(people_q(register))
        .order_by(*PEOPLE_ORDER)
    )


def facilitator_q(register: Register) -> Q:
    """The register's people, and PMO staff (who often run workshops for a project)."""
    q = people_q(register)
    if q == Q():
        return q
    return q | Q(groups__name=roles.PMO)


def facilitators(register: Register) -> QuerySet:
    User = get_user_model()
    ids = User.objects.filter(facilitator_q(register)).order_by().values("pk")
    return User.objects.filter(is_active=True, pk__in=ids).order_by(*PEOPLE_ORDER)


def _count(qs: QuerySet, outer_field: str) -> Coalesce:
    """``COUNT(*)`` of ``qs`` per outer row, as an annotation (0 when there is none)."""
    counted = qs.order_by().values(outer_field).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def register_sessions(register: Register) -> QuerySet:
    """The sessions held for this register (not those of registers below it), with counts."""
    through = IdentificationSession.participants.through
    participants = through.objects.filter(identificationsession_id=OuterRef("pk"))
    raised = Risk.objects.filter(identified_in=OuterRef("pk"))
    return (
        IdentificationSession.objects.filter(register.owner_q())
        .select_related("facilitator")
        .annotate(
            participant_count=_count(participants, "identificationsession_id"),
            risk_count=_count(raised, "identified_in"),
            proposed_count=_count(raised.filter(status=RiskStatus.PROPOSED), "identified_in"),
        )
        .order_by("-held_on", "-pk")
    )


def get_session(user, pk: int, action: str = access.VIEW) -> IdentificationSession:
    """One session through the access rules (404 invisible, 403 not allowed)."""
    return access.get_session_for_user(
        user,
        pk,
        action,
        queryset=IdentificationSession.objects.select_related("facilitator", "created_by"),
    )


def session_participants(session: IdentificationSession) -> list:
    return list(session.participants.order_by(*PEOPLE_ORDER))


def session_risks(session: IdentificationSession) -> QuerySet:
    """The risks raised in a session, in the order they were numbered."""
    return session.risks.select_related("category", "owner").order_by("number")


def awaiting_triage(register: Register) -> QuerySet:
    """This register's proposed risks, oldest first (the order they were raised in)."""
    return (
        Risk.objects.filter(register.owner_q(), status=RiskStatus.PROPOSED)
        .select_related("category", "created_by", "identified_in", *access.REGISTER_RELATED)
        .order_by("created_at", "pk")
    )


def awaiting_triage_count(register: Register) -> int:
    return Risk.objects.filter(register.owner_q(), status=RiskStatus.PROPOSED).count()


def active_categories() -> list[RiskCategory]:
    return list(RiskCategory.objects.filter(is_active=True).order_by("position", "name"))

"""Reads of milestones for the project's milestone page, "My milestones" and the overview.

Status is derived from the dates and today (``projects.models.milestone_status``); for
filtering in the database, ``with_status`` computes the same thing in SQL, and a test
checks that both agree for every case.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, CharField, DurationField, F, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.core import policy
from projects.models import (
    Deliverable,
    Milestone,
    MilestoneStatus,
    Project,
    Status,
    milestone_status,
)

# Bootstrap classes for each status; the badge always shows the word too.
STATUS_CLASSES = {
    MilestoneStatus.PLANNED: "text-bg-light border",
    MilestoneStatus.ON_TRACK: "text-bg-success",
    MilestoneStatus.AT_RISK: "text-bg-warning",
    MilestoneStatus.LATE: "text-bg-danger",
    MilestoneStatus.ACHIEVED: "text-bg-primary",
    MilestoneStatus.MISSED: "text-bg-dark",
}
OPEN_STATUSES = [
    MilestoneStatus.PLANNED,
    MilestoneStatus.ON_TRACK,
    MilestoneStatus.AT_RISK,
    MilestoneStatus.LATE,
    MilestoneStatus.MISSED,
]
CLOSED_PROJECT_STATUSES = [Status.CLOSED, Status.CANCELLED]


@dataclass(frozen=True)
class Slip:
    """Slippage against the baseline, in calendar days, in words for the table."""

    days: int | None

    @property
    def text(self) -> str:
        if self.days is None:
            return "—"
        if self.days > 0:
            return f"+{self.days}"
        if self.days < 0:
            return f"−{-self.days}"  # a real minus sign
        return "0"

    @property
    def words(self) -> str:
        if self.days is None:
            return _("no baseline yet")
        if self.days > 0:
            return _("%(n)d days late against the baseline") % {"n": self.days}
        if self.days < 0:
            return _("%(n)d days early against the baseline") % {"n": -self.days}
        return _("on the baseline date")

    @property
    def css(self) -> str:
        if self.days is None or self.days == 0:
            return "text-body-secondary"
        return "text-danger fw-semibold" if self.days > 0 else "text-success"


def decorate(milestones, today: datetime.date | None = None):
    """Attach ``status_code``, ``status_label``, ``status_css`` and ``slip`` to each row.

    The templates read these instead of calling the model's ``status`` property, so a page
    decides "today" once.
    """
    today = today or timezone.localdate()
    tolerance = settings.MILESTONE_AT_RISK_TOLERANCE_DAYS
    for m in milestones:
        code = milestone_status(
            baseline=m.baseline_date,
            forecast=m.forecast_date,
            actual=m.actual_date,
            today=today,
            tolerance_days=tolerance,
        )
        m.status_code = code
        m.status_label = MilestoneStatus(code).label
        m.status_css = STATUS_CLASSES[code]
        m.slip = Slip(m.slip_days)
    return milestones


def with_status(qs: QuerySet, today: datetime.date) -> QuerySet:
    """Annotate ``derived_status`` in SQL, the same rules as ``milestone_status``."""
    tolerance = datetime.timedelta(days=settings.MILESTONE_AT_RISK_TOLERANCE_DAYS)
    slip = F("forecast_date") - F("baseline_date")
    return qs.alias(
        slip_duration=Case(
            When(baseline_date__isnull=False, then=slip),
            default=None,
            output_field=DurationField(),
        )
    ).annotate(
        derived_status=Case(
            When(actual_date__isnull=False, then=Value(MilestoneStatus.ACHIEVED)),
            When(forecast_date__lt=today, then=Value(MilestoneStatus.MISSED)),
            When(baseline_date__isnull=True, then=Value(MilestoneStatus.PLANNED)),
            When(slip_duration__gt=tolerance, then=Value(MilestoneStatus.LATE)),
            When(slip_duration__gt=datetime.timedelta(0), then=Value(MilestoneStatus.AT_RISK)),
            default=Value(MilestoneStatus.ON_TRACK),
            output_field=CharField(),
        )
    )


def _row_relations(qs: QuerySet) -> QuerySet:
    return qs.select_related("owner", "project").prefetch_related(
        Prefetch("deliverables", queryset=Deliverable.objects.only("pk", "name", "project_id"))
    )


def project_milestones(project: Project) -> QuerySet:
    """Every milestone of a project, by forecast date, with what the table shows."""
    return _row_relations(project.milestones.all()).order_by(
        Coalesce("actual_date", "forecast_date"), "pk"
    )


def get_milestone(project: Project, pk: int) -> Milestone:
    """One milestone of ``project`` (404 for another project's): the only way views get one."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(_row_relations(project.milestones.all()), pk=pk)


def my_milestones_q(user) -> Q:
    """Milestones the user owns, or that belong to a project the user manages."""
    return Q(owner=user) | Q(project__project_manager=user)


def my_open_milestones(user, today: datetime.date) -> QuerySet:
    """ "My milestones": open ones (not achieved) that the user owns or whose project they
    manage, on projects that are still open and that the user may see."""
    visible = policy.projects_for_user(Project.objects.all(), user, policy.VIEW).values("pk")
    qs = (
        Milestone.objects.filter(my_milestones_q(user), actual_date__isnull=True)
        .filter(project__in=visible)
        .exclude(project__status__in=CLOSED_PROJECT_STATUSES)
    )
    return with_status(_row_relations(qs), today).order_by("forecast_date", "project__code", "pk")


def my_milestone_projects(user) -> QuerySet:
    """The projects "My milestones" can be filtered by."""
    visible = policy.projects_for_user(Project.objects.all(), user, policy.VIEW).values("pk")
    with_mine = Milestone.objects.filter(my_milestones_q(user), actual_date__isnull=True).values(
        "project_id"
    )
    return (
        Project.objects.filter(pk__in=with_mine)
        .filter(pk__in=visible)
        .exclude(status__in=CLOSED_PROJECT_STATUSES)
        .only("pk", "code", "name")
        .order_by("code")
    )


def changeable_project_ids(user, project_ids) -> set[int]:
    """Of ``project_ids``, the projects whose plan ``user`` may change (one query)."""
    project_ids = set(project_ids)
    if not project_ids:
        return set()
    qs = Project.objects.filter(pk__in=project_ids)
    return set(policy.projects_for_user(qs, user, policy.CHANGE).values_list("pk", flat=True))


def upcoming_milestones(project: Project, limit: int = 5, user=None) -> list[Milestone]:
    """The next open milestones of a project (missed ones first), for its overview page.

    With ``user``, each row also says whether that user may quick-update it
    (``can_update``), which the row's "Update" button needs.
    """
    rows = decorate(
        list(
            _row_relations(project.milestones.filter(actual_date__isnull=True)).order_by(
                "forecast_date", "pk"
            )[:limit]
        )
    )
    if user is not None:
        from projects.services.milestones import can_update_milestone

        can_change = bool(rows) and policy.can_change_project(user, project)
        for m in rows:
            m.can_update = not project.is_closed and can_update_milestone(
                user, m, can_change=can_change
            )
    return rows

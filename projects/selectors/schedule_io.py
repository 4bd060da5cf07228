"""Reads for schedule export and the milestone feeds; a fixed number of queries each.

``schedule_records`` turns a project's WBS into the plain records the file writers take
(projects.schedule_io). ``feed_token`` / ``user_for_feed_token`` sign a personal milestone
feed URL; the token depends on the password hash, so changing the password revokes it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.crypto import constant_time_compare, salted_hmac

from pmo.core import policy
from projects.models import Dependency, Holiday, Milestone, Project, Task, WorkCalendar
from projects.schedule_io.records import (
    MILESTONE,
    PHASE,
    TASK,
    Link,
    Person,
    ProjectInfo,
    TaskRecord,
)
from projects.working_calendar import DEFAULT_WEEKEND

FEED_TOKEN_SALT = "projects.milestone-feed"
FEED_DIGEST_LENGTH = 40


@dataclass
class ScheduleExport:
    info: ProjectInfo
    tasks: list[TaskRecord]
    people: dict[str, Person]


def _person(user) -> Person:
    return Person(user.username, user.get_full_name() or user.username, user.email)


def _calendar_info(project: Project) -> tuple[str, frozenset[int], tuple[datetime.date, ...]]:
    """The calendar the scheduler uses (projects.services.schedule.calendar_of), described."""
    calendar = None
    if project.calendar_id:
        calendar = WorkCalendar.objects.filter(pk=project.calendar_id).first()
    if calendar is None:
        calendar = WorkCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        return "Standard", DEFAULT_WEEKEND, ()
    holidays = (
        Holiday.objects.filter(calendar=calendar).order_by("date").values_list("date", flat=True)
    )
    return calendar.name, frozenset(calendar.weekend_days), tuple(holidays)


def schedule_records(project: Project) -> ScheduleExport:
    """The WBS in outline order as records, with milestones and predecessor links.

    Outline numbers are worked out from the tree (children in position order), so the file
    is right even for rows written before the services numbered them. Milestones not placed
    in the schedule by a task come last, as top-level milestones pinned to their date.
    """
    tasks = list(
        Task.objects.filter(project=project)
        .select_related("assignee")
        .order_by("sort_key", "position", "pk")
    )
    milestones = list(
        Milestone.objects.filter(project=project)
        .select_related("owner")
        .order_by("forecast_date", "pk")
    )
    links: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for successor, predecessor, kind, lag in (
        Dependency.objects.filter(successor__project=project)
        .order_by("pk")
        .values_list("successor_id", "predecessor_id", "type", "lag_days")
    ):
        links[successor].append((predecessor, kind, lag))

    children: dict[int | None, list[Task]] = defaultdict(list)
    for task in tasks:
        children[task.parent_id].append(task)
    for siblings in children.values():
        siblings.sort(key=lambda t: (t.position, t.sort_key, t.pk))
    outlines: dict[int, str] = {}
    pending: list[tuple[int | None, str]] = [(None, "")]
    while pending:
        parent_id, prefix = pending.pop()
        for index, task in reversed(list(enumerate(children.get(parent_id, ()), start=1))):
            outlines[task.pk] = f"{prefix}.{index}" if prefix else str(index)
            pending.append((task.pk, outlines[task.pk]))
    ordered = sorted(tasks, key=lambda t: tuple(int(n) for n in outlines[t.pk].split(".")))

    by_task = {m.task_id: m for m in milestones if m.task_id is not None}
    people: dict[str, Person] = {}
    records: list[TaskRecord] = []
    for task in ordered:
        is_phase = task.pk in children
        kind = PHASE if is_phase else (MILESTONE if task.duration_days == 0 else TASK)
        record = TaskRecord(
            outline=outlines[task.pk],
            name=task.name,
            kind=kind,
            duration_days=task.duration_days,
            start=task.early_start,
            finish=task.early_start if kind == MILESTONE else task.early_finish,
            start_no_earlier_than=None if is_phase else task.planned_start,
            percent_complete=task.percent_complete,
            assignee=task.assignee.username if task.assignee else "",
            estimated_effort_hours=None if is_phase else task.estimated_effort_hours,
            description=task.description,
            predecessors=[
                Link(outlines[predecessor], kind, lag)
                for predecessor, kind, lag in links.get(task.pk, ())
                if predecessor in outlines
            ],
        )
        if task.assignee:
            people[task.assignee.username] = _person(task.assignee)
        milestone = by_task.get(task.pk)
        if milestone is not None:
            _apply_milestone(record, milestone, people)
        records.append(record)

    top = len(children.get(None, ()))
    for number, milestone in enumerate((m for m in milestones if m.task_id is None), start=top + 1):
        record = TaskRecord(
            outline=str(number),
            name=milestone.name,
            kind=MILESTONE,
            duration_days=0,
            start_no_earlier_than=milestone.forecast_date,
            description=milestone.description,
        )
        _apply_milestone(record, milestone, people)
        records.append(record)

    calendar_name, weekend, holidays = _calendar_info(project)
    info = ProjectInfo(
        code=project.code,
        name=project.name,
        start=project.planned_start,
        finish=project.planned_finish,
        currency=project.currency,
        manager=project.project_manager.get_full_name() or project.project_manager.username,
        calendar_name=calendar_name,
        weekend=weekend,
        holidays=holidays,
    )
    return ScheduleExport(info=info, tasks=records, people=people)


def _apply_milestone(record: TaskRecord, milestone: Milestone, people: dict) -> None:
    """A milestone's own dates and owner win over its task's: the PM keeps them."""
    record.kind = MILESTONE
    record.duration_days = 0
    record.start = record.finish = milestone.actual_date or milestone.forecast_date
    record.percent_complete = 100 if milestone.actual_date else 0
    record.assignee = milestone.owner.username
    people[milestone.owner.username] = _person(milestone.owner)
    if not record.description:
        record.description = milestone.description


# --- milestone feeds -------------------------------------------------------------------------
def feed_token(user) -> str:
    """``<pk>-<hmac>``: signs the user's id and password hash with the secret key."""
    digest = salted_hmac(
        FEED_TOKEN_SALT, f"{user.pk}:{user.password}", algorithm="sha256"
    ).hexdigest()
    return f"{user.pk}-{digest[:FEED_DIGEST_LENGTH]}"


def user_for_feed_token(token: str):
    """The active user the token belongs to, or None (unknown, forged or revoked)."""
    pk, _sep, digest = (token or "").partition("-")
    if not pk.isdigit() or len(digest) != FEED_DIGEST_LENGTH:
        return None
    user = get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    if user is None or not constant_time_compare(feed_token(user), token):
        return None
    return user


def project_feed_milestones(project: Project) -> list[Milestone]:
    return list(
        Milestone.objects.filter(project=project)
        .select_related("project", "owner")
        .order_by("forecast_date", "pk")
    )


def user_feed_milestones(user) -> list[Milestone]:
    """Milestones the user owns or whose project they manage, in projects they can see."""
    visible = policy.projects_for_user(Project.objects.all(), user, policy.VIEW)
    return list(
        Milestone.objects.filter(project__in=visible.values("pk"))
        .filter(Q(owner=user) | Q(project__project_manager=user))
        .select_related("project", "owner")
        .order_by("forecast_date", "pk")
    )

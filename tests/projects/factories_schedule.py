"""Factories and helpers for the schedule and baseline tests."""

import factory
from simple_history.utils import bulk_create_with_history

from projects.models import Milestone, Task, WorkCalendar
from projects.services import schedule as services
from tests.factories import ProjectFactory


class TaskFactory(factory.django.DjangoModelFactory):
    """A bare task row; tests that need outline numbers and dates call ``services`` or
    ``renumber_and_schedule`` afterwards."""

    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Task {n}")
    duration_days = 5
    position = factory.Sequence(lambda n: n + 1)
    version = 1


def renumber_and_schedule(project):
    services.renumber_outline(project=project)
    return services.reschedule_project(project=project)


def add(project, by, name, parent=None, **fields):
    """Create a task through the service, like a person would."""
    return services.task_create(
        project=project, by=by, data={"name": name, "parent": parent, **fields}
    )


def big_wbs(project, count: int, *, assignee=None):
    """``count`` tasks in phases of ten, chained finish-to-start, scheduled (bulk inserts)."""
    from projects.models import Dependency

    phases = max(1, count // 10)
    bulk_create_with_history(
        [
            Task(project=project, name=f"Phase {p + 1}", position=p + 1, duration_days=0, version=1)
            for p in range(phases)
        ],
        Task,
    )
    phase_rows = list(Task.objects.filter(project=project, parent=None).order_by("position"))
    leaves = []
    for index in range(count - phases):
        leaves.append(
            Task(
                project=project,
                parent=phase_rows[index % phases],
                name=f"Work package {index + 1}",
                position=index,
                duration_days=1 + index % 7,
                percent_complete=(index * 13) % 101,
                assignee=assignee,
                version=1,
            )
        )
    bulk_create_with_history(leaves, Task)
    leaves = list(Task.objects.filter(project=project, parent__isnull=False).order_by("pk"))
    Dependency.objects.bulk_create(
        Dependency(predecessor=a, successor=b)
        for a, b in zip(leaves, leaves[1::2], strict=False)
        if a.pk != b.pk
    )
    return renumber_and_schedule(project)


def link_milestone(task, **fields):
    return Milestone.objects.create(
        project=task.project,
        name=fields.pop("name", task.name),
        owner=task.project.project_manager,
        forecast_date=fields.pop("forecast_date", task.early_start or task.project.planned_start),
        task=task,
        **fields,
    )


class LazyId:
    """A URL argument looked up when the URL is built.

    The route permission table holds static kwargs, but a task's or calendar's id exists only
    once the test's scene does: ``reverse`` turns this into text by calling ``str``.
    """

    def __init__(self, find):
        self.find = find

    def __str__(self):
        return str(self.find())


def _route_task():
    from projects.models import Project

    project = Project.objects.get(code="PRJ-0042")
    task = Task.objects.filter(project=project).first()
    if task is None:
        task = TaskFactory(project=project, name="Route check")
        renumber_and_schedule(project)
    return task.pk


def _route_calendar():
    calendar = WorkCalendar.objects.order_by("pk").first()
    if calendar is None:
        calendar = WorkCalendar.objects.create(name="Route check calendar")
    return calendar.pk


ROUTE_TASK = LazyId(_route_task)
ROUTE_CALENDAR = LazyId(_route_calendar)

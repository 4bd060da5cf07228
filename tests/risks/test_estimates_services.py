"""task_estimates_save: who may save three-point estimates, what is refused, all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects.models import Status, Task
from risks.services.estimates import (
    EstimateRow,
    StaleEstimatesError,
    error_key,
    task_estimates_save,
)
from tests.factories import MembershipFactory
from tests.projects.factories_schedule import TaskFactory, renumber_and_schedule


@pytest.fixture
def plan(project):
    """Phase 1 (two tasks of 5 and 10 days) and a milestone task."""
    phase = TaskFactory(project=project, name="Build", position=1, duration_days=0)
    first = TaskFactory(project=project, parent=phase, name="Code", position=1, duration_days=5)
    second = TaskFactory(project=project, parent=phase, name="Test", position=2, duration_days=10)
    milestone = TaskFactory(project=project, name="Go-live", position=2, duration_days=0)
    renumber_and_schedule(project)
    return {"phase": phase, "first": first, "second": second, "milestone": milestone}


def row(task, optimistic, pessimistic, version=None):
    return EstimateRow(
        task_id=task.pk,
        version=version if version is not None else task.version,
        optimistic_days=optimistic,
        pessimistic_days=pessimistic,
    )


def test_pm_saves_estimates_with_history_and_a_new_version(pm, project, plan):
    first, second = plan["first"], plan["second"]
    saved = task_estimates_save(
        project=project, by=pm, rows=[row(first, 3, 9), row(second, None, 15)]
    )
    assert {t.pk for t in saved} == {first.pk, second.pk}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.optimistic_days, first.pessimistic_days, first.version) == (3, 9, 2)
    assert (second.optimistic_days, second.pessimistic_days) == (None, 15)
    latest = first.history.order_by("-history_date").first()
    assert latest.history_change_reason == "Three-point estimate"
    assert latest.history_user == pm


def test_unchanged_rows_are_not_saved_and_never_stale(pm, pmo_staff, project, plan):
    first = plan["first"]
    task_estimates_save(project=project, by=pmo_staff, rows=[row(first, 3, 9)])
    # pm still holds version 1 but sends what is stored now: nothing to save, nothing stale.
    assert task_estimates_save(project=project, by=pm, rows=[row(first, 3, 9, version=1)]) == []
    first.refresh_from_db()
    assert first.version == 2


def test_a_member_with_the_edit_right_saves(project, plan):
    editor = MembershipFactory(project=project, can_edit=True).user
    task_estimates_save(project=project, by=editor, rows=[row(plan["first"], 4, 6)])
    assert Task.objects.get(pk=plan["first"].pk).pessimistic_days == 6


@pytest.mark.parametrize("persona", ["executive", "member", "other_pm", "resource_manager"])
def test_readers_may_not_save(request, project, plan, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        task_estimates_save(project=project, by=user, rows=[row(plan["first"], 4, 6)])
    assert Task.objects.get(pk=plan["first"].pk).optimistic_days is None


def test_a_closed_project_keeps_its_estimates(pm, project, plan):
    project.status = Status.CLOSED
    project.save()
    with pytest.raises(ValidationError) as raised:
        task_estimates_save(project=project, by=pm, rows=[row(plan["first"], 4, 6)])
    assert "can no longer change" in raised.value.messages[0]
    assert Task.objects.get(pk=plan["first"].pk).optimistic_days is None


def test_a_bad_row_saves_nothing_and_names_its_cells(pm, project, plan):
    first, second = plan["first"], plan["second"]
    with pytest.raises(ValidationError) as raised:
        task_estimates_save(
            project=project,
            by=pm,
            rows=[row(first, 3, 9), row(second, 12, 8)],  # 12 > 10 planned, 8 < 10
        )
    errors = raised.value.message_dict
    assert errors[error_key(second.pk, "optimistic_days")] == [
        "The optimistic duration cannot exceed the planned one."
    ]
    assert errors[error_key(second.pk, "pessimistic_days")] == [
        "The pessimistic duration cannot be below the planned one."
    ]
    first.refresh_from_db()
    assert (first.optimistic_days, first.version) == (None, 1)


@pytest.mark.parametrize("value", [-1, 10_001, 2.5, "3", True])
def test_values_must_be_whole_days_in_range(pm, project, plan, value):
    first = plan["first"]
    with pytest.raises(ValidationError) as raised:
        task_estimates_save(project=project, by=pm, rows=[row(first, 1, value)])
    assert error_key(first.pk, "pessimistic_days") in raised.value.message_dict


@pytest.mark.parametrize(
    ("which", "message"),
    [("phase", "A phase takes this from its tasks."), ("milestone", "A milestone has no")],
)
def test_phases_and_milestones_take_no_estimates(pm, project, plan, which, message):
    task = plan[which]
    with pytest.raises(ValidationError) as raised:
        task_estimates_save(project=project, by=pm, rows=[row(task, 0, 3)])
    assert raised.value.message_dict[error_key(task.pk)][0].startswith(message)


def test_a_task_of_another_project_is_refused(pm, project, other_project, plan):
    stranger = TaskFactory(project=other_project, duration_days=5)
    with pytest.raises(ValidationError) as raised:
        task_estimates_save(project=project, by=pm, rows=[row(stranger, 2, 8)])
    assert error_key(stranger.pk) in raised.value.message_dict
    assert Task.objects.get(pk=stranger.pk).optimistic_days is None


def test_a_stale_row_is_refused_with_what_changed_and_nothing_is_saved(
    pm, pmo_staff, project, plan
):
    first, second = plan["first"], plan["second"]
    task_estimates_save(project=project, by=pmo_staff, rows=[row(first, 4, 7)])
    with pytest.raises(StaleEstimatesError) as raised:
        task_estimates_save(
            project=project, by=pm, rows=[row(first, 2, 9, version=1), row(second, 8, 14)]
        )
    stale = raised.value.stale[first.pk]
    assert stale.current.version == 2
    assert {c.field for c in stale.changes} == {"optimistic_days", "pessimistic_days"}
    second.refresh_from_db()
    assert second.optimistic_days is None  # the good row waited for the stale one

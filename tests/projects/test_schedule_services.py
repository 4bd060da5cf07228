"""The WBS services: outline numbers, scheduling and roll-ups, dependencies, guards."""

import datetime
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pmo.core.locking import StaleObjectError
from projects.models import Dependency, Holiday, Status, Task, WorkCalendar
from projects.selectors.schedule import schedule_overview
from projects.services import schedule as services
from tests.factories import MembershipFactory
from tests.projects.factories_schedule import add, big_wbs, link_milestone

D = datetime.date
MONDAY = D(2026, 1, 5)  # the project fixture's planned start


def outlines(project):
    return list(Task.objects.filter(project=project).values_list("outline", "name"))


@pytest.fixture
def plan(project, pm):
    """Two phases: Design (Analysis 5d, Design 10d) and Build (Build 10d, Docs 3d)."""
    design = add(project, pm, "Design phase")
    build = add(project, pm, "Build phase")
    return {
        "design": design,
        "build": build,
        "analysis": add(project, pm, "Analysis", design, duration_days=5),
        "spec": add(project, pm, "Design", design, duration_days=10),
        "code": add(project, pm, "Build", build, duration_days=10),
        "docs": add(project, pm, "Docs", build, duration_days=3),
    }


def refresh(plan):
    for task in plan.values():
        task.refresh_from_db()
    return plan


# --- outline numbers --------------------------------------------------------------------------
def test_tasks_are_numbered_from_their_place_in_the_tree(project, plan):
    assert outlines(project) == [
        ("1", "Design phase"),
        ("1.1", "Analysis"),
        ("1.2", "Design"),
        ("2", "Build phase"),
        ("2.1", "Build"),
        ("2.2", "Docs"),
    ]
    plan = refresh(plan)
    assert plan["spec"].sort_key == "0001.0002"
    assert (plan["docs"].position, plan["docs"].sort_key) == (2, "0002.0002")


def test_a_task_added_at_a_position_pushes_its_siblings_down(project, pm, plan):
    add(project, pm, "Kick-off", plan["design"], position=1, duration_days=0)
    assert outlines(project)[:4] == [
        ("1", "Design phase"),
        ("1.1", "Kick-off"),
        ("1.2", "Analysis"),
        ("1.3", "Design"),
    ]


def test_moving_a_task_renumbers_both_phases(project, pm, plan):
    services.task_move(task=plan["analysis"], by=pm, parent=plan["build"], position=1)
    assert outlines(project) == [
        ("1", "Design phase"),
        ("1.1", "Design"),
        ("2", "Build phase"),
        ("2.1", "Analysis"),
        ("2.2", "Build"),
        ("2.3", "Docs"),
    ]
    record = plan["analysis"].history.first()
    assert (record.history_user, record.history_change_reason) == (pm, "Moved")


def test_renumber_outline_closes_gaps_in_positions(project, plan):
    Task.objects.filter(pk=plan["analysis"].pk).update(position=7)
    Task.objects.filter(pk=plan["spec"].pk).update(position=3)
    services.renumber_outline(project=project)
    plan = refresh(plan)
    assert (plan["spec"].outline, plan["spec"].position) == ("1.1", 1)
    assert (plan["analysis"].outline, plan["analysis"].position) == ("1.2", 2)


def test_a_task_cannot_move_under_its_own_subtask(pm, plan):
    with pytest.raises(ValidationError) as error:
        services.task_move(task=plan["design"], by=pm, parent=plan["spec"], position=None)
    assert "under itself" in str(error.value)


def test_the_wbs_has_a_depth_limit(project, pm):
    parent = None
    for level in range(services.MAX_DEPTH):
        parent = add(project, pm, f"Level {level + 1}", parent)
    with pytest.raises(ValidationError) as error:
        add(project, pm, "Too deep", parent)
    assert "levels deep" in str(error.value)


# --- scheduling and roll-ups ------------------------------------------------------------------
def test_dates_floats_and_critical_path_are_stored(pm, plan):
    services.dependency_add(
        successor=plan["spec"], predecessor=plan["analysis"], by=pm, type="FS", lag_days=0
    )
    services.dependency_add(
        successor=plan["code"], predecessor=plan["spec"], by=pm, type="FS", lag_days=2
    )
    plan = refresh(plan)
    analysis, spec, code, docs = plan["analysis"], plan["spec"], plan["code"], plan["docs"]
    assert (analysis.early_start, analysis.early_finish) == (MONDAY, D(2026, 1, 9))
    assert (spec.early_start, spec.early_finish) == (D(2026, 1, 12), D(2026, 1, 23))
    # Two days' lag after Friday 23rd: Build starts Wednesday 28th, ten working days.
    assert (code.early_start, code.early_finish) == (D(2026, 1, 28), D(2026, 2, 10))
    assert [t.is_critical for t in (analysis, spec, code)] == [True, True, True]
    assert (docs.is_critical, docs.total_float, docs.free_float) == (False, 24, 24)
    # Phases: rolled-up dates, the most urgent float, critical when a task is.
    assert (plan["design"].early_start, plan["design"].early_finish) == (MONDAY, D(2026, 1, 23))
    assert (plan["build"].early_start, plan["build"].early_finish) == (MONDAY, D(2026, 2, 10))
    assert (plan["build"].total_float, plan["build"].is_critical) == (0, True)
    assert plan["design"].duration_days == 15  # working days spanned


def test_phase_progress_rolls_up_weighted_by_duration(project, pm, plan):
    for key, percent in (("analysis", 100), ("spec", 50)):
        task = plan[key]
        services.task_progress_update(
            task=task, by=pm, percent_complete=percent, expected_version=task.version
        )
    plan = refresh(plan)
    # (5 x 100 + 10 x 50) / 15 = 66.7
    assert plan["design"].percent_complete == 67
    overview = schedule_overview(project)
    # Project: (5 x 100 + 10 x 50 + 10 x 0 + 3 x 0) / 28
    assert overview.percent_complete == pytest.approx(1000 / 28)


def test_phase_progress_is_weighted_by_effort_when_every_task_has_an_estimate(pm, plan):
    for key, hours, percent in (("analysis", 90, 100), ("spec", 10, 0)):
        task = plan[key]
        services.task_update(
            task=task,
            by=pm,
            data={"estimated_effort_hours": hours, "percent_complete": percent},
            expected_version=task.version,
        )
    plan = refresh(plan)
    assert plan["design"].percent_complete == 90


def test_start_and_finish_give_the_duration_in_working_days_of_the_calendar(project, pm):
    calendar = WorkCalendar.objects.create(name="Office", is_default=True)
    Holiday.objects.create(calendar=calendar, date=D(2026, 1, 7), name="Company day")
    task = add(project, pm, "Workshop", planned_start=D(2026, 1, 5), planned_finish=D(2026, 1, 16))
    # Two working weeks less the holiday.
    assert task.duration_days == 9
    assert (task.early_start, task.early_finish) == (D(2026, 1, 5), D(2026, 1, 16))


def test_finish_before_start_is_refused_on_the_finish(project, pm):
    with pytest.raises(ValidationError) as error:
        add(project, pm, "Oops", planned_start=D(2026, 2, 10), planned_finish=D(2026, 2, 9))
    assert "planned_finish" in error.value.message_dict
    assert not Task.objects.filter(project=project).exists()


def test_a_holiday_added_to_the_calendar_reschedules_open_projects(project, pm, pmo_staff):
    calendar = services.calendar_save(
        calendar=WorkCalendar(), by=pmo_staff, data={"name": "Office", "is_default": True}
    )
    task = add(project, pm, "Survey", duration_days=3)
    assert task.early_finish == D(2026, 1, 7)
    services.holiday_add(calendar=calendar, by=pmo_staff, day=D(2026, 1, 6), name="Epiphany")
    task.refresh_from_db()
    assert task.early_finish == D(2026, 1, 8)


def test_only_one_calendar_is_the_default(pmo_staff):
    first = services.calendar_save(
        calendar=WorkCalendar(), by=pmo_staff, data={"name": "A", "is_default": True}
    )
    second = services.calendar_save(
        calendar=WorkCalendar(), by=pmo_staff, data={"name": "B", "is_default": True}
    )
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


def test_calendars_are_pmo_work(pm):
    with pytest.raises(PermissionDenied):
        services.calendar_save(calendar=WorkCalendar(), by=pm, data={"name": "Mine"})


def test_linked_milestones_keep_their_forecast_when_the_schedule_moves(project, pm, plan):
    gate = add(project, pm, "Design approved", plan["design"], duration_days=0)
    services.dependency_add(successor=gate, predecessor=plan["spec"], by=pm, type="FS", lag_days=0)
    gate.refresh_from_db()
    milestone = link_milestone(gate, forecast_date=D(2026, 1, 26))
    services.task_update(
        task=plan["spec"], by=pm, data={"duration_days": 20}, expected_version=plan["spec"].version
    )
    gate.refresh_from_db()
    milestone.refresh_from_db()
    assert gate.early_start == D(2026, 2, 2)  # after 20 working days from 5 January
    assert (milestone.forecast_date, milestone.version) == (D(2026, 1, 26), 1)


def test_rescheduling_a_thousand_tasks_is_fast_and_bounded(project, django_assert_max_num_queries):
    big_wbs(project, 1000)
    Task.objects.filter(project=project).update(early_start=None)
    started = time.perf_counter()
    with django_assert_max_num_queries(8):
        services.reschedule_project(project=project)
    assert time.perf_counter() - started < 1
    assert not Task.objects.filter(project=project, early_start__isnull=True).exists()


# --- dependencies -----------------------------------------------------------------------------
def test_a_dependency_cycle_is_refused_naming_the_tasks(pm, plan):
    services.dependency_add(
        successor=plan["spec"], predecessor=plan["analysis"], by=pm, type="FS", lag_days=0
    )
    services.dependency_add(
        successor=plan["code"], predecessor=plan["spec"], by=pm, type="SS", lag_days=0
    )
    with pytest.raises(ValidationError) as error:
        services.dependency_add(
            successor=plan["analysis"], predecessor=plan["code"], by=pm, type="FF", lag_days=0
        )
    assert error.value.message_dict["predecessor"] == [
        "Dependency cycle: 1.1 Analysis -> 1.2 Design -> 2.1 Build -> 1.1 Analysis"
    ]
    assert Dependency.objects.count() == 2


def test_a_dependency_across_projects_is_refused(pm, plan, other_project, other_pm):
    stranger = add(other_project, other_pm, "Elsewhere")
    with pytest.raises(ValidationError) as error:
        services.dependency_add(
            successor=plan["spec"], predecessor=stranger, by=pm, type="FS", lag_days=0
        )
    assert "another project" in str(error.value)
    assert not Dependency.objects.exists()


def test_the_same_dependency_twice_is_refused(pm, plan):
    services.dependency_add(
        successor=plan["spec"], predecessor=plan["analysis"], by=pm, type="FS", lag_days=0
    )
    with pytest.raises(ValidationError) as error:
        services.dependency_add(
            successor=plan["spec"], predecessor=plan["analysis"], by=pm, type="SS", lag_days=1
        )
    assert "already depends" in str(error.value)


def test_phases_are_not_linked(pm, plan):
    with pytest.raises(ValidationError) as error:
        services.dependency_add(
            successor=plan["code"], predecessor=plan["design"], by=pm, type="FS", lag_days=0
        )
    assert "is a phase" in str(error.value)


def test_a_linked_task_cannot_become_a_phase(project, pm, plan):
    services.dependency_add(
        successor=plan["spec"], predecessor=plan["analysis"], by=pm, type="FS", lag_days=0
    )
    with pytest.raises(ValidationError) as error:
        add(project, pm, "Sub-step", plan["analysis"])
    assert "has dependencies" in str(error.value)


def test_a_lag_that_is_not_a_whole_number_is_refused(pm, plan):
    with pytest.raises(ValidationError) as error:
        services.dependency_add(
            successor=plan["spec"], predecessor=plan["analysis"], by=pm, type="FS", lag_days="2"
        )
    assert "lag_days" in error.value.message_dict


def test_removing_a_dependency_reschedules_and_keeps_history(pm, plan):
    link = services.dependency_add(
        successor=plan["spec"], predecessor=plan["analysis"], by=pm, type="FS", lag_days=0
    )
    services.dependency_remove(dependency=link, by=pm)
    plan["spec"].refresh_from_db()
    assert plan["spec"].early_start == MONDAY
    assert [h.history_type for h in Dependency.history.order_by("history_id")] == ["+", "-"]
    assert Dependency.history.first().history_user == pm


# --- edits, deletes and guards ----------------------------------------------------------------
def test_a_stale_task_edit_is_refused(pm, plan):
    task = plan["spec"]
    stale_version = task.version
    services.task_update(
        task=task, by=pm, data={"name": "Design v2"}, expected_version=stale_version
    )
    with pytest.raises(StaleObjectError):
        services.task_update(
            task=Task.objects.get(pk=task.pk),
            by=pm,
            data={"duration_days": 3},
            expected_version=stale_version,
        )
    task.refresh_from_db()
    assert (task.name, task.duration_days) == ("Design v2", 10)


def test_a_phase_takes_duration_and_progress_from_its_tasks(pm, plan):
    phase = plan["design"]
    with pytest.raises(ValidationError) as error:
        services.task_update(
            task=phase, by=pm, data={"duration_days": 99}, expected_version=phase.version
        )
    assert "duration_days" in error.value.message_dict


def test_a_phase_with_tasks_is_not_deleted(pm, plan):
    with pytest.raises(ValidationError) as error:
        services.task_delete(task=plan["design"], by=pm)
    assert "is a phase with 2 tasks" in str(error.value)


def test_a_milestone_task_is_not_deleted_while_linked(project, pm, plan):
    gate = add(project, pm, "Go-live", duration_days=0)
    link_milestone(gate)
    with pytest.raises(ValidationError) as error:
        services.task_delete(task=gate, by=pm)
    assert "places the milestone “Go-live”" in str(error.value)


def test_a_milestone_task_keeps_a_zero_duration(project, pm):
    gate = add(project, pm, "Go-live", duration_days=0)
    link_milestone(gate)
    with pytest.raises(ValidationError) as error:
        services.task_update(
            task=gate, by=pm, data={"duration_days": 2}, expected_version=gate.version
        )
    assert "duration_days" in error.value.message_dict


def test_deleting_a_task_removes_its_links_and_renumbers(project, pm, plan):
    services.dependency_add(
        successor=plan["spec"], predecessor=plan["analysis"], by=pm, type="FS", lag_days=0
    )
    analysis_id = plan["analysis"].pk
    services.task_delete(task=plan["analysis"], by=pm)
    assert not Dependency.objects.exists()
    plan["spec"].refresh_from_db()
    assert (plan["spec"].outline, plan["spec"].early_start) == ("1.1", MONDAY)
    assert Task.history.filter(id=analysis_id, history_type="-").get().history_user == pm


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
def test_a_closed_project_refuses_every_schedule_change(project, pm, plan, status):
    project.status = status
    project.save()
    calls = [
        lambda: add(project, pm, "Late idea"),
        lambda: services.task_update(
            task=plan["spec"], by=pm, data={"name": "x"}, expected_version=plan["spec"].version
        ),
        lambda: services.task_move(task=plan["docs"], by=pm, parent=None, position=1),
        lambda: services.task_delete(task=plan["docs"], by=pm),
        lambda: services.dependency_add(
            successor=plan["spec"], predecessor=plan["analysis"], by=pm, type="FS", lag_days=0
        ),
        lambda: services.task_progress_update(
            task=plan["docs"], by=pm, percent_complete=10, expected_version=plan["docs"].version
        ),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as error:
            call()
        assert "can no longer change" in str(error.value)
    assert Task.objects.filter(project=project).count() == 6


def test_people_who_may_not_plan_are_refused(project, plan, other_pm, executive, member):
    for person in (other_pm, executive, member):
        with pytest.raises(PermissionDenied):
            add(project, person, "Not mine")
        with pytest.raises(PermissionDenied):
            services.dependency_add(
                successor=plan["spec"],
                predecessor=plan["analysis"],
                by=person,
                type="FS",
                lag_days=0,
            )


def test_a_member_with_edit_right_plans(project, plan):
    editor = MembershipFactory(project=project, can_edit=True).user
    task = add(project, editor, "Added by the deputy")
    assert task.created_by == editor


def test_the_assignee_reports_progress_on_their_own_task_only(project, pm, plan, member):
    mine = plan["docs"]
    services.task_update(task=mine, by=pm, data={"assignee": member}, expected_version=mine.version)
    mine.refresh_from_db()
    services.task_progress_update(
        task=mine, by=member, percent_complete=40, expected_version=mine.version
    )
    mine.refresh_from_db()
    assert mine.percent_complete == 40
    assert mine.history.first().history_user == member
    other = plan["code"]
    with pytest.raises(PermissionDenied):
        services.task_progress_update(
            task=other, by=member, percent_complete=40, expected_version=other.version
        )


def test_assignees_come_from_the_team(project, pm, outsider):
    with pytest.raises(ValidationError) as error:
        add(project, pm, "Outsourced", assignee=outsider)
    assert "not on the project team" in str(error.value)


def test_over_100_percent_is_refused(pm, plan):
    task = plan["docs"]
    with pytest.raises(ValidationError) as error:
        services.task_progress_update(
            task=task, by=pm, percent_complete=101, expected_version=task.version
        )
    assert "percent_complete" in error.value.message_dict

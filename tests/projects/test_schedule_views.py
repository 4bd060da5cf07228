"""The schedule pages: the WBS table, task forms, dependencies, in-place progress, calendars."""

import datetime

import pytest
from django.urls import reverse

from projects.models import Dependency, Holiday, Task, WorkCalendar
from projects.services import schedule as services
from tests.factories import ProjectFactory
from tests.projects.factories_schedule import add, big_wbs

D = datetime.date
HTMX = {"HTTP_HX_REQUEST": "true"}


def schedule_url(project):
    return reverse("projects:schedule", args=[project.code])


def create_url(project):
    return reverse("projects:task_create", args=[project.code])


def task_url(task, name="task_detail"):
    return reverse(f"projects:{name}", args=[task.project.code, task.pk])


@pytest.fixture
def wbs(project, pm, member):
    design = add(project, pm, "Design")
    spec = add(project, pm, "Specification", design, duration_days=4, assignee=member)
    review = add(project, pm, "Review", design, duration_days=2)
    services.dependency_add(successor=review, predecessor=spec, by=pm, type="FS", lag_days=2)
    return {"design": design, "spec": spec, "review": Task.objects.get(pk=review.pk)}


def task_form_data(**overrides):
    data = {
        "name": "New work",
        "duration_days": "3",
        "percent_complete": "0",
        "parent": "",
        "position": "",
    }
    data.update(overrides)
    return data


# --- the WBS page -----------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, project):
    response = client.get(schedule_url(project))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_outsider_gets_404_and_executive_reads(client, project, outsider, executive, wbs):
    client.force_login(outsider)
    assert client.get(schedule_url(project)).status_code == 404
    client.force_login(executive)
    body = client.get(schedule_url(project)).content.decode()
    assert "Specification" in body
    assert 'data-testid="progress-input"' not in body  # read-only
    assert 'data-testid="add-task"' not in body


def test_wbs_shows_outline_predecessors_rollups_and_critical_path(client, pm, project, wbs):
    services.task_progress_update(
        task=wbs["spec"], by=pm, percent_complete=50, expected_version=wbs["spec"].version
    )
    client.force_login(pm)
    response = client.get(schedule_url(project))
    assert response.status_code == 200
    rows = {row.task.name: row for row in response.context["rows"]}
    assert [r.task.outline for r in response.context["rows"]] == ["1", "1.1", "1.2"]
    assert rows["Review"].predecessors == "1.1FS+2"
    assert rows["Design"].is_phase and rows["Design"].percent == pytest.approx(100 / 3)
    assert response.context["overview"].percent_complete == pytest.approx(100 / 3)
    assert rows["Specification"].task.is_critical and rows["Review"].task.is_critical
    body = response.content.decode()
    assert "1.1FS+2" in body and 'data-critical="1"' in body
    assert 'data-testid="project-percent">33%' in body


def test_empty_schedule_says_what_to_do(client, pm, project):
    client.force_login(pm)
    body = client.get(schedule_url(project)).content.decode()
    assert 'data-testid="empty-schedule"' in body and "Add the first phase" in body


def test_critical_filter_lists_only_critical_tasks(client, pm, project, wbs):
    add(project, pm, "Side job", duration_days=1)
    client.force_login(pm)
    names = [
        r.task.name for r in client.get(schedule_url(project) + "?show=critical").context["rows"]
    ]
    assert "Side job" not in names and "Specification" in names


@pytest.mark.parametrize("count", [10, 1000])
def test_schedule_page_queries_do_not_grow_with_tasks(
    client, pm, project, member, count, django_assert_max_num_queries
):
    big_wbs(project, count, assignee=member)
    client.force_login(pm)
    with django_assert_max_num_queries(14):
        response = client.get(schedule_url(project))
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(count, 100)
    assert response.context["overview"].task_count == count - max(1, count // 10)


# --- task forms -------------------------------------------------------------------------------
def test_pm_adds_a_task_with_start_and_finish(client, pm, project, wbs):
    client.force_login(pm)
    data = task_form_data(
        parent=wbs["design"].pk,
        duration_days="",
        planned_start="2026-01-12",
        planned_finish="2026-01-16",
    )
    response = client.post(create_url(project), data)
    assert response.status_code == 302
    task = Task.objects.get(name="New work")
    assert (task.outline, task.duration_days, task.created_by) == ("1.3", 5, pm)
    assert response.url == task_url(task)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"duration_days": "-2"}, "duration_days"),
        ({"percent_complete": "101"}, "percent_complete"),
        ({"name": "x" * 201}, "name"),
        ({"planned_start": "2026-02-10", "planned_finish": "2026-02-09"}, "planned_finish"),
        ({"planned_finish": "2026-02-09"}, "planned_start"),
        ({"duration_days": ""}, "duration_days"),
        ({"estimated_effort_hours": "-1"}, "estimated_effort_hours"),
        ({"assignee": "999999"}, "assignee"),
    ],
)
def test_bad_task_input_is_a_400_next_to_the_field(client, pm, project, overrides, field):
    client.force_login(pm)
    response = client.post(create_url(project), task_form_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Task.objects.filter(project=project).exists()
    # What the user typed is still there.
    assert response.context["form"].data["name"] == task_form_data(**overrides)["name"]


def test_who_may_open_the_task_form(
    client, project, other_project, other_pm, executive, member, outsider
):
    for user, status in ((other_pm, 403), (executive, 403), (member, 403), (outsider, 404)):
        client.force_login(user)
        assert client.get(create_url(project)).status_code == status
        assert client.post(create_url(project), task_form_data()).status_code == status
    assert not Task.objects.exists()


def test_stale_task_edit_is_a_409_that_keeps_the_input(client, pm, project, wbs):
    task = wbs["review"]
    loaded = task.version
    services.task_update(task=task, by=pm, data={"name": "Peer review"}, expected_version=loaded)
    client.force_login(pm)
    data = task_form_data(
        name="Review", duration_days="7", parent=wbs["design"].pk, version=loaded, position="2"
    )
    response = client.post(task_url(task, "task_edit"), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="stale-warning"' in body and "Peer review" in body
    assert response.context["form"].data["duration_days"] == "7"
    task.refresh_from_db()
    assert (task.name, task.duration_days) == ("Peer review", 2)


def test_editing_a_phase_shows_no_rolled_up_fields(client, pm, project, wbs):
    client.force_login(pm)
    response = client.get(task_url(wbs["design"], "task_edit"))
    assert response.status_code == 200
    assert "duration_days" not in response.context["form"].fields
    assert "percent_complete" not in response.context["form"].fields


def test_task_page_shows_links_and_history(client, pm, project, wbs):
    services.task_update(
        task=wbs["review"], by=pm, data={"duration_days": 3}, expected_version=wbs["review"].version
    )
    client.force_login(pm)
    response = client.get(task_url(wbs["review"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "1.1 Specification" in body
    assert 'data-testid="history"' in body and "Duration (working days)" in body


def test_task_of_another_project_is_404(client, pm, project, other_project, other_pm):
    foreign = add(other_project, other_pm, "Theirs")
    client.force_login(pm)
    url = reverse("projects:task_detail", args=[project.code, foreign.pk])
    assert client.get(url).status_code == 404


def test_deleting_a_phase_with_tasks_is_refused_with_the_reason(client, pm, project, wbs):
    client.force_login(pm)
    response = client.post(task_url(wbs["design"], "task_delete"))
    assert response.status_code == 400
    assert "is a phase with 2 tasks" in response.content.decode()
    assert Task.objects.filter(pk=wbs["design"].pk).exists()


def test_deleting_a_task(client, pm, project, wbs):
    client.force_login(pm)
    response = client.post(task_url(wbs["review"], "task_delete"))
    assert response.status_code == 302 and response.url == schedule_url(project)
    assert not Task.objects.filter(name="Review").exists()


def test_member_cannot_delete(client, member, project, wbs):
    client.force_login(member)
    assert client.post(task_url(wbs["review"], "task_delete")).status_code == 403


# --- dependencies -----------------------------------------------------------------------------
def test_adding_a_dependency_on_the_task_page(client, pm, project, wbs):
    extra = add(project, pm, "Sign-off", wbs["design"], duration_days=1)
    client.force_login(pm)
    data = {"predecessor": wbs["review"].pk, "type": "SS", "lag_days": "-1"}
    response = client.post(task_url(extra, "dependency_add"), data)
    assert response.status_code == 302
    link = Dependency.objects.get(successor=extra)
    assert (link.type, link.lag_days, link.created_by) == ("SS", -1, pm)


def test_a_cycle_from_the_form_is_a_400_naming_the_tasks(client, pm, project, wbs):
    client.force_login(pm)
    data = {"predecessor": wbs["review"].pk, "type": "FS", "lag_days": "0"}
    response = client.post(task_url(wbs["spec"], "dependency_add"), data)
    assert response.status_code == 400
    assert "Dependency cycle: 1.1 Specification -&gt; 1.2 Review -&gt; 1.1 Specification" in (
        response.content.decode()
    )


@pytest.mark.parametrize("lag", ["two", "1.5", "99999"])
def test_lag_must_be_a_whole_number_in_range(client, pm, project, wbs, lag):
    extra = add(project, pm, "Sign-off", duration_days=1)
    client.force_login(pm)
    data = {"predecessor": wbs["review"].pk, "type": "FS", "lag_days": lag}
    response = client.post(task_url(extra, "dependency_add"), data)
    assert response.status_code == 400
    assert "lag_days" in response.context["dependency_form"].errors
    assert not Dependency.objects.filter(successor=extra).exists()


def test_unknown_dependency_type_is_refused(client, pm, project, wbs):
    extra = add(project, pm, "Sign-off", duration_days=1)
    client.force_login(pm)
    data = {"predecessor": wbs["review"].pk, "type": "XX", "lag_days": "0"}
    assert client.post(task_url(extra, "dependency_add"), data).status_code == 400


def test_removing_a_dependency(client, pm, project, wbs):
    link = Dependency.objects.get()
    client.force_login(pm)
    url = reverse("projects:dependency_remove", args=[project.code, link.pk])
    response = client.post(url, {"from": wbs["spec"].pk})
    assert response.status_code == 302 and response.url == task_url(wbs["spec"])
    assert not Dependency.objects.exists()


def test_other_pm_cannot_touch_dependencies(client, other_pm, project, other_project, wbs):
    link = Dependency.objects.get()
    client.force_login(other_pm)
    url = reverse("projects:dependency_remove", args=[project.code, link.pk])
    assert client.post(url).status_code == 403
    data = {"predecessor": wbs["spec"].pk, "type": "FS", "lag_days": "0"}
    assert client.post(task_url(wbs["design"], "dependency_add"), data).status_code == 403
    assert Dependency.objects.count() == 1


# --- in-place progress ------------------------------------------------------------------------
def progress(client, task, percent, version=None, **extra):
    data = {"percent_complete": percent, "version": version or task.version}
    return client.post(task_url(task, "task_progress"), data, **extra)


def test_htmx_progress_update_returns_the_table_with_new_rollups(client, pm, project, wbs):
    client.force_login(pm)
    response = progress(client, wbs["spec"], 75, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="wbs"') and "<html" not in body
    assert 'data-testid="project-percent">50%' in body  # (4 x 75 + 2 x 0) / 6
    wbs["spec"].refresh_from_db()
    assert wbs["spec"].percent_complete == 75


def test_progress_without_javascript_redirects_to_the_row(client, pm, project, wbs):
    client.force_login(pm)
    response = progress(client, wbs["spec"], 20)
    assert response.status_code == 302
    assert response.url == f"{schedule_url(project)}#task-{wbs['spec'].pk}"


@pytest.mark.parametrize("value", ["101", "-5", "lots", ""])
def test_bad_progress_is_a_400_on_the_row(client, pm, project, wbs, value):
    client.force_login(pm)
    response = progress(client, wbs["spec"], value, **HTMX)
    assert response.status_code == 400
    assert 'data-testid="progress-error"' in response.content.decode()
    wbs["spec"].refresh_from_db()
    assert wbs["spec"].percent_complete == 0


def test_stale_progress_is_a_409(client, pm, project, wbs):
    old = wbs["spec"].version
    services.task_update(task=wbs["spec"], by=pm, data={"name": "Spec"}, expected_version=old)
    client.force_login(pm)
    response = progress(client, wbs["spec"], 30, version=old, **HTMX)
    assert response.status_code == 409
    assert "Someone else saved" in response.content.decode()


def test_assignee_updates_own_progress_but_not_others(client, member, project, wbs):
    client.force_login(member)
    body = client.get(schedule_url(project)).content.decode()
    assert body.count('data-testid="progress-input"') == 1
    assert progress(client, wbs["spec"], 40, **HTMX).status_code == 200
    assert progress(client, wbs["review"], 40, **HTMX).status_code == 403


def test_executive_cannot_update_progress(client, executive, project, wbs):
    client.force_login(executive)
    assert progress(client, wbs["spec"], 40, **HTMX).status_code == 403


def test_progress_on_a_closed_project_is_refused(client, pm, project, wbs):
    project.status = "closed"
    project.save()
    client.force_login(pm)
    response = progress(client, wbs["spec"], 40, **HTMX)
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()


# --- working calendars ------------------------------------------------------------------------
def test_pmo_creates_a_calendar_and_adds_holidays(client, pmo_staff):
    client.force_login(pmo_staff)
    data = {"name": "Shanghai office", "weekend_days": ["5", "6"], "is_default": "on"}
    response = client.post(reverse("projects:calendar_create"), data)
    calendar = WorkCalendar.objects.get(name="Shanghai office")
    assert response.status_code == 302
    assert (calendar.weekend_days, calendar.is_default) == ([5, 6], True)
    url = reverse("projects:holiday_add", args=[calendar.pk])
    response = client.post(url, {"date": "2026-10-01", "name": "National Day"})
    assert response.status_code == 302
    assert Holiday.objects.get(calendar=calendar).name == "National Day"
    # The same date twice is refused next to the field.
    response = client.post(url, {"date": "2026-10-01", "name": "Again"})
    assert response.status_code == 400
    assert "date" in response.context["holiday_form"].errors


def test_a_calendar_without_working_days_is_refused(client, pmo_staff):
    client.force_login(pmo_staff)
    data = {"name": "Never", "weekend_days": [str(d) for d in range(7)]}
    response = client.post(reverse("projects:calendar_create"), data)
    assert response.status_code == 400
    assert "weekend_days" in response.context["form"].errors
    assert not WorkCalendar.objects.exists()


def test_only_pmo_edits_calendars(client, pm, executive):
    calendar = WorkCalendar.objects.create(name="Office")
    for user in (pm, executive):
        client.force_login(user)
        assert client.get(reverse("projects:calendars")).status_code == 200
        assert client.get(reverse("projects:calendar_edit", args=[calendar.pk])).status_code == 403
        url = reverse("projects:holiday_add", args=[calendar.pk])
        assert client.post(url, {"date": "2026-05-01", "name": "x"}).status_code == 403
    assert not Holiday.objects.exists()


def test_calendar_list_queries_are_bounded(client, pmo_staff, django_assert_max_num_queries):
    for n in range(30):
        calendar = WorkCalendar.objects.create(name=f"Site {n}")
        Holiday.objects.create(calendar=calendar, date=D(2026, 1, 1), name="New Year")
        ProjectFactory(calendar=calendar)
    client.force_login(pmo_staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("projects:calendars"))
    assert response.status_code == 200


def test_task_page_and_form_queries_do_not_grow_with_links_and_history(
    client, pm, project, django_assert_max_num_queries
):
    target = add(project, pm, "Integration test", duration_days=3)
    for n in range(40):
        before = add(project, pm, f"Component {n}", duration_days=1)
        services.dependency_add(successor=target, predecessor=before, by=pm, type="FS", lag_days=0)
    for n in range(15):
        target.refresh_from_db()
        services.task_update(
            task=target, by=pm, data={"duration_days": 4 + n}, expected_version=target.version
        )
    client.force_login(pm)
    with django_assert_max_num_queries(16):
        response = client.get(task_url(target))
    assert response.status_code == 200 and len(response.context["predecessors"]) == 40
    with django_assert_max_num_queries(12):
        assert client.get(task_url(target, "task_edit")).status_code == 200


def test_calendar_page_queries_do_not_grow_with_holidays(
    client, pmo_staff, django_assert_max_num_queries
):
    calendar = WorkCalendar.objects.create(name="Office")
    Holiday.objects.bulk_create(
        Holiday(calendar=calendar, date=D(2026, 1, 1) + datetime.timedelta(days=n), name="Day")
        for n in range(200)
    )
    client.force_login(pmo_staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("projects:calendar_edit", args=[calendar.pk]))
    assert response.status_code == 200 and len(response.context["holidays"]) == 200

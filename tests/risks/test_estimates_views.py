"""The three-point estimates page: who may open it, one form for the page's tasks, per-cell
errors, nothing saved on a bad row, stale rows (409), "fill from ratios", query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Status, Task
from risks.services.estimates import EstimateRow, task_estimates_save
from risks.views.schedule_risk import ROWS_PER_PAGE
from tests.factories import MembershipFactory
from tests.projects.factories_schedule import TaskFactory, big_wbs, renumber_and_schedule


def estimates_url(project, **query):
    url = reverse("risks:project_estimates", kwargs={"code": project.code})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def plan(project):
    """Phase "Build" (Code 5 days, Test 10 days), a milestone, then "Deploy" (3 days)."""
    phase = TaskFactory(project=project, name="Build", position=1, duration_days=0)
    code = TaskFactory(project=project, parent=phase, name="Code", position=1, duration_days=5)
    test = TaskFactory(project=project, parent=phase, name="Test", position=2, duration_days=10)
    milestone = TaskFactory(project=project, name="Go-live", position=2, duration_days=0)
    deploy = TaskFactory(project=project, name="Deploy", position=3, duration_days=3)
    renumber_and_schedule(project)
    return [code, test, deploy], {"phase": phase, "milestone": milestone}


def post_data(tasks, values, *, versions=None, action="save", **extra):
    """The form's POST; ``values`` maps index -> (optimistic, pessimistic) strings."""
    data = {
        "e-TOTAL_FORMS": str(len(tasks)),
        "e-INITIAL_FORMS": str(len(tasks)),
        "e-MIN_NUM_FORMS": str(len(tasks)),
        "e-MAX_NUM_FORMS": str(len(tasks)),
        "action": action,
        **extra,
    }
    for index, task in enumerate(tasks):
        low, high = values.get(index, ("", ""))
        data[f"e-{index}-task_id"] = str(task.pk)
        data[f"e-{index}-version"] = str((versions or {}).get(index, task.version))
        data[f"e-{index}-optimistic_days"] = low
        data[f"e-{index}-pessimistic_days"] = high
    return data


def stored(task):
    task.refresh_from_db()
    return task.optimistic_days, task.pessimistic_days


# --- who may open it -----------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, project, plan):
    for response in (client.get(estimates_url(project)), client.post(estimates_url(project), {})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["executive", "member", "other_pm", "resource_manager"])
def test_readers_get_403_and_save_nothing(client, request, project, plan, persona):
    request.getfixturevalue("other_project")  # other_pm works in the same portfolio
    tasks, _rest = plan
    client.force_login(request.getfixturevalue(persona))
    assert client.get(estimates_url(project)).status_code == 403
    response = client.post(estimates_url(project), post_data(tasks, {0: ("4", "8")}))
    assert response.status_code == 403
    assert stored(tasks[0]) == (None, None)


def test_an_outsider_gets_404(client, outsider, project, plan):
    MembershipFactory(user=outsider)  # works on a project of another portfolio
    client.force_login(outsider)
    assert client.get(estimates_url(project)).status_code == 404


@pytest.mark.parametrize("persona", ["pm", "pmo_staff"])
def test_plan_editors_open_the_form(client, request, project, plan, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(estimates_url(project)).status_code == 200


def test_a_member_with_the_edit_right_opens_the_form(client, project, plan):
    editor = MembershipFactory(project=project, can_edit=True).user
    client.force_login(editor)
    assert client.get(estimates_url(project)).status_code == 200


# --- the form ------------------------------------------------------------------------------
def test_only_leaf_tasks_are_rows_under_their_phase(client, pm, project, plan):
    tasks, _rest = plan
    client.force_login(pm)
    response = client.get(estimates_url(project))
    html = response.content.decode()
    rows = [form.task for form in response.context["formset"]]
    assert rows == tasks  # WBS order; no phase, no milestone
    assert html.count('data-testid="estimate-row"') == 3
    assert "1 Build" in html  # the phase is a heading
    assert "Go-live" not in html
    assert "0 of 3 tasks estimated" in html


def test_empty_plan_says_what_to_do_next(client, pm, project):
    client.force_login(pm)
    response = client.get(estimates_url(project))
    assert response.status_code == 200
    assert b'data-testid="empty-state"' in response.content
    assert reverse("projects:schedule", args=[project.code]).encode() in response.content


def test_pm_saves_the_estimates_in_one_form(client, pm, project, plan):
    tasks, _rest = plan
    client.force_login(pm)
    response = client.post(estimates_url(project), post_data(tasks, {0: ("3", "9"), 1: ("", "15")}))
    assert response.status_code == 302
    assert response.url == estimates_url(project)
    assert stored(tasks[0]) == (3, 9)
    assert stored(tasks[1]) == (None, 15)
    assert stored(tasks[2]) == (None, None)
    assert tasks[0].version == 2 and tasks[2].version == 1
    page = client.get(response.url).content.decode()
    assert "Estimates of 2 tasks saved." in page
    assert "2 of 3 tasks estimated" in page


def test_bad_estimate_is_a_400_at_the_cell_and_nothing_is_saved(client, pm, project, plan):
    tasks, _rest = plan
    client.force_login(pm)
    response = client.post(
        estimates_url(project), post_data(tasks, {0: ("3", "9"), 1: ("12", "15")})
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The optimistic duration cannot exceed the planned one." in html
    assert 'id="id_e-1-optimistic_days-error"' in html  # next to the cell
    assert 'value="12"' in html and 'value="9"' in html  # input kept
    assert stored(tasks[0]) == (None, None)
    assert stored(tasks[1]) == (None, None)


@pytest.mark.parametrize(
    ("value", "message"),
    [("abc", "Enter a whole number."), ("-2", "greater than or equal to 0"), ("2.5", "whole")],
)
def test_unreadable_cells_are_400s(client, pm, project, plan, value, message):
    tasks, _rest = plan
    client.force_login(pm)
    response = client.post(estimates_url(project), post_data(tasks, {2: ("1", value)}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored(tasks[2]) == (None, None)


def test_thousands_separators_are_read(client, pm, project, plan):
    tasks, _rest = plan
    client.force_login(pm)
    response = client.post(estimates_url(project), post_data(tasks, {2: ("1", "1,000")}))
    assert response.status_code == 302
    assert stored(tasks[2]) == (1, 1000)


def test_a_form_for_an_outdated_wbs_is_refused_as_a_whole(client, pm, project, plan):
    tasks, _rest = plan
    client.force_login(pm)
    # Rows in another order than the plan's: a task id no longer matches its row.
    data = post_data([tasks[1], tasks[0], tasks[2]], {0: ("8", "12"), 1: ("4", "6")})
    response = client.post(estimates_url(project), data)
    assert response.status_code == 400
    assert "The plan changed since you opened this page" in response.content.decode()
    # A missing row: the form count no longer matches.
    response = client.post(estimates_url(project), post_data(tasks[:2], {0: ("4", "6")}))
    assert response.status_code == 400
    assert all(stored(t) == (None, None) for t in tasks)


def test_stale_rows_are_a_409_that_keeps_input_and_merges_untouched_cells(
    client, pm, pmo_staff, project, plan
):
    tasks, _rest = plan
    code = tasks[0]
    # PMO staff give "Code" an estimate after the PM opened the page (version 1).
    task_estimates_save(
        project=project,
        by=pmo_staff,
        rows=[EstimateRow(code.pk, 1, optimistic_days=4, pessimistic_days=7)],
    )
    client.force_login(pm)
    # The PM types only a pessimistic duration for Code, and estimates Test.
    data = post_data(tasks, {0: ("", "9"), 1: ("8", "14")}, versions={0: 1})
    response = client.post(estimates_url(project), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="stale-warning"' in html
    assert "Paula Office" in html or "pmo_staff" in html
    formset = response.context["formset"]
    assert formset.data["e-0-optimistic_days"] == "4"  # untouched: takes their value
    assert formset.data["e-0-pessimistic_days"] == "9"  # both changed: keeps the PM's
    assert formset.data["e-1-optimistic_days"] == "8"  # other rows as typed
    assert formset.data["e-0-version"] == "2"
    assert stored(tasks[1]) == (None, None)  # nothing saved
    # Saving the merged form again is a deliberate choice, and it wins.
    response = client.post(estimates_url(project), formset.data)
    assert response.status_code == 302
    assert stored(code) == (4, 9)
    assert stored(tasks[1]) == (8, 14)


def test_a_closed_project_shows_read_only_and_refuses_a_save(client, pm, project, plan):
    tasks, _rest = plan
    project.status = Status.CLOSED
    project.save()
    client.force_login(pm)
    page = client.get(estimates_url(project))
    assert page.status_code == 200
    assert b"can no longer change" in page.content
    assert b'data-testid="save"' not in page.content
    response = client.post(estimates_url(project), post_data(tasks, {0: ("3", "9")}))
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    assert stored(tasks[0]) == (None, None)


def test_fill_from_ratios_proposes_values_for_empty_rows_without_saving(client, pm, project, plan):
    tasks, _rest = plan
    client.force_login(pm)
    data = post_data(
        tasks,
        {0: ("4", "")},  # Code has a value typed: left as it is
        action="fill",
        optimistic_percent="80",
        pessimistic_percent="150",
    )
    response = client.post(estimates_url(project), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.data["e-0-optimistic_days"] == "4"
    assert formset.data["e-0-pessimistic_days"] == ""
    # Test: 10 days -> 8 / 15; Deploy: 3 days -> 2 (2.4 rounded down) / 5 (4.5 rounded up).
    assert (formset.data["e-1-optimistic_days"], formset.data["e-1-pessimistic_days"]) == (
        "8",
        "15",
    )
    assert (formset.data["e-2-optimistic_days"], formset.data["e-2-pessimistic_days"]) == (
        "2",
        "5",
    )
    assert "2 empty rows were filled from the ratios" in response.content.decode()
    assert all(stored(t) == (None, None) for t in tasks)


def test_fill_with_bad_ratios_is_a_400_at_the_ratio(client, pm, project, plan):
    tasks, _rest = plan
    client.force_login(pm)
    data = post_data(tasks, {}, action="fill", optimistic_percent="120", pessimistic_percent="150")
    response = client.post(estimates_url(project), data)
    assert response.status_code == 400
    assert 'id="id_optimistic_percent-error"' in response.content.decode()


def test_rows_are_paged_and_each_page_saves_its_own_rows(client, pm, project):
    big_wbs(project, 150)  # 15 phases, 135 tasks
    leaves = list(
        Task.objects.filter(project=project, parent__isnull=False).order_by("sort_key", "pk")
    )
    client.force_login(pm)
    response = client.get(estimates_url(project, page=2))
    second_page = [form.task for form in response.context["formset"]]
    assert second_page == leaves[ROWS_PER_PAGE:]
    response = client.post(estimates_url(project, page=2), post_data(second_page, {0: ("1", "20")}))
    assert response.status_code == 302
    assert response.url == estimates_url(project, page=2)
    assert stored(second_page[0]) == (1, 20)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_page_needs_no_more_queries_for_a_bigger_plan(
    client, pm, project, other_project, django_assert_max_num_queries
):
    big_wbs(project, 10)
    big_wbs(other_project, 300)
    other_project.project_manager = pm
    other_project.save()
    client.force_login(pm)
    small = count_queries(client, estimates_url(project))
    assert small <= 10  # measured: 8
    with django_assert_max_num_queries(small):
        assert client.get(estimates_url(other_project)).status_code == 200

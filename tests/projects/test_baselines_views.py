"""Taking baselines (they re-baseline milestones) and comparing plans on the pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects.baselines import compare_snapshots
from projects.models import Baseline, Milestone
from projects.services import baselines as baseline_services
from projects.services import schedule as services
from tests.projects.factories_schedule import add

D = datetime.date


@pytest.fixture
def plan(project, pm):
    design = add(project, pm, "Design", duration_days=10)
    build = add(project, pm, "Build", duration_days=20)
    services.dependency_add(successor=build, predecessor=design, by=pm, type="FS", lag_days=0)
    go_live = Milestone.objects.create(
        project=project, name="Go-live", owner=pm, forecast_date=D(2026, 3, 2)
    )
    return {"design": design, "build": build, "go_live": go_live}


def list_url(project):
    return reverse("projects:baselines", args=[project.code])


def compare_url(project, old, new):
    return reverse("projects:baseline_compare", args=[project.code]) + f"?old={old}&new={new}"


# --- services ---------------------------------------------------------------------------------
def test_baseline_snapshots_the_plan_and_sets_milestone_baselines(project, pm, plan):
    baseline = baseline_services.baseline_create(project=project, name="Approved plan", by=pm)
    tasks = baseline.snapshot["tasks"]
    assert tasks[str(plan["build"].pk)] == {
        "outline": "2",
        "name": "Build",
        "start": "2026-01-19",
        "finish": "2026-02-13",
        "duration": 20,
    }
    assert baseline.snapshot["milestones"] == {
        str(plan["go_live"].pk): {"name": "Go-live", "date": "2026-03-02"}
    }
    milestone = Milestone.objects.get(pk=plan["go_live"].pk)
    assert (milestone.baseline_date, milestone.version) == (D(2026, 3, 2), 2)
    record = milestone.history.first()
    assert (record.history_user, record.history_change_reason) == (pm, "Baselined as Approved plan")


def test_baseline_names_are_unique_per_project(project, pm, plan):
    baseline_services.baseline_create(project=project, name="Approved plan", by=pm)
    with pytest.raises(ValidationError) as error:
        baseline_services.baseline_create(project=project, name="approved PLAN ", by=pm)
    assert "already has a baseline named" in str(error.value)
    assert Baseline.objects.count() == 1


def test_baseline_then_moves_compare_with_the_current_plan(project, pm, plan):
    baseline = baseline_services.baseline_create(project=project, name="v1", by=pm)
    design = plan["design"]
    services.task_update(task=design, by=pm, data={"duration_days": 15}, expected_version=1)
    add(project, pm, "Hypercare", duration_days=5)
    result = compare_snapshots(baseline.snapshot, baseline_services.snapshot_plan(project))
    assert {c.name: (c.start_delta, c.finish_delta) for c in result.tasks_moved} == {
        "Design": (0, 7),
        "Build": (7, 7),
    }
    assert [c.name for c in result.tasks_added] == ["Hypercare"]


def test_only_planners_and_deciders_take_baselines(project, plan, executive, member, other_pm):
    from tests.factories import UserFactory

    other_executive = UserFactory(roles=["executive"])
    for person in (other_executive, member, other_pm):
        with pytest.raises(PermissionDenied):
            baseline_services.baseline_create(project=project, name="Mine", by=person)
    # The sponsor decides changes that move the baseline (an approved change request).
    assert baseline_services.baseline_create(project=project, name="After CR01", by=executive)


def test_closed_project_takes_no_baseline(project, pm, plan):
    project.status = "closed"
    project.save()
    with pytest.raises(ValidationError):
        baseline_services.baseline_create(project=project, name="Late", by=pm)
    assert not Baseline.objects.exists()


# --- pages ------------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, project):
    response = client.get(list_url(project))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_pm_saves_a_baseline_from_the_page(client, pm, project, plan):
    client.force_login(pm)
    response = client.post(list_url(project), {"name": "Approved plan", "note": "Gate 2"})
    assert response.status_code == 302
    assert Baseline.objects.get().created_by == pm


@pytest.mark.parametrize("name", ["", "x" * 101])
def test_bad_baseline_name_is_a_400(client, pm, project, plan, name):
    client.force_login(pm)
    response = client.post(list_url(project), {"name": name})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not Baseline.objects.exists()


def test_duplicate_baseline_name_is_a_400_next_to_the_field(client, pm, project, plan):
    baseline_services.baseline_create(project=project, name="v1", by=pm)
    client.force_login(pm)
    response = client.post(list_url(project), {"name": "v1"})
    assert response.status_code == 400
    assert "already has a baseline" in response.context["form"].errors["name"][0]


def test_readers_see_baselines_but_cannot_save_one(client, executive, member, project, plan):
    for person in (executive, member):
        client.force_login(person)
        response = client.get(list_url(project))
        assert response.status_code == 200
        assert 'data-testid="baseline-form"' not in response.content.decode()
        assert client.post(list_url(project), {"name": "x"}).status_code == 403
    assert not Baseline.objects.exists()


def test_outsider_gets_404(client, outsider, project):
    client.force_login(outsider)
    assert client.get(list_url(project)).status_code == 404
    assert client.get(compare_url(project, "current", "current")).status_code == 404


def test_compare_page_lists_moved_added_and_removed(client, pm, project, plan):
    baseline = baseline_services.baseline_create(project=project, name="v1", by=pm)
    services.task_update(task=plan["design"], by=pm, data={"duration_days": 15}, expected_version=1)
    add(project, pm, "Hypercare", duration_days=5)
    plan["go_live"].forecast_date = D(2026, 3, 9)
    plan["go_live"].save()
    client.force_login(pm)
    response = client.get(compare_url(project, baseline.pk, "current"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-kind="moved"') == 3  # Design, Build, Go-live
    assert body.count('data-kind="added"') == 1
    assert "+7" in body and "Hypercare" in body


def test_compare_two_baselines_shows_removed_tasks(client, pm, project, plan):
    first = baseline_services.baseline_create(project=project, name="v1", by=pm)
    services.task_delete(task=plan["build"], by=pm)
    second = baseline_services.baseline_create(project=project, name="v2", by=pm)
    client.force_login(pm)
    response = client.get(compare_url(project, first.pk, second.pk))
    comparison = response.context["comparison"]
    assert [c.name for c in comparison.tasks_removed] == ["Build"]


def test_compare_with_an_unknown_baseline_is_a_400(client, pm, project, other_project, other_pm):
    foreign = Baseline.objects.create(
        project=other_project, name="Theirs", snapshot={}, created_by=other_pm
    )
    client.force_login(pm)
    response = client.get(compare_url(project, foreign.pk, "current"))
    assert response.status_code == 400
    assert "comparison" not in response.context


def test_baseline_pages_queries_are_bounded(
    client, pm, project, plan, django_assert_max_num_queries
):
    for n in range(30):
        baseline_services.baseline_create(project=project, name=f"Baseline {n}", by=pm)
    client.force_login(pm)
    with django_assert_max_num_queries(12):
        assert client.get(list_url(project)).status_code == 200
    first = Baseline.objects.order_by("created_at").first()
    with django_assert_max_num_queries(12):
        assert client.get(compare_url(project, first.pk, "current")).status_code == 200

"""The admin pages PMO staff use for people, departments and task runs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pmo.core.models import Department, Sequence, TaskRun
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="ops", is_staff=True, is_superuser=True))
    return client


def test_task_run_list_shows_runs_with_duration_and_filters(admin_client):
    started = timezone.now() - timedelta(minutes=5)
    TaskRun.objects.create(
        task_name="pmo.core.tasks.prune_task_runs",
        started_at=started,
        finished_at=started + timedelta(seconds=42),
        outcome=TaskRun.Outcome.SUCCESS,
        counts={"deleted": 12},
    )
    TaskRun.objects.create(task_name="digests.send", outcome=TaskRun.Outcome.FAILURE)

    response = admin_client.get(reverse("admin:core_taskrun_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "pmo.core.tasks.prune_task_runs" in content
    assert "0:00:42" in content
    assert "deleted" in content

    filtered = admin_client.get(reverse("admin:core_taskrun_changelist"), {"outcome": "failure"})
    assert filtered.status_code == 200
    assert list(filtered.context["cl"].result_list.values_list("task_name", flat=True)) == [
        "digests.send"
    ]


def test_task_runs_cannot_be_added_or_edited_in_admin(admin_client):
    run = TaskRun.objects.create(task_name="x", outcome=TaskRun.Outcome.RUNNING)

    assert admin_client.get(reverse("admin:core_taskrun_add")).status_code == 403
    change_url = reverse("admin:core_taskrun_change", args=[run.pk])
    assert admin_client.get(change_url).status_code == 200
    admin_client.post(change_url, {"outcome": "success"})
    run.refresh_from_db()
    assert run.outcome == TaskRun.Outcome.RUNNING


def test_sequences_are_read_only(admin_client):
    seq = Sequence.objects.create(name="project", last_value=41)

    assert admin_client.get(reverse("admin:core_sequence_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:core_sequence_add")).status_code == 403
    delete_url = reverse("admin:core_sequence_delete", args=[seq.pk])
    assert admin_client.get(delete_url).status_code == 403


def test_user_admin_shows_work_profile_and_filters_by_department(admin_client):
    finance = DepartmentFactory(name="Finance", code="finance")
    UserFactory(username="fin1", department=finance, job_title="Controller")
    UserFactory(username="it1")

    response = admin_client.get(
        reverse("admin:core_user_changelist"), {"department__id__exact": finance.pk}
    )
    assert response.status_code == 200
    assert [u.username for u in response.context["cl"].result_list] == ["fin1"]

    user = response.context["cl"].result_list[0]
    detail = admin_client.get(reverse("admin:core_user_change", args=[user.pk]))
    assert detail.status_code == 200
    for field in ("department", "job_title", "time_zone", "language", "notification_email"):
        assert f'name="{field}"' in detail.content.decode()


def test_department_admin_search_and_creator(admin_client):
    DepartmentFactory(name="Engineering", code="eng")
    DepartmentFactory(name="Finance", code="finance")

    response = admin_client.get(reverse("admin:core_department_changelist"), {"q": "eng"})
    assert [d.code for d in response.context["cl"].result_list] == ["eng"]

    admin_client.post(
        reverse("admin:core_department_add"), {"name": "Legal", "code": "legal", "parent": ""}
    )
    assert Department.objects.get(code="legal").created_by.username == "ops"

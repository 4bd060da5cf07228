"""Creating and editing projects: validation, codes, optimistic locking and history."""

import datetime

import pytest
from django.urls import reverse

from pmo.core.models import Sequence
from projects.models import Project
from projects.services import PROJECT_SEQUENCE
from tests.factories import ProjectFactory, UserFactory


def project_form_data(project=None, **overrides):
    data = {
        "code": "",
        "name": "Warehouse automation",
        "description": "Automate picking in the central warehouse.",
        "portfolio": "",
        "program": "",
        "department": "",
        "sponsor": "",
        "project_manager": "",
        "stage": "initiation",
        "status": "proposed",
        "health": "green",
        "health_reason": "",
        "priority": "2",
        "planned_start": "2026-02-02",
        "planned_finish": "2026-09-30",
        "currency": "CNY",
    }
    if project is not None:
        data.update(
            name=project.name,
            portfolio=project.portfolio_id,
            project_manager=project.project_manager_id,
            stage=project.stage,
            status=project.status,
            health=project.health,
            health_reason=project.health_reason,
            priority=project.priority,
            planned_start=project.planned_start.isoformat(),
            planned_finish=project.planned_finish.isoformat(),
            version=project.version,
        )
    data.update(overrides)
    return data


# --- Create ------------------------------------------------------------------------------
def test_pm_creates_project_and_gets_next_code(client, pm, portfolio):
    client.force_login(pm)
    data = project_form_data(portfolio=portfolio.pk, project_manager=pm.pk)
    response = client.post(reverse("projects:project_create"), data)
    project = Project.objects.get(name="Warehouse automation")
    assert response.status_code == 302
    assert response.url == project.get_absolute_url()
    assert project.code == "PRJ-0001"
    assert project.created_by == pm
    assert project.version == 1
    record = project.history.get()
    assert record.history_type == "+"
    assert record.history_user == pm


def test_auto_code_skips_numbers_typed_by_hand(client, pm, portfolio):
    ProjectFactory(code="PRJ-0001", portfolio=portfolio)
    client.force_login(pm)
    client.post(
        reverse("projects:project_create"),
        project_form_data(portfolio=portfolio.pk, project_manager=pm.pk),
    )
    assert Project.objects.get(name="Warehouse automation").code == "PRJ-0002"
    assert Sequence.objects.get(name=PROJECT_SEQUENCE).last_value == 2


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"planned_start": "2026-09-30", "planned_finish": "2026-02-02"},
            "planned_finish",
            "cannot be before the start",
        ),
        ({"name": ""}, "name", "This field is required"),
        ({"project_manager": "999999"}, "project_manager", "Select a valid choice"),
        ({"planned_start": "31/02/2026"}, "planned_start", "Enter a valid date"),
        ({"health": "red", "health_reason": ""}, "health_reason", "Say why"),
        ({"name": "x" * 201}, "name", "at most 200 characters"),
        ({"code": "prj 1"}, "code", "capital letters"),
    ],
)
def test_create_with_bad_input_shows_field_error_and_keeps_input(
    client, pm, portfolio, overrides, field, message
):
    client.force_login(pm)
    data = project_form_data(**{"portfolio": portfolio.pk, "project_manager": pm.pk, **overrides})
    response = client.post(reverse("projects:project_create"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    # What the user typed is rendered back.
    assert "Automate picking in the central warehouse." in response.content.decode()
    assert not Project.objects.exists()


def test_duplicate_code_is_refused(client, pm, portfolio, project):
    client.force_login(pm)
    data = project_form_data(portfolio=portfolio.pk, project_manager=pm.pk, code="PRJ-0042")
    response = client.post(reverse("projects:project_create"), data)
    assert response.status_code == 400
    assert "already exists" in " ".join(response.context["form"].errors["code"])
    assert Project.objects.filter(code="PRJ-0042").count() == 1


def test_manager_must_hold_a_manager_role(client, pm, member, portfolio):
    client.force_login(pm)
    data = project_form_data(portfolio=portfolio.pk, project_manager=member.pk)
    response = client.post(reverse("projects:project_create"), data)
    assert response.status_code == 400
    assert "project_manager" in response.context["form"].errors


def test_program_must_belong_to_the_portfolio(client, pm, portfolio):
    from tests.factories import ProgramFactory

    foreign_program = ProgramFactory()
    client.force_login(pm)
    data = project_form_data(
        portfolio=portfolio.pk, project_manager=pm.pk, program=foreign_program.pk
    )
    response = client.post(reverse("projects:project_create"), data)
    assert response.status_code == 400
    assert "another portfolio" in " ".join(response.context["form"].errors["program"])


def test_member_cannot_create_projects(client, member, portfolio):
    client.force_login(member)
    data = project_form_data(portfolio=portfolio.pk, project_manager=member.pk)
    assert client.post(reverse("projects:project_create"), data).status_code == 403
    assert not Project.objects.exists()


# --- Edit --------------------------------------------------------------------------------
def test_pm_edits_health_and_history_records_it(client, pm, project):
    client.force_login(pm)
    data = project_form_data(project, health="red", health_reason="Supplier is 3 weeks late")
    response = client.post(reverse("projects:project_edit", args=[project.code]), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.health == "red"
    assert project.version == 2
    detail = client.get(project.get_absolute_url())
    entries = detail.context["history"]
    change = next(c for c in entries[0].changes if c.field == "health")
    assert (change.old, change.new) == ("Green", "Red")
    assert entries[0].who == pm
    assert "Supplier is 3 weeks late" in detail.content.decode()


def test_stage_cannot_be_changed_on_the_edit_form(client, pm, project):
    client.force_login(pm)
    data = project_form_data(project, stage="closing")
    assert (
        client.post(reverse("projects:project_edit", args=[project.code]), data).status_code == 302
    )
    project.refresh_from_db()
    assert project.stage == "initiation"


def test_bad_currency_code_is_a_field_error(client, pm, portfolio):
    client.force_login(pm)
    data = project_form_data(portfolio=portfolio.pk, project_manager=pm.pk, currency="yuan")
    response = client.post(reverse("projects:project_create"), data)
    assert response.status_code == 400
    assert "currency" in response.context["form"].errors


def test_code_cannot_be_changed_on_edit(client, pm, project):
    client.force_login(pm)
    data = project_form_data(project, code="HACK-1")
    client.post(reverse("projects:project_edit", args=[project.code]), data)
    project.refresh_from_db()
    assert project.code == "PRJ-0042"


def test_stale_edit_is_refused_with_what_changed_and_keeps_input(client, pm, pmo_staff, project):
    loaded_version = project.version
    # PMO staff saves first.
    client.force_login(pmo_staff)
    first = project_form_data(project, name="Customer portal v2")
    assert (
        client.post(reverse("projects:project_edit", args=[project.code]), first).status_code == 302
    )
    # The PM submits the form they loaded before that save.
    client.force_login(pm)
    mine = project_form_data(
        project, health="amber", health_reason="Scope creep", version=loaded_version
    )
    response = client.post(reverse("projects:project_edit", args=[project.code]), mine)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="stale-warning"' in body
    assert "Customer portal v2" in body  # their change is named
    assert "Scope creep" in body  # my input is kept
    project.refresh_from_db()
    assert (project.name, project.health, project.version) == ("Customer portal v2", "green", 2)
    # The re-rendered form merges: their new name (a field I left alone), my health and
    # reason (fields only I changed), and the current version for a deliberate resubmit.
    merged = response.context["form"].data
    assert (merged["name"], merged["health"], merged["version"]) == (
        "Customer portal v2",
        "amber",
        "2",
    )
    again = client.post(reverse("projects:project_edit", args=[project.code]), merged.dict())
    assert again.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.health, project.version) == ("Customer portal v2", "amber", 3)


def test_stale_edit_keeps_my_value_where_we_both_changed_a_field(client, pm, pmo_staff, project):
    client.force_login(pmo_staff)
    theirs = project_form_data(project, name="Their name")
    client.post(reverse("projects:project_edit", args=[project.code]), theirs)
    client.force_login(pm)
    mine = project_form_data(project, name="My name", version=1)
    response = client.post(reverse("projects:project_edit", args=[project.code]), mine)
    assert response.status_code == 409
    assert response.context["form"].data["name"] == "My name"
    project.refresh_from_db()
    assert project.name == "Their name"


def test_other_pm_cannot_post_an_edit(client, other_pm, project, other_project):
    client.force_login(other_pm)
    data = project_form_data(project, name="Hijacked")
    response = client.post(reverse("projects:project_edit", args=[project.code]), data)
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.name == "Customer portal"


def test_executive_cannot_post_an_edit(client, executive, project):
    client.force_login(executive)
    data = project_form_data(project, name="Exec edit")
    assert (
        client.post(reverse("projects:project_edit", args=[project.code]), data).status_code == 403
    )


def test_member_with_edit_right_can_edit(client, project, member):
    membership = project.memberships.get(user=member)
    membership.can_edit = True
    membership.save()
    client.force_login(member)
    data = project_form_data(project, name="Renamed by deputy")
    assert (
        client.post(reverse("projects:project_edit", args=[project.code]), data).status_code == 302
    )


def test_database_refuses_finish_before_start(db, portfolio, pm):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Project.objects.create(
            code="BAD-1",
            name="Bad",
            portfolio=portfolio,
            project_manager=pm,
            planned_start=datetime.date(2026, 5, 1),
            planned_finish=datetime.date(2026, 4, 1),
        )


def test_inactive_manager_is_not_offered(client, pm, portfolio):
    gone = UserFactory(roles=["pm"], is_active=False)
    client.force_login(pm)
    response = client.get(reverse("projects:project_create"))
    choices = [
        c[0].value for c in response.context["form"].fields["project_manager"].choices if c[0]
    ]
    assert gone.pk not in choices
    assert pm.pk in choices

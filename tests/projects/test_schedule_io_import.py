"""Export and import of a project's schedule: round trips, the preview, confirmation, guards."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Dependency, Milestone, Status, Task
from projects.schedule_io.csv_format import parse_csv
from projects.schedule_io.mspdi import parse_mspdi
from projects.services import schedule as schedule_services
from projects.services.schedule_import import schedule_import_apply, schedule_import_parse
from tests.factories import MembershipFactory, ProjectFactory
from tests.projects.factories_schedule import add, big_wbs, link_milestone

D = datetime.date


def export_url(project, kind="csv"):
    name = "projects:schedule_export_csv" if kind == "csv" else "projects:schedule_export_mspdi"
    return reverse(name, args=[project.code])


def import_url(project):
    return reverse("projects:schedule_import", args=[project.code])


def confirm_url(project):
    return reverse("projects:schedule_import_confirm", args=[project.code])


def upload(name, content: bytes):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def plan(project, pm, member):
    """Phases, nested phases, every link type with lags and leads, milestones of both kinds."""
    design = add(project, pm, "Design")
    reqs = add(
        project,
        pm,
        "Requirements, scope; sign-off",
        design,
        duration_days=5,
        planned_start=D(2026, 1, 5),
        assignee=pm,
        percent_complete=100,
        estimated_effort_hours=Decimal("40.0"),
        description='Line one, "quoted"\nline two',
    )
    spec = add(
        project,
        pm,
        "=HYPERLINK(evil)",
        design,
        duration_days=3,
        assignee=member,
        percent_complete=50,
        estimated_effort_hours=Decimal("12.5"),
    )
    build = add(project, pm, "Build")
    sprint = add(project, pm, "Sprint 1", build)
    backend = add(project, pm, "Backend", sprint, duration_days=4)
    frontend = add(project, pm, "Frontend", sprint, duration_days=6)
    go_live = add(project, pm, "Go live", build, duration_days=0, assignee=pm)
    for successor, predecessor, kind, lag in [
        (spec, reqs, "FS", 2),
        (backend, spec, "SS", -1),
        (frontend, backend, "SF", 1),
        (frontend, spec, "FF", 0),
        (go_live, frontend, "FS", 0),
    ]:
        schedule_services.dependency_add(
            successor=successor, predecessor=predecessor, by=pm, type=kind, lag_days=lag
        )
    go_live.refresh_from_db()
    link_milestone(go_live, forecast_date=D(2026, 3, 2), description="Cut-over weekend")
    Milestone.objects.create(
        project=project,
        name="Handover",
        owner=member,
        forecast_date=D(2026, 4, 1),
        description="Operations take over",
    )
    return project


@pytest.fixture
def empty_project(project, pm, member):
    """Same manager, team and start as ``project``, no tasks yet."""
    target = ProjectFactory(
        code="PRJ-0050",
        name="Copy",
        portfolio=project.portfolio,
        project_manager=pm,
        planned_start=project.planned_start,
    )
    MembershipFactory(project=target, user=member)
    return target


def import_through_pages(client, project, name, content):
    response = client.post(import_url(project), {"file": upload(name, content)})
    assert response.status_code == 200, response.context["form"].errors
    token = response.context["confirm_form"].initial["token"]
    response = client.post(confirm_url(project), {"token": token})
    assert response.status_code == 302
    return response


# --- round trips ---------------------------------------------------------------------------------
def test_csv_round_trip_through_an_empty_project_gives_the_same_schedule(
    client, pm, plan, empty_project
):
    client.force_login(pm)
    exported = client.get(export_url(plan)).content
    import_through_pages(client, empty_project, "plan.csv", exported)
    again = client.get(export_url(empty_project)).content
    assert again.decode() == exported.decode()
    tasks = parse_csv(exported).tasks
    assert [(t.outline, t.kind) for t in tasks] == [
        ("1", "phase"),
        ("1.1", "task"),
        ("1.2", "task"),
        ("2", "phase"),
        ("2.1", "phase"),
        ("2.1.1", "task"),
        ("2.1.2", "task"),
        ("2.2", "milestone"),
        ("3", "milestone"),
    ]
    assert Dependency.objects.filter(successor__project=empty_project).count() == 5
    milestones = {m.name: m for m in Milestone.objects.filter(project=empty_project)}
    assert milestones["Go live"].forecast_date == D(2026, 3, 2)
    assert milestones["Go live"].task.outline == "2.2"
    assert milestones["Handover"].owner.username == "member"
    assert milestones["Handover"].forecast_date == D(2026, 4, 1)


def test_mspdi_round_trip_through_an_empty_project_gives_the_same_schedule(
    client, pm, plan, empty_project
):
    client.force_login(pm)
    exported = client.get(export_url(plan, "xml")).content
    import_through_pages(client, empty_project, "plan.xml", exported)
    again = client.get(export_url(empty_project, "xml")).content
    before = [{**t.to_dict(), "row": None} for t in parse_mspdi(exported).tasks]
    after = [{**t.to_dict(), "row": None} for t in parse_mspdi(again).tasks]
    assert after == before
    # And the schedule itself is the same, seen through the CSV export.
    assert client.get(export_url(empty_project)).content == client.get(export_url(plan)).content


def test_export_is_an_attachment_with_neutralised_formulas(client, executive, plan):
    client.force_login(executive)  # reads the project, cannot change it
    response = client.get(export_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="PRJ-0042-schedule.csv"'
    text = response.content.decode("utf-8-sig")
    assert ",'=HYPERLINK(evil)," in text
    assert "1.2,'=HYPERLINK(evil),task,3," in text
    xml = client.get(export_url(plan, "xml"))
    assert xml["Content-Disposition"] == 'attachment; filename="PRJ-0042-schedule.xml"'
    assert b'<Project xmlns="http://schemas.microsoft.com/project">' in xml.content


def test_export_of_an_empty_schedule_is_just_the_header(client, pm, project):
    client.force_login(pm)
    text = client.get(export_url(project)).content.decode("utf-8-sig")
    assert text.strip().splitlines() == [text.strip()]


def test_export_query_count_does_not_grow_with_1000_tasks(
    client, pm, project, member, django_assert_max_num_queries
):
    big_wbs(project, 1000, assignee=member)
    client.force_login(pm)
    with django_assert_max_num_queries(12):
        response = client.get(export_url(project))
    assert response.content.decode().count("\r\n") == 1001
    with django_assert_max_num_queries(12):
        response = client.get(export_url(project, "xml"))
    assert response.content.count(b"<Task>") == 1001


# --- the preview ---------------------------------------------------------------------------------
GOOD_CSV = (
    b"WBS,Name,Type,Duration (working days),Predecessors,Assignee,Start\n"
    b"1,Discovery,phase,,,,\n"
    b"1.1,Interviews,task,4,,member,\n"
    b"1.2,Findings,task,2,1.1FS+1,pm,\n"
    b"2,Decision,milestone,0,1.2,,2026-02-02\n"
)


def test_preview_lists_rows_and_saves_nothing(client, pm, project):
    client.force_login(pm)
    response = client.post(import_url(project), {"file": upload("plan.csv", GOOD_CSV)})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="preview-table"' in body
    assert "Interviews" in body and "1.1FS+1" in body
    assert 'data-testid="confirm-import"' in body
    assert not Task.objects.filter(project=project).exists()
    assert not Milestone.objects.filter(project=project).exists()


def test_confirm_saves_everything_with_history_by_the_user(client, pm, project):
    add(project, pm, "Already there", duration_days=2)
    client.force_login(pm)
    response = import_through_pages(client, project, "plan.csv", GOOD_CSV)
    assert response.url == reverse("projects:schedule", args=[project.code])
    rows = list(
        Task.objects.filter(project=project).order_by("sort_key").values_list("outline", "name")
    )
    assert rows == [
        ("1", "Already there"),
        ("2", "Discovery"),
        ("2.1", "Interviews"),
        ("2.2", "Findings"),
        ("3", "Decision"),
    ]
    findings = Task.objects.get(project=project, name="Findings")
    assert findings.assignee.username == "pm"
    assert findings.early_start == D(2026, 1, 12)  # after 4 days of interviews and a day's lag
    assert findings.history.get().history_user == pm
    assert findings.created_by == pm
    link = Dependency.objects.get(successor=findings)
    assert (link.predecessor.name, link.type, link.lag_days) == ("Interviews", "FS", 1)
    assert link.history.get().history_user == pm
    decision = Milestone.objects.get(project=project)
    assert (decision.name, decision.forecast_date, decision.owner) == (
        "Decision",
        D(2026, 2, 2),
        pm,
    )
    assert decision.task.name == "Decision" and decision.task.duration_days == 0
    assert decision.history.get().history_user == pm
    follow = client.get(import_url(project))
    assert "schedule-import:" not in str(dict(client.session))
    assert follow.status_code == 200


def test_a_long_file_name_is_no_problem(client, pm, project):
    client.force_login(pm)
    import_through_pages(client, project, "p" * 200 + ".csv", GOOD_CSV)
    reason = Task.objects.filter(project=project).first().history.get().history_change_reason
    assert reason.startswith("Imported from ppp") and len(reason) == 100


def test_file_with_broken_rows_is_a_400_with_row_numbers_and_no_confirm(client, pm, project):
    content = b"WBS,Name,Duration,Predecessors,Assignee\n1,Fine,2,,\n2,Broken,-3,7,stranger\n"
    client.force_login(pm)
    response = client.post(import_url(project), {"file": upload("plan.csv", content)})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="preview-errors"' in body
    assert 'data-testid="confirm-import"' not in body
    issues = response.context["issues"]
    assert {(i["row"], str(i["label"])) for i in issues} == {
        (3, "Duration (working days)"),
        (3, "Predecessors"),
        (3, "Assignee"),
    }
    # Even with a token in hand, a file with errors is never applied.
    token = client.session[f"schedule-import:{project.pk}"]["token"]
    response = client.post(confirm_url(project), {"token": token})
    assert response.status_code == 400
    assert not Task.objects.filter(project=project).exists()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("plan.xlsx", b"PK\x03\x04", "neither a CSV"),
        ("plan.mpp", b"\xd0\xcf\x11\xe0", "neither a CSV"),
        ("plan.csv", b"no header here\n1,2\n", "No header row"),
        ("plan.xml", b"<html></html>", "not a Microsoft Project"),
        ("plan.xml", b'<!DOCTYPE x [<!ENTITY a "b">]><Project/>', "DOCTYPE"),
        ("plan.csv", b"<?xml version='1.0'?><Project/>", "holds XML"),
    ],
)
def test_wrong_format_is_refused_with_a_clear_message(client, pm, project, name, content, words):
    client.force_login(pm)
    response = client.post(import_url(project), {"file": upload(name, content)})
    assert response.status_code == 400
    assert words in " ".join(response.context["form"].errors["file"])
    assert f"schedule-import:{project.pk}" not in client.session


def test_too_large_or_missing_file_is_refused(client, pm, project):
    client.force_login(pm)
    big = b"WBS,Name\n" + b"1,x\n" * (600 * 1024)
    response = client.post(import_url(project), {"file": upload("plan.csv", big)})
    assert response.status_code == 400
    assert "2.0" in " ".join(response.context["form"].errors["file"])
    response = client.post(import_url(project), {})
    assert response.status_code == 400
    assert "file" in response.context["form"].errors


def test_confirm_with_a_stale_or_forged_token_is_refused(client, pm, project):
    client.force_login(pm)
    response = client.post(confirm_url(project), {"token": "0" * 32})
    assert response.status_code == 400
    assert "no longer current" in response.content.decode()
    client.post(import_url(project), {"file": upload("plan.csv", GOOD_CSV)})
    response = client.post(confirm_url(project), {"token": "f" * 32})
    assert response.status_code == 400
    assert not Task.objects.filter(project=project).exists()


def test_confirm_is_post_only(client, pm, project):
    client.force_login(pm)
    assert client.get(confirm_url(project)).status_code == 405


# --- permissions and closed projects ---------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "status"),
    [("other_pm", 403), ("executive", 403), ("member", 403), ("outsider", 404)],
)
def test_only_planners_may_upload_or_confirm(client, request, project, persona, status):
    request.getfixturevalue("other_project")
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert (
        client.post(import_url(project), {"file": upload("a.csv", GOOD_CSV)}).status_code == status
    )
    assert client.post(confirm_url(project), {"token": "x"}).status_code == status
    assert not Task.objects.filter(project=project).exists()


def test_member_who_can_edit_and_pmo_staff_may_import(client, project, member, pmo_staff):
    project.memberships.filter(user=member).update(can_edit=True)
    for user in (member, pmo_staff):
        client.force_login(user)
        assert (
            client.post(import_url(project), {"file": upload("a.csv", GOOD_CSV)}).status_code == 200
        )


def test_anonymous_upload_goes_to_login(client, project):
    response = client.post(import_url(project), {"file": upload("a.csv", GOOD_CSV)})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_closed_project_refuses_the_import(client, pm, project):
    client.force_login(pm)
    response = client.post(import_url(project), {"file": upload("plan.csv", GOOD_CSV)})
    token = response.context["confirm_form"].initial["token"]
    type(project).objects.filter(pk=project.pk).update(status=Status.CLOSED)
    response = client.post(confirm_url(project), {"token": token})
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    response = client.post(import_url(project), {"file": upload("plan.csv", GOOD_CSV)})
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    page = client.get(import_url(project)).content.decode()
    assert 'data-testid="upload-form"' not in page
    assert not Task.objects.filter(project=project).exists()


# --- the service ---------------------------------------------------------------------------------
def test_apply_is_all_or_nothing(pm, project, member):
    parsed = schedule_import_parse(project=project, data=GOOD_CSV, filename="plan.csv")
    project.memberships.filter(user=member).delete()  # left the team after the preview
    with pytest.raises(ValidationError, match="No longer on the team: member"):
        schedule_import_apply(project=project, by=pm, parsed=parsed, mode="append")
    assert not Task.objects.filter(project=project).exists()
    assert not Dependency.objects.filter(successor__project=project).exists()


def test_apply_refuses_other_people_and_unknown_modes(other_pm, pm, project):
    parsed = schedule_import_parse(project=project, data=GOOD_CSV, filename="plan.csv")
    with pytest.raises(PermissionDenied):
        schedule_import_apply(project=project, by=other_pm, parsed=parsed)
    with pytest.raises(ValueError, match="mode"):
        schedule_import_apply(project=project, by=pm, parsed=parsed, mode="replace")


def test_milestone_without_a_date_takes_its_scheduled_one(pm, project):
    content = b"WBS,Name,Duration,Predecessors\n1,Work,5,\n2,Done,0,1\n"
    parsed = schedule_import_parse(project=project, data=content, filename="p.csv")
    result = schedule_import_apply(project=project, by=pm, parsed=parsed)
    assert (result.tasks, result.dependencies, result.milestones) == (2, 1, 1)
    done = Milestone.objects.get(project=project)
    assert done.forecast_date == D(2026, 1, 12) == done.task.early_start


def test_achieved_milestone_keeps_its_actual_date(pm, project):
    content = b"WBS,Name,Type,Start,% complete\n1,Kick-off,milestone,2026-01-05,100\n"
    parsed = schedule_import_parse(project=project, data=content, filename="p.csv")
    schedule_import_apply(project=project, by=pm, parsed=parsed)
    kickoff = Milestone.objects.get(project=project)
    assert kickoff.actual_date == D(2026, 1, 5)


def test_import_of_1000_rows_has_bounded_queries(
    client, pm, project, member, django_assert_max_num_queries
):
    lines = ["WBS,Name,Duration (working days),Predecessors,Assignee"]
    for phase in range(1, 11):
        lines.append(f"{phase},Phase {phase},,,")
        for task in range(1, 100):
            predecessor = f"{phase}.{task - 1}" if task > 1 else ""
            lines.append(f"{phase}.{task},Task {phase}.{task},{1 + task % 5},{predecessor},member")
    content = "\n".join(lines).encode()
    client.force_login(pm)
    with django_assert_max_num_queries(15):
        response = client.post(import_url(project), {"file": upload("big.csv", content)})
    assert response.status_code == 200
    token = response.context["confirm_form"].initial["token"]
    with django_assert_max_num_queries(40):
        response = client.post(confirm_url(project), {"token": token})
    assert response.status_code == 302
    assert Task.objects.filter(project=project).count() == 1000
    assert Dependency.objects.filter(successor__project=project).count() == 980

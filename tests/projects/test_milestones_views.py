"""Milestone pages: the project's table, the in-place quick update, history, forms, denials."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from projects.models import Milestone, Status
from projects.selectors.milestones import upcoming_milestones
from projects.services import milestones as services
from tests.factories import MembershipFactory, ProjectFactory
from tests.projects.factories_milestones import DeliverableFactory, MilestoneFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def milestone(project):
    return MilestoneFactory(
        project=project, name="Go-live", forecast_date=in_days(30), baseline_date=in_days(30)
    )


def list_url(project):
    return reverse("projects:milestones", args=[project.code])


def update_url(m, **query):
    url = reverse("projects:milestone_quick_update", args=[m.project.code, m.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def detail_url(m):
    return reverse("projects:milestone_detail", args=[m.project.code, m.pk])


def row_of(body, m):
    """The HTML of milestone ``m``'s table row."""
    return re.search(rf'<tr id="milestone-{m.pk}".*?</tr>', body, re.S).group(0)


def forecast_post(m, forecast, comment="Vendor late", version=None, **extra):
    return {
        "forecast_date": forecast.isoformat(),
        "comment": comment,
        "actual_date": timezone.localdate().isoformat(),
        "version": version or m.version,
        "save": "1",
        **extra,
    }


# --- The project's milestone table -------------------------------------------------------
def test_table_shows_dates_status_word_slip_deliverables_and_comment(client, pm, project):
    deliverable = DeliverableFactory(project=project, name="Release notes")
    late = MilestoneFactory(
        project=project,
        name="UAT complete",
        baseline_date=in_days(10),
        forecast_date=in_days(18),
        status_comment="Testers shared with payroll",
    )
    late.deliverables.add(deliverable)
    MilestoneFactory(project=project, name="Kick-off", forecast_date=in_days(5))
    client.force_login(pm)
    response = client.get(list_url(project))
    body = response.content.decode()
    assert response.status_code == 200
    row = row_of(body, late)
    assert 'class="badge text-bg-danger" data-testid="milestone-status">Late<' in row
    assert "+8 late" in row
    assert "Release notes" in row and "Testers shared with payroll" in row
    kickoff = Milestone.objects.get(name="Kick-off")
    row = row_of(body, kickoff)
    assert ">Planned<" in row and 'data-testid="milestone-slip">—<' in row
    assert 'data-testid="quick-update"' in row


def test_executive_reads_the_table_without_update_buttons(client, executive, milestone):
    client.force_login(executive)
    body = client.get(list_url(milestone.project)).content.decode()
    assert "Go-live" in body
    assert 'data-testid="quick-update"' not in body
    assert 'data-testid="new-milestone"' not in body


def test_member_sees_update_only_on_the_milestone_they_own(client, member, project, milestone):
    owned = MilestoneFactory(project=project, owner=member, forecast_date=in_days(8))
    client.force_login(member)
    body = client.get(list_url(project)).content.decode()
    mine = row_of(body, owned)
    theirs = row_of(body, milestone)
    assert 'data-testid="quick-update"' in mine
    assert 'data-testid="quick-update"' not in theirs


def test_empty_table_says_what_to_do_next(client, pm, project):
    client.force_login(pm)
    body = client.get(list_url(project)).content.decode()
    assert 'data-testid="empty-state"' in body and "Add the first milestone" in body


def test_csv_export_has_status_and_slip(client, pm, milestone):
    Milestone.objects.filter(pk=milestone.pk).update(forecast_date=in_days(33))
    client.force_login(pm)
    response = client.get(list_url(milestone.project), {"format": "csv"})
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0].startswith("Milestone,Owner,Baseline,Forecast")
    assert ",At risk,3," in text


def test_closed_project_table_says_so_and_offers_no_updates(client, pm, project, milestone):
    project.status = Status.CLOSED
    project.save()
    client.force_login(pm)
    body = client.get(list_url(project)).content.decode()
    assert "its milestones can no longer change" in body
    assert 'data-testid="quick-update"' not in body


def test_milestone_table_query_count_does_not_grow_with_rows(
    client, pm, project, django_assert_max_num_queries
):
    deliverables = [DeliverableFactory(project=project) for _ in range(5)]
    for i in range(200):
        m = MilestoneFactory(project=project, forecast_date=in_days(i), baseline_date=in_days(i))
        m.deliverables.add(deliverables[i % 5])
    client.force_login(pm)
    with django_assert_max_num_queries(12):
        response = client.get(list_url(project))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="milestone-row"') == 200


# --- The quick update in place (htmx) ----------------------------------------------------
def test_htmx_get_turns_the_row_into_a_small_form(client, pm, milestone):
    client.force_login(pm)
    response = client.get(update_url(milestone, layout="project"), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<tr") and "<html" not in body
    assert 'name="forecast_date"' in body and 'name="comment"' in body
    assert f'value="{milestone.forecast_date.isoformat()}"' in body
    # Mark achieved defaults to today.
    assert (
        f'name="actual_date" id="id_actual_date_{milestone.pk}" value="{timezone.localdate().isoformat()}"'
        in body
    )


def test_htmx_save_swaps_the_row_back_with_slip_status_and_history_comment(client, pm, milestone):
    client.force_login(pm)
    response = client.post(
        update_url(milestone), forecast_post(milestone, in_days(38), "Supplier slipped"), **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<tr id="milestone-{milestone.pk}"')
    assert 'data-testid="saved"' in body
    assert "+8 late" in body and ">Late<" in body
    assert "Supplier slipped" in body
    milestone.refresh_from_db()
    assert (milestone.forecast_date, milestone.version) == (in_days(38), 2)
    record = milestone.history.first()
    assert (record.history_user, record.history_change_reason) == (pm, "Supplier slipped")


def test_htmx_mark_achieved_records_today(client, pm, milestone):
    client.force_login(pm)
    data = forecast_post(milestone, milestone.forecast_date, comment="Signed off")
    data.pop("save")
    data["achieve"] = "1"
    response = client.post(update_url(milestone), data, **HTMX)
    assert response.status_code == 200
    assert ">Achieved<" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.actual_date == timezone.localdate()
    assert milestone.history.first().history_change_reason == "Signed off"


def test_actual_date_in_the_future_is_refused_next_to_the_field(client, pm, milestone):
    client.force_login(pm)
    data = forecast_post(milestone, milestone.forecast_date, comment="Done early")
    data.pop("save")
    data.update(achieve="1", actual_date=in_days(3).isoformat())
    response = client.post(update_url(milestone), data, **HTMX)
    body = response.content.decode()
    assert response.status_code == 400
    assert "The actual date cannot be in the future" in body
    assert 'value="Done early"' in body  # what the user typed is kept
    milestone.refresh_from_db()
    assert milestone.actual_date is None and milestone.version == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"comment": ""}, "Say what changed and why"),
        ({"comment": "x" * 501}, "at most 500 characters"),
        ({"forecast_date": "2026-02-30"}, "Enter a valid date"),
        ({"forecast_date": ""}, "Enter the forecast date"),
        ({"forecast_date": "2025-12-31"}, "before the project&#x27;s planned start"),
    ],
)
def test_bad_quick_update_input_is_a_400_with_the_message_and_nothing_saved(
    client, pm, milestone, changes, message
):
    client.force_login(pm)
    data = {**forecast_post(milestone, in_days(40)), **changes}
    response = client.post(update_url(milestone), data, **HTMX)
    assert response.status_code == 400
    assert message in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.forecast_date, milestone.version) == (in_days(30), 1)


def test_update_on_a_closed_project_is_a_400_with_a_clear_message(client, pm, project, milestone):
    project.status = Status.CLOSED
    project.save()
    client.force_login(pm)
    response = client.post(update_url(milestone), forecast_post(milestone, in_days(40)), **HTMX)
    assert response.status_code == 400
    assert "PRJ-0042 is closed: its plan can no longer change." in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.forecast_date, milestone.version) == (in_days(30), 1)


def test_stale_quick_update_is_a_409_that_keeps_the_input(client, pm, pmo_staff, milestone):
    services.milestone_update_forecast(
        milestone=milestone,
        forecast=in_days(32),
        comment="PMO correction",
        by=pmo_staff,
        expected_version=1,
    )
    client.force_login(pm)
    data = forecast_post(milestone, in_days(45), "My own view", version=1)
    response = client.post(update_url(milestone), data, **HTMX)
    body = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="stale-warning"' in body and "Paula Office" in body
    assert 'value="My own view"' in body
    assert f'value="{in_days(45).isoformat()}"' in body
    assert 'name="version" value="2"' in body  # saving again is a deliberate choice
    milestone.refresh_from_db()
    assert (milestone.forecast_date, milestone.version) == (in_days(32), 2)


def test_cancel_returns_the_plain_row(client, pm, milestone):
    client.force_login(pm)
    url = reverse("projects:milestone_row", args=[milestone.project.code, milestone.pk])
    body = client.get(url + "?layout=project", **HTMX).content.decode()
    assert body.lstrip().startswith(
        f'<tr id="milestone-{milestone.pk}" data-testid="milestone-row"'
    )
    response = client.get(url)
    assert response.status_code == 302 and response.url == detail_url(milestone)


# --- Without JavaScript ------------------------------------------------------------------
def test_without_htmx_the_quick_update_is_a_page_that_returns_to_next(client, pm, milestone):
    client.force_login(pm)
    mine = reverse("projects:my_milestones") + "?page=1"
    body = client.get(update_url(milestone, next=mine)).content.decode()
    assert "<html" in body and 'name="forecast_date"' in body
    response = client.post(update_url(milestone), forecast_post(milestone, in_days(35), next=mine))
    assert response.status_code == 302 and response.url == mine
    milestone.refresh_from_db()
    assert milestone.forecast_date == in_days(35)


def test_without_htmx_an_outside_next_is_ignored(client, pm, milestone):
    client.force_login(pm)
    data = forecast_post(milestone, in_days(35), next="https://evil.example/")
    response = client.post(update_url(milestone), data)
    assert response.status_code == 302 and response.url == list_url(milestone.project)


# --- Who may quick-update ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "status"),
    [("other_pm", 403), ("executive", 403), ("member", 403), ("outsider", 404)],
)
def test_quick_update_denials(request, client, milestone, other_project, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(update_url(milestone), **HTMX).status_code == status
    response = client.post(update_url(milestone), forecast_post(milestone, in_days(40)), **HTMX)
    assert response.status_code == status
    milestone.refresh_from_db()
    assert milestone.version == 1


def test_anonymous_quick_update_goes_to_login(client, milestone):
    response = client.post(update_url(milestone), forecast_post(milestone, in_days(40)))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    milestone.refresh_from_db()
    assert milestone.version == 1


def test_member_owner_updates_their_own_milestone_in_place(client, member, project):
    owned = MilestoneFactory(
        project=project, owner=member, forecast_date=in_days(8), baseline_date=in_days(8)
    )
    client.force_login(member)
    response = client.post(
        update_url(owned), forecast_post(owned, in_days(10), "Test data late"), **HTMX
    )
    assert response.status_code == 200
    assert "+2 late" in response.content.decode() and ">At risk<" in response.content.decode()
    owned.refresh_from_db()
    assert owned.history.first().history_user == member


def test_milestone_of_another_project_is_404_through_this_project(
    client, pm, project, other_project
):
    foreign = MilestoneFactory(project=other_project, forecast_date=in_days(5))
    client.force_login(pm)
    url = reverse("projects:milestone_quick_update", args=[project.code, foreign.pk])
    assert client.get(url, **HTMX).status_code == 404
    url = reverse("projects:milestone_detail", args=[project.code, foreign.pk])
    assert client.get(url).status_code == 404


# --- Detail and history ------------------------------------------------------------------
def test_detail_shows_every_update_with_who_old_new_forecast_and_comment(
    client, pm, member, project
):
    m = MilestoneFactory(
        project=project, owner=member, forecast_date=in_days(10), baseline_date=in_days(10)
    )
    services.milestone_update_forecast(
        milestone=m, forecast=in_days(14), comment="Test data late", by=member, expected_version=1
    )
    services.milestone_update_forecast(
        milestone=m, forecast=in_days(20), comment="Supplier holiday", by=pm, expected_version=2
    )
    client.force_login(pm)
    body = client.get(detail_url(m)).content.decode()
    entries = re.findall(r'<tr data-testid="history-entry">(.*?)</tr>', body, re.S)
    assert len(entries) == 3  # two updates and the creation
    newest, older = entries[0], entries[1]
    assert "Pat Manager" in newest and "Supplier holiday" in newest
    assert f"<del>{in_days(14).isoformat()}</del> → <ins>{in_days(20).isoformat()}</ins>" in newest
    assert "Max Member" in older and "Test data late" in older
    assert f"<del>{in_days(10).isoformat()}</del> → <ins>{in_days(14).isoformat()}</ins>" in older
    assert "+10 late" in body


def test_detail_query_count_does_not_grow_with_history(
    client, pm, project, django_assert_max_num_queries
):
    m = MilestoneFactory(project=project, forecast_date=in_days(10), baseline_date=in_days(10))
    for version in range(1, 61):
        services.milestone_update_forecast(
            milestone=m,
            forecast=in_days(10 + version),
            comment=f"Move {version}",
            by=pm,
            expected_version=version,
        )
    m.deliverables.add(*[DeliverableFactory(project=project) for _ in range(10)])
    client.force_login(pm)
    with django_assert_max_num_queries(14):
        response = client.get(detail_url(m))
    assert response.content.decode().count('data-testid="history-entry"') == 61


# --- Create, edit, delete ----------------------------------------------------------------
def test_pm_creates_a_milestone_with_a_deliverable(client, pm, project):
    deliverable = DeliverableFactory(project=project)
    client.force_login(pm)
    url = reverse("projects:milestone_create", args=[project.code])
    assert client.get(url).status_code == 200
    data = {
        "name": "Pilot live",
        "owner": pm.pk,
        "forecast_date": in_days(20).isoformat(),
        "deliverables": [deliverable.pk],
    }
    response = client.post(url, data)
    m = Milestone.objects.get(name="Pilot live")
    assert response.status_code == 302 and response.url == detail_url(m)
    assert list(m.deliverables.all()) == [deliverable]


def test_create_form_offers_only_this_projects_deliverables_and_team(
    client, pm, project, other_project, outsider
):
    DeliverableFactory(project=other_project, name="Not ours")
    client.force_login(pm)
    url = reverse("projects:milestone_create", args=[project.code])
    body = client.get(url).content.decode()
    assert "Not ours" not in body and "Olga Outside" not in body and "Max Member" in body


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"forecast_date": "2025-12-01"}, "before the project&#x27;s planned start"),
        ({"name": ""}, "This field is required"),
        ({"name": "x" * 201}, "at most 200 characters"),
        ({"actual_date": "2099-01-01"}, "cannot be in the future"),
        ({"deliverables": ["FOREIGN"]}, "Select a valid choice"),
        ({"owner": "OUTSIDER"}, "Select a valid choice"),
    ],
)
def test_bad_create_input_is_a_400_that_keeps_the_input(
    client, pm, project, other_project, outsider, changes, message
):
    foreign = DeliverableFactory(project=other_project)
    client.force_login(pm)
    data = {"name": "Pilot live", "owner": pm.pk, "forecast_date": in_days(20).isoformat()}
    data.update(changes)
    if data.get("deliverables") == ["FOREIGN"]:
        data["deliverables"] = [foreign.pk]
    if data.get("owner") == "OUTSIDER":
        data["owner"] = outsider.pk
    url = reverse("projects:milestone_create", args=[project.code])
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body
    if data["name"]:
        assert f'value="{data["name"]}"' in body
    assert not Milestone.objects.exists()


def test_stale_full_edit_is_a_409_with_the_other_change(client, pm, pmo_staff, milestone):
    services.milestone_update_forecast(
        milestone=milestone, forecast=in_days(31), comment="PMO", by=pmo_staff, expected_version=1
    )
    client.force_login(pm)
    url = reverse("projects:milestone_edit", args=[milestone.project.code, milestone.pk])
    data = {
        "name": "Go-live (renamed)",
        "owner": milestone.owner_id,
        "forecast_date": in_days(30).isoformat(),
        "version": 1,
    }
    response = client.post(url, data)
    assert response.status_code == 409
    assert 'data-testid="stale-warning"' in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.name == "Go-live"


def test_edit_saves_with_the_reason_in_history(client, pm, milestone):
    client.force_login(pm)
    url = reverse("projects:milestone_edit", args=[milestone.project.code, milestone.pk])
    data = {
        "name": "Go-live wave 1",
        "owner": milestone.owner_id,
        "forecast_date": in_days(30).isoformat(),
        "reason": "Split into two waves",
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.name == "Go-live wave 1"
    assert milestone.history.first().history_change_reason == "Split into two waves"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("other_pm", 403), ("executive", 403), ("member", 403), ("outsider", 404)],
)
def test_forms_and_delete_denials(request, client, milestone, other_project, persona, status):
    client.force_login(request.getfixturevalue(persona))
    code = milestone.project.code
    assert client.get(reverse("projects:milestone_create", args=[code])).status_code == status
    edit = reverse("projects:milestone_edit", args=[code, milestone.pk])
    assert client.get(edit).status_code == status
    assert client.post(edit, {"name": "Hacked"}).status_code == status
    delete = reverse("projects:milestone_delete", args=[code, milestone.pk])
    assert client.post(delete).status_code == status
    milestone.refresh_from_db()
    assert milestone.name == "Go-live"


def test_delete_refused_while_linked_then_allowed_once_free(client, pm, project):
    m = MilestoneFactory(project=project, forecast_date=in_days(9))
    m.deliverables.add(DeliverableFactory(project=project))
    client.force_login(pm)
    delete = reverse("projects:milestone_delete", args=[project.code, m.pk])
    response = client.post(delete, follow=True)
    assert "cannot be deleted" in response.content.decode()
    assert Milestone.objects.filter(pk=m.pk).exists()
    m.deliverables.clear()
    response = client.post(delete)
    assert response.status_code == 302 and response.url == list_url(project)
    assert not Milestone.objects.filter(pk=m.pk).exists()


def test_delete_is_post_only(client, pm, milestone):
    client.force_login(pm)
    delete = reverse("projects:milestone_delete", args=[milestone.project.code, milestone.pk])
    assert client.get(delete).status_code == 405


# --- The project overview include --------------------------------------------------------
def test_upcoming_include_lists_the_next_open_milestones_with_update_for_the_pm(
    rf, pm, executive, project
):
    for i in range(7):
        MilestoneFactory(project=project, name=f"Step {i}", forecast_date=in_days(i + 1))
    MilestoneFactory(
        project=project, name="Done already", forecast_date=in_days(-3), actual_date=in_days(-3)
    )
    rows = upcoming_milestones(project, user=pm)
    assert [m.name for m in rows] == [f"Step {i}" for i in range(5)]
    request = rf.get("/")
    request.user = pm
    html = render_to_string(
        "projects/milestones/_upcoming.html",
        {"project": project, "upcoming_milestones": rows},
        request=request,
    )
    assert html.count('data-testid="quick-update"') == 5 and "Done already" not in html
    rows = upcoming_milestones(project, user=executive)
    request.user = executive
    html = render_to_string(
        "projects/milestones/_upcoming.html",
        {"project": project, "upcoming_milestones": rows},
        request=request,
    )
    assert 'data-testid="quick-update"' not in html and "Step 0" in html


def test_upcoming_quick_update_answers_with_the_compact_row(client, pm, milestone):
    client.force_login(pm)
    data = forecast_post(milestone, in_days(31), layout="overview")
    body = client.post(update_url(milestone), data, **HTMX).content.decode()
    assert body.count("<td") == 6


def test_team_editor_can_create_and_quick_update(client, project):
    editor = MembershipFactory(project=project, can_edit=True).user
    m = MilestoneFactory(project=project, forecast_date=in_days(5))
    client.force_login(editor)
    assert client.get(reverse("projects:milestone_create", args=[project.code])).status_code == 200
    response = client.post(update_url(m), forecast_post(m, in_days(6)), **HTMX)
    assert response.status_code == 200


def test_other_projects_are_untouched_by_a_pm_of_one(client, pm, portfolio):
    mine = ProjectFactory(portfolio=portfolio, project_manager=pm)
    m = MilestoneFactory(project=mine, forecast_date=in_days(5))
    client.force_login(pm)
    assert client.get(list_url(mine)).status_code == 200
    assert client.get(update_url(m), **HTMX).status_code == 200

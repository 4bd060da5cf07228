"""Change requests: numbering per project, impacts, decisions by sponsor or PMO, baselines."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from projects.models import Baseline, ChangeRequest
from projects.services import scope as scope_services
from tests.factories import ProjectFactory
from tests.projects.factories_charter import ChangeRequestFactory


def url(name, project, *args):
    return reverse(f"projects:{name}", args=[project.code, *args])


def cr_data(**overrides):
    data = {
        "title": "Add invoice download",
        "description": "Customers asked to download invoices as PDF from the portal.",
        "schedule_impact_days": "8",
        "cost_impact": "18500.50",
        "scope_impact": "Adds the invoice archive to scope.",
    }
    data.update(overrides)
    return data


def raise_cr(project, by, **overrides):
    data = {
        "title": "Change",
        "description": "Why",
        "schedule_impact_days": 3,
        "cost_impact": Decimal("100"),
    }
    data.update(overrides)
    return scope_services.change_request_create(project=project, by=by, data=data)


def decide(client, user, change_request, **data):
    client.force_login(user)
    payload = {"version": change_request.version, **data}
    return client.post(
        url("change_request_decide", change_request.project, change_request.number), payload
    )


# --- Raising -------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login_from_change_requests(client, project):
    for name in ("change_requests", "change_request_create"):
        response = client.get(url(name, project))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_pm_raises_change_requests_numbered_per_project(
    client, project, other_project, pm, other_pm
):
    client.force_login(pm)
    first = client.post(url("change_request_create", project), cr_data())
    second = client.post(url("change_request_create", project), cr_data(title="Second"))
    raise_cr(other_project, other_pm)
    assert first.status_code == second.status_code == 302
    numbers = list(
        ChangeRequest.objects.filter(project=project)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == [1, 2]
    latest = ChangeRequest.objects.get(project=project, number=2)
    assert latest.reference == "PRJ-0042-CR02"
    assert second.url == url("change_request_detail", project, 2)
    assert ChangeRequest.objects.get(project=other_project).reference == "PRJ-0043-CR01"
    first_cr = ChangeRequest.objects.get(project=project, number=1)
    assert (first_cr.cost_impact, first_cr.schedule_impact_days, first_cr.created_by) == (
        Decimal("18500.50"),
        8,
        pm,
    )
    assert first_cr.status == "submitted"


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_get_distinct_numbers(project, pm):
    """Two people raising a request at once: the project row lock serialises the numbering."""
    errors = []

    def raise_one(title):
        try:
            raise_cr(project, pm, title=title)
        except Exception as exc:  # any failure fails the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=raise_one, args=(f"T{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    numbers = sorted(ChangeRequest.objects.filter(project=project).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"description": ""}, "description"),
        ({"title": "x" * 201}, "title"),
        ({"schedule_impact_days": "4000"}, "schedule_impact_days"),
        ({"schedule_impact_days": "2.5"}, "schedule_impact_days"),
        ({"cost_impact": "12345678901234567"}, "cost_impact"),
        ({"cost_impact": "12.345"}, "cost_impact"),
        ({"cost_impact": "abc"}, "cost_impact"),
    ],
)
def test_bad_change_request_is_refused_with_a_field_error(client, project, pm, overrides, field):
    client.force_login(pm)
    response = client.post(url("change_request_create", project), cr_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ChangeRequest.objects.exists()
    assert "Customers asked to download invoices" in response.content.decode() or (
        field == "description"
    )


def test_negative_impacts_mean_savings_and_are_allowed(client, project, pm):
    client.force_login(pm)
    response = client.post(
        url("change_request_create", project),
        cr_data(schedule_impact_days="-5", cost_impact="-2500"),
    )
    assert response.status_code == 302
    assert ChangeRequest.objects.get().cost_impact == Decimal("-2500")


@pytest.mark.parametrize("persona", ["other_pm", "executive", "member"])
def test_people_without_edit_right_cannot_raise_change_requests(
    client, project, other_project, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("change_request_create", project)).status_code == 403
    assert client.post(url("change_request_create", project), cr_data()).status_code == 403
    assert not ChangeRequest.objects.exists()


def test_closed_project_refuses_new_change_requests(client, project, pm):
    project.status = "closed"
    project.save()
    client.force_login(pm)
    response = client.post(url("change_request_create", project), cr_data())
    assert response.status_code == 400
    assert not ChangeRequest.objects.exists()


# --- Deciding ------------------------------------------------------------------------------
def test_sponsor_approves_without_moving_the_baseline(client, project, pm, executive):
    change_request = raise_cr(project, pm)
    response = decide(client, executive, change_request, decision="approve", decision_note="OK")
    assert response.status_code == 302
    change_request.refresh_from_db()
    assert (change_request.status, change_request.decided_by, change_request.baseline_moved) == (
        "approved",
        executive,
        False,
    )
    assert change_request.decided_at is not None
    assert not Baseline.objects.filter(project=project).exists()
    page = client.get(url("change_request_detail", project, 1)).content.decode()
    assert 'data-testid="decider"' in page and str(executive) in page


def test_approval_with_move_the_baseline_creates_a_baseline(client, project, pm, pmo_staff):
    change_request = raise_cr(project, pm, title="Invoice archive")
    response = decide(
        client,
        pmo_staff,
        change_request,
        decision="approve",
        decision_note="Funded from contingency",
        move_baseline="on",
    )
    assert response.status_code == 302
    change_request.refresh_from_db()
    assert (change_request.status, change_request.baseline_moved) == ("approved", True)
    baseline = Baseline.objects.get(project=project)
    assert (baseline.name, baseline.note, baseline.created_by) == (
        "After PRJ-0042-CR01",
        "Invoice archive",
        pmo_staff,
    )


def test_a_baseline_that_cannot_be_saved_leaves_the_request_undecided(
    client, project, pm, pmo_staff
):
    change_request = raise_cr(project, pm)
    Baseline.objects.create(project=project, name="After PRJ-0042-CR01", snapshot={}, created_by=pm)
    response = decide(client, pmo_staff, change_request, decision="approve", move_baseline="on")
    assert response.status_code == 400
    change_request.refresh_from_db()
    assert (change_request.status, change_request.baseline_moved) == ("submitted", False)


def test_rejection_needs_a_note_and_cannot_move_the_baseline(client, project, pm, executive):
    change_request = raise_cr(project, pm)
    response = decide(client, executive, change_request, decision="reject", decision_note="")
    assert response.status_code == 400
    assert "decision_note" in response.context["decision_form"].errors
    response = decide(
        client,
        executive,
        change_request,
        decision="reject",
        decision_note="No budget",
        move_baseline="on",
    )
    assert response.status_code == 400
    assert "move_baseline" in response.context["decision_form"].errors
    response = decide(
        client, executive, change_request, decision="reject", decision_note="No budget"
    )
    assert response.status_code == 302
    change_request.refresh_from_db()
    assert (change_request.status, change_request.decision_note) == ("rejected", "No budget")
    assert not Baseline.objects.exists()


@pytest.mark.parametrize("persona", ["pm", "other_pm", "member", "resource_manager"])
def test_non_deciders_cannot_decide_change_requests(
    client, project, other_project, pm, persona, request
):
    change_request = raise_cr(project, pm)
    user = request.getfixturevalue(persona)
    response = decide(client, user, change_request, decision="approve", move_baseline="on")
    assert response.status_code == 403
    change_request.refresh_from_db()
    assert change_request.status == "submitted"
    assert not Baseline.objects.exists()
    with pytest.raises(PermissionDenied):
        scope_services.change_request_decide(
            change_request=change_request, by=user, approve=True, expected_version=1
        )


def test_a_decided_request_is_not_decided_again(client, project, pm, executive, pmo_staff):
    change_request = raise_cr(project, pm)
    decide(client, executive, change_request, decision="approve")
    change_request.refresh_from_db()
    response = decide(
        client, pmo_staff, change_request, decision="reject", decision_note="Too late"
    )
    assert response.status_code == 400
    change_request.refresh_from_db()
    assert (change_request.status, change_request.decided_by) == ("approved", executive)


def test_stale_decision_is_409(client, project, pm, executive):
    change_request = raise_cr(project, pm)
    response = decide(client, executive, change_request, decision="approve", version=7)
    assert response.status_code == 409
    change_request.refresh_from_db()
    assert change_request.status == "submitted"


def test_pm_withdraws_a_pending_request_but_the_sponsor_cannot(client, project, pm, executive):
    change_request = raise_cr(project, pm)
    withdraw = url("change_request_withdraw", project, 1)
    client.force_login(executive)
    assert client.post(withdraw, {"version": 1}).status_code == 403
    client.force_login(pm)
    assert client.post(withdraw, {"version": 1}).status_code == 302
    change_request.refresh_from_db()
    assert change_request.status == "withdrawn"
    page = client.get(url("change_request_detail", project, 1)).content.decode()
    assert "Withdrawn" in page


def test_decision_on_a_closed_project_is_refused(client, project, pm, executive):
    change_request = raise_cr(project, pm)
    project.status = "closed"
    project.save()
    response = decide(client, executive, change_request, decision="approve")
    assert response.status_code == 400
    change_request.refresh_from_db()
    assert change_request.status == "submitted"


def test_unknown_change_request_number_is_404(client, project, other_project, pm, other_pm):
    raise_cr(other_project, other_pm)
    client.force_login(pm)
    assert client.get(url("change_request_detail", project, 1)).status_code == 404


# --- List and detail -------------------------------------------------------------------------
def test_list_filters_by_status_sorts_and_exports_csv(client, project, pm, executive, member):
    raise_cr(project, pm, title="Pending one", cost_impact=Decimal("10"))
    approved = raise_cr(project, pm, title="=SUM(A1) approved", cost_impact=Decimal("99"))
    scope_services.change_request_decide(
        change_request=approved, by=executive, approve=True, expected_version=1
    )
    client.force_login(member)
    response = client.get(url("change_requests", project), {"status": "approved"})
    assert response.status_code == 200
    assert [c.title for c in response.context["change_requests"]] == ["=SUM(A1) approved"]
    response = client.get(url("change_requests", project), {"sort": "cost"})
    assert [c.number for c in response.context["change_requests"]] == [1, 2]
    csv_response = client.get(url("change_requests", project), {"format": "csv"})
    body = b"".join(csv_response.streaming_content).decode()
    assert "PRJ-0042-CR02" in body and "'=SUM(A1) approved" in body
    assert client.get(url("change_requests", project), {"status": "bogus"}).status_code == 200


def test_empty_list_says_what_to_do(client, project, pm):
    client.force_login(pm)
    content = client.get(url("change_requests", project)).content.decode()
    assert "No change requests yet" in content


def test_change_request_list_query_count_does_not_grow(
    client, project, pm, executive, django_assert_max_num_queries
):
    for index in range(40):
        change_request = raise_cr(project, pm, title=f"CR {index}")
        if index % 2:
            scope_services.change_request_decide(
                change_request=change_request, by=executive, approve=True, expected_version=1
            )
    client.force_login(executive)
    with django_assert_max_num_queries(16):
        response = client.get(url("change_requests", project))
    assert response.status_code == 200
    with django_assert_max_num_queries(14):
        response = client.get(url("change_request_detail", project, 7))
    assert response.status_code == 200


def test_other_projects_requests_do_not_appear(client, portfolio, project, pm):
    elsewhere = ProjectFactory(portfolio=portfolio, project_manager=pm)
    ChangeRequestFactory(project=elsewhere, title="Elsewhere")
    client.force_login(pm)
    content = client.get(url("change_requests", project)).content.decode()
    assert "Elsewhere" not in content

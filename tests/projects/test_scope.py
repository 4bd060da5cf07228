"""Scope: in/out-of-scope items with MoSCoW, deliverables and their acceptance."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects.models import Deliverable, ScopeItem
from projects.services import scope as scope_services
from tests.factories import MembershipFactory, UserFactory
from tests.projects.factories_charter import DeliverableFactory, ScopeItemFactory


def url(name, project, *args):
    return reverse(f"projects:{name}", args=[project.code, *args])


def deliverable_data(owner, **overrides):
    data = {
        "name": "Order tracking page",
        "description": "Customers see each order's status and delivery date.",
        "acceptance_criteria": "Shows the status of 100 sample orders correctly.",
        "owner": owner.pk,
        "due_date": "2026-06-30",
    }
    data.update(overrides)
    return data


def decision(deliverable, **values):
    prefix = f"d{deliverable.pk}"
    data = {f"{prefix}-version": deliverable.version}
    data.update({f"{prefix}-{key}": value for key, value in values.items()})
    return data


# --- The page ------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login_from_scope_pages(client, project):
    for name in ("scope", "scope_item_create", "deliverable_create"):
        response = client.get(url(name, project))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_scope_page_lists_in_and_out_of_scope_with_moscow_and_deliverables(
    client, project, member, pm
):
    ScopeItemFactory(project=project, description="Order tracking", priority="must")
    ScopeItemFactory(project=project, description="Loyalty points", in_scope=False, priority="wont")
    DeliverableFactory(project=project, name="Tracking page", owner=pm)
    client.force_login(member)
    response = client.get(url("scope", project))
    assert response.status_code == 200
    content = response.content.decode()
    in_part = content.split('data-testid="in-scope"')[1].split('data-testid="out-of-scope"')[0]
    out_part = content.split('data-testid="out-of-scope"')[1].split('id="deliverables"')[0]
    assert "Order tracking" in in_part and "Must have" in in_part
    assert "Loyalty points" in out_part and "Won&#x27;t have this time" in out_part
    assert "Tracking page" in content
    # A plain member reads but is offered no edits.
    assert url("scope_item_create", project) not in content


def test_outsider_gets_404_on_scope(client, project, outsider):
    client.force_login(outsider)
    assert client.get(url("scope", project)).status_code == 404


# --- Scope items ---------------------------------------------------------------------------
def test_pm_adds_an_out_of_scope_item_at_the_end_of_its_list(client, project, pm):
    ScopeItemFactory(project=project, in_scope=False, position=4)
    client.force_login(pm)
    response = client.post(
        url("scope_item_create", project),
        {"description": "Mobile app", "priority": "wont"},
    )
    assert response.status_code == 302
    item = ScopeItem.objects.get(description="Mobile app")
    assert (item.in_scope, item.priority, item.position, item.created_by) == (
        False,
        "wont",
        5,
        pm,
    )
    assert item.history.get().history_user == pm


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"description": "", "priority": "must", "in_scope": "on"}, "description"),
        ({"description": "x" * 501, "priority": "must", "in_scope": "on"}, "description"),
        ({"description": "Fine", "priority": "maybe", "in_scope": "on"}, "priority"),
    ],
)
def test_bad_scope_item_is_refused_with_a_field_error(client, project, pm, data, field):
    client.force_login(pm)
    response = client.post(url("scope_item_create", project), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ScopeItem.objects.exists()


@pytest.mark.parametrize("persona", ["other_pm", "executive", "member"])
def test_people_without_edit_right_cannot_change_scope(
    client, project, other_project, persona, request
):
    item = ScopeItemFactory(project=project)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("scope_item_create", project)).status_code == 403
    create = client.post(
        url("scope_item_create", project), {"description": "x", "priority": "must"}
    )
    delete = client.post(url("scope_item_delete", project, item.pk))
    move = client.post(url("scope_item_move", project, item.pk), {"direction": "up"})
    assert (create.status_code, delete.status_code, move.status_code) == (403, 403, 403)
    assert ScopeItem.objects.count() == 1


def test_pm_edits_an_item_and_moves_it_out_of_scope(client, project, pm):
    ScopeItemFactory(project=project, in_scope=False, position=1)
    item = ScopeItemFactory(project=project, description="Chat", position=3)
    client.force_login(pm)
    response = client.post(
        url("scope_item_edit", project, item.pk),
        {"description": "Live chat", "priority": "could", "version": 1},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.description, item.in_scope, item.priority, item.position) == (
        "Live chat",
        False,
        "could",
        2,
    )
    history = client.get(url("scope", project)).content.decode()
    assert "Live chat" in history and "Could have" in history


def test_stale_scope_item_edit_is_409(client, project, pm, pmo_staff):
    item = ScopeItemFactory(project=project, description="Original")
    scope_services.scope_item_update(
        item=item, by=pmo_staff, data={"description": "PMO wording"}, expected_version=1
    )
    client.force_login(pm)
    response = client.post(
        url("scope_item_edit", project, item.pk),
        {"description": "Mine", "priority": "must", "in_scope": "on", "version": 1},
    )
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.description == "PMO wording"


def test_reordering_swaps_neighbours_within_one_list(client, project, pm):
    first = ScopeItemFactory(project=project, description="A", position=1)
    second = ScopeItemFactory(project=project, description="B", position=2)
    ScopeItemFactory(project=project, description="Out", in_scope=False, position=1)
    client.force_login(pm)
    assert (
        client.post(url("scope_item_move", project, second.pk), {"direction": "up"}).status_code
        == 302
    )
    order = list(
        ScopeItem.objects.filter(project=project, in_scope=True)
        .order_by("position")
        .values_list("description", flat=True)
    )
    assert order == ["B", "A"]
    # The top item cannot go higher; an unknown direction is refused without a change.
    client.post(url("scope_item_move", project, second.pk), {"direction": "up"})
    client.post(url("scope_item_move", project, first.pk), {"direction": "sideways"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == (1, 2)
    assert first.history.latest("history_date").history_change_reason == "Moved down"


def test_reordering_repairs_repeated_positions(project, pm):
    items = [ScopeItemFactory(project=project, description=d, position=0) for d in "ABC"]
    scope_services.scope_item_move(item=items[2], by=pm, direction="up")
    order = list(
        ScopeItem.objects.filter(project=project)
        .order_by("position")
        .values_list("description", flat=True)
    )
    assert order == ["A", "C", "B"]


def test_pm_removes_an_item_and_history_keeps_it(client, project, pm):
    item = ScopeItemFactory(project=project, description="Fax support")
    client.force_login(pm)
    assert client.post(url("scope_item_delete", project, item.pk)).status_code == 302
    assert not ScopeItem.objects.filter(pk=item.pk).exists()
    removal = ScopeItem.history.filter(id=item.pk).latest("history_date")
    assert (removal.history_type, removal.history_user) == ("-", pm)
    assert "Fax support" in client.get(url("scope", project)).content.decode()


def test_scope_item_of_another_project_is_404(client, project, other_project, pm):
    foreign = ScopeItemFactory(project=other_project)
    client.force_login(pm)
    assert client.get(url("scope_item_edit", project, foreign.pk)).status_code == 404
    assert client.post(url("scope_item_delete", project, foreign.pk)).status_code == 404


def test_closed_project_refuses_scope_changes(client, project, pm):
    item = ScopeItemFactory(project=project)
    project.status = "cancelled"
    project.save()
    client.force_login(pm)
    response = client.post(
        url("scope_item_create", project), {"description": "x", "priority": "must"}
    )
    assert response.status_code == 400
    assert "cancelled" in str(response.context["form"].non_field_errors())
    client.post(url("scope_item_delete", project, item.pk))
    assert ScopeItem.objects.filter(pk=item.pk).exists()
    assert "can no longer change" in client.get(url("scope", project)).content.decode()


# --- Deliverables --------------------------------------------------------------------------
def test_pm_adds_a_deliverable_owned_by_a_team_member(client, project, pm, member):
    client.force_login(pm)
    response = client.post(url("deliverable_create", project), deliverable_data(member))
    assert response.status_code == 302
    deliverable = Deliverable.objects.get()
    assert (deliverable.owner, deliverable.acceptance, deliverable.created_by) == (
        member,
        "pending",
        pm,
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"acceptance_criteria": ""}, "acceptance_criteria"),
        ({"due_date": "2025-01-01"}, "due_date"),
        ({"name": "x" * 201}, "name"),
        ({"due_date": "soon"}, "due_date"),
    ],
)
def test_bad_deliverable_is_refused_and_input_kept(client, project, pm, overrides, field):
    client.force_login(pm)
    response = client.post(url("deliverable_create", project), deliverable_data(pm, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Customers see each order" in response.content.decode()
    assert not Deliverable.objects.exists()


def test_deliverable_owner_must_be_on_the_project(client, project, pm, outsider):
    client.force_login(pm)
    response = client.post(url("deliverable_create", project), deliverable_data(outsider))
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors


def test_stale_deliverable_edit_is_409(client, project, pm, pmo_staff):
    deliverable = DeliverableFactory(project=project, owner=pm)
    scope_services.deliverable_update(
        deliverable=deliverable, by=pmo_staff, data={"name": "PMO name"}, expected_version=1
    )
    client.force_login(pm)
    response = client.post(
        url("deliverable_edit", project, deliverable.pk),
        deliverable_data(pm, name="My name", version=1),
    )
    assert response.status_code == 409
    assert "My name" in response.content.decode()
    deliverable.refresh_from_db()
    assert deliverable.name == "PMO name"


@pytest.mark.parametrize("decider", ["executive", "pmo_staff"])
def test_sponsor_or_pmo_accepts_a_deliverable_recording_who_and_when(
    client, project, pm, decider, request
):
    user = request.getfixturevalue(decider)
    deliverable = DeliverableFactory(project=project, owner=pm)
    client.force_login(user)
    response = client.post(
        url("deliverable_decide", project, deliverable.pk), decision(deliverable, decision="accept")
    )
    assert response.status_code == 302
    deliverable.refresh_from_db()
    assert (deliverable.acceptance, deliverable.decided_by) == ("accepted", user)
    assert deliverable.decided_at is not None
    assert deliverable.history.latest("history_date").history_user == user


def test_rejection_without_a_reason_is_refused(client, project, pm, executive):
    deliverable = DeliverableFactory(project=project, owner=pm)
    client.force_login(executive)
    response = client.post(
        url("deliverable_decide", project, deliverable.pk),
        decision(deliverable, decision="reject", rejection_reason="  "),
    )
    assert response.status_code == 400
    assert 'data-testid="decision-error"' in response.content.decode()
    deliverable.refresh_from_db()
    assert (deliverable.acceptance, deliverable.decided_by) == ("pending", None)
    with pytest.raises(ValidationError) as error:
        scope_services.deliverable_decide(
            deliverable=deliverable, by=executive, accept=False, reason="", expected_version=1
        )
    assert "rejection_reason" in error.value.error_dict


def test_rejection_with_a_reason_shows_it_and_the_pm_resubmits(client, project, pm, executive):
    deliverable = DeliverableFactory(project=project, owner=pm)
    client.force_login(executive)
    response = client.post(
        url("deliverable_decide", project, deliverable.pk),
        decision(deliverable, decision="reject", rejection_reason="Invoices page missing."),
    )
    assert response.status_code == 302
    deliverable.refresh_from_db()
    assert (deliverable.acceptance, deliverable.rejection_reason, deliverable.decided_by) == (
        "rejected",
        "Invoices page missing.",
        executive,
    )
    page = client.get(url("scope", project)).content.decode()
    assert "Invoices page missing." in page
    # The sponsor cannot resubmit; the PM can.
    resubmit = url("deliverable_resubmit", project, deliverable.pk)
    assert client.post(resubmit, {"version": deliverable.version}).status_code == 403
    client.force_login(pm)
    assert client.post(resubmit, {"version": deliverable.version}).status_code == 302
    deliverable.refresh_from_db()
    assert (deliverable.acceptance, deliverable.decided_by, deliverable.rejection_reason) == (
        "pending",
        None,
        "",
    )
    # History keeps the rejection and its reason.
    reasons = list(deliverable.history.values_list("rejection_reason", flat=True))
    assert "Invoices page missing." in reasons


@pytest.mark.parametrize("persona", ["pm", "other_pm", "member", "resource_manager"])
def test_non_deciders_cannot_accept_or_reject(client, project, other_project, pm, persona, request):
    deliverable = DeliverableFactory(project=project, owner=pm)
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        url("deliverable_decide", project, deliverable.pk), decision(deliverable, decision="accept")
    )
    assert response.status_code == 403
    deliverable.refresh_from_db()
    assert deliverable.acceptance == "pending"
    with pytest.raises(PermissionDenied):
        scope_services.deliverable_decide(
            deliverable=deliverable, by=pm, accept=True, expected_version=1
        )


def test_an_accepted_deliverable_cannot_be_edited_or_decided_again(client, project, pm, executive):
    deliverable = DeliverableFactory(project=project, owner=pm)
    scope_services.deliverable_decide(
        deliverable=deliverable, by=executive, accept=True, expected_version=1
    )
    client.force_login(pm)
    response = client.post(
        url("deliverable_edit", project, deliverable.pk),
        deliverable_data(pm, name="Renamed", version=deliverable.version),
    )
    assert response.status_code == 400
    deliverable.refresh_from_db()
    assert deliverable.name != "Renamed"
    with pytest.raises(ValidationError):
        scope_services.deliverable_update(
            deliverable=deliverable, by=pm, data={"name": "Renamed"}, expected_version=2
        )
    client.force_login(executive)
    response = client.post(
        url("deliverable_decide", project, deliverable.pk),
        decision(deliverable, decision="reject", rejection_reason="Changed my mind"),
    )
    assert response.status_code == 400
    deliverable.refresh_from_db()
    assert deliverable.acceptance == "accepted"


def test_stale_decision_is_409(client, project, pm, executive, pmo_staff):
    deliverable = DeliverableFactory(project=project, owner=pm)
    scope_services.deliverable_update(
        deliverable=deliverable, by=pm, data={"name": "Renamed"}, expected_version=1
    )
    client.force_login(executive)
    response = client.post(
        url("deliverable_decide", project, deliverable.pk),
        {f"d{deliverable.pk}-decision": "accept", f"d{deliverable.pk}-version": 1},
    )
    assert response.status_code == 409
    deliverable.refresh_from_db()
    assert deliverable.acceptance == "pending"


def test_editor_member_adds_deliverables(client, project, pm):
    editor = UserFactory(roles=["member"])
    MembershipFactory(project=project, user=editor, can_edit=True)
    client.force_login(editor)
    assert client.post(url("deliverable_create", project), deliverable_data(pm)).status_code == 302


def test_closed_project_refuses_decisions(client, project, pm, executive):
    deliverable = DeliverableFactory(project=project, owner=pm)
    project.status = "closed"
    project.save()
    client.force_login(executive)
    response = client.post(
        url("deliverable_decide", project, deliverable.pk), decision(deliverable, decision="accept")
    )
    assert response.status_code == 400
    deliverable.refresh_from_db()
    assert deliverable.acceptance == "pending"


# --- Query budget --------------------------------------------------------------------------
@pytest.mark.parametrize("count", [2, 60])
def test_scope_page_query_count_does_not_grow_with_rows(
    client, project, pm, executive, member, count, django_assert_max_num_queries
):
    for index in range(count):
        item = ScopeItemFactory(project=project, in_scope=index % 3 != 0)
        scope_services.scope_item_update(
            item=item, by=pm, data={"priority": "should"}, expected_version=1
        )
        deliverable = DeliverableFactory(project=project, owner=member if index % 2 else pm)
        if index % 4 == 0:
            scope_services.deliverable_decide(
                deliverable=deliverable, by=executive, accept=True, expected_version=1
            )
    client.force_login(executive)
    with django_assert_max_num_queries(18):
        response = client.get(url("scope", project))
    assert response.status_code == 200

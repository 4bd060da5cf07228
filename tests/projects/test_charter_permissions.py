"""Every charter and scope page that names a row, for every role, with a real row."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory
from tests.projects.factories_charter import (
    ChangeRequestFactory,
    CharterFactory,
    CharterRevisionFactory,
    DeliverableFactory,
    ScopeItemFactory,
    SmartObjectiveFactory,
)

PERSONAS = ["pmo_staff", "pm", "other_pm", "executive", "resource_manager", "member", "outsider"]
READERS = {**dict.fromkeys(PERSONAS, 200), "outsider": 404}
EDITORS = {
    "pmo_staff": 200,
    "pm": 200,
    "other_pm": 403,
    "executive": 403,
    "resource_manager": 403,
    "member": 403,
    "outsider": 404,
}

# route name -> (name of the row's key in the scene, URL kwarg, expected status per persona)
ROUTES = {
    "projects:objective_edit": ("objective", "pk", EDITORS),
    "projects:charter_revision": ("revision", "number", READERS),
    "projects:scope_item_edit": ("item", "pk", EDITORS),
    "projects:deliverable_edit": ("deliverable", "pk", EDITORS),
    "projects:change_request_detail": ("change_request", "number", READERS),
}


@pytest.fixture
def scene(project, other_project, pm, request):
    charter = CharterFactory(project=project)
    MembershipFactory(user=request.getfixturevalue("outsider"))
    return {
        "objective": SmartObjectiveFactory(project=project, owner=pm).pk,
        "revision": CharterRevisionFactory(charter=charter, number=1).number,
        "item": ScopeItemFactory(project=project).pk,
        "deliverable": DeliverableFactory(project=project, owner=pm).pk,
        "change_request": ChangeRequestFactory(project=project, number=1).number,
        "personas": {name: request.getfixturevalue(name) for name in PERSONAS},
    }


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_anonymous_is_sent_to_login(client, scene, route):
    key, kwarg, _expected = ROUTES[route]
    response = client.get(reverse(route, kwargs={"code": "PRJ-0042", kwarg: scene[key]}))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("route", "persona"), [(route, persona) for route in sorted(ROUTES) for persona in PERSONAS]
)
def test_role_gets_expected_status_with_a_real_row(client, scene, route, persona):
    key, kwarg, expected = ROUTES[route]
    client.force_login(scene["personas"][persona])
    response = client.get(reverse(route, kwargs={"code": "PRJ-0042", kwarg: scene[key]}))
    assert response.status_code == expected[persona], (route, persona)

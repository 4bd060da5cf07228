"""Every milestone page with a real milestone, for every role (GET), and anonymous users."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.projects.factories_milestones import MilestoneFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PERSONAS = ["pmo_staff", "pm", "other_pm", "executive", "resource_manager", "member", "outsider"]
READ = {**dict.fromkeys(PERSONAS, 200), "outsider": 404}
EDIT = {
    "pmo_staff": 200,
    "pm": 200,
    "other_pm": 403,
    "executive": 403,
    "resource_manager": 403,
    "member": 403,
    "outsider": 404,
}
# (route, needs the milestone, as htmx, expected status per persona) for a milestone the PM owns.
PAGES = [
    ("projects:milestones", False, False, READ),
    ("projects:milestone_detail", True, False, READ),
    ("projects:milestone_row", True, True, READ),
    ("projects:milestone_create", False, False, EDIT),
    ("projects:milestone_edit", True, False, EDIT),
    ("projects:milestone_quick_update", True, False, EDIT),
    ("projects:milestone_quick_update", True, True, EDIT),
]


@pytest.fixture
def scene(project, other_project, request):
    """PRJ-0042 with a milestone its PM owns; the outsider works elsewhere."""
    personas = {name: request.getfixturevalue(name) for name in PERSONAS}
    forecast = timezone.localdate() + datetime.timedelta(days=10)
    milestone = MilestoneFactory(project=project, forecast_date=forecast)
    return personas, milestone


def _url(route, needs_milestone, milestone):
    args = [milestone.project.code] + ([milestone.pk] if needs_milestone else [])
    return reverse(route, args=args)


@pytest.mark.parametrize(
    ("route", "needs_milestone", "htmx", "expected", "persona"),
    [(*page, persona) for page in PAGES for persona in PERSONAS],
)
def test_role_gets_expected_status(client, scene, route, needs_milestone, htmx, expected, persona):
    personas, milestone = scene
    client.force_login(personas[persona])
    response = client.get(_url(route, needs_milestone, milestone), **(HTMX if htmx else {}))
    assert response.status_code == expected[persona]


@pytest.mark.parametrize(("route", "needs_milestone", "htmx", "_expected"), PAGES)
def test_anonymous_is_sent_to_login(client, scene, route, needs_milestone, htmx, _expected):
    _personas, milestone = scene
    response = client.get(_url(route, needs_milestone, milestone), **(HTMX if htmx else {}))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_member_who_owns_a_milestone_may_open_its_quick_update_but_not_its_edit_form(
    client, member, project
):
    owned = MilestoneFactory(project=project, owner=member, forecast_date=timezone.localdate())
    client.force_login(member)
    code = project.code
    assert (
        client.get(reverse("projects:milestone_quick_update", args=[code, owned.pk])).status_code
        == 200
    )
    assert client.get(reverse("projects:milestone_edit", args=[code, owned.pk])).status_code == 403

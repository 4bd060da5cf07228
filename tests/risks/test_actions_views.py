"""Action pages: add (to a risk or an issue), edit, the inline status change (htmx and
plain), who may do what, and the risk page's actions and issues partials."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from risks import access
from risks.models import Action, Risk
from risks.services import actions as services
from tests.risks.factories import ActionFactory, IssueFactory, RiskFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PERSONAS = ["pmo_staff", "pm", "other_pm", "executive", "resource_manager", "member", "outsider"]


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def scene(project, other_project, request):
    """A risk and an issue of PRJ-0042 owned by the PM, each with an action the member owns."""
    personas = {name: request.getfixturevalue(name) for name in PERSONAS}
    from tests.factories import MembershipFactory

    MembershipFactory(user=personas["outsider"])  # works elsewhere
    risk = RiskFactory(project=project, owner=personas["pm"])
    issue = IssueFactory(project=project, owner=personas["pm"])
    risk_action = ActionFactory(risk=risk, owner=personas["member"])
    issue_action = ActionFactory(risk=None, issue=issue, owner=personas["member"])
    return personas, risk, issue, risk_action, issue_action


EDIT = {**dict.fromkeys(PERSONAS, 403), "pmo_staff": 200, "pm": 200, "outsider": 404}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_open_the_action_forms(client, scene, persona):
    personas, risk, issue, risk_action, issue_action = scene
    client.force_login(personas[persona])
    urls = [
        reverse("risks:risk_action_create", args=[risk.reference]),
        reverse("risks:issue_action_create", args=[issue.reference]),
        reverse("risks:action_edit", args=[risk_action.pk]),
        reverse("risks:action_edit", args=[issue_action.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == EDIT[persona], (url, persona)


# Status change: the managers, and the member because they own the actions.
STATUS = {**EDIT, "member": 302}
STATUS.update({"pmo_staff": 302, "pm": 302})


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_change_an_actions_status(client, scene, persona):
    personas, _risk, _issue, risk_action, issue_action = scene
    client.force_login(personas[persona])
    for action in (risk_action, issue_action):
        response = client.post(
            reverse("risks:action_status", args=[action.pk]),
            {"status": "in_progress", "version": action.version},
        )
        assert response.status_code == STATUS[persona], persona
        action.refresh_from_db()
        expected = "in_progress" if STATUS[persona] == 302 else "planned"
        assert action.status == expected


def test_status_route_is_post_only(client, scene):
    personas, _risk, _issue, risk_action, _issue_action = scene
    client.force_login(personas["pm"])
    assert client.get(reverse("risks:action_status", args=[risk_action.pk])).status_code == 405


def test_missing_action_is_404(client, pm):
    client.force_login(pm)
    assert client.get(reverse("risks:action_edit", args=[999999])).status_code == 404


# --- Add and edit -------------------------------------------------------------------------
def _post(owner, **extra):
    data = {
        "description": "Line up a second supplier",
        "owner": owner.pk if owner else "",
        "due_date": days(10).isoformat(),
        "cost": "2500.00",
        "currency": "",
        "status": "planned",
        "note": "",
    }
    return {**data, **extra}


def test_pm_adds_a_response_action_shown_on_the_risk(client, pm, member, project):
    risk = RiskFactory(project=project)
    client.force_login(pm)
    url = reverse("risks:risk_action_create", args=[risk.reference])
    response = client.post(url, _post(member))
    assert response.status_code == 302
    assert response.url == reverse("risks:risk_detail", args=[risk.reference]) + "#actions"
    action = Action.objects.get()
    assert (action.owner, action.cost) == (member, Decimal("2500"))
    assert action.currency == project.currency  # the register's currency by default
    body = client.get(reverse("risks:risk_detail", args=[risk.reference])).content.decode()
    assert "Line up a second supplier" in body
    assert 'data-testid="actions-total"' in body and "2,500.00" in body


def test_action_without_owner_answers_400_with_the_message_by_the_field(client, pm, project):
    risk = RiskFactory(project=project)
    client.force_login(pm)
    url = reverse("risks:risk_action_create", args=[risk.reference])
    response = client.post(url, _post(None, cost="-5"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "owner" in errors and "cost" in errors
    body = response.content.decode()
    assert "Every action needs an owner" in body
    assert "Line up a second supplier" in body  # the input is kept
    assert not Action.objects.exists()


def test_owner_outside_the_team_answers_400(client, pm, outsider, project):
    issue = IssueFactory(project=project)
    client.force_login(pm)
    url = reverse("risks:issue_action_create", args=[issue.reference])
    response = client.post(url, _post(outsider))
    assert response.status_code == 400  # not even a choice on the form
    assert "owner" in response.context["form"].errors
    assert not Action.objects.exists()


def test_risk_owner_who_is_a_member_adds_actions(client, member, project):
    risk = RiskFactory(project=project, owner=member)
    client.force_login(member)
    url = reverse("risks:risk_action_create", args=[risk.reference])
    assert client.post(url, _post(member)).status_code == 302


def test_closed_issue_takes_no_action(client, pm, project):
    issue = IssueFactory(project=project, status="closed")
    client.force_login(pm)
    url = reverse("risks:issue_action_create", args=[issue.reference])
    assert 'data-testid="parent-closed"' in client.get(url).content.decode()
    assert client.post(url, _post(pm)).status_code == 400
    assert not Action.objects.exists()


def test_stale_edit_answers_409(client, pm, project):
    action = ActionFactory(risk=RiskFactory(project=project))
    services.action_update(action=action, by=pm, data={"note": "theirs"}, expected_version=1)
    client.force_login(pm)
    url = reverse("risks:action_edit", args=[action.pk])
    response = client.post(url, _post(pm, description="Mine", version=1))
    assert response.status_code == 409
    assert 'data-testid="stale-warning"' in response.content.decode()
    action.refresh_from_db()
    assert action.description != "Mine"


def test_edit_saves(client, pm, project):
    action = ActionFactory(risk=RiskFactory(project=project))
    client.force_login(pm)
    url = reverse("risks:action_edit", args=[action.pk])
    response = client.post(url, _post(pm, description="Renamed", currency="usd", version=1))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.currency) == ("Renamed", "USD")


# --- Inline status change -----------------------------------------------------------------
def test_htmx_status_change_swaps_the_row(client, pm, project):
    action = ActionFactory(risk=RiskFactory(project=project))
    client.force_login(pm)
    response = client.post(
        reverse("risks:action_status", args=[action.pk]),
        {"status": "done", "version": 1},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.strip().startswith(f'<tr id="action-{action.pk}"')
    assert 'data-testid="saved"' in body
    action.refresh_from_db()
    assert action.completed_on == timezone.localdate()


def test_plain_status_change_redirects_back(client, pm, project):
    risk = RiskFactory(project=project)
    action = ActionFactory(risk=risk)
    client.force_login(pm)
    url = reverse("risks:action_status", args=[action.pk])
    response = client.post(url, {"status": "done", "version": 1, "next": "/projects/"})
    assert response.status_code == 302 and response.url == "/projects/"
    response = client.post(
        url, {"status": "planned", "version": 2, "next": "https://evil.example/"}
    )
    assert response.url == reverse("risks:risk_detail", args=[risk.reference]) + "#actions"


def test_stale_status_change_answers_409_with_the_current_row(client, pm, project):
    action = ActionFactory(risk=RiskFactory(project=project))
    services.action_set_status(action=action, by=pm, status="in_progress", expected_version=1)
    client.force_login(pm)
    response = client.post(
        reverse("risks:action_status", args=[action.pk]),
        {"status": "cancelled", "version": 1},
        **HTMX,
    )
    assert response.status_code == 409
    assert 'data-testid="row-error"' in response.content.decode()
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_bad_status_answers_400(client, pm, project):
    action = ActionFactory(risk=RiskFactory(project=project))
    client.force_login(pm)
    response = client.post(
        reverse("risks:action_status", args=[action.pk]), {"status": "nope", "version": 1}, **HTMX
    )
    assert response.status_code == 400


# --- The risk page's partials -------------------------------------------------------------
def test_risk_partials_use_only_the_prefetch(pm, member, project, django_assert_num_queries):
    risk = RiskFactory(project=project, owner=pm)
    for n in range(30):
        ActionFactory(
            risk=risk,
            owner=member if n % 2 else pm,
            due_date=days(n - 15),
            cost=Decimal(n),
            currency="EUR" if n % 3 else "GBP",
        )
    IssueFactory(project=project, risk=risk, title="It happened")
    risk = (
        Risk.objects.select_related(*access.REGISTER_RELATED)
        .prefetch_related("actions__owner", "reviews__reviewed_by", "issues__owner")
        .get(pk=risk.pk)
    )
    request = RequestFactory().get("/")
    request.user = pm
    context = {"risk": risk, "can_update": True, "can_manage": True, "request": request}
    pm.has_role("pm")  # the page's frame reads the roles once per request, not the partials
    with django_assert_num_queries(0):
        actions_html = render_to_string("risks/detail/_actions.html", context, request=request)
        issues_html = render_to_string("risks/detail/_issues.html", context, request=request)
    assert actions_html.count('data-testid="action-row"') == 30
    assert actions_html.count('data-testid="overdue"') == 15
    assert actions_html.count('data-testid="actions-total"') == 2
    assert 'data-testid="add-action"' in actions_html
    assert "It happened" in issues_html
    assert 'data-testid="record-occurred"' in issues_html


def test_risk_partials_for_a_reader(executive, project):
    risk = RiskFactory(project=project)
    ActionFactory(risk=risk)
    request = RequestFactory().get("/")
    request.user = executive
    context = {"risk": risk, "can_update": False, "can_manage": False, "request": request}
    actions_html = render_to_string("risks/detail/_actions.html", context, request=request)
    issues_html = render_to_string("risks/detail/_issues.html", context, request=request)
    assert 'data-testid="add-action"' not in actions_html
    assert 'data-testid="action-status"' not in actions_html
    assert 'data-testid="record-occurred"' not in issues_html
    assert "No issue yet" in issues_html


def test_member_who_owns_an_action_gets_its_status_control_but_no_edit(client, member, project):
    issue = IssueFactory(project=project)  # owned by the PM
    ActionFactory(risk=None, issue=issue, owner=member, description="Mine")
    ActionFactory(risk=None, issue=issue, description="Theirs")
    client.force_login(member)
    body = client.get(reverse("risks:issue_detail", args=[issue.reference])).content.decode()
    assert body.count('data-testid="action-status"') == 1
    assert body.count('data-testid="action-status-badge"') == 1
    assert 'data-testid="action-edit"' not in body
    assert 'data-testid="add-action"' not in body

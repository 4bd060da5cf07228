"""Who may open and change a risk's pages, with a risk owned by a team member.

Managers of the register (the PM, PMO staff) change anything; the owner (a member without
the edit right) assesses, responds, changes the status and closes, but does not edit the
description; executives and resource managers read; other PMs of the portfolio read but
are refused changes (403); the outsider sees nothing (404).
"""

import pytest
from django.urls import reverse

from risks.models import Risk, RiskStatus
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["pmo_staff", "pm", "other_pm", "executive", "resource_manager", "member", "outsider"]
READ = {**dict.fromkeys(PERSONAS, 200), "outsider": 404}
UPDATE = {**dict.fromkeys(PERSONAS, 403), "pmo_staff": 200, "pm": 200, "member": 200}
UPDATE["outsider"] = 404
MANAGE = {**UPDATE, "member": 403}

PAGES = {
    "risk_detail": READ,
    "risk_edit": MANAGE,
    "risk_assess": UPDATE,
    "risk_response": UPDATE,
    "risk_close": UPDATE,
    "risk_status": UPDATE,
}


@pytest.fixture
def scene(project, other_project, request):
    risk = RiskFactory(project=project, owner=request.getfixturevalue("member"))
    users = {name: request.getfixturevalue(name) for name in PERSONAS}
    from tests.factories import MembershipFactory

    MembershipFactory(user=users["outsider"])  # works elsewhere, outside DIGITAL
    return risk, users


@pytest.mark.parametrize(
    ("page", "persona"), [(page, persona) for page in PAGES for persona in PERSONAS]
)
def test_page_by_persona(client, scene, page, persona):
    risk, users = scene
    client.force_login(users[persona])
    response = client.get(reverse(f"risks:{page}", kwargs={"ref": risk.reference}))
    assert response.status_code == PAGES[page][persona], (page, persona)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("other_pm", 403), ("executive", 403), ("resource_manager", 403), ("outsider", 404)],
)
def test_refused_changes_change_nothing(client, scene, persona, expected):
    risk, users = scene
    client.force_login(users[persona])
    posts = {
        "risk_assess": {"inherent_probability": "1", "inherent_impact": "1", "version": "1"},
        "risk_response": {"strategy": "avoid", "version": "1"},
        "risk_close": {"reason": "Mine", "version": "1"},
        "risk_status": {"status": "monitoring", "version": "1"},
        "risk_edit": {"title": "Mine", "kind": "threat", "version": "1"},
    }
    for page, data in posts.items():
        response = client.post(reverse(f"risks:{page}", kwargs={"ref": risk.reference}), data)
        assert response.status_code == expected, page
    stored = Risk.objects.get(pk=risk.pk)
    assert stored.version == 1 and stored.status == RiskStatus.ASSESSED


def test_owner_who_is_a_member_assesses_and_closes(client, scene):
    risk, users = scene
    client.force_login(users["member"])
    response = client.post(
        reverse("risks:risk_assess", kwargs={"ref": risk.reference}),
        {"inherent_probability": "2", "inherent_impact": "2", "version": "1"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("risks:risk_close", kwargs={"ref": risk.reference}),
        {"reason": "Test data delivered", "version": "2"},
    )
    assert response.status_code == 302
    assert Risk.objects.get(pk=risk.pk).status == RiskStatus.CLOSED


def test_owner_who_is_a_member_cannot_edit_the_description(client, scene):
    risk, users = scene
    client.force_login(users["member"])
    response = client.post(
        reverse("risks:risk_edit", kwargs={"ref": risk.reference}),
        {"title": "Renamed", "kind": "threat", "version": "1"},
    )
    assert response.status_code == 403


def test_sponsor_owning_a_risk_still_only_reads(client, project, executive):
    risk = RiskFactory(project=project, owner=executive)
    client.force_login(executive)
    response = client.get(reverse("risks:risk_assess", kwargs={"ref": risk.reference}))
    assert response.status_code == 403


def test_member_proposes_but_other_pm_cannot_add(client, project, member, other_pm, other_project):
    url = reverse("risks:project_risk_create", kwargs={"code": project.code})
    client.force_login(member)
    assert client.post(url, {"title": "Idea", "kind": "threat"}).status_code == 302
    assert Risk.objects.get().status == RiskStatus.PROPOSED
    client.force_login(other_pm)
    assert client.post(url, {"title": "Mine", "kind": "threat"}).status_code == 403
    assert Risk.objects.count() == 1


def test_member_cannot_change_the_status_of_a_risk_they_do_not_own(client, project, member, pm):
    risk = RiskFactory(project=project, owner=pm)
    client.force_login(member)
    response = client.post(
        reverse("risks:risk_status", kwargs={"ref": risk.reference}),
        {"status": "monitoring", "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 403

"""The triage page: proposed risks oldest first, accepted or rejected in place (htmx) or by
a plain form post without JavaScript."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from risks.models import Risk, RiskCategory, RiskStatus
from risks.services.numbering import next_reference
from tests.risks.factories import RiskFactory, SessionFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def triage_url(kind="project", code="PRJ-0042"):
    return reverse(f"risks:{kind}_triage", kwargs={"code": code})


def decide_url(risk):
    return reverse("risks:risk_triage", kwargs={"ref": risk.reference})


@pytest.fixture
def category(db):
    return RiskCategory.objects.filter(is_active=True).first()


def propose(project, by, **extra):
    return RiskFactory(
        project=project,
        status=RiskStatus.PROPOSED,
        owner=None,
        inherent_probability=None,
        inherent_impact=None,
        created_by=by,
        **extra,
    )


@pytest.fixture
def proposed(project, member):
    return propose(project, member, title="Vendor API late")


def accept_data(risk, owner=None, category=None, p="", i="", version=None):
    prefix = f"a{risk.pk}"
    return {
        "decision": "accept",
        f"{prefix}-owner": owner.pk if owner else "",
        f"{prefix}-category": category.pk if category else "",
        f"{prefix}-probability": p,
        f"{prefix}-impact": i,
        f"{prefix}-version": version or risk.version,
        "next": triage_url() + "?page=1",
    }


def reject_data(risk, reason, version=None):
    return {
        "decision": "reject",
        f"x{risk.pk}-reason": reason,
        f"x{risk.pk}-version": version or risk.version,
    }


# --- The list --------------------------------------------------------------------------------
def test_lists_proposed_risks_oldest_first_with_a_count(client, pm, member, project):
    session = SessionFactory(project=project, facilitator=pm, title="Kick-off workshop")
    newer = propose(project, member, title="Newer", identified_in=session)
    older = propose(project, member, title="Older")
    Risk.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    RiskFactory(project=project, title="Already assessed")
    client.force_login(pm)
    response = client.get(triage_url())
    assert response.status_code == 200
    assert [r.title for r in response.context["risks"]] == ["Older", "Newer"]
    body = response.content.decode()
    assert "2 awaiting triage" in body
    assert "Already assessed" not in body
    assert "Kick-off workshop" in body  # where the newer one was raised
    assert "Proposed by Max Member" in body
    assert body.count('data-testid="accept-form"') == 2
    assert body.count('data-testid="reject-form"') == 2
    assert newer.reference in body


def test_empty_triage_says_what_to_do(client, pm, project):
    client.force_login(pm)
    body = client.get(triage_url()).content.decode()
    assert 'data-testid="empty-state"' in body
    assert "0 awaiting triage" in body


def test_owner_choices_are_the_project_people(client, pm, project, proposed, outsider):
    client.force_login(pm)
    form = client.get(triage_url()).context["risks"][0].accept_form
    names = [label for _value, label in form.fields["owner"].choices]
    assert "Pat Manager" in names and "Max Member" in names and "Eve Chief" in names
    assert "Olga Outside" not in names


@pytest.mark.parametrize("persona", ["member", "executive", "resource_manager"])
def test_others_see_the_list_without_the_forms(client, proposed, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(triage_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vendor API late" in body
    assert 'data-testid="accept-form"' not in body


def test_outsider_gets_404(client, outsider, proposed):
    client.force_login(outsider)
    assert client.get(triage_url()).status_code == 404
    assert client.post(decide_url(proposed), reject_data(proposed, "no")).status_code == 404


def test_triage_list_queries_are_bounded(
    client, pm, project, member, django_assert_max_num_queries
):
    from risks.registers import Register

    session = SessionFactory(project=project, facilitator=pm)
    register = Register("project", project)
    rows = []
    for n in range(500):
        number, reference = next_reference(register, "R")
        rows.append(
            Risk(
                project=project,
                number=number,
                reference=reference,
                title=f"Draft {n}",
                cause="Because",
                status=RiskStatus.PROPOSED,
                identified_in=session if n % 2 else None,
                created_by=member,
            )
        )
    Risk.objects.bulk_create(rows)
    client.force_login(pm)
    with django_assert_max_num_queries(16):  # 13 when measured
        response = client.get(triage_url())
    assert response.status_code == 200
    assert len(response.context["risks"]) == 25
    assert "500 awaiting triage" in response.content.decode()


# --- Accept --------------------------------------------------------------------------------
def test_accept_with_htmx_replaces_the_row_and_the_count(client, pm, member, proposed, category):
    client.force_login(pm)
    response = client.post(
        decide_url(proposed), accept_data(proposed, member, category, p="4", i="3"), **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="triage-{proposed.pk}"' in body
    assert 'data-testid="triage-decided"' in body
    assert "accepted as assessed, owned by Max Member" in body
    assert 'id="triage-count"' in body and 'hx-swap-oob="true"' in body
    assert "0 awaiting triage" in body
    proposed.refresh_from_db()
    assert (proposed.status, proposed.owner, proposed.current_score) == ("assessed", member, 12)
    assert proposed.next_review_on is not None


def test_accept_without_javascript_redirects_back_with_a_message(client, pm, proposed, category):
    client.force_login(pm)
    response = client.post(decide_url(proposed), accept_data(proposed, pm, category))
    assert response.status_code == 302
    assert response.url == triage_url() + "?page=1"
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [f"{proposed.reference} accepted as identified, owned by Pat Manager."]
    proposed.refresh_from_db()
    assert proposed.status == RiskStatus.IDENTIFIED


def test_accept_without_owner_is_refused_by_the_field(client, pm, proposed, category):
    client.force_login(pm)
    response = client.post(decide_url(proposed), accept_data(proposed, None, category), **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-field="owner">Choose who owns this risk.<' in body
    assert 'data-testid="accept-form"' in body  # the row again, with its forms
    assert Risk.objects.get(pk=proposed.pk).status == RiskStatus.PROPOSED
    # Without JavaScript: the row alone on a page, in the register's frame.
    response = client.post(decide_url(proposed), accept_data(proposed, None, category))
    assert response.status_code == 400
    assert "Triage of PRJ-0042-R01" in response.content.decode()


def test_accept_with_an_owner_outside_the_team_is_refused(client, pm, proposed, category, outsider):
    client.force_login(pm)
    response = client.post(decide_url(proposed), accept_data(proposed, outsider, category), **HTMX)
    assert response.status_code == 400
    assert "owner" in response.context["risk"].accept_form.errors
    assert Risk.objects.get(pk=proposed.pk).owner is None


def test_accept_keeps_the_typed_values_when_refused(client, pm, proposed, category):
    client.force_login(pm)
    response = client.post(
        decide_url(proposed), accept_data(proposed, pm, category, p="4", i=""), **HTMX
    )
    assert response.status_code == 400
    form = response.context["risk"].accept_form
    assert "impact" in form.errors
    body = response.content.decode()
    assert f'<option value="{pm.pk}" selected>' in body
    assert '<option value="4" selected>' in body


def test_stale_accept_answers_409_and_keeps_the_input(client, pm, member, proposed, category):
    Risk.objects.filter(pk=proposed.pk).update(version=2, title="Renamed meanwhile")
    client.force_login(pm)
    response = client.post(
        decide_url(proposed), accept_data(proposed, member, category, version=1), **HTMX
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="stale-warning"' in body
    assert "Renamed meanwhile" in body
    assert f'<option value="{member.pk}" selected>' in body
    assert f'name="a{proposed.pk}-version" value="2"' in body
    assert Risk.objects.get(pk=proposed.pk).status == RiskStatus.PROPOSED


def test_triage_of_a_risk_that_is_not_proposed_is_refused(client, pm, project, category):
    assessed = RiskFactory(project=project)
    client.force_login(pm)
    response = client.post(decide_url(assessed), accept_data(assessed, pm, category), **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert "only proposed risks are accepted or rejected" in body
    assert 'data-testid="already-triaged"' in body
    assert Risk.objects.get(pk=assessed.pk).status == RiskStatus.ASSESSED


def test_an_unknown_decision_is_a_bad_request(client, pm, proposed):
    client.force_login(pm)
    response = client.post(decide_url(proposed), {"decision": "maybe"})
    assert response.status_code == 400


def test_get_is_not_allowed(client, pm, proposed):
    client.force_login(pm)
    assert client.get(decide_url(proposed)).status_code == 405


# --- Reject --------------------------------------------------------------------------------
def test_reject_keeps_the_reason(client, pm, proposed):
    client.force_login(pm)
    response = client.post(
        decide_url(proposed), reject_data(proposed, "duplicate of PRJ-0042-R03"), **HTMX
    )
    assert response.status_code == 200
    assert "rejected: duplicate of PRJ-0042-R03" in response.content.decode()
    proposed.refresh_from_db()
    assert proposed.status == RiskStatus.REJECTED
    assert proposed.closure_reason == "duplicate of PRJ-0042-R03"
    entry = proposed.history.order_by("-history_date").first()
    assert entry.history_user == pm
    assert entry.history_change_reason == "Rejected in triage: duplicate of PRJ-0042-R03"


def test_reject_without_reason_is_refused(client, pm, proposed):
    client.force_login(pm)
    response = client.post(decide_url(proposed), reject_data(proposed, ""), **HTMX)
    assert response.status_code == 400
    assert 'data-field="reason">Say why it is rejected' in response.content.decode()
    assert Risk.objects.get(pk=proposed.pk).status == RiskStatus.PROPOSED


# --- Who may -------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["member", "executive", "other_pm", "resource_manager"])
def test_only_managers_triage(client, proposed, other_project, category, persona, request, pm):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(decide_url(proposed), accept_data(proposed, pm, category)).status_code == 403
    assert client.post(decide_url(proposed), reject_data(proposed, "no")).status_code == 403
    assert Risk.objects.get(pk=proposed.pk).status == RiskStatus.PROPOSED


def test_pmo_staff_triage(client, pmo_staff, pm, proposed, category):
    client.force_login(pmo_staff)
    response = client.post(decide_url(proposed), accept_data(proposed, pm, category))
    assert response.status_code == 302

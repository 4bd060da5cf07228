"""Bulk entry of draft risks for a session: all rows or none, blank rows ignored."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from risks.models import Risk, RiskCategory, RiskStatus
from tests.risks.factories import RiskCategoryFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(project, pm):
    return SessionFactory(project=project, facilitator=pm, title="Kick-off workshop")


def bulk_url(session, **query):
    url = reverse("risks:session_bulk", kwargs={"pk": session.pk})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def triage_url():
    return reverse("risks:project_triage", kwargs={"code": "PRJ-0042"})


def rows(*typed, total=8):
    """POST data for ``total`` rows; ``typed`` fills the first ones."""
    data = {
        "d-TOTAL_FORMS": str(total),
        "d-INITIAL_FORMS": "0",
        "d-MIN_NUM_FORMS": "0",
        "d-MAX_NUM_FORMS": "50",
    }
    for index in range(total):
        row = typed[index] if index < len(typed) else {}
        data[f"d-{index}-kind"] = row.get("kind", "threat")
        for name in ("title", "cause", "event", "effect", "category"):
            data[f"d-{index}-{name}"] = row.get(name, "")
    return data


def test_the_form_starts_with_eight_rows_and_more_on_request(client, pm, session):
    client.force_login(pm)
    response = client.get(bulk_url(session))
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 8
    assert client.get(bulk_url(session, rows=20)).context["formset"].total_form_count() == 20
    assert client.get(bulk_url(session, rows=999)).context["formset"].total_form_count() == 50
    assert client.get(bulk_url(session, rows="x")).context["formset"].total_form_count() == 8


def test_member_proposes_drafts_and_blank_rows_are_ignored(client, member, session):
    category = RiskCategory.objects.filter(is_active=True).first()
    client.force_login(member)
    data = rows(
        {"title": "Vendor API late", "cause": "New API", "event": "ships late", "effect": "delay"},
        {},
        {"title": "Key tester leaves", "category": str(category.pk), "kind": "threat"},
        {"title": "Reuse the CRM module", "kind": "opportunity"},
    )
    response = client.post(bulk_url(session), data)
    assert response.status_code == 302
    assert response.url == triage_url()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["3 draft risks added"]
    risks = list(Risk.objects.order_by("number"))
    assert [r.title for r in risks] == [
        "Vendor API late",
        "Key tester leaves",
        "Reuse the CRM module",
    ]
    assert {r.status for r in risks} == {RiskStatus.PROPOSED}
    assert {r.identified_in_id for r in risks} == {session.pk}
    assert risks[1].category == category
    assert risks[2].kind == "opportunity"
    assert risks[0].cause == "New API"


def test_one_bad_row_saves_nothing_and_keeps_every_typed_value(client, pm, session):
    category = RiskCategory.objects.filter(is_active=True).first()
    client.force_login(pm)
    data = rows(
        {"title": "Vendor API late", "cause": "Brand-new API", "event": "ships late"},
        {"cause": "Only one DBA", "effect": "migration stalls"},  # no title
        {"title": "Key tester leaves", "category": str(category.pk), "kind": "opportunity"},
    )
    response = client.post(bulk_url(session), data)
    assert response.status_code == 400
    assert not Risk.objects.exists()
    formset = response.context["formset"]
    assert list(formset.forms[1].errors) == ["title"]
    assert not formset.forms[0].errors
    body = response.content.decode()
    # The error sits next to the title of row 2, and the row is marked.
    assert 'data-field="title">Give this draft a title, or clear the row.<' in body
    assert "Nothing was saved" in body
    for value in (
        "Vendor API late",
        "Brand-new API",
        "ships late",
        "Only one DBA",
        "migration stalls",
        "Key tester leaves",
    ):
        assert value in body
    assert f'<option value="{category.pk}" selected>' in body
    assert '<option value="opportunity" selected>' in body


def test_a_row_the_service_refuses_shows_its_error_and_saves_nothing(
    client, pm, session, monkeypatch
):
    from risks.services import sessions as services

    real = services.risk_create

    def refuse_the_second(**kwargs):
        if kwargs["data"]["title"] == "Second":
            raise ValidationError({"title": "A risk with this title is already proposed."})
        return real(**kwargs)

    monkeypatch.setattr(services, "risk_create", refuse_the_second)
    client.force_login(pm)
    response = client.post(bulk_url(session), rows({"title": "First"}, {}, {"title": "Second"}))
    assert response.status_code == 400
    assert not Risk.objects.exists()
    assert response.context["formset"].forms[2].errors["title"] == [
        "A risk with this title is already proposed."
    ]
    assert "1 draft risk was refused, so nothing was saved." in response.content.decode()


def test_all_blank_rows_are_refused(client, pm, session):
    client.force_login(pm)
    response = client.post(bulk_url(session), rows())
    assert response.status_code == 400
    assert "Type at least one draft risk" in response.content.decode()


def test_a_retired_category_is_refused_by_its_field(client, pm, session):
    retired = RiskCategoryFactory(is_active=False)
    client.force_login(pm)
    response = client.post(
        bulk_url(session), rows({"title": "Old kind of risk", "category": str(retired.pk)})
    )
    assert response.status_code == 400
    assert "category" in response.context["formset"].forms[0].errors


def test_more_rows_keeps_what_was_typed_without_saving(client, pm, session):
    client.force_login(pm)
    data = rows({"title": "Vendor API late", "kind": "opportunity"}, {"cause": "no title yet"})
    response = client.post(bulk_url(session), {**data, "add_rows": "1"})
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.total_form_count() == 16
    assert not formset.is_bound  # no errors shown for unfinished rows
    body = response.content.decode()
    assert 'value="Vendor API late"' in body
    assert "no title yet" in body
    assert '<option value="opportunity" selected>' in body
    assert not Risk.objects.exists()


def test_more_than_fifty_rows_are_refused(client, pm, session):
    client.force_login(pm)
    response = client.post(bulk_url(session), rows({"title": "x"}, total=51))
    assert response.status_code == 400
    assert not Risk.objects.exists()


def test_closed_project_refuses_drafts(client, pm, project, session):
    project.status = "closed"
    project.save()
    client.force_login(pm)
    response = client.post(bulk_url(session), rows({"title": "Late"}))
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    assert not Risk.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("executive", 403), ("resource_manager", 403), ("other_pm", 403), ("outsider", 404)],
)
def test_readers_and_strangers_cannot_add_drafts(
    client, session, other_project, persona, status, request
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(bulk_url(session)).status_code == status
    assert client.post(bulk_url(session), rows({"title": "Late"})).status_code == status
    assert not Risk.objects.exists()


def test_bulk_page_queries_do_not_grow_with_rows(
    client, pm, session, django_assert_max_num_queries
):
    client.force_login(pm)
    with django_assert_max_num_queries(10):  # 8 when measured
        response = client.get(bulk_url(session, rows=50))
    assert response.status_code == 200

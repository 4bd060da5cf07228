"""The review page and the review history on the risk's page."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from risks.models import Risk, RiskReview
from risks.selectors.matrix import load_matrix
from risks.selectors.register import get_risk_detail
from tests.risks.factories import ReviewFactory, RiskFactory

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def risk(project, pm):
    risk = RiskFactory(project=project, owner=pm, title="Vendor API late")
    # Added 40 days ago (its history too), so that reviews may be dated in the past.
    added = timezone.now() - datetime.timedelta(days=40)
    Risk.objects.filter(pk=risk.pk).update(created_at=added)
    Risk.history.filter(id=risk.pk).update(history_date=added)
    return Risk.objects.get(pk=risk.pk)


def url(risk):
    return reverse("risks:risk_review", kwargs={"ref": risk.reference})


def post_data(risk, **overrides):
    data = {
        "reviewed_on": timezone.localdate().isoformat(),
        "probability": "2",
        "impact": "3",
        "status": "monitoring",
        "comment": "Sandbox delivered; tests pass.",
        "version": str(risk.version),
    }
    data.update(overrides)
    return data


def field_error(body, field):
    """The text of the error shown under ``field`` (crispy's invalid-feedback)."""
    match = re.search(rf'id="error_1_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', body, re.S)
    return match.group(1) if match else ""


# --- The page ----------------------------------------------------------------------------
def test_page_shows_where_the_risk_stands_and_the_form_with_defaults(client, pm, risk):
    client.force_login(pm)
    response = client.get(url(risk))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="current-assessment"' in body
    assert "12 · High" in body  # P3 x I4, the default "high" band
    assert "every 14 days" in body  # its cadence
    assert f'value="{timezone.localdate().isoformat()}"' in body
    assert '<option value="3" selected>3 · Possible' in body
    assert '<option value="4" selected>4 · Major' in body
    assert 'value="occurred"' not in body  # offered elsewhere
    assert reverse("risks:issue_from_risk", kwargs={"ref": risk.reference}) in body


def test_owner_records_a_review_and_returns_to_the_risk(client, pm, risk):
    client.force_login(pm)
    response = client.post(url(risk), post_data(risk))
    assert response.status_code == 302
    assert response.url == reverse("risks:risk_detail", kwargs={"ref": risk.reference})
    review = RiskReview.objects.get()
    assert (review.score, review.band, review.reviewed_by) == (6, "medium", pm)
    risk.refresh_from_db()
    assert risk.current_score == 6 and risk.status == "monitoring"
    page = client.get(response.url).content.decode()
    assert f"Review of {risk.reference} recorded: score 6" in page


def test_team_member_reviews_the_risk_they_own(client, project, member):
    risk = RiskFactory(project=project, owner=member)
    client.force_login(member)
    assert client.get(url(risk)).status_code == 200
    assert client.post(url(risk), post_data(risk)).status_code == 302
    assert RiskReview.objects.get().reviewed_by == member


@pytest.mark.parametrize(
    ("persona", "status"),
    [("member", 403), ("executive", 403), ("other_pm", 403), ("outsider", 404)],
)
def test_who_may_not_review(client, risk, other_project, persona, status, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(risk)).status_code == status
    assert client.post(url(risk), post_data(risk)).status_code == status
    assert not RiskReview.objects.exists()


# --- Bad input: 400, everything typed kept, nothing saved --------------------------------
def test_future_date_is_400_with_todays_date_and_keeps_the_input(client, pm, risk):
    client.force_login(pm)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url(risk), post_data(risk, reviewed_on=tomorrow, comment="Typed with care", impact="5")
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert timezone.localdate().isoformat() in field_error(body, "reviewed_on")
    assert "Typed with care" in body and f'value="{tomorrow}"' in body
    assert '<option value="5" selected>' in body
    assert not RiskReview.objects.exists()
    risk.refresh_from_db()
    assert risk.version == 1 and risk.residual_probability is None


def test_occurred_is_400_with_a_pointer(client, pm, risk):
    client.force_login(pm)
    response = client.post(url(risk), post_data(risk, status="occurred"))
    assert response.status_code == 400
    assert "Record that it occurred" in field_error(response.content.decode(), "status")
    assert not RiskReview.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("probability", "7", "Choose a probability on the matrix (1-5)."),
        ("impact", "", "Choose an impact on the matrix (1-5)."),
        ("comment", "", "Say what you found"),
        ("reviewed_on", "yesterday-ish", "Enter a valid date."),
    ],
)
def test_bad_fields_are_400_by_the_field(client, pm, risk, field, value, message):
    client.force_login(pm)
    response = client.post(url(risk), post_data(risk, **{field: value}))
    assert response.status_code == 400
    assert message in field_error(response.content.decode(), field)
    assert not RiskReview.objects.exists()


def test_date_before_the_last_review_is_400(client, pm, risk):
    ReviewFactory(risk=risk, reviewed_on=days_ago(3))
    client.force_login(pm)
    response = client.post(url(risk), post_data(risk, reviewed_on=days_ago(4).isoformat()))
    assert response.status_code == 400
    assert days_ago(3).isoformat() in field_error(response.content.decode(), "reviewed_on")
    assert RiskReview.objects.count() == 1


def test_stale_review_is_409_and_keeps_the_input(client, pm, pmo_staff, risk):
    client.force_login(pm)
    # Someone else reviews the risk after pm opened the form (version 1).
    from risks.services.reviews import risk_review_record

    risk_review_record(
        risk=risk,
        by=pmo_staff,
        reviewed_on=timezone.localdate(),
        probability=4,
        impact=4,
        status="monitoring",
        comment="Escalated by the PMO",
        expected_version=1,
    )
    response = client.post(url(risk), post_data(risk, comment="My own findings", version="1"))
    body = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="stale-warning"' in body and "Paula Office" in body
    assert "My own findings" in body
    assert 'name="version" value="2"' in body
    assert "16 · Critical" in body  # the page shows the risk as it is now
    assert RiskReview.objects.count() == 1
    # Saving again is a deliberate choice and goes through.
    again = client.post(url(risk), post_data(risk, comment="My own findings", version="2"))
    assert again.status_code == 302 and RiskReview.objects.count() == 2


def test_closed_risk_shows_why_it_cannot_be_reviewed(client, pm, project):
    risk = RiskFactory(project=project, owner=pm, status="closed")
    client.force_login(pm)
    response = client.get(url(risk))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="not-reviewable"' in body and "reopen it" in body
    assert 'data-testid="review-form"' not in body
    assert client.post(url(risk), post_data(risk)).status_code == 400
    assert not RiskReview.objects.exists()


# --- The review history on the risk's page -----------------------------------------------
def render_partial(risk_ref, user, *, can_update=True):
    risk = get_risk_detail(user, risk_ref)
    return render_to_string(
        "risks/detail/_reviews.html",
        {"risk": risk, "matrix": load_matrix(), "can_update": can_update, "can_manage": False},
    )


def test_history_table_newest_first_with_band_and_chart(pm, risk):
    ReviewFactory(risk=risk, reviewed_on=days_ago(20), probability=4, impact=4, comment="Worse")
    ReviewFactory(risk=risk, reviewed_on=days_ago(5), probability=1, impact=2, comment="Better")
    html = render_partial(risk.reference, pm)
    rows = re.findall(r'<tr data-testid="review-row">(.*?)</tr>', html, re.S)
    assert len(rows) == 2
    assert days_ago(5).isoformat() in rows[0] and "Better" in rows[0]
    assert "2 · Low" in rows[0] and "16 · Critical" in rows[1]
    assert "background-color: #dc3545" in rows[1]
    assert 'data-testid="record-review-button"' in html
    figure = json.loads(
        re.search(r'<script id="risk-trend-\d+-data"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    markers = figure["data"][1]
    # Added (12, from the history), then the two reviews on their own dates.
    assert markers["y"] == [12, 16, 2]
    assert markers["x"][1:] == [days_ago(20).isoformat(), days_ago(5).isoformat()]
    assert len(figure["layout"]["shapes"]) == 4  # one zone per default band


def test_chart_points_come_from_reviews_and_assessments_not_twice(client, pm, risk):
    client.force_login(pm)
    client.post(url(risk), post_data(risk, reviewed_on=days_ago(2).isoformat()))
    html = render_partial(risk.reference, pm)
    figure = json.loads(
        re.search(r'<script id="risk-trend-\d+-data"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    # The review's save is in the history too, but shows once: on the review's date.
    assert figure["data"][1]["y"] == [12, 6]
    assert figure["data"][1]["x"][1] == days_ago(2).isoformat()


def test_readers_see_no_review_button(executive, risk):
    html = render_partial(risk.reference, executive, can_update=False)
    assert 'data-testid="record-review-button"' not in html
    assert 'data-testid="no-reviews"' in html


def test_unassessed_risk_has_no_chart_yet(pm, project):
    risk = RiskFactory(
        project=project,
        owner=pm,
        status="identified",
        inherent_probability=None,
        inherent_impact=None,
    )
    html = render_partial(risk.reference, pm)
    assert 'data-testid="risk-trend-empty"' in html


def test_partial_costs_one_query_whatever_the_reviews(pm, risk):
    for n in range(30):
        ReviewFactory(risk=risk, reviewed_on=days_ago(35 - n))
    risk = get_risk_detail(pm, risk.reference)
    matrix = load_matrix()
    with CaptureQueriesContext(connection) as queries:
        render_to_string(
            "risks/detail/_reviews.html",
            {"risk": risk, "matrix": matrix, "can_update": True, "can_manage": True},
        )
    assert len(queries) == 1  # the risk's history for the chart


def test_detail_page_shows_the_reviews(client, pm, risk):
    ReviewFactory(risk=risk, reviewed_on=days_ago(1), comment="Checked with the vendor")
    client.force_login(pm)
    body = client.get(reverse("risks:risk_detail", kwargs={"ref": risk.reference})).content.decode()
    assert 'data-testid="risk-reviews"' in body and "Checked with the vendor" in body

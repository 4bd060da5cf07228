"""Recording a review: who may, what is refused, the cadence it sets, the history it keeps."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.locking import StaleObjectError
from risks import scoring
from risks.models import Risk, RiskAppetite, RiskReview, RiskStatus, ScoreBand
from risks.registers import Register
from risks.selectors.matrix import load_matrix
from risks.selectors.monitoring import reviews_due, reviews_due_counts
from risks.services.reviews import risk_review_record
from tests.risks.factories import RiskFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def days_ago(n):
    return today() - datetime.timedelta(days=n)


@pytest.fixture
def risk(project, pm):
    risk = RiskFactory(project=project, owner=pm)
    # Added a month ago, so that reviews may be dated in the past.
    Risk.objects.filter(pk=risk.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    return Risk.objects.select_related("project").get(pk=risk.pk)


def review(risk, by, **overrides):
    values = {
        "reviewed_on": today(),
        "probability": 2,
        "impact": 3,
        "status": RiskStatus.MONITORING,
        "comment": "Vendor delivered the sandbox; integration tests pass.",
        "expected_version": risk.version,
    }
    values.update(overrides)
    return risk_review_record(risk=risk, by=by, **values)


def reload(risk):
    return Risk.objects.get(pk=risk.pk)


# --- The happy path: the review is kept, the risk moves ----------------------------------
def test_review_is_recorded_and_the_risk_takes_the_new_assessment(risk, pm):
    result = review(risk, pm, probability=2, impact=3)
    assert result.score == 6 and result.band == "medium"
    assert result.reviewed_by == pm and result.status == RiskStatus.MONITORING
    risk = reload(risk)
    assert (risk.residual_probability, risk.residual_impact) == (2, 3)
    assert (risk.inherent_probability, risk.inherent_impact) == (3, 4)  # unchanged
    assert risk.current_score == 6
    assert risk.status == RiskStatus.MONITORING
    assert risk.last_reviewed_on == today()
    assert risk.version == 2


def test_every_review_keeps_its_row_and_a_history_entry_with_the_comment(risk, pm):
    review(risk, pm, probability=2, impact=3, comment="First look: sandbox works.")
    risk = reload(risk)
    review(risk, pm, probability=1, impact=3, comment="Contract signed; probability down.")
    risk = reload(risk)
    review(risk, pm, probability=4, impact=4, comment="Vendor lost key staff.")
    reviews = list(RiskReview.objects.filter(risk=risk).order_by("pk"))
    assert [(r.score, r.band) for r in reviews] == [(6, "medium"), (3, "low"), (16, "critical")]
    reasons = list(
        reload(risk)
        .history.order_by("history_date")
        .values_list("history_change_reason", "current_score", "history_user")
    )
    assert reasons[1:] == [
        ("First look: sandbox works.", 6, pm.pk),
        ("Contract signed; probability down.", 3, pm.pk),
        ("Vendor lost key staff.", 16, pm.pk),
    ]


def test_a_review_of_an_unassessed_risk_is_its_first_assessment(project, pm):
    risk = RiskFactory(
        project=project,
        owner=pm,
        status="identified",
        inherent_probability=None,
        inherent_impact=None,
    )
    review(risk, pm, probability=3, impact=3, status=RiskStatus.ASSESSED)
    risk = reload(risk)
    assert (risk.inherent_probability, risk.residual_probability) == (3, 3)
    assert risk.current_score == 9 and risk.status == RiskStatus.ASSESSED


def test_closing_through_a_review_sets_the_closure(risk, pm):
    review(risk, pm, reviewed_on=days_ago(2), status=RiskStatus.CLOSED, comment="Go-live passed.")
    risk = reload(risk)
    assert risk.status == RiskStatus.CLOSED
    assert risk.closed_on == days_ago(2)
    assert risk.closure_reason == "Go-live passed."
    assert risk.next_review_on is None  # nothing to review any more


# --- Cadence and "due for review" --------------------------------------------------------
@pytest.mark.parametrize(
    ("p", "i", "band", "days"),
    [(4, 4, "critical", 7), (3, 4, "high", 14), (2, 3, "medium", 30), (1, 2, "low", 90)],
)
def test_next_review_follows_the_default_band_cadence(risk, pm, p, i, band, days):
    result = review(risk, pm, reviewed_on=days_ago(3), probability=p, impact=i)
    assert result.band == band
    assert reload(risk).next_review_on == days_ago(3) + datetime.timedelta(days=days)


def test_due_for_review_with_the_default_bands(project, pm):
    register = Register("project", project)
    overdue = RiskFactory(project=project, owner=pm)
    soon = RiskFactory(project=project, owner=pm)
    later = RiskFactory(project=project, owner=pm)
    for r in (overdue, soon, later):
        Risk.objects.filter(pk=r.pk).update(created_at=timezone.now() - datetime.timedelta(days=60))
    # Critical, reviewed 9 days ago: due 2 days ago. High, reviewed 4 days ago: due in 10.
    review(reload(overdue), pm, reviewed_on=days_ago(9), probability=4, impact=5)
    review(reload(soon), pm, reviewed_on=days_ago(4), probability=3, impact=4)
    # Medium, reviewed yesterday: due in 29 days, outside the two-week window.
    review(reload(later), pm, reviewed_on=days_ago(1), probability=2, impact=4)
    assert reload(overdue).next_review_on == days_ago(2)
    assert scoring.is_due_for_review(reload(overdue).next_review_on, today())
    assert not scoring.is_due_for_review(reload(soon).next_review_on, today())
    assert list(reviews_due(register, today())) == [reload(overdue), reload(soon)]
    counts = reviews_due_counts(register, today())
    assert counts == {"overdue": 1, "due_soon": 1, "open": 3}


def test_cadence_of_a_custom_band_set(risk, pm):
    ScoreBand.objects.all().delete()
    ScoreBand.objects.create(
        code="watch",
        label="Watch",
        min_score=1,
        max_score=12,
        colour="#6c757d",
        review_every_days=45,
    )
    ScoreBand.objects.create(
        code="act",
        label="Act now",
        min_score=13,
        max_score=25,
        colour="#000000",
        review_every_days=3,
    )
    result = review(risk, pm, reviewed_on=days_ago(5), probability=4, impact=4)
    assert result.band == "act"
    assert reload(risk).next_review_on == days_ago(2)
    assert list(reviews_due(Register("project", risk.project), today())) == [reload(risk)]
    risk = reload(risk)
    result = review(risk, pm, probability=3, impact=4)
    assert result.band == "watch"
    assert reload(risk).next_review_on == today() + datetime.timedelta(days=45)
    assert load_matrix().band_for(12).code == "watch"


def test_review_above_appetite_escalates_and_below_lifts_it(risk, pm, pmo_staff, portfolio):
    RiskAppetite.objects.create(portfolio=portfolio, max_score=12)
    review(risk, pm, probability=4, impact=4)
    risk = reload(risk)
    assert risk.escalated_to == pmo_staff  # the portfolio's owner: the project has no program
    review(risk, pm, probability=2, impact=4)
    assert reload(risk).escalated_to is None


# --- Who may review ----------------------------------------------------------------------
def test_member_who_does_not_own_the_risk_is_refused(risk, member):
    with pytest.raises(PermissionDenied):
        review(risk, member)
    assert not RiskReview.objects.exists()


def test_member_may_review_the_risk_they_own(project, member):
    risk = RiskFactory(project=project, owner=member)
    result = review(risk, member)
    assert result.reviewed_by == member


@pytest.mark.parametrize("persona", ["executive", "other_pm", "resource_manager", "outsider"])
def test_readers_and_strangers_are_refused(risk, persona, request):
    with pytest.raises(PermissionDenied):
        review(risk, request.getfixturevalue(persona))


def test_register_manager_may_review_a_risk_someone_else_owns(project, member, pmo_staff, pm):
    risk = RiskFactory(project=project, owner=member)
    assert review(risk, pm).reviewed_by == pm
    assert review(reload(risk), pmo_staff).reviewed_by == pmo_staff


# --- What is refused ---------------------------------------------------------------------
def assert_refused(field, call):
    with pytest.raises(ValidationError) as info:
        call()
    assert field in info.value.message_dict, info.value.message_dict
    assert not RiskReview.objects.exists()
    return info.value.message_dict[field][0]


def test_future_date_is_refused_with_todays_date(risk, pm):
    tomorrow = today() + datetime.timedelta(days=1)
    message = assert_refused("reviewed_on", lambda: review(risk, pm, reviewed_on=tomorrow))
    assert today().isoformat() in message
    assert reload(risk).version == 1


def test_date_before_the_risk_was_added_is_refused(risk, pm):
    message = assert_refused("reviewed_on", lambda: review(risk, pm, reviewed_on=days_ago(31)))
    assert "before the risk was added" in message


def test_date_before_the_last_review_is_refused(risk, pm):
    review(risk, pm, reviewed_on=days_ago(5))
    risk = reload(risk)
    RiskReview.objects.all().delete()  # the risk's own date still counts
    message = assert_refused("reviewed_on", lambda: review(risk, pm, reviewed_on=days_ago(6)))
    assert days_ago(5).isoformat() in message
    review(risk, pm, reviewed_on=days_ago(5))  # the same day is fine


def test_status_occurred_is_refused_with_a_pointer(risk, pm):
    message = assert_refused("status", lambda: review(risk, pm, status=RiskStatus.OCCURRED))
    assert "Record that it occurred" in message


@pytest.mark.parametrize("status", ["proposed", "rejected", "bogus"])
def test_other_statuses_are_refused(risk, pm, status):
    assert_refused("status", lambda: review(risk, pm, status=status))


def test_responding_needs_a_strategy(risk, pm):
    assert_refused("status", lambda: review(risk, pm, status=RiskStatus.RESPONDING))
    risk.strategy = "mitigate"
    risk.save()
    assert review(reload(risk), pm, status=RiskStatus.RESPONDING).status == "responding"


@pytest.mark.parametrize(("field", "value"), [("probability", 6), ("impact", 0), ("impact", None)])
def test_levels_off_the_matrix_are_refused(risk, pm, field, value):
    assert_refused(field, lambda: review(risk, pm, **{field: value}))


@pytest.mark.parametrize("comment", ["", "   "])
def test_comment_is_required(risk, pm, comment):
    assert_refused("comment", lambda: review(risk, pm, comment=comment))


@pytest.mark.parametrize("status", ["closed", "rejected", "proposed"])
def test_closed_rejected_and_proposed_risks_cannot_be_reviewed(project, pm, status):
    risk = RiskFactory(project=project, owner=pm, status=status)
    with pytest.raises(ValidationError) as info:
        review(risk, pm)
    assert risk.reference in info.value.messages[0]
    assert not RiskReview.objects.exists()


def test_closed_projects_register_is_read_only(risk, pm, project):
    project.status = "closed"
    project.save()
    with pytest.raises(ValidationError):
        review(reload(risk), pm)


def test_stale_review_saves_nothing(risk, pm):
    Risk.objects.filter(pk=risk.pk).update(version=2)
    with pytest.raises(StaleObjectError):
        review(risk, pm, expected_version=1)
    assert not RiskReview.objects.exists()
    assert reload(risk).residual_probability is None

"""Triage of proposed risks: accept with an owner and a category, or reject with a reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.locking import StaleObjectError
from risks.models import Risk, RiskAppetite, RiskCategory, RiskStatus
from risks.services.triage import risk_accept, risk_reject
from tests.risks.factories import RiskCategoryFactory, RiskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(db):
    return RiskCategory.objects.filter(is_active=True).first()


@pytest.fixture
def proposed(project, member):
    return RiskFactory(
        project=project,
        status=RiskStatus.PROPOSED,
        owner=None,
        inherent_probability=None,
        inherent_impact=None,
        created_by=member,
    )


def accept(risk, by, **kwargs):
    return risk_accept(risk=risk, by=by, expected_version=risk.version, **kwargs)


def test_accept_without_assessment_makes_it_identified(proposed, pm, member, category):
    risk = accept(proposed, pm, owner=member, category=category)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.IDENTIFIED
    assert risk.owner == member
    assert risk.category == category
    assert risk.next_review_on is None  # not scored: no band cadence yet
    entry = risk.history.order_by("-history_date").first()
    assert entry.history_user == pm
    assert entry.history_change_reason == "Accepted in triage"


def test_accept_with_p_and_i_assesses_and_applies_the_rules(proposed, pm, category, project):
    RiskAppetite.objects.create(portfolio=project.portfolio, max_score=9)
    risk = accept(proposed, pm, owner=pm, category=category, probability=4, impact=5)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.ASSESSED
    assert risk.current_score == 20
    assert risk.next_review_on is not None
    assert risk.escalated_to == project.portfolio.owner  # above the appetite of 9


def test_accept_without_owner_is_refused(proposed, pm, category):
    with pytest.raises(ValidationError) as info:
        accept(proposed, pm, owner=None, category=category)
    assert "owner" in info.value.message_dict
    assert Risk.objects.get(pk=proposed.pk).status == RiskStatus.PROPOSED


def test_accept_with_an_owner_outside_the_team_is_refused(proposed, pm, outsider, category):
    with pytest.raises(ValidationError) as info:
        accept(proposed, pm, owner=outsider, category=category)
    assert "owner" in info.value.message_dict
    assert Risk.objects.get(pk=proposed.pk).owner is None


def test_accept_needs_a_category_in_use(proposed, pm):
    with pytest.raises(ValidationError) as info:
        accept(proposed, pm, owner=pm, category=None)
    assert "category" in info.value.message_dict
    retired = RiskCategoryFactory(is_active=False)
    with pytest.raises(ValidationError) as info:
        accept(proposed, pm, owner=pm, category=retired)
    assert "no longer in use" in info.value.message_dict["category"][0]


def test_probability_without_impact_is_refused(proposed, pm, category):
    with pytest.raises(ValidationError) as info:
        accept(proposed, pm, owner=pm, category=category, probability=3)
    assert "impact" in info.value.message_dict


def test_reject_keeps_the_reason_in_the_risk_and_its_history(proposed, pm):
    risk = risk_reject(risk=proposed, by=pm, reason="duplicate of PRJ-0042-R03", expected_version=1)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.REJECTED
    assert risk.closure_reason == "duplicate of PRJ-0042-R03"
    assert risk.closed_on == timezone.localdate()
    entry = risk.history.order_by("-history_date").first()
    assert entry.history_change_reason == "Rejected in triage: duplicate of PRJ-0042-R03"


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_without_reason_is_refused(proposed, pm, reason):
    with pytest.raises(ValidationError) as info:
        risk_reject(risk=proposed, by=pm, reason=reason, expected_version=1)
    assert "reason" in info.value.message_dict
    assert Risk.objects.get(pk=proposed.pk).status == RiskStatus.PROPOSED


def test_only_proposed_risks_are_triaged(project, pm, category):
    assessed = RiskFactory(project=project)
    with pytest.raises(ValidationError, match="only proposed risks"):
        accept(assessed, pm, owner=pm, category=category)
    with pytest.raises(ValidationError, match="is assessed, not proposed"):
        risk_reject(risk=assessed, by=pm, reason="dup", expected_version=assessed.version)


def test_stale_accept_is_refused(proposed, pm, category):
    Risk.objects.filter(pk=proposed.pk).update(version=2, title="Renamed meanwhile")
    with pytest.raises(StaleObjectError):
        risk_accept(risk=proposed, by=pm, owner=pm, category=category, expected_version=1)
    assert Risk.objects.get(pk=proposed.pk).status == RiskStatus.PROPOSED


@pytest.mark.parametrize(
    "persona", ["member", "executive", "other_pm", "resource_manager", "outsider"]
)
def test_only_managers_triage(proposed, persona, request, category, pm):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        accept(proposed, user, owner=pm, category=category)
    with pytest.raises(PermissionDenied):
        risk_reject(risk=proposed, by=user, reason="no", expected_version=1)


def test_pmo_staff_triage_any_register(proposed, pmo_staff, pm, category):
    assert accept(proposed, pmo_staff, owner=pm, category=category).status == "identified"

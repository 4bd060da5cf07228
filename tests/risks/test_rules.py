"""The rules applied after each write: first-review anchor and escalation lifting."""

import datetime

import pytest

from risks.models import RiskAppetite
from risks.registers import Register
from risks.selectors.matrix import load_matrix
from risks.services import rules
from risks.services.risks import risk_create

pytestmark = pytest.mark.django_db


def _medium_risk(project, pm):
    # P2 x I3 = 6: "medium", reviewed every 30 days with the default bands.
    return risk_create(
        register=Register("project", project),
        by=pm,
        data={"title": "Late vendor", "inherent_probability": 2, "inherent_impact": 3},
    )


def test_editing_an_unreviewed_risk_keeps_its_first_review_date(project, pm):
    risk = _medium_risk(project, pm)
    first_due = risk.next_review_on
    later = first_due - datetime.timedelta(days=5)
    assert rules.apply_rules(risk, matrix=load_matrix(), today=later) == set()
    assert risk.next_review_on == first_due


def test_a_new_band_reschedules_from_the_same_anchor(project, pm):
    risk = _medium_risk(project, pm)
    anchor = risk.next_review_on - datetime.timedelta(days=30)
    risk.inherent_probability, risk.inherent_impact = 4, 5  # 20: critical, every 7 days
    changed = rules.apply_rules(risk, matrix=load_matrix(), today=anchor.replace(year=2099))
    assert "next_review_on" in changed
    assert risk.next_review_on == anchor + datetime.timedelta(days=7)


def test_a_reviewed_risk_counts_from_its_last_review(project, pm):
    risk = _medium_risk(project, pm)
    risk.last_reviewed_on = datetime.date(2026, 3, 1)
    rules.apply_rules(risk, matrix=load_matrix())
    assert risk.next_review_on == datetime.date(2026, 3, 31)


def test_escalation_is_lifted_when_the_score_falls_within_appetite(project, pm):
    RiskAppetite.objects.create(portfolio=project.portfolio, max_score=9)
    risk = risk_create(
        register=Register("project", project),
        by=pm,
        data={"title": "Data loss", "inherent_probability": 4, "inherent_impact": 4},
    )
    assert risk.escalated_to == project.portfolio.owner
    risk.residual_probability, risk.residual_impact = 2, 2
    changed = rules.apply_rules(risk, matrix=load_matrix())
    assert {"escalated_to", "escalated_at"} <= changed
    assert risk.escalated_to is None

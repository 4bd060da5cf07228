"""Database rules of the risk models: stored scores, constraints, references."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from risks.models import MatrixLevel, Risk, ScoreBand
from tests.risks.factories import ActionFactory, IssueFactory, RiskFactory

pytestmark = pytest.mark.django_db


def test_default_matrix_is_seeded_five_by_five_with_bands_covering_every_score():
    assert MatrixLevel.objects.filter(axis="probability").count() == 5
    assert MatrixLevel.objects.filter(axis="impact").count() == 5
    covered = set()
    for band in ScoreBand.objects.all():
        covered |= set(range(band.min_score, band.max_score + 1))
    assert covered == set(range(1, 26))


def test_scores_are_stored_from_the_levels(project):
    risk = RiskFactory(project=project, inherent_probability=3, inherent_impact=4)
    assert (risk.inherent_score, risk.residual_score, risk.current_score) == (12, None, 12)
    risk.residual_probability, risk.residual_impact = 2, 2
    risk.save(update_fields=["residual_probability", "residual_impact"])
    risk.refresh_from_db()
    assert (risk.residual_score, risk.current_score) == (4, 4)


def test_references_are_numbered_per_register(project, other_project):
    first = RiskFactory(project=project)
    second = RiskFactory(project=project)
    other = RiskFactory(project=other_project)
    issue = IssueFactory(project=project)
    assert [first.reference, second.reference] == ["PRJ-0042-R01", "PRJ-0042-R02"]
    assert other.reference == "PRJ-0043-R01"
    assert issue.reference == "PRJ-0042-I01"


def test_database_refuses_levels_outside_the_matrix(project):
    risk = RiskFactory(project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.filter(pk=risk.pk).update(inherent_probability=6)


def test_database_refuses_a_risk_in_two_registers(project):
    risk = RiskFactory(project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        Risk.objects.filter(pk=risk.pk).update(portfolio=project.portfolio)


def test_half_an_assessment_is_refused(project):
    risk = RiskFactory.build(project=project, inherent_probability=3, inherent_impact=None)
    with pytest.raises(ValidationError) as info:
        risk.clean()
    assert "inherent_impact" in info.value.message_dict


def test_strategy_must_suit_the_kind(project):
    risk = RiskFactory.build(project=project, kind="opportunity", strategy="mitigate")
    with pytest.raises(ValidationError) as info:
        risk.clean()
    assert "strategy" in info.value.message_dict


def test_an_action_belongs_to_a_risk_or_an_issue_not_both(project):
    action = ActionFactory(risk=RiskFactory(project=project))
    with pytest.raises(IntegrityError), transaction.atomic():
        type(action).objects.filter(pk=action.pk).update(issue=IssueFactory(project=project))

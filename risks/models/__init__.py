"""Risk registers: the matrix, risks and their responses, sessions, reviews and issues."""

from risks.models.issues import Issue, IssueSeverity, IssueStatus
from risks.models.matrix import Axis, MatrixLevel, RiskAppetite, RiskCategory, ScoreBand
from risks.models.reviews import RiskReview
from risks.models.risk import (
    Action,
    ActionStatus,
    Risk,
    RiskKind,
    RiskStatus,
    Strategy,
)
from risks.models.sessions import IdentificationMethod, IdentificationSession

__all__ = [
    "Action",
    "ActionStatus",
    "Axis",
    "IdentificationMethod",
    "IdentificationSession",
    "Issue",
    "IssueSeverity",
    "IssueStatus",
    "MatrixLevel",
    "Risk",
    "RiskAppetite",
    "RiskCategory",
    "RiskKind",
    "RiskReview",
    "RiskStatus",
    "ScoreBand",
    "Strategy",
]

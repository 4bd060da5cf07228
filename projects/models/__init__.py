"""Projects' tables, one module per planning area; import them from here."""

from projects.models.budget import BudgetEntry, BudgetLine, CostCategory
from projects.models.charter import Charter, CharterRevision, SmartObjective
from projects.models.core import (
    Health,
    Portfolio,
    Priority,
    Program,
    Project,
    ProjectMembership,
    ProjectQuerySet,
    ProjectRole,
    Stage,
    Status,
    code_validator,
)
from projects.models.gates import GateCriterion, GateDecision, GateReview, GateReviewItem
from projects.models.methodology import MethodDocument
from projects.models.milestones import Baseline, Milestone, MilestoneStatus, milestone_status
from projects.models.reports import StatusReport
from projects.models.schedule import Dependency, DependencyType, Holiday, Task, WorkCalendar
from projects.models.scope import ChangeRequest, Deliverable, MoSCoW, ScopeItem

__all__ = [
    "Baseline",
    "BudgetEntry",
    "BudgetLine",
    "ChangeRequest",
    "Charter",
    "CharterRevision",
    "CostCategory",
    "Deliverable",
    "Dependency",
    "DependencyType",
    "GateCriterion",
    "GateDecision",
    "GateReview",
    "GateReviewItem",
    "Health",
    "Holiday",
    "MethodDocument",
    "Milestone",
    "MilestoneStatus",
    "MoSCoW",
    "Portfolio",
    "Priority",
    "Program",
    "Project",
    "ProjectMembership",
    "ProjectQuerySet",
    "ProjectRole",
    "ScopeItem",
    "SmartObjective",
    "Stage",
    "Status",
    "StatusReport",
    "Task",
    "WorkCalendar",
    "code_validator",
    "milestone_status",
]

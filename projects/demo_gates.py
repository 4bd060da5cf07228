"""Default stage-gate checklists and demo gate reviews (called from ``projects.demo``).

``DEFAULT_CRITERIA`` is the PMO's starting checklist for each gate; ``create_default_criteria``
writes it on a fresh install (it is shaped for a data migration's ``RunPython``) and leaves
the table alone once PMO staff have any criteria. Closing is the last stage: no gate follows
it, so it has no checklist (its work is the post-project review).

The demo reviews give each curated project the history of the gates it passed to reach its
current stage: decided GO by its sponsor, every line met with evidence. A few tell a story:
the ERP rollout was held once at the planning gate, the marketing CRM was stopped at the
initiation gate, and two projects have a review in progress. Reviews are written directly
(not through ``gate_review_decide``) because the projects already stand in their stage.
"""

import datetime

from django.utils import timezone

from pmo.core.demo import DemoContext
from pmo.core.locking import create_versioned
from projects.models import (
    GateCriterion,
    GateDecision,
    GateReview,
    GateReviewItem,
    Project,
    Stage,
    Status,
)
from projects.services.gates import STAGE_ORDER

# Stage being left -> [(criterion, evidence expected, demo evidence)]. The demo evidence may
# use {code}, {sponsor}, {pm} and {date}.
DEFAULT_CRITERIA = {
    Stage.INITIATION: [
        (
            "Project charter approved by the sponsor",
            "The approved charter revision, with the sponsor's name and approval date.",
            "Charter revision approved by {sponsor} on {date}; see the Charter tab.",
        ),
        (
            "Sponsor and project manager named and accepted",
            "Both appear on the project page and confirmed the role in writing.",
            "{sponsor} (sponsor) and {pm} (project manager) confirmed at the kick-off.",
        ),
        (
            "Business case reviewed by the PMO",
            "PMO review notes on costs, benefits, strategic fit and alternatives.",
            "PMO review minutes {date}: benefits and cost estimate accepted.",
        ),
        (
            "SMART objectives defined",
            "Each objective has a metric with baseline and target, an owner and a due date.",
            "Objectives in the charter carry metric, baseline, target, owner and date.",
        ),
        (
            "Key stakeholders and high-level risks identified",
            "Stakeholder list with interests; first risks and assumptions written down.",
            "Stakeholder map and initial risk list attached to the charter.",
        ),
    ],
    Stage.PLANNING: [
        (
            "Baseline schedule approved",
            "A saved baseline with milestones; the critical path has been reviewed.",
            "Baseline 'Plan baseline' saved {date}; critical path walked through with the team.",
        ),
        (
            "Budget approved (personnel, materials, equipment)",
            "Budget lines by category with monthly amounts, approved by the sponsor or finance.",
            "Budget approved by {sponsor} on {date}, contingency included.",
        ),
        (
            "Scope and deliverables agreed with acceptance criteria",
            "In/out-of-scope list and each deliverable's acceptance criteria and owner.",
            "Scope statement and deliverables list signed off by the business owner.",
        ),
        (
            "Risk register started with owners and responses",
            "Top risks scored for probability and impact, each with an owner and a response.",
            "Risk register reviewed at the planning workshop; every high risk has an owner.",
        ),
        (
            "Responsibilities agreed (RACI)",
            "Everyone knows their tasks: a RACI or task assignment the team has seen.",
            "RACI shared with the team and confirmed by the team leads on {date}.",
        ),
        (
            "Resources confirmed",
            "Resource managers confirmed the people and equipment the plan needs.",
            "Resource requests approved by the resource manager.",
        ),
        (
            "Communication plan agreed",
            "Who gets which report, how often, through which channel.",
            "Weekly status report and monthly steering committee agreed with {sponsor}.",
        ),
    ],
    Stage.EXECUTION: [
        (
            "Planned deliverables completed and submitted for acceptance",
            "Each deliverable of this stage is done and in its owner's hands for acceptance.",
            "All stage deliverables handed over for acceptance by {date}.",
        ),
        (
            "Quality checks passed on the delivered work",
            "Test reports or review records for the delivered work; no open critical defects.",
            "Test summary report: no open critical defects.",
        ),
        (
            "Open change requests decided",
            "No change request is waiting for a decision.",
            "Change log reviewed: every request decided.",
        ),
        (
            "Cost and schedule variances within tolerance or explained",
            "Latest status report: variances inside tolerance or with an approved recovery plan.",
            "Status report of {date}: variances within tolerance.",
        ),
    ],
    Stage.MONITORING: [
        (
            "All deliverables accepted by their owners",
            "Acceptance recorded for each deliverable, with who accepted it and when.",
            "Every deliverable shows 'accepted' with its owner's sign-off.",
        ),
        (
            "Results measured against the objectives",
            "KPI measurements compared with the SMART objectives' targets.",
            "KPI review {date}: objectives' targets met or explained.",
        ),
        (
            "Handover to operations agreed",
            "Support model, runbooks and training handed to the operations team.",
            "Operations accepted the handover at the service review on {date}.",
        ),
        (
            "No open critical risks or issues",
            "Risk and issue registers show nothing critical left open.",
            "Risk register closed out; remaining items transferred to operations.",
        ),
        (
            "Final costs reconciled with finance",
            "Actuals agreed with finance; open commitments listed.",
            "Finance confirmed the final actuals on {date}.",
        ),
    ],
}


def create_default_criteria(apps=None, schema_editor=None, *, by=None) -> int:
    """Write the default checklists if there are no criteria at all; returns how many.

    Usable as ``migrations.RunPython(create_default_criteria, migrations.RunPython.noop)``
    (with the migration's ``apps``) and from the demo (with ``by`` for the history).
    """
    model = apps.get_model("projects", "GateCriterion") if apps is not None else GateCriterion
    if model.objects.exists():
        return 0
    created = 0
    for stage, lines in DEFAULT_CRITERIA.items():
        for position, (text, guidance, _demo_evidence) in enumerate(lines, start=1):
            criterion = model(
                stage=str(stage), text=text, guidance=guidance, position=position, created_by=by
            )
            if apps is None:
                criterion._history_user = by
            criterion.save()
            created += 1
    return created


# --- Demo reviews --------------------------------------------------------------------------
# Project name -> how its gate history differs from "GO at every gate it passed".
HELD_ONCE = {"ERP finance module rollout": Stage.PLANNING}
STOPPED_AT = {"Marketing CRM consolidation": Stage.INITIATION}
IN_PROGRESS = {"Self-service BI dashboards", "Mobile field-service app"}

HOLD_NOTES = (
    "Held: the budget did not yet include the data-migration contractor and the resource "
    "manager had not confirmed the two ledger specialists. Come back in three weeks."
)
STOP_NOTES = (
    "Stopped: the customer portal relaunch covers the same requirements; the business "
    "analyst's findings move to that project's backlog."
)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _evidence(template: str, project: Project, day: datetime.date) -> str:
    return template.format(
        code=project.code,
        sponsor=project.sponsor or "the sponsor",
        pm=project.project_manager,
        date=day.isoformat(),
    )


def _backdate(review: GateReview, opened: datetime.date, recorded: datetime.date) -> None:
    """Put the review (and its history) on the days it happened, not the day of the seeding."""
    when = _at(opened, 9)
    GateReview.objects.filter(pk=review.pk).update(created_at=when, updated_at=when)
    GateReview.history.filter(id=review.pk, history_type="+").update(history_date=when)
    items = GateReviewItem.history.filter(review_id=review.pk)
    items.filter(history_type="+").update(history_date=when)
    items.filter(history_type="~").update(history_date=_at(recorded, 11))


def _review(
    ctx: DemoContext,
    project: Project,
    from_stage: str,
    criteria: dict,
    *,
    opened: datetime.date,
    decision: str = "",
    decided: datetime.date | None = None,
    notes: str = "",
    unmet: int = 0,
    recorded: int | None = None,
) -> GateReview:
    """One review of the gate leaving ``from_stage``.

    ``unmet`` lines (the last ones) are recorded as not met; with ``recorded`` only the first
    lines are assessed at all (a review in progress).
    """
    pm = project.project_manager
    sponsor = project.sponsor or ctx.users["pmo"][0]
    to_stage = STAGE_ORDER[STAGE_ORDER.index(from_stage) + 1]
    review = GateReview(project=project, from_stage=from_stage, to_stage=to_stage)
    create_versioned(instance=review, by=pm, reason="Gate review opened")
    lines = criteria[from_stage]
    recorded_on = opened + datetime.timedelta(days=1)
    for index, criterion in enumerate(lines):
        item = GateReviewItem(review=review, criterion=criterion, text=criterion.text)
        item._history_user = pm
        item.save()
        if recorded is not None and index >= recorded:
            continue
        met = index < (len(lines) if recorded is None else recorded) - unmet
        item.met = met
        item.evidence = (
            _evidence(_demo_evidence(criterion), project, recorded_on)
            if met
            else "Not ready: still in review with the team."
        )
        item._history_user = pm
        item.save()
    if decision:
        when = _at(decided, 15)
        review.decision = decision
        review.notes = notes
        review.decided_by = sponsor
        review.decided_at = when
        review.version += 1
        review._history_user = sponsor
        review._change_reason = f"Gate decision: {GateDecision(decision).label}"
        review.save()
        GateReview.history.filter(id=review.pk, history_type="~").update(history_date=when)
    # After the last save, which writes the in-memory creation time back.
    _backdate(review, opened, recorded_on)
    if decision:
        GateReview.objects.filter(pk=review.pk).update(updated_at=_at(decided, 15))
    ctx.count("projects.GateReview", created=1)
    return review


def _demo_evidence(criterion: GateCriterion) -> str:
    for lines in DEFAULT_CRITERIA.values():
        for text, _guidance, evidence in lines:
            if text == criterion.text:
                return evidence
    return "Reviewed with the sponsor on {date}."


def seed(ctx: DemoContext, projects: list) -> None:
    pmo_user = ctx.users["pmo"][0]
    created = create_default_criteria(by=pmo_user)
    ctx.count("projects.GateCriterion", created=created, existing=0 if created else 1)
    criteria: dict[str, list] = {}
    for criterion in GateCriterion.objects.filter(is_active=True).order_by("position", "pk"):
        criteria.setdefault(criterion.stage, []).append(criterion)
    for project in projects:
        if project.gate_reviews.exists():
            ctx.count("projects.GateReview", existing=project.gate_reviews.count())
            continue
        _seed_project(ctx, project, criteria)


def _seed_project(ctx: DemoContext, project: Project, criteria: dict) -> None:
    rng = ctx.random("projects.gates", project.code)
    today = ctx.today
    stage_index = STAGE_ORDER.index(project.stage)
    passed = [s for s in STAGE_ORDER[:stage_index] if s in criteria]
    start = min(project.planned_start, today - datetime.timedelta(days=7))
    end = today - datetime.timedelta(days=2)
    if project.status == Status.CLOSED:
        end = min(end, project.planned_finish)
    span = max((end - start).days, len(passed) + 2)
    for number, stage in enumerate(passed, start=1):
        decided = start + datetime.timedelta(days=span * number // (len(passed) + 1))
        opened = decided - datetime.timedelta(days=rng.randint(3, 9))
        if HELD_ONCE.get(project.name) == stage:
            held = opened - datetime.timedelta(days=21)
            _review(
                ctx,
                project,
                stage,
                criteria,
                opened=held - datetime.timedelta(days=4),
                decision=GateDecision.HOLD,
                decided=held,
                notes=HOLD_NOTES,
                unmet=2,
            )
        _review(
            ctx,
            project,
            stage,
            criteria,
            opened=opened,
            decision=GateDecision.GO,
            decided=decided,
            notes=rng.choice(
                [
                    "All criteria met. Go.",
                    "Good preparation; go, and keep the sponsor updated weekly.",
                    "Go. Watch the vendor dependency flagged in the risk register.",
                ]
            ),
        )
    if STOPPED_AT.get(project.name) == project.stage and project.stage in criteria:
        _review(
            ctx,
            project,
            project.stage,
            criteria,
            opened=end - datetime.timedelta(days=6),
            decision=GateDecision.STOP,
            decided=end,
            notes=STOP_NOTES,
            unmet=1,
        )
    elif project.name in IN_PROGRESS and not project.is_closed and project.stage in criteria:
        _review(
            ctx,
            project,
            project.stage,
            criteria,
            opened=today - datetime.timedelta(days=3),
            unmet=1,
            recorded=max(2, len(criteria[project.stage]) - 2),
        )

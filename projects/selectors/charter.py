"""Reads for the charter pages: the charter, its objectives, approved revisions, differences."""

import difflib
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from pmo.core.history import (
    KIND_LABELS,
    HistoryEntry,
    diff_records,
    related_names,
)
from projects.models import Charter, CharterRevision, Project, SmartObjective

TEXT_SECTIONS = [
    ("business_case", _("Business case")),
    ("assumptions", _("Assumptions")),
    ("constraints", _("Constraints")),
    ("success_criteria", _("Success criteria")),
]
OBJECTIVE_LABELS = {
    "outcome": _("Specific outcome"),
    "metric": _("Measure"),
    "unit": _("Unit"),
    "baseline_value": _("Baseline value"),
    "target_value": _("Target value"),
    "achievability": _("Why it is achievable"),
    "relevance": _("Why it matters"),
    "owner": _("Owner"),
    "due_date": _("Due date"),
}


def plain_number(value) -> str:
    """60.00 -> "60", 3.10 -> "3.1", 42000 -> "42,000"; None -> ""."""
    if value in (None, ""):
        return ""
    return f"{Decimal(str(value)).normalize():,f}"


def with_shown_values(objectives) -> list:
    """Objectives (rows or frozen dicts) with their values ready to show."""
    shown = []
    for o in objectives:
        if isinstance(o, dict):
            o = {**o, "pk": o.get("id")}
            o["baseline_shown"] = plain_number(o.get("baseline_value"))
            o["target_shown"] = plain_number(o.get("target_value"))
        else:
            o.baseline_shown = plain_number(o.baseline_value)
            o.target_shown = plain_number(o.target_value)
        shown.append(o)
    return shown


def charter_of(project: Project) -> Charter | None:
    return Charter.objects.filter(project=project).first()


def objectives_of(project: Project):
    return (
        SmartObjective.objects.filter(project=project)
        .select_related("owner")
        .order_by("position", "pk")
    )


def revisions_of(charter: Charter | None):
    """Approved revisions, newest first, without their (large) snapshots."""
    if charter is None:
        return CharterRevision.objects.none()
    return (
        CharterRevision.objects.filter(charter=charter)
        .select_related("approved_by")
        .defer("snapshot")
        .order_by("-number")
    )


def revision_of(project: Project, number: int) -> CharterRevision | None:
    return (
        CharterRevision.objects.filter(charter__project=project, number=number)
        .select_related("approved_by", "charter")
        .first()
    )


def latest_revision(charter: Charter | None) -> CharterRevision | None:
    if charter is None:
        return None
    return CharterRevision.objects.filter(charter=charter).order_by("-number").first()


# --- History ------------------------------------------------------------------------------
# --- History of a whole area ---------------------------------------------------------------
@dataclass
class AreaHistoryEntry(HistoryEntry):
    subject: str = ""


def area_history(sources, limit: int = 30) -> list[AreaHistoryEntry]:
    """The newest ``limit`` changes across several tables, each diffed against the one before.

    ``sources`` lists ``(model, filters on its history table, label(record) -> str)``. The
    query count depends on the number of sources, not on the number of rows or changes:
    per source, one query for the window, one for the records before it and one per
    foreign-key target for readable names.
    """
    window = []
    for model, filters, label in sources:
        records = list(
            model.history.filter(**filters)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[:limit]
        )
        window.extend((model, label, record) for record in records)
    window.sort(key=lambda item: (item[2].history_date, item[2].history_id), reverse=True)
    window = window[:limit]
    previous = {}
    for model in {model for model, _label, _record in window}:
        changed = [r for m, _l, r in window if m is model and r.history_type == "~"]
        if not changed:
            continue
        ids = {r.id for r in changed}
        older = list(
            model.history.filter(
                id__in=ids, history_date__lte=max(r.history_date for r in changed)
            ).order_by("id", "history_date", "history_id")
        )
        names = related_names(model, older)
        for before, after in itertools.pairwise(older):
            if before.id == after.id:
                previous[(model, after.history_id)] = before
        previous[(model, "names")] = names
    entries = []
    for model, label, record in window:
        changes = []
        if record.history_type == "~":
            before = previous.get((model, record.history_id))
            if before is None:
                continue
            changes = diff_records(model, before, record, previous[(model, "names")])
            if not changes:
                continue
        entries.append(
            AreaHistoryEntry(
                when=record.history_date,
                who=record.history_user,
                kind=str(KIND_LABELS.get(record.history_type, record.history_type)),
                reason=record.history_change_reason or "",
                version=getattr(record, "version", None),
                changes=changes,
                subject=label(record),
            )
        )
    return entries


def charter_history(project: Project, charter: Charter | None, limit: int = 30):
    """Changes to the charter and its objectives, newest first."""
    sources = [
        (
            SmartObjective,
            {"project_id": project.pk},
            lambda r: _("Objective “%(o)s”") % {"o": r.outcome},
        )
    ]
    if charter is not None:
        sources.insert(0, (Charter, {"id": charter.pk}, lambda r: _("Charter")))
    return area_history(sources, limit=limit)


def last_return_comment(charter: Charter | None):
    """The newest history record where an approver returned the charter, if it is a draft."""
    if charter is None or charter.state != Charter.State.DRAFT:
        return None
    record = (
        charter.history.select_related("history_user")
        .order_by("-history_date", "-history_id")
        .only("history_change_reason", "history_user", "history_date", "state", "revision")
        .first()
    )
    if record is None or not (record.history_change_reason or "").strip():
        return None
    previous = record.prev_record
    if previous is None or previous.state != Charter.State.SUBMITTED:
        return None
    return record


# --- Draft against the last approved revision ----------------------------------------------
@dataclass
class TextDiff:
    label: str
    changed: bool
    lines: list[tuple[str, str]] = field(default_factory=list)  # ("+"|"-"|" ", text)


@dataclass
class ObjectiveDiff:
    kind: str  # "added" | "removed" | "changed"
    outcome: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # label, old, new


def _line_diff(old: str, new: str) -> list[tuple[str, str]]:
    lines = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        op, text = line[:1], line[2:]
        if op in ("+", "-", " "):
            lines.append((op, text))
    return lines


def _objective_as_dict(objective: SmartObjective) -> dict:
    return {
        "outcome": objective.outcome,
        "metric": objective.metric,
        "unit": objective.unit,
        "baseline_value": None
        if objective.baseline_value is None
        else str(objective.baseline_value),
        "target_value": str(objective.target_value),
        "achievability": objective.achievability,
        "relevance": objective.relevance,
        "owner": str(objective.owner),
        "due_date": objective.due_date.isoformat(),
    }


def _shown(value) -> str:
    return "—" if value in (None, "") else str(value)


def charter_diff(snapshot: dict, charter: Charter, objectives) -> dict:
    """What the current draft changes against an approved snapshot (pure: no queries)."""
    sections = []
    for name, label in TEXT_SECTIONS:
        old, new = snapshot.get(name, ""), getattr(charter, name)
        changed = old != new
        sections.append(TextDiff(str(label), changed, _line_diff(old, new) if changed else []))
    frozen = {o["id"]: o for o in snapshot.get("objectives", [])}
    current = {o.pk: o for o in objectives}
    objective_diffs = []
    for pk, objective in current.items():
        now = _objective_as_dict(objective)
        before = frozen.get(pk)
        if before is None:
            objective_diffs.append(ObjectiveDiff("added", objective.outcome))
            continue
        changes = [
            (str(OBJECTIVE_LABELS[key]), _shown(before.get(key)), _shown(value))
            for key, value in now.items()
            if before.get(key) != value
        ]
        if changes:
            objective_diffs.append(ObjectiveDiff("changed", objective.outcome, changes))
    for pk, before in frozen.items():
        if pk not in current:
            objective_diffs.append(ObjectiveDiff("removed", before["outcome"]))
    return {
        "sections": sections,
        "objectives": objective_diffs,
        "any": any(s.changed for s in sections) or bool(objective_diffs),
    }

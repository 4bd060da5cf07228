"""Writes to the PMO's risk standards: the matrix and its bands, categories, appetites.

Only PMO staff change them (``access.can_configure_matrix``). A change that moves what the
rules derive from (the bands' score ranges and review cadence, a portfolio's appetite)
recomputes ``next_review_on`` and the escalation of the open risks it touches, in bulk:
a few queries whatever the number of risks (``recompute_open_risks``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from pmo.core.history import FieldChange, changes_since_version
from pmo.core.locking import StaleObjectError, create_versioned, save_versioned
from risks import access, scoring
from risks.models import Axis, MatrixLevel, Risk, RiskAppetite, RiskCategory, RiskStatus, ScoreBand
from risks.registers import Register
from risks.selectors.matrix import load_matrix
from risks.services import rules

LEVEL_FIELDS = {
    Axis.PROBABILITY: ("label", "description", "probability_min", "probability_max"),
    Axis.IMPACT: ("label", "description", "cost_min", "cost_max", "days_min", "days_max"),
}
BAND_FIELDS = ("label", "min_score", "max_score", "colour", "review_every_days")
# Band fields the rules read: changing one of them moves review dates.
BAND_RULE_FIELDS = ("min_score", "max_score", "review_every_days")
CATEGORY_FIELDS = ("code", "name", "description", "position", "is_active")
BATCH_SIZE = 500


def _require_pmo(user) -> None:
    if not access.can_configure_matrix(user):
        raise PermissionDenied


# --- Stale rows ------------------------------------------------------------------------------
class MatrixStaleError(StaleObjectError):
    """One or more matrix rows changed after the page was loaded.

    Behaves like ``StaleObjectError`` for the shared warning (``changed_by``, ``changes``,
    whose labels name the row), and keeps each row's own error in ``rows`` so the page
    can carry every row's current version.
    """

    def __init__(self, rows: list[tuple[str, object, list[FieldChange]]], *, structural=False):
        # rows: (what, current row or None when it was removed, its changes)
        self.rows = rows
        self.structural = structural  # bands were added or removed by someone else
        self.current = None
        self.changes = [
            FieldChange(
                field=f"{key}:{change.field}",
                label=f"{what}: {change.label}",
                old=change.old,
                new=change.new,
                old_value=change.old_value,
                new_value=change.new_value,
            )
            for what, key, _current, changes in self._keyed()
            for change in changes
        ]
        names = []
        for _what, current, _changes in rows:
            if current is None:
                continue
            last = current.history.order_by("-history_date").select_related("history_user").first()
            if last is not None and last.history_user is not None:
                names.append(str(last.history_user))
        self.changed_by = ", ".join(dict.fromkeys(names))
        Exception.__init__(
            self, _("Someone else changed the matrix after you opened it. Nothing was saved.")
        )

    def _keyed(self):
        for what, current, changes in self.rows:
            key = f"{type(current).__name__.lower()}-{current.pk}" if current else ""
            yield what, key, current, changes

    def current_versions(self) -> dict[tuple[str, int], int]:
        """{(model name, pk): version now} for the rows that changed."""
        return {
            (type(current).__name__.lower(), current.pk): current.version
            for _what, current, _changes in self.rows
            if current is not None
        }


def _level_name(level: MatrixLevel) -> str:
    return _("%(axis)s %(value)s") % {"axis": level.get_axis_display(), "value": level.value}


def _band_name(band: ScoreBand) -> str:
    return _("Band “%(label)s”") % {"label": band.label}


# --- The matrix ------------------------------------------------------------------------------
@dataclass(frozen=True)
class MatrixSaveResult:
    rows_changed: int
    risks_updated: int


def _no_band(lo: int, hi: int) -> str:
    if lo == hi:
        return _("Score %(n)s is in no band") % {"n": lo}
    return _("Scores %(lo)s-%(hi)s are in no band") % {"lo": lo, "hi": hi}


def _two_bands(lo: int, hi: int) -> str:
    if lo == hi:
        return _("Score %(n)s is in two bands") % {"n": lo}
    return _("Scores %(lo)s-%(hi)s are in two bands") % {"lo": lo, "hi": hi}


def band_field_problems(bands: list[tuple[int, int]]) -> dict[int, dict[str, str]]:
    """Where each gap or overlap shows: {index in ``bands``: {field: message}}.

    ``scoring.band_problems`` decides whether the bands are right; this says which band's
    lowest or highest score to mark, so the message stands next to the field to change.
    """
    order = sorted(range(len(bands)), key=lambda i: (bands[i][0], bands[i][1]))
    marks: dict[int, dict[str, str]] = {}
    expected = 1
    for index in order:
        lo, hi = bands[index]
        if lo > hi:
            marks.setdefault(index, {})["max_score"] = _(
                "The highest score cannot be below the lowest score."
            )
            continue
        if lo > expected:
            marks.setdefault(index, {})["min_score"] = _(
                "%(problem)s: start this band at %(start)s or widen the one before it."
            ) % {"problem": _no_band(expected, lo - 1), "start": expected}
        elif lo < expected:
            marks.setdefault(index, {})["min_score"] = _(
                "%(problem)s: start this band at %(start)s or narrow the one before it."
            ) % {"problem": _two_bands(lo, min(hi, expected - 1)), "start": expected}
        expected = max(expected, hi + 1)
    if order and expected <= scoring.MAX_SCORE:
        last = max(order, key=lambda i: bands[i][1])
        marks.setdefault(last, {}).setdefault(
            "max_score",
            _("%(problem)s: end the highest band at %(max)s.")
            % {"problem": _no_band(expected, scoring.MAX_SCORE), "max": scoring.MAX_SCORE},
        )
    return marks


def _unique_code(label: str, taken: set[str]) -> str:
    base = (slugify(label) or "band")[:16]
    code, n = base, 2
    while code in taken:
        code = f"{base}-{n}"
        n += 1
    taken.add(code)
    return code


def _errors_of(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": list(error.messages)}


def _keep_baseline(row) -> None:
    """Record the row as it is before its first change through this service.

    The default matrix is inserted by a data migration, which writes no history; without
    this, a stale save of a default row could not say what the other person changed.
    """
    if not row.history.exists():
        type(row).history.bulk_history_create(
            [row], update=True, default_change_reason=_("As installed")
        )


@transaction.atomic
def matrix_save(*, by, levels: list[dict], bands: list[dict]) -> MatrixSaveResult:
    """Save the matrix's ten levels and its bands together, all or nothing.

    ``levels``: one dict per level with ``pk``, ``version`` and the level's fields for its
    axis (``LEVEL_FIELDS``). ``bands``: one dict per band with ``pk`` (None for a new band),
    ``version``, the ``BAND_FIELDS`` and ``delete`` (remove the band). Every existing band
    must be listed, so a band someone else added meanwhile is not silently kept.

    Raises PermissionDenied, ``MatrixStaleError`` (a row changed since its version), or
    ValidationError keyed ``levels.<index>.<field>``, ``bands.<index>.<field>`` and
    ``bands`` (the bands do not cover 1-25 exactly once). Changed rows are saved with
    their history; when the bands' ranges or cadence change, the open risks' review dates
    and escalations are recomputed.
    """
    _require_pmo(by)
    old_matrix = load_matrix()
    stored_levels = {lv.pk: lv for lv in MatrixLevel.objects.select_for_update().order_by("pk")}
    stored_bands = {b.pk: b for b in ScoreBand.objects.select_for_update().order_by("pk")}

    # 1. Optimistic lock: every row listed must still have the version the page showed.
    stale: list[tuple[str, object, list[FieldChange]]] = []
    structural = False
    for rows, stored, name in ((levels, stored_levels, _level_name), (bands, stored_bands, None)):
        for row in rows:
            pk = row.get("pk")
            if pk is None:
                continue
            current = stored.get(pk)
            if current is None:
                structural = True  # removed by someone else
                continue
            if current.version != row.get("version"):
                what = (name or _band_name)(current)
                stale.append((what, current, changes_since_version(current, row.get("version"))))
    listed_bands = {row.get("pk") for row in bands if row.get("pk") is not None}
    if set(stored_bands) - listed_bands:
        structural = True  # someone added a band after the page was loaded
    if {row.get("pk") for row in levels} != set(stored_levels):
        raise ValidationError(_("The matrix must list its ten levels: reload the page."))
    if stale or structural:
        raise MatrixStaleError(stale, structural=structural)

    # 2. Validate every row (field validators and the models' clean) and the band coverage.
    errors: dict[str, list[str]] = {}
    level_rows: list[tuple[MatrixLevel, set[str]]] = []
    for index, row in enumerate(levels):
        level = stored_levels[row["pk"]]
        changed = set()
        if any(f in row and getattr(level, f) != row[f] for f in LEVEL_FIELDS[level.axis]):
            _keep_baseline(level)
        for field in LEVEL_FIELDS[level.axis]:
            if field in row and getattr(level, field) != row[field]:
                setattr(level, field, row[field])
                changed.add(field)
        try:
            level.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in _errors_of(error).items():
                errors.setdefault(f"levels.{index}.{field}", []).extend(messages)
        level_rows.append((level, changed))

    taken_codes = {b.code for b in stored_bands.values()}
    band_rows: list[tuple[int, ScoreBand, set[str], bool]] = []  # (index, band, changed, delete)
    for index, row in enumerate(bands):
        pk = row.get("pk")
        if pk is None:
            band = ScoreBand(code=_unique_code(row.get("label") or "", taken_codes))
            changed = {"created"}
        else:
            band = stored_bands[pk]
            changed = set()
        if pk is not None and (
            row.get("delete") or any(f in row and getattr(band, f) != row[f] for f in BAND_FIELDS)
        ):
            _keep_baseline(band)
        if row.get("delete"):
            if pk is not None:
                band_rows.append((index, band, {"deleted"}, True))
            continue
        for field in BAND_FIELDS:
            if field in row and getattr(band, field) != row[field]:
                setattr(band, field, row[field])
                changed.add(field)
        try:
            band.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in _errors_of(error).items():
                errors.setdefault(f"bands.{index}.{field}", []).extend(messages)
        band_rows.append((index, band, changed, False))

    kept = [(index, band) for index, band, _c, delete in band_rows if not delete]
    ranges_known = all(
        isinstance(b.min_score, int) and isinstance(b.max_score, int) for _i, b in kept
    )
    if not kept:
        errors.setdefault("bands", []).append(_("Keep at least one band."))
    elif ranges_known:
        ranges = [(b.min_score, b.max_score) for _i, b in kept]
        problems = scoring.band_problems(ranges)
        if problems:
            # The fields below say what is wrong where; this says why it matters.
            errors.setdefault("bands", []).append(
                _("The bands must cover every score from 1 to 25 exactly once.")
            )
            for position, fields in band_field_problems(ranges).items():
                index = kept[position][0]
                for field, message in fields.items():
                    errors.setdefault(f"bands.{index}.{field}", []).append(message)
    if errors:
        raise ValidationError(errors)

    # 3. Save what changed, each row with its history.
    reason = _("Risk matrix updated")
    rows_changed = 0
    for level, changed in level_rows:
        if changed:
            save_versioned(instance=level, expected_version=level.version, by=by, reason=reason)
            rows_changed += 1
    rules_changed = False
    for _index, band, changed, delete in band_rows:
        if delete:
            band._history_user = by
            band._change_reason = _("Band removed")
            band.delete()
            rows_changed += 1
            rules_changed = True
        elif "created" in changed:
            create_versioned(instance=band, by=by, reason=_("Band added"))
            rows_changed += 1
            rules_changed = True
        elif changed:
            save_versioned(instance=band, expected_version=band.version, by=by, reason=reason)
            rows_changed += 1
            rules_changed = rules_changed or bool(changed & set(BAND_RULE_FIELDS))

    risks_updated = 0
    if rules_changed:
        risks_updated = recompute_open_risks(
            Risk.objects.all(),
            by=by,
            matrix=load_matrix(),
            old_matrix=old_matrix,
            reason=_("Review cadence recomputed after the score bands changed"),
        )
    return MatrixSaveResult(rows_changed=rows_changed, risks_updated=risks_updated)


# --- Recomputing the rules for many risks ------------------------------------------------------
# What apply_rules needs to name who hears of an escalation (rules.escalation_target).
ESCALATION_RELATED = (
    "project__portfolio__owner",
    "project__program__manager",
    "program__portfolio__owner",
    "portfolio__owner",
)


def _portfolio_id(risk: Risk) -> int:
    if risk.project_id:
        return risk.project.portfolio_id
    if risk.program_id:
        return risk.program.portfolio_id
    return risk.portfolio_id


def recompute_open_risks(
    queryset,
    *,
    by,
    matrix: scoring.MatrixSpec,
    old_matrix: scoring.MatrixSpec | None = None,
    appetites: dict[int, int] | None = None,
    reason: str,
) -> int:
    """Apply ``rules.apply_rules`` to the open risks of ``queryset``; save what changed.

    Reads the risks (with what escalation needs) in one query and the appetites once per
    portfolio (one query, unless given), then writes the changed rows in batches with their
    history. Versions are not bumped: review dates and escalations are derived, and
    somebody's open edit form of the risk stays valid. Returns how many risks changed.
    """
    old_matrix = old_matrix or matrix
    if appetites is None:
        appetites = dict(RiskAppetite.objects.values_list("portfolio_id", "max_score"))
    today = timezone.localdate()
    risks = queryset.filter(status__in=RiskStatus.open_values()).select_related(*ESCALATION_RELATED)
    changed_rows: list[Risk] = []
    fields: set[str] = set()
    for risk in risks.order_by("pk").iterator(chunk_size=BATCH_SIZE):
        # No appetite set: nothing is above it. MAX_SCORE says so without the rules asking
        # the database again for each risk.
        appetite = appetites.get(_portfolio_id(risk), scoring.MAX_SCORE)
        # An unreviewed risk's cadence counts from the day set under the old bands.
        anchor = rules.review_anchor(risk, old_matrix, score=rules.current_score(risk))
        changed = rules.apply_rules(
            risk, matrix=matrix, today=today, appetite=appetite, anchor=anchor
        )
        if changed:
            changed_rows.append(risk)
            fields |= changed
    if changed_rows:
        bulk_update_with_history(
            changed_rows,
            Risk,
            sorted(fields),
            batch_size=BATCH_SIZE,
            default_user=by,
            default_change_reason=reason[:100],
        )
    return len(changed_rows)


# --- Categories ------------------------------------------------------------------------------
@transaction.atomic
def category_save(
    *, by, category: RiskCategory, data: dict, expected_version: int | None = None
) -> RiskCategory:
    """Create (no pk) or change a category. Categories are deactivated, never deleted:
    old risks keep theirs, and new risks cannot pick an inactive one."""
    _require_pmo(by)
    unknown = set(data) - set(CATEGORY_FIELDS)
    if unknown:
        raise ValueError(f"Not settable on a category: {sorted(unknown)}")
    if category.pk and "code" in data and data["code"] != category.code:
        raise ValidationError(
            {"code": _("The code of a category cannot change: imports refer to it.")}
        )
    if category.pk is not None:
        _keep_baseline(RiskCategory.objects.get(pk=category.pk))
    for field, value in data.items():
        setattr(category, field, value.strip() if isinstance(value, str) else value)
    if category.pk is None:
        return create_versioned(instance=category, by=by, reason=_("Category added"))
    return save_versioned(
        instance=category,
        expected_version=expected_version or category.version,
        by=by,
        reason=_("Category changed"),
    )


# --- Risk appetite -----------------------------------------------------------------------------
@dataclass(frozen=True)
class AppetiteSaveResult:
    appetite: RiskAppetite
    risks_updated: int


@transaction.atomic
def appetite_save(
    *,
    by,
    portfolio,
    max_score: int,
    statement: str = "",
    expected_version: int | None = None,
) -> AppetiteSaveResult:
    """Set the portfolio's risk appetite; re-escalate its open risks against it.

    Risks of the portfolio's own register, its programs' and its projects' now above the
    highest accepted score are escalated; those now within it have their escalation lifted.
    """
    _require_pmo(by)
    appetite = RiskAppetite.objects.filter(portfolio=portfolio).first()
    creating = appetite is None
    if creating:
        appetite = RiskAppetite(portfolio=portfolio)
    appetite.max_score = max_score
    appetite.statement = (statement or "").strip()
    if creating:
        create_versioned(instance=appetite, by=by, reason=_("Risk appetite set"))
    else:
        save_versioned(
            instance=appetite,
            expected_version=expected_version or appetite.version,
            by=by,
            reason=_("Risk appetite changed"),
        )
    register = Register("portfolio", portfolio)
    updated = recompute_open_risks(
        Risk.objects.filter(register.rollup_q()),
        by=by,
        matrix=load_matrix(),
        appetites={portfolio.pk: appetite.max_score},
        reason=_("Escalation recomputed after the risk appetite changed"),
    )
    return AppetiteSaveResult(appetite=appetite, risks_updated=updated)

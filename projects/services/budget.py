"""Writes to budget lines and their monthly amounts. The only place that saves them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pmo.core import policy
from pmo.core.history import changes_since_version
from pmo.core.locking import StaleObjectError, create_versioned, save_versioned
from projects.budget_math import Amounts
from projects.models import BudgetEntry, BudgetLine, Project
from projects.selectors.budget import entry_changes_since_version, project_months
from projects.services.core import ensure_open_for_planning

LINE_FIELDS = ("category", "description", "currency")


def _check_can_plan(by, project: Project) -> None:
    if not policy.can_change_project(by, project):
        raise PermissionDenied
    ensure_open_for_planning(project)


def _apply_line_data(line: BudgetLine, data: dict) -> None:
    unknown = set(data) - set(LINE_FIELDS)
    if unknown:
        raise TypeError(f"Budget lines have no field(s) {sorted(unknown)}")
    for name, value in data.items():
        if name == "currency" and isinstance(value, str):
            value = value.strip().upper()
        if name == "description" and isinstance(value, str):
            value = value.strip()
        setattr(line, name, value)


def _refuse_duplicate(line: BudgetLine) -> None:
    twins = BudgetLine.objects.filter(
        project_id=line.project_id,
        category=line.category,
        currency=line.currency,
        description__iexact=line.description,
    ).exclude(pk=line.pk)
    if twins.exists():
        raise ValidationError(
            {"description": _("This project already has a line with this description here.")}
        )


def _lock_current(line: BudgetLine, expected_version: int) -> BudgetLine:
    """Lock the stored line; refuse with what changed if it moved past ``expected_version``."""
    current = BudgetLine.objects.select_for_update().get(pk=line.pk)
    current.project = line.project
    if current.version != expected_version:
        changes = changes_since_version(current, expected_version)
        changes += entry_changes_since_version(current, expected_version)
        raise StaleObjectError(current, changes)
    return current


@transaction.atomic
def budget_line_create(*, project: Project, by, data: dict) -> BudgetLine:
    """Add a line (category, description, currency) to the project's budget."""
    _check_can_plan(by, project)
    line = BudgetLine(project=project, currency=project.currency)
    _apply_line_data(line, data)
    line.full_clean()
    _refuse_duplicate(line)
    return create_versioned(instance=line, by=by, reason=_("Budget line added"))


@transaction.atomic
def budget_line_update(*, line: BudgetLine, by, data: dict, expected_version: int) -> BudgetLine:
    """Change a line's category, description or currency (optimistic locking)."""
    _check_can_plan(by, line.project)
    current = _lock_current(line, expected_version)
    _apply_line_data(line, data)
    if line.currency != current.currency and _has_money(current):
        raise ValidationError(
            {
                "currency": _(
                    "The amounts of this line are in %(currency)s; changing the currency "
                    "would misstate them. Add a new line in the other currency instead."
                )
                % {"currency": current.currency}
            }
        )
    line.full_clean()
    _refuse_duplicate(line)
    return save_versioned(instance=line, expected_version=expected_version, by=by)


def _has_money(line: BudgetLine) -> bool:
    return line.entries.exclude(planned=0, committed=0, actual=0).exists()


def _month_label(month) -> str:
    if isinstance(month, datetime.date):
        return date_format(month, "YEAR_MONTH_FORMAT")
    return str(month)


@transaction.atomic
def budget_entries_save(
    *,
    line: BudgetLine,
    by,
    amounts: dict[datetime.date, tuple[Decimal, Decimal, Decimal]],
    expected_version: int,
) -> BudgetLine:
    """Save the line's (planned, committed, actual) for the given months, all or nothing.

    Months are first days of months within the project's plan (a month outside it can
    still be corrected if it already holds an entry). Amounts are non-negative Decimals.
    Every changed entry keeps its history; the line's version goes up once per save, so
    a second person editing the same line gets a stale-save refusal, not an overwrite.
    Returns the saved line (unchanged when nothing changed).
    """
    project = line.project
    _check_can_plan(by, project)
    current = _lock_current(line, expected_version)
    existing = {entry.month: entry for entry in current.entries.select_for_update()}
    plan_months = set(project_months(project))

    errors: dict[str, list[str]] = {}
    to_save: list[BudgetEntry] = []
    for month, values in amounts.items():
        key = month.isoformat() if isinstance(month, datetime.date) else str(month)
        label = _month_label(month)
        if not isinstance(month, datetime.date) or isinstance(month, datetime.datetime):
            errors[key] = [_("%(month)s is not a month.") % {"month": label}]
            continue
        if month.day != 1:
            errors[key] = [
                _("%(day)s: use the first day of the month.") % {"day": month.isoformat()}
            ]
            continue
        if month not in existing and month not in plan_months:
            errors[key] = [
                _("%(month)s is outside the project's planned months.") % {"month": label}
            ]
            continue
        try:
            new = Amounts(*values)
        except (TypeError, ValueError, ArithmeticError):
            errors[key] = [_("%(month)s: amounts must be numbers.") % {"month": label}]
            continue
        entry = existing.get(month)
        if entry is None:
            if new.is_zero:
                continue  # blank months stay without a row
            entry = BudgetEntry(line=current, month=month)
        elif Amounts(entry.planned, entry.committed, entry.actual) == new:
            continue
        entry.planned, entry.committed, entry.actual = new.planned, new.committed, new.actual
        try:
            entry.full_clean()
        except ValidationError as error:
            errors[key] = [f"{label}: {message}" for message in error.messages]
            continue
        to_save.append(entry)
    if errors:
        raise ValidationError(errors)
    if not to_save:
        line.version = current.version
        return line
    for entry in to_save:
        entry._history_user = by
        entry.save()
    saved = save_versioned(
        instance=current,
        expected_version=expected_version,
        by=by,
        reason=_("Monthly amounts saved"),
    )
    line.version = saved.version
    return saved


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, by, expected_version: int) -> None:
    """Remove a line that never held committed or actual money.

    A line with money committed or spent is part of the project's financial record and
    stays. The removal and the removed amounts remain in the history tables.
    """
    _check_can_plan(by, line.project)
    current = _lock_current(line, expected_version)
    if current.entries.exclude(committed=0, actual=0).exists():
        raise ValidationError(
            _(
                "This line has committed or actual money and cannot be removed; set its planned amounts to zero instead."
            )
        )
    for entry in current.entries.all():
        entry._history_user = by
        entry.delete()
    current._history_user = by
    current._change_reason = _("Budget line removed")
    current.delete()

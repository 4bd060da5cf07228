"""Reads for the budget pages: a project's lines, months and totals in a fixed few queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404

from pmo.core.history import FieldChange
from projects import budget_math
from projects.budget_math import Amounts, BurnPoint, Row, Totals
from projects.models import BudgetEntry, BudgetLine, CostCategory, Project

AMOUNT_FIELDS = ("planned", "committed", "actual")


def project_months(project: Project, extra=()) -> list[datetime.date]:
    """The months of the project's plan, plus any other month that already holds money."""
    months = set(budget_math.months_between(project.planned_start, project.planned_finish))
    months.update(extra)
    return sorted(months)


@dataclass
class LineBudget:
    line: BudgetLine
    totals: Totals
    months: dict[datetime.date, Amounts]


@dataclass
class CategoryTotals:
    category: str
    label: str
    totals: Totals


@dataclass
class CurrencyBudget:
    currency: str
    totals: Totals
    categories: list[CategoryTotals]
    burn: list[BurnPoint]
    line_count: int


@dataclass
class ProjectBudget:
    project: Project
    as_of: datetime.date
    months: list[datetime.date]
    lines: list[LineBudget]
    currencies: list[CurrencyBudget] = field(default_factory=list)

    @property
    def is_multi_currency(self) -> bool:
        return len(self.currencies) > 1

    def currency(self, code: str) -> CurrencyBudget | None:
        return next((c for c in self.currencies if c.currency == code), None)


def _rows(lines: list[BudgetLine], entries) -> list[Row]:
    by_id = {line.pk: line for line in lines}
    rows = []
    for line_id, month, planned, committed, actual in entries:
        line = by_id[line_id]
        rows.append(
            Row(line_id, line.category, line.currency, month, Amounts(planned, committed, actual))
        )
    return rows


def project_budget(project: Project, *, today: datetime.date) -> ProjectBudget:
    """Everything the budget page shows, in two queries whatever the number of lines."""
    as_of = budget_math.as_of_month(today)
    order = {category: index for index, category in enumerate(CostCategory.values)}
    lines = sorted(
        project.budget_lines.all(),
        key=lambda line: (order.get(line.category, len(order)), line.description.lower(), line.pk),
    )
    entries = BudgetEntry.objects.filter(line__project=project).values_list(
        "line_id", "month", *AMOUNT_FIELDS
    )
    rows = _rows(lines, entries)
    months = project_months(project, {row.month for row in rows})

    per_line_months: dict[int, dict[datetime.date, Amounts]] = {line.pk: {} for line in lines}
    for row in rows:
        per_line_months[row.line][row.month] = row.amounts
    line_totals = budget_math.totals_by_line(rows, as_of)
    line_budgets = [
        LineBudget(line, line_totals.get(line.pk, Totals()), per_line_months[line.pk])
        for line in lines
    ]

    currencies_in_use = sorted({line.currency for line in lines})
    by_currency = budget_math.totals_by_currency(rows, as_of)
    by_category = budget_math.totals_by_category(rows, CostCategory.values, as_of)
    labels = dict(CostCategory.choices)
    currencies = []
    for currency in currencies_in_use:
        currency_rows = [r for r in rows if r.currency == currency]
        per_category = by_category.get(currency, {})
        currencies.append(
            CurrencyBudget(
                currency=currency,
                totals=by_currency.get(currency, Totals()),
                categories=[
                    CategoryTotals(c, labels[c], per_category.get(c, Totals()))
                    for c in CostCategory.values
                ],
                burn=budget_math.burn(
                    budget_math.monthly_sums((r.month, r.amounts) for r in currency_rows),
                    months,
                    as_of,
                ),
                line_count=sum(1 for line in lines if line.currency == currency),
            )
        )
    return ProjectBudget(project, as_of, months, line_budgets, currencies)


def budget_line_of_project(project: Project, pk: int) -> BudgetLine:
    """A line by id, only within ``project`` (a line of another project is a 404)."""
    line = BudgetLine.objects.filter(project=project, pk=pk).first()
    if line is None:
        raise Http404("No such budget line")
    line.project = project
    return line


def line_months(line: BudgetLine) -> dict[datetime.date, Amounts]:
    return {
        month: Amounts(planned, committed, actual)
        for month, planned, committed, actual in line.entries.values_list("month", *AMOUNT_FIELDS)
    }


@dataclass
class LineDetail:
    line: BudgetLine
    as_of: datetime.date
    months: list[datetime.date]
    amounts: dict[datetime.date, Amounts]
    totals: Totals
    burn: list[BurnPoint]


def line_detail(line: BudgetLine, *, today: datetime.date) -> LineDetail:
    as_of = budget_math.as_of_month(today)
    amounts = line_months(line)
    months = project_months(line.project, amounts)
    return LineDetail(
        line=line,
        as_of=as_of,
        months=months,
        amounts=amounts,
        totals=budget_math.totals(amounts.items(), as_of),
        burn=budget_math.burn(amounts, months, as_of),
    )


def budget_entries_for_export(project: Project):
    """Every stored month of every line of the project, for the CSV export."""
    return (
        BudgetEntry.objects.filter(line__project=project)
        .select_related("line")
        .order_by("line__category", "line__description", "line_id", "month")
    )


@dataclass
class EntryChange:
    month: datetime.date
    field: str
    label: str
    old: Decimal | None
    new: Decimal | None


@dataclass
class AmountsSave:
    """One save of a line's monthly amounts: who, when, and every amount it changed."""

    when: datetime.datetime
    who: object
    changes: list[EntryChange]


def line_entry_history(line: BudgetLine, limit: int = 30) -> list[AmountsSave]:
    """The saves of the line's monthly amounts, newest first, in one query.

    Each historical record is compared with the one before it for the same month; the
    records one person wrote within the same second are one save.
    """
    records = list(
        BudgetEntry.history.filter(line_id=line.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    labels = {name: BudgetEntry._meta.get_field(name).verbose_name for name in AMOUNT_FIELDS}
    saves: dict[tuple, AmountsSave] = {}
    previous = {}
    for record in records:
        before = previous.get(record.id)
        changes = []
        for name in AMOUNT_FIELDS:
            old = getattr(before, name) if before is not None else None
            new = getattr(record, name) if record.history_type != "-" else None
            if (before is None and not new) or old == new:
                continue
            changes.append(EntryChange(record.month, name, str(labels[name]), old, new))
        previous[record.id] = record
        if not changes:
            continue
        key = (record.history_user_id, record.history_date.replace(microsecond=0))
        save = saves.setdefault(key, AmountsSave(record.history_date, record.history_user, []))
        save.changes.extend(changes)
    ordered = sorted(saves.values(), key=lambda s: s.when, reverse=True)[:limit]
    for save in ordered:
        save.changes.sort(key=lambda c: (c.month, AMOUNT_FIELDS.index(c.field)))
    return ordered


def entry_changes_since_version(line: BudgetLine, version: int) -> list[FieldChange]:
    """Monthly amounts that changed after the user loaded ``version`` of the line.

    The state at ``version`` is read from the history tables: entries are saved before
    the line's version is bumped in the same transaction, so an entry record no later
    than the version's line record belongs to that version or an earlier one.
    """
    base = line.history.filter(version=version).order_by("-history_date").first()
    if base is None:
        return []
    then: dict[datetime.date, Amounts] = {}
    for record in (
        BudgetEntry.history.filter(line_id=line.pk, history_date__lte=base.history_date)
        .order_by("history_date", "history_id")
        .only("id", "month", "history_type", *AMOUNT_FIELDS)
    ):
        if record.history_type == "-":
            then.pop(record.month, None)
        else:
            then[record.month] = Amounts(record.planned, record.committed, record.actual)
    now = line_months(line)
    labels = {name: BudgetEntry._meta.get_field(name).verbose_name for name in AMOUNT_FIELDS}
    changes = []
    for month in sorted(set(then) | set(now)):
        old, new = then.get(month, Amounts()), now.get(month, Amounts())
        for name in AMOUNT_FIELDS:
            old_value, new_value = getattr(old, name), getattr(new, name)
            if old_value != new_value:
                changes.append(
                    FieldChange(
                        field=f"{month:%Y-%m}:{name}",
                        label=f"{month:%Y-%m} {labels[name]}",
                        old=f"{old_value:,.2f}",
                        new=f"{new_value:,.2f}",
                        old_value=old_value,
                        new_value=new_value,
                    )
                )
    return changes

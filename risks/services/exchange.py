"""The risk register as a file: export to CSV and XLSX, import from CSV.

Export writes one row per risk with the columns of ``COLUMNS``: plain values (dates as
dates, numbers as numbers) that the CSV and XLSX writers format. Text a spreadsheet would
run as a formula (``= + - @``, tab, carriage return) gets a leading apostrophe, in both
formats; import strips it again so text survives the round trip.

Import is two steps, like the schedule import (``projects.services.schedule_import``):
``risk_import_parse`` reads the file against the register (categories, who may own a risk,
the matrix) and returns every row with its problems, nothing saved; the view keeps the
parsed rows in the session under a token. ``risk_import_apply`` then adds every row through
``services.risks.risk_create`` in one transaction: all rows or none.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pmo.core.csv_upload import decode_csv_upload, find_csv_header
from pmo.core.mixins import csv_safe as neutralise_formula
from risks import access, scoring
from risks.models import Risk, RiskCategory, RiskKind, RiskStatus, Strategy
from risks.registers import Register, register_of
from risks.selectors.matrix import load_matrix
from risks.services import risks as risk_services

# --- Columns ---------------------------------------------------------------------------------
# Cell types: how the XLSX writer formats a value and how import reads it.
TEXT, INT, MONEY, DATE = "text", "int", "money", "date"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # written on export; import also accepts the translated label and aliases
    label: object  # gettext_lazy, for the import page and its messages
    type: str = TEXT
    width: int = 14  # XLSX column width (characters)
    field: str | None = None  # the Risk field import sets; None: export only
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column("reference", "Reference", gettext_lazy("Reference"), width=16),
    Column("register", "Register", gettext_lazy("Register"), width=12),
    Column("title", "Title", gettext_lazy("Title"), width=40, field="title", aliases=("risk",)),
    Column("cause", "Cause", gettext_lazy("Cause"), width=30, field="cause"),
    Column("event", "Event", gettext_lazy("Event"), width=30, field="event"),
    Column("effect", "Effect", gettext_lazy("Effect"), width=30, field="effect"),
    Column("category", "Category", gettext_lazy("Category"), width=18, field="category"),
    Column("kind", "Type", gettext_lazy("Type"), width=12, field="kind", aliases=("kind",)),
    Column("owner", "Owner", gettext_lazy("Owner"), width=16, field="owner"),
    Column("status", "Status", gettext_lazy("Status"), width=12, field="status"),
    Column(
        "proximity",
        "Proximity",
        gettext_lazy("Proximity"),
        DATE,
        12,
        "proximity_date",
        ("proximity date",),
    ),
    Column(
        "triggers",
        "Triggers",
        gettext_lazy("Triggers"),
        width=30,
        field="triggers",
        aliases=("triggers and early warning signs", "early warning signs"),
    ),
    Column(
        "inherent_probability",
        "Inherent P",
        gettext_lazy("Inherent probability"),
        INT,
        10,
        "inherent_probability",
        ("inherent probability", "probability", "p"),
    ),
    Column(
        "inherent_impact",
        "Inherent I",
        gettext_lazy("Inherent impact"),
        INT,
        10,
        "inherent_impact",
        ("inherent impact", "impact", "i"),
    ),
    Column("inherent_score", "Inherent score", gettext_lazy("Inherent score"), INT, 10),
    Column(
        "residual_probability",
        "Residual P",
        gettext_lazy("Residual probability"),
        INT,
        10,
        "residual_probability",
        ("residual probability",),
    ),
    Column(
        "residual_impact",
        "Residual I",
        gettext_lazy("Residual impact"),
        INT,
        10,
        "residual_impact",
        ("residual impact",),
    ),
    Column("residual_score", "Residual score", gettext_lazy("Residual score"), INT, 10),
    Column("band", "Band", gettext_lazy("Band"), width=10),
    Column("emv", "EMV", gettext_lazy("Expected monetary value"), MONEY, 14),
    Column(
        "cost_impact",
        "Cost impact",
        gettext_lazy("Cost impact"),
        MONEY,
        14,
        "cost_impact",
        ("cost",),
    ),
    Column("currency", "Currency", gettext_lazy("Currency"), width=9, field="currency"),
    Column(
        "schedule_impact_days",
        "Schedule impact days",
        gettext_lazy("Schedule impact (days)"),
        INT,
        10,
        "schedule_impact_days",
        ("schedule impact", "schedule impact (days)", "days"),
    ),
    Column(
        "strategy",
        "Strategy",
        gettext_lazy("Strategy"),
        width=12,
        field="strategy",
        aliases=("response strategy",),
    ),
    Column(
        "response",
        "Response",
        gettext_lazy("Response"),
        width=30,
        field="response_summary",
        aliases=("response summary",),
    ),
    Column(
        "contingency",
        "Contingency",
        gettext_lazy("Contingency plan"),
        width=30,
        field="contingency_plan",
        aliases=("contingency plan",),
    ),
    Column(
        "fallback",
        "Fallback",
        gettext_lazy("Fallback plan"),
        width=30,
        field="fallback_plan",
        aliases=("fallback plan",),
    ),
    Column("next_review", "Next review", gettext_lazy("Next review"), DATE, 12),
    Column("escalated_to", "Escalated to", gettext_lazy("Escalated to"), width=16),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
IMPORT_COLUMNS = [c for c in COLUMNS if c.field]
REQUIRED = ("title",)
# Statuses an imported risk may start in; the rest need a decision in the app.
IMPORT_STATUSES = RiskStatus.open_values()
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
HEADER_SEARCH_ROWS = 5
TEXT_MAX = 2000
MONEY_MAX = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)
DAYS_MAX = 100_000
# A date, optionally with the midnight time some spreadsheets add when saving as CSV.
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]00:00(:00)?)?$")


# --- Export --------------------------------------------------------------------------------
def export_values(risk: Risk, matrix: scoring.MatrixSpec) -> dict[str, object]:
    """One risk as typed values by column key (needs owner, category, escalated_to and the
    register joined: ``selectors.register.ROW_RELATED``)."""
    band = matrix.band_for(risk.current_score)
    emv = scoring.expected_monetary_value(
        matrix.probability_fraction(risk.current_probability),
        risk.cost_impact,
        opportunity=risk.kind == RiskKind.OPPORTUNITY,
    )
    return {
        "reference": risk.reference,
        "register": register_of(risk).code,
        "title": risk.title,
        "cause": risk.cause,
        "event": risk.event,
        "effect": risk.effect,
        "category": risk.category.name if risk.category_id else "",
        "kind": risk.kind,
        "owner": risk.owner.username if risk.owner_id else "",
        "status": risk.status,
        "proximity": risk.proximity_date,
        "triggers": risk.triggers,
        "inherent_probability": risk.inherent_probability,
        "inherent_impact": risk.inherent_impact,
        "inherent_score": risk.inherent_score,
        "residual_probability": risk.residual_probability,
        "residual_impact": risk.residual_impact,
        "residual_score": risk.residual_score,
        "band": band.label if band else "",
        "emv": emv,
        "cost_impact": risk.cost_impact,
        "currency": risk.currency,
        "schedule_impact_days": risk.schedule_impact_days,
        "strategy": risk.strategy,
        "response": risk.response_summary,
        "contingency": risk.contingency_plan,
        "fallback": risk.fallback_plan,
        "next_review": risk.next_review_on,
        "escalated_to": risk.escalated_to.username if risk.escalated_to_id else "",
    }


def header_row() -> list[str]:
    return [c.header for c in COLUMNS]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise_formula(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)  # numbers stay numbers: a negative EMV is not a formula


class _Echo:
    def write(self, value):
        return value


def csv_stream(risks: Iterable[Risk], matrix: scoring.MatrixSpec) -> Iterator[str]:
    """The CSV file line by line: a byte-order mark (spreadsheets then read UTF-8), the
    header, one line per risk."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header_row())
    for risk in risks:
        values = export_values(risk, matrix)
        yield writer.writerow([_csv_cell(values[c.key]) for c in COLUMNS])


def xlsx_bytes(risks: Iterable[Risk], matrix: scoring.MatrixSpec, *, title: str) -> bytes:
    """The register as an XLSX workbook: bold frozen header, widths, typed cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "Risks")
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        cell.alignment = Alignment(vertical="top")
        header.append(cell)
    sheet.append(header)
    count = 0
    for risk in risks:
        values = export_values(risk, matrix)
        row = []
        for column in COLUMNS:
            value = values[column.key]
            if isinstance(value, str):
                value = neutralise_formula(value) if value else None
            cell = WriteOnlyCell(sheet, value=value)
            if column.type == MONEY and value is not None:
                cell.number_format = "#,##0.00"
            elif column.type == DATE and value is not None:
                cell.number_format = "yyyy-mm-dd"
            row.append(cell)
        sheet.append(row)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(register: Register, *, example_owner: str = "") -> str:
    """The import template: the importable columns and one example row."""
    category = RiskCategory.objects.filter(is_active=True).order_by("position", "name").first()
    example = {
        "title": _("Key supplier delivers the interface late"),
        "cause": _("The supplier has two other go-lives in the same month"),
        "event": _("the interface is delivered after integration testing starts"),
        "effect": _("testing slips and go-live moves by up to four weeks"),
        "category": category.code if category else "",
        "kind": RiskKind.THREAT.value,
        "owner": example_owner,
        "status": RiskStatus.ASSESSED.value,
        "proximity": "",
        "triggers": _("Supplier misses the design review"),
        "inherent_probability": "3",
        "inherent_impact": "4",
        "residual_probability": "2",
        "residual_impact": "3",
        "cost_impact": "120000.00",
        "currency": register.default_currency,
        "schedule_impact_days": "20",
        "strategy": Strategy.MITIGATE.value,
        "response": _("Weekly delivery checkpoint; stub the interface for early tests"),
        "contingency": _("Test against the stub and re-plan the test window"),
        "fallback": _("Move go-live to the next release slot"),
    }
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in IMPORT_COLUMNS])
    writer.writerow([example.get(c.key, "") for c in IMPORT_COLUMNS])
    return buffer.getvalue()


# --- Import: the parsed file -----------------------------------------------------------------
class ImportFileError(ValueError):
    """The whole file is refused: not CSV, not UTF-8, no Title column, too many rows."""


@dataclass
class RowIssue:
    row: int  # the spreadsheet's row number: the header is row 1
    column: str  # a column key, or "" for the row as a whole
    message: str

    @property
    def label(self) -> str:
        column = COLUMN_BY_KEY.get(self.column)
        return str(column.label).lower() if column else ""

    def __str__(self) -> str:
        if self.label:
            return _("Row %(row)s, %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.label,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportRow:
    """One row of the file: the values for ``risk_create`` (ids for category and owner, ISO
    dates, decimal strings, so the row fits in the session) and what the preview shows."""

    row: int
    data: dict = field(default_factory=dict)
    shown: dict = field(default_factory=dict)  # category name, owner name, ...
    issues: list[RowIssue] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.issues)


@dataclass
class ParsedImport:
    filename: str
    rows: list[ImportRow]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def issues(self) -> list[RowIssue]:
        return [issue for row in self.rows for issue in row.issues]

    @property
    def has_errors(self) -> bool:
        return any(row.has_errors for row in self.rows)

    @property
    def error_rows(self) -> int:
        return sum(1 for row in self.rows if row.has_errors)

    def to_dict(self) -> dict:
        return {
            "filename": self.filename,
            "rows": [{"row": r.row, "data": r.data, "shown": r.shown} for r in self.rows],
            "ignored_columns": self.ignored_columns,
        }

    @classmethod
    def from_dict(cls, value: dict) -> ParsedImport:
        return cls(
            filename=value.get("filename", ""),
            rows=[
                ImportRow(row=r["row"], data=dict(r["data"]), shown=dict(r.get("shown", {})))
                for r in value.get("rows", [])
            ],
            ignored_columns=list(value.get("ignored_columns", [])),
        )


# --- Import: reading -------------------------------------------------------------------------
def _normalise_header(text: str) -> str:
    return " ".join(re.sub(r"[^\w%]+", " ", (text or "").casefold()).split())


def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        for name in (
            column.header,
            column.key.replace("_", " "),
            str(column.label),
            *column.aliases,
        ):
            normalised = _normalise_header(name)
            if normalised:
                lookup.setdefault(normalised, column.key)
    return lookup


def decode(data: bytes) -> str:
    return decode_csv_upload(data, error=ImportFileError)


def _find_header(text: str) -> tuple[str, int, dict[int, str], list[str]]:
    """The delimiter, the header's row index, {position: key} and the ignored headers."""
    header = find_csv_header(
        text,
        lookup=_header_lookup(),
        normalise=_normalise_header,
        required=REQUIRED,
        search_rows=HEADER_SEARCH_ROWS,
    )
    if header is None:
        raise ImportFileError(
            _(
                "No header row with a Title column was found. The first row must name the "
                "columns, e.g. Title, Category, Type, Owner, Inherent P, Inherent I; download "
                "the template to start from."
            )
        )
    return header.delimiter, header.index, header.columns, header.ignored


def _unquote(value: str) -> str:
    """Undo the export's formula guard: ``'=x`` back to ``=x``."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def _choice(text: str, choices) -> str | None:
    """A choice by its value or its label (either language), case-insensitive."""
    wanted = text.casefold()
    for value, label in choices:
        if wanted in (str(value).casefold(), str(label).casefold()):
            return value
    return None


class _Reader:
    """Reads the cells of one row into ``ImportRow.data``, noting each problem."""

    def __init__(self, row: ImportRow, cells: dict[str, str]):
        self.row = row
        self.cells = cells

    def error(self, column: str, message: str) -> None:
        self.row.issues.append(RowIssue(self.row.row, column, message))

    def text(self, key: str, *, max_length=TEXT_MAX) -> str:
        value = _unquote(self.cells.get(key, "").strip())
        if len(value) > max_length:
            self.error(
                key,
                _("%(n)d characters; at most %(max)d are allowed.")
                % {"n": len(value), "max": max_length},
            )
        return value

    def level(self, key: str) -> int | None:
        value = self.cells.get(key, "").strip()
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or number != number.to_integral_value():
            self.error(key, _("“%(value)s” is not a whole number from 1 to 5.") % {"value": value})
            return None
        if number not in scoring.LEVELS:
            self.error(
                key,
                _("%(value)s is outside the matrix (1-5)") % {"value": value},
            )
            return None
        return int(number)

    def date(self, key: str) -> str | None:
        value = self.cells.get(key, "").strip()
        if not value:
            return None
        try:
            if not _DATE_RE.match(value):
                raise ValueError(value)
            return datetime.date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            self.error(key, _("“%(value)s” is not a date as YYYY-MM-DD.") % {"value": value})
            return None

    def money(self, key: str) -> str | None:
        value = self.cells.get(key, "").strip().replace(" ", "").replace("\u00a0", "")
        if not value:
            return None
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", value):
            value = value.replace(",", "")  # 1,250,000.00
        try:
            amount = Decimal(value)
        except InvalidOperation:
            self.error(key, _("“%(value)s” is not an amount such as 125000.00.") % {"value": value})
            return None
        if not amount.is_finite() or amount < 0 or amount > MONEY_MAX:
            self.error(key, _("The amount must be between 0 and %(max)s.") % {"max": MONEY_MAX})
            return None
        if amount != amount.quantize(Decimal("0.01")):
            self.error(key, _("At most two decimals."))
            return None
        return str(amount.quantize(Decimal("0.01")))

    def days(self, key: str) -> int | None:
        value = self.cells.get(key, "").strip()
        if not value:
            return None
        if not value.isdigit() or int(value) > DAYS_MAX:
            self.error(key, _("“%(value)s” is not a number of days.") % {"value": value})
            return None
        return int(value)


@dataclass
class ImportContext:
    """What rows are checked against, read once for the whole file."""

    register: Register
    categories: dict[str, RiskCategory]  # casefolded code and name -> category
    users: dict[str, object]  # casefolded username and email -> user
    owner_problems: dict[int, str] = field(default_factory=dict)  # user pk -> why not


def import_context(register: Register, owner_texts: Iterable[str]) -> ImportContext:
    categories: dict[str, RiskCategory] = {}
    for category in RiskCategory.objects.order_by("-is_active", "position"):
        for name in (category.code, category.name):
            categories.setdefault(name.casefold(), category)
    wanted = {text.casefold() for text in owner_texts if text}
    users: dict[str, object] = {}
    if wanted:
        found = (
            get_user_model()
            .objects.annotate(u=Lower("username"), e=Lower("email"))
            .filter(Q(u__in=wanted) | Q(e__in=wanted))
        )
        for user in found:
            users.setdefault(user.username.casefold(), user)
            if user.email:
                users.setdefault(user.email.casefold(), user)
    context = ImportContext(register=register, categories=categories, users=users)
    for user in {u.pk: u for u in users.values()}.values():
        if not user.is_active:
            context.owner_problems[user.pk] = _("%(user)s is no longer active.") % {"user": user}
            continue
        try:
            # Asked once per person, not once per row.
            risk_services.validate_owner(register, user)
        except ValidationError as error:
            context.owner_problems[user.pk] = " ".join(error.messages)
    return context


def _read_row(number: int, cells: dict[str, str], context: ImportContext) -> ImportRow:
    row = ImportRow(row=number)
    r = _Reader(row, cells)
    data = row.data
    data["title"] = r.text("title", max_length=200)
    if not data["title"]:
        r.error("title", _("A title is required."))
    for key in ("cause", "event", "effect", "triggers"):
        data[key] = r.text(key)
    for key, name in (
        ("response", "response_summary"),
        ("contingency", "contingency_plan"),
        ("fallback", "fallback_plan"),
    ):
        data[name] = r.text(key)

    category_text = r.text("category", max_length=100)
    data["category"] = None
    if category_text:
        category = context.categories.get(category_text.casefold())
        if category is None:
            r.error(
                "category",
                _("“%(value)s” is not a category; use a code or name from the categories page.")
                % {"value": category_text},
            )
        elif not category.is_active:
            r.error(
                "category",
                _("“%(value)s” is no longer in use; choose another category.")
                % {"value": category.name},
            )
        else:
            data["category"] = category.pk
            row.shown["category"] = category.name

    kind_text = r.text("kind", max_length=40)
    kind = _choice(kind_text, RiskKind.choices) if kind_text else RiskKind.THREAT.value
    if kind is None:
        r.error("kind", _("“%(value)s” is not threat or opportunity.") % {"value": kind_text})
        kind = RiskKind.THREAT.value
    data["kind"] = kind
    row.shown["kind"] = str(RiskKind(kind).label)

    owner_text = r.text("owner", max_length=254)
    data["owner"] = None
    if owner_text:
        user = context.users.get(owner_text.casefold())
        if user is None:
            r.error(
                "owner", _("Nobody has the username or e-mail “%(value)s”.") % {"value": owner_text}
            )
        elif user.pk in context.owner_problems:
            r.error("owner", context.owner_problems[user.pk])
        else:
            data["owner"] = user.pk
            row.shown["owner"] = user.get_full_name() or user.username

    status_text = r.text("status", max_length=40)
    data["status"] = ""
    if status_text:
        status = _choice(status_text, RiskStatus.choices)
        if status not in IMPORT_STATUSES:
            r.error(
                "status",
                _(
                    "“%(value)s” cannot be imported; use identified, assessed, responding or monitoring."
                )
                % {"value": status_text},
            )
        else:
            data["status"] = status
            row.shown["status"] = str(RiskStatus(status).label)

    data["proximity_date"] = r.date("proximity")
    for key in (
        "inherent_probability",
        "inherent_impact",
        "residual_probability",
        "residual_impact",
    ):
        data[key] = r.level(key)
    data["cost_impact"] = r.money("cost_impact")
    currency = r.text("currency", max_length=10).upper()
    if currency and not re.fullmatch(r"[A-Z]{3}", currency):
        r.error(
            "currency", _("“%(value)s” is not a three-letter currency code.") % {"value": currency}
        )
        currency = ""
    data["currency"] = currency or context.register.default_currency
    data["schedule_impact_days"] = r.days("schedule_impact_days")

    strategy_text = r.text("strategy", max_length=40)
    data["strategy"] = ""
    if strategy_text:
        strategy = _choice(strategy_text, Strategy.choices)
        if strategy is None:
            r.error(
                "strategy", _("“%(value)s” is not a response strategy.") % {"value": strategy_text}
            )
        else:
            data["strategy"] = strategy
            row.shown["strategy"] = str(Strategy(strategy).label)

    if not row.has_errors:
        _check_model(row, context)
    return row


# Which column a model error belongs to (field name -> column key).
FIELD_COLUMNS = {c.field: c.key for c in IMPORT_COLUMNS}
# Foreign keys were resolved above; validating them again would cost a query each.
MODEL_EXCLUDE = [
    "number",
    "reference",
    "project",
    "program",
    "portfolio",
    "category",
    "owner",
    "escalated_to",
    "identified_in",
    "created_by",
]


def _check_model(row: ImportRow, context: ImportContext) -> None:
    """The model's own rules (pairs of levels, strategy for the type, lengths)."""
    values = risk_data(row.data)
    values.pop("category", None)
    values.pop("owner", None)
    if not values.get("status"):
        values["status"] = RiskStatus.IDENTIFIED
    risk = Risk(**context.register.scope_kwargs(), **values)
    try:
        risk.full_clean(exclude=MODEL_EXCLUDE, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = FIELD_COLUMNS.get(name, "")
            for message in messages:
                row.issues.append(RowIssue(row.row, column, message))


def risk_data(data: dict) -> dict:
    """Stored row values (session-safe) back into Python values for ``risk_create``."""
    values = dict(data)
    if values.get("proximity_date"):
        values["proximity_date"] = datetime.date.fromisoformat(values["proximity_date"])
    if values.get("cost_impact") is not None:
        values["cost_impact"] = Decimal(values["cost_impact"])
    return values


def risk_import_parse(*, register: Register, data: bytes, filename: str = "") -> ParsedImport:
    """Read an uploaded CSV for ``register``: every row with its problems, nothing saved.

    Raises ImportFileError when the file as a whole cannot be used.
    """
    text = decode(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    delimiter, header_index, columns, ignored = _find_header(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    raw: list[tuple[int, dict[str, str]]] = []
    try:
        for index, cells in enumerate(reader):
            if index <= header_index or not any(cell.strip() for cell in cells):
                continue
            if len(raw) >= MAX_ROWS:
                raise ImportFileError(
                    _("The file has more than %(max)d risks; split it into several files.")
                    % {"max": MAX_ROWS}
                )
            raw.append(
                (
                    index + 1,
                    {
                        key: cells[position] if position < len(cells) else ""
                        for position, key in columns.items()
                    },
                )
            )
    except csv.Error as exc:
        raise ImportFileError(
            _("The file is not valid CSV: %(problem)s.") % {"problem": exc}
        ) from exc
    if not raw:
        raise ImportFileError(_("The file has a header row but no risks under it."))
    context = import_context(
        register, (_unquote(cells.get("owner", "").strip()) for _n, cells in raw)
    )
    rows = [_read_row(number, cells, context) for number, cells in raw]
    only_export = [
        COLUMN_BY_KEY[key].header for key in columns.values() if not COLUMN_BY_KEY[key].field
    ]
    return ParsedImport(filename=filename, rows=rows, ignored_columns=[*ignored, *only_export])


# --- Import: saving --------------------------------------------------------------------------
@transaction.atomic
def risk_import_apply(*, register: Register, by, parsed: ParsedImport) -> list[Risk]:
    """Add every parsed row to ``register`` through ``risk_create``: all rows or none.

    Raises PermissionDenied (only the register's managers import), or ValidationError
    naming the row when the file had errors or a row is refused now (say its owner left the
    team since the preview); nothing is saved then.
    """
    if not access.can_manage_register(by, register):
        raise PermissionDenied
    risk_services.ensure_register_open(register)
    if parsed.has_errors:
        raise ValidationError(_("The file has errors: correct them and upload it again."))
    if not parsed.rows:
        raise ValidationError(_("The file has no risks to import."))
    categories = RiskCategory.objects.in_bulk(
        {r.data["category"] for r in parsed.rows if r.data.get("category")}
    )
    users = get_user_model().objects.in_bulk(
        {r.data["owner"] for r in parsed.rows if r.data.get("owner")}
    )
    matrix = load_matrix()  # once for the file, not once per row
    created = []
    for row in parsed.rows:
        values = risk_data(row.data)
        values["category"] = (
            categories.get(values.get("category")) if values.get("category") else None
        )
        values["owner"] = users.get(values.get("owner")) if values.get("owner") else None
        if not values.get("status"):
            values.pop("status", None)
        unknown = set(values) - set(risk_services.CREATE_FIELDS)
        for name in unknown:
            values.pop(name)
        try:
            created.append(
                risk_services.risk_create(register=register, by=by, data=values, matrix=matrix)
            )
        except ValidationError as error:
            raise ValidationError(
                _("Row %(row)s: %(problem)s")
                % {"row": row.row, "problem": " ".join(error.messages)}
            ) from error
    return created

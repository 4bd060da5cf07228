"""Register forms: add or propose a risk, edit, assess, respond, change status, close,
reopen, and the register's filters.

Probability and impact are selects labelled from the organisation's matrix
("3 - Possible (30-50%)"), so a level outside the matrix cannot be chosen and a forged one
is refused with a message by the field.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.forms.core import DateInput, VersionedModelForm, VersionField
from risks import scoring
from risks.models import (
    Axis,
    IdentificationSession,
    MatrixLevel,
    Risk,
    RiskCategory,
    RiskKind,
    RiskStatus,
    Strategy,
)
from risks.registers import Register
from risks.selectors import register as selectors
from risks.services import risks as services

TEXTAREA = {"rows": 2}


# --- Matrix levels as choices ------------------------------------------------------------
def _number(value: Decimal) -> str:
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else f"{value.normalize()}"


def _compact(value: Decimal) -> str:
    """50000 -> 50k, 1000000 -> 1M: short enough for a select's label."""
    value = Decimal(value)
    for size, suffix in ((Decimal(1_000_000), "M"), (Decimal(1000), "k")):
        if abs(value) >= size:
            return f"{_number(value / size)}{suffix}"
    return _number(value)


def _range(lo, hi, fmt) -> str:
    if lo is None and hi is None:
        return ""
    if hi is None:
        return f"{fmt(lo)}+"
    if lo is None:
        return f"≤{fmt(hi)}"
    return f"{fmt(lo)}-{fmt(hi)}"


def level_label(level: MatrixLevel) -> str:
    """ "3 - Possible (30-50%)" or "4 - Major (cost 250k-1M, 20-40 days)"."""
    if level.axis == Axis.PROBABILITY:
        span = _range(level.probability_min, level.probability_max, _number)
        extra = f"{span}%" if span else ""
    else:
        parts = []
        cost = _range(level.cost_min, level.cost_max, _compact)
        if cost:
            parts.append(str(_("cost %(range)s")) % {"range": cost})
        days = _range(level.days_min, level.days_max, str)
        if days:
            parts.append(str(_("%(range)s days")) % {"range": days})
        extra = ", ".join(parts)
    text = f"{level.value} - {level.label}"
    return f"{text} ({extra})" if extra else text


def level_choices() -> dict[str, list[tuple[str, str]]]:
    """Choices for both axes from the matrix (one query)."""
    choices = {Axis.PROBABILITY: [("", "—")], Axis.IMPACT: [("", "—")]}
    for level in MatrixLevel.objects.order_by("axis", "value"):
        choices[level.axis].append((str(level.value), level_label(level)))
    return choices


class LevelField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(coerce=int, empty_value=None, **kwargs)


# The risk's four level fields and the matrix axis each is picked from.
ASSESSMENT_LEVELS = {
    "inherent_probability": Axis.PROBABILITY,
    "inherent_impact": Axis.IMPACT,
    "residual_probability": Axis.PROBABILITY,
    "residual_impact": Axis.IMPACT,
}


def _set_levels(form, names: dict[str, str]) -> None:
    """Replace the model's level fields by selects labelled from the matrix."""
    choices = level_choices()
    for name, axis in names.items():
        model_field = Risk._meta.get_field(name)
        form.fields[name] = LevelField(
            label=model_field.verbose_name.capitalize(),
            choices=choices[axis],
            help_text=model_field.help_text,
        )
        if form.instance.pk or getattr(form.instance, name) is not None:
            form.initial.setdefault(name, getattr(form.instance, name))


# --- Querysets a register allows ---------------------------------------------------------
def owner_queryset(register: Register):
    allowed = services.allowed_owner_ids(register)
    users = get_user_model().objects.filter(is_active=True)
    if allowed is not None:
        users = users.filter(pk__in=allowed)
    return users.order_by("last_name", "first_name", "username")


def category_queryset(current_id: int | None = None):
    wanted = Q(is_active=True)
    if current_id:
        wanted |= Q(pk=current_id)
    return RiskCategory.objects.filter(wanted).order_by("position", "name")


def _limit_links(form, register: Register) -> None:
    """Tasks and milestones of the register's project; no links outside a project."""
    if register.kind != "project":
        form.fields.pop("tasks", None)
        form.fields.pop("milestones", None)
        return
    project = register.obj
    form.fields["tasks"].queryset = project.tasks.order_by("outline", "pk")
    form.fields["milestones"].queryset = project.milestones.order_by("forecast_date", "name")
    for name in ("tasks", "milestones"):
        form.fields[name].required = False
        form.fields[name].widget.attrs["size"] = 6
    form.fields["tasks"].help_text = _("Tasks of %(code)s this risk threatens or helps.") % {
        "code": project.code
    }
    form.fields["milestones"].help_text = _("Milestones of %(code)s it affects.") % {
        "code": project.code
    }


def _statement_fieldset():
    return Fieldset(
        _("What could happen"),
        "title",
        Row(Column("cause"), Column("event"), Column("effect")),
        Row(Column("category"), Column("kind"), Column("proximity_date")),
        "triggers",
    )


WIDGETS = {
    "cause": forms.Textarea(attrs=TEXTAREA),
    "event": forms.Textarea(attrs=TEXTAREA),
    "effect": forms.Textarea(attrs=TEXTAREA),
    "triggers": forms.Textarea(attrs=TEXTAREA),
    "response_summary": forms.Textarea(attrs={"rows": 3}),
    "contingency_plan": forms.Textarea(attrs={"rows": 3}),
    "fallback_plan": forms.Textarea(attrs={"rows": 3}),
    "proximity_date": DateInput(),
}
HELP = {
    "cause": _("Because of … (a fact or a condition today)"),
    "event": _("… this may happen (the uncertain event)"),
    "effect": _("… which would lead to (the effect on objectives)"),
}


class _RegisterFormMixin:
    def _common(self, register: Register) -> None:
        self.register = register
        if "category" in self.fields:
            self.fields["category"].queryset = category_queryset(self.instance.category_id)
            self.fields["category"].empty_label = _("— none —")
        if "owner" in self.fields:
            self.fields["owner"].queryset = owner_queryset(register)
            self.fields["owner"].empty_label = _("— nobody yet —")
        self.helper = FormHelper()
        self.helper.form_tag = False


# --- Add or propose ----------------------------------------------------------------------
CREATE_STATUS_CHOICES = [
    ("", _("Set from the assessment and response")),
    (RiskStatus.IDENTIFIED, RiskStatus.IDENTIFIED.label),
    (RiskStatus.ASSESSED, RiskStatus.ASSESSED.label),
    (RiskStatus.RESPONDING, RiskStatus.RESPONDING.label),
    (RiskStatus.MONITORING, RiskStatus.MONITORING.label),
]


class RiskCreateForm(_RegisterFormMixin, forms.ModelForm):
    """A register manager's form: everything a risk has."""

    status = forms.ChoiceField(label=_("Status"), choices=CREATE_STATUS_CHOICES, required=False)

    class Meta:
        model = Risk
        fields = [*services.CREATE_FIELDS, *services.M2M_FIELDS]
        widgets = WIDGETS
        help_texts = HELP

    def __init__(self, *args, register: Register, **kwargs):
        super().__init__(*args, **kwargs)
        self._common(register)
        _set_levels(self, ASSESSMENT_LEVELS)
        # The status follows from the assessment and response unless chosen.
        self.initial["status"] = ""
        self.fields["identified_in"].queryset = IdentificationSession.objects.filter(
            register.owner_q()
        ).order_by("-held_on", "-pk")
        self.fields["identified_in"].empty_label = _("— not in a session —")
        self.fields["strategy"].choices = [("", "—"), *Strategy.choices]
        self.fields["strategy"].help_text = _(
            "Threats: avoid, transfer, mitigate, accept. Opportunities: exploit, share, "
            "enhance, accept. Either: escalate."
        )
        self.fields["currency"].initial = register.default_currency
        self.fields["currency"].required = False
        self.fields["cost_impact"].min_value = 0
        self.fields["cost_impact"].widget.attrs["min"] = 0
        _limit_links(self, register)
        links = [name for name in ("tasks", "milestones") if name in self.fields]
        self.helper.layout = Layout(
            _statement_fieldset(),
            Fieldset(
                _("Owner and status"),
                Row(Column("owner"), Column("status"), Column("identified_in")),
            ),
            Fieldset(
                _("Assessment"),
                Row(Column("inherent_probability"), Column("inherent_impact")),
                Row(Column("residual_probability"), Column("residual_impact")),
                Row(
                    Column("cost_impact", css_class="col-md-4"),
                    Column("currency", css_class="col-md-2"),
                    Column("schedule_impact_days", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("Response"),
                "strategy",
                "response_summary",
                Row(Column("contingency_plan"), Column("fallback_plan")),
            ),
            *(
                [Fieldset(_("Links into the plan"), Row(*[Column(n) for n in links]))]
                if links
                else []
            ),
        )

    def service_data(self) -> dict:
        data = {
            name: self.cleaned_data.get(name)
            for name in (*services.CREATE_FIELDS, *services.M2M_FIELDS)
            if name in self.fields
        }
        for name in ("cause", "event", "effect", "triggers", "currency"):
            if name in data and data[name] is None:
                data[name] = ""
        return data


PROPOSE_FIELDS = [
    "title",
    "cause",
    "event",
    "effect",
    "category",
    "kind",
    "proximity_date",
    "triggers",
]


class RiskProposeForm(_RegisterFormMixin, forms.ModelForm):
    """A team member's proposal: what could happen; the managers assess it in triage."""

    class Meta:
        model = Risk
        fields = PROPOSE_FIELDS
        widgets = WIDGETS
        help_texts = HELP

    def __init__(self, *args, register: Register, **kwargs):
        super().__init__(*args, **kwargs)
        self._common(register)
        self.helper.layout = Layout(_statement_fieldset())

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in PROPOSE_FIELDS}


# --- Edit, assess, respond ---------------------------------------------------------------
class _ReasonMixin:
    def _add_reason(self):
        self.fields["reason"] = forms.CharField(
            label=_("Reason for the change"),
            required=False,
            max_length=services.REASON_MAX_LENGTH,
            help_text=_("Kept in the risk's history."),
        )

    def service_data(self) -> dict:
        data = self.model_data()
        data["reason"] = self.cleaned_data.get("reason", "")
        return data


class RiskEditForm(_ReasonMixin, _RegisterFormMixin, VersionedModelForm):
    class Meta:
        model = Risk
        fields = [*services.UPDATE_FIELDS, *services.M2M_FIELDS]
        widgets = WIDGETS
        help_texts = HELP

    def __init__(self, *args, register: Register, **kwargs):
        super().__init__(*args, **kwargs)
        self._common(register)
        _limit_links(self, register)
        self._add_reason()
        links = [name for name in ("tasks", "milestones") if name in self.fields]
        self.helper.layout = Layout(
            _statement_fieldset(),
            Fieldset(_("Owner"), Row(Column("owner", css_class="col-md-6"))),
            *(
                [Fieldset(_("Links into the plan"), Row(*[Column(n) for n in links]))]
                if links
                else []
            ),
            "reason",
            "version",
        )


class RiskAssessForm(_ReasonMixin, _RegisterFormMixin, VersionedModelForm):
    class Meta:
        model = Risk
        fields = list(services.ASSESS_FIELDS)

    def __init__(self, *args, register: Register, **kwargs):
        super().__init__(*args, **kwargs)
        self._common(register)
        _set_levels(self, ASSESSMENT_LEVELS)
        self.fields["inherent_probability"].required = True
        self.fields["inherent_impact"].required = True
        self.fields["inherent_probability"].help_text = _("Before any response.")
        self.fields["residual_probability"].help_text = _(
            "Once the planned response works; leave empty until you have one."
        )
        self.fields["cost_impact"].min_value = 0
        self.fields["cost_impact"].widget.attrs["min"] = 0
        self.fields["cost_impact"].help_text = _(
            "What the effect would cost; with the probability it gives the expected monetary value."
        )
        self.fields["currency"].required = False
        self._add_reason()
        self.helper.layout = Layout(
            Fieldset(
                _("Inherent (before the response)"),
                Row(Column("inherent_probability"), Column("inherent_impact")),
            ),
            Fieldset(
                _("Residual (after the response)"),
                Row(Column("residual_probability"), Column("residual_impact")),
            ),
            Fieldset(
                _("Impact in money and time"),
                Row(
                    Column("cost_impact", css_class="col-md-4"),
                    Column("currency", css_class="col-md-2"),
                    Column("schedule_impact_days", css_class="col-md-4"),
                ),
            ),
            "reason",
            "version",
        )

    def clean_currency(self):
        return (self.cleaned_data.get("currency") or "").strip().upper()


class RiskResponseForm(_ReasonMixin, _RegisterFormMixin, VersionedModelForm):
    class Meta:
        model = Risk
        fields = list(services.RESPONSE_FIELDS)
        widgets = WIDGETS

    def __init__(self, *args, register: Register, **kwargs):
        super().__init__(*args, **kwargs)
        self._common(register)
        kind = self.instance.kind
        self.fields["strategy"].choices = [
            ("", "—"),
            *[(value, Strategy(value).label) for value in Strategy.for_kind(kind)],
        ]
        self.fields["strategy"].help_text = (
            _("Exploit, share or enhance an opportunity; accept it; or escalate it.")
            if kind == RiskKind.OPPORTUNITY
            else _("Avoid, transfer or mitigate a threat; accept it; or escalate it.")
        )
        self._add_reason()
        self.helper.layout = Layout(
            Fieldset(
                _("Response"),
                Row(Column("strategy", css_class="col-md-4")),
                "response_summary",
            ),
            Fieldset(_("If it happens"), Row(Column("contingency_plan"), Column("fallback_plan"))),
            "reason",
            "version",
        )


# --- Status, close, reopen ---------------------------------------------------------------
class RiskStatusForm(forms.Form):
    """The quick status change on the register row. Any status is accepted here so that
    the service can say why one is refused (occurred, proposed, ...)."""

    status = forms.ChoiceField(label=_("New status"), choices=RiskStatus.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=services.REASON_MAX_LENGTH,
        widget=forms.TextInput(),
    )
    version = VersionField()

    def __init__(self, *args, risk: Risk, **kwargs):
        super().__init__(*args, **kwargs)
        self.risk = risk
        self.offered = [(s, RiskStatus(s).label) for s in services.allowed_statuses(risk)]
        self.fields["status"].widget.choices = self.offered
        self.fields["status"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["comment"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["comment"].widget.attrs["placeholder"] = _("Why? (required to close)")
        if not self.is_bound:
            self.initial.setdefault("version", risk.version)


class _ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=services.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = VersionField()

    def __init__(self, *args, risk: Risk, **kwargs):
        super().__init__(*args, **kwargs)
        self.risk = risk
        if not self.is_bound:
            self.initial.setdefault("version", risk.version)
        self.helper = FormHelper()
        self.helper.form_tag = False

    @property
    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or self.risk.version


class RiskCloseForm(_ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Why is it closed?")
        self.fields["reason"].help_text = _(
            "It can no longer happen, the response removed it, the work it threatened is "
            "done... Kept in the history."
        )


class RiskReopenForm(_ReasonForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Why is it reopened?")


# --- The register's filters --------------------------------------------------------------
OPEN, ALL = "open", "all"


class RiskRegisterFilter(django_filters.FilterSet):
    """Filters of the register table. Without a status it shows the risks still in play."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), method="filter_status", empty_label=None
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=RiskCategory.objects.none(), to_field_name="code"
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=RiskKind.choices, empty_label=_("Any")
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"),
        queryset=get_user_model().objects.none(),
        to_field_name="username",
    )
    band = django_filters.ChoiceFilter(label=_("Band"), method="filter_band", empty_label=_("Any"))
    above = django_filters.ChoiceFilter(
        label=_("Appetite"),
        choices=[("yes", _("Above appetite"))],
        method="filter_above",
        empty_label=_("Any"),
    )

    class Meta:
        model = Risk
        fields = []

    def __init__(
        self,
        data=None,
        *args,
        register: Register,
        matrix: scoring.MatrixSpec,
        appetite: int | None,
        **kwargs,
    ):
        if data is not None:
            data = data.copy()
            if not data.get("status"):
                data["status"] = OPEN
        super().__init__(data, *args, **kwargs)
        self.matrix = matrix
        self.appetite = appetite
        filters = self.filters
        filters["status"].extra["choices"] = [
            (OPEN, _("Open (in play)")),
            (ALL, _("All")),
            *RiskStatus.choices,
        ]
        filters["category"].queryset = RiskCategory.objects.order_by("position", "name")
        filters["owner"].queryset = selectors.register_owners(register)
        filters["band"].extra["choices"] = [(b.code, b.label) for b in matrix.bands]

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = _("Any")
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )
        form.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username
        form.fields["q"].widget.attrs["placeholder"] = _("Reference or title")
        return form

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))

    def filter_status(self, queryset, name, value):
        if value == ALL:
            return queryset
        if value == OPEN:
            return queryset.filter(selectors.open_q())
        return queryset.filter(status=value)

    def filter_band(self, queryset, name, value):
        for band in self.matrix.bands:
            if band.code == value:
                return queryset.filter(selectors.band_q(band))
        return queryset

    def filter_above(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(selectors.above_appetite_q(self.appetite))
        return queryset

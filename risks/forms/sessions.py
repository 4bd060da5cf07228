"""Forms for identification sessions, the bulk entry of draft risks and triage.

The bulk entry and triage pages repeat one form per row, so their choices (categories,
owners, matrix levels) are computed once by the view and passed in as plain lists: a
``ModelChoiceField`` would query again for every row it renders.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.forms.core import DateInput, VersionedModelForm, VersionField
from risks.models import IdentificationMethod, IdentificationSession, Risk, RiskKind
from risks.registers import Register
from risks.selectors import sessions as selectors
from risks.services.triage import REASON_MAX_LENGTH

DEFAULT_ROWS = 8
MORE_ROWS = 8
MAX_ROWS = 50


def mark_invalid(forms_) -> None:
    """Give fields with errors Bootstrap's ``is-invalid`` (hand-rendered rows need it)."""
    for form in forms_:
        if not form.is_bound:
            continue
        for name in form.errors:
            if name in form.fields:
                widget = form.fields[name].widget
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css:
                    widget.attrs["class"] = f"{css} is-invalid".strip()


# --- Sessions ------------------------------------------------------------------------------
class SessionForm(VersionedModelForm):
    class Meta:
        model = IdentificationSession
        fields = [
            "title",
            "held_on",
            "method",
            "facilitator",
            "participants",
            "external_participants",
            "notes",
        ]
        widgets = {
            "held_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 8}),
            "participants": forms.CheckboxSelectMultiple(),
        }
        help_texts = {
            "held_on": _("Sessions are recorded once held, so not after today."),
            "notes": _("What was discussed: assumptions, concerns, follow-ups."),
        }

    def __init__(self, *args, register: Register, **kwargs):
        super().__init__(*args, **kwargs)
        self.register = register
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["facilitator"].queryset = selectors.facilitators(register)
        people = selectors.register_people(register)
        self.fields["participants"].queryset = people
        self.fields["participants"].required = False
        if register.kind == "project":
            self.fields["participants"].help_text = _(
                "The project manager, the sponsor and the team. Add anyone else below."
            )
        else:
            # Any active user may take part: a long list reads better as a multi-select.
            self.fields["participants"].widget = forms.SelectMultiple(attrs={"size": 10})
            self.fields["participants"].widget.choices = self.fields["participants"].choices
            self.fields["participants"].help_text = _("Hold Ctrl (or Cmd) to pick several people.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Session"),
                Row(Column("title", css_class="col-md-8"), Column("held_on", css_class="col-md-4")),
                Row(Column("method"), Column("facilitator")),
            ),
            Fieldset(_("Who took part"), "participants", "external_participants"),
            "notes",
            "version",
        )


class SessionFilterForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"),
        required=False,
        choices=[("", _("Any method")), *IdentificationMethod.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].widget.attrs["class"] = "form-select form-select-sm"


# --- Bulk entry of draft risks -------------------------------------------------------------
def category_choices(categories) -> list[tuple[str, str]]:
    return [("", "—"), *((str(c.pk), c.name) for c in categories)]


def _text(label, max_length, rows=None):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget)


class DraftRiskForm(forms.Form):
    """One row of the bulk entry. A row left blank is ignored; a title is all it needs."""

    TEXT_FIELDS = ("title", "cause", "event", "effect")

    title = _text(_("Title"), Risk._meta.get_field("title").max_length)
    cause = _text(_("Cause"), Risk._meta.get_field("cause").max_length, rows=2)
    event = _text(_("Event"), Risk._meta.get_field("event").max_length, rows=2)
    effect = _text(_("Effect"), Risk._meta.get_field("effect").max_length, rows=2)
    category = forms.ChoiceField(label=_("Category"), required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=RiskKind.choices, initial=RiskKind.THREAT)

    def __init__(self, *args, categories: dict, category_options: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        self.fields["category"].choices = category_options
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            css = "form-select form-select-sm" if select else "form-control form-control-sm"
            field.widget.attrs["class"] = css
        self.fields["title"].widget.attrs["placeholder"] = _("Short name")
        self.fields["cause"].widget.attrs["placeholder"] = _("Because …")
        self.fields["event"].widget.attrs["placeholder"] = _("… this may happen …")
        self.fields["effect"].widget.attrs["placeholder"] = _("… which would …")
        self.is_blank = False

    def clean_category(self):
        value = self.cleaned_data.get("category")
        if not value:
            return None
        category = self.categories.get(value)
        if category is None:
            raise forms.ValidationError(_("Choose one of the listed categories."))
        return category

    def clean(self):
        data = super().clean()
        text = {name: (data.get(name) or "").strip() for name in self.TEXT_FIELDS}
        self.is_blank = not any(text.values()) and not data.get("category") and not self.errors
        if not self.is_blank and not text["title"] and "title" not in self.errors:
            self.add_error("title", _("Give this draft a title, or clear the row."))
        data.update(text)
        return data

    def draft(self) -> dict:
        return {name: self.cleaned_data[name] for name in (*self.TEXT_FIELDS, "category", "kind")}


class BaseDraftFormSet(forms.BaseFormSet):
    default_error_messages = {
        "missing_management_form": _(
            "The form arrived incomplete. Reload the page and type the drafts again."
        ),
        "too_many_forms": _("At most %(num)d draft risks at a time."),
    }

    def __init__(self, *args, categories: list, **kwargs):
        self.category_map = {str(c.pk): c for c in categories}
        self.category_options = category_choices(categories)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "categories": self.category_map,
            "category_options": self.category_options,
            # Every row is validated: a blank row is recognised by DraftRiskForm.clean.
            "empty_permitted": False,
            "use_required_attribute": False,
        }

    def filled_forms(self) -> list[DraftRiskForm]:
        return [form for form in self.forms if not form.is_blank]

    def clean(self):
        if any(self.errors):
            return
        if not self.filled_forms():
            raise forms.ValidationError(
                _("Type at least one draft risk: a title is enough."), code="no_drafts"
            )


def draft_formset(*, categories, rows: int = DEFAULT_ROWS, data=None, initial=None):
    """The bulk entry's rows; bound to ``data`` the posted row count is used (up to 50)."""
    rows = max(1, min(rows, MAX_ROWS))
    extra = max(rows - len(initial or ()), 0)
    formset_class = forms.formset_factory(
        DraftRiskForm,
        formset=BaseDraftFormSet,
        extra=extra,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
        validate_max=True,
    )
    return formset_class(data=data, initial=initial, categories=categories, prefix="d")


def typed_rows(formset) -> list[dict]:
    """What was typed in each row of a bound formset, unvalidated (to add rows without
    showing errors for rows the user has not finished)."""
    names = [*DraftRiskForm.TEXT_FIELDS, "category", "kind"]
    return [{name: form.data.get(form.add_prefix(name), "") for name in names} for form in formset]


# --- Triage --------------------------------------------------------------------------------
def level_choices(levels) -> list[tuple[str, str]]:
    return [("", "—"), *((str(level.value), f"{level.value} · {level.label}") for level in levels)]


class AcceptForm(forms.Form):
    owner = forms.ChoiceField(
        label=_("Owner"), error_messages={"required": _("Choose who owns this risk.")}
    )
    category = forms.ChoiceField(
        label=_("Category"), error_messages={"required": _("Choose a category.")}
    )
    probability = forms.TypedChoiceField(
        label=_("Probability"), required=False, coerce=int, empty_value=None
    )
    impact = forms.TypedChoiceField(label=_("Impact"), required=False, coerce=int, empty_value=None)
    version = VersionField()

    def __init__(self, *args, choices: "TriageChoices", **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["owner"].choices = choices.owner_options
        self.fields["category"].choices = choices.category_options
        self.fields["probability"].choices = choices.probability_options
        self.fields["impact"].choices = choices.impact_options
        for name in ("owner", "category", "probability", "impact"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"

    @classmethod
    def for_risk(cls, risk: Risk, choices: "TriageChoices", data=None) -> "AcceptForm":
        initial = {
            "owner": str(risk.owner_id) if risk.owner_id else "",
            "category": str(risk.category_id) if risk.category_id else "",
            "probability": risk.inherent_probability,
            "impact": risk.inherent_impact,
            "version": risk.version,
        }
        return cls(data, prefix=f"a{risk.pk}", initial=initial, choices=choices)

    def clean_owner(self):
        return self.choices.owners.get(self.cleaned_data["owner"])

    def clean_category(self):
        return self.choices.categories.get(self.cleaned_data["category"])


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        error_messages={
            "required": _(
                "Say why it is rejected, e.g. a duplicate of another risk: give its reference."
            )
        },
    )
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["class"] = "form-control form-control-sm"

    @classmethod
    def for_risk(cls, risk: Risk, data=None) -> "RejectForm":
        form = cls(data, prefix=f"x{risk.pk}", initial={"version": risk.version})
        # An example in the register's own numbering: PRJ-0042-R07 -> PRJ-0042-R01.
        example = risk.reference.rsplit("-", 1)[0] + "-R01"
        form.fields["reason"].widget.attrs["placeholder"] = _("e.g. duplicate of %(ref)s") % {
            "ref": example
        }
        return form


class TriageChoices:
    """The options every triage row offers, loaded once per page."""

    def __init__(self, *, register: Register, matrix):
        people = list(selectors.register_people(register))
        categories = selectors.active_categories()
        self.owners = {str(u.pk): u for u in people}
        self.categories = {str(c.pk): c for c in categories}
        self.owner_options = [("", "—"), *((str(u.pk), str(u)) for u in people)]
        self.category_options = category_choices(categories)
        self.probability_options = level_choices(matrix.probability)
        self.impact_options = level_choices(matrix.impact)

    def include_category(self, category) -> None:
        """A proposed risk may carry a category retired since: keep it selectable."""
        if category is not None and str(category.pk) not in self.categories:
            self.categories[str(category.pk)] = category
            self.category_options.append((str(category.pk), str(category)))

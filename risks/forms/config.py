"""Forms of the PMO's risk standards: the matrix (levels and bands), categories, appetite.

The matrix form is one form per row, each prefixed by the row's id (``level-7-label``,
``band-3-min_score``), so a posted value can only ever reach the row it was typed for.
"""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects.forms.core import VersionedModelForm, VersionField
from risks.models import MatrixLevel, RiskAppetite, RiskCategory, ScoreBand
from risks.services.config import BAND_FIELDS, LEVEL_FIELDS

NEW_BAND_PREFIX = "band-new"
_BAND_KEY = re.compile(r"^band-(\d+)-version$")


def _model_field(model, name: str, **attrs) -> forms.Field:
    field = model._meta.get_field(name).formfield()
    css = attrs.pop("class", "")
    field.widget.attrs.update(attrs)
    field.widget.attrs["class"] = f"form-control form-control-sm {css}".strip()
    return field


def mark_invalid(form) -> None:
    """Bootstrap's error look on each field with an error, tied to its message."""
    if not form.is_bound:
        return
    for name in form.errors:
        if name not in form.fields:
            continue
        attrs = form.fields[name].widget.attrs
        if "is-invalid" not in attrs.get("class", ""):
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{form[name].auto_id}-error"


class LevelForm(forms.Form):
    """One level of the matrix: the fields that mean something on its axis."""

    version = VersionField()

    def __init__(self, *args, level: MatrixLevel, **kwargs):
        kwargs.setdefault("prefix", f"level-{level.pk}")
        if not args and "data" not in kwargs:
            kwargs.setdefault(
                "initial",
                {
                    "version": level.version,
                    **{name: getattr(level, name) for name in LEVEL_FIELDS[level.axis]},
                },
            )
        super().__init__(*args, **kwargs)
        self.level = level
        for name in LEVEL_FIELDS[level.axis]:
            numeric = name not in ("label", "description")
            attrs = {"inputmode": "decimal", "class": "num"} if numeric else {}
            self.fields[name] = _model_field(MatrixLevel, name, **attrs)
            if name == "description":
                self.fields[name].widget = forms.TextInput(
                    attrs={"maxlength": 300, "class": "form-control form-control-sm"}
                )

    def row_data(self) -> dict:
        return {
            "pk": self.level.pk,
            "version": self.cleaned_data.get("version") or self.level.version,
            **{name: self.cleaned_data.get(name) for name in LEVEL_FIELDS[self.level.axis]},
        }


class ColourInput(forms.TextInput):
    input_type = "color"


class BandForm(forms.Form):
    """One score band; ``band`` is None for the blank row that adds a band."""

    version = VersionField()
    delete = forms.BooleanField(label=_("Remove"), required=False)

    def __init__(self, *args, band: ScoreBand | None, pk: int | None = None, **kwargs):
        self.band = band
        self.pk = band.pk if band is not None else pk
        self.is_new = self.pk is None
        kwargs.setdefault("prefix", NEW_BAND_PREFIX if self.is_new else f"band-{self.pk}")
        if not args and "data" not in kwargs and band is not None:
            kwargs.setdefault(
                "initial",
                {"version": band.version, **{name: getattr(band, name) for name in BAND_FIELDS}},
            )
        super().__init__(*args, **kwargs)
        for name in BAND_FIELDS:
            attrs = {"class": "num", "inputmode": "numeric"} if name != "label" else {}
            self.fields[name] = _model_field(ScoreBand, name, **attrs)
            self.fields[name].help_text = ""
        self.fields["colour"].widget = ColourInput(
            attrs={"class": "form-control form-control-sm form-control-color"}
        )
        if "delete" in self.fields:
            self.fields["delete"].widget.attrs["class"] = "form-check-input"
        if self.is_new:
            self.fields.pop("delete", None)
            self.empty_permitted = True
            self.use_required_attribute = False

    @property
    def removed(self) -> bool:
        return self.is_bound and not self.is_new and bool(self.cleaned_data.get("delete"))

    def full_clean(self):
        # A removed band needs no valid values: it is going away.
        if self.is_bound and not self.is_new and self.data.get(self.add_prefix("delete")):
            for name in BAND_FIELDS:
                self.fields[name].required = False
        super().full_clean()

    def has_changed(self):
        # The blank row counts as filled in once a label or a score is typed; the colour
        # input always sends a value, so it alone does not count.
        if self.is_new:
            return any(
                (self.data.get(self.add_prefix(name)) or "").strip()
                for name in ("label", "min_score", "max_score", "review_every_days")
            )
        return super().has_changed()

    def is_blank_new_row(self) -> bool:
        return self.is_new and not self.has_changed()

    def row_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in BAND_FIELDS}
        if self.is_new:
            return {"pk": None, "version": None, "delete": False, **data}
        return {
            "pk": self.pk,
            "version": self.cleaned_data.get("version") or (self.band and self.band.version),
            "delete": bool(self.cleaned_data.get("delete")),
            **data,
        }


def posted_band_ids(data) -> list[int]:
    """The bands a posted matrix form lists (their version field), in page order."""
    return [int(m.group(1)) for key in data if (m := _BAND_KEY.match(key))]


class MatrixForms:
    """All the row forms of the matrix page, validated and read together."""

    def __init__(self, levels, bands, data=None):
        self.is_bound = data is not None
        if data is None:
            self.levels = [LevelForm(level=lv) for lv in levels]
            self.bands = [BandForm(band=b) for b in bands]
            self.new_band = BandForm(band=None, initial={"colour": "#6c757d"})
        else:
            self.levels = [LevelForm(data, level=lv) for lv in levels]
            by_pk = {b.pk: b for b in bands}
            # Bands as the page listed them: one removed meanwhile keeps its id (the
            # service then answers 409), one added meanwhile is missing (409 too).
            self.bands = [BandForm(data, band=by_pk.get(pk), pk=pk) for pk in posted_band_ids(data)]
            self.new_band = BandForm(data, band=None)
        self.non_field_errors: list[str] = []

    @property
    def probability_forms(self):
        return [f for f in self.levels if f.level.axis == "probability"]

    @property
    def impact_forms(self):
        return [f for f in self.levels if f.level.axis == "impact"]

    def all_forms(self):
        return [*self.levels, *self.bands, self.new_band]

    def is_valid(self) -> bool:
        valid = True
        for form in self.all_forms():
            valid = form.is_valid() and valid
        return valid

    def band_forms_for_service(self) -> list[BandForm]:
        forms_ = list(self.bands)
        if not self.new_band.is_blank_new_row():
            forms_.append(self.new_band)
        return forms_

    def service_rows(self) -> tuple[list[dict], list[dict]]:
        return (
            [form.row_data() for form in self.levels],
            [form.row_data() for form in self.band_forms_for_service()],
        )

    def apply_errors(self, error_dict: dict[str, list[str]]) -> None:
        """Put the service's ``levels.<i>.<field>`` / ``bands.<i>.<field>`` errors in place."""
        band_forms = self.band_forms_for_service()
        for key, messages in error_dict.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[1].isdigit():
                group = self.levels if parts[0] == "levels" else band_forms
                index, field = int(parts[1]), parts[2]
                if index < len(group):
                    form = group[index]
                    form.add_error(field if field in form.fields else None, messages)
                    continue
            self.non_field_errors.extend(messages)

    def mark_invalid(self) -> None:
        for form in self.all_forms():
            mark_invalid(form)

    @property
    def has_errors(self) -> bool:
        return bool(self.non_field_errors) or any(
            form.is_bound and form.errors for form in self.all_forms()
        )


class CategoryForm(VersionedModelForm):
    class Meta:
        model = RiskCategory
        fields = ["code", "name", "description", "position", "is_active"]
        help_texts = {
            "code": _(
                "A short identifier (letters, digits, hyphens), used by imports. It cannot "
                "change later."
            ),
            "position": _("Lists show categories in this order, then by name."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("code", css_class="col-md-4"), Column("name", css_class="col-md-8")),
            "description",
            Row(Column("position", css_class="col-md-4")),
            "is_active",
            "version",
        )

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise forms.ValidationError(_("Give the category a name."))
        return name


class AppetiteForm(forms.Form):
    max_score = forms.IntegerField(
        label=capfirst(RiskAppetite._meta.get_field("max_score").verbose_name),
        min_value=1,
        max_value=25,
        help_text=RiskAppetite._meta.get_field("max_score").help_text,
        widget=forms.NumberInput(attrs={"class": "num"}),
    )
    statement = forms.CharField(
        label=capfirst(RiskAppetite._meta.get_field("statement").verbose_name),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In words: which risks the portfolio takes on willingly, and which it avoids."),
    )
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("max_score", css_class="col-md-4")), "statement", "version"
        )

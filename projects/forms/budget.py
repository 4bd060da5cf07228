"""Forms of the budget pages: a line's identity, and its amounts month by month."""

from __future__ import annotations

import re
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.budget_math import CENT
from projects.forms.core import VersionedModelForm, VersionField
from projects.models import BudgetLine

# "1,234,567.50": commas only where a thousands separator belongs.
GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")


class MoneyField(forms.DecimalField):
    """A non-negative amount with at most 14 digits before the point and 2 after it.

    Blank means zero. Thousands separators typed as in "1,234.50" or "1 234.50" are
    accepted; scientific notation is not (nobody types a budget as 1e5 on purpose).
    """

    default_error_messages = {
        "invalid": _("Enter an amount, e.g. 1250 or 1,250.50."),
        "min_value": _("Amounts cannot be negative."),
    }

    # A text box, not a number input: a browser drops what a number input cannot parse,
    # and the page must show the bad input back next to its message.
    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(max_digits=16, decimal_places=2, min_value=0, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace("\u00a0", " ")
            text = re.sub(r"(?<=\d) (?=\d{3}\b)", ",", text)
            if GROUPED.match(text):
                text = text.replace(",", "")
            if "e" in text.lower():
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = text
        return super().to_python(value)

    def clean(self, value):
        amount = super().clean(value)
        if amount is None:
            return Decimal("0.00")
        return amount.quantize(CENT)


class BudgetLineForm(VersionedModelForm):
    class Meta:
        model = BudgetLine
        fields = ["category", "description", "currency"]
        help_texts = {
            "currency": _(
                "Three-letter ISO 4217 code (CNY, EUR, GBP, USD). Amounts of different "
                "currencies are totalled separately, never added together."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].widget.attrs.update(
            {"maxlength": 3, "class": "text-uppercase", "autocomplete": "off", "size": 4}
        )
        self.fields["description"].widget.attrs["maxlength"] = 200
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("category", css_class="col-md-3"),
                Column("description", css_class="col-md-7"),
                Column("currency", css_class="col-md-2"),
            ),
            "version",
        )

    def clean_currency(self):
        return (self.cleaned_data.get("currency") or "").strip().upper()

    def clean_description(self):
        return (self.cleaned_data.get("description") or "").strip()


class MonthAmountsForm(forms.Form):
    """One month of one line; the month comes from the server, never from the request."""

    planned = MoneyField(label=_("Planned"))
    committed = MoneyField(label=_("Committed"))
    actual = MoneyField(label=_("Actual"))

    def __init__(self, *args, month, **kwargs):
        self.month = month
        super().__init__(*args, **kwargs)

    def amounts(self) -> tuple[Decimal, Decimal, Decimal]:
        return (
            self.cleaned_data["planned"],
            self.cleaned_data["committed"],
            self.cleaned_data["actual"],
        )


class BaseMonthAmountsFormSet(forms.BaseFormSet):
    """One form per month of ``months``, in order.

    ``min_num`` = ``max_num`` = ``absolute_max`` = the number of months, validated, so a
    tampered form count is refused as a whole and never shifts amounts to other months.
    """

    default_error_messages = {
        "missing_management_form": _(
            "The form arrived incomplete. Reload the page and enter the amounts again."
        ),
        "too_many_forms": _(
            "The project's months changed since you opened this page. Reload it and enter "
            "the amounts again."
        ),
        "too_few_forms": _(
            "The project's months changed since you opened this page. Reload it and enter "
            "the amounts again."
        ),
    }

    def __init__(self, *args, months, **kwargs):
        self.months = list(months)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["month"] = self.months[index]
        return kwargs

    def amounts(self) -> dict:
        return {form.month: form.amounts() for form in self.forms}


def month_amounts_formset(*, months, data=None, initial=None):
    formset_class = forms.formset_factory(
        MonthAmountsForm,
        formset=BaseMonthAmountsFormSet,
        extra=0,
        min_num=len(months),
        max_num=len(months),
        validate_min=True,
        validate_max=True,
        absolute_max=max(len(months), 1),
    )
    return formset_class(data=data, initial=initial, months=months, prefix="m")


class LineVersionForm(forms.Form):
    """The version of the line the amounts form was loaded with."""

    version = VersionField()


class LineRemoveForm(LineVersionForm):
    """The remove button's form: the version the line's page was loaded with."""

"""Action forms: add or edit a response/resolution action, and the inline status change."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from projects.forms.core import DateInput, VersionedModelForm, VersionField
from risks.models import Action, ActionStatus
from risks.registers import Register
from risks.selectors.actions import owner_choices
from risks.services.actions import NEGATIVE_COST, REQUIRED_MESSAGES


class ActionForm(VersionedModelForm):
    class Meta:
        model = Action
        fields = ["description", "owner", "due_date", "cost", "currency", "status", "note"]
        widgets = {
            "due_date": DateInput(),
            "cost": forms.NumberInput(attrs={"min": "0", "step": "0.01", "class": "text-end"}),
            "currency": forms.TextInput(
                attrs={"maxlength": 3, "size": 3, "autocapitalize": "characters"}
            ),
            "note": forms.TextInput(),
        }
        help_texts = {
            "owner": _("Who does it; they can update its status themselves."),
            "cost": _("What the action costs, if anything; not negative."),
            "currency": _("Three letters, such as EUR."),
            "status": _("Done records today as the completion date."),
        }

    def __init__(self, *args, register: Register, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_choices(register)
        # The same messages as the service, so every problem shows at once by its field.
        for name, message in REQUIRED_MESSAGES.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message
        self.fields["currency"].required = False  # empty: the register's currency
        if not self.instance.pk:
            self.fields["currency"].initial = register.default_currency
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Action"),
                "description",
                Row(
                    Column("owner", css_class="col-md-6"),
                    Column("due_date", css_class="col-md-3"),
                    Column("status", css_class="col-md-3"),
                ),
            ),
            Fieldset(
                _("Cost"),
                Row(Column("cost", css_class="col-md-4"), Column("currency", css_class="col-md-2")),
            ),
            "note",
            "version",
        )

    def clean_cost(self):
        cost = self.cleaned_data.get("cost")
        if cost is not None and cost < 0:
            raise forms.ValidationError(NEGATIVE_COST)
        return cost

    def clean_currency(self):
        return (self.cleaned_data.get("currency") or "").strip().upper()


class ActionStatusForm(forms.Form):
    """The inline status change on an action's row."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    version = VersionField()

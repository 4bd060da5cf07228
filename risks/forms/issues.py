"""Issue forms: log or edit an issue, record that a risk occurred, escalate, close, reopen,
and the issues log's filter."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.forms.core import DateInput, VersionedModelForm, VersionField
from risks.models import Issue, IssueSeverity, IssueStatus
from risks.registers import Register
from risks.selectors.actions import owner_choices
from risks.selectors.issues import STATUS_ALL, STATUS_OPEN
from risks.services.issues import (
    EDITABLE_STATUSES,
    NOTE_MAX_LENGTH,
    OWNER_REQUIRED,
    RAISED_REQUIRED,
    RESOLUTION_MAX_LENGTH,
    date_errors,
    escalation_candidates,
)


class IssueForm(VersionedModelForm):
    """Log an issue (also from a risk) or edit one. On edit, status is open / in progress."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Kept in the issue's history."),
    )

    class Meta:
        model = Issue
        fields = ["title", "description", "severity", "owner", "raised_on", "due_date", "status"]
        widgets = {
            "raised_on": DateInput(),
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "owner": _("Who sees the issue through to resolution."),
            "raised_on": _("When the problem appeared; not in the future."),
            "due_date": _("When it must be resolved by; optional."),
        }

    def __init__(self, *args, register: Register, **kwargs):
        super().__init__(*args, **kwargs)
        self.register = register
        self.fields["owner"].queryset = owner_choices(register)
        # The same messages as the service, so every problem shows at once by its field.
        self.fields["owner"].error_messages["required"] = OWNER_REQUIRED
        self.fields["raised_on"].required = True
        self.fields["raised_on"].error_messages["required"] = RAISED_REQUIRED
        editing = bool(self.instance.pk)
        if editing:
            allowed = list(EDITABLE_STATUSES)
            if self.instance.status not in allowed:
                allowed.append(self.instance.status)
            self.fields["status"].choices = [
                (value, label) for value, label in IssueStatus.choices if value in allowed
            ]
            self.fields["status"].help_text = _(
                "Escalate or close the issue with the buttons on its page."
            )
        else:
            del self.fields["status"]
            del self.fields["reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Issue"),
                "title",
                "description",
                Row(
                    Column("severity", css_class="col-md-4"),
                    Column("owner", css_class="col-md-8"),
                ),
            ),
            Fieldset(
                _("Dates and status"),
                Row(
                    Column("raised_on"),
                    Column("due_date"),
                    *([Column("status")] if editing else []),
                ),
                *([Field("reason")] if editing else []),
            ),
            "version",
        )

    def clean(self):
        data = super().clean()
        for field, messages in date_errors(data.get("raised_on"), data.get("due_date")).items():
            if field not in self.errors:
                self.add_error(field, messages)
        return data

    def model_data(self) -> dict:
        data = super().model_data()
        if "reason" in self.fields:
            data["reason"] = self.cleaned_data.get("reason", "")
        return data


class IssueFromRiskForm(IssueForm):
    """Record that a risk occurred: the new issue's fields, prefilled from the risk; the
    hidden version is the risk's (the risk's status changes too)."""

    def __init__(self, *args, risk, **kwargs):
        super().__init__(*args, **kwargs)
        self.risk = risk
        self.fields["version"].initial = risk.version

    @property
    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or self.risk.version


class EscalateForm(forms.Form):
    to = forms.ModelChoiceField(
        label=_("Escalate to"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_(
            "The project's sponsor, the program manager, the portfolio owner or PMO staff."
        ),
    )
    note = forms.CharField(
        label=_("What do you need?"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The decision or help you ask for, and by when."),
    )
    version = VersionField()

    def __init__(self, *args, register: Register, exclude_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = escalation_candidates(register)
        if exclude_user is not None:
            people = people.exclude(pk=exclude_user.pk)
        self.fields["to"].queryset = people
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("to", "note", "version")


class CloseForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        max_length=RESOLUTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("How the issue was resolved, and anything to remember next time."),
    )
    closed_on = forms.DateField(
        label=_("Closed on"), required=False, widget=DateInput(), help_text=_("Not in the future.")
    )
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("resolution", "closed_on", "version")


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it reopened?"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("reason", "version")


class IssueFilterForm(forms.Form):
    """The issues log's filter; status defaults to every open status."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (STATUS_OPEN, _("Open (any)")),
            *IssueStatus.choices,
            (STATUS_ALL, _("All")),
        ],
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("Any")), *IssueSeverity.choices]
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label=_("Anyone"),
        to_field_name="username",
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

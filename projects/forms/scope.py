"""Forms for scope items, deliverables, change requests and the decisions on them."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from projects.forms.charter import project_people
from projects.forms.core import DateInput, VersionedModelForm, VersionField
from projects.models import ChangeRequest, Deliverable, Project, ScopeItem

MAX_SCHEDULE_IMPACT_DAYS = 3650


class ScopeItemForm(VersionedModelForm):
    class Meta:
        model = ScopeItem
        fields = ["description", "in_scope", "priority"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2, "maxlength": 500})}
        help_texts = {
            "in_scope": _("Untick for something the project will explicitly not deliver."),
            "priority": _(
                "Must: the project fails without it. Should: important, not vital. "
                "Could: if time allows. Won't: agreed to leave out this time."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "description",
            Row(Column("priority", css_class="col-md-6"), Column("in_scope", css_class="col-md-6")),
            "version",
        )


class DeliverableForm(VersionedModelForm):
    class Meta:
        model = Deliverable
        fields = ["name", "description", "acceptance_criteria", "owner", "due_date"]
        widgets = {
            "name": forms.TextInput(attrs={"maxlength": 200}),
            "description": forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
            "acceptance_criteria": forms.Textarea(attrs={"rows": 4, "maxlength": 5000}),
            "due_date": DateInput(),
        }
        help_texts = {
            "acceptance_criteria": _(
                "The checks the sponsor will make before accepting it, one per line."
            ),
        }
        error_messages = {
            "acceptance_criteria": {
                "required": _("Say how the sponsor will know the deliverable is acceptable.")
            },
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["owner"].queryset = project_people(project)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "name",
            "description",
            "acceptance_criteria",
            Row(Column("owner", css_class="col-md-6"), Column("due_date", css_class="col-md-3")),
            "version",
        )

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < self.project.planned_start:
            raise forms.ValidationError(
                _("The date cannot be before the project starts (%(d)s).")
                % {"d": self.project.planned_start.isoformat()}
            )
        return due


class DeliverableDecisionForm(forms.Form):
    ACCEPT, REJECT = "accept", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[(ACCEPT, _("Accept")), (REJECT, _("Reject"))]
    )
    rejection_reason = forms.CharField(
        label=_("Reason for rejection"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )
    version = VersionField()

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == self.REJECT
            and not cleaned.get("rejection_reason", "").strip()
        ):
            self.add_error("rejection_reason", _("Say why the deliverable was rejected."))
        return cleaned


class ChangeRequestForm(VersionedModelForm):
    class Meta:
        model = ChangeRequest
        fields = ["title", "description", "schedule_impact_days", "cost_impact", "scope_impact"]
        widgets = {
            "title": forms.TextInput(attrs={"maxlength": 200}),
            "description": forms.Textarea(attrs={"rows": 5, "maxlength": 10_000}),
            "scope_impact": forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
        }
        help_texts = {
            "cost_impact": _("In the project's currency; negative when the change saves money."),
            "scope_impact": _("What is added to or taken out of scope, and which deliverables."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = self.fields["schedule_impact_days"]
        days.widget.attrs.update(
            {"min": -MAX_SCHEDULE_IMPACT_DAYS, "max": MAX_SCHEDULE_IMPACT_DAYS, "class": "num"}
        )
        self.fields["cost_impact"].widget.attrs["class"] = "num"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "title",
            "description",
            Row(
                Column("schedule_impact_days", css_class="col-md-4"),
                Column("cost_impact", css_class="col-md-4"),
            ),
            "scope_impact",
            "version",
        )

    def clean_schedule_impact_days(self):
        days = self.cleaned_data["schedule_impact_days"]
        if abs(days) > MAX_SCHEDULE_IMPACT_DAYS:
            raise forms.ValidationError(
                _("Keep the schedule impact within %(n)s working days either way.")
                % {"n": MAX_SCHEDULE_IMPACT_DAYS}
            )
        return days


class ChangeRequestDecisionForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    decision_note = forms.CharField(
        label=_("Decision note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
        help_text=_("Required for a rejection; for an approval, any conditions."),
    )
    move_baseline = forms.BooleanField(
        label=_("Move the baseline"),
        required=False,
        help_text=_(
            "Save the current plan as a new baseline named after this change request, so "
            "that slippage is measured against the approved change from now on."
        ),
    )
    version = VersionField()

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == self.REJECT and not cleaned.get("decision_note", "").strip():
            self.add_error("decision_note", _("Say why the change request is rejected."))
        if decision == self.REJECT and cleaned.get("move_baseline"):
            self.add_error(
                "move_baseline", _("Only an approved change request can move the baseline.")
            )
        return cleaned

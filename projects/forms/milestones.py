"""Milestone forms: the full create/edit form, the in-place quick update, the list filter."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.forms.core import DateInput, VersionedModelForm, VersionField
from projects.models import Milestone, Project
from projects.selectors.milestones import OPEN_STATUSES
from projects.services.milestones import COMMENT_MAX_LENGTH


def owner_choices(project: Project):
    """The project manager and the project's team: the people who can own a milestone."""
    team = project.memberships.values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk=project.project_manager_id) | Q(pk__in=team))
        .order_by("last_name", "first_name", "username")
    )


class MilestoneForm(VersionedModelForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        help_text=_("Kept in the milestone's history."),
    )

    class Meta:
        model = Milestone
        fields = [
            "name",
            "description",
            "owner",
            "forecast_date",
            "actual_date",
            "status_comment",
            "deliverables",
        ]
        widgets = {
            "forecast_date": DateInput(),
            "actual_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "status_comment": forms.TextInput(),
            "deliverables": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "forecast_date": _(
                "When you now expect it; the baseline is set when the plan is baselined."
            ),
            "actual_date": _("Only once it is achieved; not in the future."),
            "deliverables": _("Deliverables of this project that this milestone completes."),
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["owner"].queryset = owner_choices(project)
        self.fields["deliverables"].queryset = project.deliverables.order_by("due_date", "name")
        self.fields["deliverables"].required = False
        self.fields["deliverables"].label = _("Linked deliverables")
        if not project.deliverables.exists():
            self.fields["deliverables"].help_text = _(
                "This project has no deliverables yet; add them on its scope page first."
            )
        if not self.instance.pk:
            del self.fields["reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Milestone"),
                Row(Column("name", css_class="col-md-8"), Column("owner", css_class="col-md-4")),
                "description",
            ),
            Fieldset(
                _("Dates and status"),
                Row(Column("forecast_date"), Column("actual_date")),
                Field("status_comment"),
                *(["reason"] if "reason" in self.fields else []),
            ),
            "deliverables",
            "version",
        )

    def model_data(self) -> dict:
        data = super().model_data()
        if "reason" in self.fields:
            data["reason"] = self.cleaned_data.get("reason", "")
        return data


class QuickUpdateForm(forms.Form):
    """The row form: a new forecast with a comment, or "Mark achieved" with its date."""

    forecast_date = forms.DateField(label=_("Forecast date"), required=False, widget=DateInput())
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.TextInput(),
    )
    actual_date = forms.DateField(label=_("Achieved on"), required=False, widget=DateInput())
    version = VersionField()

    def __init__(self, *args, achieve: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.achieve = achieve
        for name, field in self.fields.items():
            if name != "version":
                field.widget.attrs["class"] = "form-control form-control-sm"
        self.fields["comment"].widget.attrs["placeholder"] = _("What changed, and why?")

    @classmethod
    def for_milestone(cls, milestone: Milestone) -> "QuickUpdateForm":
        return cls(
            initial={
                "forecast_date": milestone.forecast_date,
                "comment": "",
                "actual_date": timezone.localdate(),
                "version": milestone.version,
            }
        )

    def clean(self):
        data = super().clean()
        if self.achieve:
            if not data.get("actual_date") and "actual_date" not in self.errors:
                self.add_error("actual_date", _("Enter the date it was achieved."))
        else:
            if not data.get("forecast_date") and "forecast_date" not in self.errors:
                self.add_error("forecast_date", _("Enter the forecast date."))
            if not (data.get("comment") or "").strip() and "comment" not in self.errors:
                self.add_error(
                    "comment", _("Say what changed and why; the comment is kept in the history.")
                )
        return data


class MyMilestonesFilterForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"), required=False, queryset=Project.objects.none(), empty_label=_("Any")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any"))] + [(s.value, s.label) for s in OPEN_STATUSES],
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].to_field_name = "code"
        self.fields["project"].label_from_instance = lambda p: f"{p.code} {p.name}"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

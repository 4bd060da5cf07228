"""Forms for the charter: its text, SMART objectives, and the approver's decision."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.forms.core import DateInput, VersionedModelForm, VersionField
from projects.models import Charter, Project, SmartObjective
from projects.models.charter import LONG_TEXT
from projects.services.charter import COMMENT_MAX_LENGTH


def project_people(project: Project):
    """People who can own an objective or a deliverable: manager, sponsor and the team."""
    return (
        get_user_model()
        .objects.filter(
            Q(pk=project.project_manager_id)
            | Q(pk=project.sponsor_id)
            | Q(project_memberships__project=project),
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _textarea(rows: int, max_length: int):
    return forms.Textarea(attrs={"rows": rows, "maxlength": max_length})


class CharterForm(VersionedModelForm):
    class Meta:
        model = Charter
        fields = ["business_case", "assumptions", "constraints", "success_criteria"]
        widgets = {
            "business_case": _textarea(8, LONG_TEXT),
            "assumptions": _textarea(4, LONG_TEXT),
            "constraints": _textarea(4, LONG_TEXT),
            "success_criteria": _textarea(4, LONG_TEXT),
        }
        help_texts = {
            "assumptions": _("What you take as true without proof; each one is a risk to watch."),
            "constraints": _("Fixed limits: dates, budget ceilings, regulations, platforms."),
            "success_criteria": _("How the sponsor will judge the project a success at closure."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_case"].required = True
        self.fields["business_case"].error_messages["required"] = _(
            "Write the business case: why the organisation should invest."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "business_case", "assumptions", "constraints", "success_criteria", "version"
        )

    @property
    def expected_version(self):
        # No version: the charter did not exist when the form was opened.
        return self.cleaned_data.get("version")


class SmartObjectiveForm(VersionedModelForm):
    """Each field says which SMART letter it answers; metric, target and date are required."""

    class Meta:
        model = SmartObjective
        fields = [
            "outcome",
            "metric",
            "unit",
            "baseline_value",
            "target_value",
            "achievability",
            "relevance",
            "owner",
            "due_date",
        ]
        labels = {
            "outcome": _("S · Specific outcome"),
            "metric": _("M · Measure"),
            "baseline_value": _("M · Baseline value"),
            "target_value": _("M · Target value"),
            "achievability": _("A · Why it is achievable"),
            "relevance": _("R · Why it matters"),
            "due_date": _("T · Due date"),
        }
        widgets = {
            "outcome": forms.TextInput(attrs={"maxlength": 300}),
            "achievability": _textarea(3, 2000),
            "relevance": _textarea(3, 2000),
            "due_date": DateInput(),
        }
        error_messages = {
            "outcome": {"required": _("S — say what exactly will be different.")},
            "metric": {
                "required": _(
                    "M — say how progress is measured, e.g. 'share of self-served requests'."
                )
            },
            "target_value": {"required": _("M — give the value that counts as success.")},
            "due_date": {"required": _("T — give the date by which the target must be met.")},
            "owner": {"required": _("Name the person who answers for this objective.")},
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["owner"].queryset = project_people(project)
        self.fields["unit"].help_text = _("e.g. %, days, CNY, requests per month.")
        for name in ("baseline_value", "target_value"):
            self.fields[name].widget.attrs["class"] = "num"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Specific"), Field("outcome")),
            Fieldset(
                _("Measurable"),
                Row(Column("metric", css_class="col-md-6"), Column("unit", css_class="col-md-2")),
                Row(
                    Column("baseline_value", css_class="col-md-3"),
                    Column("target_value", css_class="col-md-3"),
                ),
            ),
            Fieldset(_("Achievable"), "achievability"),
            Fieldset(_("Relevant"), "relevance"),
            Fieldset(
                _("Time-bound"),
                Row(
                    Column("due_date", css_class="col-md-3"), Column("owner", css_class="col-md-5")
                ),
            ),
            "version",
        )

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < self.project.planned_start:
            raise forms.ValidationError(
                _("T — the due date cannot be before the project starts (%(d)s).")
                % {"d": self.project.planned_start.isoformat()}
            )
        return due


class CharterDecisionForm(forms.Form):
    """The sponsor's approval, or a return to draft that must say why."""

    APPROVE, RETURN = "approve", "return"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (RETURN, _("Return to draft"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX_LENGTH}),
        help_text=_("Required when you return the charter: say what must change."),
    )
    version = VersionField()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RETURN and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say what must change before you can approve."))
        return cleaned

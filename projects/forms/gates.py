"""Forms of the stage-gate pages: checklist lines, one review line, the decision."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import GateCriterion, GateDecision, GateReviewItem, Stage


class GateCriterionForm(forms.ModelForm):
    class Meta:
        model = GateCriterion
        fields = ["stage", "text", "guidance", "is_active"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "stage": _("The checklist applies when a project leaves this stage."),
            "is_active": _("Lines out of use stay in past reviews but are left out of new ones."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Closing is the last stage: no gate follows it.
        self.fields["stage"].choices = [
            (value, label)
            for value, label in self.fields["stage"].choices
            if value != Stage.CLOSING
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("stage", css_class="col-md-4")), "text", "guidance", "is_active"
        )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write the criterion."))
        return text


MET_CHOICES = [("", _("Not assessed")), ("yes", _("Met")), ("no", _("Not met"))]
MET_VALUES = {"": None, "yes": True, "no": False}


class GateItemForm(forms.Form):
    """One line of an open review: met or not, and the evidence."""

    met = forms.ChoiceField(label=_("Assessment"), choices=MET_CHOICES, required=False)
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=GateReviewItem._meta.get_field("evidence").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where a reviewer finds the proof, e.g. the signed charter's location."),
    )

    def __init__(self, *args, item: GateReviewItem, **kwargs):
        kwargs.setdefault("prefix", f"item{item.pk}")
        if "data" not in kwargs and not args:
            met = {None: "", True: "yes", False: "no"}[item.met]
            kwargs.setdefault("initial", {"met": met, "evidence": item.evidence})
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["met"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["evidence"].widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        cleaned = super().clean()
        met = MET_VALUES.get(cleaned.get("met", ""))
        cleaned["met"] = met
        if met and not cleaned.get("evidence", "").strip():
            self.add_error("evidence", _("Point to the evidence that the criterion is met."))
        return cleaned


class GateDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=GateDecision.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required unless the decision is GO: say why and what happens next."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and decision != GateDecision.GO and not cleaned.get("notes", "").strip():
            self.add_error("notes", _("Say why the project does not go ahead."))
        return cleaned

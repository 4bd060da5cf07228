"""The status report form: period, six RAG ratings, the narrative."""

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Fieldset, Layout, Row
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.forms.core import DateInput, VersionedModelForm
from projects.models import Health, StatusReport

RAG_NAMES = ("schedule", "cost", "scope", "quality", "risks", "overall")
NARRATIVE_NAMES = ("achievements", "next_steps", "blockers", "decisions_needed")


class StatusReportForm(VersionedModelForm):
    class Meta:
        model = StatusReport
        fields = [
            "period_start",
            "period_end",
            *RAG_NAMES,
            "overall_reason",
            *NARRATIVE_NAMES,
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            **dict.fromkeys(RAG_NAMES, forms.RadioSelect),
            **{name: forms.Textarea(attrs={"rows": 4}) for name in NARRATIVE_NAMES},
            "overall_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "overall_reason": _("Required when the overall rating is amber or red."),
            "decisions_needed": _("What you need from the sponsor or the steering group."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RAG_NAMES:
            # A rating is a choice of three; no empty option.
            self.fields[name].choices = Health.choices
        self.fields["overall_reason"].widget.attrs["maxlength"] = 500
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Period"),
                Row(Column("period_start"), Column("period_end")),
            ),
            Fieldset(
                _("Ratings"),
                HTML(
                    format_html(
                        '<p class="small text-body-secondary">{}</p>',
                        _("Suggested from the live plan; change any rating you judge differently."),
                    )
                ),
                Row(*[Column(InlineRadios(name), css_class="col-md-4") for name in RAG_NAMES]),
                Field("overall_reason"),
            ),
            Fieldset(
                _("Narrative"),
                Row(Column("achievements"), Column("next_steps")),
                Row(Column("blockers"), Column("decisions_needed")),
            ),
            "version",
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        overall = cleaned.get("overall")
        if overall in (Health.AMBER, Health.RED) and not cleaned.get("overall_reason", "").strip():
            self.add_error("overall_reason", _("Say why the project is amber or red overall."))
        return cleaned


class PeriodForm(forms.Form):
    """``?period_start=&period_end=`` on the new-report page: prefill for another period."""

    period_start = forms.DateField(label=_("Period start"))
    period_end = forms.DateField(label=_("Period end"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned

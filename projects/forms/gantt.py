"""The charts' small GET forms: which baseline the Gantt compares, the timeline's date window."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.forms.core import DateInput


class GanttBaselineForm(forms.Form):
    """``?baseline=<id>``: one of the project's baselines; empty means the latest."""

    baseline = forms.TypedChoiceField(
        label=_("Compare with baseline"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, baselines=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Latest baseline"))] + [
            (b.pk, f"{b.name} ({b.created_at:%Y-%m-%d})") for b in baselines
        ]
        field = self.fields["baseline"]
        field.choices = choices
        field.error_messages["invalid_choice"] = _(
            "Choose one of this project's baselines; %(value)s is not one of them."
        )
        field.widget.attrs.update({"class": "form-select form-select-sm"})


class TimelineWindowForm(forms.Form):
    """``?from=&to=``: the dates shown; both optional, inclusive, in order."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the fields are added here rather than declared.
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=DateInput(attrs={"class": "form-control form-control-sm"}),
                error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", _("The end of the window cannot be before its start."))
        return cleaned

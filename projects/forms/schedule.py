"""Forms of the schedule pages: tasks, dependencies, progress, baselines, working calendars."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.forms.core import DateInput, VersionedModelForm
from projects.models import DependencyType, Task, WorkCalendar
from projects.services.schedule import MAX_LAG_DAYS

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
# Fields a phase takes from its tasks; its form leaves them out.
PHASE_ROLLED_UP = (
    "duration_days",
    "planned_start",
    "planned_finish",
    "percent_complete",
    "estimated_effort_hours",
    "actual_effort_hours",
)


def team_of(project):
    """The people a task can be assigned to: the manager and the team."""
    return (
        get_user_model()
        .objects.filter(Q(pk=project.project_manager_id) | Q(project_memberships__project=project))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _subtree(project, root_id: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pk, parent in Task.objects.filter(project=project).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, level = {root_id}, [root_id]
    while level:
        level = [kid for node in level for kid in children.get(node, ())]
        found.update(level)
    return found


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.outline} {obj.name}".strip()


class TaskForm(VersionedModelForm):
    planned_finish = forms.DateField(
        label=_("Finish"),
        required=False,
        widget=DateInput(),
        help_text=_("With a start: the working days from start to finish become the duration."),
    )

    class Meta:
        model = Task
        fields = [
            "parent",
            "position",
            "name",
            "description",
            "duration_days",
            "planned_start",
            "assignee",
            "percent_complete",
            "estimated_effort_hours",
            "actual_effort_hours",
        ]
        field_classes = {"parent": TaskChoiceField}
        widgets = {
            "planned_start": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"planned_start": _("Start")}

    def __init__(self, *args, project, is_phase: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.is_phase = is_phase
        phases = Task.objects.filter(project=project).order_by("sort_key")
        if self.instance.pk:
            phases = phases.exclude(pk__in=_subtree(project, self.instance.pk))
        self.fields["parent"].queryset = phases
        self.fields["parent"].required = False
        self.fields["parent"].empty_label = _("— top level —")
        self.fields["parent"].help_text = _("The phase this task belongs to.")
        self.fields["position"].required = False
        self.fields["position"].min_value = 1
        self.fields["position"].widget.attrs["min"] = 1
        self.fields["position"].label = _("Position in the phase")
        self.fields["position"].help_text = _("1 is first; leave empty to add it last.")
        if not self.instance.pk:
            self.initial.pop("position", None)
            self.fields["position"].initial = None
        self.fields["assignee"].queryset = team_of(project)
        duration = self.fields["duration_days"]
        duration.required = False
        duration.help_text = _("Working days; 0 makes a milestone. Or give a start and a finish.")
        for name in ("estimated_effort_hours", "actual_effort_hours"):
            self.fields[name].validators.append(MinValueValidator(0))
            self.fields[name].widget.attrs["min"] = 0
        if is_phase:
            for name in PHASE_ROLLED_UP:
                self.fields.pop(name, None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        dates = (
            []
            if is_phase
            else [
                Fieldset(
                    _("Dates"),
                    Row(
                        Column("duration_days"),
                        Column("planned_start"),
                        Column("planned_finish"),
                    ),
                ),
                Fieldset(
                    _("Progress and effort"),
                    Row(
                        Column("percent_complete"),
                        Column("estimated_effort_hours"),
                        Column("actual_effort_hours"),
                    ),
                ),
            ]
        )
        self.helper.layout = Layout(
            Fieldset(
                _("Task"),
                Row(Column("parent", css_class="col-md-8"), Column("position")),
                "name",
                "description",
                "assignee",
            ),
            *dates,
            "version",
        )

    def clean(self):
        cleaned = super().clean()
        if self.is_phase:
            return cleaned
        start = cleaned.get("planned_start")
        finish = cleaned.get("planned_finish")
        if finish is not None and start is None and "planned_start" not in self.errors:
            self.add_error(
                "planned_start", _("Give the start too, or give a duration instead of a finish.")
            )
        elif finish is not None and start is not None and finish < start:
            self.add_error("planned_finish", _("The finish cannot be before the start."))
        if (
            finish is None
            and cleaned.get("duration_days") is None
            and "duration_days" not in self.errors
        ):
            self.add_error("duration_days", _("Give a duration, or a start and a finish."))
        return cleaned

    def _post_clean(self):
        # A blank duration with a finish is filled by the service; keep the model happy.
        if self.cleaned_data.get("duration_days") is None and not self.is_phase:
            self.cleaned_data["duration_days"] = self.instance.duration_days or 0
        super()._post_clean()

    def model_data(self) -> dict:
        data = super().model_data()
        if not self.is_phase and self.cleaned_data.get("planned_finish") is not None:
            data["planned_finish"] = self.cleaned_data["planned_finish"]
        if self.instance.pk is None and data.get("position") is None:
            data.pop("position", None)
        return data


class DependencyForm(forms.Form):
    predecessor = TaskChoiceField(
        label=_("Predecessor"), queryset=Task.objects.none(), empty_label=None
    )
    type = forms.ChoiceField(
        label=_("Type"), choices=DependencyType.choices, initial=DependencyType.FS
    )
    lag_days = forms.IntegerField(
        label=_("Lag (working days)"),
        initial=0,
        min_value=-MAX_LAG_DAYS,
        max_value=MAX_LAG_DAYS,
        help_text=_("Negative for a lead."),
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        # Phases are not linked, their tasks are (projects.services.schedule).
        self.fields["predecessor"].queryset = (
            Task.objects.filter(project_id=task.project_id, children__isnull=True)
            .exclude(pk=task.pk)
            .order_by("sort_key")
        )


class ProgressForm(forms.Form):
    percent_complete = forms.IntegerField(label=_("% complete"), min_value=0, max_value=100)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class BaselineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-4"), Column("note", css_class="col-md-8"))
        )


CURRENT = "current"


class CompareForm(forms.Form):
    old = forms.ChoiceField(label=_("Compare"))
    new = forms.ChoiceField(label=_("with"))

    def __init__(self, *args, baselines, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(CURRENT, _("Current plan"))] + [
            (str(b.pk), f"{b.name} ({timezone.localtime(b.created_at):%Y-%m-%d})")
            for b in baselines
        ]
        for name in ("old", "new"):
            self.fields[name].choices = choices
            self.fields[name].widget.attrs["class"] = "form-select"


class WorkCalendarForm(forms.ModelForm):
    weekend_days = forms.TypedMultipleChoiceField(
        label=_("Weekend days"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Days that are not worked; at least one day must be worked."),
    )

    class Meta:
        model = WorkCalendar
        fields = ["name", "weekend_days", "is_default"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def validate_unique(self):
        # Unique names only: "one default calendar" is kept by the service, which lets the
        # old default step down when this one takes over.
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions())
        except ValidationError as error:
            self._update_errors(error)


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("date", css_class="col-md-4"), Column("name", css_class="col-md-8"))
        )

"""Forms of the schedule risk pages: the analysis settings (a GET form) and the three-point
estimates of the tasks (one row per task, each with the task's version)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from projects.forms.core import VersionField
from risks.schedule_risk import DEFAULT_ITERATIONS
from risks.services.estimates import MAX_ESTIMATE_DAYS

MIN_ITERATIONS = 1_000
MAX_ITERATIONS = 50_000
# The simulation holds a few (tasks x iterations) arrays of floats: about 65 MB per million
# task-iterations. Large plans get fewer iterations than 50,000 (never fewer than the
# default), so that one page view cannot take gigabytes of memory.
MAX_TASK_ITERATIONS = 10_000_000
DEFAULT_SEED = 1
MAX_SEED = 2**32 - 1
DISTRIBUTION_CHOICES = [
    ("triangular", _("Triangular")),
    ("pert", _("PERT (beta)")),
]
DEFAULT_DISTRIBUTION = "triangular"


class WholeNumberField(forms.IntegerField):
    """A whole number typed in a text box; "5,000" and "5 000" are read as 5000.

    A text box rather than a number input: a browser drops what a number input cannot parse,
    and the page must show the bad input back next to its message.
    """

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", "")
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        return attrs


# --- the analysis --------------------------------------------------------------------------
def _grouped(number: int) -> str:
    return number_format(number, force_grouping=True)


def max_iterations(task_count: int) -> int:
    """The most iterations a plan of ``task_count`` tasks may run (rounded to hundreds)."""
    if task_count <= 0:
        return MAX_ITERATIONS
    fitting = MAX_TASK_ITERATIONS // task_count // 100 * 100
    return max(DEFAULT_ITERATIONS, min(MAX_ITERATIONS, fitting))


class ScheduleRiskForm(forms.Form):
    """``?iterations=&seed=&distribution=``; every field may be left out for its default."""

    iterations = WholeNumberField(
        label=_("Iterations"),
        required=False,
        min_value=MIN_ITERATIONS,
        max_value=MAX_ITERATIONS,
        help_text=_("From 1,000 to 50,000. More iterations give steadier percentiles."),
        error_messages={
            "min_value": _("Give from 1,000 to 50,000 iterations."),
            "max_value": _("Give from 1,000 to 50,000 iterations."),
        },
    )
    seed = WholeNumberField(
        label=_("Seed"),
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text=_("The same seed gives the same results; change it to draw other samples."),
        error_messages={
            "min_value": _("Give a whole number from 0 to 4,294,967,295."),
            "max_value": _("Give a whole number from 0 to 4,294,967,295."),
        },
    )
    distribution = forms.ChoiceField(
        label=_("Distribution"),
        required=False,
        choices=DISTRIBUTION_CHOICES,
        help_text=_("PERT weighs the most likely duration more than the triangular does."),
    )

    DEFAULTS = {
        "iterations": DEFAULT_ITERATIONS,
        "seed": DEFAULT_SEED,
        "distribution": DEFAULT_DISTRIBUTION,
    }

    def __init__(self, *args, task_count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_iterations = max_iterations(task_count)
        self.task_count = task_count
        if self.max_iterations < MAX_ITERATIONS:
            self.fields["iterations"].help_text = _(
                "From 1,000 to %(max)s for this plan's %(tasks)s tasks."
            ) % {"max": _grouped(self.max_iterations), "tasks": _grouped(task_count)}
        self.fields["distribution"].error_messages["invalid_choice"] = _(
            "Choose triangular or PERT; “%(value)s” is not one of them."
        )
        for name, value in self.DEFAULTS.items():
            self.fields[name].initial = value

    def clean_iterations(self):
        iterations = self.cleaned_data.get("iterations")
        if iterations is not None and iterations > self.max_iterations:
            raise ValidationError(
                _(
                    "This plan has %(tasks)s tasks: run at most %(max)s iterations at a time "
                    "(the simulation's memory grows with tasks times iterations)."
                )
                % {"tasks": _grouped(self.task_count), "max": _grouped(self.max_iterations)},
                code="too_large",
            )
        return iterations

    def clean(self):
        cleaned = super().clean()
        for name, value in self.DEFAULTS.items():
            if name not in self.errors and cleaned.get(name) in (None, ""):
                cleaned[name] = value
        return cleaned


# --- three-point estimates ------------------------------------------------------------------
STALE_PLAN = _(
    "The plan changed since you opened this page: reload it and enter the estimates again."
)


class TaskEstimateForm(forms.Form):
    """One task's optimistic and pessimistic durations; the task comes from the server and the
    posted id only confirms that the row still is that task. (The field is ``task_id`` so
    that templates reach the task itself as ``form.task``.)"""

    task_id = forms.IntegerField(widget=forms.HiddenInput)
    version = VersionField()
    optimistic_days = WholeNumberField(
        label=_("Optimistic"), required=False, min_value=0, max_value=MAX_ESTIMATE_DAYS
    )
    pessimistic_days = WholeNumberField(
        label=_("Pessimistic"), required=False, min_value=0, max_value=MAX_ESTIMATE_DAYS
    )

    def __init__(self, *args, task, **kwargs):
        self.task = task
        super().__init__(*args, **kwargs)

    def clean_task_id(self):
        if self.cleaned_data.get("task_id") != self.task.pk:
            raise ValidationError(STALE_PLAN, code="moved")
        return self.task.pk

    def clean(self):
        cleaned = super().clean()
        planned = self.task.duration_days
        low, high = cleaned.get("optimistic_days"), cleaned.get("pessimistic_days")
        if low is not None and low > planned:
            # The same words as Task.clean, so the translation is shared.
            self.add_error(
                "optimistic_days", _("The optimistic duration cannot exceed the planned one.")
            )
        if high is not None and high < planned:
            self.add_error(
                "pessimistic_days", _("The pessimistic duration cannot be below the planned one.")
            )
        return cleaned


class BaseEstimatesFormSet(forms.BaseFormSet):
    """One form per task of ``tasks``, in order; the form count must match it exactly, so a
    tampered or outdated form is refused as a whole and never shifts values to other tasks."""

    default_error_messages = {
        "missing_management_form": _(
            "The form arrived incomplete. Reload the page and enter the estimates again."
        ),
        "too_many_forms": STALE_PLAN,
        "too_few_forms": STALE_PLAN,
    }

    def __init__(self, *args, tasks, **kwargs):
        self.tasks = list(tasks)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["task"] = self.tasks[index]
        return kwargs


def estimates_formset(*, tasks, data=None):
    """The estimates of ``tasks``: bound to ``data``, or showing what is stored."""
    count = len(tasks)
    formset_class = forms.formset_factory(
        TaskEstimateForm,
        formset=BaseEstimatesFormSet,
        extra=0,
        min_num=count,
        max_num=count,
        validate_min=True,
        validate_max=True,
        absolute_max=max(count, 1),
    )
    initial = None
    if data is None:
        initial = [
            {
                "task_id": t.pk,
                "version": t.version,
                "optimistic_days": t.optimistic_days,
                "pessimistic_days": t.pessimistic_days,
            }
            for t in tasks
        ]
    return formset_class(data=data, initial=initial, tasks=tasks, prefix="e")


class FillRatiosForm(forms.Form):
    """Percentages of the planned duration that fill the rows still without estimates."""

    optimistic_percent = WholeNumberField(
        # xgettext:no-python-format
        label=_("Optimistic, % of planned"),
        min_value=1,
        max_value=100,
        initial=80,
    )
    pessimistic_percent = WholeNumberField(
        # xgettext:no-python-format
        label=_("Pessimistic, % of planned"),
        min_value=100,
        max_value=1000,
        initial=150,
    )

    def estimate(self, planned: int) -> tuple[int, int]:
        """(optimistic, pessimistic) whole days for ``planned``: the optimistic rounded down
        (but at least one day), the pessimistic rounded up, so both stay on their side."""
        low = self.cleaned_data["optimistic_percent"]
        high = self.cleaned_data["pessimistic_percent"]
        optimistic = min(planned, max(1, planned * low // 100))
        pessimistic = max(planned, -(-planned * high // 100))
        return optimistic, pessimistic

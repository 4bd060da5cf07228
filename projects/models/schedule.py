"""The work breakdown structure: phases and tasks, their dependencies, working calendars."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.core.models import TimeStampedModel, VersionedModel


def default_weekend():
    return [5, 6]  # Saturday, Sunday (date.weekday() numbers)


class WorkCalendar(TimeStampedModel):
    """Which days are worked: weekends and holidays. PMO staff keep them."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    weekend_days = models.JSONField(
        _("weekend days"),
        default=default_weekend,
        help_text=_("Weekday numbers that are not worked: 0 Monday … 6 Sunday."),
    )
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_calendar"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        days = self.weekend_days
        if not isinstance(days, list) or any(d not in range(7) for d in days) or len(days) > 6:
            raise ValidationError(
                {
                    "weekend_days": _(
                        "Give weekday numbers from 0 (Monday) to 6; at least one day must be worked."
                    )
                }
            )


class Holiday(models.Model):
    calendar = models.ForeignKey(
        WorkCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="holidays",
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_unique_date"),
        ]

    def __str__(self):
        return f"{self.date} {self.name}"


class Task(VersionedModel):
    """A WBS element. Elements with children are phases: their dates and progress roll up."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("phase"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    # "1.2.3": kept by the services whenever the tree changes, so lists sort without recursion.
    outline = models.CharField(_("WBS number"), max_length=60, blank=True, editable=False)
    sort_key = models.CharField(max_length=240, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    duration_days = models.PositiveIntegerField(
        _("duration (working days)"), default=1, validators=[MaxValueValidator(5000)]
    )
    planned_start = models.DateField(
        _("start no earlier than"),
        null=True,
        blank=True,
        help_text=_("Leave empty to start as soon as the predecessors allow."),
    )
    optimistic_days = models.PositiveIntegerField(_("optimistic duration"), null=True, blank=True)
    pessimistic_days = models.PositiveIntegerField(_("pessimistic duration"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tasks",
    )
    percent_complete = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("% complete"),
        default=0,
        validators=[MaxValueValidator(100)],
    )
    estimated_effort_hours = models.DecimalField(
        _("estimated effort (hours)"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    actual_effort_hours = models.DecimalField(
        _("actual effort (hours)"), max_digits=9, decimal_places=1, null=True, blank=True
    )
    # Results of the last scheduling run (projects.scheduling), stored for fast pages.
    early_start = models.DateField(_("early start"), null=True, blank=True, editable=False)
    early_finish = models.DateField(_("early finish"), null=True, blank=True, editable=False)
    late_start = models.DateField(_("late start"), null=True, blank=True, editable=False)
    late_finish = models.DateField(_("late finish"), null=True, blank=True, editable=False)
    total_float = models.IntegerField(_("total float"), null=True, blank=True, editable=False)
    free_float = models.IntegerField(_("free float"), null=True, blank=True, editable=False)
    is_critical = models.BooleanField(_("critical"), default=False, editable=False)
    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "early_start",
            "early_finish",
            "late_start",
            "late_finish",
            "total_float",
            "free_float",
            "is_critical",
            "sort_key",
        ]
    )

    # The WBS number follows from phase and position, which the history already shows.
    history_hidden_fields = ("outline",)

    class Meta:
        ordering = ["project", "sort_key"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100), name="task_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(estimated_effort_hours__isnull=True) | Q(estimated_effort_hours__gte=0),
                name="task_estimate_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(actual_effort_hours__isnull=True) | Q(actual_effort_hours__gte=0),
                name="task_actual_not_negative",
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="task_not_own_phase"),
        ]
        indexes = [
            # The schedule page reads a project's tasks in WBS order.
            models.Index(fields=["project", "sort_key"], name="task_project_wbs_idx"),
        ]

    def __str__(self):
        return f"{self.outline} {self.name}".strip()

    def clean(self):
        errors = {}
        if self.optimistic_days is not None and self.optimistic_days > self.duration_days:
            errors["optimistic_days"] = _("The optimistic duration cannot exceed the planned one.")
        if self.pessimistic_days is not None and self.pessimistic_days < self.duration_days:
            errors["pessimistic_days"] = _(
                "The pessimistic duration cannot be below the planned one."
            )
        if self.parent_id and self.parent.project_id != self.project_id:
            errors["parent"] = _("The phase belongs to another project.")
        if errors:
            raise ValidationError(errors)


class DependencyType(models.TextChoices):
    FS = "FS", _("Finish to start")
    SS = "SS", _("Start to start")
    FF = "FF", _("Finish to finish")
    SF = "SF", _("Start to finish")


class Dependency(TimeStampedModel):
    predecessor = models.ForeignKey(
        Task,
        verbose_name=_("predecessor"),
        on_delete=models.CASCADE,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        Task,
        verbose_name=_("successor"),
        on_delete=models.CASCADE,
        related_name="predecessor_links",
    )
    type = models.CharField(
        _("type"), max_length=2, choices=DependencyType.choices, default=DependencyType.FS
    )
    lag_days = models.IntegerField(
        _("lag (working days)"),
        default=0,
        help_text=_("Positive waits after the predecessor; negative is a lead."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="dependency_unique"),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="dependency_not_on_itself",
                violation_error_message=_("A task cannot depend on itself."),
            ),
        ]

    def __str__(self):
        return f"{self.predecessor_id} {self.type}{self.lag_days:+d} {self.successor_id}"

"""Milestones (baseline, forecast, actual) and saved baselines of the whole plan."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.core.models import VersionedModel


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")
    ACHIEVED = "achieved", _("Achieved")
    MISSED = "missed", _("Missed")


def milestone_status(
    *,
    baseline: datetime.date | None,
    forecast: datetime.date,
    actual: datetime.date | None,
    today: datetime.date,
    tolerance_days: int,
) -> str:
    """Derive a milestone's status from its dates; nobody sets it by hand.

    - achieved: it has an actual date;
    - missed: the forecast date has passed without an actual date;
    - planned: no baseline yet (the plan is not baselined);
    - late: the forecast slips past the baseline by more than the tolerance;
    - at risk: the forecast slips past the baseline, within the tolerance;
    - on track: forecast on or before the baseline.
    """
    if actual is not None:
        return MilestoneStatus.ACHIEVED
    if forecast < today:
        return MilestoneStatus.MISSED
    if baseline is None:
        return MilestoneStatus.PLANNED
    slip = (forecast - baseline).days
    if slip > tolerance_days:
        return MilestoneStatus.LATE
    if slip > 0:
        return MilestoneStatus.AT_RISK
    return MilestoneStatus.ON_TRACK


class Milestone(VersionedModel):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_milestones",
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True, editable=False)
    forecast_date = models.DateField(_("forecast date"))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    status_comment = models.CharField(_("status comment"), max_length=500, blank=True)
    task = models.OneToOneField(
        "projects.Task",
        verbose_name=_("schedule task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestone",
        help_text=_("The zero-duration task that places this milestone in the schedule."),
    )
    deliverables = models.ManyToManyField(
        "projects.Deliverable",
        verbose_name=_("deliverables"),
        blank=True,
        related_name="milestones",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["project", "forecast_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            # "My milestones" and the portfolio timeline read by owner and date.
            models.Index(fields=["owner", "forecast_date"], name="milestone_owner_date_idx"),
        ]

    def __str__(self):
        return self.name

    def status_on(self, today: datetime.date) -> str:
        return milestone_status(
            baseline=self.baseline_date,
            forecast=self.forecast_date,
            actual=self.actual_date,
            today=today,
            tolerance_days=settings.MILESTONE_AT_RISK_TOLERANCE_DAYS,
        )

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self) -> str:
        return str(MilestoneStatus(self.status).label)

    @property
    def slip_days(self) -> int | None:
        """Calendar days between baseline and forecast (or actual); positive is late."""
        if self.baseline_date is None:
            return None
        return ((self.actual_date or self.forecast_date) - self.baseline_date).days


class Baseline(models.Model):
    """A named copy of the plan's dates, to compare against later."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="baselines",
    )
    name = models.CharField(_("name"), max_length=100)
    note = models.CharField(_("note"), max_length=500, blank=True)
    snapshot = models.JSONField(_("plan"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["project", "-created_at"]
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="baseline_unique_name"),
        ]

    def __str__(self):
        return self.name

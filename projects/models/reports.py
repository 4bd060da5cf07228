"""Periodic status reports with RAG ratings; the latest submitted one sets project health."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.core.models import VersionedModel
from projects.models.core import Health

NARRATIVE = {"blank": True, "max_length": 10_000}


class StatusReport(VersionedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="status_reports",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    schedule = models.CharField(_("schedule"), max_length=5, choices=Health.choices)
    cost = models.CharField(_("cost"), max_length=5, choices=Health.choices)
    scope = models.CharField(_("scope"), max_length=5, choices=Health.choices)
    quality = models.CharField(_("quality"), max_length=5, choices=Health.choices)
    risks = models.CharField(_("risks"), max_length=5, choices=Health.choices)
    overall = models.CharField(_("overall"), max_length=5, choices=Health.choices)
    overall_reason = models.CharField(
        _("reason for the overall rating"), max_length=500, blank=True
    )
    achievements = models.TextField(_("achievements this period"), **NARRATIVE)
    next_steps = models.TextField(_("next steps"), **NARRATIVE)
    blockers = models.TextField(_("blockers"), **NARRATIVE)
    decisions_needed = models.TextField(_("decisions needed"), **NARRATIVE)
    # Live figures copied when the report was prefilled, so the report keeps what it said.
    facts = models.JSONField(_("figures at the time"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "-period_end", "-pk"]
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period_start", "period_end"],
                name="report_one_per_period",
                violation_error_message=_("There is already a report for this period."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="report_period_in_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]
        indexes = [
            models.Index(fields=["project", "state", "-period_end"], name="report_latest_idx"),
        ]

    def __str__(self):
        return f"{self.project.code} {self.period_start}–{self.period_end}"

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED

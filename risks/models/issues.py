"""The issues log: problems happening now, raised from risks that occurred or directly."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.core.models import VersionedModel
from risks.models.scope import RegisterScoped, exactly_one_register


class IssueSeverity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    ESCALATED = "escalated", _("Escalated")
    CLOSED = "closed", _("Closed")

    @classmethod
    def open_values(cls) -> list[str]:
        return [cls.OPEN, cls.IN_PROGRESS, cls.ESCALATED]


class Issue(RegisterScoped, VersionedModel):
    number = models.PositiveIntegerField(_("number"), editable=False)
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    severity = models.CharField(
        _("severity"), max_length=10, choices=IssueSeverity.choices, default=IssueSeverity.MEDIUM
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_issues",
    )
    raised_on = models.DateField(_("raised on"))
    due_date = models.DateField(_("resolve by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=IssueStatus.choices, default=IssueStatus.OPEN
    )
    risk = models.ForeignKey(
        "risks.Risk",
        verbose_name=_("from risk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
    )
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_issues",
    )
    escalation_note = models.TextField(_("escalation note"), blank=True, max_length=2000)
    resolution = models.TextField(_("resolution"), blank=True, max_length=5000)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-raised_on", "-number"]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        constraints = [exactly_one_register("issue")]
        indexes = [
            models.Index(fields=["project", "status"], name="issue_project_status_idx"),
            models.Index(fields=["owner", "status"], name="issue_owner_status_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in IssueStatus.open_values()

"""Scope: what is in and out, the deliverables and their acceptance, change requests."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.core.models import VersionedModel


class MoSCoW(models.TextChoices):
    MUST = "must", _("Must have")
    SHOULD = "should", _("Should have")
    COULD = "could", _("Could have")
    WONT = "wont", _("Won't have this time")


class ScopeItem(VersionedModel):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="scope_items",
    )
    description = models.CharField(_("description"), max_length=500)
    in_scope = models.BooleanField(_("in scope"), default=True)
    priority = models.CharField(
        _("priority (MoSCoW)"), max_length=6, choices=MoSCoW.choices, default=MoSCoW.MUST
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "-in_scope", "position", "pk"]
        verbose_name = _("scope item")
        verbose_name_plural = _("scope items")

    def __str__(self):
        return self.description


class Deliverable(VersionedModel):
    class Acceptance(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="deliverables",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    acceptance_criteria = models.TextField(_("acceptance criteria"), max_length=5000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_deliverables",
    )
    due_date = models.DateField(_("due date"))
    acceptance = models.CharField(
        _("acceptance"), max_length=10, choices=Acceptance.choices, default=Acceptance.PENDING
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "due_date", "pk"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        constraints = [
            models.CheckConstraint(
                condition=~Q(acceptance="rejected") | ~Q(rejection_reason=""),
                name="deliverable_rejection_has_reason",
                violation_error_message=_("Say why the deliverable was rejected."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.acceptance == self.Acceptance.REJECTED and not self.rejection_reason.strip():
            raise ValidationError({"rejection_reason": _("Say why the deliverable was rejected.")})


class ChangeRequest(VersionedModel):
    class Decision(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="change_requests",
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10_000)
    schedule_impact_days = models.IntegerField(
        _("schedule impact (working days)"),
        default=0,
        help_text=_("Positive delays the finish; negative brings it forward."),
    )
    cost_impact = models.DecimalField(
        _("cost impact"),
        max_digits=16,
        decimal_places=2,
        default=0,
    )
    scope_impact = models.TextField(_("scope impact"), blank=True, max_length=5000)
    status = models.CharField(
        _("status"), max_length=10, choices=Decision.choices, default=Decision.SUBMITTED
    )
    decision_note = models.TextField(_("decision note"), blank=True, max_length=5000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    baseline_moved = models.BooleanField(_("baseline moved"), default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "-number"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="change_request_number"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"{self.project.code}-CR{self.number:02d}"

"""Lifecycle stage gates: PMO checklists per stage and the reviews that move a project on."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.core.models import TimeStampedModel, VersionedModel
from projects.models.core import Stage


class GateCriterion(TimeStampedModel):
    """One line of the checklist a project must satisfy to leave ``stage``."""

    stage = models.CharField(_("stage being left"), max_length=20, choices=Stage.choices)
    text = models.CharField(_("criterion"), max_length=300)
    guidance = models.TextField(
        _("evidence expected"),
        blank=True,
        max_length=2000,
        help_text=_("What reviewers look for, e.g. 'signed charter in the document store'."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["stage", "position", "pk"]
        verbose_name = _("gate criterion")
        verbose_name_plural = _("gate criteria")

    def __str__(self):
        return self.text


class GateDecision(models.TextChoices):
    GO = "go", _("Go: move to the next stage")
    HOLD = "hold", _("Hold: stay and fix the gaps")
    RECYCLE = "recycle", _("Recycle: redo the stage's work")
    STOP = "stop", _("Stop: cancel the project")


class GateReview(VersionedModel):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="gate_reviews",
    )
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage.choices)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    decision = models.CharField(
        _("decision"), max_length=10, choices=GateDecision.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True, max_length=10_000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "-created_at"]
        verbose_name = _("gate review")
        verbose_name_plural = _("gate reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(decision=""),
                name="gate_review_one_open_per_project",
                violation_error_message=_("This project already has an open gate review."),
            ),
        ]

    def __str__(self):
        return (
            f"{self.project.code}: {self.get_from_stage_display()} → {self.get_to_stage_display()}"
        )

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)


class GateReviewItem(models.Model):
    review = models.ForeignKey(
        GateReview, verbose_name=_("review"), on_delete=models.CASCADE, related_name="items"
    )
    criterion = models.ForeignKey(
        GateCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    # The checklist text as it stood at the review, in case PMO staff reword it later.
    text = models.CharField(_("criterion"), max_length=300)
    met = models.BooleanField(_("met"), null=True)
    evidence = models.TextField(_("evidence"), blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "criterion__position", "pk"]
        verbose_name = _("gate review item")
        verbose_name_plural = _("gate review items")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="gate_item_unique"),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if self.met and not self.evidence.strip():
            raise ValidationError(
                {"evidence": _("Point to the evidence that the criterion is met.")}
            )

"""The project charter: business case, SMART objectives, and approved revisions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.core.models import VersionedModel

LONG_TEXT = 20_000


class Charter(VersionedModel):
    """One per project. Editing an approved charter starts the next revision as a draft."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")

    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="charter",
    )
    business_case = models.TextField(
        _("business case"),
        blank=True,
        validators=[MaxLengthValidator(LONG_TEXT)],
        help_text=_("Why the organisation should invest: the problem, the benefits, the cost."),
    )
    assumptions = models.TextField(
        _("assumptions"), blank=True, validators=[MaxLengthValidator(LONG_TEXT)]
    )
    constraints = models.TextField(
        _("constraints"), blank=True, validators=[MaxLengthValidator(LONG_TEXT)]
    )
    success_criteria = models.TextField(
        _("success criteria"), blank=True, validators=[MaxLengthValidator(LONG_TEXT)]
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("charter")
        verbose_name_plural = _("charters")

    def __str__(self):
        return f"{self.project.code} charter r{self.revision}"


class CharterRevision(models.Model):
    """A frozen copy of an approved charter with its objectives; never edited again."""

    charter = models.ForeignKey(
        Charter, verbose_name=_("charter"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    snapshot = models.JSONField(_("content"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("approved charter revision")
        verbose_name_plural = _("approved charter revisions")
        constraints = [
            models.UniqueConstraint(fields=["charter", "number"], name="charter_revision_unique"),
        ]

    def __str__(self):
        return f"{self.charter} approved r{self.number}"


class SmartObjective(VersionedModel):
    """Specific, Measurable, Achievable, Relevant, Time-bound (the seed's SMART goals)."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="objectives",
    )
    outcome = models.CharField(
        _("specific outcome"),
        max_length=300,
        help_text=_("S — what exactly will be different when this objective is met."),
    )
    metric = models.CharField(
        _("measure"),
        max_length=200,
        help_text=_("M — the metric that shows progress, e.g. 'share of self-served requests'."),
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    baseline_value = models.DecimalField(
        _("baseline value"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Where the metric stands today."),
    )
    target_value = models.DecimalField(
        _("target value"),
        max_digits=16,
        decimal_places=2,
        help_text=_("M — the value that counts as success."),
    )
    achievability = models.TextField(
        _("why it is achievable"),
        blank=True,
        max_length=2000,
        help_text=_("A — the resources and evidence that make the target realistic."),
    )
    relevance = models.TextField(
        _("why it matters"),
        blank=True,
        max_length=2000,
        help_text=_("R — the business goal this objective serves."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_objectives",
    )
    due_date = models.DateField(_("due date"), help_text=_("T — when the target must be met."))
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "position", "pk"]
        verbose_name = _("SMART objective")
        verbose_name_plural = _("SMART objectives")
        constraints = [
            models.CheckConstraint(
                condition=~Q(metric=""),
                name="objective_has_metric",
                violation_error_message=_("Say how the objective is measured."),
            ),
        ]

    def __str__(self):
        return self.outcome

    def clean(self):
        if (
            self.baseline_value is not None
            and self.target_value is not None
            and self.baseline_value == self.target_value
        ):
            raise ValidationError(
                {"target_value": _("The target must differ from the baseline, or nothing changes.")}
            )

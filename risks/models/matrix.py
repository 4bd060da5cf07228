"""The organisation's probability x impact matrix, score bands, categories and appetite.

PMO staff configure these once for everybody, so that a "high" risk means the same thing
in every register. The matrix is always 5 x 5; its labels, numeric ranges and bands are
configurable.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.core.models import VersionedModel

LEVELS = range(1, 6)
MAX_SCORE = 25

level_validators = [MinValueValidator(1), MaxValueValidator(5)]


class Axis(models.TextChoices):
    PROBABILITY = "probability", _("Probability")
    IMPACT = "impact", _("Impact")


class MatrixLevel(VersionedModel):
    """One row or column of the matrix: its label and what it means in numbers."""

    axis = models.CharField(_("axis"), max_length=12, choices=Axis.choices)
    value = models.PositiveSmallIntegerField(_("value"), validators=level_validators)
    label = models.CharField(_("label"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    # Probability levels: the chance the event happens, in percent.
    probability_min = models.DecimalField(
        _("probability from (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    probability_max = models.DecimalField(
        _("probability to (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # Impact levels: what the effect costs, in money and in schedule days.
    cost_min = models.DecimalField(
        _("cost impact from"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    cost_max = models.DecimalField(
        _("cost impact to"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    days_min = models.PositiveIntegerField(_("schedule impact from (days)"), null=True, blank=True)
    days_max = models.PositiveIntegerField(_("schedule impact to (days)"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["axis", "value"]
        verbose_name = _("matrix level")
        verbose_name_plural = _("matrix levels")
        constraints = [
            models.UniqueConstraint(fields=["axis", "value"], name="matrixlevel_axis_value_unique"),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="matrixlevel_value_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(probability_min__isnull=True)
                | Q(probability_max__isnull=True)
                | Q(probability_min__lte=models.F("probability_max")),
                name="matrixlevel_probability_range_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.get_axis_display()} {self.value}: {self.label}"

    def clean(self):
        errors = {}
        if self.axis == Axis.PROBABILITY:
            lo, hi = self.probability_min, self.probability_max
            if lo is None or hi is None:
                errors["probability_min"] = _("Give the probability range in percent.")
            elif not (0 <= lo <= hi <= 100):
                errors["probability_max"] = _(
                    "The range must lie between 0 and 100%, the lower bound first."
                )
        else:
            for lo, hi, field in (
                (self.cost_min, self.cost_max, "cost_max"),
                (self.days_min, self.days_max, "days_max"),
            ):
                if lo is not None and hi is not None and lo > hi:
                    errors[field] = _("The upper bound cannot be below the lower bound.")
        if errors:
            raise ValidationError(errors)

    @property
    def probability_midpoint(self):
        """The probability used for expected monetary value, as a fraction (0..1)."""
        if self.probability_min is None or self.probability_max is None:
            return None
        return (self.probability_min + self.probability_max) / 200


class ScoreBand(VersionedModel):
    """A band of scores (P x I) with a colour and how often its risks are reviewed."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    label = models.CharField(_("label"), max_length=40)
    min_score = models.PositiveSmallIntegerField(
        _("lowest score"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SCORE)]
    )
    max_score = models.PositiveSmallIntegerField(
        _("highest score"), validators=[MinValueValidator(1), MaxValueValidator(MAX_SCORE)]
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        help_text=_("A hex colour such as #dc3545, used in heat maps and badges."),
    )
    review_every_days = models.PositiveSmallIntegerField(
        _("review every (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_("Risks in this band are due for review this many days after the last one."),
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["min_score"]
        verbose_name = _("score band")
        verbose_name_plural = _("score bands")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_score__lte=models.F("max_score")),
                name="scoreband_range_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.min_score}-{self.max_score})"

    def clean(self):
        import re

        if self.colour and not re.fullmatch(r"#[0-9a-fA-F]{6}", self.colour):
            raise ValidationError({"colour": _("Use a hex colour such as #dc3545.")})
        if self.min_score and self.max_score and self.min_score > self.max_score:
            raise ValidationError(
                {"max_score": _("The highest score cannot be below the lowest score.")}
            )


class RiskCategory(VersionedModel):
    """A category of risk (technical, schedule, supplier, ...), kept by PMO staff."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive categories are kept for old risks.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("risk category")
        verbose_name_plural = _("risk categories")

    def __str__(self):
        return self.name


class RiskAppetite(VersionedModel):
    """How much risk a portfolio accepts: the highest score that needs no escalation."""

    portfolio = models.OneToOneField(
        "projects.Portfolio",
        verbose_name=_("portfolio"),
        on_delete=models.CASCADE,
        related_name="risk_appetite",
    )
    max_score = models.PositiveSmallIntegerField(
        _("highest accepted score"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SCORE)],
        help_text=_(
            "Risks scoring above this are flagged and escalated to the program manager "
            "or the portfolio owner."
        ),
    )
    statement = models.TextField(_("appetite statement"), blank=True, max_length=2000)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("risk appetite")
        verbose_name_plural = _("risk appetites")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_score__gte=1, max_score__lte=MAX_SCORE),
                name="riskappetite_score_in_matrix",
            ),
        ]

    def __str__(self):
        return f"{self.portfolio}: {self.max_score}"

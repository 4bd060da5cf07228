"""Budget lines by category with planned, committed and actual amounts per month."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.core.models import VersionedModel

currency_validator = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code, e.g. CNY."))
MONEY = {"max_digits": 16, "decimal_places": 2}


class CostCategory(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel")
    MATERIALS = "materials", _("Materials")
    EQUIPMENT = "equipment", _("Equipment")
    SERVICES = "services", _("Services")
    TRAVEL = "travel", _("Travel")
    CONTINGENCY = "contingency", _("Contingency")
    OTHER = "other", _("Other")


class BudgetLine(VersionedModel):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="budget_lines",
    )
    category = models.CharField(_("category"), max_length=12, choices=CostCategory.choices)
    description = models.CharField(_("description"), max_length=200)
    currency = models.CharField(
        _("currency"), max_length=3, default="CNY", validators=[currency_validator]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "category", "description"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self):
        return f"{self.get_category_display()}: {self.description}"


class BudgetEntry(models.Model):
    """One month of one budget line. Money is Decimal, never float."""

    line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    planned = models.DecimalField(
        _("planned"), default=0, validators=[MinValueValidator(0)], **MONEY
    )
    committed = models.DecimalField(
        _("committed"), default=0, validators=[MinValueValidator(0)], **MONEY
    )
    actual = models.DecimalField(_("actual"), default=0, validators=[MinValueValidator(0)], **MONEY)
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "month"]
        verbose_name = _("budget entry")
        verbose_name_plural = _("budget entries")
        constraints = [
            models.UniqueConstraint(fields=["line", "month"], name="budget_entry_one_per_month"),
            models.CheckConstraint(
                condition=Q(planned__gte=0) & Q(committed__gte=0) & Q(actual__gte=0),
                name="budget_entry_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="budget_entry_first_of_month",
                violation_error_message=_("Use the first day of the month."),
            ),
        ]

    def __str__(self):
        return f"{self.line} {self.month:%Y-%m}"

"""Periodic reviews of a risk: each one reassesses it and is kept for good."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from risks.models.matrix import level_validators
from risks.models.risk import Risk, RiskStatus


class RiskReview(models.Model):
    """Immutable once recorded: the review history is the risk's monitoring record."""

    risk = models.ForeignKey(
        Risk, verbose_name=_("risk"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField(_("review date"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    probability = models.PositiveSmallIntegerField(_("probability"), validators=level_validators)
    impact = models.PositiveSmallIntegerField(_("impact"), validators=level_validators)
    score = models.PositiveSmallIntegerField(_("score"), editable=False)
    band = models.CharField(_("band"), max_length=20, blank=True, editable=False)
    status = models.CharField(_("status after review"), max_length=12, choices=RiskStatus.choices)
    comment = models.TextField(_("comment"), max_length=2000)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = _("risk review")
        verbose_name_plural = _("risk reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=1, probability__lte=5, impact__gte=1, impact__lte=5),
                name="riskreview_levels_in_matrix",
            ),
        ]
        indexes = [models.Index(fields=["risk", "reviewed_on"], name="riskreview_risk_date_idx")]

    def __str__(self):
        return f"{self.risk.reference} {self.reviewed_on:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        self.score = self.probability * self.impact
        super().save(*args, **kwargs)

"""Identification sessions: the workshops and interviews where risks are raised."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.core.models import VersionedModel
from risks.models.scope import RegisterScoped, exactly_one_register


class IdentificationMethod(models.TextChoices):
    BRAINSTORMING = "brainstorming", _("Brainstorming workshop")
    EXPERT_INTERVIEW = "interview", _("Expert interview")
    CHECKLIST = "checklist", _("Checklist review")
    ASSUMPTIONS = "assumptions", _("Assumption analysis")
    SWOT = "swot", _("SWOT analysis")
    DELPHI = "delphi", _("Delphi technique")
    LESSONS = "lessons", _("Lessons learned review")


class IdentificationSession(RegisterScoped, VersionedModel):
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    method = models.CharField(
        _("method"),
        max_length=20,
        choices=IdentificationMethod.choices,
        default=IdentificationMethod.BRAINSTORMING,
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        blank=True,
        related_name="risk_sessions",
    )
    external_participants = models.CharField(
        _("other participants"),
        max_length=500,
        blank=True,
        help_text=_("People without an account: experts, supplier or customer staff."),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=10000)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("identification session")
        verbose_name_plural = _("identification sessions")
        constraints = [exactly_one_register("session")]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"

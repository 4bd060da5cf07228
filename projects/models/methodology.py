"""The PMO's methodology library: handbook pages, standards and templates per stage."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.core.models import VersionedModel
from projects.models.core import Stage


class MethodDocument(VersionedModel):
    class Kind(models.TextChoices):
        HANDBOOK = "handbook", _("Handbook page")
        STANDARD = "standard", _("Standard")
        TEMPLATE = "template", _("Document template")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HANDBOOK)
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=Stage.choices,
        blank=True,
        help_text=_("Leave empty for documents that apply to every stage."),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(
        _("content (Markdown)"),
        blank=True,
        max_length=100_000,
        help_text=_("Markdown; HTML is sanitised when shown."),
    )
    attachment = models.FileField(_("template file"), upload_to="methodology/", blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["stage", "title"]
        verbose_name = _("methodology document")
        verbose_name_plural = _("methodology documents")

    def __str__(self):
        return self.title

"""Where a risk, an issue or a session lives: one project, program or portfolio register."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def exactly_one_register(prefix: str) -> models.CheckConstraint:
    """Database guard: a row belongs to exactly one register."""
    p, g, f = (Q(project__isnull=False), Q(program__isnull=False), Q(portfolio__isnull=False))
    return models.CheckConstraint(
        condition=(p & ~g & ~f) | (~p & g & ~f) | (~p & ~g & f),
        name=f"{prefix}_exactly_one_register",
    )


class RegisterScoped(models.Model):
    """Belongs to a project's register, or to a program's or portfolio's own register."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    program = models.ForeignKey(
        "projects.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    portfolio = models.ForeignKey(
        "projects.Portfolio",
        verbose_name=_("portfolio"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def container(self):
        """The project, program or portfolio whose register holds this row."""
        return self.project or self.program or self.portfolio

    @property
    def register_kind(self) -> str:
        if self.project_id:
            return "project"
        if self.program_id:
            return "program"
        return "portfolio"

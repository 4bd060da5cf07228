"""A register is the risks of one project, program or portfolio; this names it uniformly."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Register:
    kind: str  # "project", "program" or "portfolio"
    obj: object  # the Project, Program or Portfolio

    @property
    def code(self) -> str:
        return self.obj.code

    @property
    def name(self) -> str:
        return self.obj.name

    @property
    def label(self) -> str:
        return {"project": _("Project"), "program": _("Program"), "portfolio": _("Portfolio")}[
            self.kind
        ]

    @property
    def portfolio(self):
        return self.obj if self.kind == "portfolio" else self.obj.portfolio

    @property
    def default_currency(self) -> str:
        return getattr(self.obj, "currency", "") or "EUR"

    def owner_q(self) -> Q:
        """Rows held in this register itself (not in the registers below it)."""
        return Q(**{self.kind: self.obj})

    def rollup_q(self) -> Q:
        """Rows of this register and of every register below it."""
        if self.kind == "project":
            return Q(project=self.obj)
        if self.kind == "program":
            return Q(program=self.obj) | Q(project__program=self.obj)
        return (
            Q(portfolio=self.obj) | Q(program__portfolio=self.obj) | Q(project__portfolio=self.obj)
        )

    def scope_kwargs(self) -> dict:
        """Keyword arguments that place a new risk, issue or session in this register."""
        return {self.kind: self.obj}

    def url(self, name: str = "register") -> str:
        return reverse(f"risks:{self.kind}_{name}", kwargs={"code": self.code})


def register_of(row) -> Register:
    """The register a risk, issue or session belongs to."""
    if row.project_id:
        return Register("project", row.project)
    if row.program_id:
        return Register("program", row.program)
    return Register("portfolio", row.portfolio)

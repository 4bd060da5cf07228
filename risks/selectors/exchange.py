"""Reads for the register's export: the rows the register page shows, with its filters."""

from __future__ import annotations

from django.db.models import F

from risks.forms.register import RiskRegisterFilter
from risks.registers import Register
from risks.selectors import register as register_selectors


def export_filter(register: Register, params, *, matrix) -> RiskRegisterFilter:
    """The register page's filter on ``params`` (status, category, kind, owner, q/search,
    band, above): open risks unless ``?status=all`` or another status is asked for."""
    params = params.copy()
    if params.get("search") and not params.get("q"):
        params["q"] = params["search"]
    return RiskRegisterFilter(
        params,
        queryset=register_selectors.register_risks(register),
        register=register,
        matrix=matrix,
        appetite=register_selectors.appetite_of(register),
    )


def export_queryset(filterset: RiskRegisterFilter):
    """The filtered rows, highest current score first (unassessed last), then by reference.

    ``register_risks`` joins owner, category, escalation target and the register: the whole
    export is one query however many rows it has.
    """
    return filterset.qs.order_by(F("current_score").desc(nulls_last=True), "reference")

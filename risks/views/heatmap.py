"""Heat-map pages: a register's inherent and residual heat maps with the top risks (and, for
programs and portfolios, the breakdown by project), and the risks of one cell.

Read-only: whoever sees the register sees its heat map. A program's or portfolio's map rolls
up the registers below it, narrowed to the rows the user may see.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from pmo.core.mixins import paginate
from risks import access, scoring
from risks.charts.heatmap import (
    TopRiskBar,
    heatmap_figure,
    text_colour,
    tint,
    top_risks_figure,
)
from risks.selectors import heatmap as selectors
from risks.selectors.matrix import load_matrix
from risks.views.base import RegisterMixin, register_breadcrumbs

BASIS_LABELS = {
    selectors.INHERENT: gettext_lazy("Inherent"),
    selectors.RESIDUAL: gettext_lazy("Residual (current)"),
}
# Under the heat map the cell's list shows this many risks; the cell page pages through all.
CELL_PREVIEW = 25


class CellQueryForm(forms.Form):
    """``?basis=inherent|residual&p=3&i=4``: which cell to list."""

    basis = forms.ChoiceField(
        label=gettext_lazy("Basis"),
        choices=list(BASIS_LABELS.items()),
        error_messages={
            "required": gettext_lazy("Say which heat map: inherent or residual."),
            "invalid_choice": gettext_lazy("The basis must be inherent or residual."),
        },
    )
    p = forms.IntegerField(
        label=gettext_lazy("Probability"),
        min_value=1,
        max_value=5,
        error_messages={
            "required": gettext_lazy("Give the probability level (1-5)."),
            "invalid": gettext_lazy("The probability level must be a whole number from 1 to 5."),
            "min_value": gettext_lazy("The probability level must be from 1 to 5."),
            "max_value": gettext_lazy("The probability level must be from 1 to 5."),
        },
    )
    i = forms.IntegerField(
        label=gettext_lazy("Impact"),
        min_value=1,
        max_value=5,
        error_messages={
            "required": gettext_lazy("Give the impact level (1-5)."),
            "invalid": gettext_lazy("The impact level must be a whole number from 1 to 5."),
            "min_value": gettext_lazy("The impact level must be from 1 to 5."),
            "max_value": gettext_lazy("The impact level must be from 1 to 5."),
        },
    )


def cell_query(basis: str, p: int, i: int) -> str:
    return urlencode({"basis": basis, "p": p, "i": i})


def grid_table(
    grid, matrix: scoring.MatrixSpec, basis: str, cell_url: str, selected=None
) -> list[dict]:
    """The heat map as table rows, probability 5 at the top, each cell with its count, band
    colours and the link to its risks."""
    rows = []
    for p in reversed(scoring.LEVELS):
        cells = []
        for i in scoring.LEVELS:
            count = grid[p - 1][i - 1]
            band = matrix.band_for(p * i)
            colour = band.colour if band else "#adb5bd"
            background = colour if count else tint(colour)
            cells.append(
                {
                    "i": i,
                    "count": count,
                    "score": p * i,
                    "band": band,
                    "background": background,
                    "color": text_colour(background),
                    "url": f"{cell_url}?{cell_query(basis, p, i)}" if count else "",
                    "selected": selected == (basis, p, i),
                }
            )
        rows.append({"p": p, "label": matrix.probability_label(p), "cells": cells})
    return rows


def top_bars(risks, matrix: scoring.MatrixSpec) -> list[TopRiskBar]:
    return [
        TopRiskBar(
            reference=r.reference,
            title=r.title,
            score=r.current_score,
            probability=r.current_probability,
            impact=r.current_impact,
            band=matrix.band_for(r.current_score),
            emv=r.emv,
            currency=r.currency,
        )
        for r in risks
    ]


class HeatmapView(RegisterMixin, TemplateView):
    """Inherent and residual heat maps side by side, each with its data table, the top risks
    as a bar chart with its table and, above a project, the breakdown by register."""

    template_name = "risks/heatmap/heatmap.html"
    register_area = "heatmap"

    def get_breadcrumbs(self):
        return [*register_breadcrumbs(self.register), (_("Heat map"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, register = self.request.user, self.register
        matrix = load_matrix()
        heat = selectors.register_heatmap(register, user, matrix)
        cell_url = register.url("heatmap_cell")
        maps = []
        for basis in selectors.BASES:
            grid = heat.grid(basis)
            maps.append(
                {
                    "basis": basis,
                    "label": BASIS_LABELS[basis],
                    "chart_id": f"heatmap-{basis}",
                    "figure": heatmap_figure(grid, matrix, title=str(BASIS_LABELS[basis]))
                    if heat.assessed
                    else None,
                    "rows": grid_table(grid, matrix, basis, cell_url),
                }
            )
        top = selectors.top_risks(register, user, matrix) if heat.assessed else []
        for risk in top:
            risk.band_text_colour = text_colour(risk.band.colour) if risk.band else "#212529"
        context.update(
            matrix=matrix,
            band_headers=[(band, text_colour(band.colour)) for band in matrix.bands],
            heat=heat,
            maps=maps,
            impact_levels=[(level.value, level.label) for level in matrix.impact],
            cell_url=cell_url,
            top_risks=top,
            top_figure=top_risks_figure(top_bars(top, matrix)) if top else None,
            breakdown=(
                selectors.register_breakdown(register, user, matrix)
                if register.kind != "project"
                else None
            ),
            can_propose=access.can_propose(user, register),
        )
        return context


class HeatmapCellView(RegisterMixin, TemplateView):
    """The open risks of one cell. With htmx, a fragment shown under the heat map; without,
    a page of its own. A missing or wrong basis, p or i is a 400 with the reason."""

    template_name = "risks/heatmap/cell.html"
    partial_name = "risks/heatmap/_cell.html"
    register_area = "heatmap"

    def get_template_names(self):
        return [self.partial_name if self.request.htmx else self.template_name]

    def get_breadcrumbs(self):
        return [
            *register_breadcrumbs(self.register),
            (_("Heat map"), self.register.url("heatmap")),
            (_("Cell"), None),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["heatmap_url"] = self.register.url("heatmap")
        return context

    def get(self, request, *args, **kwargs):
        form = CellQueryForm(request.GET)
        if not form.is_valid():
            context = self.get_context_data(form=form, errors=_form_errors(form))
            return self.render_to_response(context, status=400)
        basis, p, i = (form.cleaned_data[k] for k in ("basis", "p", "i"))
        matrix = load_matrix()
        risks = selectors.cell_risks(self.register, request.user, basis, p, i)
        if request.htmx:
            preview = list(risks[: CELL_PREVIEW + 1])
            page_obj, rows, more = None, preview[:CELL_PREVIEW], len(preview) > CELL_PREVIEW
        else:
            page_obj = paginate(request, risks)
            rows, more = page_obj.object_list, False
        band = matrix.band_for(p * i)
        context = self.get_context_data(
            form=form,
            basis=basis,
            basis_label=BASIS_LABELS[basis],
            p=p,
            i=i,
            p_label=matrix.probability_label(p),
            i_label=matrix.impact_label(i),
            score=p * i,
            band=band,
            band_text_colour=text_colour(band.colour) if band else "#212529",
            risks=rows,
            page_obj=page_obj,
            more=more,
            cell_page_url=f"{self.register.url('heatmap_cell')}?{cell_query(basis, p, i)}",
            rollup=self.register.kind != "project",
        )
        return self.render_to_response(context)


def _form_errors(form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]

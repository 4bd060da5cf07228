"""The budget burn chart: planned against actual money, cumulative by month, one currency.

Pure: :class:`projects.budget_math.BurnPoint` values in, a JSON-safe plotly figure dict out.
``projects.selectors.budget.project_budget`` computes the points.

Three lines share the month axis: the cumulative plan (solid blue), the cumulative actual
(solid, green while at or under plan and red once over it at the last month shown) and
actual plus open commitments (dotted), which shows where spending is heading before the
invoices arrive. The actual stops at the last month with actual money, and actual +
committed at the last month with an order placed, instead of running flat into the future. Bars underneath show each month's planned and actual amounts.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import plotly.graph_objects as go
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects.budget_math import BurnPoint
from projects.charts import COLORS, base_layout, date_axis, figure_dict

HEIGHT = 420


def burn_figure(
    points: Sequence[BurnPoint], *, currency: str, as_of: datetime.date | None = None
) -> dict:
    """The burn chart of ``points`` (one currency) as a JSON-safe figure dict."""
    months = [p.month for p in points]
    shown = [p for p in points if p.cumulative_actual is not None]
    ordered = [p for p in points if p.cumulative_spent_or_committed is not None]
    over = bool(shown) and shown[-1].cumulative_actual > shown[-1].cumulative_planned
    actual_color = COLORS["danger"] if over else COLORS["success"]
    money_hover = "%{y:,.2f} " + currency

    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=months,
            y=[p.planned for p in points],
            name=_("Planned in the month"),
            marker={"color": COLORS["primary"], "opacity": 0.25},
            yaxis="y2",
            hovertemplate=money_hover + "<extra>%{fullData.name}</extra>",
        )
    )
    figure.add_trace(
        go.Bar(
            x=[p.month for p in shown],
            y=[p.actual for p in shown],
            name=_("Actual in the month"),
            marker={"color": actual_color, "opacity": 0.3},
            yaxis="y2",
            hovertemplate=money_hover + "<extra>%{fullData.name}</extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=months,
            y=[p.cumulative_planned for p in points],
            name=_("Planned, cumulative"),
            mode="lines+markers",
            line={"color": COLORS["primary"], "width": 3},
            marker={"symbol": "circle", "size": 6},
            hovertemplate=money_hover + "<extra>%{fullData.name}</extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[p.month for p in ordered],
            y=[p.cumulative_spent_or_committed for p in ordered],
            name=_("Actual + committed, cumulative"),
            mode="lines+markers",
            line={"color": COLORS["warning"], "width": 2, "dash": "dot"},
            marker={"symbol": "triangle-up", "size": 7},
            hovertemplate=money_hover + "<extra>%{fullData.name}</extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[p.month for p in shown],
            y=[p.cumulative_actual for p in shown],
            name=_("Actual, cumulative"),
            mode="lines+markers",
            line={"color": actual_color, "width": 3},
            marker={"symbol": "square", "size": 6},
            hovertemplate=money_hover + "<extra>%{fullData.name}</extra>",
        )
    )
    shapes = []
    annotations = []
    if as_of is not None and months and months[0] <= as_of <= months[-1]:
        # The end of the as-of month: figures to the left of the line are "to date".
        edge = _month_end(as_of)
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": edge,
                "x1": edge,
                "y0": 0,
                "y1": 1,
                "line": {"color": COLORS["muted"], "width": 1, "dash": "dash"},
            }
        )
        annotations.append(
            {
                "x": edge,
                "xref": "x",
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "text": _("to date: %(month)s")
                % {"month": date_format(as_of, "YEAR_MONTH_FORMAT")},
                "showarrow": False,
                "font": {"color": COLORS["muted"], "size": 11},
            }
        )
    figure.update_layout(
        base_layout(
            height=HEIGHT,
            hovermode="x unified",
            barmode="group",
            bargap=0.3,
            margin={"l": 10, "r": 10, "t": 70, "b": 40},
            xaxis=date_axis(tickformat="%b\n%Y", dtick="M1" if len(months) <= 18 else "M3"),
            yaxis={
                "title": {"text": _("Cumulative (%(currency)s)") % {"currency": currency}},
                "tickformat": ",.0f",
                "rangemode": "tozero",
                "gridcolor": COLORS["grid"],
                "automargin": True,
            },
            yaxis2={
                "title": {"text": _("Per month (%(currency)s)") % {"currency": currency}},
                "overlaying": "y",
                "side": "right",
                # Own round ticks, not the left axis' grid (whose values would be odd here).
                "tickmode": "auto",
                "nticks": 6,
                "tickformat": ",.0f",
                "rangemode": "tozero",
                "showgrid": False,
                "automargin": True,
            },
            shapes=shapes,
            annotations=annotations,
        )
    )
    return figure_dict(figure)


def _month_end(month: datetime.date) -> datetime.date:
    following = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)

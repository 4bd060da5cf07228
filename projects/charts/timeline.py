"""The portfolio milestone timeline: one row per project, milestones coloured by status.

Pure: :class:`TimelineMilestone` values in, a JSON-safe plotly figure dict out.
``projects.selectors.gantt.portfolio_timeline`` loads them.

A milestone sits at its actual date once achieved, else at its forecast date. When it has
slipped from its baseline a thin grey line joins the baseline date to it, so slippage shows
as length. Status has a colour and a marker shape each, so it reads without colour too.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from projects.charts import (
    COLORS,
    base_layout,
    date_axis,
    figure_dict,
    plain,
    time_window,
    truncate,
)
from projects.models import MilestoneStatus

ROW_HEIGHT = 44
CHART_MARGIN = 160
MIN_HEIGHT = 300
LABEL_CHARS = 40

# status -> (colour, marker symbol); the legend lists them in this order.
STATUS_STYLE = {
    MilestoneStatus.PLANNED: (COLORS["muted"], "circle-open"),
    MilestoneStatus.ON_TRACK: (COLORS["success"], "circle"),
    MilestoneStatus.AT_RISK: (COLORS["warning"], "triangle-up"),
    MilestoneStatus.LATE: (COLORS["danger"], "square"),
    MilestoneStatus.MISSED: (COLORS["dark"], "x"),
    MilestoneStatus.ACHIEVED: (COLORS["primary"], "diamond"),
}


@dataclass(frozen=True, slots=True)
class TimelineMilestone:
    project_code: str
    project_name: str
    name: str
    status: str  # a MilestoneStatus value, derived for "today"
    forecast_date: datetime.date
    baseline_date: datetime.date | None = None
    actual_date: datetime.date | None = None
    owner: str = ""

    @property
    def date(self) -> datetime.date:
        """Where the milestone is drawn: when it happened, or when it is expected."""
        return self.actual_date or self.forecast_date

    @property
    def slip_days(self) -> int | None:
        if self.baseline_date is None:
            return None
        return (self.date - self.baseline_date).days

    @property
    def status_label(self) -> str:
        return str(MilestoneStatus(self.status).label)


def project_rows(milestones: Sequence[TimelineMilestone]) -> list[tuple[str, str]]:
    """The projects in row order (by code): (code, name) pairs, each once."""
    seen = {}
    for milestone in milestones:
        seen.setdefault(milestone.project_code, milestone.project_name)
    return sorted(seen.items())


def timeline_figure(milestones: Sequence[TimelineMilestone], *, today: datetime.date) -> dict:
    """The portfolio's milestones, one row per project, as a JSON-safe plotly figure dict."""
    projects = project_rows(milestones)
    row_of = {code: row for row, (code, _name) in enumerate(projects)}

    slip_x, slip_y = [], []
    by_status = {status: ([], [], []) for status in STATUS_STYLE}
    for milestone in milestones:
        row = row_of[milestone.project_code]
        xs, ys, info = by_status[MilestoneStatus(milestone.status)]
        xs.append(milestone.date)
        ys.append(row)
        slip = milestone.slip_days
        info.append(
            [
                plain(milestone.name),
                plain(f"{milestone.project_code} {milestone.project_name}"),
                milestone.forecast_date.isoformat(),
                milestone.baseline_date.isoformat() if milestone.baseline_date else "—",
                milestone.actual_date.isoformat() if milestone.actual_date else "—",
                milestone.status_label,
                "—" if slip is None else f"{slip:+d}",
                plain(milestone.owner) or "—",
            ]
        )
        if slip:
            # None between segments: one trace draws every slip line.
            slip_x += [milestone.baseline_date, milestone.date, None]
            slip_y += [row, row, None]

    traces = []
    if slip_x:
        traces.append(
            go.Scatter(
                name=_("Slip from baseline"),
                x=slip_x,
                y=slip_y,
                mode="lines",
                line={"color": COLORS["baseline"], "width": 3},
                hoverinfo="skip",
            )
        )
    hover = (
        "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
        + _("Forecast")
        + ": %{customdata[2]}<br>"
        + _("Baseline")
        + ": %{customdata[3]}<br>"
        + _("Actual")
        + ": %{customdata[4]}<br>"
        + _("Status")
        + ": %{customdata[5]}<br>"
        + _("Slip (days)")
        + ": %{customdata[6]}<br>"
        + _("Owner")
        + ": %{customdata[7]}<extra></extra>"
    )
    for status, (color, symbol) in STATUS_STYLE.items():
        xs, ys, info = by_status[status]
        if not xs:
            continue
        traces.append(
            go.Scatter(
                name=str(status.label),
                x=xs,
                y=ys,
                customdata=info,
                mode="markers",
                marker={
                    "color": color,
                    "symbol": symbol,
                    "size": 13,
                    "line": {
                        "width": 2 if symbol.endswith("open") or symbol == "x" else 1,
                        "color": color if symbol.endswith("open") else "#ffffff",
                    },
                },
                hovertemplate=hover,
                cliponaxis=False,
            )
        )

    rows = len(projects)
    days = [m.date for m in milestones] + [m.baseline_date for m in milestones if m.baseline_date]
    x_range, today_shapes, today_traces = time_window(days or [today], today, _("Today"))
    figure = go.Figure(data=traces + today_traces)
    figure.update_layout(
        **base_layout(
            height=max(MIN_HEIGHT, rows * ROW_HEIGHT + CHART_MARGIN),
            top=46,  # the date axis above the rows
            showlegend=True,
        ),
        xaxis=date_axis(side="top", range=x_range),
        yaxis={
            "tickmode": "array",
            "tickvals": list(range(rows)),
            "ticktext": [plain(truncate(f"{code} {name}", LABEL_CHARS)) for code, name in projects],
            "range": [rows - 0.5, -0.5] if rows else [0.5, -0.5],
            "fixedrange": True,
            "showgrid": True,
            "gridcolor": COLORS["grid"],
            "zeroline": False,
            "automargin": True,
            "ticks": "",
        },
        shapes=today_shapes,
    )
    return figure_dict(figure)

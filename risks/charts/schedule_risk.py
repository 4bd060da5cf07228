"""The schedule risk charts: a histogram of the simulated finish dates and their S-curve.

Pure: the results of ``risks.schedule_risk.simulate_schedule`` (histogram bins, S-curve points,
the finish distribution) in, JSON-safe plotly figure dicts out.

Both charts share a date axis and the same vertical lines: the P50 and P80 finish dates and the
baseline finish (when there is one), each a trace of its own so that the legend names it with
its date and the lines never fight over annotation space. A finish date means "by the end of
that day", so points and lines sit at noon of their day; a histogram bar covers its bin's days,
from the first day's midnight to the next bin's first day (bins hold whole working days).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from projects.charts import COLORS, MS_PER_DAY, base_layout, date_axis, figure_dict
from risks.schedule_risk import DateDistribution, HistogramBin

HEIGHT = 380
_NOON = datetime.time(12)
_ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Marker:
    """A vertical line across a chart at ``day``, named in the legend."""

    label: str
    day: datetime.date
    colour: str
    dash: str = "dash"


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, _NOON)


def finish_markers(finish: DateDistribution) -> list[Marker]:
    """P50, P80 and (when known) the baseline finish, as vertical lines."""
    markers = [
        Marker(
            _("P50: %(date)s") % {"date": finish.p50_date.isoformat()},
            finish.p50_date,
            COLORS["primary"],
        ),
        Marker(
            _("P80: %(date)s") % {"date": finish.p80_date.isoformat()},
            finish.p80_date,
            COLORS["warning"],
        ),
    ]
    if finish.baseline is not None:
        markers.append(
            Marker(
                _("Baseline: %(date)s") % {"date": finish.baseline.isoformat()},
                finish.baseline,
                COLORS["dark"],
                "dot",
            )
        )
    return markers


def _marker_traces(markers: Sequence[Marker], top: float) -> list[go.Scatter]:
    return [
        go.Scatter(
            x=[_noon(m.day), _noon(m.day)],
            y=[0, top],
            mode="lines",
            name=m.label,
            line={"color": m.colour, "width": 2, "dash": m.dash},
            hovertemplate=m.label + "<extra></extra>",
        )
        for m in markers
    ]


def _x_range(days: Sequence[datetime.date], markers: Sequence[Marker]) -> list | None:
    """The dates shown (``days`` are whole days: the last one is included), padded: a narrow
    spread (every iteration on one day, when no task has an estimate) would otherwise fill the
    whole width with a single bar."""
    every = [*days, *(m.day for m in markers)]
    if not every:
        return None
    first, last = min(every), max(every) + _ONE_DAY
    pad = datetime.timedelta(days=max(3, round((last - first).days * 0.04)))
    return [first - pad, last + pad]


def _layout(
    y_title: str, *, tickformat: str, x_range: list | None, y_range: list | None = None
) -> dict:
    yaxis = {
        "title": {"text": y_title},
        "tickformat": tickformat,
        "rangemode": "tozero",
        "gridcolor": COLORS["grid"],
        "automargin": True,
        "zeroline": False,
    }
    if y_range is not None:
        yaxis["range"] = y_range
    return base_layout(
        height=HEIGHT,
        top=10,
        hovermode="closest",
        bargap=0.05,
        xaxis=date_axis(title={"text": _("Finish date")}, range=x_range),
        yaxis=yaxis,
    )


def finish_histogram_figure(
    bins: Sequence[HistogramBin], *, iterations: int, markers: Sequence[Marker] = ()
) -> dict:
    """How many iterations finished in each bin of working days."""
    starts = [b.first_date for b in bins]
    ends = [*starts[1:], bins[-1].last_date + _ONE_DAY] if bins else []
    widths = [(end - start).days * MS_PER_DAY for start, end in zip(starts, ends, strict=True)]
    labels = [
        b.first_date.isoformat()
        if b.first_date == b.last_date
        else f"{b.first_date.isoformat()} – {b.last_date.isoformat()}"
        for b in bins
    ]
    shares = [b.count / iterations * 100 if iterations else 0 for b in bins]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=starts,
            y=[b.count for b in bins],
            width=widths,
            offset=0,
            name=_("Iterations finishing"),
            marker={
                "color": COLORS["primary"],
                "opacity": 0.55,
                "line": {"color": "#ffffff", "width": 1},
            },
            customdata=[[label, share] for label, share in zip(labels, shares, strict=True)],
            hovertemplate=(
                "%{customdata[0]}<br>"
                + _("%(count)s iterations (%(share)s)")
                % {"count": "%{y:,}", "share": "%{customdata[1]:.1f}%"}
                + "<extra></extra>"
            ),
        )
    )
    top = max((b.count for b in bins), default=1) * 1.08
    for trace in _marker_traces(markers, top):
        figure.add_trace(trace)
    x_range = _x_range([*starts, *(b.last_date for b in bins[-1:])], markers)
    figure.update_layout(
        _layout(_("Iterations"), tickformat=",d", x_range=x_range, y_range=[0, top])
    )
    return figure_dict(figure)


def s_curve_figure(
    points: Sequence[tuple[datetime.date, float]], *, markers: Sequence[Marker] = ()
) -> dict:
    """The share of iterations finished by each date (a step up at each simulated finish)."""
    days = [day for day, _share in points]
    shares = [share * 100 for _day, share in points]
    if days:  # start from 0 % the day before the earliest finish
        days = [days[0] - _ONE_DAY, *days]
        shares = [0.0, *shares]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[_noon(day) for day in days],
            y=shares,
            mode="lines",
            line={"color": COLORS["success"], "width": 3, "shape": "hv"},
            name=_("Finished by this date"),
            customdata=[day.isoformat() for day in days],
            hovertemplate=(
                _("By %(date)s: %(share)s of iterations")
                % {"date": "%{customdata}", "share": "%{y:.1f}%"}
                + "<extra></extra>"
            ),
        )
    )
    for trace in _marker_traces(markers, 100):
        figure.add_trace(trace)
    figure.update_layout(
        _layout(
            _("Probability of finishing by the date"),
            tickformat=".0f",
            x_range=_x_range(days, markers),
            y_range=[0, 102],
        )
    )
    figure.update_yaxes(ticksuffix="%")
    return figure_dict(figure)

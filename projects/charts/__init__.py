"""Chart plumbing shared by every plotly chart in the application (DESIGN.md section 4).

How a chart reaches the page
----------------------------
1. A builder in ``projects/charts/<chart>.py`` (or ``<app>/charts.py``) takes plain data
   (dataclasses, dicts, dates, Decimals), builds a ``plotly.graph_objects.Figure`` and returns
   :func:`figure_dict` of it. Builders are pure: no queries, no request; selectors load the data.
2. The view puts that dict in the context, and the template includes::

       {% include "includes/chart.html" with figure=figure chart_id="gantt" title=_("Gantt chart") %}

   which writes the figure as a JSON ``<script type="application/json" id="gantt-data">`` and a
   ``<div class="pmo-chart" data-figure="gantt-data" role="img" aria-label="...">``.
3. Only pages with charts load plotly.js (4.8 MB) and ``static/js/charts.js``::

       {% block extra_scripts %}
       <script src="{% static 'vendor/plotly/plotly.min.js' %}"></script>
       <script src="{% static 'js/charts.js' %}"></script>
       {% endblock %}

   charts.js draws every ``.pmo-chart[data-figure]`` (also those swapped in by htmx) with
   ``Plotly.newPlot(div, data, layout, {responsive: true, displaylogo: false})``. No inline
   script anywhere: the Content-Security-Policy forbids it.
4. Every chart has its data next to it as a table (or a ``<details>`` with one), so nothing is
   only readable in the picture.

Money stays Decimal everywhere; :func:`figure_dict` turns Decimals into floats, and dates into
ISO strings, only here, at the presentation boundary.
"""

from __future__ import annotations

import datetime
import html
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go

# Bootstrap 5's palette, so the charts match the badges and tables around them.
COLORS = {
    "primary": "#0d6efd",
    "critical": "#dc3545",
    "baseline": "#adb5bd",
    "baseline_line": "#6c757d",
    "phase": "#343a40",
    "progress": "rgba(0, 0, 0, 0.45)",
    "phase_progress": "rgba(255, 255, 255, 0.6)",
    "today": "#fd7e14",
    "grid": "#e9ecef",
    "text": "#212529",
    "muted": "#6c757d",
    "success": "#198754",
    "warning": "#e0a800",
    "danger": "#dc3545",
    "dark": "#212529",
    "info": "#0dcaf0",
}

FONT_FAMILY = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", '
    '"Liberation Sans", Arial, sans-serif'
)
MONO_FAMILY = (
    'SFMono-Regular, Menlo, Monaco, Consolas, "Liberation Mono", "DejaVu Sans Mono", '
    '"Courier New", monospace'
)

MS_PER_DAY = 24 * 60 * 60 * 1000


def json_safe(value: Any) -> Any:
    """Return ``value`` with only JSON types: dates as ISO strings, Decimals as floats.

    Used on a figure's dict just before it leaves for the browser. Non-finite floats (NaN,
    infinity) become None, which plotly draws as a gap, because JSON has no spelling for them.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return json_safe(float(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars, should a builder use them
        return json_safe(value.tolist())
    raise TypeError(f"Cannot put a {type(value).__name__} in a chart: {value!r}")


def figure_dict(figure: go.Figure) -> dict:
    """The figure as a JSON-safe dict ``{"data": [...], "layout": {...}}`` for the template."""
    return json_safe(figure.to_plotly_json())


MODEBAR_STRIP = 30  # pixels at the top kept for plotly's toolbar, which shows on hover


def base_layout(*, height: int, top: int = 40, **overrides) -> dict:
    """Layout settings every chart shares: a plain template, Bootstrap's font and greys.

    The legend runs across the top, just below the strip where plotly's toolbar appears on
    hover (so the two never overlap); ``top`` is the room the chart needs between the legend
    and the plot, for example for a date axis on top. The built-in plotly templates add
    about 10 KB of styling to every figure; "none" plus a few explicit settings keeps the
    JSON small and the look consistent with the page.
    """
    layout = {
        "height": height,
        "template": "none",
        "font": {"family": FONT_FAMILY, "size": 12, "color": COLORS["text"]},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"align": "left", "font": {"family": FONT_FAMILY}},
        "hovermode": "closest",
        "margin": {"l": 10, "r": 30, "t": MODEBAR_STRIP + 24 + top, "b": 40},
        "legend": {
            "orientation": "h",
            "yref": "container",
            "y": 1 - MODEBAR_STRIP / height,
            "yanchor": "top",
            "x": 0,
            "xanchor": "left",
        },
    }
    layout.update(overrides)
    return layout


def date_axis(**overrides) -> dict:
    axis = {
        "type": "date",
        "showgrid": True,
        "gridcolor": COLORS["grid"],
        "linecolor": COLORS["muted"],
        "showline": True,
        "ticks": "outside",
        "tickformat": "%d %b\n%Y",
        "automargin": True,
        "zeroline": False,
    }
    axis.update(overrides)
    return axis


def today_shape(today: datetime.date, label: str) -> dict:
    """A dashed vertical line at today's date across the whole plot, shown in the legend."""
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": today,
        "x1": today,
        "y0": 0,
        "y1": 1,
        "line": {"color": COLORS["today"], "width": 2, "dash": "dash"},
        "layer": "above",
        "name": label,
        "showlegend": True,
    }


# Today stretches the time axis only when it is this close to the dates (a share of their
# span): a plan that ended in January should not shrink into a corner in November.
TODAY_REACH = 0.5


def time_window(
    days: list[datetime.date], today: datetime.date, label: str
) -> tuple[list[datetime.date], list[dict], list[go.Scatter]]:
    """The x range for ``days`` and how today shows: (range, shapes, traces).

    Today inside the dates, or near them, is a dashed line across the plot (in the legend).
    Far before or after them it only has its legend entry, with its date and an arrow
    ("Today 2026-11-25 →"), so the data keeps the width of the chart.
    """
    first, last = min(days), max(days)
    reach = datetime.timedelta(days=max((last - first).days, 1) * TODAY_REACH)
    if first - reach <= today <= last + reach:
        first, last = min(first, today), max(last, today)
        shapes, traces = [today_shape(today, label)], []
    else:
        text = (
            f"{label} {today.isoformat()} →" if today > last else f"← {label} {today.isoformat()}"
        )
        shapes = []
        traces = [
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=text,
                line={"color": COLORS["today"], "width": 2, "dash": "dash"},
                hoverinfo="skip",
            )
        ]
    pad = datetime.timedelta(days=max(2, round((last - first).days * 0.03)))
    return [first - pad, last + pad + datetime.timedelta(days=1)], shapes, traces


def plain(text: str) -> str:
    """User text made literal for plotly, which reads ``<b>``, ``<a href>`` and entities in
    labels and hover text: a task called "<b>R&D</b>" shows as typed, not in bold."""
    return html.escape(text, quote=False)


def truncate(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters with an ellipsis (full text goes in hover/tables)."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"

"""The project Gantt chart: WBS rows on a time axis, baseline beside current dates.

Pure: :class:`GanttItem` rows in, a JSON-safe plotly figure dict out (projects.charts).
``projects.selectors.gantt`` loads the rows from the stored schedule.

Geometry. Rows are numbered 0..n-1 top to bottom (the y axis is reversed) and labelled with
the WBS number and name, indented by level. A bar covers whole days: it starts at midnight of
its start date and ends at midnight after its finish date (finish dates are inclusive, like the
scheduler's shown dates), so a one-day task is one day wide. In each row the current bar sits
in the upper part and the baseline bar, thinner and grey, just below it; milestones are
diamonds at the same two heights (filled: forecast; hollow: baseline).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from projects.charts import (
    COLORS,
    MONO_FAMILY,
    MS_PER_DAY,
    base_layout,
    date_axis,
    figure_dict,
    plain,
    time_window,
    truncate,
)

PHASE = "phase"
TASK = "task"
MILESTONE = "milestone"

ROW_HEIGHT = 26  # pixels per row: the chart grows with the plan instead of squeezing it
CHART_MARGIN = 186  # toolbar strip, legend, date axes and padding around the rows
MIN_HEIGHT = 280
LABEL_CHARS = 44  # longest row label; the full name is in the hover text and the table
LABEL_FONT_SIZE = 12
# Width of one character of the monospace label font, in pixels per pixel of font size
# (0.6 for DejaVu Sans Mono, Menlo and Consolas alike), and the gap before the plot.
MONO_ADVANCE = 0.61
LABEL_GAP = 14
# With this many rows the top axis scrolls out of sight: repeat the dates at the bottom.
BOTTOM_AXIS_FROM_ROWS = 25

# Offsets and widths within a row, in row units (the y axis runs downwards).
CURRENT = {"offset": -0.34, "width": 0.40}
PHASE_BAR = {"offset": -0.30, "width": 0.30}
BASELINE = {"offset": 0.10, "width": 0.22}
PROGRESS = {"offset": -0.20, "width": 0.12}  # a dark stripe inside the current bar
CURRENT_MARKER_Y = -0.14
BASELINE_MARKER_Y = 0.21


@dataclass(frozen=True, slots=True)
class GanttItem:
    """One row of the chart and of its data table.

    ``finish`` is the last day worked (inclusive); a milestone has ``start == finish``. The
    baseline dates come from the baseline being compared (None: not in that baseline).
    """

    key: str
    outline: str
    name: str
    level: int
    kind: str  # PHASE, TASK or MILESTONE
    start: datetime.date | None
    finish: datetime.date | None
    is_critical: bool = False
    percent_complete: int = 0
    duration_days: int | None = None  # working days
    assignee: str = ""
    baseline_start: datetime.date | None = None
    baseline_finish: datetime.date | None = None
    status: str = ""  # a milestone's derived status, already a label
    # A milestone's task date from the schedule, when it differs from the PM's forecast.
    scheduled: datetime.date | None = None

    @property
    def label(self) -> str:
        return f"{self.outline} {self.name}".strip()

    @property
    def finish_variance_days(self) -> int | None:
        """Calendar days the finish moved against the baseline; positive is later."""
        if self.finish is None or self.baseline_finish is None:
            return None
        return (self.finish - self.baseline_finish).days

    @property
    def is_new(self) -> bool:
        """Scheduled now but not in the baseline being compared."""
        return self.baseline_start is None and self.baseline_finish is None


def row_label_texts(items: Sequence[GanttItem]) -> list[str]:
    """Each row's label text: indented two spaces per level, cut to LABEL_CHARS."""
    return [truncate("  " * item.level + item.label, LABEL_CHARS) for item in items]


def row_labels(items: Sequence[GanttItem]) -> list[str]:
    """Axis labels "1.2 Design", indented two spaces per level; phases in bold.

    Plotly right-aligns tick labels against the axis, which would hide any indentation; in a
    monospace font, padding every label to the same length lines them up on the left instead.
    No-break spaces, because SVG collapses ordinary ones.
    """
    texts = row_label_texts(items)
    width = max((len(text) for text in texts), default=0)
    labels = []
    for item, text in zip(items, texts, strict=True):
        text = plain(text + " " * (width - len(text))).replace(" ", "\u00a0")
        labels.append(f"<b>{text}</b>" if item.kind == PHASE else text)
    return labels


def _span_ms(start: datetime.date, finish: datetime.date) -> int:
    """Bar length in milliseconds (plotly's unit on a date axis), whole days inclusive."""
    return max((finish - start).days + 1, 0) * MS_PER_DAY


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else "—"


class _Bars:
    """Collects one bar trace's points."""

    def __init__(self, name: str, color: str, geometry: dict, **extra):
        self.name, self.color, self.geometry, self.extra = name, color, geometry, extra
        self.y, self.base, self.x, self.customdata = [], [], [], []

    def add(self, row: int, start, finish, customdata: list, share: float = 1.0) -> None:
        self.y.append(row)
        self.base.append(start)
        self.x.append(round(_span_ms(start, finish) * share))
        self.customdata.append(customdata)

    def trace(self, hovertemplate: str):
        if not self.y:
            return None
        return go.Bar(
            name=self.name,
            orientation="h",
            y=self.y,
            x=self.x,
            base=self.base,
            customdata=self.customdata,
            hovertemplate=hovertemplate,
            marker={"color": self.color, "line": {"width": 0}},
            **self.geometry,
            **self.extra,
        )


class _Markers:
    def __init__(self, name: str, marker: dict):
        self.name, self.marker = name, marker
        self.y, self.x, self.customdata = [], [], []

    def add(self, y: float, day, customdata: list) -> None:
        self.y.append(y)
        self.x.append(day)
        self.customdata.append(customdata)

    def trace(self, hovertemplate: str):
        if not self.y:
            return None
        return go.Scatter(
            name=self.name,
            mode="markers",
            y=self.y,
            x=self.x,
            customdata=self.customdata,
            hovertemplate=hovertemplate,
            marker=self.marker,
            cliponaxis=False,
        )


def _tick_step(x_range: list[datetime.date]) -> dict:
    """Calendar-aligned ticks for about 4 to 8 labels across the range: weeks or months."""
    span = (x_range[1] - x_range[0]).days
    if span <= 56:
        # Mondays (3 January 2000 was one).
        return {"tickmode": "linear", "tick0": "2000-01-03", "dtick": 7 * MS_PER_DAY}
    months = span / 30.4
    step = next((m for m in (1, 2, 3, 6, 12) if months / m <= 8), 24)
    return {"tickmode": "linear", "tick0": "2000-01-01", "dtick": f"M{step}"}


def gantt_figure(
    items: Sequence[GanttItem],
    *,
    today: datetime.date,
    baseline_name: str | None = None,
) -> dict:
    """The Gantt chart of ``items`` (in WBS order) as a JSON-safe plotly figure dict."""
    phases = _Bars(_("Phase"), COLORS["phase"], PHASE_BAR)
    tasks = _Bars(_("Task"), COLORS["primary"], CURRENT)
    critical = _Bars(_("Critical task"), COLORS["critical"], CURRENT)
    baseline_label = (
        _("Baseline “%(name)s”") % {"name": plain(baseline_name)}
        if baseline_name
        else _("Baseline")
    )
    baseline = _Bars(_("Baseline"), COLORS["baseline"], BASELINE)
    progress = _Bars(_("% complete"), COLORS["progress"], PROGRESS, legendgroup="progress")
    # On the dark phase bars the stripe is light; one legend entry stands for both.
    phase_progress = _Bars(
        _("% complete"),
        COLORS["phase_progress"],
        PROGRESS,
        legendgroup="progress",
        showlegend=False,
    )
    diamond = {"symbol": "diamond", "size": 13, "line": {"width": 1, "color": "#ffffff"}}
    milestones = _Markers(_("Milestone"), {**diamond, "color": COLORS["dark"]})
    critical_milestones = _Markers(
        _("Critical milestone"), {**diamond, "color": COLORS["critical"]}
    )
    baseline_milestones = _Markers(
        _("Baseline milestone"),
        {
            "symbol": "diamond-open",
            "size": 11,
            "color": COLORS["baseline_line"],
            "line": {"width": 2, "color": COLORS["baseline_line"]},
        },
    )

    for row, item in enumerate(items):
        info = [
            plain(item.label),
            _iso(item.start),
            _iso(item.finish),
            _iso(item.baseline_start),
            _iso(item.baseline_finish),
            item.duration_days if item.kind == TASK and item.duration_days is not None else "—",
            item.percent_complete,
            plain(item.assignee) or "—",
            item.status or "—",
            _("Schedule says %(date)s") % {"date": item.scheduled.isoformat()}
            if item.scheduled
            else "",
        ]
        if item.kind == MILESTONE:
            if item.start is not None:
                target = critical_milestones if item.is_critical else milestones
                target.add(row + CURRENT_MARKER_Y, item.start, info)
            if item.baseline_start is not None:
                baseline_milestones.add(row + BASELINE_MARKER_Y, item.baseline_start, info)
            continue
        if item.start is not None and item.finish is not None:
            bars = {PHASE: phases, TASK: critical if item.is_critical else tasks}[item.kind]
            bars.add(row, item.start, item.finish, info)
            if item.percent_complete > 0:
                stripe = phase_progress if item.kind == PHASE else progress
                stripe.add(row, item.start, item.finish, info, share=item.percent_complete / 100)
        if item.baseline_start is not None and item.baseline_finish is not None:
            baseline.add(row, item.baseline_start, item.baseline_finish, info)

    task_hover = (
        "<b>%{customdata[0]}</b><br>"
        + _("Start")
        + ": %{customdata[1]}<br>"
        + _("Finish")
        + ": %{customdata[2]}<br>"
        + _("Duration")
        + ": %{customdata[5]} "
        + _("working days")
        + "<br>"
        + _("Complete")
        + ": %{customdata[6]}%<br>"
        + _("Assignee")
        + ": %{customdata[7]}<extra></extra>"
    )
    baseline_hover = (
        "<b>%{customdata[0]}</b><br>"
        + baseline_label
        + "<br>"
        + _("Start")
        + ": %{customdata[3]}<br>"
        + _("Finish")
        + ": %{customdata[4]}<br>"
        + _("Now")
        + ": %{customdata[1]} – %{customdata[2]}<extra></extra>"
    )
    milestone_hover = (
        "<b>%{customdata[0]}</b><br>"
        + _("Forecast")
        + ": %{customdata[1]}<br>"
        + _("Baseline")
        + ": %{customdata[3]}<br>"
        + _("Status")
        + ": %{customdata[8]}<br>%{customdata[9]}<extra></extra>"
    )
    traces = [
        phases.trace(task_hover),
        tasks.trace(task_hover),
        critical.trace(task_hover),
        progress.trace(task_hover),
        phase_progress.trace(task_hover),
        baseline.trace(baseline_hover),
        milestones.trace(milestone_hover),
        critical_milestones.trace(milestone_hover),
        baseline_milestones.trace(milestone_hover),
    ]
    days = [
        day
        for item in items
        for day in (item.start, item.finish, item.baseline_start, item.baseline_finish)
        if day is not None
    ]
    x_range, today_shapes, today_traces = time_window(days or [today], today, _("Today"))
    figure = go.Figure(data=[trace for trace in traces if trace is not None] + today_traces)

    rows = len(items)
    figure.update_layout(
        **base_layout(
            height=max(MIN_HEIGHT, rows * ROW_HEIGHT + CHART_MARGIN),
            # Two legend lines and the date axis above the rows.
            top=66,
            barmode="overlay",
            bargap=0,
            showlegend=True,
            dragmode="zoom",
        ),
        xaxis=date_axis(side="top", range=x_range),
        yaxis={
            "tickmode": "array",
            "tickvals": list(range(rows)),
            "ticktext": row_labels(items),
            "tickfont": {"family": MONO_FAMILY, "size": LABEL_FONT_SIZE},
            # Row 0 at the top; half a row of room at either end.
            "range": [rows - 0.5, -0.5] if rows else [0.5, -0.5],
            "fixedrange": True,  # zoom along time only, the rows stay readable
            "showgrid": False,
            "zeroline": False,
            # Plotly measures every tick label to fit the margin and to hide labels that
            # overflow: with 1,000 rows that alone takes tens of seconds in the browser.
            # Monospace labels of known length need neither; the margin is set below.
            "automargin": False,
            "ticklabeloverflow": "allow",
            "ticks": "",
            "minor": {
                "tickmode": "array",
                "tickvals": [row + 0.5 for row in range(rows - 1)],
                "showgrid": True,
                "gridcolor": COLORS["grid"],
                "ticks": "",
            },
        },
        shapes=today_shapes,
    )
    label_chars = max((len(text) for text in row_label_texts(items)), default=0)
    figure.update_layout(
        margin_l=round(label_chars * LABEL_FONT_SIZE * MONO_ADVANCE) + LABEL_GAP,
        margin_b=50 if rows >= BOTTOM_AXIS_FROM_ROWS else 16,
    )
    if rows >= BOTTOM_AXIS_FROM_ROWS:
        # A second date axis at the bottom, tied to the first, so a long plan shows dates
        # wherever the reader has scrolled to. An axis is drawn only with a trace on it:
        # an invisible one, out of the legend and the hover. A matching axis left to pick
        # its own ticks spaces them by an average month and drifts off the 1st ("30 Jun"),
        # so its step is set here from the plan's span (the top axis still adapts to zoom).
        figure.update_layout(
            xaxis2=date_axis(
                matches="x",
                overlaying="x",
                side="bottom",
                showgrid=False,
                **_tick_step(x_range),
            )
        )
        anchor_days = [item.start for item in items if item.start is not None][:1]
        figure.add_trace(
            go.Scatter(
                x=anchor_days,
                y=[0] * len(anchor_days),
                xaxis="x2",
                mode="markers",
                marker={"opacity": 0},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    return figure_dict(figure)

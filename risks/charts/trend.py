"""Trend charts: one risk's score over time, and a register's exposure week by week.

Pure: plain rows in, a JSON-safe plotly figure dict out (see ``projects/charts/__init__``).
Score bands are drawn as coloured zones behind the lines, so a point's band reads at a
glance; every chart has its data as a table on the page.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.charts import COLORS, base_layout, date_axis, figure_dict, plain, truncate
from risks import scoring
from risks.exposure import UNSCORED, ExposurePoint

SCORE_HEIGHT = 320
EXPOSURE_HEIGHT = 440
ZONE_OPACITY = 0.13


@dataclass(frozen=True)
class ScorePoint:
    """A risk's score on a day, and what set it."""

    date: datetime.date
    score: int
    event: str  # "created", "assessed" or "reviewed"
    status: str = ""
    comment: str = ""
    by: str = ""


def score_points(
    history: Iterable[dict], reviews: Iterable, tz: datetime.tzinfo | None = None
) -> list[ScorePoint]:
    """The points of a risk's score chart, oldest first.

    ``history`` holds the risk's history rows (dicts with ``history_date``, ``status``,
    ``current_score``, ``last_reviewed_on``), oldest first; ``reviews`` its reviews
    (objects with ``reviewed_on``, ``score``, ``status``, ``comment``, ``reviewed_by``).
    From the history come the first score and every later change of it made outside a
    review (an assessment or an edit); each review is a point on its own date. A save that
    recorded a review moves ``last_reviewed_on``, which is how it is told apart.
    """
    tz = tz or datetime.UTC
    points: list[ScorePoint] = []
    previous_score = None
    previous_review_date = None
    for row in history:
        score = row.get("current_score")
        is_review = row.get("last_reviewed_on") != previous_review_date
        previous_review_date = row.get("last_reviewed_on")
        if row.get("history_type") == "-" or score is None:
            previous_score = score
            continue
        if not is_review and score != previous_score:
            event = "created" if row.get("history_type") == "+" else "assessed"
            day = timezone.localtime(row["history_date"], tz).date()
            points.append(ScorePoint(day, score, event, status=row.get("status", "")))
        previous_score = score
    review_points = [
        ScorePoint(
            r.reviewed_on,
            r.score,
            "reviewed",
            status=r.status,
            comment=r.comment,
            by=str(r.reviewed_by) if getattr(r, "reviewed_by", None) else "",
        )
        for r in reviews
    ]
    taken = {(p.date, p.score) for p in review_points}
    merged = [p for p in points if (p.date, p.score) not in taken] + review_points
    order = {"created": 0, "assessed": 1, "reviewed": 2}
    return sorted(merged, key=lambda p: (p.date, order[p.event]))


def band_zones(bands: Sequence[scoring.Band], *, yref: str = "y") -> list[dict]:
    """Coloured horizontal zones, one per band, behind the data."""
    return [
        {
            "type": "rect",
            "xref": "paper",
            "yref": yref,
            "x0": 0,
            "x1": 1,
            "y0": band.min_score - 0.5,
            "y1": band.max_score + 0.5,
            "fillcolor": band.colour,
            "opacity": ZONE_OPACITY,
            "line": {"width": 0},
            "layer": "below",
        }
        for band in bands
    ]


def _band_ticks(bands: Sequence[scoring.Band]) -> list[dict]:
    """Band names at the right edge of their zone."""
    return [
        {
            "x": 1,
            "xref": "paper",
            "xanchor": "right",
            "y": (band.min_score + band.max_score) / 2,
            "yref": "y",
            "text": plain(band.label),
            "showarrow": False,
            "font": {"size": 10, "color": COLORS["muted"]},
        }
        for band in bands
    ]


EVENT_LABELS = {
    "created": lambda: _("Added"),
    "assessed": lambda: _("Assessed"),
    "reviewed": lambda: _("Reviewed"),
}


def event_label(event: str) -> str:
    return EVENT_LABELS[event]()


MIN_SPAN_DAYS = 14


def _hover(point: ScorePoint) -> str:
    # gettext outside the f-string: xgettext does not look inside f-string expressions.
    score = _("Score %(score)s") % {"score": point.score}
    comment = plain(truncate(point.comment, 80)) if point.comment else ""
    return f"<b>{event_label(point.event)}</b> {point.date.isoformat()}<br>{score}<br>{comment}"


def _score_range(dates: Sequence[datetime.date], today: datetime.date) -> list[str] | None:
    """At least two weeks wide: a risk added today would otherwise get an axis of hours,
    whose ticks repeat the same date."""
    if not dates:
        return None
    end = max(today, max(dates))
    start = min(min(dates), end - datetime.timedelta(days=MIN_SPAN_DAYS))
    pad = datetime.timedelta(days=1)
    return [(start - pad).isoformat(), (end + pad).isoformat()]


def risk_score_figure(
    points: Sequence[ScorePoint], bands: Sequence[scoring.Band], *, today: datetime.date
) -> dict:
    """The risk's current score over time as steps, with its band zones behind."""
    colours = [(b.colour if (b := scoring.band_for(p.score, bands)) else "#6c757d") for p in points]
    hover = [_hover(p) for p in points]
    x = [p.date for p in points]
    y = [p.score for p in points]
    figure = go.Figure()
    # The score holds until the next event, so the line steps; it runs on to today.
    line_x = [*x, today] if x and today > x[-1] else x
    line_y = [*y, y[-1]] if x and today > x[-1] else y
    figure.add_trace(
        go.Scatter(
            x=line_x,
            y=line_y,
            mode="lines",
            line={"shape": "hv", "color": COLORS["dark"], "width": 2},
            name=_("Score"),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="markers",
            marker={
                "color": colours,
                "size": 11,
                "line": {"color": COLORS["dark"], "width": 1},
                "symbol": ["diamond" if p.event == "reviewed" else "circle" for p in points],
            },
            name=_("Score"),
            text=hover,
            hovertemplate="%{text}<extra></extra>",
            showlegend=False,
        )
    )
    figure.update_layout(
        base_layout(
            height=SCORE_HEIGHT,
            top=0,
            margin={"l": 10, "r": 10, "t": 30, "b": 40},
            xaxis=date_axis(range=_score_range(x, today)),
            yaxis={
                "title": {"text": _("Score (P × I)")},
                "range": [0, scoring.MAX_SCORE + 1],
                "tickvals": [1, 5, 10, 15, 20, 25],
                "gridcolor": COLORS["grid"],
                "zeroline": False,
                "automargin": True,
            },
            shapes=band_zones(bands),
            annotations=_band_ticks(bands),
        )
    )
    return figure_dict(figure)


def exposure_figure(points: Sequence[ExposurePoint], bands: Sequence[scoring.Band]) -> dict:
    """Open risks by band as stacked weekly bars, and the total exposure as a line."""
    x = [p.date for p in points]
    figure = go.Figure()
    stacks = [(b.code, b.label, b.colour) for b in bands]
    if any(p.unscored for p in points):
        stacks.insert(0, (UNSCORED, _("Not assessed"), "#adb5bd"))
    for code, label, colour in stacks:
        figure.add_trace(
            go.Bar(
                x=x,
                y=[p.by_band.get(code, 0) for p in points],
                name=plain(label),
                marker={"color": colour, "opacity": 0.85},
                hovertemplate="%{y}<extra>%{fullData.name}</extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=[p.exposure for p in points],
            name=_("Exposure (sum of scores)"),
            mode="lines+markers",
            line={"color": COLORS["dark"], "width": 3},
            marker={"size": 6},
            yaxis="y2",
            hovertemplate="%{y}<extra>%{fullData.name}</extra>",
        )
    )
    figure.update_layout(
        base_layout(
            height=EXPOSURE_HEIGHT,
            barmode="stack",
            bargap=0.25,
            hovermode="x unified",
            margin={"l": 10, "r": 10, "t": 80, "b": 40},
            xaxis=date_axis(),
            yaxis={
                "title": {"text": _("Open risks")},
                "rangemode": "tozero",
                "gridcolor": COLORS["grid"],
                "automargin": True,
                "tickformat": "d",
            },
            yaxis2={
                "title": {"text": _("Exposure")},
                "overlaying": "y",
                "side": "right",
                # Own round ticks, not the left axis' grid (whose values would be odd here).
                "tickmode": "auto",
                "nticks": 6,
                "rangemode": "tozero",
                "showgrid": False,
                "automargin": True,
                "tickformat": "d",
            },
        )
    )
    return figure_dict(figure)

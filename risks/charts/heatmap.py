"""The 5 x 5 heat map and the top-risks chart (pure: plain data in, JSON-safe figure out).

Heat map. Probability runs up the y axis (1 at the bottom, 5 at the top), impact along the
x axis, so the dangerous corner is top right as on paper matrices. Each cell is coloured by
the band of its score P x I with the matrix's own band colours, through a discrete colour
scale: ``z`` is a colour index, not a count. A cell holding risks is drawn in the full band
colour and an empty one in a pale tint of it, so the eye finds the populated cells first;
the count is written in every cell (an annotation, in black or white by contrast). Each
cell's ``customdata`` is ``[p, i]``: ``static/js/risks_heatmap.js`` reads it on
``plotly_click`` to load that cell's risks.

Top risks. A horizontal bar per risk (highest first, labelled with its reference), whose
length is the current score (0 to 25) and whose colour is its band; one trace per band so
the legend names the colours. A bubble chart (impact, probability, size EMV) was the other
option, but risks in the same cell draw on top of each other there and EMV is missing
for risks without a cost impact, while every scored risk has a bar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import plotly.graph_objects as go
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.charts import COLORS, base_layout, figure_dict, plain, truncate
from risks import scoring

HEATMAP_HEIGHT = 440
NO_BAND_COLOUR = "#adb5bd"  # a score no band covers (the matrix is being reconfigured)
TINT = 0.75  # how far an empty cell's colour is mixed towards white
BAR_HEIGHT = 30
TITLE_CHARS = 48


# --- colours ------------------------------------------------------------------------------
def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def tint(colour: str, amount: float = TINT) -> str:
    """``colour`` mixed with white (amount 0: unchanged, 1: white)."""
    r, g, b = (round(c + (255 - c) * amount) for c in _rgb(colour))
    return f"#{r:02x}{g:02x}{b:02x}"


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG relative luminance)."""

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(background))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # White down to a contrast of 4:1 (the counts are large bold text, for which WCAG asks
    # 3:1), so red and green cells get white figures as Bootstrap's badges do.
    return "#ffffff" if 1.05 / (luminance + 0.05) >= 4 else "#212529"


def band_colour(band: scoring.Band | None) -> str:
    return band.colour if band is not None else NO_BAND_COLOUR


# --- heat map -----------------------------------------------------------------------------
def _level_tick(level: scoring.Level | None, value: int) -> str:
    return f"{plain(level.label)} ({value})" if level is not None else str(value)


def _levels_by_value(levels: Sequence[scoring.Level]) -> dict[int, scoring.Level]:
    return {level.value: level for level in levels}


def discrete_colourscale(colours: Sequence[str]) -> list[list]:
    """A colour scale where integer ``z = k`` is exactly ``colours[k]`` when
    ``zmin = -0.5`` and ``zmax = len(colours) - 0.5``."""
    n = len(colours)
    scale = []
    for k, colour in enumerate(colours):
        scale.append([k / n, colour])
        scale.append([(k + 1) / n, colour])
    return scale


def heatmap_figure(
    grid: Sequence[Sequence[int]], matrix: scoring.MatrixSpec, *, title: str
) -> dict:
    """The heat map of ``grid`` (``grid[p - 1][i - 1]`` = number of risks) as a figure dict."""
    levels = scoring.LEVELS
    bands = list(matrix.bands)
    # Colour index: 2k for band k with risks, 2k + 1 for its pale tint; the last pair is the
    # grey for scores no band covers.
    palette = []
    for band in [*bands, None]:
        palette += [band_colour(band), tint(band_colour(band))]
    probability = _levels_by_value(matrix.probability)
    impact = _levels_by_value(matrix.impact)

    z, hover, customdata, annotations = [], [], [], []
    for p in levels:
        z_row, hover_row, data_row = [], [], []
        for i in levels:
            count = grid[p - 1][i - 1]
            band = matrix.band_for(p * i)
            index = bands.index(band) if band is not None else len(bands)
            colour_index = 2 * index + (0 if count else 1)
            z_row.append(colour_index)
            data_row.append([p, i])
            band_label = band.label if band is not None else _("no band")
            hover_row.append(
                "<br>".join(
                    [
                        _("Probability: %(level)s") % {"level": _level_tick(probability.get(p), p)},
                        _("Impact: %(level)s") % {"level": _level_tick(impact.get(i), i)},
                        _("Score %(score)s · %(band)s")
                        % {"score": p * i, "band": plain(band_label)},
                        ngettext("%(n)s open risk", "%(n)s open risks", count) % {"n": count},
                    ]
                )
            )
            annotations.append(
                {
                    "x": i,
                    "y": p,
                    "xref": "x",
                    "yref": "y",
                    "text": f"<b>{count}</b>" if count else "0",
                    "showarrow": False,
                    "font": {
                        "size": 16 if count else 12,
                        "color": text_colour(palette[colour_index]),
                    },
                    "opacity": 1 if count else 0.55,
                }
            )
        z.append(z_row)
        hover.append(hover_row)
        customdata.append(data_row)

    figure = go.Figure(
        go.Heatmap(
            x=list(levels),
            y=list(levels),
            z=z,
            zmin=-0.5,
            zmax=len(palette) - 0.5,
            colorscale=discrete_colourscale(palette),
            showscale=False,
            xgap=3,
            ygap=3,
            text=hover,
            customdata=customdata,
            hovertemplate="%{text}<extra></extra>",
            name=plain(title),
        )
    )

    def axis(label: str, by_value: dict) -> dict:
        return {
            "title": {"text": label},
            "tickmode": "array",
            "tickvals": list(levels),
            "ticktext": [_level_tick(by_value.get(v), v) for v in levels],
            "range": [0.5, len(levels) + 0.5],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "automargin": True,
        }

    figure.update_layout(
        base_layout(
            height=HEATMAP_HEIGHT,
            margin={"l": 10, "r": 10, "t": 36, "b": 10},
            xaxis={**axis(_("Impact"), impact), "tickangle": 0},
            yaxis=axis(_("Probability"), probability),
            annotations=annotations,
        )
    )
    return figure_dict(figure)


# --- top risks ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TopRiskBar:
    """One bar of the top-risks chart (and one row of its table)."""

    reference: str
    title: str
    score: int
    probability: int
    impact: int
    band: scoring.Band | None
    emv: Decimal | None = None
    currency: str = ""


def _money(value: Decimal | None, currency: str) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f} {currency}"


def top_risks_figure(bars: Sequence[TopRiskBar]) -> dict:
    """Horizontal bars of the current scores, highest first, coloured by band."""
    references = [bar.reference for bar in bars]
    traces: dict[str | None, list[TopRiskBar]] = {}
    order: list[scoring.Band | None] = []
    for bar in bars:
        code = bar.band.code if bar.band else None
        if code not in traces:
            traces[code] = []
            order.append(bar.band)
        traces[code].append(bar)
    # Legend from the highest band down, as the bars run.
    order.sort(key=lambda band: -(band.min_score if band else 0))

    figure = go.Figure()
    for band in order:
        rows = traces[band.code if band else None]
        colour = band_colour(band)
        figure.add_trace(
            go.Bar(
                orientation="h",
                x=[bar.score for bar in rows],
                y=[bar.reference for bar in rows],
                name=plain(band.label) if band else _("no band"),
                marker={"color": colour, "line": {"color": COLORS["text"], "width": 0.5}},
                text=[str(bar.score) for bar in rows],
                textposition="inside",
                insidetextanchor="end",
                textfont={"color": text_colour(colour)},
                customdata=[
                    [
                        plain(truncate(bar.title, TITLE_CHARS)),
                        bar.probability,
                        bar.impact,
                        _money(bar.emv, bar.currency),
                    ]
                    for bar in rows
                ],
                hovertemplate=(
                    "<b>%{y}</b> %{customdata[0]}<br>"
                    + _("Score %(score)s = P%(p)s × I%(i)s")
                    % {"score": "%{x}", "p": "%{customdata[1]}", "i": "%{customdata[2]}"}
                    + "<br>"
                    + _("EMV: %(emv)s") % {"emv": "%{customdata[3]}"}
                    + "<extra>%{fullData.name}</extra>"
                ),
            )
        )
    height = max(220, 130 + BAR_HEIGHT * len(bars))
    figure.update_layout(
        base_layout(
            height=height,
            top=0,
            barmode="overlay",
            bargap=0.25,
            margin={"l": 10, "r": 20, "t": 60, "b": 40},
            xaxis={
                "title": {"text": _("Current score (probability × impact)")},
                "range": [0, scoring.MAX_SCORE],
                "dtick": 5,
                "gridcolor": COLORS["grid"],
                "zeroline": False,
                "fixedrange": True,
            },
            yaxis={
                "type": "category",
                "categoryorder": "array",
                "categoryarray": references,
                "autorange": "reversed",
                "automargin": True,
                "fixedrange": True,
            },
        )
    )
    return figure_dict(figure)

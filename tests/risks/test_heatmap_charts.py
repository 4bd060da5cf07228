"""Heat-map and top-risk chart builders (risks/charts/heatmap.py) and the pure summing of
the grouped heat-map rows: plain data in, no database."""

import json
from decimal import Decimal as D

from risks import scoring
from risks.charts.heatmap import (
    TopRiskBar,
    discrete_colourscale,
    heatmap_figure,
    text_colour,
    tint,
    top_risks_figure,
)
from risks.models import RiskStatus
from risks.registers import Register
from risks.selectors.heatmap import breakdown_from_groups, heatmap_from_groups

LOW = scoring.Band("low", "Low", 1, 4, "#198754", 90)
MEDIUM = scoring.Band("medium", "Medium", 5, 9, "#ffc107", 30)
HIGH = scoring.Band("high", "High", 10, 15, "#fd7e14", 14)
CRITICAL = scoring.Band("critical", "Critical", 16, 25, "#dc3545", 7)
PROBABILITY = ("Rare", "Unlikely", "Possible", "Likely", "Almost certain")
IMPACT = ("Negligible", "Minor", "Moderate", "Major", "Severe")
MIDPOINTS = (D("0.05"), D("0.2"), D("0.4"), D("0.6"), D("0.85"))
MATRIX = scoring.MatrixSpec(
    probability=tuple(
        scoring.Level(v, label, probability_midpoint=m)
        for v, label, m in zip(scoring.LEVELS, PROBABILITY, MIDPOINTS, strict=True)
    ),
    impact=tuple(scoring.Level(v, label) for v, label in zip(scoring.LEVELS, IMPACT, strict=True)),
    bands=(LOW, MEDIUM, HIGH, CRITICAL),
)

# A hand-made register: (status, inherent P, I, residual P, I, cost impact, currency).
REGISTER = [
    ("assessed", 4, 4, None, None, D("100000"), "EUR"),  # inherent 4x4, current 4x4
    ("responding", 4, 4, 2, 3, D("50000"), "EUR"),  # inherent 4x4, current 2x3
    ("monitoring", 5, 5, 3, 3, None, "EUR"),
    ("identified", None, None, None, None, None, "EUR"),  # open, not assessed
    ("assessed", 1, 2, None, None, D("1000"), "GBP"),
    ("proposed", 5, 5, None, None, None, "EUR"),  # awaiting triage: not on the map
    ("closed", 4, 4, None, None, None, "EUR"),  # closed: not on the map
    ("occurred", 3, 3, None, None, None, "EUR"),
    ("rejected", 2, 2, None, None, None, "EUR"),
]


def open_rows():
    return [r for r in REGISTER if r[0] in RiskStatus.open_values()]


def hand_grids():
    inherent = scoring.heat_counts((r[1], r[2]) for r in open_rows())
    current = scoring.heat_counts(
        (r[3], r[4]) if r[3] is not None else (r[1], r[2]) for r in open_rows()
    )
    return inherent, current


def counts_in(figure):
    """{(p, i): written count} from the cell annotations."""
    return {
        (a["y"], a["x"]): int(a["text"].replace("<b>", "").replace("</b>", ""))
        for a in figure["layout"]["annotations"]
    }


def cell_colour(figure, p, i):
    trace = figure["data"][0]
    z = trace["z"][p - 1][i - 1]
    scale = trace["colorscale"]
    return scale[2 * z][1]


# --- the heat map ---------------------------------------------------------------------------
def test_counts_in_the_cells_match_the_hand_made_register():
    inherent, current = hand_grids()
    fig_inherent = heatmap_figure(inherent, MATRIX, title="Inherent")
    fig_current = heatmap_figure(current, MATRIX, title="Residual")
    written = counts_in(fig_inherent)
    assert len(written) == 25
    assert written[(4, 4)] == 2 and written[(5, 5)] == 1 and written[(1, 2)] == 1
    assert sum(written.values()) == 4  # 4 assessed open risks; proposed/closed/... left out
    assert written[(3, 3)] == 0  # the occurred risk is not counted
    residual = counts_in(fig_current)
    assert residual[(4, 4)] == 1 and residual[(2, 3)] == 1 and residual[(3, 3)] == 1
    assert residual[(5, 5)] == 0 and sum(residual.values()) == 4


def test_probability_runs_up_the_y_axis_and_impact_along_x_with_matrix_labels():
    figure = heatmap_figure(hand_grids()[0], MATRIX, title="Inherent")
    trace = figure["data"][0]
    assert trace["type"] == "heatmap"
    assert trace["y"] == [1, 2, 3, 4, 5] and trace["x"] == [1, 2, 3, 4, 5]
    layout = figure["layout"]
    assert layout["yaxis"]["title"]["text"] == "Probability"
    assert layout["xaxis"]["title"]["text"] == "Impact"
    assert layout["yaxis"]["ticktext"][0] == "Rare (1)"
    assert layout["yaxis"]["ticktext"][4] == "Almost certain (5)"
    assert layout["xaxis"]["ticktext"][3] == "Major (4)"
    assert layout["yaxis"]["range"] == [0.5, 5.5]  # 1 at the bottom, not reversed
    assert "autorange" not in layout["yaxis"]


def test_cells_carry_p_and_i_for_the_click_handler():
    trace = heatmap_figure(hand_grids()[0], MATRIX, title="Inherent")["data"][0]
    assert trace["customdata"][3][1] == [4, 2]  # row p=4, column i=2
    assert trace["customdata"][0][0] == [1, 1]
    assert trace["customdata"][4][4] == [5, 5]


def test_cells_are_coloured_by_the_band_of_p_times_i():
    inherent, _ = hand_grids()
    figure = heatmap_figure(inherent, MATRIX, title="Inherent")
    trace = figure["data"][0]
    assert trace["showscale"] is False
    assert trace["zmin"] == -0.5 and trace["zmax"] == len(trace["colorscale"]) / 2 - 0.5
    # Populated cells take the band colour, empty ones its tint.
    assert cell_colour(figure, 4, 4) == CRITICAL.colour  # 16, two risks
    assert cell_colour(figure, 5, 5) == CRITICAL.colour  # 25, one risk
    assert cell_colour(figure, 1, 2) == LOW.colour  # 2, one risk
    assert cell_colour(figure, 3, 4) == tint(HIGH.colour)  # 12, empty
    assert cell_colour(figure, 2, 3) == tint(MEDIUM.colour)  # 6, empty
    assert cell_colour(figure, 1, 1) == tint(LOW.colour)


def test_a_custom_matrix_changes_colours_and_labels():
    two_bands = (
        scoring.Band("ok", "Fine", 1, 9, "#0000ff", 60),
        scoring.Band("bad", "Too much", 10, 25, "#000000", 7),
    )
    matrix = scoring.MatrixSpec(
        probability=tuple(scoring.Level(v, f"P-{v}") for v in scoring.LEVELS),
        impact=tuple(scoring.Level(v, f"I<{v}>") for v in scoring.LEVELS),
        bands=two_bands,
    )
    grid = scoring.heat_counts([(3, 3), (2, 5)])
    figure = heatmap_figure(grid, matrix, title="Custom")
    assert cell_colour(figure, 3, 3) == "#0000ff"
    assert cell_colour(figure, 2, 5) == "#000000"
    assert cell_colour(figure, 5, 5) == tint("#000000")
    # Labels are plain text for plotly, not markup.
    assert figure["layout"]["xaxis"]["ticktext"][0] == "I&lt;1&gt; (1)"
    assert figure["layout"]["yaxis"]["ticktext"][1] == "P-2 (2)"


def test_a_score_no_band_covers_is_grey_not_an_error():
    matrix = scoring.MatrixSpec(MATRIX.probability, MATRIX.impact, bands=(LOW,))
    figure = heatmap_figure(scoring.heat_counts([(5, 5)]), matrix, title="Gap")
    assert cell_colour(figure, 5, 5) == "#adb5bd"
    assert "no band" in figure["data"][0]["text"][4][4]


def test_the_figure_is_json_and_hover_says_levels_band_and_count():
    figure = heatmap_figure(hand_grids()[0], MATRIX, title="Inherent")
    json.dumps(figure)
    hover = figure["data"][0]["text"][3][3]
    assert "Likely (4)" in hover and "Major (4)" in hover
    assert "Score 16 · Critical" in hover and "2 open risks" in hover


def test_discrete_colourscale_maps_each_integer_to_its_colour():
    scale = discrete_colourscale(["#111111", "#222222", "#333333"])
    assert scale[0] == [0, "#111111"] and scale[-1] == [1, "#333333"]
    # z = 1 with zmin -0.5, zmax 2.5 normalises to 0.5, inside the second colour's stops.
    assert scale[2][0] <= 0.5 <= scale[3][0] and scale[2][1] == "#222222"


def test_text_colour_contrasts_with_the_band():
    assert text_colour("#dc3545") == "#ffffff"
    assert text_colour("#ffc107") == "#212529"
    assert text_colour(tint("#198754")) == "#212529"
    assert tint("#000000", 0.5) == "#808080"


# --- top risks ------------------------------------------------------------------------------
def bars():
    return [
        TopRiskBar("PRJ-0042-R03", "Vendor <API> late", 20, 4, 5, CRITICAL, D("850000.00"), "EUR"),
        TopRiskBar("PRJ-0042-R01", "Key engineer leaves", 12, 3, 4, HIGH, None, "EUR"),
        TopRiskBar("PRJ-0042-R07", "Licence audit", 16, 4, 4, CRITICAL, D("120.50"), "GBP"),
        TopRiskBar("PRJ-0042-R02", "Minor rework", 4, 2, 2, LOW),
    ]


def test_top_risks_are_bars_of_the_current_score_coloured_by_band():
    figure = top_risks_figure(bars())
    traces = {t["name"]: t for t in figure["data"]}
    assert list(traces) == ["Critical", "High", "Low"]  # legend from the highest band down
    assert all(t["type"] == "bar" and t["orientation"] == "h" for t in traces.values())
    assert traces["Critical"]["y"] == ["PRJ-0042-R03", "PRJ-0042-R07"]
    assert traces["Critical"]["x"] == [20, 16]
    assert traces["Critical"]["marker"]["color"] == CRITICAL.colour
    assert traces["Low"]["marker"]["color"] == LOW.colour
    yaxis = figure["layout"]["yaxis"]
    # The given order (highest first) top to bottom.
    assert yaxis["categoryarray"] == [b.reference for b in bars()]
    assert yaxis["autorange"] == "reversed"
    assert figure["layout"]["xaxis"]["range"] == [0, 25]


def test_top_risk_hover_has_title_levels_and_emv_as_plain_text():
    critical = top_risks_figure(bars())["data"][0]
    assert critical["customdata"][0] == ["Vendor &lt;API&gt; late", 4, 5, "850,000.00 EUR"]
    assert critical["customdata"][1][3] == "120.50 GBP"
    high = top_risks_figure(bars())["data"][1]
    assert high["customdata"][0][3] == "—"
    json.dumps(top_risks_figure(bars()))


def test_the_top_risk_chart_grows_with_its_bars():
    small = top_risks_figure(bars()[:1])["layout"]["height"]
    large = top_risks_figure(bars() * 3)["layout"]["height"]
    assert large > small >= 220


# --- summing the grouped rows (what the SQL GROUP BY returns) ----------------------------
def groups_of(rows):
    """What register_heatmap's GROUP BY returns for the open rows of a hand-made register."""
    grouped = {}
    for _status, ip, ii, rp, ri, cost, currency in rows:
        cp, ci = (rp, ri) if rp is not None else (ip, ii)
        emv = scoring.expected_monetary_value(MATRIX.probability_fraction(cp), cost)
        key = (ip, ii, cp, ci, currency)
        n, total = grouped.get(key, (0, None))
        if emv is not None:
            total = (total or D("0")) + emv
        grouped[key] = (n + 1, total)
    return [
        {"ip": k[0], "ii": k[1], "cp": k[2], "ci": k[3], "currency": k[4], "n": n, "emv": emv}
        for k, (n, emv) in grouped.items()
    ]


def test_grouped_rows_sum_to_both_grids_exposure_and_emv_per_currency():
    heat = heatmap_from_groups(groups_of(open_rows()))
    inherent, current = hand_grids()
    assert heat.inherent == inherent and heat.residual == current
    assert heat.open_count == 5 and heat.unassessed == 1 and heat.assessed == 4
    assert heat.exposure == 16 + 6 + 9 + 2
    # 0.6 x 100,000 (P4) + 0.2 x 50,000 (residual P2) in EUR; 0.05 x 1,000 in GBP.
    assert heat.emv == {"EUR": D("70000.00"), "GBP": D("50.00")}


class _Obj:
    def __init__(self, code, name):
        self.code, self.name = code, name


def test_breakdown_rows_per_register_with_bands_exposure_and_emv():
    groups = [
        {
            "project_id": 1,
            "project__code": "PRJ-1",
            "project__name": "One",
            "program_id": None,
            "program__code": None,
            "program__name": None,
            "portfolio_id": None,
            "portfolio__code": None,
            "portfolio__name": None,
            "band": band,
            "currency": currency,
            "n": n,
            "exposure": exposure,
            "emv": emv,
        }
        for band, currency, n, exposure, emv in [
            ("critical", "EUR", 2, 40, D("10.00")),
            ("low", "GBP", 1, 2, D("5.00")),
            ("", "EUR", 1, None, None),
        ]
    ]
    groups.append(
        {
            **groups[0],
            "project_id": None,
            "project__code": None,
            "project__name": None,
            "portfolio_id": 9,
            "portfolio__code": "DIGITAL",
            "portfolio__name": "Digital",
            "band": "high",
            "n": 1,
            "exposure": 12,
            "emv": None,
        }
    )
    rows, totals = breakdown_from_groups(groups, own=Register("portfolio", _Obj("DIGITAL", "D")))
    assert [(r.kind, r.code) for r in rows] == [("portfolio", "DIGITAL"), ("project", "PRJ-1")]
    own, one = rows
    assert own.is_own and own.bands == {"high": 1} and own.exposure == 12
    assert one.bands == {"critical": 2, "low": 1} and one.unassessed == 1 and one.total == 4
    assert one.exposure == 42 and one.emv == {"EUR": D("10.00"), "GBP": D("5.00")}
    assert one.band_counts(MATRIX.bands) == [1, 0, 0, 2]
    assert totals.total == 5 and totals.exposure == 54
    assert totals.bands == {"critical": 2, "low": 1, "high": 1}

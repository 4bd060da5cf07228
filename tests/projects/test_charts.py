"""Chart builders: pure functions from plain data to JSON-safe plotly figures (no database)."""

import datetime
import json
import math
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from projects.charts import COLORS, MS_PER_DAY, figure_dict, json_safe
from projects.charts.gantt import (
    BOTTOM_AXIS_FROM_ROWS,
    MILESTONE,
    PHASE,
    TASK,
    GanttItem,
    gantt_figure,
    row_labels,
)
from projects.charts.timeline import STATUS_STYLE, TimelineMilestone, timeline_figure
from projects.models import MilestoneStatus

D = datetime.date
TODAY = D(2026, 3, 11)

# A known small plan: one phase with two tasks and a milestone, plus a free milestone.
PLAN = [
    GanttItem(
        key="task-1",
        outline="1",
        name="Design",
        level=0,
        kind=PHASE,
        start=D(2026, 3, 2),
        finish=D(2026, 3, 13),
        percent_complete=40,
        baseline_start=D(2026, 2, 23),
        baseline_finish=D(2026, 3, 6),
    ),
    GanttItem(
        key="task-2",
        outline="1.1",
        name="Wireframes",
        level=1,
        kind=TASK,
        start=D(2026, 3, 2),
        finish=D(2026, 3, 6),
        is_critical=True,
        percent_complete=100,
        duration_days=5,
        assignee="Pat Manager",
        baseline_start=D(2026, 2, 23),
        baseline_finish=D(2026, 2, 27),
    ),
    GanttItem(
        key="task-3",
        outline="1.2",
        name="Style guide",
        level=1,
        kind=TASK,
        start=D(2026, 3, 9),
        finish=D(2026, 3, 11),
        duration_days=3,
    ),
    GanttItem(
        key="task-4",
        outline="1.3",
        name="Design approved",
        level=1,
        kind=MILESTONE,
        start=D(2026, 3, 16),
        finish=D(2026, 3, 16),
        is_critical=True,
        baseline_start=D(2026, 3, 9),
        baseline_finish=D(2026, 3, 9),
        status="Late",
    ),
    GanttItem(
        key="milestone-9",
        outline="",
        name="Board review",
        level=0,
        kind=MILESTONE,
        start=D(2026, 4, 1),
        finish=D(2026, 4, 1),
        status="Planned",
    ),
]


def traces_by_name(figure):
    return {trace.get("name"): trace for trace in figure["data"] if trace.get("name")}


def walk(value):
    """Every leaf value of a nested dict/list."""
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)
    else:
        yield value


# --- Gantt --------------------------------------------------------------------------------
def test_task_bars_start_at_their_start_and_last_whole_days():
    traces = traces_by_name(gantt_figure(PLAN, today=TODAY))
    tasks, critical = traces["Task"], traces["Critical task"]
    assert tasks["type"] == critical["type"] == "bar"
    assert tasks["orientation"] == "h"
    # 1.2 Style guide: row 2, Monday 9 to Wednesday 11 March = 3 days.
    assert tasks["y"] == [2]
    assert tasks["base"] == ["2026-03-09"]
    assert tasks["x"] == [3 * MS_PER_DAY]
    # 1.1 Wireframes: row 1, 2 to 6 March = 5 days.
    assert critical["y"] == [1]
    assert critical["base"] == ["2026-03-02"]
    assert critical["x"] == [5 * MS_PER_DAY]


def test_critical_tasks_are_red_and_the_others_blue():
    traces = traces_by_name(gantt_figure(PLAN, today=TODAY))
    assert traces["Critical task"]["marker"]["color"] == COLORS["critical"] == "#dc3545"
    assert traces["Task"]["marker"]["color"] == COLORS["primary"]
    assert traces["Critical milestone"]["marker"]["color"] == COLORS["critical"]


def test_phases_are_summary_bars_over_their_children():
    phase = traces_by_name(gantt_figure(PLAN, today=TODAY))["Phase"]
    assert phase["y"] == [0]
    assert phase["base"] == ["2026-03-02"]
    assert phase["x"] == [12 * MS_PER_DAY]  # 2 to 13 March inclusive
    assert phase["marker"]["color"] == COLORS["phase"]
    assert phase["width"] < traces_by_name(gantt_figure(PLAN, today=TODAY))["Task"]["width"]


def test_baseline_bars_sit_beside_the_current_ones_in_grey():
    traces = traces_by_name(gantt_figure(PLAN, today=TODAY, baseline_name="Approved"))
    baseline, current = traces["Baseline"], traces["Critical task"]
    assert baseline["marker"]["color"] == COLORS["baseline"]
    # Rows 0 (phase) and 1 (task) have baseline dates; row 2 was added since.
    assert baseline["y"] == [0, 1]
    assert baseline["base"] == ["2026-02-23", "2026-02-23"]
    assert baseline["x"] == [12 * MS_PER_DAY, 5 * MS_PER_DAY]
    # Same row, no overlap: the baseline band starts below the current bar's.
    assert baseline["offset"] >= current["offset"] + current["width"]
    assert "Approved" in baseline["hovertemplate"]


def test_progress_stripe_covers_the_done_share_of_a_bar():
    traces = [t for t in gantt_figure(PLAN, today=TODAY)["data"] if t.get("legendgroup")]
    stripes = {t["y"][i]: t["x"][i] for t in traces for i in range(len(t["y"]))}
    assert stripes[1] == 5 * MS_PER_DAY  # 100 % of Wireframes
    assert stripes[0] == round(12 * MS_PER_DAY * 0.4)  # 40 % of the phase
    assert 2 not in stripes  # Style guide has not started


def test_milestones_are_diamonds_and_baselines_hollow_diamonds():
    traces = traces_by_name(gantt_figure(PLAN, today=TODAY))
    forecast = traces["Milestone"]
    assert forecast["type"] == "scatter" and forecast["mode"] == "markers"
    assert forecast["marker"]["symbol"] == "diamond"
    assert forecast["x"] == ["2026-04-01"]
    assert round(forecast["y"][0]) == 4
    critical = traces["Critical milestone"]
    assert critical["x"] == ["2026-03-16"] and round(critical["y"][0]) == 3
    hollow = traces["Baseline milestone"]
    assert hollow["marker"]["symbol"] == "diamond-open"
    assert hollow["x"] == ["2026-03-09"]
    assert hollow["marker"]["color"] == COLORS["baseline_line"]


def test_today_is_a_dashed_vertical_line_across_the_plot():
    figure = gantt_figure(PLAN, today=TODAY)
    (line,) = figure["layout"]["shapes"]
    assert line["type"] == "line"
    assert line["x0"] == line["x1"] == "2026-03-11"
    assert (line["yref"], line["y0"], line["y1"]) == ("paper", 0, 1)
    assert line["line"]["dash"] == "dash"
    assert line["showlegend"] is True and line["name"] == "Today"


def test_time_axis_covers_the_plan_and_today_when_it_is_near():
    figure = gantt_figure(PLAN, today=D(2026, 4, 15))
    # Plan: 23 Feb (baseline) to 1 April; today two weeks later is within reach.
    start, end = (D.fromisoformat(day) for day in figure["layout"]["xaxis"]["range"])
    assert start < D(2026, 2, 23) and D(2026, 4, 15) < end < D(2026, 4, 25)
    assert figure["layout"]["shapes"][0]["x0"] == "2026-04-15"


def test_today_far_after_the_plan_is_a_legend_note_not_a_squeezed_axis():
    figure = gantt_figure(PLAN, today=D(2026, 11, 25))
    assert not figure["layout"].get("shapes")
    end = D.fromisoformat(figure["layout"]["xaxis"]["range"][1])
    assert end < D(2026, 4, 15)
    note = traces_by_name(figure)["Today 2026-11-25 →"]
    assert note["x"] == [None] and note["line"]["dash"] == "dash"
    before = gantt_figure(PLAN, today=D(2025, 6, 1))
    assert "← Today 2025-06-01" in traces_by_name(before)


def test_rows_are_labelled_by_wbs_number_and_indented_phases_in_bold():
    figure = gantt_figure(PLAN, today=TODAY)
    yaxis = figure["layout"]["yaxis"]
    assert yaxis["tickvals"] == [0, 1, 2, 3, 4]
    labels = [text.replace("\u00a0", " ") for text in yaxis["ticktext"]]
    assert labels[0].startswith("<b>1 Design")
    assert labels[1].startswith("  1.1 Wireframes")
    assert labels[3].startswith("  1.3 Design approved")
    assert labels[4].startswith("Board review")
    # Padded to one width, so the monospace labels line up on the left.
    assert len({len(text) for text in row_labels(PLAN[1:])}) == 1
    # First row at the top.
    assert yaxis["range"] == [4.5, -0.5]


def test_long_names_are_cut_in_the_axis_but_whole_in_the_hover():
    long_name = "Negotiate the framework contract with every regional logistics partner"
    item = GanttItem(
        key="task-1",
        outline="2.7",
        name=long_name,
        level=1,
        kind=TASK,
        start=D(2026, 3, 2),
        finish=D(2026, 3, 3),
    )
    figure = gantt_figure([item], today=TODAY)
    label = figure["layout"]["yaxis"]["ticktext"][0]
    assert label.endswith("…") and len(label) <= 44
    assert figure["data"][0]["customdata"][0][0] == f"2.7 {long_name}"


def test_names_are_shown_as_typed_not_read_as_plotly_markup():
    item = GanttItem(
        key="task-1",
        outline="3",
        name="<b>R&D</b> <a href='javascript:alert(1)'>x</a>",
        level=0,
        kind=TASK,
        start=D(2026, 3, 2),
        finish=D(2026, 3, 3),
        assignee="<i>Eve</i>",
    )
    figure = gantt_figure([item], today=TODAY, baseline_name="<b>B</b>")
    label = figure["layout"]["yaxis"]["ticktext"][0]
    assert "&lt;b&gt;R&amp;D&lt;/b&gt;" in label and "<a" not in label
    hover = figure["data"][0]["customdata"][0]
    assert hover[0].startswith("3 &lt;b&gt;R&amp;D") and hover[7] == "&lt;i&gt;Eve&lt;/i&gt;"
    timeline = timeline_figure(
        [TimelineMilestone("P-1", "<b>Big</b>", "<i>M</i>", MilestoneStatus.PLANNED, TODAY)],
        today=TODAY,
    )
    assert timeline["layout"]["yaxis"]["ticktext"] == ["P-1 &lt;b&gt;Big&lt;/b&gt;"]
    assert timeline["data"][0]["customdata"][0][0] == "&lt;i&gt;M&lt;/i&gt;"


def test_dates_on_the_time_axis():
    xaxis = gantt_figure(PLAN, today=TODAY)["layout"]["xaxis"]
    assert xaxis["type"] == "date"
    assert "%b" in xaxis["tickformat"] and "%Y" in xaxis["tickformat"]


def test_chart_grows_with_the_plan_and_repeats_the_dates_below_long_ones():
    def plan(rows):
        return [
            GanttItem(
                key=f"task-{n}",
                outline=str(n),
                name=f"Task {n}",
                level=0,
                kind=TASK,
                start=D(2026, 1, 5) + datetime.timedelta(days=n % 100),
                finish=D(2026, 1, 7) + datetime.timedelta(days=n % 100),
            )
            for n in range(rows)
        ]

    small, large = gantt_figure(plan(5), today=TODAY), gantt_figure(plan(1000), today=TODAY)
    assert large["layout"]["height"] > small["layout"]["height"] * 50
    assert "xaxis2" not in small["layout"]
    assert "xaxis2" in gantt_figure(plan(BOTTOM_AXIS_FROM_ROWS), today=TODAY)["layout"]
    bottom = large["layout"]["xaxis2"]
    assert bottom["matches"] == "x" and bottom["side"] == "bottom"
    assert bottom["dtick"] == "M1"  # a span under 8 months: one tick per month
    # 1,000 labels measured one by one freeze the browser: fixed margin, no overflow checks.
    assert large["layout"]["yaxis"]["automargin"] is False
    assert large["layout"]["yaxis"]["ticklabeloverflow"] == "allow"


def test_empty_traces_stay_out_of_the_legend():
    only_tasks = [PLAN[2]]
    names = set(traces_by_name(gantt_figure(only_tasks, today=TODAY)))
    assert names == {"Task"}


def test_gantt_figure_is_plain_json():
    figure = gantt_figure(PLAN, today=TODAY, baseline_name="Approved")
    text = json.dumps(figure)
    assert json.loads(text) == figure
    assert all(isinstance(v, str | int | float | bool | type(None)) for v in walk(figure))
    assert not any(isinstance(v, Decimal | datetime.date) for v in walk(figure))
    # The plotly template would add ~10 KB to every chart; "none" keeps it out.
    assert len(json.dumps(figure["layout"]["template"])) < 100


# --- Portfolio timeline ------------------------------------------------------------------
MILESTONES = [
    TimelineMilestone(
        "PRJ-0002",
        "Warehouse",
        "Pilot",
        MilestoneStatus.LATE,
        D(2026, 5, 20),
        baseline_date=D(2026, 5, 4),
        owner="Oscar Other",
    ),
    TimelineMilestone(
        "PRJ-0001",
        "Portal",
        "Kick-off",
        MilestoneStatus.ACHIEVED,
        D(2026, 2, 2),
        baseline_date=D(2026, 2, 2),
        actual_date=D(2026, 2, 4),
    ),
    TimelineMilestone(
        "PRJ-0001",
        "Portal",
        "Go-live",
        MilestoneStatus.ON_TRACK,
        D(2026, 6, 1),
        baseline_date=D(2026, 6, 1),
    ),
    TimelineMilestone("PRJ-0002", "Warehouse", "Cut-over", MilestoneStatus.PLANNED, D(2026, 9, 1)),
]


def test_timeline_has_one_row_per_project_in_code_order():
    figure = timeline_figure(MILESTONES, today=TODAY)
    yaxis = figure["layout"]["yaxis"]
    assert yaxis["ticktext"] == ["PRJ-0001 Portal", "PRJ-0002 Warehouse"]
    assert yaxis["range"] == [1.5, -0.5]


def test_timeline_colours_milestones_by_status_with_distinct_markers():
    traces = traces_by_name(timeline_figure(MILESTONES, today=TODAY))
    late = traces["Late"]
    assert late["x"] == ["2026-05-20"] and late["y"] == [1]
    assert late["marker"]["color"] == COLORS["danger"]
    achieved = traces["Achieved"]
    assert achieved["x"] == ["2026-02-04"]  # drawn at the actual date
    assert achieved["marker"]["color"] == COLORS["primary"]
    assert traces["On track"]["marker"]["color"] == COLORS["success"]
    assert traces["Planned"]["marker"]["symbol"] == "circle-open"
    symbols = [symbol for _colour, symbol in STATUS_STYLE.values()]
    assert len(set(symbols)) == len(symbols)  # readable without colour
    assert "At risk" not in traces and "Missed" not in traces  # nothing to show


def test_timeline_joins_a_slipped_milestone_to_its_baseline():
    traces = traces_by_name(timeline_figure(MILESTONES, today=TODAY))
    slip = traces["Slip from baseline"]
    # Pilot slipped 16 days, the kick-off was achieved 2 days late; None separates segments.
    assert slip["x"] == ["2026-05-04", "2026-05-20", None, "2026-02-02", "2026-02-04", None]
    assert slip["y"] == [1, 1, None, 0, 0, None]


def test_timeline_today_line_and_json_safety():
    figure = timeline_figure(MILESTONES, today=TODAY)
    (line,) = figure["layout"]["shapes"]
    assert line["x0"] == line["x1"] == "2026-03-11" and line["yref"] == "paper"
    assert json.loads(json.dumps(figure)) == figure
    hover = traces_by_name(figure)["Late"]["customdata"][0]
    assert hover[:2] == ["Pilot", "PRJ-0002 Warehouse"]
    assert hover[6] == "+16"


# --- Plumbing ----------------------------------------------------------------------------
def test_json_safe_turns_dates_and_decimals_into_json():
    value = {
        "money": Decimal("1234.50"),
        "day": D(2026, 1, 2),
        "when": datetime.datetime(2026, 1, 2, 3, 4, 5),
        "rows": (1, 2.5, None, True, "x"),
        "nan": math.nan,
        3: "key becomes text",
    }
    assert json_safe(value) == {
        "money": 1234.5,
        "day": "2026-01-02",
        "when": "2026-01-02T03:04:05",
        "rows": [1, 2.5, None, True, "x"],
        "nan": None,
        "3": "key becomes text",
    }


def test_json_safe_refuses_what_it_cannot_represent():
    with pytest.raises(TypeError, match="object"):
        json_safe({"bad": object()})


def test_figure_dict_converts_decimal_money_at_the_boundary():
    import plotly.graph_objects as go

    figure = go.Figure(go.Bar(x=[D(2026, 1, 1)], y=[Decimal("99.95")]))
    data = figure_dict(figure)["data"][0]
    assert data["x"] == ["2026-01-01"] and data["y"] == [99.95]
    json.dumps(figure_dict(figure))


def test_chart_include_writes_json_and_a_labelled_div_without_inline_script():
    html = render_to_string(
        "includes/chart.html",
        {
            "figure": {"data": [], "layout": {"title": "</script><b>x"}},
            "chart_id": "demo",
            "title": "Demo chart",
        },
    )
    assert '<script id="demo-data" type="application/json">' in html
    assert 'data-figure="demo-data"' in html
    assert 'class="pmo-chart"' in html and 'role="img"' in html
    assert 'aria-label="Demo chart"' in html
    assert "</script><b>" not in html  # json_script escapes the payload
    # The only <script> is the JSON one: no code in the page.
    assert html.count("<script") == 1

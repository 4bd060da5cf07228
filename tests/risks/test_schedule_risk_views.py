"""The schedule risk analysis page: who sees it, its settings, results on known networks,
plans that cannot be simulated, and a query count that does not grow with the plan."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Baseline, Dependency, Task
from projects.working_calendar import WorkingCalendar
from risks.charts.schedule_risk import finish_histogram_figure, finish_markers, s_curve_figure
from risks.forms.schedule_risk import max_iterations
from risks.schedule_risk import DateDistribution, HistogramBin, RiskTask, simulate_schedule
from tests.factories import MembershipFactory
from tests.projects.factories_schedule import (
    TaskFactory,
    big_wbs,
    link_milestone,
    renumber_and_schedule,
)

START = datetime.date(2026, 1, 5)  # the ProjectFactory's planned start, a Monday


def analysis_url(project, **query):
    url = reverse("risks:project_schedule_risk", kwargs={"code": project.code})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def single_task(project, optimistic=2, planned=5, pessimistic=14):
    task = TaskFactory(
        project=project,
        name="Only task",
        duration_days=planned,
        optimistic_days=optimistic,
        pessimistic_days=pessimistic,
    )
    renumber_and_schedule(project)
    return task


def engine_result(task, *, iterations=5000, seed=1, **kwargs):
    """What the engine gives for the one-task plan, with the page's defaults (and, with no
    baseline saved, the project's planned finish as the date to meet)."""
    kwargs.setdefault("baseline_finish", task.project.planned_finish)
    return simulate_schedule(
        [RiskTask(task.pk, task.optimistic_days, task.duration_days, task.pessimistic_days)],
        start=START,
        calendar=WorkingCalendar(),
        milestones=[],
        iterations=iterations,
        seed=seed,
        **kwargs,
    )


# --- who sees it ---------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, project):
    response = client.get(analysis_url(project))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_outsider_gets_404(client, outsider, project):
    MembershipFactory(user=outsider)
    client.force_login(outsider)
    assert client.get(analysis_url(project)).status_code == 404


@pytest.mark.parametrize("persona", ["executive", "member", "resource_manager", "other_pm"])
def test_readers_run_the_analysis_without_the_estimates_link(client, request, project, persona):
    request.getfixturevalue("other_project")
    single_task(project)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(analysis_url(project))
    assert response.status_code == 200
    assert b'data-testid="p50-finish"' in response.content
    assert b'data-testid="estimates-link"' not in response.content


def test_pm_gets_the_estimates_link(client, pm, project):
    single_task(project)
    client.force_login(pm)
    response = client.get(analysis_url(project))
    assert b'data-testid="estimates-link"' in response.content
    assert reverse("risks:project_estimates", kwargs={"code": project.code}).encode() in (
        response.content
    )


def test_the_register_shows_a_schedule_risk_tab(client, executive, project):
    client.force_login(executive)
    response = client.get(analysis_url(project))
    tabs = {tab["key"]: tab for tab in response.context["register_tabs"]}
    assert tabs["schedule_risk"]["active"]
    assert tabs["schedule_risk"]["url"] == analysis_url(project)


def test_running_it_saves_nothing(client, pm, project):
    task = single_task(project)
    history = task.history.count()
    client.force_login(pm)
    assert client.get(analysis_url(project)).status_code == 200
    task.refresh_from_db()
    assert task.version == 1
    assert task.history.count() == history


# --- results -------------------------------------------------------------------------------
def test_single_triangular_task_gives_the_engines_p50(client, executive, project):
    task = single_task(project, 2, 5, 14)
    client.force_login(executive)
    response = client.get(analysis_url(project))
    assert response.status_code == 200
    finish = response.context["finish"]
    expected = engine_result(task).finish
    assert finish == expected
    # Analytically: F(x) = 1 - (14 - x)^2 / 108 above the mode; durations are rounded up,
    # F(6) = 0.41 < 0.5 <= F(7) = 0.55, so P50 = 7 working days: Monday 5 to Tuesday 13 Jan.
    assert finish.p50_date == datetime.date(2026, 1, 13)
    html = response.content.decode()
    assert '<div class="fs-4" data-testid="p50-finish">2026-01-13</div>' in html
    assert f'data-testid="p80-finish">{expected.p80_date:%Y-%m-%d}<' in html
    assert f'data-testid="deterministic-finish">{START + datetime.timedelta(days=4)}<' in html
    assert "1 of 1 task has a three-point estimate." in html


def test_seed_iterations_and_distribution_reach_the_engine(client, pm, project):
    task = single_task(project, 2, 5, 14)
    client.force_login(pm)
    response = client.get(analysis_url(project, iterations="2,000", seed=7, distribution="pert"))
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.iterations, result.seed, result.distribution) == (2000, 7, "pert")
    expected = engine_result(task, iterations=2000, seed=7, distribution="pert")
    assert response.context["finish"] == expected.finish
    assert b"2,000 iterations, seed 7" in response.content
    # Reproducible: the same settings, the same answer.
    again = client.get(analysis_url(project, iterations=2000, seed=7, distribution="pert"))
    assert again.context["finish"] == response.context["finish"]


def test_charts_and_their_data_tables_are_on_the_page(client, pm, project):
    single_task(project)
    client.force_login(pm)
    response = client.get(analysis_url(project))
    html = response.content.decode()
    for marker in ("finish-histogram", "finish-s-curve", "histogram-data", "s-curve-data"):
        assert marker in html
    histogram = response.context["histogram_figure"]
    names = [trace.get("name") for trace in histogram["data"]]
    assert names[0] == "Iterations finishing"
    assert any(name.startswith("P50: 2026-01-13") for name in names)
    assert any(name.startswith("Baseline: ") for name in names)  # the planned finish
    assert sum(row[0].count for row in response.context["histogram_rows"]) == 5000
    assert response.context["s_curve_rows"][-1][1] == "100.0"


@pytest.fixture
def zero_variance_plan(project):
    """Every link type, a lag, a start constraint that drives the finish, a phase and a
    milestone; no estimates at all."""
    phase = TaskFactory(project=project, name="Build", position=1, duration_days=0)
    a = TaskFactory(project=project, parent=phase, name="A", position=1, duration_days=5)
    b = TaskFactory(project=project, parent=phase, name="B", position=2, duration_days=3)
    c = TaskFactory(project=project, parent=phase, name="C", position=3, duration_days=4)
    d = TaskFactory(project=project, parent=phase, name="D", position=4, duration_days=2)
    gate = TaskFactory(project=project, name="Gate", position=2, duration_days=0)
    late = TaskFactory(
        project=project,
        name="Late start",
        position=3,
        duration_days=2,
        planned_start=datetime.date(2026, 2, 2),
    )
    Dependency.objects.bulk_create(
        [
            Dependency(predecessor=a, successor=b),
            Dependency(predecessor=a, successor=c, type="SS", lag_days=2),
            Dependency(predecessor=b, successor=d, type="FF", lag_days=1),
            Dependency(predecessor=d, successor=gate),
            Dependency(predecessor=c, successor=gate, type="FS", lag_days=-1),
        ]
    )
    schedule = renumber_and_schedule(project)
    return schedule, {"gate": gate, "late": late, "a": a}


def test_zero_variance_plan_gives_the_planned_finish(client, pm, project, zero_variance_plan):
    schedule, tasks = zero_variance_plan
    planned_finish = schedule.project_finish_date
    assert planned_finish == datetime.date(2026, 2, 3)  # driven by the start constraint
    client.force_login(pm)
    response = client.get(analysis_url(project))
    finish = response.context["finish"]
    assert finish.deterministic_date == planned_finish
    assert finish.p10_date == finish.p50_date == finish.p80_date == finish.p90_date
    assert finish.p50_date == planned_finish
    assert finish.std == 0
    html = response.content.decode()
    assert "None of the plan's 5 tasks has a three-point estimate yet" in html
    # The milestone is where the Schedule page puts it, in every iteration.
    [row] = response.context["analysis"].milestones
    tasks["gate"].refresh_from_db()
    assert row.task.pk == tasks["gate"].pk
    assert row.distribution.p10_date == row.distribution.p90_date == tasks["gate"].early_start
    # Criticality is that of the plan: 100 % for critical tasks, 0 % for the others.
    for crit in response.context["analysis"].criticality:
        assert crit.index == (1.0 if schedule[crit.task.pk].is_critical else 0.0)


def test_baseline_and_milestone_baseline_give_probabilities(client, pm, project):
    task = single_task(project, 2, 5, 14)
    gate = TaskFactory(project=project, name="Handover", position=2, duration_days=0)
    Dependency.objects.create(predecessor=task, successor=gate)
    renumber_and_schedule(project)
    gate.refresh_from_db()
    link_milestone(gate, name="Customer handover", baseline_date=datetime.date(2026, 1, 16))
    Baseline.objects.create(
        project=project,
        name="Approved plan",
        created_by=pm,
        snapshot={
            "tasks": {
                str(task.pk): {"start": "2026-01-05", "finish": "2026-01-13"},
                str(gate.pk): {"start": "2026-01-12", "finish": "2026-01-12"},
            },
            "milestones": {},
        },
    )
    client.force_login(pm)
    response = client.get(analysis_url(project))
    finish = response.context["finish"]
    assert finish.baseline == datetime.date(2026, 1, 13)
    # The handover milestone sits on the working day after the task, and the project finishes
    # with it: by Tuesday 13 January when the task takes <= 6 days, F(6) = 1 - 64 / 108.
    assert finish.probability_on_baseline == pytest.approx(1 - 64 / 108, abs=0.03)
    html = response.content.decode()
    assert "Chance of finishing by the baseline “Approved plan”" in html
    percent = round(finish.probability_on_baseline * 100)
    assert f'data-testid="baseline-probability">{percent}%<' in html
    [row] = response.context["analysis"].milestones
    assert row.name == "Customer handover"  # the milestone's own name and baseline
    assert row.distribution.baseline == datetime.date(2026, 1, 16)
    # The handover falls on the day after the task: by Fri 16 Jan when it takes <= 9 days.
    assert row.distribution.probability_on_baseline == pytest.approx(1 - 25 / 108, abs=0.03)


def test_criticality_lists_the_dominant_task_first_with_its_float(client, pm, project):
    long = TaskFactory(
        project=project, name="Long", duration_days=10, optimistic_days=9, pessimistic_days=12
    )
    short = TaskFactory(
        project=project, name="Short", duration_days=3, optimistic_days=2, pessimistic_days=5
    )
    renumber_and_schedule(project)
    client.force_login(pm)
    response = client.get(analysis_url(project))
    rows = response.context["analysis"].criticality
    assert [r.task.pk for r in rows] == [long.pk, short.pk]
    assert rows[0].index == 1.0 and rows[1].index == 0.0
    short.refresh_from_db()
    assert rows[1].task.total_float == short.total_float == 7
    assert b"7 days" in response.content


# --- bad settings and plans that cannot be simulated -------------------------------------
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"iterations": "999"}, "iterations", "Give from 1,000 to 50,000 iterations."),
        ({"iterations": "50001"}, "iterations", "Give from 1,000 to 50,000 iterations."),
        ({"iterations": "many"}, "iterations", "Enter a whole number."),
        ({"seed": "-1"}, "seed", "Give a whole number from 0 to 4,294,967,295."),
        ({"seed": "4294967296"}, "seed", "Give a whole number from 0 to 4,294,967,295."),
        ({"seed": "1.5"}, "seed", "Enter a whole number."),
        ({"distribution": "normal"}, "distribution", "Choose triangular or PERT"),
    ],
)
def test_bad_settings_are_a_400_with_the_message_at_the_field(
    client, pm, project, query, field, message
):
    single_task(project)
    client.force_login(pm)
    response = client.get(analysis_url(project, **query))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html
    assert message in html
    assert b'data-testid="p50-finish"' not in response.content
    if field != "distribution":  # the bad input is shown back
        assert f'value="{query[field]}"' in html


def test_an_empty_plan_says_what_to_do_next(client, pm, project):
    client.force_login(pm)
    response = client.get(analysis_url(project))
    assert response.status_code == 200
    assert b'data-testid="empty-state"' in response.content
    assert reverse("projects:schedule", args=[project.code]).encode() in response.content


def test_a_dependency_cycle_is_a_clear_message_not_a_500(client, pm, project):
    a = TaskFactory(project=project, name="Design", duration_days=3)
    b = TaskFactory(project=project, name="Build", duration_days=4)
    renumber_and_schedule(project)
    # Written around the services (which refuse cycles), as an import gone wrong could.
    Dependency.objects.bulk_create(
        [Dependency(predecessor=a, successor=b), Dependency(predecessor=b, successor=a)]
    )
    client.force_login(pm)
    response = client.get(analysis_url(project))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="analysis-error"' in html
    assert "Dependency cycle: 1 Design -&gt; 2 Build -&gt; 1 Design" in html


def test_a_linked_phase_is_a_clear_message(client, pm, project):
    phase = TaskFactory(project=project, name="Build", position=1, duration_days=0)
    TaskFactory(project=project, parent=phase, name="Code", duration_days=3)
    other = TaskFactory(project=project, name="Deploy", position=2, duration_days=2)
    renumber_and_schedule(project)
    Dependency.objects.create(predecessor=phase, successor=other)
    client.force_login(pm)
    response = client.get(analysis_url(project))
    assert response.status_code == 200
    assert "“1 Build” is a phase but has dependencies" in response.content.decode()


def test_estimates_outside_a_changed_duration_are_taken_at_it(client, pm, project):
    task = single_task(project, 2, 5, 14)
    Task.objects.filter(pk=task.pk).update(duration_days=20)  # as an import could leave it
    renumber_and_schedule(project)
    client.force_login(pm)
    response = client.get(analysis_url(project))
    assert response.status_code == 200
    assert b'data-testid="adjusted-note"' in response.content
    network = response.context["analysis"].network
    assert RiskTask(task.pk, 2, 20, 20) in network.tasks  # 14 < 20: taken at 20
    assert response.context["finish"].p90_date <= response.context["finish"].deterministic_date


# --- query count ---------------------------------------------------------------------------
def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _decorate(project, by):
    """Some estimates, a linked milestone with a baseline date and a saved baseline."""
    leaves = list(Task.objects.filter(project=project, parent__isnull=False).order_by("pk"))
    for task in leaves[::3]:
        task.optimistic_days = max(1, task.duration_days - 1)
        task.pessimistic_days = task.duration_days * 2
    Task.objects.bulk_update(leaves[::3], ["optimistic_days", "pessimistic_days"])
    gate = TaskFactory(project=project, name="Gate", position=9999, duration_days=0)
    renumber_and_schedule(project)
    gate.refresh_from_db()
    link_milestone(gate, baseline_date=gate.early_start)
    Baseline.objects.create(
        project=project,
        name="Approved plan",
        created_by=by,
        snapshot={"tasks": {str(gate.pk): {"finish": f"{gate.early_start}"}}, "milestones": {}},
    )


def test_a_thousand_task_plan_needs_no_more_queries_than_ten(
    client, pm, project, other_project, django_assert_max_num_queries
):
    big_wbs(project, 10)
    _decorate(project, pm)
    big_wbs(other_project, 1000)
    _decorate(other_project, pm)
    other_project.project_manager = pm
    other_project.save()
    client.force_login(pm)
    small = count_queries(client, analysis_url(project))
    assert small <= 13  # measured: 11
    with django_assert_max_num_queries(small):
        response = client.get(analysis_url(other_project))
    assert response.status_code == 200
    assert response.context["analysis"].network.task_count == 900  # 100 are phases
    assert len(response.context["analysis"].criticality) == 20


# --- memory bound ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("tasks", "expected"),
    [(0, 50_000), (150, 50_000), (200, 50_000), (1_000, 10_000), (1_040, 9_600), (4_000, 5_000)],
)
def test_large_plans_get_fewer_iterations_never_below_the_default(tasks, expected):
    assert max_iterations(tasks) == expected


def test_too_many_iterations_for_the_plan_is_a_400_at_the_field(client, pm, project, monkeypatch):
    monkeypatch.setattr("risks.forms.schedule_risk.MAX_TASK_ITERATIONS", 180_000)
    big_wbs(project, 20)  # 18 tasks under 2 phases: at most 10,000 iterations
    client.force_login(pm)
    response = client.get(analysis_url(project, iterations=10_100))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_iterations-error"' in html
    assert "This plan has 18 tasks: run at most 10,000 iterations at a time" in html
    response = client.get(analysis_url(project, iterations=10_000))
    assert response.status_code == 200
    assert "From 1,000 to 10,000 for this plan&#x27;s 18 tasks." in response.content.decode()


# --- the chart builders (pure) --------------------------------------------------------------
def _distribution(**overrides):
    values = {
        "mean": 7.0,
        "std": 1.0,
        "p10": 6.0,
        "p50": 7.0,
        "p80": 9.0,
        "p90": 10.0,
        "p10_date": datetime.date(2026, 1, 12),
        "p50_date": datetime.date(2026, 1, 13),
        "p80_date": datetime.date(2026, 1, 15),
        "p90_date": datetime.date(2026, 1, 16),
        "deterministic_date": datetime.date(2026, 1, 9),
        "baseline": None,
        "probability_on_baseline": None,
    }
    return DateDistribution(**{**values, **overrides})


def test_markers_are_p50_p80_and_the_baseline_when_there_is_one():
    assert [m.label for m in finish_markers(_distribution())] == [
        "P50: 2026-01-13",
        "P80: 2026-01-15",
    ]
    with_baseline = finish_markers(_distribution(baseline=datetime.date(2026, 1, 14)))
    assert with_baseline[-1].label == "Baseline: 2026-01-14"


def test_histogram_bars_cover_their_days_up_to_the_next_bin():
    bins = [
        HistogramBin(datetime.date(2026, 1, 9), datetime.date(2026, 1, 12), 10),  # Fri-Mon
        HistogramBin(datetime.date(2026, 1, 13), datetime.date(2026, 1, 14), 30),
    ]
    figure = finish_histogram_figure(bins, iterations=40, markers=finish_markers(_distribution()))
    bars, p50, p80 = figure["data"]
    assert bars["x"] == ["2026-01-09", "2026-01-13"]
    assert bars["width"] == [4 * 86_400_000, 2 * 86_400_000]  # the weekend inside the first
    assert bars["customdata"][1] == ["2026-01-13 – 2026-01-14", 75.0]
    assert p50["x"] == ["2026-01-13T12:00:00", "2026-01-13T12:00:00"]  # noon of its day
    assert p80["name"] == "P80: 2026-01-15"


def test_a_single_day_spread_is_padded_not_stretched_across_the_chart():
    day = datetime.date(2027, 7, 7)
    figure = finish_histogram_figure([HistogramBin(day, day, 5000)], iterations=5000)
    first, last = figure["layout"]["xaxis"]["range"]
    assert first == "2027-07-04" and last == "2027-07-11"
    curve = s_curve_figure([(day, 1.0)])
    trace = curve["data"][0]
    assert trace["y"] == [0.0, 100.0]  # from 0 % the day before
    assert trace["line"]["shape"] == "hv"

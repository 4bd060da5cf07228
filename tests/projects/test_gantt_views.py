"""The chart pages: a project's Gantt chart and a portfolio's milestone timeline."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.charts import MS_PER_DAY
from projects.models import Baseline, Task
from projects.services import baselines as baseline_services
from projects.services import schedule as services
from tests.factories import MembershipFactory, ProjectFactory
from tests.projects.factories_milestones import MilestoneFactory
from tests.projects.factories_schedule import TaskFactory, add, big_wbs, link_milestone

D = datetime.date


def gantt_url(project, **query):
    url = reverse("projects:gantt", args=[project.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def timeline_url(portfolio, query=""):
    return reverse("projects:portfolio_timeline", args=[portfolio.code]) + query


def traces(response):
    return {t.get("name"): t for t in response.context["figure"]["data"] if t.get("name")}


def rows(response):
    return {item.label: item for item in response.context["plan"].items}


@pytest.fixture
def plan(project, pm, member):
    """Project PRJ-0042 from Monday 5 January 2026: a Design phase whose specification (4 days)
    and review (2 days) are critical and lead to the go-live milestone; translations (1 day)
    have float. A steering board milestone has no task."""
    design = add(project, pm, "Design")
    spec = add(project, pm, "Specification", design, duration_days=4, assignee=member)
    review = add(project, pm, "Review", design, duration_days=2)
    add(project, pm, "Translations", design, duration_days=1)
    go_live = add(project, pm, "Go-live", duration_days=0)
    services.dependency_add(successor=review, predecessor=spec, by=pm, type="FS", lag_days=0)
    services.dependency_add(successor=go_live, predecessor=review, by=pm, type="FS", lag_days=0)
    go_live = Task.objects.get(pk=go_live.pk)
    link_milestone(go_live, name="Go-live")
    MilestoneFactory(project=project, name="Steering board", forecast_date=D(2026, 2, 2))
    return {"design": design, "spec": Task.objects.get(pk=spec.pk), "go_live": go_live}


# --- who may open the Gantt chart -------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, project):
    response = client.get(gantt_url(project))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_outsider_gets_404_and_readers_get_the_chart(
    client, project, other_project, plan, outsider, executive, member, other_pm
):
    client.force_login(outsider)
    assert client.get(gantt_url(project)).status_code == 404
    for reader in (executive, member, other_pm):
        client.force_login(reader)
        response = client.get(gantt_url(project))
        assert response.status_code == 200, reader
        assert response.context["figure"] is not None


def test_project_of_another_portfolio_is_404_for_a_pm(client, pm):
    elsewhere = ProjectFactory()
    client.force_login(pm)
    assert client.get(gantt_url(elsewhere)).status_code == 404


# --- what the Gantt chart shows ---------------------------------------------------------------
def test_gantt_draws_the_stored_schedule_by_wbs_with_critical_path(client, pm, project, plan):
    client.force_login(pm)
    response = client.get(gantt_url(project))
    assert response.status_code == 200
    items = rows(response)
    assert list(items) == [
        "1 Design",
        "1.1 Specification",
        "1.2 Review",
        "1.3 Translations",
        "2 Go-live",
        "Steering board",
    ]
    assert items["1.1 Specification"].start == D(2026, 1, 5)
    assert items["1.1 Specification"].finish == D(2026, 1, 8)
    assert items["1.2 Review"].finish == D(2026, 1, 12)  # over the weekend
    assert items["1 Design"].kind == "phase" and items["1.3 Translations"].level == 1
    bars = traces(response)
    critical = bars["Critical task"]
    assert critical["base"] == ["2026-01-05", "2026-01-09"]
    assert critical["x"] == [4 * MS_PER_DAY, 4 * MS_PER_DAY]  # Fri 9 to Mon 12: 4 days
    assert bars["Task"]["base"] == ["2026-01-05"]  # translations have float
    assert bars["Phase"]["y"] == [0]
    # The go-live task is a diamond at its milestone's forecast, on the critical path.
    assert bars["Critical milestone"]["x"] == [plan["go_live"].early_start.isoformat()]
    assert bars["Milestone"]["x"] == ["2026-02-02"]
    assert "Baseline" not in bars  # never baselined


def test_page_loads_plotly_and_the_chart_script_with_the_figure_as_json(client, pm, project, plan):
    client.force_login(pm)
    html = client.get(gantt_url(project)).content.decode()
    assert '<script id="gantt-data" type="application/json">' in html
    assert 'class="pmo-chart" id="gantt" data-figure="gantt-data" role="img"' in html
    assert "/static/vendor/plotly/plotly.min.js" in html
    assert "/static/js/charts.js" in html
    start = html.index('<script id="gantt-data" type="application/json">')
    payload = html[html.index(">", start) + 1 : html.index("</script>", start)]
    assert json.loads(payload)["layout"]["yaxis"]["tickvals"] == [0, 1, 2, 3, 4, 5]


def test_data_table_lists_every_row_with_dates_and_critical_flag(client, pm, project, plan):
    client.force_login(pm)
    response = client.get(gantt_url(project))
    html = response.content.decode()
    assert 'data-testid="gantt-table"' in html
    assert html.count('data-testid="gantt-row"') == 6
    assert "2026-01-12" in html and "Specification" in html and "Steering board" in html
    assert html.count('<span class="badge text-bg-danger">critical</span>') >= 3


def test_baseline_bars_and_variance_after_the_plan_slips(client, pm, project, plan):
    baseline_services.baseline_create(project=project, name="Approved plan", by=pm)
    spec = plan["spec"]
    services.task_update(task=spec, by=pm, data={"duration_days": 6}, expected_version=spec.version)
    client.force_login(pm)
    response = client.get(gantt_url(project))
    assert response.context["plan"].baseline.name == "Approved plan"
    items = rows(response)
    review = items["1.2 Review"]
    assert (review.baseline_start, review.baseline_finish) == (D(2026, 1, 9), D(2026, 1, 12))
    assert review.finish == D(2026, 1, 14) and review.finish_variance_days == 2
    baseline = traces(response)["Baseline"]
    assert baseline["marker"]["color"] == "#adb5bd"
    assert "2026-01-09" in baseline["base"]
    hollow = traces(response)["Baseline milestone"]
    assert hollow["marker"]["symbol"] == "diamond-open"
    assert "+2" in response.content.decode()  # the review's finish moved two days
    # The go-live diamond stays at the PM's forecast; the schedule's date is told beside it.
    go_live = items["2 Go-live"]
    assert go_live.start == D(2026, 1, 13) and go_live.scheduled == D(2026, 1, 15)
    assert "schedule says 2026-01-15" in response.content.decode()


def test_choosing_an_older_baseline_compares_with_it(client, pm, project, plan):
    first = baseline_services.baseline_create(project=project, name="First", by=pm)
    spec = plan["spec"]
    services.task_update(task=spec, by=pm, data={"duration_days": 6}, expected_version=spec.version)
    baseline_services.baseline_create(project=project, name="Second", by=pm)
    client.force_login(pm)
    latest = client.get(gantt_url(project))
    assert latest.context["plan"].baseline.name == "Second"
    assert rows(latest)["1.2 Review"].finish_variance_days == 0
    older = client.get(gantt_url(project, baseline=first.pk))
    assert older.status_code == 200
    assert older.context["plan"].baseline == first
    assert rows(older)["1.2 Review"].finish_variance_days == 2
    assert f'<option value="{first.pk}" selected>' in older.content.decode()


@pytest.mark.parametrize("value", ["abc", "-1", "999999", "1.5"])
def test_unknown_baseline_is_a_400_with_a_message_and_the_latest_chart(
    client, pm, project, plan, value
):
    baseline_services.baseline_create(project=project, name="Approved", by=pm)
    client.force_login(pm)
    response = client.get(gantt_url(project, baseline=value))
    assert response.status_code == 400
    assert "is not one of them" in response.content.decode()
    assert response.context["plan"].baseline.name == "Approved"
    assert response.context["figure"] is not None


def test_another_projects_baseline_cannot_be_shown(client, pm, project, other_project, plan):
    foreign = Baseline.objects.create(
        project=other_project, name="Theirs", snapshot={"tasks": {}}, created_by=pm
    )
    baseline_services.baseline_create(project=project, name="Ours", by=pm)
    client.force_login(pm)
    response = client.get(gantt_url(project, baseline=foreign.pk))
    assert response.status_code == 400
    assert response.context["plan"].baseline.name == "Ours"


def test_a_damaged_snapshot_draws_without_baseline_bars(client, pm, project, plan):
    Baseline.objects.create(
        project=project,
        name="Hand-edited",
        snapshot={
            "tasks": {str(plan["spec"].pk): {"start": "soon", "finish": 3}, "x": "y"},
            "milestones": ["not", "a", "dict"],
        },
        created_by=pm,
    )
    client.force_login(pm)
    response = client.get(gantt_url(project))
    assert response.status_code == 200
    assert "Baseline" not in traces(response)


def test_tasks_without_a_schedule_sit_at_their_planned_start(client, pm, project):
    TaskFactory(project=project, name="Survey", outline="1", sort_key="0001", duration_days=3)
    TaskFactory(
        project=project,
        name="Workshop",
        outline="2",
        sort_key="0002",
        duration_days=2,
        planned_start=D(2026, 1, 9),  # a Friday: two working days end on Monday
    )
    client.force_login(pm)
    response = client.get(gantt_url(project))
    items = rows(response)
    assert (items["1 Survey"].start, items["1 Survey"].finish) == (D(2026, 1, 5), D(2026, 1, 7))
    assert (items["2 Workshop"].start, items["2 Workshop"].finish) == (
        D(2026, 1, 9),
        D(2026, 1, 12),
    )
    assert response.context["plan"].unscheduled == 2
    assert 'data-testid="unscheduled-note"' in response.content.decode()


def test_empty_plan_says_what_to_do_and_loads_no_chart(client, pm, project):
    client.force_login(pm)
    response = client.get(gantt_url(project))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="empty-state"' in html
    assert "plotly.min.js" not in html and response.context["figure"] is None


def test_schedule_tab_is_active_and_timeline_linked(client, pm, project, plan):
    client.force_login(pm)
    html = client.get(gantt_url(project)).content.decode()
    assert reverse("projects:portfolio_timeline", args=[project.portfolio.code]) in html
    assert f'href="{reverse("projects:schedule", args=[project.code])}" aria-current="page"' in html


@pytest.mark.parametrize("count", [10, 1000])
def test_gantt_queries_do_not_grow_with_tasks(
    client, pm, project, member, count, django_assert_max_num_queries
):
    big_wbs(project, count, assignee=member)
    leaves = Task.objects.filter(project=project, parent__isnull=False).order_by("pk")[:5]
    for n, task in enumerate(leaves):
        MilestoneFactory(project=project, name=f"Gate {n}", forecast_date=task.early_finish)
    baseline_services.baseline_create(project=project, name="Approved", by=pm)
    client.force_login(pm)
    # Session, user, roles, project; baselines, the compared one, tasks, milestones.
    with django_assert_max_num_queries(8):
        response = client.get(gantt_url(project))
    assert response.status_code == 200
    assert len(response.context["plan"].items) == count + 5
    assert response.content.decode().count('data-testid="gantt-row"') == count + 5
    assert response.context["figure"]["layout"]["height"] > count * 20


# --- the portfolio milestone timeline ---------------------------------------------------------
@pytest.fixture
def milestones(project, other_project):
    today = timezone.localdate()
    days = datetime.timedelta
    return {
        "ours_late": MilestoneFactory(
            project=project,
            name="Portal beta",
            baseline_date=today + days(10),
            forecast_date=today + days(30),
        ),
        "ours_done": MilestoneFactory(
            project=project,
            name="Portal kick-off",
            baseline_date=today - days(60),
            forecast_date=today - days(60),
            actual_date=today - days(58),
        ),
        "theirs": MilestoneFactory(
            project=other_project, name="Warehouse cut-over", forecast_date=today + days(90)
        ),
    }


def test_timeline_anonymous_is_sent_to_login(client, portfolio):
    response = client.get(timeline_url(portfolio))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_timeline_is_404_for_someone_outside_the_portfolio(client, portfolio, outsider):
    MembershipFactory(user=outsider)  # works on a project in another portfolio
    client.force_login(outsider)
    assert client.get(timeline_url(portfolio)).status_code == 404


def test_timeline_shows_every_visible_project_as_a_row(client, executive, portfolio, milestones):
    client.force_login(executive)
    response = client.get(timeline_url(portfolio))
    assert response.status_code == 200
    figure = response.context["figure"]
    assert figure["layout"]["yaxis"]["ticktext"] == [
        "PRJ-0042 Customer portal",
        "PRJ-0043 Data warehouse",
    ]
    by_status = {t["name"]: t for t in figure["data"] if t.get("name")}
    assert by_status["Late"]["y"] == [0]
    assert by_status["Achieved"]["x"] == [milestones["ours_done"].actual_date.isoformat()]
    assert by_status["Planned"]["y"] == [1]
    html = response.content.decode()
    assert html.count('data-testid="timeline-row"') == 3
    assert 'data-testid="timeline-table"' in html and "Warehouse cut-over" in html
    assert '<span class="text-danger fw-semibold">+20</span>' in html  # slip of the beta


def test_member_sees_only_the_milestones_of_their_own_projects(
    client, member, portfolio, milestones
):
    client.force_login(member)
    response = client.get(timeline_url(portfolio))
    assert response.status_code == 200
    names = [m.name for m in response.context["milestones"]]
    assert sorted(names) == ["Portal beta", "Portal kick-off"]
    assert "Warehouse cut-over" not in response.content.decode()


def test_timeline_window_keeps_milestones_within_the_dates(client, pm, portfolio, milestones):
    today = timezone.localdate()
    client.force_login(pm)
    window = f"?from={today.isoformat()}&to={(today + datetime.timedelta(days=60)).isoformat()}"
    response = client.get(timeline_url(portfolio, window))
    assert response.status_code == 200
    assert [m.name for m in response.context["milestones"]] == ["Portal beta"]
    # The achieved kick-off counts at its actual date.
    since = (today - datetime.timedelta(days=58)).isoformat()
    response = client.get(timeline_url(portfolio, f"?from={since}&to={since}"))
    assert [m.name for m in response.context["milestones"]] == ["Portal kick-off"]


def test_empty_window_says_so(client, pm, portfolio, milestones):
    client.force_login(pm)
    response = client.get(timeline_url(portfolio, "?from=2001-01-01&to=2001-12-31"))
    assert response.status_code == 200
    assert response.context["figure"] is None
    assert "Widen the window" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=2026-13-01", "Enter a date as YYYY-MM-DD."),
        ("?to=yesterday", "Enter a date as YYYY-MM-DD."),
        ("?from=2026-05-01&to=2026-04-01", "cannot be before its start"),
    ],
)
def test_bad_dates_are_a_400_with_the_message(client, pm, portfolio, milestones, query, message):
    client.force_login(pm)
    response = client.get(timeline_url(portfolio, query))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'data-testid="form-error"' in html
    typed = query.rsplit("=", 1)[1]  # the field in error is the last one
    assert f"you typed “{typed}”" in html  # a date input cannot show it, the message does
    assert response.context["figure"] is None


@pytest.mark.parametrize("projects", [1, 40])
def test_timeline_queries_do_not_grow_with_projects(
    client, executive, portfolio, projects, django_assert_max_num_queries
):
    for _ in range(projects):
        project = ProjectFactory(portfolio=portfolio)
        for m in range(10):
            MilestoneFactory(project=project, forecast_date=D(2026, 1, 5) + datetime.timedelta(m))
    client.force_login(executive)
    # Session, user, roles, portfolio, milestones with their projects and owners.
    with django_assert_max_num_queries(5):
        response = client.get(timeline_url(portfolio))
    assert response.status_code == 200
    assert len(response.context["milestones"]) == projects * 10

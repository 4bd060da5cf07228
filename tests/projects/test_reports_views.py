"""Status report pages: list, new (prefilled), detail, edit a draft, submit; who may do what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import StatusReport
from projects.selectors.reports import default_period
from projects.services.reports import status_report_create, status_report_submit
from tests.projects.factories_gates import StatusReportFactory, budget, milestone

WEEK = datetime.timedelta(days=7)


def week(weeks_ago: int = 0):
    start, end = default_period(timezone.localdate())
    return start - weeks_ago * WEEK, end - weeks_ago * WEEK


def form_data(start, end, **overrides):
    values = {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "schedule": "green",
        "cost": "green",
        "scope": "green",
        "quality": "green",
        "risks": "green",
        "overall": "green",
        "overall_reason": "",
        "achievements": "Supplier contract signed.",
        "next_steps": "Start the build.",
        "blockers": "",
        "decisions_needed": "",
    }
    values.update(overrides)
    return values


def service_data(start, end, **overrides):
    values = form_data(start, end, **overrides)
    values["period_start"], values["period_end"] = start, end
    return values


@pytest.fixture
def draft(pm, project):
    start, end = week()
    return status_report_create(project=project, by=pm, data=service_data(start, end))


@pytest.fixture
def submitted(pm, project):
    start, end = week(1)
    report = status_report_create(project=project, by=pm, data=service_data(start, end))
    return status_report_submit(report=report, by=pm)


def url(name, project, report=None):
    args = [project.code] if report is None else [project.code, report.pk]
    return reverse(f"projects:{name}", args=args)


# --- List ----------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client, project):
    response = client.get(url("reports", project))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_member_reads_the_list_without_the_new_button(client, member, project, submitted):
    client.force_login(member)
    response = client.get(url("reports", project))
    assert response.status_code == 200
    assert response.context["project_area"] == "reports"
    assert list(response.context["reports"]) == [submitted]
    assert response.context["latest"] == submitted
    assert b'data-testid="new-report"' not in response.content


def test_outsider_gets_404(client, outsider, project):
    client.force_login(outsider)
    assert client.get(url("reports", project)).status_code == 404


def test_list_filters_by_state_and_exports_csv(client, pm, project, draft, submitted):
    client.force_login(pm)
    response = client.get(url("reports", project), {"state": "draft"})
    assert list(response.context["reports"]) == [draft]
    response = client.get(url("reports", project), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = b"".join(response.streaming_content).decode().strip().splitlines()
    assert rows[0].startswith("Period start,Period end,State")
    assert len(rows) == 3


@pytest.mark.parametrize("n", [3, 60])
def test_list_query_count_does_not_grow(client, pm, project, n, django_assert_max_num_queries):
    start = datetime.date(2024, 1, 1)
    for i in range(n):
        StatusReportFactory(
            project=project,
            period_start=start + i * WEEK,
            state="submitted",
            submitted_by=pm,
            submitted_at=timezone.now(),
            created_by=pm,
        )
    client.force_login(pm)
    with django_assert_max_num_queries(10):
        assert client.get(url("reports", project)).status_code == 200


# --- New report ----------------------------------------------------------------------------
def test_new_report_is_prefilled_from_the_plan(client, pm, project):
    start, end = week()
    milestone(project, "Pilot live", baseline=start, forecast=start + datetime.timedelta(days=2))
    client.force_login(pm)
    response = client.get(url("report_create", project))
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert (initial["period_start"], initial["period_end"]) == (start, end)
    assert (initial["schedule"], initial["overall"]) == ("red", "red")
    assert "Pilot live" in initial["overall_reason"]
    assert b'data-testid="facts-milestones"' in response.content


def test_new_report_prefills_for_another_period(client, pm, project):
    client.force_login(pm)
    start, end = week(3)
    response = client.get(
        url("report_create", project),
        {"period_start": start.isoformat(), "period_end": end.isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].initial["period_start"] == start
    assert response.context["facts"]["period_start"] == start.isoformat()


def test_new_report_with_a_broken_period_in_the_address_is_400(client, pm, project):
    client.force_login(pm)
    response = client.get(
        url("report_create", project), {"period_start": "2026-13-01", "period_end": "x"}
    )
    assert response.status_code == 400
    assert response.context["period_form"].errors


def test_pm_creates_a_draft(client, pm, project):
    start, end = week()
    client.force_login(pm)
    response = client.post(url("report_create", project), form_data(start, end))
    report = StatusReport.objects.get()
    assert response.status_code == 302
    assert response.url == url("report_detail", project, report)
    assert (report.state, report.achievements) == ("draft", "Supplier contract signed.")
    assert report.facts["period_end"] == end.isoformat()


@pytest.mark.parametrize("persona", ["member", "executive"])
def test_readers_cannot_create(client, request, project, persona):
    client.force_login(request.getfixturevalue(persona))
    start, end = week()
    assert client.get(url("report_create", project)).status_code == 403
    assert client.post(url("report_create", project), form_data(start, end)).status_code == 403
    assert not StatusReport.objects.exists()


def test_amber_without_reason_is_400_keeping_the_input(client, pm, project):
    start, end = week()
    client.force_login(pm)
    response = client.post(
        url("report_create", project),
        form_data(start, end, overall="amber", achievements="Kept text"),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "overall_reason" in form.errors
    assert form["achievements"].value() == "Kept text"
    assert not StatusReport.objects.exists()


def test_overlapping_period_is_400_with_a_clear_message(client, pm, project, draft):
    client.force_login(pm)
    start = draft.period_start + datetime.timedelta(days=3)
    response = client.post(
        url("report_create", project), form_data(start, start + datetime.timedelta(days=6))
    )
    assert response.status_code == 400
    assert "overlaps the report" in " ".join(response.context["form"].errors["period_start"])
    assert StatusReport.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"schedule": "purple"}, "schedule"),
        ({"period_end": "2020-01-01"}, "period_end"),
        ({"period_start": "not a date"}, "period_start"),
        ({"overall_reason": "x" * 501, "overall": "red"}, "overall_reason"),
        ({"blockers": "x" * 10_001}, "blockers"),
    ],
)
def test_bad_input_is_refused_with_a_field_message(client, pm, project, overrides, field):
    start, end = week()
    client.force_login(pm)
    response = client.post(url("report_create", project), form_data(start, end, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not StatusReport.objects.exists()


def test_closed_project_gets_a_409_instead_of_a_new_report(client, pm, project):
    project.status = "closed"
    project.save()
    client.force_login(pm)
    response = client.get(url("report_create", project))
    assert response.status_code == 409
    assert "no new status reports" in response.content.decode()


@pytest.mark.parametrize("n", [3, 100])
def test_new_report_page_query_count_does_not_grow(
    client, pm, project, n, django_assert_max_num_queries
):
    start, _end = week()
    for i in range(n):
        milestone(project, f"M{i}", baseline=start, forecast=start + datetime.timedelta(days=1))
    budget(project, "CNY", {start.replace(day=1): ("100", "120")})
    client.force_login(pm)
    with django_assert_max_num_queries(13):
        assert client.get(url("report_create", project)).status_code == 200


# --- Detail, edit, submit ------------------------------------------------------------------
def test_member_reads_a_report_without_edit_or_submit(client, member, project, draft):
    client.force_login(member)
    response = client.get(url("report_detail", project, draft))
    assert response.status_code == 200
    assert not response.context["can_edit"]
    assert b'data-testid="submit-report"' not in response.content


def test_report_of_another_project_is_404(client, pm, draft, other_project):
    client.force_login(pm)
    assert client.get(url("report_detail", other_project, draft)).status_code == 404


def test_pm_edits_a_draft(client, pm, project, draft):
    client.force_login(pm)
    response = client.get(url("report_edit", project, draft))
    assert response.status_code == 200
    data = form_data(
        draft.period_start,
        draft.period_end,
        cost="amber",
        overall="amber",
        overall_reason="Licences cost more.",
        version=draft.version,
    )
    response = client.post(url("report_edit", project, draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.cost, draft.version) == ("amber", 2)


def test_stale_edit_is_409_showing_the_other_change(client, pm, project, draft):
    client.force_login(pm)
    first = form_data(draft.period_start, draft.period_end, achievements="Theirs", version=1)
    assert client.post(url("report_edit", project, draft), first).status_code == 302
    second = form_data(draft.period_start, draft.period_end, blockers="Mine", version=1)
    response = client.post(url("report_edit", project, draft), second)
    assert response.status_code == 409
    assert b'data-testid="stale-warning"' in response.content
    draft.refresh_from_db()
    assert (draft.achievements, draft.blockers) == ("Theirs", "")


@pytest.mark.parametrize("persona", ["member", "executive"])
def test_readers_cannot_edit(client, request, project, draft, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("report_edit", project, draft)).status_code == 403


def test_edit_page_of_a_submitted_report_is_409_with_a_clear_message(
    client, pm, project, submitted
):
    client.force_login(pm)
    for response in (
        client.get(url("report_edit", project, submitted)),
        client.post(
            url("report_edit", project, submitted),
            form_data(submitted.period_start, submitted.period_end, achievements="Rewritten"),
        ),
    ):
        assert response.status_code == 409
        assert "submitted reports cannot change" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.achievements == "Supplier contract signed."


def test_pm_submits_and_the_project_health_follows(client, pm, project):
    start, end = week()
    report = status_report_create(
        project=project,
        by=pm,
        data=service_data(start, end, overall="red", overall_reason="Vendor failed the audit."),
    )
    client.force_login(pm)
    response = client.post(url("report_submit", project, report))
    assert response.status_code == 302
    report.refresh_from_db()
    project.refresh_from_db()
    assert report.state == "submitted"
    assert (project.health, project.health_reason) == ("red", "Vendor failed the audit.")
    page = client.get(url("report_detail", project, report))
    assert not page.context["can_edit"]


def test_submitting_twice_is_409(client, pm, project, submitted):
    client.force_login(pm)
    response = client.post(url("report_submit", project, submitted))
    assert response.status_code == 409
    assert "cannot change" in response.content.decode()


def test_submitting_an_amber_draft_without_reason_is_400(client, pm, project):
    start, end = week()
    report = StatusReportFactory(
        project=project, period_start=start, period_end=end, overall="amber", created_by=pm
    )
    client.force_login(pm)
    response = client.post(url("report_submit", project, report))
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.state == "draft"


@pytest.mark.parametrize("persona", ["member", "executive"])
def test_readers_cannot_submit(client, request, project, draft, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(url("report_submit", project, draft)).status_code == 403
    draft.refresh_from_db()
    assert draft.state == "draft"


@pytest.mark.parametrize("n", [3, 100])
def test_detail_query_count_does_not_grow_with_facts(
    client, pm, project, n, django_assert_max_num_queries
):
    start, end = week()
    for i in range(n):
        milestone(project, f"M{i}", baseline=start, forecast=start + datetime.timedelta(days=1))
    report = status_report_create(
        project=project,
        by=pm,
        data=service_data(start, end, overall="red", overall_reason="Many missed."),
    )
    client.force_login(pm)
    with django_assert_max_num_queries(10):
        response = client.get(url("report_detail", project, report))
    assert response.status_code == 200
    assert len(response.context["facts"]["milestones"]) == n


def test_new_report_proposes_the_week_after_the_last_report(client, pm, project, draft):
    client.force_login(pm)
    response = client.get(url("report_create", project))
    # The draft covers the last full week; this week has started, so it is proposed.
    following = draft.period_end + datetime.timedelta(days=1)
    assert response.context["form"].initial["period_start"] == following

"""Status report writes: drafts, overlap, immutability after submission, health from the latest."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pmo.core.locking import StaleObjectError
from projects.models import Status, StatusReport
from projects.selectors.reports import default_period
from projects.services.reports import (
    status_report_create,
    status_report_submit,
    status_report_update,
)
from tests.factories import MembershipFactory, UserFactory
from tests.projects.factories_gates import StatusReportFactory, milestone

WEEK = datetime.timedelta(days=7)


def week(weeks_ago: int = 0):
    """A full Monday–Sunday week, ``weeks_ago`` weeks before the last full one."""
    start, end = default_period(timezone.localdate())
    return start - weeks_ago * WEEK, end - weeks_ago * WEEK


def data(start, end, **ratings):
    values = {
        "period_start": start,
        "period_end": end,
        "schedule": "green",
        "cost": "green",
        "scope": "green",
        "quality": "green",
        "risks": "green",
        "overall": "green",
        "overall_reason": "",
        "achievements": "Design signed off.",
        "next_steps": "Build the first release.",
        "blockers": "",
        "decisions_needed": "",
    }
    values.update(ratings)
    return values


def test_pm_creates_a_draft_with_the_facts_of_its_period(pm, project):
    start, end = week()
    milestone(project, "Pilot", baseline=start, forecast=start + datetime.timedelta(days=1))
    report = status_report_create(project=project, by=pm, data=data(start, end))
    assert (report.state, report.created_by, report.version) == ("draft", pm, 1)
    assert report.facts["period_start"] == start.isoformat()
    assert [m["name"] for m in report.facts["milestones"]] == ["Pilot"]
    assert report.history.get().history_user == pm


def test_editor_member_and_pmo_may_write_reports(project, pmo_staff):
    editor = UserFactory(roles=["member"])
    MembershipFactory(project=project, user=editor, can_edit=True)
    start, end = week()
    assert status_report_create(project=project, by=editor, data=data(start, end)).pk
    start, end = week(1)
    assert status_report_create(project=project, by=pmo_staff, data=data(start, end)).pk


@pytest.mark.parametrize("persona", ["member", "executive", "other_pm", "outsider"])
def test_readers_cannot_write_reports(request, project, persona):
    start, end = week()
    with pytest.raises(PermissionDenied):
        status_report_create(
            project=project, by=request.getfixturevalue(persona), data=data(start, end)
        )
    assert not StatusReport.objects.exists()


@pytest.mark.parametrize(
    ("shift_start", "shift_end"),
    [(0, 0), (3, 3), (-3, -3), (-1, 1), (2, -2), (-14, 0)],
)
def test_overlapping_periods_are_refused(pm, project, shift_start, shift_end):
    start, end = week(1)
    status_report_create(project=project, by=pm, data=data(start, end))
    new_start = start + datetime.timedelta(days=shift_start)
    new_end = end + datetime.timedelta(days=shift_end)
    with pytest.raises(ValidationError) as error:
        status_report_create(project=project, by=pm, data=data(new_start, new_end))
    assert "overlaps the report" in " ".join(error.value.message_dict["period_start"])
    assert StatusReport.objects.count() == 1


def test_adjacent_periods_are_fine(pm, project):
    for weeks_ago in (2, 1, 0):
        start, end = week(weeks_ago)
        status_report_create(project=project, by=pm, data=data(start, end))
    assert StatusReport.objects.count() == 3


def test_bad_periods_are_refused_with_a_field_message(pm, project):
    start, end = week()
    cases = [
        (data(end, start), "period_end"),  # ends before it starts
        (data(start - datetime.timedelta(days=100), end), "period_end"),  # longer than a quarter
        (
            data(
                timezone.localdate() + datetime.timedelta(days=1),
                timezone.localdate() + datetime.timedelta(days=7),
            ),
            "period_start",
        ),  # has not started
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as error:
            status_report_create(project=project, by=pm, data=values)
        assert field in error.value.message_dict
    assert not StatusReport.objects.exists()


@pytest.mark.parametrize("overall", ["amber", "red"])
def test_amber_or_red_needs_a_reason(pm, project, overall):
    start, end = week()
    with pytest.raises(ValidationError) as error:
        status_report_create(project=project, by=pm, data=data(start, end, overall=overall))
    assert "overall_reason" in error.value.message_dict


def test_over_long_narrative_is_refused(pm, project):
    start, end = week()
    with pytest.raises(ValidationError) as error:
        status_report_create(project=project, by=pm, data=data(start, end, blockers="x" * 10_001))
    assert "blockers" in error.value.message_dict


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
def test_closed_project_gets_no_new_report(pm, project, status):
    project.status = status
    project.save()
    start, end = week()
    with pytest.raises(ValidationError, match="can no longer change"):
        status_report_create(project=project, by=pm, data=data(start, end))


def test_updating_a_draft_bumps_the_version_and_refreshes_the_facts(pm, project):
    start, end = week()
    report = status_report_create(project=project, by=pm, data=data(start, end))
    milestone(project, "Pilot", baseline=start, forecast=start)
    report = status_report_update(
        report=report,
        by=pm,
        data=data(start, end, schedule="red", overall="red", overall_reason="Pilot missed."),
        expected_version=1,
    )
    assert (report.version, report.schedule) == (2, "red")
    assert [m["name"] for m in report.facts["milestones"]] == ["Pilot"]


def test_stale_update_is_refused(pm, project):
    start, end = week()
    report = status_report_create(project=project, by=pm, data=data(start, end))
    status_report_update(report=report, by=pm, data=data(start, end), expected_version=1)
    with pytest.raises(StaleObjectError):
        status_report_update(
            report=StatusReport.objects.get(pk=report.pk),
            by=pm,
            data=data(start, end, achievements="Mine"),
            expected_version=1,
        )


def test_submitted_report_is_immutable(pm, project):
    start, end = week()
    report = status_report_create(project=project, by=pm, data=data(start, end))
    status_report_submit(report=report, by=pm)
    report = StatusReport.objects.get(pk=report.pk)
    with pytest.raises(ValidationError) as error:
        status_report_update(
            report=report,
            by=pm,
            data=data(start, end, achievements="Rewritten history"),
            expected_version=report.version,
        )
    assert error.value.code == "submitted"
    with pytest.raises(ValidationError, match="cannot change"):
        status_report_submit(report=report, by=pm)
    report.refresh_from_db()
    assert report.achievements == "Design signed off."


def test_submitting_sets_the_project_health_with_history(pm, project):
    start, end = week()
    report = status_report_create(
        project=project,
        by=pm,
        data=data(start, end, cost="red", overall="red", overall_reason="Vendor invoice 20% over."),
    )
    version = project.version
    report = status_report_submit(report=report, by=pm)
    assert (report.state, report.submitted_by) == ("submitted", pm)
    assert report.submitted_at is not None
    project.refresh_from_db()
    assert (project.health, project.health_reason) == ("red", "Vendor invoice 20% over.")
    assert project.version == version + 1
    last = project.history.order_by("-history_date", "-history_id").first()
    assert last.history_user == pm
    assert last.history_change_reason.startswith("Status report")


def test_health_comes_from_the_latest_period_not_the_latest_submission(pm, project):
    new_start, new_end = week()
    old_start, old_end = week(1)
    newer = status_report_create(
        project=project,
        by=pm,
        data=data(new_start, new_end, overall="amber", overall_reason="Testing slipped."),
    )
    older = status_report_create(
        project=project,
        by=pm,
        data=data(old_start, old_end, overall="red", overall_reason="Old news."),
    )
    status_report_submit(report=newer, by=pm)
    status_report_submit(report=older, by=pm)
    project.refresh_from_db()
    assert (project.health, project.health_reason) == ("amber", "Testing slipped.")


def test_submitting_a_green_report_clears_the_reason(pm, project):
    project.health, project.health_reason = "amber", "Earlier concern."
    project.save()
    start, end = week()
    report = status_report_create(project=project, by=pm, data=data(start, end))
    status_report_submit(report=report, by=pm)
    project.refresh_from_db()
    assert (project.health, project.health_reason) == ("green", "")


def test_submit_refuses_an_amber_draft_without_reason(pm, project):
    start, end = week()
    report = StatusReportFactory(
        project=project, period_start=start, period_end=end, overall="amber"
    )
    with pytest.raises(ValidationError) as error:
        status_report_submit(report=report, by=pm)
    assert "overall_reason" in error.value.message_dict
    report.refresh_from_db()
    project.refresh_from_db()
    assert (report.state, project.health) == ("draft", "green")


@pytest.mark.parametrize("persona", ["member", "executive"])
def test_readers_cannot_submit(request, pm, project, persona):
    start, end = week()
    report = status_report_create(project=project, by=pm, data=data(start, end))
    with pytest.raises(PermissionDenied):
        status_report_submit(report=report, by=request.getfixturevalue(persona))
    report.refresh_from_db()
    assert report.state == "draft"


def test_unknown_field_is_a_programming_error(pm, project):
    start, end = week()
    with pytest.raises(ValueError):
        status_report_create(
            project=project, by=pm, data={**data(start, end), "state": "submitted"}
        )

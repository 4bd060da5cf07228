"""Status reports: drafts, edits and submission. A submitted report never changes again.

Submitting the report with the latest period sets the project's health and its reason, so
the health shown everywhere is what the latest report said.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pmo.core import policy
from pmo.core.locking import create_versioned, save_versioned
from projects.models import Health, Project, StatusReport
from projects.selectors.reports import latest_submitted, status_report_prefill
from projects.services.core import ensure_open_for_planning

# What a caller may set; state, facts and the submission stamp belong to the services.
EDITABLE_FIELDS = (
    "period_start",
    "period_end",
    "schedule",
    "cost",
    "scope",
    "quality",
    "risks",
    "overall",
    "overall_reason",
    "achievements",
    "next_steps",
    "blockers",
    "decisions_needed",
)
# A status report covers a week, a fortnight or a month; a quarter is the most it can span.
MAX_PERIOD_DAYS = 92
SUBMITTED_CODE = "submitted"


def check_text_lengths(instance) -> None:
    """Django does not validate a ``TextField``'s ``max_length`` on the model; do it here.

    Forms enforce it too, but services are the last line for every caller.
    """
    errors = {}
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.TextField) and field.max_length:
            value = getattr(instance, field.attname) or ""
            if len(value) > field.max_length:
                errors[field.name] = _(
                    "Keep this under %(limit)s characters (it has %(length)s)."
                ) % {"limit": field.max_length, "length": len(value)}
    if errors:
        raise ValidationError(errors)


def can_write_reports(user, project) -> bool:
    return policy.can_change_project(user, project)


def ensure_report_draft(report: StatusReport) -> None:
    if report.is_submitted:
        raise ValidationError(
            _(
                "This report was submitted on %(when)s by %(who)s: submitted reports cannot "
                "change. Write a new report for the next period instead."
            )
            % {
                "when": date_format(timezone.localtime(report.submitted_at), "Y-m-d H:i"),
                "who": report.submitted_by,
            },
            code=SUBMITTED_CODE,
        )


def _check_period(report: StatusReport, today: datetime.date) -> None:
    start, end = report.period_start, report.period_end
    if not start or not end:
        return  # full_clean names the missing date
    if end < start:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError(
            {"period_end": _("A report covers at most %(n)s days.") % {"n": MAX_PERIOD_DAYS}}
        )
    if start > today:
        raise ValidationError(
            {"period_start": _("A report cannot cover a period that has not started yet.")}
        )
    overlapping = (
        StatusReport.objects.filter(
            project_id=report.project_id, period_start__lte=end, period_end__gte=start
        )
        .exclude(pk=report.pk)
        .order_by("period_start")
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            {
                "period_start": _(
                    "This period overlaps the report for %(start)s – %(end)s; choose dates "
                    "after it or before it."
                )
                % {
                    "start": overlapping.period_start.isoformat(),
                    "end": overlapping.period_end.isoformat(),
                }
            }
        )


def _check_reason(report: StatusReport) -> None:
    if report.overall in (Health.AMBER, Health.RED) and not report.overall_reason.strip():
        raise ValidationError({"overall_reason": _("Say why the project is amber or red overall.")})


def _apply(report: StatusReport, data: dict) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable on a status report: {sorted(unknown)}")
    for name, value in data.items():
        setattr(report, name, value.strip() if isinstance(value, str) else value)


def _refresh_facts(report: StatusReport, project: Project, today: datetime.date) -> None:
    """Record the live figures for the report's period (drafts follow the plan)."""
    prefill = status_report_prefill(
        project=project,
        today=today,
        period_start=report.period_start,
        period_end=report.period_end,
    )
    report.facts = prefill["facts"]


@transaction.atomic
def status_report_create(*, project: Project, by, data: dict) -> StatusReport:
    if not can_write_reports(by, project):
        raise PermissionDenied
    # Lock the project so two drafts for overlapping periods cannot both pass the check.
    project = Project.objects.select_for_update().get(pk=project.pk)
    ensure_open_for_planning(project)
    report = StatusReport(project=project)
    _apply(report, data)
    today = timezone.localdate()
    _check_period(report, today)
    _check_reason(report)
    check_text_lengths(report)
    _refresh_facts(report, project, today)
    try:
        with transaction.atomic():
            return create_versioned(instance=report, by=by, reason=_("Status report drafted"))
    except IntegrityError as exc:
        raise ValidationError(
            {"period_start": _("There is already a report for this period.")}
        ) from exc


@transaction.atomic
def status_report_update(
    *, report: StatusReport, by, data: dict, expected_version: int
) -> StatusReport:
    if not can_write_reports(by, report.project):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=report.project_id)
    ensure_open_for_planning(project)
    current = StatusReport.objects.select_for_update().get(pk=report.pk)
    ensure_report_draft(current)
    _apply(report, data)
    today = timezone.localdate()
    _check_period(report, today)
    _check_reason(report)
    check_text_lengths(report)
    _refresh_facts(report, project, today)
    return save_versioned(instance=report, expected_version=expected_version, by=by)


@transaction.atomic
def status_report_submit(*, report: StatusReport, by) -> StatusReport:
    """Freeze the report; if it is the latest one, its overall rating becomes the health."""
    if not can_write_reports(by, report.project):
        raise PermissionDenied
    project = Project.objects.select_for_update().get(pk=report.project_id)
    ensure_open_for_planning(project)
    report = StatusReport.objects.select_for_update().get(pk=report.pk)
    ensure_report_draft(report)
    _check_reason(report)
    report.state = StatusReport.State.SUBMITTED
    report.submitted_by = by
    report.submitted_at = timezone.now()
    save_versioned(
        instance=report, expected_version=report.version, by=by, reason=_("Report submitted")
    )
    latest = latest_submitted(project)
    if latest is not None and latest.pk == report.pk:
        project.health = report.overall
        project.health_reason = report.overall_reason
        save_versioned(
            instance=project,
            expected_version=project.version,
            by=by,
            reason=_("Status report %(start)s – %(end)s submitted")
            % {
                "start": report.period_start.isoformat(),
                "end": report.period_end.isoformat(),
            },
        )
    report.project = project
    return report

"""Schedule import and export pages, and the milestone calendar feeds.

Import is two steps: the upload is parsed and shown as a preview with row-level errors,
nothing saved; the parsed rows wait in the session under a random token, and "Confirm import"
posts that token back. Exports are attachment downloads for anyone who can see the project.
The personal feed is reached by a signed token instead of a login, so calendar applications
can subscribe to it.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from pmo.core import policy
from pmo.core.mixins import BreadcrumbsMixin, paginate
from projects.forms.schedule_io import MAX_UPLOAD_BYTES, ScheduleConfirmForm, ScheduleUploadForm
from projects.models import MilestoneStatus, Project
from projects.schedule_io import csv_format, ical, mspdi
from projects.schedule_io.records import (
    MILESTONE,
    PHASE,
    ImportFileError,
    ParsedSchedule,
    RowIssue,
)
from projects.selectors import schedule_io as selectors
from projects.services import schedule_import as services
from projects.services.core import ensure_open_for_planning

SESSION_PREFIX = "schedule-import:"
AREA = "schedule"


def _session_key(project) -> str:
    return f"{SESSION_PREFIX}{project.pk}"


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- export --------------------------------------------------------------------------------------
class ScheduleExportCsvView(View):
    def get(self, request, code):
        project = policy.get_project_for_user(request.user, code)
        export = selectors.schedule_records(project)
        return _download(
            csv_format.write_csv(export.tasks).encode("utf-8"),
            content_type="text/csv; charset=utf-8",
            filename=f"{project.code}-schedule.csv",
        )


class ScheduleExportMspdiView(View):
    def get(self, request, code):
        project = policy.get_project_for_user(request.user, code)
        export = selectors.schedule_records(project)
        content = mspdi.write_mspdi(
            export.info,
            export.tasks,
            export.people,
            created=timezone.localtime().replace(tzinfo=None),
        )
        return _download(
            content,
            content_type="application/xml; charset=utf-8",
            filename=f"{project.code}-schedule.xml",
        )


# --- import --------------------------------------------------------------------------------------
class ScheduleImportView(BreadcrumbsMixin, TemplateView):
    """GET: the upload form. POST: parse the file and show the preview (nothing saved)."""

    template_name = "projects/schedule_io/import.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = policy.get_project_for_user(request.user, kwargs["code"], policy.CHANGE)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return [
            (_("Projects"), reverse("projects:project_list")),
            (self.project.code, self.project.get_absolute_url()),
            (_("Schedule"), reverse("projects:schedule", args=[self.project.code])),
            (_("Import"), None),
        ]

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ScheduleUploadForm())
        return super().get_context_data(
            project=self.project,
            project_area=AREA,
            columns=[csv_format.COLUMN_LABELS[key] for key in csv_format.EXPORT_KEYS],
            max_upload=MAX_UPLOAD_BYTES,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = ScheduleUploadForm(request.POST, request.FILES)
        if self.project.is_closed:
            return self._refuse_closed(form)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        upload = form.cleaned_data["file"]
        try:
            parsed = services.schedule_import_parse(
                project=self.project, data=form.content, filename=upload.name
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        token = secrets.token_hex(16)
        request.session[_session_key(self.project)] = {
            "token": token,
            "user": request.user.pk,
            "parsed": parsed.to_dict(),
        }
        context = self.get_context_data(
            form=ScheduleUploadForm(),
            parsed=parsed,
            rows=_preview_rows(parsed),
            issues=[_labelled(issue) for issue in parsed.issues],
            phase_count=parsed.count(PHASE),
            milestone_count=parsed.count(MILESTONE),
            confirm_form=ScheduleConfirmForm(initial={"token": token}),
        )
        # A file with broken rows is bad input: say so with the status too.
        return self.render_to_response(context, status=400 if parsed.has_errors else 200)

    def _refuse_closed(self, form):
        try:
            ensure_open_for_planning(self.project)
        except ValidationError as error:
            form.add_error(None, error)
        return self.render_to_response(self.get_context_data(form=form), status=400)


COLUMN_LABELS = {**csv_format.COLUMN_LABELS, "uid": "UID"}


def _labelled(issue: RowIssue) -> dict:
    return {
        "row": issue.row,
        "label": COLUMN_LABELS.get(issue.column, issue.column),
        "message": issue.message,
        "is_error": issue.is_error,
    }


def _preview_rows(parsed: ParsedSchedule) -> list[dict]:
    issues = parsed.issues_by_row()
    rows = []
    seen = set()
    for task in parsed.tasks:
        row_issues = issues.get(task.row, []) if task.row not in seen else []
        seen.add(task.row)
        rows.append(
            {
                "task": task,
                "issues": row_issues,
                "has_error": any(issue.is_error for issue in row_issues),
                "indent": task.level - 1,
            }
        )
    # Rows that could not become a task at all (no WBS number, say) still show.
    listed = {task.row for task in parsed.tasks}
    for row, row_issues in sorted(
        ((r, i) for r, i in issues.items() if r is not None and r not in listed),
        key=lambda item: item[0],
    ):
        rows.append({"task": None, "row": row, "issues": row_issues, "has_error": True})
    return rows


class ScheduleImportConfirmView(View):
    """POST only: apply the previewed file to the project."""

    def post(self, request, code):
        project = policy.get_project_for_user(request.user, code, policy.CHANGE)
        stored = request.session.get(_session_key(project))
        form = ScheduleConfirmForm(request.POST)
        if (
            not form.is_valid()
            or not stored
            or stored.get("user") != request.user.pk
            or not secrets.compare_digest(stored.get("token", ""), form.cleaned_data["token"])
        ):
            return self._refuse(
                request,
                project,
                _("This preview is no longer current. Upload the file again."),
            )
        parsed = ParsedSchedule.from_dict(stored["parsed"])
        try:
            result = services.schedule_import_apply(
                project=project, by=request.user, parsed=parsed, mode="append"
            )
        except ValidationError as error:
            return self._refuse(request, project, " ".join(error.messages))
        del request.session[_session_key(project)]
        messages.success(
            request,
            _(
                "Imported %(tasks)d rows, %(links)d dependencies and %(milestones)d milestones "
                "from %(file)s."
            )
            % {
                "tasks": result.tasks,
                "links": result.dependencies,
                "milestones": result.milestones,
                "file": parsed.filename,
            },
        )
        return HttpResponseRedirect(reverse("projects:schedule", args=[project.code]))

    def _refuse(self, request, project, message: str):
        view = ScheduleImportView()
        view.setup(request, code=project.code)
        view.project = project
        context = view.get_context_data(import_error=message)
        return view.render_to_response(context, status=400)


# --- milestone feeds ---------------------------------------------------------------------------
def _events(request, milestones, today):
    host = request.get_host().split(":")[0] or "pmo"
    events = []
    for milestone in milestones:
        project = milestone.project
        status = MilestoneStatus(milestone.status_on(today))
        lines = [
            _("Project: %(code)s %(name)s") % {"code": project.code, "name": project.name},
            _("Status: %(status)s") % {"status": status.label},
            _("Forecast: %(date)s") % {"date": milestone.forecast_date.isoformat()},
        ]
        if milestone.actual_date:
            lines.append(_("Achieved: %(date)s") % {"date": milestone.actual_date.isoformat()})
        if milestone.baseline_date:
            lines.append(
                _("Baseline: %(date)s, slip %(days)+d days")
                % {"date": milestone.baseline_date.isoformat(), "days": milestone.slip_days}
            )
        lines.append(
            _("Owner: %(owner)s") % {"owner": milestone.owner.get_full_name() or milestone.owner}
        )
        if milestone.status_comment:
            lines.append(_("Comment: %(comment)s") % {"comment": milestone.status_comment})
        url = request.build_absolute_uri(
            reverse("projects:milestone_detail", args=[project.code, milestone.pk])
        )
        events.append(
            ical.CalendarEvent(
                uid=f"milestone-{milestone.pk}@{host}",
                day=milestone.actual_date or milestone.forecast_date,
                summary=f"{project.code}: {milestone.name}",
                description="\n".join(lines),
                url=url,
                last_modified=milestone.updated_at,
                categories=(str(status.label),),
            )
        )
    return events


def _calendar_response(request, milestones, *, name: str, filename: str) -> HttpResponse:
    now = timezone.now()
    text = ical.write_calendar(
        _events(request, milestones, timezone.localdate()), name=name, stamp=now
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


class ProjectMilestonesIcalView(View):
    def get(self, request, code):
        project = policy.get_project_for_user(request.user, code)
        return _calendar_response(
            request,
            selectors.project_feed_milestones(project),
            name=_("Milestones of %(code)s") % {"code": project.code},
            filename=f"{project.code}-milestones.ics",
        )


@method_decorator(login_not_required, name="dispatch")
class MyMilestonesIcalView(View):
    """Public by token: the token names and authenticates the user (selectors.feed_token)."""

    def get(self, request, token):
        user = selectors.user_for_feed_token(token)
        if user is None:
            raise Http404("No such feed")
        with translation.override(user.language or translation.get_language()):
            return _calendar_response(
                request,
                selectors.user_feed_milestones(user),
                name=_("My milestones"),
                filename="milestones.ics",
            )


class MilestoneFeedsView(BreadcrumbsMixin, TemplateView):
    """Where a user finds their personal feed URL and the feeds of their projects."""

    template_name = "projects/schedule_io/feeds.html"

    def get_breadcrumbs(self):
        return [
            (_("My milestones"), reverse("projects:my_milestones")),
            (_("Calendar feeds"), None),
        ]

    def get_context_data(self, **kwargs):
        user = self.request.user
        feed_url = self.request.build_absolute_uri(
            reverse("projects:my_milestones_ical", args=[selectors.feed_token(user)])
        )
        projects = (
            policy.projects_for_user(Project.objects.active(), user, policy.VIEW)
            .filter(policy.involvement_q(user))
            .order_by("code")
            .only("code", "name")
        )
        page = paginate(self.request, projects)
        return super().get_context_data(
            feed_url=feed_url, page_obj=page, projects=page.object_list, **kwargs
        )

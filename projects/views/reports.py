"""Status report pages: list, new (prefilled), detail, edit a draft, submit."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from pmo.core import policy
from pmo.core.history import history_for
from pmo.core.locking import StaleObjectError
from pmo.core.mixins import (
    BreadcrumbsMixin,
    CsvExportMixin,
    OptimisticLockFormMixin,
    ServiceFormMixin,
    SortableListMixin,
    apply_form_errors,
)
from projects.forms.reports import PeriodForm, StatusReportForm
from projects.models import StatusReport
from projects.selectors import reports as selectors
from projects.services import reports as services
from projects.services.core import ensure_open_for_planning


def _trail(project, *rest):
    return [
        (_("Projects"), reverse("projects:project_list")),
        (project.code, project.get_absolute_url()),
        *rest,
    ]


def _reports_url(project):
    return reverse("projects:reports", args=[project.code])


class ProjectReportsMixin(BreadcrumbsMixin):
    action = policy.VIEW

    def dispatch(self, request, *args, **kwargs):
        # Anonymous requests never get here: LoginRequiredMiddleware sends them to sign in.
        self.project = policy.get_project_for_user(request.user, kwargs["code"], self.action)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, project_area="reports", **kwargs)


class ReportListView(ProjectReportsMixin, SortableListMixin, CsvExportMixin, ListView):
    template_name = "projects/reports/report_list.html"
    context_object_name = "reports"
    paginate_by = 25
    default_sort = "-period"
    sort_fields = {
        "period": ("period_end",),
        "overall": ("overall",),
        "state": ("state",),
        "submitted": ("submitted_at",),
    }
    csv_columns = [
        (gettext_lazy("Period start"), lambda r: r.period_start.isoformat()),
        (gettext_lazy("Period end"), lambda r: r.period_end.isoformat()),
        (gettext_lazy("State"), lambda r: r.get_state_display()),
        (gettext_lazy("Schedule"), lambda r: r.get_schedule_display()),
        (gettext_lazy("Cost"), lambda r: r.get_cost_display()),
        (gettext_lazy("Scope"), lambda r: r.get_scope_display()),
        (gettext_lazy("Quality"), lambda r: r.get_quality_display()),
        (gettext_lazy("Risks"), lambda r: r.get_risks_display()),
        (gettext_lazy("Overall"), lambda r: r.get_overall_display()),
        (gettext_lazy("Reason"), lambda r: r.overall_reason),
        (gettext_lazy("Submitted by"), lambda r: r.submitted_by or ""),
        (
            gettext_lazy("Submitted at"),
            lambda r: (
                timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M")
                if r.submitted_at
                else ""
            ),
        ),
    ]

    @property
    def csv_filename(self):
        return f"{self.project.code}-status-reports.csv"

    def get_queryset(self):
        qs = selectors.reports_for_project(self.project)
        state = self.request.GET.get("state")
        if state in StatusReport.State.values:
            qs = qs.filter(state=state)
        return self.apply_sort(qs)

    def get_breadcrumbs(self):
        return _trail(self.project, (_("Status reports"), None))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        context.update(
            can_write=services.can_write_reports(self.request.user, self.project)
            and not self.project.is_closed,
            latest=selectors.latest_submitted(self.project),
            states=StatusReport.State.choices,
            current_state=self.request.GET.get("state", ""),
            filter_query=query.urlencode(),
        )
        return context


class ReportCreateView(ProjectReportsMixin, ServiceFormMixin, FormView):
    action = policy.CHANGE
    form_class = StatusReportForm
    template_name = "projects/reports/report_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = policy.get_project_for_user(request.user, kwargs["code"], policy.CHANGE)
        if self.project.is_closed:
            return render(
                request,
                "projects/reports/report_refused.html",
                {
                    "project": self.project,
                    "project_area": "reports",
                    "message": _(
                        "%(code)s is %(status)s: no new status reports. Its reports stay "
                        "readable in the list."
                    )
                    % {
                        "code": self.project.code,
                        "status": self.project.get_status_display().lower(),
                    },
                    "breadcrumbs": _trail(self.project, (_("New status report"), None)),
                },
                status=409,
            )
        self.today = timezone.localdate()
        self.period_form = None
        return super(ProjectReportsMixin, self).dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        start, end = selectors.suggested_period(self.project, self.today)
        period = {"period_start": start, "period_end": end}
        if "period_start" in request.GET or "period_end" in request.GET:
            self.period_form = PeriodForm(request.GET)
            if not self.period_form.is_valid():
                self.prefill = selectors.status_report_prefill(
                    project=self.project, today=self.today
                )
                form = self.get_form_class()(
                    initial=self._initial(), instance=StatusReport(project=self.project)
                )
                return self.render_to_response(self.get_context_data(form=form), status=400)
            period = self.period_form.cleaned_data
        self.prefill = selectors.status_report_prefill(
            project=self.project, today=self.today, **period
        )
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.prefill = None
        return super().post(request, *args, **kwargs)

    def _initial(self):
        return {k: v for k, v in self.prefill.items() if k != "facts"}

    def get_initial(self):
        return self._initial() if self.prefill else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": StatusReport(project=self.project)}

    def get_breadcrumbs(self):
        return _trail(
            self.project,
            (_("Status reports"), _reports_url(self.project)),
            (_("New status report"), None),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.prefill is None:
            form = context["form"]
            start = form.cleaned_data.get("period_start") if form.is_bound else None
            end = form.cleaned_data.get("period_end") if form.is_bound else None
            period = {"period_start": start, "period_end": end} if start and end else {}
            if start and end and end < start:
                period = {}
            self.prefill = selectors.status_report_prefill(
                project=self.project, today=self.today, **period
            )
        context.update(
            facts=self.prefill["facts"],
            period_form=self.period_form,
            is_new=True,
        )
        return context

    def save(self, form):
        return services.status_report_create(
            project=self.project, by=self.request.user, data=form.model_data()
        )

    def success_message(self, report):
        return _("Draft report for %(start)s – %(end)s saved. Check it, then submit it.") % {
            "start": report.period_start.isoformat(),
            "end": report.period_end.isoformat(),
        }

    def success_url_for(self, report):
        return reverse("projects:report_detail", args=[self.project.code, report.pk])


class ReportDetailView(ProjectReportsMixin, TemplateView):
    template_name = "projects/reports/report_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = policy.get_project_for_user(request.user, kwargs["code"])
        self.report = selectors.report_for_project(self.project, kwargs["pk"])
        return super(ProjectReportsMixin, self).dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return _trail(
            self.project,
            (_("Status reports"), _reports_url(self.project)),
            (f"{self.report.period_start:%Y-%m-%d} – {self.report.period_end:%Y-%m-%d}", None),
        )

    def get_context_data(self, **kwargs):
        report = self.report
        can_write = services.can_write_reports(self.request.user, self.project)
        return super().get_context_data(
            report=report,
            facts=report.facts or {},
            can_edit=can_write and not report.is_submitted and not self.project.is_closed,
            history=history_for(report, limit=20),
            **kwargs,
        )


class ReportSubmitView(ReportDetailView):
    """POST only: submit a draft (immutable from then on)."""

    http_method_names = ["post"]

    def post(self, request, code, pk):
        if not services.can_write_reports(request.user, self.project):
            raise PermissionDenied
        try:
            report = services.status_report_submit(report=self.report, by=request.user)
        except ValidationError as error:
            self.report.refresh_from_db()
            self.project.refresh_from_db()
            status = 409 if getattr(error, "code", None) == services.SUBMITTED_CODE else 400
            context = self.get_context_data(page_errors=error.messages)
            return self.render_to_response(context, status=status)
        project = report.project
        messages.success(
            request,
            _("Report submitted. %(code)s's health is %(health)s, from its latest report.")
            % {"code": project.code, "health": project.get_health_display().lower()},
        )
        return HttpResponseRedirect(reverse("projects:report_detail", args=[code, pk]))


class ReportEditView(ProjectReportsMixin, OptimisticLockFormMixin, FormView):
    form_class = StatusReportForm
    template_name = "projects/reports/report_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = policy.get_project_for_user(request.user, kwargs["code"], policy.CHANGE)
        self.report = selectors.report_for_project(self.project, kwargs["pk"])
        if self.report.is_submitted or self.project.is_closed:
            return self.refused()
        return super(ProjectReportsMixin, self).dispatch(request, *args, **kwargs)

    def refused(self, message=None):
        if message is None:
            try:
                services.ensure_report_draft(self.report)
                ensure_open_for_planning(self.project)
            except ValidationError as error:
                message = " ".join(error.messages)
        return render(
            self.request,
            "projects/reports/report_refused.html",
            {
                "project": self.project,
                "project_area": "reports",
                "report": self.report,
                "message": message,
                "breadcrumbs": self.get_breadcrumbs(),
            },
            status=409,
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.report}

    def get_breadcrumbs(self):
        return _trail(
            self.project,
            (_("Status reports"), _reports_url(self.project)),
            (
                f"{self.report.period_start:%Y-%m-%d} – {self.report.period_end:%Y-%m-%d}",
                reverse("projects:report_detail", args=[self.project.code, self.report.pk]),
            ),
            (_("Edit"), None),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, facts=self.report.facts, **kwargs)

    def form_valid(self, form):
        try:
            report = services.status_report_update(
                report=self.report,
                by=self.request.user,
                data=form.model_data(),
                expected_version=form.expected_version,
            )
        except StaleObjectError as error:
            return self.handle_stale(form, error)
        except ValidationError as error:
            if getattr(error, "code", None) == services.SUBMITTED_CODE:
                return self.refused(" ".join(error.messages))
            apply_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Draft saved."))
        return HttpResponseRedirect(
            reverse("projects:report_detail", args=[self.project.code, report.pk])
        )

"""Milestone pages: the project's table, "My milestones", a milestone's history, forms.

The quick update (forecast + comment, or mark achieved) happens in place with htmx: the
row turns into a small form and back. Without JavaScript the same URL is a small page
that returns to where the user came from.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
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
    ServiceFormMixin,
    apply_form_errors,
    keep_input_for_resubmit,
    safe_next_url,
)
from projects.forms.milestones import MilestoneForm, MyMilestonesFilterForm, QuickUpdateForm
from projects.models import Milestone
from projects.selectors import milestones as selectors
from projects.services import milestones as services

# Where a milestone row is shown; each shows different columns (see _row.html).
LAYOUTS = ("project", "mine", "overview")
AREA = "milestones"


def _layout(request) -> str:
    value = request.POST.get("layout") or request.GET.get("layout")
    return value if value in LAYOUTS else "project"


def _milestones_url(project) -> str:
    return reverse("projects:milestones", args=[project.code])


class ProjectMilestonesMixin(BreadcrumbsMixin):
    """Fetch the project through the policy (404 invisible, 403 not allowed)."""

    project_action = policy.VIEW

    def dispatch(self, request, *args, **kwargs):
        self.project = policy.get_project_for_user(
            request.user, kwargs["code"], self.project_action
        )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return [
            (_("Projects"), reverse("projects:project_list")),
            (self.project.code, self.project.get_absolute_url()),
            (_("Milestones"), _milestones_url(self.project)),
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, project_area=AREA, **kwargs)


class MilestoneListView(ProjectMilestonesMixin, CsvExportMixin, ListView):
    template_name = "projects/milestones/list.html"
    context_object_name = "milestones"
    csv_filename = "milestones.csv"
    csv_columns = [
        (gettext_lazy("Milestone"), lambda m: m.name),
        (gettext_lazy("Owner"), lambda m: m.owner),
        (
            gettext_lazy("Baseline"),
            lambda m: m.baseline_date.isoformat() if m.baseline_date else "",
        ),
        (gettext_lazy("Forecast"), lambda m: m.forecast_date.isoformat()),
        (gettext_lazy("Actual"), lambda m: m.actual_date.isoformat() if m.actual_date else ""),
        (gettext_lazy("Status"), lambda m: m.get_status_display()),
        (gettext_lazy("Slip (days)"), lambda m: "" if m.slip_days is None else m.slip_days),
        (
            gettext_lazy("Deliverables"),
            lambda m: "; ".join(d.name for d in m.deliverables.all()),
        ),
        (gettext_lazy("Comment"), lambda m: m.status_comment),
    ]

    def get_queryset(self):
        return selectors.project_milestones(self.project)

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs()[:-1], (_("Milestones"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        can_edit = services.can_edit_milestones(user, self.project)
        rows = selectors.decorate(list(context["milestones"]))
        open_for_updates = not self.project.is_closed
        for m in rows:
            m.can_update = open_for_updates and services.can_update_milestone(
                user, m, can_change=can_edit
            )
        context.update(
            milestones=rows,
            can_edit=can_edit and open_for_updates,
            layout="project",
            next_url=self.request.get_full_path(),
            tolerance=settings.MILESTONE_AT_RISK_TOLERANCE_DAYS,
        )
        return context


class MilestoneDetailView(ProjectMilestonesMixin, TemplateView):
    template_name = "projects/milestones/detail.html"

    def get(self, request, *args, **kwargs):
        self.milestone = selectors.get_milestone(self.project, kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (self.milestone.name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        m = selectors.decorate([self.milestone])[0]
        can_edit = services.can_edit_milestones(self.request.user, self.project)
        open_for_updates = not self.project.is_closed
        m.can_update = open_for_updates and services.can_update_milestone(
            self.request.user, m, can_change=can_edit
        )
        context.update(
            milestone=m,
            can_edit=can_edit and open_for_updates,
            history=history_for(m, limit=200),
            next_url=self.request.get_full_path(),
        )
        return context


class MilestoneFormView(ProjectMilestonesMixin, ServiceFormMixin, FormView):
    """Create (no ``pk``) or edit a milestone with the full form."""

    form_class = MilestoneForm
    template_name = "projects/milestones/form.html"
    project_action = policy.CHANGE

    def dispatch(self, request, *args, **kwargs):
        self.project = policy.get_project_for_user(request.user, kwargs["code"], policy.CHANGE)
        if "pk" in kwargs:
            self.milestone = selectors.get_milestone(self.project, kwargs["pk"])
        else:
            self.milestone = None
        return super(ProjectMilestonesMixin, self).dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.milestone is None:
            return {"owner": self.request.user.pk}
        return {}

    def get_form_kwargs(self):
        instance = self.milestone or Milestone(project=self.project)
        return {**super().get_form_kwargs(), "instance": instance, "project": self.project}

    def get_breadcrumbs(self):
        trail = super().get_breadcrumbs()
        if self.milestone is None:
            return [*trail, (_("New milestone"), None)]
        detail = reverse("projects:milestone_detail", args=[self.project.code, self.milestone.pk])
        return [*trail, (self.milestone.name, detail), (_("Edit"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        links = services.milestone_links(self.milestone) if self.milestone else []
        context.update(
            milestone=self.milestone,
            closed=self.project.is_closed,
            delete_blockers=links,
        )
        return context

    def save(self, form):
        if self.milestone is None:
            return services.milestone_create(
                project=self.project, by=self.request.user, data=form.model_data()
            )
        return services.milestone_update(
            milestone=form.instance,
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, milestone):
        if self.milestone is None:
            return _("Milestone “%(name)s” created.") % {"name": milestone.name}
        return _("Milestone “%(name)s” saved.") % {"name": milestone.name}

    def success_url_for(self, milestone):
        return reverse("projects:milestone_detail", args=[self.project.code, milestone.pk])


class MilestoneDeleteView(ProjectMilestonesMixin, TemplateView):
    """POST only; refused with a message while anything refers to the milestone."""

    http_method_names = ["post"]
    project_action = policy.CHANGE

    def post(self, request, *args, **kwargs):
        milestone = selectors.get_milestone(self.project, kwargs["pk"])
        try:
            services.milestone_delete(milestone=milestone, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(
                reverse("projects:milestone_edit", args=[self.project.code, milestone.pk])
            )
        messages.success(request, _("Milestone “%(name)s” deleted.") % {"name": milestone.name})
        return HttpResponseRedirect(_milestones_url(self.project))


class MilestoneRowMixin(ProjectMilestonesMixin):
    """A milestone's table row, shown or as its quick-update form (htmx partials)."""

    def dispatch(self, request, *args, **kwargs):
        self.project = policy.get_project_for_user(request.user, kwargs["code"], policy.VIEW)
        self.milestone = selectors.get_milestone(self.project, kwargs["pk"])
        self.layout = _layout(request)
        return super(ProjectMilestonesMixin, self).dispatch(request, *args, **kwargs)

    def row_context(self, **kwargs) -> dict:
        m = selectors.decorate([self.milestone])[0]
        m.can_update = not self.project.is_closed and services.can_update_milestone(
            self.request.user, m
        )
        return {
            "m": m,
            "layout": self.layout,
            "next_url": safe_next_url(self.request, _milestones_url(self.project)),
            **kwargs,
        }


class MilestoneRowView(MilestoneRowMixin, TemplateView):
    """GET: the plain row again (the quick update's Cancel)."""

    template_name = "projects/milestones/_row.html"

    def get(self, request, *args, **kwargs):
        if not request.htmx:
            return HttpResponseRedirect(
                reverse("projects:milestone_detail", args=[self.project.code, self.milestone.pk])
            )
        return self.render_to_response(self.row_context())


class MilestoneQuickUpdateView(MilestoneRowMixin, TemplateView):
    """GET: the row's form; POST: save a new forecast, or mark achieved."""

    def check_allowed(self):
        if not services.can_update_milestone(self.request.user, self.milestone):
            raise PermissionDenied

    def get_template_names(self):
        if self.request.htmx:
            return ["projects/milestones/_row_form.html"]
        return ["projects/milestones/quick_update.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.row_context())
        context["breadcrumbs"] = [
            *self.get_breadcrumbs(),
            (
                self.milestone.name,
                reverse("projects:milestone_detail", args=[self.project.code, self.milestone.pk]),
            ),
            (_("Update"), None),
        ]
        return context

    def get(self, request, *args, **kwargs):
        self.check_allowed()
        form = QuickUpdateForm.for_milestone(self.milestone)
        closed_error = None
        if self.project.is_closed:
            closed_error = _closed_message(self.project)
        return self.render_to_response(self.get_context_data(form=form, closed_error=closed_error))

    def post(self, request, *args, **kwargs):
        self.check_allowed()
        achieve = "achieve" in request.POST
        form = QuickUpdateForm(request.POST, achieve=achieve)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        expected = form.cleaned_data["version"] or self.milestone.version
        try:
            if achieve:
                services.milestone_mark_achieved(
                    milestone=self.milestone,
                    actual=form.cleaned_data["actual_date"],
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                    expected_version=expected,
                )
            else:
                services.milestone_update_forecast(
                    milestone=self.milestone,
                    forecast=form.cleaned_data["forecast_date"],
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                    expected_version=expected,
                )
        except StaleObjectError as error:
            keep_input_for_resubmit(form, error)
            self.milestone = selectors.get_milestone(self.project, self.milestone.pk)
            context = self.get_context_data(form=form, stale_error=error)
            return self.render_to_response(context, status=409)
        except ValidationError as error:
            self.milestone = selectors.get_milestone(self.project, self.milestone.pk)
            apply_form_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        self.milestone = selectors.get_milestone(self.project, self.milestone.pk)
        if achieve:
            message = _("“%(name)s” marked achieved.")
        else:
            message = _("Forecast of “%(name)s” saved.")
        if not request.htmx:
            messages.success(request, message % {"name": self.milestone.name})
            return HttpResponseRedirect(safe_next_url(request, _milestones_url(self.project)))
        return self.response_class(
            request=request,
            template=["projects/milestones/_row.html"],
            context=self.row_context(saved=True),
            using=self.template_engine,
        )


def _closed_message(project) -> str:
    try:
        services.ensure_open_for_planning(project)
    except ValidationError as error:
        return error.messages[0]
    return ""


class MyMilestonesView(BreadcrumbsMixin, ListView):
    """Open milestones the user owns or whose project they manage, by forecast date."""

    template_name = "projects/milestones/mine.html"
    context_object_name = "milestones"
    paginate_by = settings.PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.today = timezone.localdate()
        self.filter_form = MyMilestonesFilterForm(
            request.GET or None, projects=selectors.my_milestone_projects(request.user)
        )
        self.filter_valid = self.filter_form.is_valid() if self.filter_form.is_bound else True
        response = super().get(request, *args, **kwargs)
        if not self.filter_valid:
            response.status_code = 400
        return response

    def get_queryset(self):
        qs = selectors.my_open_milestones(self.request.user, self.today)
        if self.filter_valid and self.filter_form.is_bound:
            project = self.filter_form.cleaned_data.get("project")
            status = self.filter_form.cleaned_data.get("status")
            if project:
                qs = qs.filter(project=project)
            if status:
                qs = qs.filter(derived_status=status)
        elif not self.filter_valid:
            qs = qs.none()
        return qs

    def get_breadcrumbs(self):
        return [(_("My milestones"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.decorate(list(context["milestones"]), self.today)
        user = self.request.user
        changeable = selectors.changeable_project_ids(user, {m.project_id for m in rows})
        for m in rows:
            m.can_update = services.can_update_milestone(
                user, m, can_change=m.project_id in changeable
            )
        context.update(
            milestones=rows,
            filter_form=self.filter_form,
            is_filtered=any(v for k, v in self.request.GET.items() if k != "page"),
            layout="mine",
            next_url=self.request.get_full_path(),
            today=self.today,
        )
        return context

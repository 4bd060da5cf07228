"""Schedule pages: the WBS, tasks and their dependencies, baselines, working calendars."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from pmo.core import policy
from pmo.core.history import history_for
from pmo.core.locking import StaleObjectError
from pmo.core.mixins import (
    BreadcrumbsMixin,
    ServiceFormMixin,
    apply_form_errors,
)
from projects.baselines import compare_snapshots
from projects.forms.schedule import (
    CURRENT,
    BaselineForm,
    CompareForm,
    DependencyForm,
    HolidayForm,
    ProgressForm,
    TaskForm,
    WorkCalendarForm,
)
from projects.models import Dependency, Holiday, Project, Task, WorkCalendar
from projects.selectors import schedule as selectors
from projects.services import baselines as baseline_services
from projects.services import schedule as services

ROWS_PER_PAGE = 100
FILTERS = ("critical", "mine")


def _project(request, code: str, action: str = policy.VIEW) -> Project:
    return policy.get_project_for_user(
        request.user,
        code,
        action,
        queryset=Project.objects.select_related("project_manager", "portfolio", "program"),
    )


def _task_or_404(project, pk: int):
    task = selectors.task_for_project(project, pk)
    if task is None:
        raise Http404("No such task")
    return task


def _trail(project, *rest):
    return [
        (_("Projects"), reverse("projects:project_list")),
        (project.code, project.get_absolute_url()),
        *rest,
    ]


def _schedule_url(project) -> str:
    return reverse("projects:schedule", args=[project.code])


def _task_url(task) -> str:
    return reverse("projects:task_detail", args=[task.project.code, task.pk])


# --- the WBS ------------------------------------------------------------------------------
class ScheduleContextMixin:
    """The WBS table of one page, shared by the page and its htmx progress updates."""

    def schedule_context(self, project, *, page_number=None, show="", row_errors=None):
        user = self.request.user
        overview = selectors.schedule_overview(project)
        can_edit = policy.can_change_project(user, project)
        rows = overview.rows
        if show == "critical":
            rows = [r for r in rows if r.task.is_critical]
        elif show == "mine":
            rows = [r for r in rows if r.task.assignee_id == user.pk]
        page = Paginator(rows, ROWS_PER_PAGE).get_page(page_number)
        open_for_planning = not project.is_closed
        row_errors = row_errors or {}
        for row in page.object_list:
            row.error = row_errors.get(row.task.pk)
            row.can_progress = (
                open_for_planning
                and not row.is_phase
                and (can_edit or (user.pk is not None and row.task.assignee_id == user.pk))
            )
        return {
            "project": project,
            "project_area": "schedule",
            "overview": overview,
            "page_obj": page,
            "rows": page.object_list,
            "show": show,
            "can_edit": can_edit and open_for_planning,
        }


class ScheduleView(BreadcrumbsMixin, ScheduleContextMixin, TemplateView):
    template_name = "projects/schedule/schedule.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = _project(request, kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return _trail(self.project, (_("Schedule"), None))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show = self.request.GET.get("show", "")
        context.update(
            self.schedule_context(
                self.project,
                page_number=self.request.GET.get("page"),
                show=show if show in FILTERS else "",
            )
        )
        return context


class TaskProgressView(ScheduleContextMixin, TemplateView):
    """POST only: the in-place % complete of one WBS row (htmx), or a plain form post."""

    http_method_names = ["post"]
    template_name = "projects/schedule/_wbs.html"

    def post(self, request, *args, **kwargs):
        project = _project(request, kwargs["code"])
        task = _task_or_404(project, kwargs["pk"])
        if not services.can_update_progress(request.user, task):
            raise PermissionDenied
        form = ProgressForm(request.POST)
        page_number = request.POST.get("page")
        show = request.POST.get("show", "")
        show = show if show in FILTERS else ""
        error, status, general_error = None, 200, None
        if form.is_valid():
            try:
                services.task_progress_update(
                    task=task,
                    by=request.user,
                    percent_complete=form.cleaned_data["percent_complete"],
                    expected_version=form.cleaned_data["version"],
                )
            except StaleObjectError as stale:
                error, status = stale, 409
            except ValidationError as invalid:
                # Not about the value typed (a closed project, a phase): said above the table.
                general_error, status = " ".join(invalid.messages), 400
        else:
            error = " ".join(e for errors in form.errors.values() for e in errors)
            status = 400
        if status == 200 and not request.htmx:
            messages.success(
                request,
                _("%(task)s is %(percent)d%% complete.")
                % {"task": services.task_label(task), "percent": task.percent_complete},
            )
            query = f"?page={page_number}" if page_number and page_number.isdigit() else ""
            return HttpResponseRedirect(f"{_schedule_url(project)}{query}#task-{task.pk}")
        row_errors = {}
        if error is not None:
            row_errors[task.pk] = {
                "message": str(error),
                "value": request.POST.get("percent_complete", ""),
                "stale": status == 409,
            }
        context = self.schedule_context(
            project, page_number=page_number, show=show, row_errors=row_errors
        )
        context["saved_task"] = task.pk if status == 200 else None
        context["wbs_error"] = general_error
        if not request.htmx:
            self.template_name = "projects/schedule/schedule.html"
            context["breadcrumbs"] = _trail(project, (_("Schedule"), None))
        return self.render_to_response(context, status=status)


# --- tasks --------------------------------------------------------------------------------
class TaskDetailView(BreadcrumbsMixin, TemplateView):
    template_name = "projects/schedule/task_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = _project(request, kwargs["code"])
        self.task = _task_or_404(self.project, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return _trail(
            self.project,
            (_("Schedule"), _schedule_url(self.project)),
            (services.task_label(self.task), None),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        predecessors, successors = selectors.task_links(self.task)
        children = selectors.task_children_count(self.task)
        can_edit = policy.can_change_project(self.request.user, self.project) and (
            not self.project.is_closed
        )
        if can_edit and children == 0 and "dependency_form" not in context:
            context["dependency_form"] = DependencyForm(task=self.task)
        context.update(
            project=self.project,
            project_area="schedule",
            task=self.task,
            is_phase=children > 0,
            children=children,
            predecessors=predecessors,
            successors=successors,
            can_edit=can_edit,
            history=history_for(self.task),
            dependency_types=dict(DependencyForm.base_fields["type"].choices),
        )
        return context


class TaskFormView(BreadcrumbsMixin, ServiceFormMixin, FormView):
    """Add a task (``pk`` absent) or edit one."""

    form_class = TaskForm
    template_name = "projects/schedule/task_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = _project(request, kwargs["code"], policy.CHANGE)
        self.task = _task_or_404(self.project, kwargs["pk"]) if "pk" in kwargs else None
        self.is_phase = bool(self.task and selectors.task_children_count(self.task))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        if self.task is None:
            parent = self.request.GET.get("parent", "")
            if parent.isdigit():
                found = selectors.task_for_project(self.project, int(parent))
                if found is not None:
                    initial["parent"] = found.pk
            initial["duration_days"] = 5
        return initial

    def get_form_kwargs(self):
        instance = self.task or Task(project=self.project)
        return {
            **super().get_form_kwargs(),
            "instance": instance,
            "project": self.project,
            "is_phase": self.is_phase,
        }

    def get_breadcrumbs(self):
        rest = [(_("Schedule"), _schedule_url(self.project))]
        if self.task is not None:
            rest += [(services.task_label(self.task), _task_url(self.task)), (_("Edit"), None)]
        else:
            rest.append((_("New task"), None))
        return _trail(self.project, *rest)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            project=self.project,
            project_area="schedule",
            task=self.task,
            is_phase=self.is_phase,
            **kwargs,
        )

    def save(self, form):
        if self.task is None:
            return services.task_create(
                project=self.project, by=self.request.user, data=form.model_data()
            )
        return services.task_update(
            task=form.instance,
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, task):
        return _("Task “%(task)s” saved.") % {"task": task}

    def success_url_for(self, task):
        return _task_url(task)


class TaskDeleteView(TaskDetailView):
    """POST only: delete a task; a refusal re-renders the task page with the reason (400)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not policy.can_change_project(request.user, self.project):
            raise PermissionDenied
        label = services.task_label(self.task)
        try:
            services.task_delete(task=self.task, by=request.user)
        except ValidationError as error:
            context = self.get_context_data(delete_error=" ".join(error.messages))
            return self.render_to_response(context, status=400)
        messages.success(request, _("Task “%(task)s” deleted.") % {"task": label})
        return HttpResponseRedirect(_schedule_url(self.project))


class DependencyAddView(TaskDetailView):
    """POST only: link a predecessor to this task; errors re-render the task page (400)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not policy.can_change_project(request.user, self.project):
            raise PermissionDenied
        form = DependencyForm(request.POST, task=self.task)
        if form.is_valid():
            try:
                services.dependency_add(
                    successor=self.task,
                    predecessor=form.cleaned_data["predecessor"],
                    by=request.user,
                    type=form.cleaned_data["type"],
                    lag_days=form.cleaned_data["lag_days"],
                )
            except ValidationError as error:
                apply_form_errors(form, error)
            else:
                messages.success(request, _("Dependency added."))
                return HttpResponseRedirect(_task_url(self.task))
        context = self.get_context_data(dependency_form=form)
        return self.render_to_response(context, status=400)


class DependencyRemoveView(BreadcrumbsMixin, TemplateView):
    """POST only: remove a link, then go back to the task page it was removed from."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        project = _project(request, kwargs["code"], policy.CHANGE)
        dependency = get_object_or_404(
            Dependency.objects.select_related("predecessor", "successor", "successor__project"),
            pk=kwargs["pk"],
            successor__project=project,
        )
        back = dependency.successor
        if request.POST.get("from") == str(dependency.predecessor_id):
            back = dependency.predecessor
        try:
            services.dependency_remove(dependency=dependency, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Dependency removed."))
        return HttpResponseRedirect(_task_url(back))


# --- baselines ----------------------------------------------------------------------------
class BaselineListView(BreadcrumbsMixin, FormView):
    """The project's baselines, a form to take one, and a form to compare two."""

    form_class = BaselineForm
    template_name = "projects/schedule/baselines.html"

    def dispatch(self, request, *args, **kwargs):
        action = policy.CHANGE if request.method == "POST" else policy.VIEW
        self.project = _project(request, kwargs["code"], action)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return _trail(self.project, (_("Baselines"), None))

    def get_context_data(self, **kwargs):
        baselines = list(selectors.baselines_of(self.project))
        can_edit = policy.can_change_project(self.request.user, self.project) and (
            not self.project.is_closed
        )
        initial = {"old": str(baselines[0].pk) if baselines else CURRENT, "new": CURRENT}
        return super().get_context_data(
            project=self.project,
            project_area="schedule",
            baselines=baselines,
            can_edit=can_edit,
            compare_form=CompareForm(baselines=baselines, initial=initial),
            **kwargs,
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        try:
            baseline = baseline_services.baseline_create(
                project=self.project,
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
                by=self.request.user,
            )
        except ValidationError as error:
            apply_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Baseline “%(name)s” saved; milestone baselines now match their forecasts.")
            % {"name": baseline.name},
        )
        return HttpResponseRedirect(reverse("projects:baselines", args=[self.project.code]))


class BaselineCompareView(BreadcrumbsMixin, TemplateView):
    """Any two of the saved baselines and the current plan, side by side by change."""

    template_name = "projects/schedule/baseline_compare.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = _project(request, kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return _trail(
            self.project,
            (_("Baselines"), reverse("projects:baselines", args=[self.project.code])),
            (_("Compare"), None),
        )

    def get(self, request, *args, **kwargs):
        baselines = list(selectors.baselines_of(self.project))
        by_key = {str(b.pk): b for b in baselines}
        data = request.GET.copy()
        data.setdefault("old", str(baselines[0].pk) if baselines else CURRENT)
        data.setdefault("new", CURRENT)
        form = CompareForm(data, baselines=baselines)
        context = self.get_context_data(
            project=self.project, project_area="schedule", form=form, baselines=baselines
        )
        if not form.is_valid():
            return self.render_to_response(context, status=400)

        def plan(key):
            if key == CURRENT:
                return _("Current plan"), baseline_services.snapshot_plan(self.project)
            return by_key[key].name, by_key[key].snapshot

        old_label, old = plan(form.cleaned_data["old"])
        new_label, new = plan(form.cleaned_data["new"])
        comparison = compare_snapshots(old, new)
        context.update(
            comparison=comparison,
            finish_earlier_by=-(comparison.finish_delta or 0),
            old_label=old_label,
            new_label=new_label,
        )
        return self.render_to_response(context)


# --- working calendars --------------------------------------------------------------------
class CalendarListView(BreadcrumbsMixin, TemplateView):
    """Every calendar with its weekend and holidays; PMO staff change them."""

    template_name = "projects/schedule/calendar_list.html"

    def get_breadcrumbs(self):
        return [(_("Working calendars"), None)]

    def get_context_data(self, **kwargs):
        calendars = WorkCalendar.objects.annotate(
            holiday_count=Count("holidays", distinct=True),
            project_count=Count("projects", distinct=True),
        ).order_by("-is_default", "name")
        page = Paginator(calendars, settings.PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            calendars=page.object_list,
            page_obj=page,
            can_manage=policy.is_pmo_staff(self.request.user),
            weekday_names=dict(WorkCalendarForm.base_fields["weekend_days"].choices),
            **kwargs,
        )


class CalendarFormView(BreadcrumbsMixin, FormView):
    """Create a calendar, or edit one with its holidays (PMO staff)."""

    form_class = WorkCalendarForm
    template_name = "projects/schedule/calendar_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not policy.is_pmo_staff(request.user):
            raise PermissionDenied
        self.object = (
            get_object_or_404(WorkCalendar, pk=kwargs["pk"]) if "pk" in kwargs else WorkCalendar()
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_breadcrumbs(self):
        trail = [(_("Working calendars"), reverse("projects:calendars"))]
        return [*trail, (self.object.name if self.object.pk else _("New calendar"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(calendar=self.object, **kwargs)
        if self.object.pk:
            context["holidays"] = Holiday.objects.filter(calendar=self.object).order_by("date")
            context.setdefault("holiday_form", HolidayForm())
        return context

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in ("name", "weekend_days", "is_default")}
        try:
            calendar = services.calendar_save(calendar=self.object, by=self.request.user, data=data)
        except ValidationError as error:
            apply_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Calendar “%(name)s” saved.") % {"name": calendar.name})
        return HttpResponseRedirect(reverse("projects:calendar_edit", args=[calendar.pk]))


class HolidayAddView(CalendarFormView):
    """POST only: add a holiday; errors re-render the calendar page (400)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = HolidayForm(request.POST)
        if form.is_valid():
            try:
                services.holiday_add(
                    calendar=self.object,
                    by=request.user,
                    day=form.cleaned_data["date"],
                    name=form.cleaned_data["name"],
                )
            except ValidationError as error:
                apply_form_errors(form, error)
            else:
                messages.success(request, _("Holiday added."))
                return HttpResponseRedirect(
                    reverse("projects:calendar_edit", args=[self.object.pk])
                )
        context = self.get_context_data(
            form=self.get_form_class()(instance=self.object), holiday_form=form
        )
        return self.render_to_response(context, status=400)


class HolidayDeleteView(CalendarFormView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        holiday = get_object_or_404(Holiday, pk=kwargs["holiday_pk"], calendar=self.object)
        services.holiday_remove(holiday=holiday, by=request.user)
        messages.success(request, _("Holiday removed."))
        return HttpResponseRedirect(reverse("projects:calendar_edit", args=[self.object.pk]))

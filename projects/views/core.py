"""Thin views: parse, check permission through the policy, call a selector or service."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_filters.views import FilterView

from pmo.core import policy
from pmo.core.history import history_for
from pmo.core.locking import StaleObjectError
from pmo.core.mixins import (
    BadRequestOnInvalidFormMixin,
    BreadcrumbsMixin,
    CsvExportMixin,
    ServiceFormMixin,
    SortableListMixin,
    apply_form_errors,
    keep_input_for_resubmit,
    paginate,
)
from projects import selectors, services
from projects.filters import ProjectFilter
from projects.forms.core import (
    HealthForm,
    MembershipAddForm,
    MembershipForm,
    PortfolioForm,
    ProgramForm,
    ProjectForm,
)
from projects.models import Portfolio, Program, Project, ProjectMembership
from projects.selectors.methodology import documents_for_stage
from projects.selectors.milestones import upcoming_milestones


# --- Portfolios --------------------------------------------------------------------------
class PortfolioListView(BreadcrumbsMixin, ListView):
    template_name = "projects/portfolio_list.html"
    context_object_name = "portfolios"
    paginate_by = settings.PAGE_SIZE

    def get_queryset(self):
        qs = selectors.portfolio_overview(self.request.user)
        if self.request.GET.get("archived") != "1":
            qs = qs.filter(is_archived=False)
        return qs.order_by("name")

    def get_breadcrumbs(self):
        return [(_("Portfolios"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = policy.can_manage_portfolios(self.request.user)
        return context


class PortfolioDetailView(BreadcrumbsMixin, DetailView):
    template_name = "projects/portfolio_detail.html"
    context_object_name = "portfolio"

    def get_object(self, queryset=None):
        return policy.get_portfolio_for_user(self.request.user, self.kwargs["code"])

    def get_breadcrumbs(self):
        return [(_("Portfolios"), reverse("projects:portfolio_list")), (self.object.name, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        projects = (
            selectors.projects_visible_to(user)
            .filter(portfolio=self.object)
            .order_by("priority", "code")
        )
        health = projects.active().aggregate(
            green=Count("pk", filter=Q(health="green")),
            amber=Count("pk", filter=Q(health="amber")),
            red=Count("pk", filter=Q(health="red")),
        )
        page = paginate(self.request, projects)
        context.update(
            programs=selectors.programs_of(self.object, user),
            page_obj=page,
            projects=page.object_list,
            health=health,
            can_manage=policy.can_manage_portfolios(user),
            history=history_for(self.object, limit=20),
        )
        return context


class PortfolioFormView(BreadcrumbsMixin, ServiceFormMixin, FormView):
    form_class = PortfolioForm
    template_name = "projects/portfolio_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not policy.can_manage_portfolios(request.user):
            raise PermissionDenied
        self.object = (
            policy.get_portfolio_for_user(request.user, kwargs["code"], policy.CHANGE)
            if "code" in kwargs
            else Portfolio(owner=request.user)
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_breadcrumbs(self):
        trail = [(_("Portfolios"), reverse("projects:portfolio_list"))]
        if self.object.pk:
            trail.append((self.object.name, self.object.get_absolute_url()))
            return [*trail, (_("Edit"), None)]
        return [*trail, (_("New portfolio"), None)]

    def save(self, form):
        return services.portfolio_save(
            portfolio=form.instance,
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, portfolio):
        return _("Portfolio “%(name)s” saved.") % {"name": portfolio.name}

    def success_url_for(self, portfolio):
        return portfolio.get_absolute_url()


# --- Programs ----------------------------------------------------------------------------
class ProgramDetailView(BreadcrumbsMixin, DetailView):
    template_name = "projects/program_detail.html"
    context_object_name = "program"

    def get_object(self, queryset=None):
        return policy.get_program_for_user(self.request.user, self.kwargs["code"])

    def get_breadcrumbs(self):
        portfolio = self.object.portfolio
        return [
            (_("Portfolios"), reverse("projects:portfolio_list")),
            (portfolio.name, portfolio.get_absolute_url()),
            (self.object.name, None),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        projects = selectors.program_projects(self.object, self.request.user).order_by("code")
        page = paginate(self.request, projects)
        context.update(
            page_obj=page,
            projects=page.object_list,
            can_manage=policy.can_manage_portfolios(self.request.user),
            history=history_for(self.object, limit=20),
        )
        return context


class ProgramFormView(BreadcrumbsMixin, ServiceFormMixin, FormView):
    form_class = ProgramForm
    template_name = "projects/program_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not policy.can_manage_portfolios(request.user):
            raise PermissionDenied
        if "code" in kwargs:
            self.object = policy.get_program_for_user(request.user, kwargs["code"], policy.CHANGE)
        else:
            portfolio = Portfolio.objects.filter(code=request.GET.get("portfolio")).first()
            self.object = Program(manager=request.user, portfolio=portfolio)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_breadcrumbs(self):
        trail = [(_("Portfolios"), reverse("projects:portfolio_list"))]
        if self.object.pk:
            trail += [
                (self.object.portfolio.name, self.object.portfolio.get_absolute_url()),
                (self.object.name, self.object.get_absolute_url()),
                (_("Edit"), None),
            ]
            return trail
        return [*trail, (_("New program"), None)]

    def save(self, form):
        return services.program_save(
            program=form.instance,
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, program):
        return _("Program “%(name)s” saved.") % {"name": program.name}

    def success_url_for(self, program):
        return program.get_absolute_url()


# --- Projects ----------------------------------------------------------------------------
class ProjectListView(BreadcrumbsMixin, SortableListMixin, CsvExportMixin, FilterView):
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    context_object_name = "projects"
    paginate_by = settings.PAGE_SIZE
    default_sort = "code"
    sort_fields = {
        "code": ("code",),
        "name": ("name",),
        "portfolio": ("portfolio__name",),
        "manager": ("project_manager__last_name", "project_manager__first_name"),
        "stage": ("stage",),
        "status": ("status",),
        "health": ("health",),
        "priority": ("priority",),
        "start": ("planned_start",),
        "finish": ("planned_finish",),
    }
    csv_filename = "projects.csv"
    csv_columns = [
        (gettext_lazy("Code"), lambda p: p.code),
        (gettext_lazy("Name"), lambda p: p.name),
        (gettext_lazy("Portfolio"), lambda p: p.portfolio.name),
        (gettext_lazy("Program"), lambda p: p.program.name if p.program else ""),
        (gettext_lazy("Department"), lambda p: p.department.name if p.department else ""),
        (gettext_lazy("Project manager"), lambda p: p.project_manager),
        (gettext_lazy("Sponsor"), lambda p: p.sponsor or ""),
        (gettext_lazy("Stage"), lambda p: p.get_stage_display()),
        (gettext_lazy("Status"), lambda p: p.get_status_display()),
        (gettext_lazy("Health"), lambda p: p.get_health_display()),
        (gettext_lazy("Health reason"), lambda p: p.health_reason),
        (gettext_lazy("Priority"), lambda p: p.get_priority_display()),
        (gettext_lazy("Planned start"), lambda p: p.planned_start.isoformat()),
        (gettext_lazy("Planned finish"), lambda p: p.planned_finish.isoformat()),
    ]
    mine = False
    page_title = gettext_lazy("Projects")

    def get_queryset(self):
        qs = selectors.projects_visible_to(self.request.user)
        if self.mine:
            qs = qs.involving(self.request.user)
        return self.apply_sort(qs)

    def get_csv_queryset(self):
        return self.object_list

    def get_breadcrumbs(self):
        return [(self.page_title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        context.update(
            page_title=self.page_title,
            filter_query=query.urlencode(),
            can_create=policy.can_create_project(self.request.user),
            is_filtered=any(v for k, v in self.request.GET.items() if k not in ("page", "sort")),
        )
        return context


class MyProjectsView(ProjectListView):
    mine = True
    page_title = gettext_lazy("My projects")


class MyWorkView(BreadcrumbsMixin, TemplateView):
    """A team member's start page: the projects they belong to and their role on each."""

    template_name = "projects/my_work.html"

    def get_breadcrumbs(self):
        return [(_("My work"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        memberships = (
            ProjectMembership.objects.filter(user=user)
            .select_related("project", "project__project_manager", "project__portfolio")
            .order_by("project__code")
        )
        page = paginate(self.request, memberships)
        context.update(
            page_obj=page,
            memberships=page.object_list,
            managed=selectors.projects_visible_to(user)
            .filter(project_manager=user)
            .active()
            .order_by("planned_finish")[:10],
        )
        return context


class ProjectDetailView(BreadcrumbsMixin, DetailView):
    template_name = "projects/project_detail.html"
    context_object_name = "project"

    def get_object(self, queryset=None):
        return selectors.project_detail(self.request.user, self.kwargs["code"])

    def get_breadcrumbs(self):
        p = self.object
        trail = [(_("Portfolios"), reverse("projects:portfolio_list"))]
        trail.append((p.portfolio.name, p.portfolio.get_absolute_url()))
        if p.program:
            trail.append((p.program.name, p.program.get_absolute_url()))
        return [*trail, (p.code, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            project_area="overview",
            can_edit=policy.can_change_project(self.request.user, self.object),
            history=history_for(self.object),
            memberships=self.object.memberships.all(),
            upcoming_milestones=upcoming_milestones(self.object, limit=5, user=self.request.user),
            stage_documents=documents_for_stage(self.object.stage),
        )
        return context


class ProjectCreateView(BreadcrumbsMixin, ServiceFormMixin, FormView):
    form_class = ProjectForm
    template_name = "projects/project_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not policy.can_create_project(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = {"project_manager": self.request.user}
        portfolio = Portfolio.objects.filter(code=self.request.GET.get("portfolio")).first()
        if portfolio:
            initial["portfolio"] = portfolio
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Project()}

    def get_breadcrumbs(self):
        return [(_("Projects"), reverse("projects:project_list")), (_("New project"), None)]

    def save(self, form):
        return services.project_create(by=self.request.user, data=form.model_data())

    def success_message(self, project):
        return _("Project %(code)s created.") % {"code": project.code}

    def success_url_for(self, project):
        return project.get_absolute_url()


class ProjectUpdateView(BreadcrumbsMixin, ServiceFormMixin, FormView):
    form_class = ProjectForm
    template_name = "projects/project_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = policy.get_project_for_user(request.user, kwargs["code"], policy.CHANGE)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_breadcrumbs(self):
        return [
            (_("Projects"), reverse("projects:project_list")),
            (self.object.code, self.object.get_absolute_url()),
            (_("Edit"), None),
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.object, **kwargs)

    def save(self, form):
        return services.project_update(
            project=self.object,
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, project):
        return _("Project %(code)s saved.") % {"code": project.code}

    def success_url_for(self, project):
        return project.get_absolute_url()


class ProjectTeamView(BreadcrumbsMixin, BadRequestOnInvalidFormMixin, FormView):
    """The team tab's editing page: add people, change roles, remove them."""

    form_class = MembershipAddForm
    template_name = "projects/project_team.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = selectors.project_detail(request.user, kwargs["code"], policy.CHANGE)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def get_breadcrumbs(self):
        return [
            (_("Projects"), reverse("projects:project_list")),
            (self.project.code, self.project.get_absolute_url()),
            (_("Team"), None),
        ]

    def get_context_data(self, **kwargs):
        memberships = list(self.project.memberships.all())
        rows = [
            (m, MembershipForm(instance=m, initial={"version": m.version}, prefix=f"m{m.pk}"))
            for m in memberships
        ]
        return super().get_context_data(project=self.project, rows=rows, **kwargs)

    def form_valid(self, form):
        try:
            membership = services.membership_add(
                project=self.project,
                by=self.request.user,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                can_edit=form.cleaned_data["can_edit"],
            )
        except ValidationError as error:
            apply_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("%(person)s joined the team.") % {"person": membership.user}
        )
        return HttpResponseRedirect(reverse("projects:project_team", args=[self.project.code]))


class MembershipChangeView(ProjectTeamView):
    """POST only: update one member's role and edit right, or remove them."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        membership = get_object_or_404(
            ProjectMembership.objects.select_related("user", "project"),
            pk=kwargs["pk"],
            project=self.project,
        )
        if "remove" in request.POST:
            services.membership_remove(membership=membership, by=request.user)
            messages.success(request, _("%(person)s left the team.") % {"person": membership.user})
            return HttpResponseRedirect(reverse("projects:project_team", args=[self.project.code]))
        form = MembershipForm(request.POST, instance=membership, prefix=f"m{membership.pk}")
        if not form.is_valid():
            messages.error(request, _("The change was not saved: choose a valid role."))
            return self.render_to_response(self.get_context_data(form=self.get_form()), status=400)
        try:
            services.membership_update(
                membership=membership,
                by=request.user,
                role=form.cleaned_data["role"],
                can_edit=form.cleaned_data["can_edit"],
                expected_version=form.cleaned_data.get("version") or membership.version,
            )
        except StaleObjectError:
            messages.warning(
                request,
                _("Someone changed %(person)s's membership meanwhile; review it and save again.")
                % {"person": membership.user},
            )
            return self.render_to_response(self.get_context_data(form=self.get_form()), status=409)
        messages.success(request, _("%(person)s's role was saved.") % {"person": membership.user})
        return HttpResponseRedirect(reverse("projects:project_team", args=[self.project.code]))


class ProjectHealthView(TemplateView):
    """Quick health update in place (htmx); without JavaScript it is a small page."""

    template_name = "projects/_health_card.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = policy.get_project_for_user(request.user, kwargs["code"], policy.CHANGE)
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        if self.request.htmx:
            return [self.template_name]
        return ["projects/project_health.html"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, can_edit=True, **kwargs)

    def get(self, request, *args, **kwargs):
        form = HealthForm(
            initial={
                "health": self.project.health,
                "health_reason": self.project.health_reason,
                "version": self.project.version,
            }
        )
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = HealthForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            services.project_update(
                project=self.project,
                by=request.user,
                data={k: form.cleaned_data[k] for k in ("health", "health_reason")},
                expected_version=form.cleaned_data["version"] or self.project.version,
            )
        except StaleObjectError as error:
            keep_input_for_resubmit(form, error)
            self.project = error.current
            context = self.get_context_data(form=form, stale_error=error)
            return self.render_to_response(context, status=409)
        except ValidationError as error:
            self.project.refresh_from_db()
            apply_form_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if not request.htmx:
            messages.success(request, _("Health of %(code)s saved.") % {"code": self.project.code})
            return HttpResponseRedirect(self.project.get_absolute_url())
        return self.render_to_response(self.get_context_data(saved=True))

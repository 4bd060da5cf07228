"""The chart pages: a project's Gantt chart and a portfolio's milestone timeline (read-only)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from pmo.core import policy
from pmo.core.mixins import BreadcrumbsMixin
from projects.charts.gantt import gantt_figure
from projects.charts.timeline import project_rows, timeline_figure
from projects.forms.gantt import GanttBaselineForm, TimelineWindowForm
from projects.models import Project
from projects.selectors import gantt as selectors
from projects.selectors.milestones import STATUS_CLASSES


class GanttView(BreadcrumbsMixin, TemplateView):
    """Everyone who can see the project reads its Gantt chart; ``?baseline=`` picks the
    baseline to compare (the latest by default). An unknown baseline is a 400 with the
    message next to the chooser, and the chart compared with the latest one."""

    template_name = "projects/gantt/gantt.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = policy.get_project_for_user(
            request.user,
            kwargs["code"],
            policy.VIEW,
            queryset=Project.objects.with_list_relations(),
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        baselines = selectors.project_baselines(self.project)
        form = GanttBaselineForm(request.GET, baselines=baselines)
        chosen = None
        valid = form.is_valid()
        if valid and form.cleaned_data["baseline"] is not None:
            chosen = selectors.baseline_with_snapshot(self.project, form.cleaned_data["baseline"])
        today = timezone.localdate()
        plan = selectors.gantt_plan(self.project, today=today, baseline=chosen, baselines=baselines)
        figure = None
        if plan.items:
            figure = gantt_figure(
                plan.items,
                today=today,
                baseline_name=plan.baseline.name if plan.baseline else None,
            )
        context = self.get_context_data(
            project=self.project,
            project_area="schedule",
            plan=plan,
            figure=figure,
            form=form,
            chosen_id=chosen.pk if chosen else None,
            today=today,
        )
        return self.render_to_response(context, status=200 if valid else 400)

    def get_breadcrumbs(self):
        project = self.project
        return [
            (_("Portfolios"), reverse("projects:portfolio_list")),
            (project.portfolio.name, project.portfolio.get_absolute_url()),
            (project.code, project.get_absolute_url()),
            (_("Gantt chart"), None),
        ]


class PortfolioTimelineView(BreadcrumbsMixin, TemplateView):
    """Milestones of the portfolio's projects the user can see, one row per project;
    ``?from=&to=`` narrows the dates (a bad date or an inverted window is a 400)."""

    template_name = "projects/gantt/timeline.html"

    def dispatch(self, request, *args, **kwargs):
        self.portfolio = policy.get_portfolio_for_user(request.user, kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = TimelineWindowForm(request.GET)
        today = timezone.localdate()
        milestones, figure = [], None
        valid = form.is_valid()
        if valid:
            milestones = selectors.portfolio_timeline(
                self.portfolio,
                request.user,
                today=today,
                date_from=form.cleaned_data["from"],
                date_to=form.cleaned_data["to"],
            )
            if milestones:
                figure = timeline_figure(milestones, today=today)
        context = self.get_context_data(
            portfolio=self.portfolio,
            form=form,
            milestones=milestones,
            rows=[(m, STATUS_CLASSES.get(m.status, "")) for m in milestones],
            project_count=len(project_rows(milestones)),
            figure=figure,
            today=today,
            is_filtered=bool(request.GET.get("from") or request.GET.get("to")),
        )
        return self.render_to_response(context, status=200 if valid else 400)

    def get_breadcrumbs(self):
        return [
            (_("Portfolios"), reverse("projects:portfolio_list")),
            (self.portfolio.name, self.portfolio.get_absolute_url()),
            (_("Milestone timeline"), None),
        ]

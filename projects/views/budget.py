"""The budget area of a project: totals, lines, monthly amounts, burn chart, CSV export."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from pmo.core import policy
from pmo.core.history import history_for
from pmo.core.locking import StaleObjectError
from pmo.core.mixins import (
    BreadcrumbsMixin,
    CsvExportMixin,
    OptimisticLockFormMixin,
    ServiceFormMixin,
    apply_form_errors,
)
from projects.charts.budget import burn_figure
from projects.forms.budget import (
    BudgetLineForm,
    LineRemoveForm,
    LineVersionForm,
    MoneyField,
    month_amounts_formset,
)
from projects.models import BudgetLine, Project
from projects.selectors import budget as selectors
from projects.services import budget as services

GRIDS = {
    "planned": gettext_lazy("Planned"),
    "committed": gettext_lazy("Committed"),
    "actual": gettext_lazy("Actual"),
}


class BudgetAreaMixin(BreadcrumbsMixin):
    """Fetches the project through the policy (404 if invisible, 403 if not allowed)."""

    action = policy.VIEW

    def dispatch(self, request, *args, **kwargs):
        self.load_objects()
        return super().dispatch(request, *args, **kwargs)

    def load_objects(self):
        user = self.request.user
        self.project = policy.get_project_for_user(
            user,
            self.kwargs["code"],
            self.action,
            queryset=Project.objects.select_related("project_manager", "portfolio"),
        )
        self.can_edit = policy.can_change_project(user, self.project) and not self.project.is_closed

    def budget_url(self) -> str:
        return reverse("projects:budget", args=[self.project.code])

    def get_breadcrumbs(self):
        return [
            (_("Projects"), reverse("projects:project_list")),
            (self.project.code, self.project.get_absolute_url()),
            (_("Budget"), self.budget_url()),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(project=self.project, project_area="budget", can_edit=self.can_edit)
        return context


class BudgetLineMixin(BudgetAreaMixin):
    """Also fetches the line, only within the project and after the permission check."""

    def load_objects(self):
        super().load_objects()
        self.line = selectors.budget_line_of_project(self.project, self.kwargs["pk"])

    def line_url(self) -> str:
        return reverse("projects:budget_line", args=[self.project.code, self.line.pk])

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (self.line.description, self.line_url())]

    def get_context_data(self, **kwargs):
        return super().get_context_data(line=self.line, **kwargs)


# --- The budget page ---------------------------------------------------------------------
class BudgetView(BudgetAreaMixin, CsvExportMixin, TemplateView):
    template_name = "projects/budget/budget.html"
    csv_columns = [
        (gettext_lazy("Project"), lambda e: e.line.project.code),
        (gettext_lazy("Line"), lambda e: e.line_id),
        (gettext_lazy("Category"), lambda e: e.line.get_category_display()),
        (gettext_lazy("Description"), lambda e: e.line.description),
        (gettext_lazy("Currency"), lambda e: e.line.currency),
        (gettext_lazy("Month"), lambda e: f"{e.month:%Y-%m}"),
        (gettext_lazy("Planned"), lambda e: e.planned),
        (gettext_lazy("Committed"), lambda e: e.committed),
        (gettext_lazy("Actual"), lambda e: e.actual),
    ]

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            self.csv_filename = f"{self.project.code}-budget.csv"
            return self.csv_response(self.get_csv_queryset())
        return super().get(request, *args, **kwargs)

    def get_csv_queryset(self):
        return selectors.budget_entries_for_export(self.project).select_related("line__project")

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs()[:-1], (_("Budget"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        budget = selectors.project_budget(self.project, today=timezone.localdate())
        grid = self.request.GET.get("grid")
        grid = grid if grid in GRIDS else "planned"
        grid_rows = [
            (
                item,
                [getattr(item.months.get(m), grid, None) for m in budget.months],
                getattr(item.totals, grid),
            )
            for item in budget.lines
        ]
        charts = [
            {
                "currency": c,
                "figure": burn_figure(c.burn, currency=c.currency, as_of=budget.as_of),
                "chart_id": f"budget-burn-{c.currency.lower()}",
            }
            for c in budget.currencies
        ]
        context.update(
            budget=budget,
            charts=charts,
            grid=grid,
            grids=list(GRIDS.items()),
            grid_label=GRIDS[grid],
            grid_rows=grid_rows,
            grid_footers=[
                (c.currency, [getattr(p, grid) for p in c.burn], getattr(c.totals, grid))
                for c in budget.currencies
            ],
        )
        return context


# --- Lines -------------------------------------------------------------------------------
class BudgetLineDetailView(BudgetLineMixin, TemplateView):
    template_name = "projects/budget/line_detail.html"

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs()[:-1], (self.line.description, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        detail = selectors.line_detail(self.line, today=timezone.localdate())
        context.update(
            detail=detail,
            history=history_for(self.line, limit=20),
            entry_history=selectors.line_entry_history(self.line),
        )
        return context


class BudgetLineCreateView(BudgetAreaMixin, ServiceFormMixin, FormView):
    template_name = "projects/budget/line_form.html"
    form_class = BudgetLineForm
    action = policy.CHANGE

    def get_form_kwargs(self):
        line = BudgetLine(project=self.project, currency=self.project.currency)
        return {**super().get_form_kwargs(), "instance": line}

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (_("New line"), None)]

    def save(self, form):
        return services.budget_line_create(
            project=self.project, by=self.request.user, data=form.model_data()
        )

    def success_message(self, line):
        return _("Budget line “%(line)s” added. Now enter its amounts month by month.") % {
            "line": line.description
        }

    def success_url_for(self, line):
        return reverse("projects:budget_line_amounts", args=[self.project.code, line.pk])


class BudgetLineUpdateView(BudgetLineMixin, OptimisticLockFormMixin, FormView):
    template_name = "projects/budget/line_form.html"
    form_class = BudgetLineForm
    action = policy.CHANGE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.line}

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (_("Edit"), None)]

    def form_valid(self, form):
        try:
            line = services.budget_line_update(
                line=self.line,
                by=self.request.user,
                data=form.model_data(),
                expected_version=form.expected_version,
            )
        except StaleObjectError as error:
            self.line = error.current
            return self.handle_stale(form, error)
        except ValidationError as error:
            apply_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Budget line “%(line)s” saved.") % {"line": line.description}
        )
        return HttpResponseRedirect(self.line_url())


class BudgetLineAmountsView(BudgetLineMixin, TemplateView):
    """A line's planned, committed and actual amounts for every month, in one form."""

    template_name = "projects/budget/line_amounts.html"
    action = policy.CHANGE

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (_("Monthly amounts"), None)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(amount_labels=list(GRIDS.values()), **kwargs)

    def _months(self, amounts):
        return selectors.project_months(self.project, amounts)

    def get(self, request, *args, **kwargs):
        amounts = selectors.line_months(self.line)
        months = self._months(amounts)
        initial = []
        for month in months:
            values = amounts.get(month)
            initial.append(
                {
                    name: (getattr(values, name) if values and getattr(values, name) else "")
                    for name in ("planned", "committed", "actual")
                }
            )
        formset = month_amounts_formset(months=months, initial=initial)
        version_form = LineVersionForm(initial={"version": self.line.version})
        return self.render_to_response(
            self.get_context_data(formset=formset, version_form=version_form)
        )

    def post(self, request, *args, **kwargs):
        months = self._months(selectors.line_months(self.line))
        formset = month_amounts_formset(months=months, data=request.POST)
        version_form = LineVersionForm(request.POST)
        if not (formset.is_valid() and version_form.is_valid()):
            return self._render(formset, version_form, status=400)
        expected = version_form.cleaned_data["version"] or self.line.version
        try:
            services.budget_entries_save(
                line=self.line,
                by=request.user,
                amounts=formset.amounts(),
                expected_version=expected,
            )
        except StaleObjectError as error:
            return self._stale(formset, months, error)
        except ValidationError as error:
            return self._render(formset, version_form, status=400, service_error=error)
        messages.success(
            request,
            _("Monthly amounts of “%(line)s” saved.") % {"line": self.line.description},
        )
        return HttpResponseRedirect(self.line_url())

    def _render(self, formset, version_form, *, status=200, **extra):
        context = self.get_context_data(formset=formset, version_form=version_form, **extra)
        return self.render_to_response(context, status=status)

    def _stale(self, formset, months, error: StaleObjectError):
        """409: cells the user left alone take the other person's values; theirs stay."""
        data = formset.data.copy()
        index = {f"{m:%Y-%m}": i for i, m in enumerate(months)}
        parse = MoneyField()
        for change in error.changes:
            month, _sep, name = change.field.partition(":")
            if month not in index:
                continue
            key = f"{formset.prefix}-{index[month]}-{name}"
            try:
                typed = parse.clean(data.get(key, ""))
            except ValidationError:
                continue
            if typed == change.old_value:
                data[key] = "" if change.new_value == Decimal(0) else str(change.new_value)
        data["version"] = str(error.current.version)
        self.line = error.current
        formset = month_amounts_formset(months=months, data=data)
        formset.is_valid()
        version_form = LineVersionForm(data)
        version_form.is_valid()
        return self._render(formset, version_form, status=409, stale_error=error)


class BudgetLineDeleteView(BudgetLineDetailView):
    """POST only: remove a line that never held committed or actual money.

    A refusal re-renders the line's page with the reason: 400, or 409 when someone
    changed the line after it was opened.
    """

    http_method_names = ["post"]
    action = policy.CHANGE

    def post(self, request, *args, **kwargs):
        form = LineRemoveForm(request.POST)
        form.is_valid()
        expected = form.cleaned_data.get("version") or self.line.version
        try:
            services.budget_line_delete(line=self.line, by=request.user, expected_version=expected)
        except StaleObjectError as error:
            self.line = error.current
            messages.warning(
                request,
                _("Someone changed this line after you opened it; nothing was removed."),
            )
            context = self.get_context_data(stale_error=error)
            return self.render_to_response(context, status=409)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return self.render_to_response(self.get_context_data(), status=400)
        messages.success(
            request, _("Budget line “%(line)s” removed.") % {"line": self.line.description}
        )
        return HttpResponseRedirect(self.budget_url())

"""Schedule risk analysis of a project (Monte Carlo over its plan) and the three-point
estimates of its tasks.

The analysis is read-only and open to everyone who sees the project; the estimates are plan
data, edited by the project's plan editors (the register's managers, ``access.MANAGE``).
"""

from __future__ import annotations

from contextlib import suppress

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from risks import access
from risks.charts.schedule_risk import finish_histogram_figure, finish_markers, s_curve_figure
from risks.forms.schedule_risk import (
    FillRatiosForm,
    ScheduleRiskForm,
    WholeNumberField,
    estimates_formset,
)
from risks.selectors import schedule_risk as selectors
from risks.services.estimates import (
    ESTIMATE_FIELDS,
    EstimateRow,
    StaleEstimatesError,
    task_estimates_save,
)
from risks.views.base import RegisterMixin

ROWS_PER_PAGE = 100  # rows of the estimates form: 4 fields each, well under Django's 1,000


class ScheduleRiskMixin(RegisterMixin):
    """A project's schedule risk page, inside the project's risk register tabs."""

    register_area = "schedule_risk"
    page_title = ""

    @property
    def project(self):
        return self.register.obj

    def analysis_url(self) -> str:
        return reverse("risks:project_schedule_risk", kwargs={"code": self.project.code})

    def estimates_url(self) -> str:
        return reverse("risks:project_estimates", kwargs={"code": self.project.code})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A project register's managers are exactly its plan editors (risks.access), who keep
        # the estimates: no second permission query.
        context["can_edit_estimates"] = (
            context["can_manage_register"] and not self.project.is_closed
        )
        return context

    def get_breadcrumbs(self):
        project = self.project
        trail = [
            (_("Projects"), reverse("projects:project_list")),
            (project.code, project.get_absolute_url()),
        ]
        # The register page is another area's: linked once it exists.
        with suppress(NoReverseMatch):
            trail.append((_("Risks"), self.register.url("register")))
        return trail


class ScheduleRiskView(ScheduleRiskMixin, TemplateView):
    """GET form (iterations, seed, distribution) and the simulation's results."""

    template_name = "risks/schedule_risk/analysis.html"

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (_("Schedule risk"), None)]

    def get(self, request, *args, **kwargs):
        network = selectors.risk_network(self.project)
        form = ScheduleRiskForm(request.GET, task_count=len(network.tasks))
        valid = form.is_valid()
        analysis = None
        if valid:
            analysis = selectors.analyse(
                network,
                iterations=form.cleaned_data["iterations"],
                seed=form.cleaned_data["seed"],
                distribution=form.cleaned_data["distribution"],
            )
        context = self.get_context_data(
            form=form,
            analysis=analysis,
            estimates_url=self.estimates_url(),
            **(self._results(analysis) if analysis and analysis.result else {}),
        )
        return self.render_to_response(context, status=200 if valid else 400)

    def _results(self, analysis) -> dict:
        result = analysis.result
        finish = result.finish
        markers = finish_markers(finish)
        percentiles = [
            ("P10", finish.p10_date, _("1 iteration in 10 finished by then")),
            ("P50", finish.p50_date, _("as likely to finish before as after")),
            ("P80", finish.p80_date, _("a common commitment date")),
            ("P90", finish.p90_date, _("9 iterations in 10 finished by then")),
        ]
        histogram_rows = [
            (b, b.count / result.iterations * 100) for b in result.histogram if b.count
        ]
        return {
            "result": result,
            "finish": finish,
            "percentiles": percentiles,
            "histogram_figure": finish_histogram_figure(
                result.histogram, iterations=result.iterations, markers=markers
            ),
            "s_curve_figure": s_curve_figure(result.s_curve, markers=markers),
            "histogram_rows": histogram_rows,
            # The one long table (a row per simulated finish day): formatted here, which is
            # several times faster than the date and floatformat filters on hundreds of rows.
            "s_curve_rows": [
                (day.isoformat(), number_format(share * 100, 1)) for day, share in result.s_curve
            ],
            "probability_percent": (
                finish.probability_on_baseline * 100
                if finish.probability_on_baseline is not None
                else None
            ),
        }


class EstimatesView(ScheduleRiskMixin, TemplateView):
    """The optimistic and pessimistic durations of the project's tasks, one page of rows at
    a time, saved all or nothing; "Fill from ratios" proposes values for empty rows."""

    template_name = "risks/schedule_risk/estimates.html"
    register_action = access.MANAGE

    def get_breadcrumbs(self):
        return [
            *super().get_breadcrumbs(),
            (_("Schedule risk"), self.analysis_url()),
            (_("Three-point estimates"), None),
        ]

    def _load(self):
        self.plan = selectors.estimate_plan(self.project)
        paginator = Paginator(self.plan.tasks, ROWS_PER_PAGE)
        self.page = paginator.get_page(self.request.GET.get("page"))
        self.tasks = list(self.page.object_list)

    def page_url(self) -> str:
        url = self.estimates_url()
        return f"{url}?page={self.page.number}" if self.page.number > 1 else url

    # --- GET -------------------------------------------------------------------------------
    def get(self, request, *args, **kwargs):
        self._load()
        return self._render(estimates_formset(tasks=self.tasks), FillRatiosForm())

    # --- POST ------------------------------------------------------------------------------
    def post(self, request, *args, **kwargs):
        self._load()
        if request.POST.get("action") == "fill":
            return self._fill()
        formset = estimates_formset(tasks=self.tasks, data=request.POST)
        fill_form = FillRatiosForm()
        if not formset.is_valid():
            return self._render(formset, fill_form, status=400)
        rows = [
            EstimateRow(
                task_id=form.task.pk,
                version=form.cleaned_data.get("version") or form.task.version,
                optimistic_days=form.cleaned_data.get("optimistic_days"),
                pessimistic_days=form.cleaned_data.get("pessimistic_days"),
            )
            for form in formset
        ]
        try:
            saved = task_estimates_save(project=self.project, by=request.user, rows=rows)
        except StaleEstimatesError as error:
            return self._stale(formset, error)
        except ValidationError as error:
            service_errors = self._apply_service_errors(formset, error)
            return self._render(formset, fill_form, status=400, service_errors=service_errors)
        if saved:
            message = ngettext(
                "Estimates of %(n)d task saved.", "Estimates of %(n)d tasks saved.", len(saved)
            ) % {"n": len(saved)}
        else:
            message = _("Nothing changed: the estimates were already as shown.")
        messages.success(request, message)
        return HttpResponseRedirect(self.page_url())

    def _fill(self):
        """Propose estimates for the rows left empty; nothing is saved until "Save"."""
        fill_form = FillRatiosForm(self.request.POST)
        data = self.request.POST.copy()
        filled = 0
        if fill_form.is_valid():
            for index, task in enumerate(self.tasks):
                keys = [f"e-{index}-{name}" for name in ESTIMATE_FIELDS]
                if any(data.get(key, "").strip() for key in keys):
                    continue
                low, high = fill_form.estimate(task.duration_days)
                data[keys[0]], data[keys[1]] = str(low), str(high)
                filled += 1
        formset = estimates_formset(tasks=self.tasks, data=data)
        if not fill_form.is_valid():
            return self._render(formset, fill_form, status=400)
        return self._render(formset, fill_form, filled=filled)

    def _apply_service_errors(self, formset, error: ValidationError) -> list[str]:
        """Put the service's row errors ("<task id>:<field>") on their cells; return the rest."""
        if not hasattr(error, "error_dict"):
            return list(error.messages)
        forms_by_task = {form.task.pk: form for form in formset}
        general = []
        for key, errors in error.message_dict.items():
            task_id, _sep, field = key.partition(":")
            form = forms_by_task.get(int(task_id)) if task_id.isdigit() else None
            if form is None:
                general.extend(errors)
            else:
                form.add_error(field or None, errors)
        return general

    def _stale(self, formset, error: StaleEstimatesError):
        """409: cells the user left as loaded take the other person's values; cells both
        changed keep what the user typed; stale rows carry the new version."""
        data = formset.data.copy()
        index = {task.pk: i for i, task in enumerate(self.tasks)}
        parse = WholeNumberField(required=False)
        stale_rows = []
        for task_id, stale in error.stale.items():
            i = index.get(task_id)
            if i is None:
                continue
            self.tasks[i] = stale.current
            for change in stale.changes:
                if change.field not in ESTIMATE_FIELDS:
                    continue
                key = f"e-{i}-{change.field}"
                try:
                    typed = parse.clean(data.get(key, ""))
                except ValidationError:
                    continue
                if typed == change.old_value:
                    data[key] = "" if change.new_value is None else str(change.new_value)
            data[f"e-{i}-version"] = str(stale.current.version)
            stale_rows.append((stale.current, stale))
        formset = estimates_formset(tasks=self.tasks, data=data)
        formset.is_valid()
        return self._render(formset, FillRatiosForm(), status=409, stale_rows=stale_rows)

    # --- rendering -------------------------------------------------------------------------
    def _render(self, formset, fill_form, *, status=200, **extra):
        rows = []
        previous_parent = object()
        for form in formset:
            parent_id = form.task.parent_id
            heading = None
            if parent_id != previous_parent:
                heading = self.plan.phases.get(parent_id)
                previous_parent = parent_id
            rows.append((heading, form))
        context = self.get_context_data(
            formset=formset,
            rows=rows,
            fill_form=fill_form,
            plan=self.plan,
            page_obj=self.page,
            analysis_url=self.analysis_url(),
            read_only=self.project.is_closed,
            **extra,
        )
        return self.render_to_response(context, status=status)

"""Stage-gate pages: the PMO's checklists, a project's gate reviews, recording and deciding."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from pmo.core import policy
from pmo.core.history import history_for
from pmo.core.mixins import (
    BadRequestOnInvalidFormMixin,
    BreadcrumbsMixin,
    apply_form_errors,
    paginate,
)
from projects.forms.gates import GateCriterionForm, GateDecisionForm, GateItemForm
from projects.models import GateCriterion, GateReviewItem, Stage
from projects.selectors import gates as selectors
from projects.services import gates as services


def _project_trail(project, *rest):
    return [
        (_("Projects"), reverse("projects:project_list")),
        (project.code, project.get_absolute_url()),
        *rest,
    ]


# --- Checklist templates (PMO staff) -------------------------------------------------------
class PmoOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        # Anonymous requests never get here: LoginRequiredMiddleware sends them to sign in.
        if not policy.is_pmo_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class GateCriteriaView(PmoOnlyMixin, BreadcrumbsMixin, TemplateView):
    template_name = "projects/gates/criteria.html"

    def get_breadcrumbs(self):
        return [(_("Stage gate checklists"), None)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(stages=selectors.criteria_by_stage(), **kwargs)


class GateCriterionFormView(BreadcrumbsMixin, BadRequestOnInvalidFormMixin, FormView):
    form_class = GateCriterionForm
    template_name = "projects/gates/criterion_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not policy.is_pmo_staff(request.user):
            raise PermissionDenied
        if "pk" in kwargs:
            self.object = get_object_or_404(GateCriterion, pk=kwargs["pk"])
        else:
            self.object = GateCriterion()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        stage = self.request.GET.get("stage")
        if self.object.pk is None and stage in Stage.values:
            return {"stage": stage}
        return {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_breadcrumbs(self):
        trail = [(_("Stage gate checklists"), reverse("projects:gate_criteria"))]
        return [*trail, (_("Edit criterion") if self.object.pk else _("New criterion"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(criterion=self.object, **kwargs)
        if self.object.pk:
            context["history"] = history_for(self.object, limit=20)
        return context

    def form_valid(self, form):
        try:
            criterion = services.gate_criterion_save(
                criterion=self.object,
                by=self.request.user,
                data={name: form.cleaned_data[name] for name in form._meta.fields},
            )
        except ValidationError as error:
            apply_form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Gate criterion saved."))
        return HttpResponseRedirect(reverse("projects:gate_criteria") + f"#stage-{criterion.stage}")


class GateCriterionActionView(PmoOnlyMixin, View):
    """POST only: move a line up or down, take it out of use or bring it back."""

    http_method_names = ["post"]

    def post(self, request, pk):
        criterion = get_object_or_404(GateCriterion, pk=pk)
        action = request.POST.get("action", "")
        if action in ("up", "down"):
            services.gate_criterion_move(criterion=criterion, by=request.user, direction=action)
        elif action in ("activate", "deactivate"):
            services.gate_criterion_set_active(
                criterion=criterion, by=request.user, active=action == "activate"
            )
            if action == "deactivate":
                messages.success(
                    request,
                    _("“%(text)s” is out of use; new reviews leave it out.")
                    % {"text": criterion.text},
                )
        else:
            context = {
                "stages": selectors.criteria_by_stage(),
                "breadcrumbs": [(_("Stage gate checklists"), None)],
                "action_error": _("Unknown action: move up or down, activate or deactivate."),
            }
            return render(request, "projects/gates/criteria.html", context, status=400)
        return HttpResponseRedirect(reverse("projects:gate_criteria") + f"#stage-{criterion.stage}")


# --- A project's gate reviews --------------------------------------------------------------
class ProjectGatesMixin(BreadcrumbsMixin):
    """Fetch the project for viewing (404 when invisible); actions check their own right."""

    def dispatch(self, request, *args, **kwargs):
        self.project = policy.get_project_for_user(request.user, kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def list_context(self, **extra):
        project = self.project
        user = self.request.user
        reviews = selectors.gate_reviews_for_project(project)
        page = paginate(self.request, reviews)
        open_review = next((r for r in page.object_list if not r.is_decided), None)
        if open_review is None and page.number != 1:
            open_review = reviews.filter(decision="").first()
        to_stage = services.next_stage(project.stage)
        active_criteria = GateCriterion.objects.filter(stage=project.stage, is_active=True).count()
        return {
            "project": project,
            "project_area": "gates",
            "lifecycle": Stage.choices,
            "breadcrumbs": _project_trail(project, (_("Stage gates"), None)),
            "page_obj": page,
            "reviews": page.object_list,
            "open_review": open_review,
            "to_stage_label": Stage(to_stage).label if to_stage else None,
            "active_criteria": active_criteria,
            "can_open": (
                services.can_open_review(user, project)
                and not project.is_closed
                and to_stage is not None
                and open_review is None
            ),
            "can_manage_criteria": policy.is_pmo_staff(user),
            **extra,
        }


class GateReviewListView(ProjectGatesMixin, TemplateView):
    template_name = "projects/gates/review_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.list_context()}


class GateReviewOpenView(ProjectGatesMixin, View):
    """POST only: open the review of the gate at the end of the current stage."""

    http_method_names = ["post"]

    def post(self, request, code):
        if not services.can_open_review(request.user, self.project):
            raise PermissionDenied
        try:
            review = services.gate_review_open(project=self.project, by=request.user)
        except ValidationError as error:
            self.project.refresh_from_db()
            context = self.list_context(open_errors=error.messages)
            return render(request, "projects/gates/review_list.html", context, status=400)
        messages.success(
            request,
            _("Gate review opened: %(from)s → %(to)s.")
            % {"from": review.get_from_stage_display(), "to": review.get_to_stage_display()},
        )
        return HttpResponseRedirect(reverse("projects:gate_review", args=[code, review.pk]))


class GateReviewDetailView(ProjectGatesMixin, TemplateView):
    template_name = "projects/gates/review_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = policy.get_project_for_user(request.user, kwargs["code"])
        self.review = selectors.gate_review_for_project(self.project, kwargs["pk"])
        return super(ProjectGatesMixin, self).dispatch(request, *args, **kwargs)

    def detail_context(self, *, bound_item_form=None, decision_form=None) -> dict:
        project, review, user = self.project, self.review, self.request.user
        editable = not review.is_decided and not project.is_closed
        may_record = editable and services.can_review(user, project)
        may_decide = editable and services.can_decide(user, project)
        rows = []
        for item in selectors.gate_review_items(review):
            form = None
            if may_record:
                if bound_item_form is not None and bound_item_form.item.pk == item.pk:
                    form = bound_item_form
                else:
                    form = GateItemForm(item=item)
            rows.append({"item": item, "form": form})
        if may_decide and decision_form is None:
            decision_form = GateDecisionForm()
        return {
            "project": project,
            "project_area": "gates",
            "review": review,
            "rows": rows,
            "unmet": [r["item"] for r in rows if not r["item"].met],
            "may_record": may_record,
            "may_decide": may_decide,
            "decision_form": decision_form if may_decide else None,
            "history": history_for(review, limit=20),
            "breadcrumbs": _project_trail(
                project,
                (_("Stage gates"), reverse("projects:gates", args=[project.code])),
                (f"{review.get_from_stage_display()} → {review.get_to_stage_display()}", None),
            ),
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.detail_context()}


class GateItemRecordView(GateReviewDetailView):
    """POST only: record one line; htmx swaps the row, without JavaScript the page reloads."""

    http_method_names = ["post"]

    def post(self, request, code, pk, item_pk):
        if not services.can_review(request.user, self.project):
            raise PermissionDenied
        item = get_object_or_404(GateReviewItem, pk=item_pk, review=self.review)
        form = GateItemForm(request.POST, item=item)
        if form.is_valid():
            try:
                item = services.gate_item_record(
                    item=item,
                    by=request.user,
                    met=form.cleaned_data["met"],
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as error:
                apply_form_errors(form, error)
            else:
                if request.htmx:
                    return self._row(item, GateItemForm(item=item), saved=True)
                messages.success(request, _("“%(text)s” recorded.") % {"text": item.text})
                return HttpResponseRedirect(
                    reverse("projects:gate_review", args=[code, pk]) + f"#item-{item.pk}"
                )
        self.review.refresh_from_db()
        if request.htmx and not self.review.is_decided:
            return self._row(item, form, status=400)
        context = self.detail_context(bound_item_form=form)
        if self.review.is_decided:
            context["page_errors"] = form.non_field_errors()
        return render(request, self.template_name, context, status=400)

    def _row(self, item, form, *, saved=False, status=200):
        item = next(i for i in selectors.gate_review_items(self.review) if i.pk == item.pk)
        context = {
            "project": self.project,
            "review": self.review,
            "row": {"item": item, "form": form},
            "saved": saved,
        }
        return render(self.request, "projects/gates/_item_row.html", context, status=status)


class GateDecideView(GateReviewDetailView):
    """POST only: the sponsor's or PMO's decision."""

    http_method_names = ["post"]

    def post(self, request, code, pk):
        if not services.can_decide(request.user, self.project):
            raise PermissionDenied
        form = GateDecisionForm(request.POST)
        if form.is_valid():
            try:
                review = services.gate_review_decide(
                    review=self.review,
                    by=request.user,
                    decision=form.cleaned_data["decision"],
                    notes=form.cleaned_data["notes"],
                )
            except ValidationError as error:
                apply_form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Decision recorded: %(decision)s.")
                    % {"decision": review.get_decision_display()},
                )
                return HttpResponseRedirect(reverse("projects:gate_review", args=[code, pk]))
        self.review.refresh_from_db()
        self.project.refresh_from_db()
        context = self.detail_context(decision_form=form)
        if context["decision_form"] is None:
            context["page_errors"] = [e for errors in form.errors.values() for e in errors]
        return render(request, self.template_name, context, status=400)

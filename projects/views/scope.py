"""The scope pages: scope lists, deliverables and their acceptance, change requests."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from pmo.core import policy
from pmo.core.history import history_for
from pmo.core.locking import StaleObjectError
from pmo.core.mixins import (
    CsvExportMixin,
    ServiceFormMixin,
    SortableListMixin,
    apply_form_errors,
)
from projects.forms.scope import (
    ChangeRequestDecisionForm,
    ChangeRequestForm,
    DeliverableDecisionForm,
    DeliverableForm,
    ScopeItemForm,
)
from projects.models import ChangeRequest, Deliverable, ScopeItem
from projects.selectors import scope as selectors
from projects.services import scope as services
from projects.views.charter import ProjectAreaMixin


def _posted_version(request, obj) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return obj.version


class ScopeAreaMixin(ProjectAreaMixin):
    project_area = "scope"
    area_label = gettext_lazy("Scope")
    area_url_name = "projects:scope"


# --- The scope page ------------------------------------------------------------------------
class ScopeView(ScopeAreaMixin, TemplateView):
    template_name = "projects/scope/scope.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, project = self.request.user, self.project
        in_scope, out_of_scope = selectors.scope_lists(project)
        deliverables = list(selectors.deliverables_of(project))
        can_decide = services.can_decide_scope(user, project) and not project.is_closed
        # One decision form per pending deliverable; a refused one comes back with its errors.
        refused = kwargs.pop("refused_decision", None)
        for deliverable in deliverables:
            if refused is not None and refused[0] == deliverable.pk:
                deliverable.decision_form = refused[1]
            elif can_decide and deliverable.acceptance == Deliverable.Acceptance.PENDING:
                deliverable.decision_form = DeliverableDecisionForm(
                    initial={"version": deliverable.version}, prefix=f"d{deliverable.pk}"
                )
        context.update(
            in_scope=in_scope,
            out_of_scope=out_of_scope,
            deliverables=deliverables,
            counts=selectors.deliverable_counts(project),
            cr_summary=selectors.change_request_summary(project),
            can_edit=services.can_edit_scope(user, project) and not project.is_closed,
            can_decide=can_decide,
            history=selectors.scope_history(project),
        )
        return context


# --- Scope items ---------------------------------------------------------------------------
class ScopeEditMixin(ScopeAreaMixin):
    action = policy.CHANGE

    def get_item(self):
        item = (
            ScopeItem.objects.filter(project=self.project, pk=self.kwargs["pk"])
            .select_related("project")
            .first()
        )
        if item is None:
            raise Http404("No such scope item")
        return item


class ScopeItemFormView(ScopeEditMixin, ServiceFormMixin, FormView):
    form_class = ScopeItemForm
    template_name = "projects/scope/scope_item_form.html"
    page_label = gettext_lazy("New scope item")
    object = None

    def get_initial(self):
        return {"in_scope": self.request.GET.get("list") != "out"}

    def get_form_kwargs(self):
        instance = self.object or ScopeItem(project=self.project)
        return {**super().get_form_kwargs(), "instance": instance}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(item=self.object, history=history_for(self.object) if self.object else [])
        return context

    def save(self, form):
        return services.scope_item_create(
            project=self.project, by=self.request.user, data=form.model_data()
        )

    def success_message(self, item):
        return _("Scope item saved.")

    def success_url_for(self, item):
        return self.area_url() + ("#in-scope" if item.in_scope else "#out-of-scope")


class ScopeItemCreateView(ScopeItemFormView):
    pass


class ScopeItemEditView(ScopeItemFormView):
    page_label = gettext_lazy("Edit scope item")

    def get(self, request, *args, **kwargs):
        self.object = self.get_item()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_item()
        return super().post(request, *args, **kwargs)

    def save(self, form):
        return services.scope_item_update(
            item=self.get_item(),
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )


class ScopeItemDeleteView(ScopeEditMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = self.get_item()
        try:
            services.scope_item_delete(item=item, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(self.area_url())
        messages.success(request, _("Scope item removed."))
        return HttpResponseRedirect(self.area_url())


class ScopeItemMoveView(ScopeEditMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = self.get_item()
        try:
            services.scope_item_move(
                item=item, by=request.user, direction=request.POST.get("direction", "")
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(self.area_url())
        anchor = "#in-scope" if item.in_scope else "#out-of-scope"
        return HttpResponseRedirect(self.area_url() + anchor)


# --- Deliverables --------------------------------------------------------------------------
def _get_deliverable(project, pk) -> Deliverable:
    deliverable = (
        Deliverable.objects.filter(project=project, pk=pk)
        .select_related("project", "owner", "decided_by")
        .first()
    )
    if deliverable is None:
        raise Http404("No such deliverable")
    return deliverable


class DeliverableFormView(ScopeEditMixin, ServiceFormMixin, FormView):
    form_class = DeliverableForm
    template_name = "projects/scope/deliverable_form.html"
    page_label = gettext_lazy("New deliverable")
    object = None

    def get_form_kwargs(self):
        instance = self.object or Deliverable(project=self.project)
        return {**super().get_form_kwargs(), "instance": instance, "project": self.project}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            deliverable=self.object,
            history=history_for(self.object) if self.object else [],
        )
        return context

    def save(self, form):
        return services.deliverable_create(
            project=self.project, by=self.request.user, data=form.model_data()
        )

    def success_message(self, deliverable):
        return _("Deliverable “%(name)s” saved.") % {"name": deliverable.name}

    def success_url_for(self, deliverable):
        return self.area_url() + "#deliverables"


class DeliverableCreateView(DeliverableFormView):
    pass


class DeliverableEditView(DeliverableFormView):
    page_label = gettext_lazy("Edit deliverable")

    def get(self, request, *args, **kwargs):
        self.object = _get_deliverable(self.project, kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = _get_deliverable(self.project, kwargs["pk"])
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.object.acceptance == Deliverable.Acceptance.ACCEPTED:
            for field in form.fields.values():
                field.disabled = True
        return form

    def save(self, form):
        return services.deliverable_update(
            deliverable=_get_deliverable(self.project, self.kwargs["pk"]),
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )


class DeliverableDecideView(ScopeView):
    """POST only: the sponsor or PMO staff accept, or reject with a reason."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not services.can_decide_scope(request.user, self.project):
            raise PermissionDenied
        deliverable = _get_deliverable(self.project, kwargs["pk"])
        form = DeliverableDecisionForm(request.POST, prefix=f"d{deliverable.pk}")
        if not form.is_valid():
            return self._refused(deliverable, form, 400)
        try:
            services.deliverable_decide(
                deliverable=deliverable,
                by=request.user,
                accept=form.cleaned_data["decision"] == DeliverableDecisionForm.ACCEPT,
                reason=form.cleaned_data["rejection_reason"],
                expected_version=form.cleaned_data["version"] or deliverable.version,
            )
        except StaleObjectError:
            form.add_error(
                None, _("Someone changed this deliverable meanwhile; check it and decide again.")
            )
            return self._refused(deliverable, form, 409)
        except ValidationError as error:
            apply_form_errors(form, error)
            return self._refused(deliverable, form, 400)
        messages.success(
            request,
            _("Deliverable “%(name)s” %(state)s.")
            % {"name": deliverable.name, "state": deliverable.get_acceptance_display().lower()},
        )
        return HttpResponseRedirect(self.area_url() + "#deliverables")

    def _refused(self, deliverable, form, status):
        context = self.get_context_data(refused_decision=(deliverable.pk, form))
        return self.render_to_response(context, status=status)


class DeliverableResubmitView(ScopeEditMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        deliverable = _get_deliverable(self.project, kwargs["pk"])
        try:
            services.deliverable_resubmit(
                deliverable=deliverable,
                by=request.user,
                expected_version=_posted_version(request, deliverable),
            )
        except StaleObjectError:
            messages.warning(request, _("Someone changed this deliverable meanwhile; try again."))
            return HttpResponseRedirect(self.area_url() + "#deliverables")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(self.area_url() + "#deliverables")
        messages.success(
            request,
            _("Deliverable “%(name)s” is pending acceptance again.") % {"name": deliverable.name},
        )
        return HttpResponseRedirect(self.area_url() + "#deliverables")


# --- Change requests -----------------------------------------------------------------------
class ChangeRequestAreaMixin(ScopeAreaMixin):
    def get_breadcrumbs(self):
        trail = super().get_breadcrumbs()
        if self.page_label:
            return [*trail[:-1], (_("Change requests"), self._list_url()), trail[-1]]
        return trail

    def _list_url(self):
        return reverse("projects:change_requests", args=[self.project.code])

    def get_change_request(self) -> ChangeRequest:
        change_request = selectors.change_request_of(self.project, self.kwargs["number"])
        if change_request is None:
            raise Http404("No such change request")
        return change_request


class ChangeRequestListView(ChangeRequestAreaMixin, SortableListMixin, CsvExportMixin, ListView):
    template_name = "projects/scope/change_request_list.html"
    context_object_name = "change_requests"
    paginate_by = settings.PAGE_SIZE
    page_label = gettext_lazy("Change requests")
    default_sort = "-number"
    sort_fields = {
        "number": ("number",),
        "title": ("title",),
        "days": ("schedule_impact_days",),
        "cost": ("cost_impact",),
        "status": ("status",),
        "decided": ("decided_at",),
    }
    csv_columns = [
        (gettext_lazy("Reference"), lambda c: c.reference),
        (gettext_lazy("Title"), lambda c: c.title),
        (gettext_lazy("Status"), lambda c: c.get_status_display()),
        (gettext_lazy("Schedule impact (working days)"), lambda c: c.schedule_impact_days),
        (gettext_lazy("Cost impact"), lambda c: c.cost_impact),
        (gettext_lazy("Scope impact"), lambda c: c.scope_impact),
        (gettext_lazy("Raised by"), lambda c: c.created_by or ""),
        (gettext_lazy("Raised at"), lambda c: c.created_at.isoformat()),
        (gettext_lazy("Decided by"), lambda c: c.decided_by or ""),
        (gettext_lazy("Decided at"), lambda c: c.decided_at.isoformat() if c.decided_at else ""),
        (gettext_lazy("Decision note"), lambda c: c.decision_note),
        (gettext_lazy("Baseline moved"), lambda c: _("yes") if c.baseline_moved else _("no")),
    ]

    def get_breadcrumbs(self):
        # The list is the last step of the trail: no link to itself.
        return ScopeAreaMixin.get_breadcrumbs(self)

    @property
    def csv_filename(self):
        return f"{self.project.code}-change-requests.csv"

    def current_status(self) -> str:
        status = self.request.GET.get("status", "")
        return status if status in ChangeRequest.Decision.values else ""

    def get_queryset(self):
        qs = selectors.change_requests_of(self.project)
        if self.current_status():
            qs = qs.filter(status=self.current_status())
        return self.apply_sort(qs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for key in ("page", "sort", "format"):
            query.pop(key, None)
        context.update(
            statuses=ChangeRequest.Decision.choices,
            current_status=self.current_status(),
            filter_query=query.urlencode(),
            summary=selectors.change_request_summary(self.project),
            can_edit=services.can_edit_scope(self.request.user, self.project)
            and not self.project.is_closed,
            history=selectors.change_request_history(self.project, limit=20),
        )
        return context


class ChangeRequestCreateView(ChangeRequestAreaMixin, ServiceFormMixin, FormView):
    form_class = ChangeRequestForm
    template_name = "projects/scope/change_request_form.html"
    page_label = gettext_lazy("New change request")
    action = policy.CHANGE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": ChangeRequest(project=self.project)}

    def save(self, form):
        return services.change_request_create(
            project=self.project, by=self.request.user, data=form.model_data()
        )

    def success_message(self, change_request):
        return _("Change request %(ref)s raised; the sponsor decides.") % {
            "ref": change_request.reference
        }

    def success_url_for(self, change_request):
        return _detail_url(self.project.code, change_request.number)


def _detail_url(code, number):
    return reverse("projects:change_request_detail", args=[code, number])


class ChangeRequestDetailView(ChangeRequestAreaMixin, TemplateView):
    template_name = "projects/scope/change_request_detail.html"

    @property
    def page_label(self):
        return self.change_request.reference

    def get(self, request, *args, **kwargs):
        self.change_request = self.get_change_request()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, cr = self.request.user, self.change_request
        open_request = cr.status == ChangeRequest.Decision.SUBMITTED and not self.project.is_closed
        can_decide = services.can_decide_scope(user, self.project) and open_request
        if can_decide and "decision_form" not in kwargs:
            context["decision_form"] = ChangeRequestDecisionForm(initial={"version": cr.version})
        context.update(
            change_request=cr,
            can_decide=can_decide,
            can_withdraw=services.can_edit_scope(user, self.project) and open_request,
            history=history_for(cr),
        )
        return context


class ChangeRequestDecideView(ChangeRequestDetailView):
    """POST only: approve (optionally moving the baseline) or reject with a note."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not services.can_decide_scope(request.user, self.project):
            raise PermissionDenied
        self.change_request = self.get_change_request()
        form = ChangeRequestDecisionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(decision_form=form), status=400)
        approve = form.cleaned_data["decision"] == ChangeRequestDecisionForm.APPROVE
        try:
            services.change_request_decide(
                change_request=self.change_request,
                by=request.user,
                approve=approve,
                note=form.cleaned_data["decision_note"],
                move_baseline=form.cleaned_data["move_baseline"],
                expected_version=form.cleaned_data["version"] or self.change_request.version,
            )
        except StaleObjectError as error:
            self.change_request = self.get_change_request()
            form.add_error(
                None,
                _("%(who)s changed this change request after you opened it; read it again.")
                % {"who": error.changed_by or _("Someone")},
            )
            return self.render_to_response(self.get_context_data(decision_form=form), status=409)
        except ValidationError as error:
            self.change_request = self.get_change_request()
            apply_form_errors(form, error)
            return self.render_to_response(self.get_context_data(decision_form=form), status=400)
        if approve:
            message = _("Change request %(ref)s approved.")
            if self.change_request.baseline_moved:
                message = _("Change request %(ref)s approved; the baseline moved.")
        else:
            message = _("Change request %(ref)s rejected.")
        messages.success(request, message % {"ref": self.change_request.reference})
        return HttpResponseRedirect(_detail_url(self.project.code, self.change_request.number))


class ChangeRequestWithdrawView(ChangeRequestAreaMixin, View):
    http_method_names = ["post"]
    action = policy.CHANGE

    def post(self, request, *args, **kwargs):
        change_request = self.get_change_request()
        try:
            services.change_request_withdraw(
                change_request=change_request,
                by=request.user,
                expected_version=_posted_version(request, change_request),
            )
        except StaleObjectError:
            messages.warning(request, _("Someone changed this change request meanwhile."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Change request %(ref)s withdrawn.") % {"ref": change_request.reference}
            )
        return HttpResponseRedirect(_detail_url(self.project.code, change_request.number))

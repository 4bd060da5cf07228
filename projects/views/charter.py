"""The charter pages: read, edit, SMART objectives, submission, approval and revisions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from pmo.core import policy
from pmo.core.history import history_for
from pmo.core.locking import StaleObjectError
from pmo.core.mixins import (
    BreadcrumbsMixin,
    ServiceFormMixin,
    apply_form_errors,
)
from projects.forms.charter import CharterDecisionForm, CharterForm, SmartObjectiveForm
from projects.models import Charter, Project, SmartObjective
from projects.selectors import charter as selectors
from projects.services import charter as services


def _errors_of(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


class ProjectAreaMixin(BreadcrumbsMixin):
    """Fetch the project through the policy (404 invisible, 403 not allowed); frame context."""

    project_area = ""
    area_label = ""
    area_url_name = ""
    page_label = ""
    action = policy.VIEW

    def dispatch(self, request, *args, **kwargs):
        self.project = policy.get_project_for_user(
            request.user,
            kwargs["code"],
            self.action,
            queryset=Project.objects.with_list_relations(),
        )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        trail = [
            (_("Projects"), reverse("projects:project_list")),
            (self.project.code, self.project.get_absolute_url()),
        ]
        if self.page_label:
            area_url = reverse(self.area_url_name, args=[self.project.code])
            return [*trail, (str(self.area_label), area_url), (str(self.page_label), None)]
        return [*trail, (str(self.area_label), None)]

    def get_context_data(self, **kwargs):
        kwargs.setdefault("project", self.project)
        kwargs.setdefault("project_area", self.project_area)
        return super().get_context_data(**kwargs)

    def area_url(self) -> str:
        return reverse(self.area_url_name, args=[self.project.code])


class CharterAreaMixin(ProjectAreaMixin):
    project_area = "charter"
    area_label = gettext_lazy("Charter")
    area_url_name = "projects:charter"


# --- The charter page ----------------------------------------------------------------------
class CharterView(CharterAreaMixin, TemplateView):
    template_name = "projects/charter/charter.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, project = self.request.user, self.project
        charter = selectors.charter_of(project)
        objectives = selectors.with_shown_values(selectors.objectives_of(project))
        revisions = list(selectors.revisions_of(charter))
        diff = None
        if charter is not None and charter.state != Charter.State.APPROVED and revisions:
            latest = selectors.latest_revision(charter)
            diff = {
                "revision": latest,
                **selectors.charter_diff(latest.snapshot, charter, objectives),
            }
        can_edit = services.can_edit_charter(user, project) and not project.is_closed
        can_approve = services.can_approve_charter(user, project) and not project.is_closed
        submitted = charter is not None and charter.state == Charter.State.SUBMITTED
        if can_approve and submitted and "decision_form" not in kwargs:
            context["decision_form"] = CharterDecisionForm(initial={"version": charter.version})
        context.update(
            charter=charter,
            objectives=objectives,
            revisions=revisions,
            approved_revision=next(iter(revisions), None),
            diff=diff,
            can_edit=can_edit,
            can_approve=can_approve,
            can_submit=can_edit and charter is not None and charter.state == Charter.State.DRAFT,
            returned=selectors.last_return_comment(charter),
            sections=[
                (label, getattr(charter, name) if charter else "")
                for name, label in selectors.TEXT_SECTIONS
            ],
            approver=project.sponsor,
            history=selectors.charter_history(project, charter),
        )
        return context


class CharterSubmitView(CharterView):
    """POST only: a draft goes to the sponsor for approval."""

    http_method_names = ["post"]
    action = policy.CHANGE

    def post(self, request, *args, **kwargs):
        charter = selectors.charter_of(self.project)
        try:
            services.charter_submit(
                project=self.project,
                by=request.user,
                expected_version=_posted_version(request, charter),
            )
        except StaleObjectError:
            return self._refused(
                [_("Someone changed the charter meanwhile; read it again, then submit.")], 409
            )
        except ValidationError as error:
            return self._refused(_errors_of(error), 400)
        messages.success(request, _("Charter submitted to the sponsor for approval."))
        return HttpResponseRedirect(self.area_url())

    def _refused(self, errors, status):
        context = self.get_context_data(action_errors=errors)
        return self.render_to_response(context, status=status)


class CharterDecideView(CharterView):
    """POST only: the approver approves the submitted revision or returns it with a comment."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not services.can_approve_charter(request.user, self.project):
            raise PermissionDenied
        form = CharterDecisionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(decision_form=form), status=400)
        charter = selectors.charter_of(self.project)
        version = form.cleaned_data["version"] or (charter.version if charter else 1)
        try:
            if form.cleaned_data["decision"] == CharterDecisionForm.APPROVE:
                revision = services.charter_approve(
                    project=self.project, by=request.user, expected_version=version
                )
                messages.success(
                    request, _("Revision %(n)s of the charter approved.") % {"n": revision.number}
                )
            else:
                services.charter_reject(
                    project=self.project,
                    by=request.user,
                    expected_version=version,
                    comment=form.cleaned_data["comment"],
                )
                messages.success(request, _("Charter returned to the project manager."))
        except StaleObjectError:
            form = CharterDecisionForm(
                initial={"version": selectors.charter_of(self.project).version}
            )
            context = self.get_context_data(
                decision_form=form,
                action_errors=[
                    _("The charter changed after you opened it; read it again before deciding.")
                ],
            )
            return self.render_to_response(context, status=409)
        except ValidationError as error:
            apply_form_errors(form, error)
            return self.render_to_response(self.get_context_data(decision_form=form), status=400)
        return HttpResponseRedirect(self.area_url())


def _posted_version(request, obj) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return obj.version if obj is not None else 1


# --- Editing the charter's text ------------------------------------------------------------
class CharterEditView(CharterAreaMixin, ServiceFormMixin, FormView):
    form_class = CharterForm
    template_name = "projects/charter/charter_form.html"
    action = policy.CHANGE
    page_label = gettext_lazy("Edit")

    def get_form_kwargs(self):
        charter = selectors.charter_of(self.project) or Charter(project=self.project)
        return {**super().get_form_kwargs(), "instance": charter}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        charter = context["form"].instance
        context.update(
            charter=charter,
            starts_revision=charter.pk is not None and charter.state == Charter.State.APPROVED,
            history=history_for(charter) if charter.pk else [],
        )
        return context

    def save(self, form):
        return services.charter_update(
            project=self.project,
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, charter):
        return _("Charter saved.")

    def success_url_for(self, charter):
        return self.area_url()


# --- SMART objectives ----------------------------------------------------------------------
class ObjectiveMixin(CharterAreaMixin):
    action = policy.CHANGE

    def get_objective(self):
        objective = (
            SmartObjective.objects.filter(project=self.project, pk=self.kwargs["pk"])
            .select_related("project", "owner")
            .first()
        )
        if objective is None:
            raise Http404("No such objective")
        return objective


class ObjectiveFormView(ObjectiveMixin, ServiceFormMixin, FormView):
    form_class = SmartObjectiveForm
    template_name = "projects/charter/objective_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = None
        return super().dispatch(request, *args, **kwargs)

    def get_instance(self):
        return SmartObjective(project=self.project)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.get_instance(),
            "project": self.project,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        charter = selectors.charter_of(self.project)
        context.update(
            objective=self.object,
            starts_revision=charter is not None and charter.state == Charter.State.APPROVED,
            returns_to_draft=charter is not None and charter.state == Charter.State.SUBMITTED,
            history=history_for(self.object) if self.object else [],
        )
        return context

    def save(self, form):
        return services.objective_create(
            project=self.project, by=self.request.user, data=form.model_data()
        )

    def success_message(self, objective):
        return _("Objective “%(o)s” saved.") % {"o": objective.outcome}

    def success_url_for(self, objective):
        return self.area_url() + "#objectives"


class ObjectiveCreateView(ObjectiveFormView):
    page_label = gettext_lazy("New SMART objective")


class ObjectiveEditView(ObjectiveFormView):
    page_label = gettext_lazy("Edit SMART objective")

    def get_instance(self):
        if self.object is None:
            self.object = self.get_objective()
        return self.object

    def get(self, request, *args, **kwargs):
        self.get_instance()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_instance()
        return super().post(request, *args, **kwargs)

    def save(self, form):
        stored = self.get_objective()
        return services.objective_update(
            objective=stored,
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )


class ObjectiveDeleteView(ObjectiveMixin, View):
    """POST only: remove an objective (the approved revisions keep their copy)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        objective = self.get_objective()
        try:
            services.objective_delete(objective=objective, by=request.user)
        except ValidationError as error:
            for message in _errors_of(error):
                messages.error(request, message)
            return HttpResponseRedirect(self.area_url())
        messages.success(request, _("Objective “%(o)s” removed.") % {"o": objective.outcome})
        return HttpResponseRedirect(self.area_url() + "#objectives")


# --- Approved revisions --------------------------------------------------------------------
class CharterRevisionView(CharterAreaMixin, TemplateView):
    template_name = "projects/charter/revision.html"

    def get(self, request, *args, **kwargs):
        self.revision = selectors.revision_of(self.project, kwargs["number"])
        if self.revision is None:
            raise Http404("No such revision")
        return super().get(request, *args, **kwargs)

    def get_breadcrumbs(self):
        trail = super().get_breadcrumbs()
        trail[-1] = (trail[-1][0], self.area_url())
        return [*trail, (_("Revision %(n)s") % {"n": self.revision.number}, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        snapshot = self.revision.snapshot
        charter = self.revision.charter
        context.update(
            revision=self.revision,
            snapshot=snapshot,
            sections=[(label, snapshot.get(name, "")) for name, label in selectors.TEXT_SECTIONS],
            objectives=selectors.with_shown_values(snapshot.get("objectives", [])),
            is_current=charter.state == Charter.State.APPROVED
            and charter.revision == self.revision.number,
            revisions=list(selectors.revisions_of(charter)),
        )
        return context

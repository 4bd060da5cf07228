"""Identification pages: sessions (workshops, interviews), bulk draft entry, triage.

A register's managers record sessions; its team adds the draft risks raised in one (they
become *proposed* risks); managers then accept or reject each proposed risk on the triage
page, in place with htmx, or with a plain form post and a redirect without JavaScript.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, ListView, TemplateView

from pmo.core.history import history_for
from pmo.core.locking import StaleObjectError
from pmo.core.mixins import (
    BreadcrumbsMixin,
    CsvExportMixin,
    ServiceFormMixin,
    SortableListMixin,
    apply_form_errors,
    keep_input_for_resubmit,
    safe_next_url,
)
from risks import access
from risks.forms.sessions import (
    DEFAULT_ROWS,
    MAX_ROWS,
    MORE_ROWS,
    AcceptForm,
    RejectForm,
    SessionFilterForm,
    SessionForm,
    TriageChoices,
    draft_formset,
    mark_invalid,
    typed_rows,
)
from risks.models import IdentificationMethod, IdentificationSession, RiskStatus
from risks.registers import Register, register_of
from risks.selectors import sessions as selectors
from risks.selectors.matrix import load_matrix
from risks.services import sessions as services
from risks.services import triage as triage_services
from risks.views.base import RegisterMixin, frame_context, register_breadcrumbs

AREA = "sessions"


def _is_open(register: Register) -> bool:
    return not (register.kind == "project" and register.obj.is_closed)


def _closed_message(register: Register) -> str:
    return _("%(code)s is %(status)s: its risk register can no longer change.") % {
        "code": register.code,
        "status": register.obj.get_status_display().lower(),
    }


def risk_url(reference: str) -> str:
    """The risk's page (the register area's route), or '' while it does not exist."""
    try:
        return reverse("risks:risk_detail", kwargs={"ref": reference})
    except NoReverseMatch:
        return ""


def session_url(session: IdentificationSession) -> str:
    return reverse("risks:session_detail", kwargs={"pk": session.pk})


def _decorate_risks(risks, matrix) -> list:
    """Band (colour, label) and link for each risk, with no query per row."""
    rows = list(risks)
    try:
        template = reverse("risks:risk_detail", kwargs={"ref": "REF"})
    except NoReverseMatch:
        template = ""
    for risk in rows:
        risk.band = matrix.band_for(risk.current_score)
        risk.url = template.replace("REF", risk.reference) if template else ""
    return rows


def register_links(register: Register) -> dict:
    return {
        "register_sessions_url": register.url("sessions"),
        "register_triage_url": register.url("triage"),
    }


def identification_breadcrumbs(register: Register) -> list:
    return [*register_breadcrumbs(register), (_("Identification"), register.url("sessions"))]


class SessionMixin(BreadcrumbsMixin):
    """A page of one session, fetched by pk through the access rules (URL kwarg ``pk``)."""

    session_action = access.VIEW
    register_area = AREA

    def dispatch(self, request, *args, **kwargs):
        self.session = selectors.get_session(request.user, kwargs["pk"], self.session_action)
        self.register = register_of(self.session)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return [
            *identification_breadcrumbs(self.register),
            (self.session.title, session_url(self.session)),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(frame_context(self.register, self.register_area))
        context.update(register_links(self.register))
        context.update(
            session=self.session,
            register_open=_is_open(self.register),
            can_manage_register=access.can_manage_register(self.request.user, self.register),
        )
        return context


# --- Sessions ------------------------------------------------------------------------------
class SessionListView(RegisterMixin, SortableListMixin, CsvExportMixin, ListView):
    register_area = AREA
    template_name = "risks/sessions/list.html"
    context_object_name = "sessions"
    paginate_by = settings.PAGE_SIZE
    sort_fields = {
        "date": ("held_on",),
        "title": ("title",),
        "method": ("method",),
        "participants": ("participant_count",),
        "risks": ("risk_count",),
        "proposed": ("proposed_count",),
    }
    default_sort = "-date"
    csv_columns = [
        (gettext_lazy("Date"), lambda s: s.held_on.isoformat()),
        (gettext_lazy("Title"), lambda s: s.title),
        (gettext_lazy("Method"), lambda s: s.get_method_display()),
        (gettext_lazy("Facilitator"), lambda s: s.facilitator),
        (gettext_lazy("Participants"), lambda s: s.participant_count),
        (gettext_lazy("Other participants"), lambda s: s.external_participants),
        (gettext_lazy("Risks raised"), lambda s: s.risk_count),
        (gettext_lazy("Awaiting triage"), lambda s: s.proposed_count),
    ]

    @property
    def csv_filename(self):
        return f"{self.register.code}-risk-sessions.csv"

    def get(self, request, *args, **kwargs):
        self.filter_form = SessionFilterForm(request.GET or None)
        self.filter_valid = self.filter_form.is_valid() if self.filter_form.is_bound else True
        response = super().get(request, *args, **kwargs)
        if not self.filter_valid:
            response.status_code = 400
        return response

    def _method(self) -> str:
        if not (self.filter_form.is_bound and self.filter_valid):
            return ""
        return self.filter_form.cleaned_data.get("method") or ""

    def get_queryset(self):
        qs = selectors.register_sessions(self.register)
        if not self.filter_valid:
            return qs.none()
        method = self._method()
        if method:
            qs = qs.filter(method=method)
        return self.apply_sort(qs)

    def get_breadcrumbs(self):
        return [*register_breadcrumbs(self.register), (_("Identification"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        register_open = _is_open(self.register)
        method = self._method()
        context.update(register_links(self.register))
        context.update(
            filter_form=self.filter_form,
            is_filtered=bool(method) or not self.filter_valid,
            awaiting_count=selectors.awaiting_triage_count(self.register),
            can_create=context["can_manage_register"] and register_open,
            can_propose=access.can_propose(self.request.user, self.register),
            register_open=register_open,
            closed_message="" if register_open else _closed_message(self.register),
            create_url=self.register.url("session_create"),
            triage_url=self.register.url("triage"),
            filter_query=urlencode({"method": method} if method else {}),
        )
        return context


class SessionDetailView(SessionMixin, TemplateView):
    template_name = "risks/sessions/detail.html"

    def get_breadcrumbs(self):
        return [*identification_breadcrumbs(self.register), (self.session.title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        matrix = load_matrix()
        risks = _decorate_risks(selectors.session_risks(self.session), matrix)
        register_open = context["register_open"]
        context.update(
            participants=selectors.session_participants(self.session),
            risks=risks,
            proposed_count=sum(1 for r in risks if r.status == RiskStatus.PROPOSED),
            can_edit=context["can_manage_register"] and register_open,
            can_propose=register_open and access.can_propose(user, self.register),
            history=history_for(self.session, limit=200),
            closed_message="" if register_open else _closed_message(self.register),
        )
        return context


class SessionFormBase(ServiceFormMixin, FormView):
    form_class = SessionForm
    template_name = "risks/sessions/form.html"
    session = None

    def get_form_kwargs(self):
        instance = self.session or IdentificationSession(**self.register.scope_kwargs())
        return {**super().get_form_kwargs(), "instance": instance, "register": self.register}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        register_open = _is_open(self.register)
        context.update(register_links(self.register))
        context.update(
            session=self.session,
            register_open=register_open,
            closed_message="" if register_open else _closed_message(self.register),
        )
        return context

    def success_url_for(self, session):
        return session_url(session)


class SessionCreateView(RegisterMixin, SessionFormBase):
    register_action = access.MANAGE
    register_area = AREA

    def get_initial(self):
        user = self.request.user
        initial = {"held_on": timezone.localdate(), "method": IdentificationMethod.BRAINSTORMING}
        if selectors.facilitators(self.register).filter(pk=user.pk).exists():
            initial["facilitator"] = user.pk
        return initial

    def get_breadcrumbs(self):
        return [*identification_breadcrumbs(self.register), (_("New session"), None)]

    def save(self, form):
        return services.session_create(
            register=self.register, by=self.request.user, data=form.model_data()
        )

    def success_message(self, session):
        return _("Session “%(title)s” recorded. Add the risks raised in it next.") % {
            "title": session.title
        }


class SessionEditView(SessionMixin, SessionFormBase):
    session_action = access.UPDATE

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (_("Edit"), None)]

    def save(self, form):
        return services.session_update(
            session=form.instance,
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, session):
        return _("Session “%(title)s” saved.") % {"title": session.title}


# --- Bulk entry of draft risks -------------------------------------------------------------
class SessionBulkView(SessionMixin, TemplateView):
    """Many draft risks in one form; all are added, or none (row errors by their field)."""

    session_action = access.PROPOSE
    template_name = "risks/sessions/bulk.html"

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (_("Add draft risks"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        formset = context["formset"]
        mark_invalid(formset.forms)
        context.update(
            rows_with_errors=sum(1 for f in formset.forms if f.is_bound and f.errors),
            max_rows=MAX_ROWS,
            can_add_rows=formset.total_form_count() < MAX_ROWS,
            more_rows=MORE_ROWS,
            closed_message="" if context["register_open"] else _closed_message(self.register),
        )
        return context

    def _rows(self) -> int:
        try:
            return int(self.request.GET.get("rows", DEFAULT_ROWS))
        except ValueError:
            return DEFAULT_ROWS

    def get(self, request, *args, **kwargs):
        formset = draft_formset(categories=selectors.active_categories(), rows=self._rows())
        return self.render_to_response(self.get_context_data(formset=formset))

    def post(self, request, *args, **kwargs):
        categories = selectors.active_categories()
        formset = draft_formset(categories=categories, data=request.POST)
        if "add_rows" in request.POST:
            typed = typed_rows(formset)
            more = draft_formset(categories=categories, rows=len(typed) + MORE_ROWS, initial=typed)
            return self.render_to_response(self.get_context_data(formset=more))
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(formset=formset), status=400)
        filled = formset.filled_forms()
        try:
            created = services.session_add_drafts(
                session=self.session, by=request.user, drafts=[f.draft() for f in filled]
            )
        except services.DraftRowsError as error:
            for index, row_error in error.rows.items():
                apply_form_errors(filled[index], row_error)
            context = self.get_context_data(formset=formset, service_error=error)
            return self.render_to_response(context, status=400)
        except ValidationError as error:
            context = self.get_context_data(formset=formset, service_error=error)
            return self.render_to_response(context, status=400)
        messages.success(
            request,
            ngettext("%(n)d draft risk added", "%(n)d draft risks added", len(created))
            % {"n": len(created)},
        )
        return HttpResponseRedirect(self.register.url("triage"))


# --- Triage --------------------------------------------------------------------------------
class TriageListView(RegisterMixin, ListView):
    """The register's proposed risks, oldest first; managers accept or reject each."""

    register_area = AREA
    template_name = "risks/triage/list.html"
    context_object_name = "risks"
    paginate_by = settings.PAGE_SIZE

    def get_queryset(self):
        return selectors.awaiting_triage(self.register)

    def get_breadcrumbs(self):
        return [*identification_breadcrumbs(self.register), (_("Triage"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        register_open = _is_open(self.register)
        can_triage = context["can_manage_register"] and register_open
        matrix = load_matrix()
        rows = _decorate_risks(context["risks"], matrix)
        next_url = self.request.get_full_path()
        if can_triage:
            choices = TriageChoices(register=self.register, matrix=matrix)
            for risk in rows:
                choices.include_category(risk.category)
            for risk in rows:
                risk.accept_form = AcceptForm.for_risk(risk, choices)
                risk.reject_form = RejectForm.for_risk(risk)
        for risk in rows:
            risk.can_triage = can_triage
        context.update(register_links(self.register))
        context.update(
            risks=rows,
            awaiting_count=context["paginator"].count,
            can_triage=can_triage,
            can_propose=access.can_propose(self.request.user, self.register),
            register_open=register_open,
            closed_message="" if register_open else _closed_message(self.register),
            next_url=next_url,
        )
        return context


class RiskTriageView(BreadcrumbsMixin, TemplateView):
    """POST: accept or reject one proposed risk.

    With htmx the answer replaces the risk's row (and the count badge, out of band);
    without JavaScript a success redirects back to the list, and a refusal shows the row
    alone with its errors (400, or 409 when someone changed the risk meanwhile).
    """

    http_method_names = ["post"]
    template_name = "risks/triage/decide.html"

    def get_breadcrumbs(self):
        return [
            *identification_breadcrumbs(self.register),
            (_("Triage"), self.register.url("triage")),
            (self.risk.reference, None),
        ]

    def post(self, request, *args, **kwargs):
        self.risk = access.get_risk_for_user(request.user, kwargs["ref"], access.MANAGE)
        self.register = register_of(self.risk)
        decision = request.POST.get("decision")
        if decision not in ("accept", "reject"):
            return HttpResponseBadRequest(_("Choose to accept or to reject the risk."))
        self.matrix = load_matrix()
        self.choices = TriageChoices(register=self.register, matrix=self.matrix)
        self.choices.include_category(self.risk.category)
        data = request.POST
        accept_form = AcceptForm.for_risk(
            self.risk, self.choices, data=data if decision == "accept" else None
        )
        reject_form = RejectForm.for_risk(self.risk, data=data if decision == "reject" else None)
        form = accept_form if decision == "accept" else reject_form
        if not form.is_valid():
            return self._render(accept_form, reject_form, status=400)
        expected = form.cleaned_data["version"] or self.risk.version
        try:
            if decision == "accept":
                risk = triage_services.risk_accept(
                    risk=self.risk,
                    by=request.user,
                    owner=form.cleaned_data["owner"],
                    category=form.cleaned_data["category"],
                    probability=form.cleaned_data["probability"],
                    impact=form.cleaned_data["impact"],
                    expected_version=expected,
                )
            else:
                risk = triage_services.risk_reject(
                    risk=self.risk,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=expected,
                )
        except StaleObjectError as error:
            keep_input_for_resubmit(form, error)
            self.risk = access.get_risk_for_user(request.user, kwargs["ref"], access.MANAGE)
            return self._render(accept_form, reject_form, status=409, stale_error=error)
        except ValidationError as error:
            self.risk = access.get_risk_for_user(request.user, kwargs["ref"], access.MANAGE)
            apply_form_errors(form, error)
            return self._render(accept_form, reject_form, status=400)
        message = _decision_message(risk)
        if not request.htmx:
            messages.success(request, message)
            return HttpResponseRedirect(safe_next_url(request, self.register.url("triage")))
        context = {
            "risk": risk,
            "message": message,
            "risk_url": risk_url(risk.reference),
            "awaiting_count": selectors.awaiting_triage_count(self.register),
            "register": self.register,
        }
        return self.response_class(
            request=request,
            template=["risks/triage/_decided.html"],
            context=context,
            using=self.template_engine,
        )

    def _render(self, accept_form, reject_form, *, status, stale_error=None):
        mark_invalid([accept_form, reject_form])
        risk = _decorate_risks([self.risk], self.matrix)[0]
        risk.can_triage = True
        risk.accept_form = accept_form
        risk.reject_form = reject_form
        context = {
            "risk": risk,
            "stale_error": stale_error,
            "next_url": safe_next_url(self.request, self.register.url("triage")),
            "can_triage": True,
        }
        if self.request.htmx:
            template = "risks/triage/_item.html"
        else:
            template = self.template_name
            context = self.get_context_data(**context)
            context.update(frame_context(self.register, AREA))
            context.update(register_links(self.register))
        return self.response_class(
            request=self.request,
            template=[template],
            context=context,
            using=self.template_engine,
            status=status,
        )


def _decision_message(risk) -> str:
    if risk.status == RiskStatus.REJECTED:
        return _("%(ref)s rejected: %(reason)s") % {
            "ref": risk.reference,
            "reason": risk.closure_reason,
        }
    return _("%(ref)s accepted as %(status)s, owned by %(owner)s.") % {
        "ref": risk.reference,
        "status": risk.get_status_display().lower(),
        "owner": risk.owner,
    }

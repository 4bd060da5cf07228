"""Register pages: the register table (project, program, portfolio), adding or proposing a
risk, a risk's page, and its forms (edit, assess, response, close, reopen, status).

The status changes in place on the register row with htmx; without JavaScript the same
URL is a small page that returns to where the user came from.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from pmo.core.history import history_for
from pmo.core.locking import StaleObjectError
from pmo.core.mixins import (
    ServiceFormMixin,
    SortableListMixin,
    apply_form_errors,
    keep_input_for_resubmit,
    safe_next_url,
)
from risks import access
from risks.forms.register import (
    RiskAssessForm,
    RiskCloseForm,
    RiskCreateForm,
    RiskEditForm,
    RiskProposeForm,
    RiskRegisterFilter,
    RiskReopenForm,
    RiskResponseForm,
    RiskStatusForm,
)
from risks.models import Risk, RiskStatus
from risks.selectors import register as selectors
from risks.selectors.matrix import load_matrix
from risks.services import risks as services
from risks.services import rules
from risks.views.base import RegisterMixin, RowMixin

PAGE_SIZE = 25
LAYOUTS = ("project", "rollup")


def _layout(request) -> str:
    value = request.POST.get("layout") or request.GET.get("layout")
    return value if value in LAYOUTS else "project"


def detail_url(risk: Risk) -> str:
    return reverse("risks:risk_detail", kwargs={"ref": risk.reference})


def _closed_register_message(register) -> str:
    try:
        services.ensure_register_open(register)
    except ValidationError as error:
        return error.messages[0]
    return ""


# --- The register ------------------------------------------------------------------------
class RegisterView(RegisterMixin, SortableListMixin, ListView):
    """One register's risks; a program's or portfolio's includes the registers below it."""

    template_name = "risks/register/register.html"
    context_object_name = "risks"
    paginate_by = PAGE_SIZE
    default_sort = "-current"
    sort_fields = {
        "ref": ("project__code", "program__code", "portfolio__code", "number"),
        "register": ("project__code", "program__code", "portfolio__code"),
        "title": ("title",),
        "kind": ("kind",),
        "category": ("category__position", "category__name"),
        "owner": ("owner__last_name", "owner__first_name"),
        "status": ("status",),
        "inherent": ("inherent_score",),
        "current": ("current_score",),
        "proximity": ("proximity_date",),
        "review": ("next_review_on",),
    }

    def get(self, request, *args, **kwargs):
        self.matrix = load_matrix()
        self.appetite = selectors.appetite_of(self.register)
        self.filterset = RiskRegisterFilter(
            request.GET,
            queryset=selectors.register_risks(self.register),
            register=self.register,
            matrix=self.matrix,
            appetite=self.appetite,
        )
        self.filter_valid = self.filterset.is_valid()
        response = super().get(request, *args, **kwargs)
        if not self.filter_valid:
            response.status_code = 400
        return response

    def get_queryset(self):
        if not self.filter_valid:
            return self.filterset.queryset.none()
        return self.apply_sort(self.filterset.qs)

    def apply_sort(self, queryset):
        # Empty scores and dates go last whichever way the column is sorted.
        key = self.current_sort()
        descending = key.startswith("-")
        order = [
            F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
            for name in self.sort_fields[key.lstrip("-")]
        ]
        return queryset.order_by(*order, "number", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        register = self.register
        can_manage = context["can_manage_register"]
        closed_message = _closed_register_message(register)
        rows = selectors.decorate_rows(
            list(context["risks"]),
            user=user,
            register=register,
            matrix=self.matrix,
            can_manage_here=can_manage,
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        kind = register.kind
        context.update(
            risks=rows,
            matrix=self.matrix,
            summary=selectors.register_summary(
                register, matrix=self.matrix, appetite=self.appetite
            ),
            filter=self.filterset,
            filter_query=query.urlencode(),
            is_filtered=any(v for k, v in self.request.GET.items() if k not in ("page", "sort")),
            layout="project" if kind == "project" else "rollup",
            rollup=kind != "project",
            register_open=not closed_message,
            closed_message=closed_message,
            can_manage=can_manage and not closed_message,
            can_propose=not closed_message and (can_manage or access.can_propose(user, register)),
            create_url=register.url("risk_create"),
            export_name=f"risks:{kind}_export",
            import_name=f"risks:{kind}_import",
            triage_name=f"risks:{kind}_triage",
            next_url=self.request.get_full_path(),
            today=timezone.localdate(),
        )
        return context


# --- Adding or proposing a risk ----------------------------------------------------------
class RiskCreateView(RegisterMixin, ServiceFormMixin, FormView):
    """Managers add a risk with the full form; team members propose one for triage."""

    template_name = "risks/register/create.html"
    register_action = access.PROPOSE

    def dispatch(self, request, *args, **kwargs):
        self.register = access.get_register_for_user(
            request.user, kwargs["kind"], kwargs["code"], self.register_action
        )
        self.manages = access.can_manage_register(request.user, self.register)
        return super(RegisterMixin, self).dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return RiskCreateForm if self.manages else RiskProposeForm

    def get_initial(self):
        if self.manages:
            return {"owner": self.request.user.pk, "currency": self.register.default_currency}
        return {}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "register": self.register,
            "instance": Risk(**self.register.scope_kwargs()),
        }

    def get_breadcrumbs(self):
        label = _("New risk") if self.manages else _("Propose a risk")
        return [*super().get_breadcrumbs(), (label, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            manages=self.manages,
            closed_message=_closed_register_message(self.register),
        )
        return context

    def save(self, form):
        return services.risk_create(
            register=self.register,
            by=self.request.user,
            data=form.service_data(),
            proposed=not self.manages,
        )

    def success_message(self, risk):
        if risk.status == RiskStatus.PROPOSED:
            return _(
                "%(ref)s proposed. The register's managers will accept or reject it in triage."
            ) % {"ref": risk.reference}
        return _("%(ref)s added to the register.") % {"ref": risk.reference}

    def success_url_for(self, risk):
        return detail_url(risk)


# --- One risk ----------------------------------------------------------------------------
def _permissions(user, risk, register) -> tuple[bool, bool, str]:
    """(may update, may manage, closed-register message) for the risk's page."""
    closed_message = _closed_register_message(register)
    can_manage = access.can_manage_register(user, register)
    can_update = access.can_update(user, risk, can_manage=can_manage)
    if closed_message:
        return False, False, closed_message
    return can_update, can_manage, ""


class RiskRowMixin(RowMixin):
    """A risk's page; the row is fetched through the access rules with ``row_action``."""

    row_getter = staticmethod(selectors.get_risk_row)

    def get_breadcrumbs(self):
        return [
            *super().get_breadcrumbs()[:-1],
            (self.row.reference, detail_url(self.row)),
            *self.page_crumbs(),
        ]

    def page_crumbs(self) -> list:
        return []


class RiskDetailView(RiskRowMixin, TemplateView):
    template_name = "risks/detail/detail.html"
    row_getter = staticmethod(selectors.get_risk_detail)

    def get_breadcrumbs(self):
        return RowMixin.get_breadcrumbs(self)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        risk = self.row
        user = self.request.user
        matrix = load_matrix()
        can_update, can_manage, closed_message = _permissions(user, risk, self.register)
        appetite = selectors.appetite_of(self.register)
        context.update(
            risk=risk,
            matrix=matrix,
            can_update=can_update and not risk.is_final,
            can_manage=can_manage and not risk.is_final,
            can_reopen=can_update and risk.is_final,
            closed_message=closed_message,
            status_class=selectors.STATUS_CLASSES.get(risk.status, "text-bg-secondary"),
            inherent_badge=selectors.badge_for(risk.inherent_score, matrix),
            residual_badge=selectors.badge_for(risk.residual_score, matrix),
            current_badge=selectors.badge_for(risk.current_score, matrix),
            labels={
                "inherent_probability": matrix.probability_label(risk.inherent_probability),
                "inherent_impact": matrix.impact_label(risk.inherent_impact),
                "residual_probability": matrix.probability_label(risk.residual_probability),
                "residual_impact": matrix.impact_label(risk.residual_impact),
            },
            emv=selectors.risk_emv(risk, matrix),
            appetite=appetite,
            above_appetite=risk.is_open and rules.is_above_appetite(risk.current_score, appetite),
            history=history_for(risk, limit=100),
            register_url=self.register.url("register"),
            next_url=self.request.get_full_path(),
        )
        return context


class RiskFormView(RiskRowMixin, ServiceFormMixin, FormView):
    """A full form on one risk, saved through a service with the row's version."""

    form_class = None
    page_title = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.row, "register": self.register}

    def page_crumbs(self):
        return [(self.page_title, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        risk = self.row
        refused = _closed_register_message(self.register)
        if not refused and risk.is_final:
            refused = _("%(ref)s is %(status)s: reopen it first if it needs to change.") % {
                "ref": risk.reference,
                "status": risk.get_status_display().lower(),
            }
        context.update(
            risk=risk,
            page_title=self.page_title,
            refused=refused,
            can_reopen=risk.is_final and access.can_update(self.request.user, risk),
            status_class=selectors.STATUS_CLASSES.get(risk.status, "text-bg-secondary"),
        )
        return context

    def success_url_for(self, risk):
        return detail_url(risk)


class RiskEditView(RiskFormView):
    template_name = "risks/register/form.html"
    form_class = RiskEditForm
    row_action = access.MANAGE

    @property
    def page_title(self):
        return _("Edit")

    def save(self, form):
        return services.risk_update(
            risk=form.instance,
            by=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, risk):
        return _("%(ref)s saved.") % {"ref": risk.reference}


class RiskAssessView(RiskFormView):
    template_name = "risks/register/assess.html"
    form_class = RiskAssessForm
    row_action = access.UPDATE

    @property
    def page_title(self):
        return _("Assess")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matrix = load_matrix()
        context.update(
            matrix=matrix,
            grid=_matrix_grid(matrix, self.row),
            bands=list(selectors.band_badges(matrix).values()),
        )
        return context

    def save(self, form):
        return services.risk_assess(
            risk=form.instance,
            by=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, risk):
        return _("Assessment of %(ref)s saved: score %(score)s.") % {
            "ref": risk.reference,
            "score": risk.current_score,
        }


def _matrix_grid(matrix, risk) -> list[dict]:
    """The 5 x 5 matrix as rows (probability 5 at the top) of coloured score cells, with
    the cells where the risk stands now (as saved) marked."""
    inherent = (risk.inherent_probability, risk.inherent_impact)
    residual = (risk.residual_probability, risk.residual_impact)
    rows = []
    for p_level in reversed(matrix.probability):
        cells = []
        for i_level in matrix.impact:
            score = p_level.value * i_level.value
            cell = (p_level.value, i_level.value)
            cells.append(
                {
                    "score": score,
                    "badge": selectors.badge_for(score, matrix),
                    "inherent": cell == inherent,
                    "residual": cell == residual,
                }
            )
        rows.append({"level": p_level, "cells": cells})
    return rows


class RiskResponseView(RiskFormView):
    template_name = "risks/register/form.html"
    form_class = RiskResponseForm
    row_action = access.UPDATE

    @property
    def page_title(self):
        return _("Response")

    def save(self, form):
        return services.risk_set_response(
            risk=form.instance,
            by=self.request.user,
            data=form.service_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, risk):
        return _("Response to %(ref)s saved.") % {"ref": risk.reference}


class _ReasonFormView(RiskFormView):
    template_name = "risks/register/reason.html"
    row_action = access.UPDATE
    submit_label = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(submit_label=self.submit_label, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance")
        kwargs.pop("register")
        return {**kwargs, "risk": self.row}


class RiskCloseView(_ReasonFormView):
    form_class = RiskCloseForm
    submit_label = gettext_lazy("Close the risk")

    @property
    def page_title(self):
        return _("Close")

    def save(self, form):
        return services.risk_close(
            risk=self.row,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.expected_version,
        )

    def success_message(self, risk):
        return _("%(ref)s closed.") % {"ref": risk.reference}


class RiskReopenView(_ReasonFormView):
    form_class = RiskReopenForm
    submit_label = gettext_lazy("Reopen the risk")

    @property
    def page_title(self):
        return _("Reopen")

    def get(self, request, *args, **kwargs):
        if not self.row.is_final:
            messages.info(
                request,
                _("%(ref)s is %(status)s, not closed: there is nothing to reopen.")
                % {"ref": self.row.reference, "status": self.row.get_status_display().lower()},
            )
            return HttpResponseRedirect(detail_url(self.row))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A closed risk is what this page is for: only a closed register refuses.
        context["refused"] = _closed_register_message(self.register)
        return context

    def save(self, form):
        return services.risk_reopen(
            risk=self.row,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.expected_version,
        )

    def success_message(self, risk):
        return _("%(ref)s reopened as %(status)s.") % {
            "ref": risk.reference,
            "status": risk.get_status_display().lower(),
        }


# --- The quick status change on the register row -----------------------------------------
class RiskStatusView(RiskRowMixin, TemplateView):
    """GET: the row's status form (htmx) or a small page; ``?row=1`` the plain row again.
    POST: change the status and answer with the row (htmx) or go back (no JavaScript)."""

    row_action = access.UPDATE

    def dispatch(self, request, *args, **kwargs):
        self.layout = _layout(request)
        return super().dispatch(request, *args, **kwargs)

    def page_crumbs(self):
        return [(_("Status"), None)]

    def check_allowed(self):
        if not access.can_update(self.request.user, self.row, register=self.register):
            raise PermissionDenied

    def row_context(self, **kwargs) -> dict:
        user = self.request.user
        can_manage = access.can_manage_register(user, self.register)
        selectors.decorate_row(self.row, user=user, matrix=load_matrix(), can_manage=can_manage)
        return {
            "r": self.row,
            "layout": self.layout,
            "next_url": safe_next_url(self.request, self.register.url("register")),
            "today": timezone.localdate(),
            **kwargs,
        }

    def get_template_names(self):
        if self.request.htmx:
            return ["risks/register/_row_status.html"]
        return ["risks/register/status.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.row_context())
        context["refused"] = _closed_register_message(self.register) or (
            _("%(ref)s is %(status)s: reopen it first if it needs to change.")
            % {"ref": self.row.reference, "status": self.row.get_status_display().lower()}
            if self.row.is_final
            else ""
        )
        context["risk"] = self.row
        return context

    def _row_response(self, **kwargs):
        return self.response_class(
            request=self.request,
            template=["risks/register/_row.html"],
            context=self.row_context(**kwargs),
            using=self.template_engine,
        )

    def get(self, request, *args, **kwargs):
        self.check_allowed()
        if request.htmx and request.GET.get("row"):
            return self._row_response()
        form = RiskStatusForm(risk=self.row)
        return self.render_to_response(self.get_context_data(form=form))

    def _reload(self):
        self.row = selectors.get_risk_row(self.request.user, self.row.reference)

    def post(self, request, *args, **kwargs):
        self.check_allowed()
        form = RiskStatusForm(request.POST, risk=self.row)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            services.risk_set_status(
                risk=self.row,
                by=request.user,
                status=form.cleaned_data["status"],
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"] or self.row.version,
            )
        except StaleObjectError as error:
            keep_input_for_resubmit(form, error)
            self._reload()
            form.risk = self.row
            context = self.get_context_data(form=form, stale_error=error)
            return self.render_to_response(context, status=409)
        except ValidationError as error:
            self._reload()
            apply_form_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        self._reload()
        if not request.htmx:
            messages.success(
                request,
                _("%(ref)s is now %(status)s.")
                % {"ref": self.row.reference, "status": self.row.get_status_display().lower()},
            )
            return HttpResponseRedirect(safe_next_url(request, detail_url(self.row)))
        return self._row_response(saved=True)

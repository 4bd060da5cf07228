"""Issue pages: the issues log of a register (with the registers below it for a program or
portfolio), logging an issue, recording that a risk occurred, an issue's page, and its
edit, escalate, close and reopen forms."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from pmo.core.history import history_for
from pmo.core.mixins import CsvExportMixin, ServiceFormMixin, SortableListMixin
from risks import access
from risks.forms.issues import (
    CloseForm,
    EscalateForm,
    IssueFilterForm,
    IssueForm,
    IssueFromRiskForm,
    ReopenForm,
)
from risks.models import IssueStatus
from risks.selectors import issues as selectors
from risks.selectors.actions import OPEN_STATUSES
from risks.selectors.matrix import load_matrix
from risks.services import issues as services
from risks.services.actions import parent_is_open
from risks.views.base import RegisterMixin, RowMixin, register_breadcrumbs

AREA = "issues"


def issue_url(issue) -> str:
    return reverse("risks:issue_detail", args=[issue.reference])


def _closed_register_message(register) -> str:
    if register.kind == "project" and register.obj.is_closed:
        return _("%(code)s is %(status)s: its issues log can no longer change.") % {
            "code": register.code,
            "status": register.obj.get_status_display().lower(),
        }
    return ""


def _issue_csv_columns():
    return [
        (gettext_lazy("Reference"), lambda i: i.reference),
        (gettext_lazy("Register"), lambda i: i.container.code),
        (gettext_lazy("Title"), lambda i: i.title),
        (gettext_lazy("Severity"), lambda i: i.get_severity_display()),
        (gettext_lazy("Status"), lambda i: i.get_status_display()),
        (gettext_lazy("Owner"), lambda i: i.owner),
        (gettext_lazy("Raised on"), lambda i: i.raised_on.isoformat()),
        (gettext_lazy("Resolve by"), lambda i: i.due_date.isoformat() if i.due_date else ""),
        (gettext_lazy("From risk"), lambda i: i.risk.reference if i.risk_id else ""),
        (gettext_lazy("Escalated to"), lambda i: i.escalated_to or ""),
        (gettext_lazy("Open actions"), lambda i: i.open_actions),
        (gettext_lazy("Closed on"), lambda i: i.closed_on.isoformat() if i.closed_on else ""),
        (gettext_lazy("Resolution"), lambda i: i.resolution),
        (gettext_lazy("Description"), lambda i: i.description),
    ]


class IssueLogView(RegisterMixin, SortableListMixin, CsvExportMixin, ListView):
    """The issues log: open issues by default, filter by status, severity and owner."""

    template_name = "risks/issues/list.html"
    context_object_name = "issues"
    paginate_by = settings.PAGE_SIZE
    register_area = AREA
    default_sort = "-severity"
    sort_fields = {
        "ref": ("project__code", "program__code", "portfolio__code", "number"),
        "title": ("title",),
        "severity": ("severity_rank", "raised_on"),
        "status": ("status",),
        "owner": ("owner__last_name", "owner__first_name"),
        "raised": ("raised_on",),
        "due": ("due_date",),
        "actions": ("open_actions",),
    }
    csv_columns = _issue_csv_columns()

    @property
    def csv_filename(self):
        return f"{self.register.code}-issues.csv"

    def get(self, request, *args, **kwargs):
        self.filter_form = IssueFilterForm(
            request.GET or None, owners=selectors.issue_owners(self.register, request.user)
        )
        self.filter_valid = self.filter_form.is_valid() if self.filter_form.is_bound else True
        response = super().get(request, *args, **kwargs)
        if not self.filter_valid:
            response.status_code = 400
        return response

    def get_queryset(self):
        qs = selectors.register_issues(self.register, self.request.user)
        if not self.filter_valid:
            return qs.none()
        data = self.filter_form.cleaned_data if self.filter_form.is_bound else {}
        qs = selectors.filter_issues(
            qs,
            status=data.get("status") or selectors.STATUS_OPEN,
            severity=data.get("severity") or "",
            owner=data.get("owner"),
        )
        return self.apply_sort(qs)

    def get_breadcrumbs(self):
        return [*register_breadcrumbs(self.register), (_("Issues"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        closed_message = _closed_register_message(self.register)
        context.update(
            filter_form=self.filter_form,
            filter_query=query.urlencode(),
            is_filtered=any(v for k, v in self.request.GET.items() if k not in ("page", "sort")),
            can_log=not closed_message and services.can_log_issue(self.request.user, self.register),
            closed_message=closed_message,
            rollup=self.register.kind != "project",
            create_url=self.register.url("issue_create"),
            today=timezone.localdate(),
        )
        return context


class IssueFormMixin(ServiceFormMixin):
    template_name = "risks/issues/form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["closed_message"] = _closed_register_message(self.register)
        return context

    def success_url_for(self, issue):
        return issue_url(issue)


class IssueCreateView(RegisterMixin, IssueFormMixin, FormView):
    """Log an issue directly: register managers, and a project's team."""

    form_class = IssueForm
    register_action = access.PROPOSE
    register_area = AREA

    def get_initial(self):
        return {"raised_on": timezone.localdate(), "owner": self.request.user.pk}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "register": self.register}

    def get_breadcrumbs(self):
        return [
            *register_breadcrumbs(self.register),
            (_("Issues"), self.register.url("issues")),
            (_("Log an issue"), None),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(page_title=_("Log an issue"), cancel_url=self.register.url("issues"))
        return context

    def save(self, form):
        return services.issue_create(
            register=self.register, by=self.request.user, data=form.model_data()
        )

    def success_message(self, issue):
        return _("Issue %(ref)s logged.") % {"ref": issue.reference}


def _get_issue_detail(user, ref, action):
    return access.get_issue_for_user(user, ref, action, queryset=selectors.issue_detail_queryset())


class IssueRowMixin(RowMixin):
    """A page of one issue: the frame of its register, the issues tab."""

    row_getter = staticmethod(access.get_issue_for_user)
    register_area = AREA

    @property
    def issue(self):
        return self.row

    def _issues_trail(self):
        return [*register_breadcrumbs(self.register), (_("Issues"), self.register.url("issues"))]

    def get_breadcrumbs(self):
        return [*self._issues_trail(), (self.row.reference, None)]

    def issue_breadcrumbs(self, label):
        return [*self._issues_trail(), (self.row.reference, issue_url(self.row)), (label, None)]


class IssueDetailView(IssueRowMixin, TemplateView):
    template_name = "risks/issues/detail.html"
    row_getter = staticmethod(_get_issue_detail)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        issue = self.row
        can_manage = access.can_manage_register(user, self.register)
        can_update = services.can_update_issue(user, issue, can_manage=can_manage)
        register_open = not _closed_register_message(self.register)
        actions = list(issue.actions.all())
        context.update(
            issue=issue,
            actions=actions,
            open_actions=[a for a in actions if a.status in OPEN_STATUSES],
            can_update=can_update and register_open,
            can_manage=can_manage,
            parent_open=register_open and parent_is_open(issue),
            closed_message=_closed_register_message(self.register),
            history=history_for(issue, limit=100),
            today=timezone.localdate(),
            next_url=self.request.get_full_path(),
        )
        return context


class IssueEditView(IssueRowMixin, IssueFormMixin, FormView):
    form_class = IssueForm
    row_action = access.UPDATE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.row, "register": self.register}

    def get_breadcrumbs(self):
        return self.issue_breadcrumbs(_("Edit"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page_title=_("Edit %(ref)s") % {"ref": self.row.reference},
            cancel_url=issue_url(self.row),
            issue=self.row,
            issue_closed=self.row.status == IssueStatus.CLOSED,
        )
        return context

    def save(self, form):
        return services.issue_update(
            issue=form.instance,
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, issue):
        return _("Issue %(ref)s saved.") % {"ref": issue.reference}


class IssueStepView(IssueRowMixin, ServiceFormMixin, FormView):
    """Escalate, close or reopen: a small form on its own page. When the issue is not in
    a state the step applies to, GET returns to the issue's page with a message."""

    template_name = "risks/issues/step.html"
    row_action = access.UPDATE
    step_title = ""
    applies_to: tuple = ()
    not_applicable = ""
    submit_label = ""
    submit_class = "btn-primary"

    def get(self, request, *args, **kwargs):
        if self.row.status not in self.applies_to:
            messages.info(request, self.not_applicable % {"ref": self.row.reference})
            return HttpResponseRedirect(issue_url(self.row))
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.row.version}

    def get_breadcrumbs(self):
        return self.issue_breadcrumbs(self.step_title)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            issue=self.row,
            page_title=self.step_title,
            submit_label=self.submit_label,
            submit_class=self.submit_class,
            cancel_url=issue_url(self.row),
            closed_message=_closed_register_message(self.register),
        )
        return context

    def expected_version(self, form) -> int:
        return form.cleaned_data.get("version") or self.row.version

    def success_url_for(self, issue):
        return issue_url(issue)


class IssueEscalateView(IssueStepView):
    form_class = EscalateForm
    step_title = gettext_lazy("Escalate")
    applies_to = tuple(IssueStatus.open_values())
    not_applicable = gettext_lazy("%(ref)s is closed: reopen it before escalating it.")
    submit_label = gettext_lazy("Escalate")
    submit_class = "btn-danger"
    step_help = gettext_lazy(
        "Escalating hands the issue upwards for a decision its owner cannot take. It stays "
        "in the log, marked as escalated to the person you choose, until it is closed."
    )

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "register": self.register,
            "exclude_user": self.request.user,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(step_help=self.step_help, **kwargs)

    def save(self, form):
        return services.issue_escalate(
            issue=self.row,
            by=self.request.user,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
            expected_version=self.expected_version(form),
        )

    def success_message(self, issue):
        return _("%(ref)s escalated to %(who)s.") % {
            "ref": issue.reference,
            "who": issue.escalated_to,
        }


class IssueCloseView(IssueStepView):
    form_class = CloseForm
    step_title = gettext_lazy("Close the issue")
    applies_to = tuple(IssueStatus.open_values())
    not_applicable = gettext_lazy("%(ref)s is already closed.")
    submit_label = gettext_lazy("Close issue")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["open_actions"] = list(
            self.row.actions.filter(status__in=OPEN_STATUSES).select_related("owner")
        )
        return context

    def save(self, form):
        return services.issue_close(
            issue=self.row,
            by=self.request.user,
            resolution=form.cleaned_data["resolution"],
            closed_on=form.cleaned_data["closed_on"],
            expected_version=self.expected_version(form),
        )

    def success_message(self, issue):
        return _("%(ref)s closed.") % {"ref": issue.reference}


class IssueReopenView(IssueStepView):
    form_class = ReopenForm
    step_title = gettext_lazy("Reopen the issue")
    applies_to = (IssueStatus.CLOSED,)
    not_applicable = gettext_lazy("%(ref)s is not closed.")
    submit_label = gettext_lazy("Reopen issue")
    submit_class = "btn-outline-primary"

    def save(self, form):
        return services.issue_reopen(
            issue=self.row,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
            expected_version=self.expected_version(form),
        )

    def success_message(self, issue):
        return _("%(ref)s reopened.") % {"ref": issue.reference}


class IssueFromRiskView(RowMixin, IssueFormMixin, FormView):
    """Record that a risk occurred: a new issue prefilled from the risk."""

    form_class = IssueFromRiskForm
    row_action = access.UPDATE
    register_area = "register"
    template_name = "risks/issues/from_risk.html"

    def get_initial(self):
        return services.issue_initial_from_risk(self.row, matrix=load_matrix())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "register": self.register, "risk": self.row}

    def get_breadcrumbs(self):
        return [
            *register_breadcrumbs(self.register),
            (self.row.reference, reverse("risks:risk_detail", args=[self.row.reference])),
            (_("Record that it occurred"), None),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            risk=self.row,
            risk_url=reverse("risks:risk_detail", args=[self.row.reference]),
            risk_open=self.row.is_open,
        )
        return context

    def save(self, form):
        return services.issue_from_risk(
            risk=self.row,
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, issue):
        return _("%(risk)s recorded as occurred; issue %(ref)s logged.") % {
            "risk": self.row.reference,
            "ref": issue.reference,
        }

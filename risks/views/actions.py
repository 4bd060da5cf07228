"""Action pages: add an action to a risk or an issue, edit one, and the inline status change.

The status change is a POST from the action's row: with htmx the row is swapped in place;
without JavaScript the page redirects back to where the user came from.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from pmo.core.locking import StaleObjectError
from pmo.core.mixins import BreadcrumbsMixin, ServiceFormMixin, safe_next_url
from risks import access
from risks.forms.actions import ActionForm, ActionStatusForm
from risks.models import ActionStatus, Risk
from risks.registers import register_of
from risks.selectors.actions import get_action_for_user
from risks.services import actions as services
from risks.templatetags.risk_actions import actions_can_change
from risks.views.base import RowMixin, frame_context, register_breadcrumbs


def parent_url(parent) -> str:
    name = "risks:risk_detail" if isinstance(parent, Risk) else "risks:issue_detail"
    return reverse(name, args=[parent.reference])


def _parent_trail(register, parent) -> list:
    trail = register_breadcrumbs(register)
    if not isinstance(parent, Risk):
        trail.append((_("Issues"), register.url("issues")))
    return [*trail, (parent.reference, parent_url(parent) + "#actions")]


class ActionFormMixin(ServiceFormMixin):
    form_class = ActionForm
    template_name = "risks/actions/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "register": self.register}

    def success_url_for(self, action):
        return parent_url(self.parent) + "#actions"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            parent=self.parent,
            parent_is_risk=isinstance(self.parent, Risk),
            parent_url=parent_url(self.parent),
            parent_open=actions_can_change(self.parent),
        )
        return context


class ActionCreateView(RowMixin, ActionFormMixin, FormView):
    """Add an action to a risk; ``IssueActionCreateView`` adds one to an issue."""

    row_action = access.UPDATE
    parent_kind = "risk"

    @property
    def parent(self):
        return self.row

    def get_initial(self):
        owner = self.row.owner_id or self.request.user.pk
        return {"owner": owner, "status": ActionStatus.PLANNED}

    def get_breadcrumbs(self):
        return [*_parent_trail(self.register, self.row), (_("New action"), None)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=None, **kwargs)

    def save(self, form):
        kind = {self.parent_kind: self.row}
        return services.action_create(**kind, by=self.request.user, data=form.model_data())

    def success_message(self, action):
        return _("Action “%(name)s” added to %(ref)s.") % {
            "name": action.description,
            "ref": self.row.reference,
        }


class IssueActionCreateView(ActionCreateView):
    row_getter = staticmethod(access.get_issue_for_user)
    register_area = "issues"
    parent_kind = "issue"


class ActionMixin(BreadcrumbsMixin):
    """A page of one action: fetched through its risk's or issue's visibility (404), in the
    frame of its register. ``require_manage`` refuses (403) users who may not edit it."""

    require_manage = False

    def dispatch(self, request, *args, **kwargs):
        self.action = get_action_for_user(request.user, kwargs["pk"])
        self.parent = services.parent_of(self.action)
        self.register = register_of(self.parent)
        if self.require_manage and not services.can_manage_actions(request.user, self.parent):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = "register" if isinstance(self.parent, Risk) else "issues"
        context.update(frame_context(self.register, area))
        return context


class ActionEditView(ActionMixin, ActionFormMixin, FormView):
    require_manage = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.action}

    def get_breadcrumbs(self):
        return [*_parent_trail(self.register, self.parent), (_("Edit action"), None)]

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=self.action, **kwargs)

    def save(self, form):
        return services.action_update(
            action=form.instance,
            by=self.request.user,
            data=form.model_data(),
            expected_version=form.expected_version,
        )

    def success_message(self, action):
        return _("Action “%(name)s” saved.") % {"name": action.description}


class ActionStatusView(ActionMixin, View):
    """POST only: change one action's status from its row."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        can_update = services.can_manage_actions(request.user, self.parent)
        if not services.can_set_status(request.user, self.action, can_update=can_update):
            raise PermissionDenied
        form = ActionStatusForm(request.POST)
        back = safe_next_url(request, parent_url(self.parent) + "#actions")
        error, status = "", 200
        if not form.is_valid():
            error, status = _("Choose one of the listed statuses."), 400
        else:
            try:
                self.action = services.action_set_status(
                    action=self.action,
                    by=request.user,
                    status=form.cleaned_data["status"],
                    expected_version=form.cleaned_data["version"] or self.action.version,
                )
            except StaleObjectError as stale:
                error, status = (
                    _(
                        "%(who)s changed this action after you opened the page; "
                        "it is shown as it is now. Choose again if needed."
                    )
                    % {"who": stale.changed_by or _("Someone else")},
                    409,
                )
            except ValidationError as invalid:
                error, status = " ".join(invalid.messages), 400
        if not request.htmx:
            if error:
                messages.error(request, error)
            else:
                messages.success(
                    request,
                    _("“%(name)s” is now %(status)s.")
                    % {
                        "name": self.action.description,
                        "status": self.action.get_status_display().lower(),
                    },
                )
            return HttpResponseRedirect(back)
        action = get_action_for_user(request.user, self.action.pk)
        context = {
            "a": action,
            "can_update": can_update,
            "parent_open": actions_can_change(self.parent),
            "next_url": back,
            "saved": not error,
            "row_error": error,
        }
        return TemplateResponse(request, "risks/actions/_row.html", context, status=status)

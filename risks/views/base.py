"""What every register page shares: fetching the register or row through the access rules,
the frame (a project's tabs, or the program/portfolio header) and the register's tabs."""

from django.urls import reverse
from django.utils.translation import gettext as _

from pmo.core.mixins import BreadcrumbsMixin
from risks import access
from risks.navigation import register_tabs
from risks.registers import Register, register_of

PROJECT_FRAME = "projects/project_base.html"
CONTAINER_FRAME = "risks/container_base.html"


def frame_context(register: Register, area: str) -> dict:
    """Template context that puts a page inside its register's frame and tabs."""
    return {
        "register": register,
        "base_template": PROJECT_FRAME if register.kind == "project" else CONTAINER_FRAME,
        "project": register.obj if register.kind == "project" else None,
        "project_area": "risks",
        "register_tabs": register_tabs(register, area),
        "register_area": area,
    }


def register_breadcrumbs(register: Register) -> list[tuple[str, str | None]]:
    if register.kind == "project":
        trail = [
            (_("Projects"), reverse("projects:project_list")),
            (register.code, register.obj.get_absolute_url()),
        ]
    elif register.kind == "program":
        trail = [
            (_("Portfolios"), reverse("projects:portfolio_list")),
            (register.code, reverse("projects:program_detail", args=[register.code])),
        ]
    else:
        trail = [
            (_("Portfolios"), reverse("projects:portfolio_list")),
            (register.code, reverse("projects:portfolio_detail", args=[register.code])),
        ]
    return [*trail, (_("Risks"), register.url("register"))]


class RegisterMixin(BreadcrumbsMixin):
    """A page of one register. URLs pass ``kind`` (project, program, portfolio) and ``code``.

    ``register_action`` is checked on dispatch: ``access.VIEW``, ``PROPOSE`` or ``MANAGE``.
    ``register_area`` names the register tab to highlight.
    """

    register_action = access.VIEW
    register_area = "register"

    def dispatch(self, request, *args, **kwargs):
        self.register = access.get_register_for_user(
            request.user, kwargs["kind"], kwargs["code"], self.register_action
        )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return register_breadcrumbs(self.register)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(frame_context(self.register, self.register_area))
        context["can_manage_register"] = access.can_manage_register(
            self.request.user, self.register
        )
        return context


class RowMixin(BreadcrumbsMixin):
    """A page of one risk or issue, fetched by reference through the access rules.

    Subclasses set ``row_getter`` (``access.get_risk_for_user`` or ``get_issue_for_user``)
    and ``row_action``; the row is ``self.row`` and its register ``self.register``.
    """

    row_getter = staticmethod(access.get_risk_for_user)
    row_action = access.VIEW
    register_area = "register"

    def dispatch(self, request, *args, **kwargs):
        self.row = self.row_getter(request.user, kwargs["ref"], self.row_action)
        self.register = register_of(self.row)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs(self):
        return [*register_breadcrumbs(self.register), (self.row.reference, None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(frame_context(self.register, self.register_area))
        return context

"""Navigation shown in base.html: only areas that have real pages appear."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pmo.core import policy

AREAS = [
    # (key, label, url name, visible to)
    ("portfolio", _("Portfolio"), "projects:portfolio_list", None),
    ("projects", _("Projects"), "projects:project_list", None),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = ""
    if match is not None:
        current = "portfolio" if match.url_name and match.url_name.startswith(("portfolio", "program")) else match.namespace
    items = [
        {"key": key, "label": label, "url": reverse(url_name), "active": key == current}
        for key, label, url_name, _roles in AREAS
    ]
    return {
        "nav_areas": items,
        "can_create_project": policy.can_create_project(user),
    }

"""Navigation shown in base.html: only areas that have real pages appear."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pmo.core import policy

# (key, label, url name). URL names starting with a key's prefixes light that area up.
AREAS = [
    ("portfolio", _("Portfolio"), "projects:portfolio_list", ("portfolio", "program")),
    ("projects", _("Projects"), "projects:project_list", ("project", "my_projects", "membership")),
]


def _current_area(request) -> str:
    match = getattr(request, "resolver_match", None)
    url_name = (match.url_name or "") if match else ""
    for key, _label, _url, prefixes in AREAS:
        if url_name.startswith(prefixes):
            return key
    return ""


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = _current_area(request)
    return {
        "nav_areas": [
            {"key": key, "label": label, "url": reverse(url_name), "active": key == current}
            for key, label, url_name, _prefixes in AREAS
        ],
        "can_create_project": policy.can_create_project(user),
    }

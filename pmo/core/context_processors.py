"""Navigation shown in base.html: only areas that have real pages appear."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from pmo.core import policy

# (key, label, url name). URL names starting with a key's prefixes light that area up.
AREAS = [
    ("portfolio", _("Portfolio"), "projects:portfolio_list", ("portfolio", "program")),
    ("projects", _("Projects"), "projects:project_list", ("project", "my_projects", "membership")),
    ("milestones", _("My milestones"), "projects:my_milestones", ("my_milestones",)),
    ("methodology", _("Methodology"), "projects:methodology", ("methodology", "gate_criteria")),
    ("risks", _("Risks"), "risks:home", ()),
]


def _current_area(request) -> str:
    match = getattr(request, "resolver_match", None)
    url_name = (match.url_name or "") if match else ""
    if match and match.namespace == "risks":
        return "risks"
    for key, _label, _url, prefixes in AREAS:
        if url_name.startswith(prefixes):
            return key
    if match and match.namespace == "projects" and "code" in match.kwargs:
        return "projects"  # a project's area page (charter, schedule, ...)
    return ""


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = _current_area(request)
    areas = []
    for key, label, url_name, _prefixes in AREAS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # the area has no pages yet
            continue
        areas.append({"key": key, "label": label, "url": url, "active": key == current})
    return {
        "nav_areas": areas,
        "can_create_project": policy.can_create_project(user),
    }

"""The areas of a project's pages, in the order a project manager works through them."""

from django.utils.translation import gettext_lazy as _

# (key, label, URL name taking the project code)
PROJECT_AREAS = [
    ("overview", _("Overview"), "projects:project_detail"),
    ("charter", _("Charter"), "projects:charter"),
    ("scope", _("Scope"), "projects:scope"),
    ("schedule", _("Schedule"), "projects:schedule"),
    ("milestones", _("Milestones"), "projects:milestones"),
    ("budget", _("Budget"), "projects:budget"),
    ("gates", _("Stage gates"), "projects:gates"),
    ("reports", _("Status reports"), "projects:reports"),
    ("risks", _("Risks"), "risks:project_register"),
]

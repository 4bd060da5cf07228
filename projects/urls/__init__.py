"""All routes of the projects app, one module per planning area, in one namespace."""

from projects.urls import core, milestones

app_name = "projects"

urlpatterns = [
    *core.urlpatterns,
    *milestones.urlpatterns,
]

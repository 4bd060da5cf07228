"""All routes of the projects app, one module per planning area, in one namespace."""

from projects.urls import charter, core, milestones, schedule, scope

app_name = "projects"

urlpatterns = [
    *core.urlpatterns,
    *schedule.urlpatterns,
    *charter.urlpatterns,
    *scope.urlpatterns,
    *milestones.urlpatterns,
]

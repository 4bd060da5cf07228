"""All routes of the projects app, one module per planning area, in one namespace."""

from projects.urls import charter, core, milestones, schedule, schedule_io, scope

app_name = "projects"

urlpatterns = [
    *core.urlpatterns,
    *schedule.urlpatterns,
    *schedule_io.urlpatterns,
    *charter.urlpatterns,
    *scope.urlpatterns,
    *milestones.urlpatterns,
]

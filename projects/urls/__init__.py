"""All routes of the projects app, one module per planning area, in one namespace."""

from projects.urls import (
    budget,
    charter,
    core,
    gantt,
    gates,
    methodology,
    milestones,
    reports,
    schedule,
    schedule_io,
    scope,
)

app_name = "projects"

urlpatterns = [
    *core.urlpatterns,
    *schedule.urlpatterns,
    *schedule_io.urlpatterns,
    *charter.urlpatterns,
    *scope.urlpatterns,
    *gantt.urlpatterns,
    *milestones.urlpatterns,
    *budget.urlpatterns,
    *gates.urlpatterns,
    *reports.urlpatterns,
    *methodology.urlpatterns,
]

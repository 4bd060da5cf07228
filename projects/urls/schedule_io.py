from django.urls import path

from projects.views import schedule_io as views

urlpatterns = [
    path(
        "projects/<str:code>/schedule/export.csv",
        views.ScheduleExportCsvView.as_view(),
        name="schedule_export_csv",
    ),
    path(
        "projects/<str:code>/schedule/export.xml",
        views.ScheduleExportMspdiView.as_view(),
        name="schedule_export_mspdi",
    ),
    path(
        "projects/<str:code>/schedule/import/",
        views.ScheduleImportView.as_view(),
        name="schedule_import",
    ),
    path(
        "projects/<str:code>/schedule/import/confirm/",
        views.ScheduleImportConfirmView.as_view(),
        name="schedule_import_confirm",
    ),
    path(
        "projects/<str:code>/milestones.ics",
        views.ProjectMilestonesIcalView.as_view(),
        name="milestones_ical",
    ),
    path("feeds/milestones/", views.MilestoneFeedsView.as_view(), name="milestone_feeds"),
    path(
        "feeds/milestones/<str:token>.ics",
        views.MyMilestonesIcalView.as_view(),
        name="my_milestones_ical",
    ),
]

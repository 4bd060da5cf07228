from django.urls import path

from projects.views import schedule as views

_TASK = "projects/<str:code>/schedule/tasks/<int:pk>"

urlpatterns = [
    path("projects/<str:code>/schedule/", views.ScheduleView.as_view(), name="schedule"),
    path(
        "projects/<str:code>/schedule/tasks/new/",
        views.TaskFormView.as_view(),
        name="task_create",
    ),
    path(f"{_TASK}/", views.TaskDetailView.as_view(), name="task_detail"),
    path(f"{_TASK}/edit/", views.TaskFormView.as_view(), name="task_edit"),
    path(f"{_TASK}/delete/", views.TaskDeleteView.as_view(), name="task_delete"),
    path(f"{_TASK}/progress/", views.TaskProgressView.as_view(), name="task_progress"),
    path(f"{_TASK}/dependencies/", views.DependencyAddView.as_view(), name="dependency_add"),
    path(
        "projects/<str:code>/schedule/dependencies/<int:pk>/remove/",
        views.DependencyRemoveView.as_view(),
        name="dependency_remove",
    ),
    path("projects/<str:code>/baselines/", views.BaselineListView.as_view(), name="baselines"),
    path(
        "projects/<str:code>/baselines/compare/",
        views.BaselineCompareView.as_view(),
        name="baseline_compare",
    ),
    path("calendars/", views.CalendarListView.as_view(), name="calendars"),
    path("calendars/new/", views.CalendarFormView.as_view(), name="calendar_create"),
    path("calendars/<int:pk>/", views.CalendarFormView.as_view(), name="calendar_edit"),
    path("calendars/<int:pk>/holidays/", views.HolidayAddView.as_view(), name="holiday_add"),
    path(
        "calendars/<int:pk>/holidays/<int:holiday_pk>/delete/",
        views.HolidayDeleteView.as_view(),
        name="holiday_delete",
    ),
]

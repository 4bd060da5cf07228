from django.urls import path

from projects.views import reports as views

urlpatterns = [
    path("projects/<str:code>/reports/", views.ReportListView.as_view(), name="reports"),
    path(
        "projects/<str:code>/reports/new/",
        views.ReportCreateView.as_view(),
        name="report_create",
    ),
    path(
        "projects/<str:code>/reports/<int:pk>/",
        views.ReportDetailView.as_view(),
        name="report_detail",
    ),
    path(
        "projects/<str:code>/reports/<int:pk>/edit/",
        views.ReportEditView.as_view(),
        name="report_edit",
    ),
    path(
        "projects/<str:code>/reports/<int:pk>/submit/",
        views.ReportSubmitView.as_view(),
        name="report_submit",
    ),
]

from django.urls import path

from projects.views import milestones as views

urlpatterns = [
    path("milestones/mine/", views.MyMilestonesView.as_view(), name="my_milestones"),
    path("projects/<str:code>/milestones/", views.MilestoneListView.as_view(), name="milestones"),
    path(
        "projects/<str:code>/milestones/new/",
        views.MilestoneFormView.as_view(),
        name="milestone_create",
    ),
    path(
        "projects/<str:code>/milestones/<int:pk>/",
        views.MilestoneDetailView.as_view(),
        name="milestone_detail",
    ),
    path(
        "projects/<str:code>/milestones/<int:pk>/edit/",
        views.MilestoneFormView.as_view(),
        name="milestone_edit",
    ),
    path(
        "projects/<str:code>/milestones/<int:pk>/update/",
        views.MilestoneQuickUpdateView.as_view(),
        name="milestone_quick_update",
    ),
    path(
        "projects/<str:code>/milestones/<int:pk>/row/",
        views.MilestoneRowView.as_view(),
        name="milestone_row",
    ),
    path(
        "projects/<str:code>/milestones/<int:pk>/delete/",
        views.MilestoneDeleteView.as_view(),
        name="milestone_delete",
    ),
]

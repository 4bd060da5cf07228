from django.urls import path

from projects.views import charter as views

urlpatterns = [
    path("projects/<str:code>/charter/", views.CharterView.as_view(), name="charter"),
    path("projects/<str:code>/charter/edit/", views.CharterEditView.as_view(), name="charter_edit"),
    path(
        "projects/<str:code>/charter/submit/",
        views.CharterSubmitView.as_view(),
        name="charter_submit",
    ),
    path(
        "projects/<str:code>/charter/decide/",
        views.CharterDecideView.as_view(),
        name="charter_decide",
    ),
    path(
        "projects/<str:code>/charter/objectives/new/",
        views.ObjectiveCreateView.as_view(),
        name="objective_create",
    ),
    path(
        "projects/<str:code>/charter/objectives/<int:pk>/edit/",
        views.ObjectiveEditView.as_view(),
        name="objective_edit",
    ),
    path(
        "projects/<str:code>/charter/objectives/<int:pk>/delete/",
        views.ObjectiveDeleteView.as_view(),
        name="objective_delete",
    ),
    path(
        "projects/<str:code>/charter/revisions/<int:number>/",
        views.CharterRevisionView.as_view(),
        name="charter_revision",
    ),
]

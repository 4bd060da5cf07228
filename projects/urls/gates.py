from django.urls import path

from projects.views import gates as views

urlpatterns = [
    path("gates/criteria/", views.GateCriteriaView.as_view(), name="gate_criteria"),
    path(
        "gates/criteria/new/",
        views.GateCriterionFormView.as_view(),
        name="gate_criterion_create",
    ),
    path(
        "gates/criteria/<int:pk>/edit/",
        views.GateCriterionFormView.as_view(),
        name="gate_criterion_edit",
    ),
    path(
        "gates/criteria/<int:pk>/action/",
        views.GateCriterionActionView.as_view(),
        name="gate_criterion_action",
    ),
    path("projects/<str:code>/gates/", views.GateReviewListView.as_view(), name="gates"),
    path("projects/<str:code>/gates/open/", views.GateReviewOpenView.as_view(), name="gate_open"),
    path(
        "projects/<str:code>/gates/<int:pk>/",
        views.GateReviewDetailView.as_view(),
        name="gate_review",
    ),
    path(
        "projects/<str:code>/gates/<int:pk>/items/<int:item_pk>/",
        views.GateItemRecordView.as_view(),
        name="gate_item_record",
    ),
    path(
        "projects/<str:code>/gates/<int:pk>/decide/",
        views.GateDecideView.as_view(),
        name="gate_decide",
    ),
]

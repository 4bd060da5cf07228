from django.urls import path

from projects.views import budget as views

urlpatterns = [
    path("projects/<str:code>/budget/", views.BudgetView.as_view(), name="budget"),
    path(
        "projects/<str:code>/budget/lines/new/",
        views.BudgetLineCreateView.as_view(),
        name="budget_line_create",
    ),
    path(
        "projects/<str:code>/budget/lines/<int:pk>/",
        views.BudgetLineDetailView.as_view(),
        name="budget_line",
    ),
    path(
        "projects/<str:code>/budget/lines/<int:pk>/edit/",
        views.BudgetLineUpdateView.as_view(),
        name="budget_line_edit",
    ),
    path(
        "projects/<str:code>/budget/lines/<int:pk>/months/",
        views.BudgetLineAmountsView.as_view(),
        name="budget_line_amounts",
    ),
    path(
        "projects/<str:code>/budget/lines/<int:pk>/remove/",
        views.BudgetLineDeleteView.as_view(),
        name="budget_line_remove",
    ),
]

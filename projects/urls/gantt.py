from django.urls import path

from projects.views import gantt as views

urlpatterns = [
    path("projects/<str:code>/gantt/", views.GanttView.as_view(), name="gantt"),
    path(
        "portfolios/<str:code>/timeline/",
        views.PortfolioTimelineView.as_view(),
        name="portfolio_timeline",
    ),
]

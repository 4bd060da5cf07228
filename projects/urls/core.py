from django.urls import path

from projects.views import core as views

urlpatterns = [
    path("portfolios/", views.PortfolioListView.as_view(), name="portfolio_list"),
    path("portfolios/new/", views.PortfolioFormView.as_view(), name="portfolio_create"),
    path("portfolios/<str:code>/", views.PortfolioDetailView.as_view(), name="portfolio_detail"),
    path("portfolios/<str:code>/edit/", views.PortfolioFormView.as_view(), name="portfolio_edit"),
    path("programs/new/", views.ProgramFormView.as_view(), name="program_create"),
    path("programs/<str:code>/", views.ProgramDetailView.as_view(), name="program_detail"),
    path("programs/<str:code>/edit/", views.ProgramFormView.as_view(), name="program_edit"),
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/mine/", views.MyProjectsView.as_view(), name="my_projects"),
    path("projects/new/", views.ProjectCreateView.as_view(), name="project_create"),
    path("projects/<str:code>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<str:code>/edit/", views.ProjectUpdateView.as_view(), name="project_edit"),
    path("projects/<str:code>/health/", views.ProjectHealthView.as_view(), name="project_health"),
    path("projects/<str:code>/team/", views.ProjectTeamView.as_view(), name="project_team"),
    path(
        "projects/<str:code>/team/<int:pk>/",
        views.MembershipChangeView.as_view(),
        name="membership_change",
    ),
    path("my-work/", views.MyWorkView.as_view(), name="my_work"),
]

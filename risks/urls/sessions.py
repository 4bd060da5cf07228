"""Routes: identification sessions, bulk draft entry and triage (see risks/urls/__init__.py)."""

from django.urls import path

from risks.urls.kinds import register_paths
from risks.views import sessions as views

urlpatterns = [
    *register_paths("risks/sessions/", views.SessionListView.as_view(), "sessions"),
    *register_paths("risks/sessions/new/", views.SessionCreateView.as_view(), "session_create"),
    *register_paths("risks/triage/", views.TriageListView.as_view(), "triage"),
    path("risks/sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session_detail"),
    path("risks/sessions/<int:pk>/edit/", views.SessionEditView.as_view(), name="session_edit"),
    path("risks/sessions/<int:pk>/risks/", views.SessionBulkView.as_view(), name="session_bulk"),
    path("risks/<str:ref>/triage/", views.RiskTriageView.as_view(), name="risk_triage"),
]

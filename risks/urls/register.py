"""Routes: register (see risks/urls/__init__.py).

The register of each kind (``risks:project_register`` ...), adding a risk to it, and a
risk's own pages under ``risks/<ref>/`` (static paths such as ``risks/matrix/`` are
included before this module).
"""

from django.urls import path

from risks.urls.kinds import register_paths
from risks.views import register as views

urlpatterns = [
    *register_paths("risks/", views.RegisterView.as_view(), "register"),
    *register_paths("risks/new/", views.RiskCreateView.as_view(), "risk_create"),
    path("risks/<str:ref>/", views.RiskDetailView.as_view(), name="risk_detail"),
    path("risks/<str:ref>/edit/", views.RiskEditView.as_view(), name="risk_edit"),
    path("risks/<str:ref>/assess/", views.RiskAssessView.as_view(), name="risk_assess"),
    path("risks/<str:ref>/response/", views.RiskResponseView.as_view(), name="risk_response"),
    path("risks/<str:ref>/close/", views.RiskCloseView.as_view(), name="risk_close"),
    path("risks/<str:ref>/reopen/", views.RiskReopenView.as_view(), name="risk_reopen"),
    path("risks/<str:ref>/status/", views.RiskStatusView.as_view(), name="risk_status"),
]

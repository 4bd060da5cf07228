"""Routes: issues and actions (see risks/urls/__init__.py).

Issues live at ``issues/<ref>/`` (PRJ-0042-I03); a register's log at
``<projects|programs|portfolios>/<code>/risks/issues/``. Actions are reached from their
risk (``risks/<ref>/actions/new/``) or issue, and by id once they exist.
"""

from django.urls import path

from risks.urls.kinds import register_paths
from risks.views import actions, issues

urlpatterns = [
    *register_paths("risks/issues/", issues.IssueLogView.as_view(), "issues"),
    *register_paths("risks/issues/new/", issues.IssueCreateView.as_view(), "issue_create"),
    path("issues/<str:ref>/", issues.IssueDetailView.as_view(), name="issue_detail"),
    path("issues/<str:ref>/edit/", issues.IssueEditView.as_view(), name="issue_edit"),
    path("issues/<str:ref>/escalate/", issues.IssueEscalateView.as_view(), name="issue_escalate"),
    path("issues/<str:ref>/close/", issues.IssueCloseView.as_view(), name="issue_close"),
    path("issues/<str:ref>/reopen/", issues.IssueReopenView.as_view(), name="issue_reopen"),
    path(
        "issues/<str:ref>/actions/new/",
        actions.IssueActionCreateView.as_view(),
        name="issue_action_create",
    ),
    path("risks/<str:ref>/occurred/", issues.IssueFromRiskView.as_view(), name="issue_from_risk"),
    path(
        "risks/<str:ref>/actions/new/",
        actions.ActionCreateView.as_view(),
        name="risk_action_create",
    ),
    path("actions/<int:pk>/edit/", actions.ActionEditView.as_view(), name="action_edit"),
    path("actions/<int:pk>/status/", actions.ActionStatusView.as_view(), name="action_status"),
]

from django.urls import path

from projects.views import scope as views

P = "projects/<str:code>/scope/"

urlpatterns = [
    path(P, views.ScopeView.as_view(), name="scope"),
    path(f"{P}items/new/", views.ScopeItemCreateView.as_view(), name="scope_item_create"),
    path(f"{P}items/<int:pk>/edit/", views.ScopeItemEditView.as_view(), name="scope_item_edit"),
    path(
        f"{P}items/<int:pk>/delete/", views.ScopeItemDeleteView.as_view(), name="scope_item_delete"
    ),
    path(f"{P}items/<int:pk>/move/", views.ScopeItemMoveView.as_view(), name="scope_item_move"),
    path(f"{P}deliverables/new/", views.DeliverableCreateView.as_view(), name="deliverable_create"),
    path(
        f"{P}deliverables/<int:pk>/edit/",
        views.DeliverableEditView.as_view(),
        name="deliverable_edit",
    ),
    path(
        f"{P}deliverables/<int:pk>/decide/",
        views.DeliverableDecideView.as_view(),
        name="deliverable_decide",
    ),
    path(
        f"{P}deliverables/<int:pk>/resubmit/",
        views.DeliverableResubmitView.as_view(),
        name="deliverable_resubmit",
    ),
    path(f"{P}change-requests/", views.ChangeRequestListView.as_view(), name="change_requests"),
    path(
        f"{P}change-requests/new/",
        views.ChangeRequestCreateView.as_view(),
        name="change_request_create",
    ),
    path(
        f"{P}change-requests/<int:number>/",
        views.ChangeRequestDetailView.as_view(),
        name="change_request_detail",
    ),
    path(
        f"{P}change-requests/<int:number>/decide/",
        views.ChangeRequestDecideView.as_view(),
        name="change_request_decide",
    ),
    path(
        f"{P}change-requests/<int:number>/withdraw/",
        views.ChangeRequestWithdrawView.as_view(),
        name="change_request_withdraw",
    ),
]

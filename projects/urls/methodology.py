from django.urls import path

from projects.views import methodology as views

urlpatterns = [
    path("methodology/", views.LibraryListView.as_view(), name="methodology"),
    path("methodology/new/", views.DocumentFormView.as_view(), name="methodology_create"),
    path("methodology/<slug:slug>/", views.DocumentView.as_view(), name="methodology_doc"),
    path(
        "methodology/<slug:slug>/edit/",
        views.DocumentFormView.as_view(),
        name="methodology_edit",
    ),
    path(
        "methodology/<slug:slug>/publish/",
        views.DocumentPublishView.as_view(),
        name="methodology_publish",
    ),
    path(
        "methodology/<slug:slug>/file/",
        views.DocumentAttachmentView.as_view(),
        name="methodology_attachment",
    ),
]

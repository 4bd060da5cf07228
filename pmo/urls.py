from django.contrib import admin
from django.urls import include, path

from pmo.core import views as core_views

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("pmo.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("projects.urls")),
    path("", include("risks.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "pmo.core.views.permission_denied"
handler404 = "pmo.core.views.page_not_found"
handler500 = "pmo.core.views.server_error"

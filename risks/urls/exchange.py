"""Routes: exchange: export a register (CSV, XLSX), import risks into it from CSV."""

from risks.urls.kinds import register_paths
from risks.views import exchange as views

urlpatterns = [
    *register_paths("risks/export/", views.RegisterExportView.as_view(), "export"),
    *register_paths("risks/import/", views.RiskImportView.as_view(), "import"),
    *register_paths(
        "risks/import/confirm/", views.RiskImportConfirmView.as_view(), "import_confirm"
    ),
]

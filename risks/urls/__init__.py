"""All routes of the risks app, one module per area, in one namespace."""

from risks.urls import (
    config,
    exchange,
    heatmap,
    issues,
    register,
    reviews,
    schedule_risk,
    sessions,
)

app_name = "risks"

urlpatterns = [
    *config.urlpatterns,
    *reviews.urlpatterns,
    *exchange.urlpatterns,
    *register.urlpatterns,
    *heatmap.urlpatterns,
    *sessions.urlpatterns,
    *issues.urlpatterns,
    *schedule_risk.urlpatterns,
]

"""Routes: schedule_risk (see risks/urls/__init__.py). Projects only: programs and portfolios
have no plan of their own to simulate."""

from risks.urls.kinds import register_paths
from risks.views.schedule_risk import EstimatesView, ScheduleRiskView

urlpatterns = [
    *register_paths(
        "risks/schedule/estimates/", EstimatesView.as_view(), "estimates", kinds=("project",)
    ),
    *register_paths(
        "risks/schedule/", ScheduleRiskView.as_view(), "schedule_risk", kinds=("project",)
    ),
]

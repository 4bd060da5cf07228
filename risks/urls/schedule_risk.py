"""Routes: schedule_risk (see risks/urls/__init__.py)."""

urlpatterns = []

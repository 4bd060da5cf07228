"""Routes: heatmap (see risks/urls/__init__.py)."""

urlpatterns = []

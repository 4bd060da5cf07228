"""Routes: config (see risks/urls/__init__.py)."""

urlpatterns = []

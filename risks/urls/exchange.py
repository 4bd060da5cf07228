"""Routes: exchange (see risks/urls/__init__.py)."""

urlpatterns = []

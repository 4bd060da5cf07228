"""Routes: register (see risks/urls/__init__.py)."""

urlpatterns = []

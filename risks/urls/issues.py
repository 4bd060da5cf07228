"""Routes: issues (see risks/urls/__init__.py)."""

urlpatterns = []

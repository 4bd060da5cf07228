"""Routes: reviews (see risks/urls/__init__.py)."""

urlpatterns = []

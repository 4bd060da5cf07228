"""Routes: sessions (see risks/urls/__init__.py)."""

urlpatterns = []

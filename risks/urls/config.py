"""Routes: config: the matrix, categories and each portfolio's risk appetite.

Included before the other areas (see risks/urls/__init__.py), so ``risks/matrix/`` and
``risks/categories/`` win over ``risks/<ref>/``.
"""

from django.urls import path

from risks.urls.kinds import register_paths
from risks.views import config as views

urlpatterns = [
    path("risks/matrix/", views.MatrixView.as_view(), name="matrix"),
    path("risks/categories/", views.CategoryListView.as_view(), name="categories"),
    path("risks/categories/new/", views.CategoryFormView.as_view(), name="category_create"),
    path("risks/categories/<int:pk>/edit/", views.CategoryFormView.as_view(), name="category_edit"),
    *register_paths(
        "risks/appetite/", views.PortfolioAppetiteView.as_view(), "appetite", kinds=("portfolio",)
    ),
]

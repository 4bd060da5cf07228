"""Routes: monitoring and reviews (see risks/urls/__init__.py).

Included before the register module: ``risks/`` is the risks home page and
``risks/<ref>/review/`` must resolve before the register's ``risks/<ref>/...`` pages.
"""

from django.urls import path

from risks.urls.kinds import register_paths
from risks.views import monitoring as views

urlpatterns = [
    path("risks/", views.RisksHomeView.as_view(), name="home"),
    path("risks/<str:ref>/review/", views.RiskReviewView.as_view(), name="risk_review"),
    *register_paths("risks/reviews/", views.ReviewsDueView.as_view(), "reviews_due"),
    *register_paths("risks/trend/", views.ExposureTrendView.as_view(), "trend"),
]

"""Template helpers for the monitoring partials that live on other areas' pages (the risk
detail page includes ``risks/detail/_reviews.html`` with only ``risk`` and ``matrix``)."""

from django import template
from django.utils import timezone

from risks.charts.trend import event_label, risk_score_figure, score_points
from risks.selectors.monitoring import risk_history_rows
from risks.selectors.register import BandBadge, badge_for

register = template.Library()


@register.simple_tag
def risk_score_trend(risk, matrix):
    """The risk's score chart and its points (one query: the risk's history), or None.

    Reviews come from ``risk.reviews.all()``, prefetched by the detail page's selector.
    """
    tz = timezone.get_current_timezone()
    points = score_points(risk_history_rows(risk), risk.reviews.all(), tz)
    if not points:
        return None
    rows = [
        {"point": p, "event": event_label(p.event), "badge": badge_for(p.score, matrix)}
        for p in reversed(points)
    ]
    figure = risk_score_figure(points, matrix.bands, today=timezone.localdate())
    return {"figure": figure, "rows": rows, "chart_id": f"risk-trend-{risk.pk}"}


@register.filter
def score_badge(score, matrix):
    """The band of ``score`` on the organisation's matrix, as a badge (or None)."""
    return badge_for(score, matrix)


@register.filter
def review_badge(review, matrix):
    """The band a review recorded (by its code), or the band its score falls in now."""
    for band in matrix.bands:
        if band.code == review.band:
            return BandBadge(band)
    return badge_for(review.score, matrix)

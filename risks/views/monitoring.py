"""Monitoring pages: record a review, the register's reviews due, its exposure trend, and
the risks home page (what the signed-in user owns, must review, was escalated, must do)."""

import copy

from django.conf import settings
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView, TemplateView

from pmo.core.mixins import (
    BreadcrumbsMixin,
    CsvExportMixin,
    ServiceFormMixin,
    SortableListMixin,
)
from risks import access
from risks.charts.trend import exposure_figure
from risks.exposure import UNSCORED
from risks.forms.reviews import ReviewForm
from risks.selectors import monitoring as selectors
from risks.selectors.issues import escalated_issues_for
from risks.selectors.matrix import load_matrix
from risks.selectors.register import BandBadge, badge_for, manageable_checker, status_class
from risks.services import reviews as services
from risks.views.base import RegisterMixin, RowMixin

TREND_WEEKS = (13, 26, 52)
DEFAULT_TREND_WEEKS = 26
HOME_PAGE_SIZE = 10


def risk_url(risk) -> str:
    return reverse("risks:risk_detail", kwargs={"ref": risk.reference})


def _decorate(rows, matrix, today):
    selectors.annotate_band(rows, matrix, today)
    for risk in rows:
        risk.badge = badge_for(risk.current_score, matrix)
        risk.status_class = status_class(risk.status)
        risk.url = risk_url(risk)
    return rows


# --- Recording a review ------------------------------------------------------------------
class RiskReviewView(RowMixin, ServiceFormMixin, FormView):
    """The risk's owner or a register manager records a review (403 for others)."""

    template_name = "risks/monitoring/review.html"
    row_action = access.UPDATE

    def dispatch(self, request, *args, **kwargs):
        self.matrix = load_matrix()
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        if self.request.method == "POST":
            return ReviewForm(self.request.POST, matrix=self.matrix)
        return ReviewForm.for_risk(self.row, matrix=self.matrix)

    def get_breadcrumbs(self):
        trail = super().get_breadcrumbs()
        return [*trail[:-1], (self.row.reference, risk_url(self.row)), (_("Review"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        risk = self.row
        today = timezone.localdate()
        selectors.annotate_band([risk], self.matrix, today)
        band = risk.band
        context.update(
            risk=risk,
            matrix=self.matrix,
            today=today,
            badge=badge_for(risk.current_score, self.matrix),
            status_class=status_class(risk.status),
            cadence_days=band.review_every_days if band else None,
            bands=self.matrix.bands,
            blocked=services.not_reviewable_message(risk),
            recent_reviews=list(risk.reviews.select_related("reviewed_by")[:5]),
            risk_url=risk_url(risk),
            occurred_url=reverse("risks:issue_from_risk", kwargs={"ref": risk.reference}),
        )
        return context

    def save(self, form):
        data = form.cleaned_data
        # The service changes the risk it is given; keep ours as loaded for re-rendering.
        return services.risk_review_record(
            risk=copy.copy(self.row),
            by=self.request.user,
            reviewed_on=data["reviewed_on"],
            probability=data["probability"],
            impact=data["impact"],
            status=data["status"],
            comment=data["comment"],
            expected_version=data.get("version") or self.row.version,
        )

    def handle_stale(self, form, error):
        self.row = access.get_risk_for_user(self.request.user, self.row.reference, access.UPDATE)
        return super().handle_stale(form, error)

    def success_message(self, review):
        return _("Review of %(ref)s recorded: score %(score)s, next review %(next)s.") % {
            "ref": self.row.reference,
            "score": review.score,
            "next": review.risk.next_review_on.isoformat()
            if review.risk.next_review_on
            else _("none (the risk is not open)"),
        }

    def success_url_for(self, review):
        return risk_url(self.row)


# --- Reviews due -------------------------------------------------------------------------
class ReviewsDueView(RegisterMixin, SortableListMixin, CsvExportMixin, ListView):
    """Open risks overdue for review or due within two weeks, the most overdue first."""

    template_name = "risks/monitoring/reviews_due.html"
    register_area = "reviews"
    context_object_name = "risks"
    paginate_by = settings.PAGE_SIZE
    sort_fields = {
        "due": ("next_review_on",),
        "score": ("current_score",),
        "reference": ("reference",),
        "owner": ("owner__last_name", "owner__first_name"),
        "reviewed": ("last_reviewed_on",),
    }
    csv_filename = "reviews-due.csv"
    csv_columns = [
        (gettext_lazy("Reference"), lambda r: r.reference),
        (gettext_lazy("Title"), lambda r: r.title),
        (gettext_lazy("Owner"), lambda r: r.owner or ""),
        (gettext_lazy("Score"), lambda r: "" if r.current_score is None else r.current_score),
        (gettext_lazy("Status"), lambda r: r.get_status_display()),
        (gettext_lazy("Last reviewed"), lambda r: r.last_reviewed_on or ""),
        (gettext_lazy("Next review due"), lambda r: r.next_review_on),
    ]

    def get_queryset(self):
        self.today = timezone.localdate()
        qs = selectors.reviews_due(self.register, self.today)
        self.only_mine = self.request.GET.get("mine") == "1"
        if self.only_mine:
            qs = qs.filter(owner=self.request.user)
        return self.apply_sort(qs)

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (_("Reviews due"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matrix = load_matrix()
        user = self.request.user
        rows = _decorate(list(context["risks"]), matrix, self.today)
        manages = manageable_checker(
            user, self.register, rows, can_manage_here=context["can_manage_register"]
        )
        for risk in rows:
            register_open = not (risk.project_id and risk.project.is_closed)
            risk.can_review = register_open and services.can_review(
                user, risk, can_manage=manages(risk)
            )
        context.update(
            risks=rows,
            counts=selectors.reviews_due_counts(self.register, self.today),
            today=self.today,
            window_days=selectors.DUE_WITHIN_DAYS,
            bands=matrix.bands,
            only_mine=self.only_mine,
            filter_query="mine=1" if self.only_mine else "",
        )
        return context


# --- Exposure trend ----------------------------------------------------------------------
class ExposureTrendView(RegisterMixin, TemplateView):
    """Total exposure and open risks by band at the end of each week, from the history."""

    template_name = "risks/monitoring/trend.html"
    register_area = "trend"

    def get_breadcrumbs(self):
        return [*super().get_breadcrumbs(), (_("Exposure trend"), None)]

    def get(self, request, *args, **kwargs):
        raw = request.GET.get("weeks", "")
        valid = raw == "" or raw in {str(w) for w in TREND_WEEKS}
        weeks = int(raw) if raw and valid else DEFAULT_TREND_WEEKS
        matrix = load_matrix()
        today = timezone.localdate()
        points = selectors.exposure_trend(
            self.register, matrix, today, weeks, timezone.get_current_timezone()
        )
        has_unscored = any(p.unscored for p in points)
        band_columns = [(b.code, b.label, badge_for(b.min_score, matrix)) for b in matrix.bands]
        rows = [
            {
                "point": p,
                "counts": [p.by_band.get(code, 0) for code, _label, _badge in band_columns],
            }
            for p in reversed(points)
        ]
        latest = points[-1] if points else None
        first = points[0] if points else None
        context = self.get_context_data(
            weeks=weeks,
            week_choices=TREND_WEEKS,
            weeks_error=""
            if valid
            else _("Choose 13, 26 or 52 weeks; showing %(n)s.") % {"n": DEFAULT_TREND_WEEKS},
            figure=exposure_figure(points, matrix.bands),
            rows=rows,
            band_columns=band_columns,
            has_unscored=has_unscored,
            unscored_code=UNSCORED,
            latest=latest,
            change=(latest.exposure - first.exposure) if latest and first else 0,
            today=today,
            has_history=any(p.open_count for p in points),
        )
        return self.render_to_response(context, status=200 if valid else 400)


# --- The risks home page -----------------------------------------------------------------
class Section:
    """One paginated list on the home page, with its own ``?<key>_page=``."""

    def __init__(self, request, key: str, queryset, decorate):
        self.key = key
        param = f"{key}_page"
        self.page = Paginator(queryset, HOME_PAGE_SIZE).get_page(request.GET.get(param))
        self.rows = decorate(list(self.page.object_list))
        self.count = self.page.paginator.count
        self.prev_url = self.next_url = None
        if self.page.has_previous():
            self.prev_url = self._url(request, param, self.page.previous_page_number())
        if self.page.has_next():
            self.next_url = self._url(request, param, self.page.next_page_number())

    @staticmethod
    def _url(request, param, number) -> str:
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}"


ESCALATED_ISSUES_SHOWN = 10


def _escalated_issues(user) -> dict:
    """Issues escalated to the user sit beside the escalated risks (a handful at most)."""
    rows = list(escalated_issues_for(user)[: ESCALATED_ISSUES_SHOWN + 1])
    count = len(rows)
    if count > ESCALATED_ISSUES_SHOWN:
        count = escalated_issues_for(user).count()
    return {
        "escalated_issues": rows[:ESCALATED_ISSUES_SHOWN],
        "escalated_issues_count": count,
        "escalated_issues_more": max(0, count - ESCALATED_ISSUES_SHOWN),
    }


class RisksHomeView(BreadcrumbsMixin, TemplateView):
    """The signed-in user's risks: owned, due for review, escalated, actions, registers."""

    template_name = "risks/monitoring/home.html"

    def get_breadcrumbs(self):
        return [(_("Risks"), None)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        request = self.request
        today = timezone.localdate()
        matrix = load_matrix()

        def risks(rows):
            return _decorate(rows, matrix, today)

        def actions(rows):
            for action in rows:
                action.is_overdue = action.due_date < today
                action.days_overdue = (today - action.due_date).days
                if action.risk_id:
                    action.target = action.risk
                    action.url = risk_url(action.risk)
                else:
                    action.target = action.issue
                    action.url = reverse(
                        "risks:issue_detail", kwargs={"ref": action.issue.reference}
                    )
            return rows

        context.update(
            today=today,
            matrix=matrix,
            window_days=selectors.DUE_WITHIN_DAYS,
            owned=Section(request, "owned", selectors.my_open_risks(user), risks),
            due=Section(request, "due", selectors.my_reviews_due(user, today), risks),
            escalated=Section(request, "escalated", selectors.escalated_to(user), risks),
            actions=Section(request, "actions", selectors.my_open_actions(user), actions),
            registers=selectors.my_registers(user, matrix),
            **_escalated_issues(user),
            critical_badge=BandBadge(matrix.bands[-1]) if matrix.bands else None,
        )
        return context

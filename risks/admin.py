"""Admin for PMO staff: find any risk, issue or review, with filters and history.

Day-to-day work happens on the register pages, which apply the business rules; admin saves
still bump ``version`` so open forms see the change.
"""

from django.contrib import admin

from projects.admin import VersionedAdmin
from risks.models import (
    Action,
    IdentificationSession,
    Issue,
    MatrixLevel,
    Risk,
    RiskAppetite,
    RiskCategory,
    RiskReview,
    ScoreBand,
)

REGISTER_FIELDS = ["project", "program", "portfolio"]


@admin.register(MatrixLevel)
class MatrixLevelAdmin(VersionedAdmin):
    list_display = ["axis", "value", "label", "probability_min", "probability_max", "cost_min"]
    list_filter = ["axis"]


@admin.register(ScoreBand)
class ScoreBandAdmin(VersionedAdmin):
    list_display = ["code", "label", "min_score", "max_score", "colour", "review_every_days"]


@admin.register(RiskCategory)
class RiskCategoryAdmin(VersionedAdmin):
    list_display = ["code", "name", "is_active", "position"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


@admin.register(RiskAppetite)
class RiskAppetiteAdmin(VersionedAdmin):
    list_display = ["portfolio", "max_score"]
    autocomplete_fields = ["portfolio"]


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["description", "owner", "due_date", "cost", "currency", "status"]
    autocomplete_fields = ["owner"]


class ReviewInline(admin.TabularInline):
    model = RiskReview
    extra = 0
    can_delete = False
    fields = ["reviewed_on", "reviewed_by", "probability", "impact", "score", "status", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # reviews are recorded on the risk's page, with its rules


@admin.register(Risk)
class RiskAdmin(VersionedAdmin):
    list_display = [
        "reference",
        "title",
        "kind",
        "category",
        "owner",
        "status",
        "current_score",
        "next_review_on",
    ]
    list_filter = ["status", "kind", "category", "project__portfolio"]
    search_fields = ["reference", "title", "owner__username", "owner__last_name"]
    list_select_related = ["category", "owner"]
    autocomplete_fields = [*REGISTER_FIELDS, "owner", "escalated_to", "category"]
    readonly_fields = [
        *VersionedAdmin.readonly_fields,
        "number",
        "reference",
        "inherent_score",
        "residual_score",
        "current_score",
    ]
    raw_id_fields = ["tasks", "milestones"]  # a plan can hold thousands of tasks
    inlines = [ActionInline, ReviewInline]


@admin.register(Issue)
class IssueAdmin(VersionedAdmin):
    list_display = ["reference", "title", "severity", "owner", "status", "raised_on", "due_date"]
    list_filter = ["status", "severity", "project__portfolio"]
    search_fields = ["reference", "title", "owner__username", "owner__last_name"]
    list_select_related = ["owner"]
    autocomplete_fields = [*REGISTER_FIELDS, "owner", "escalated_to", "risk"]
    readonly_fields = [*VersionedAdmin.readonly_fields, "number", "reference"]
    inlines = [ActionInline]


@admin.register(IdentificationSession)
class IdentificationSessionAdmin(VersionedAdmin):
    list_display = ["held_on", "title", "method", "facilitator"]
    list_filter = ["method"]
    search_fields = ["title", "notes"]
    autocomplete_fields = [*REGISTER_FIELDS, "facilitator", "participants"]


@admin.register(RiskReview)
class RiskReviewAdmin(admin.ModelAdmin):
    list_display = ["risk", "reviewed_on", "reviewed_by", "score", "band", "status"]
    list_filter = ["band", "status"]
    search_fields = ["risk__reference", "comment"]
    list_select_related = ["risk", "reviewed_by"]

    def has_change_permission(self, request, obj=None):
        return False  # a review is a record of what was decided then

    def has_add_permission(self, request):
        return False

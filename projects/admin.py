from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import Portfolio, Program, Project, ProjectMembership


class VersionedAdmin(SimpleHistoryAdmin):
    """Admin saves bump ``version`` too, so open forms elsewhere see the row as changed."""

    readonly_fields = ["version", "created_at", "updated_at", "created_by"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class MembershipInline(admin.TabularInline):
    model = ProjectMembership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "can_edit"]


@admin.register(Portfolio)
class PortfolioAdmin(VersionedAdmin):
    list_display = ["code", "name", "owner", "is_archived", "updated_at"]
    list_filter = ["is_archived"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["owner"]


@admin.register(Program)
class ProgramAdmin(VersionedAdmin):
    list_display = ["code", "name", "portfolio", "manager", "is_archived"]
    list_filter = ["portfolio", "is_archived"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["manager", "portfolio"]


@admin.register(Project)
class ProjectAdmin(VersionedAdmin):
    list_display = [
        "code",
        "name",
        "portfolio",
        "project_manager",
        "stage",
        "status",
        "health",
        "planned_finish",
    ]
    list_filter = ["portfolio", "stage", "status", "health", "priority", "department"]
    search_fields = ["code", "name", "project_manager__username", "project_manager__last_name"]
    list_select_related = ["portfolio", "project_manager"]
    autocomplete_fields = ["portfolio", "program", "project_manager", "sponsor", "department"]
    date_hierarchy = "planned_finish"
    inlines = [MembershipInline]

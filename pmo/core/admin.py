"""Admin for PMO staff: people and departments, and what the background tasks did."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from pmo.core.models import Department, Sequence, TaskRun, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Work profile"),
            {"fields": ("department", "job_title", "time_zone", "language", "notification_email")},
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Work profile"), {"fields": ("first_name", "last_name", "email", "department")}),
    )
    list_display = ("username", "first_name", "last_name", "email", "department", "is_active")
    list_filter = ("groups", "department", "is_active", "is_staff")
    list_select_related = ("department",)
    search_fields = ("username", "first_name", "last_name", "email", "job_title")
    autocomplete_fields = ("department",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "parent", "head")
    list_select_related = ("parent", "head")
    search_fields = ("name", "code")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    autocomplete_fields = ("parent", "head")
    readonly_fields = ("created_at", "updated_at", "created_by")

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the system; staff look, nobody edits by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TaskRun)
class TaskRunAdmin(ReadOnlyAdmin):
    list_display = ("task_name", "started_at", "finished_at", "duration", "outcome", "counts")
    list_filter = ("outcome", "task_name")
    search_fields = ("task_name", "task_id", "error")
    date_hierarchy = "started_at"
    fields = (
        "task_name",
        "task_id",
        "started_at",
        "finished_at",
        "duration",
        "outcome",
        "counts",
        "error",
    )
    readonly_fields = fields

    @admin.display(description=_("duration"))
    def duration(self, obj):
        return obj.duration


@admin.register(Sequence)
class SequenceAdmin(ReadOnlyAdmin):
    list_display = ("name", "last_value")
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):
        # Deleting a counter would hand out codes that already exist.
        return False

"""Django admin for sense-making; lists are limited to projects the staff member curates."""

from django.contrib import admin

from sensemaking import services
from sensemaking.models import (
    Finding,
    Memo,
    MemoVersion,
    ProjectImport,
    Quote,
    Report,
    ReportVersion,
    Theme,
    Workshop,
    WorkshopGuest,
)
from stories.admin import ProjectScopedAdmin


@admin.register(Workshop)
class WorkshopAdmin(ProjectScopedAdmin):
    list_display = ["title", "project", "held_on", "status"]
    list_filter = ["status", "project"]
    filter_horizontal = ["facilitators", "participants", "stories"]


@admin.register(WorkshopGuest)
class WorkshopGuestAdmin(ProjectScopedAdmin):
    project_path = "workshop__project"
    list_display = ["display_name", "workshop", "expires_at", "revoked_at"]
    readonly_fields = ["token_hash"]


@admin.register(Theme)
class ThemeAdmin(ProjectScopedAdmin):
    list_display = ["name", "project", "parent", "position"]
    list_filter = ["project"]
    search_fields = ["name"]

    def delete_queryset(self, request, queryset):
        # The quotes under these themes keep a copy of their theme ids: write it again.
        quote_ids = list(
            Quote.all_objects.filter(theme_links__tag__in=queryset).values_list("pk", flat=True)
        )
        super().delete_queryset(request, queryset)
        services.record_theme_ids(quote_ids)

    def delete_model(self, request, obj):
        self.delete_queryset(request, Theme.objects.filter(pk=obj.pk))


@admin.register(Quote)
class QuoteAdmin(ProjectScopedAdmin):
    project_path = "workshop__project"
    list_display = ["text", "workshop", "story", "is_key", "needs_review"]
    list_filter = ["is_key", "needs_review"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.record_theme_ids([form.instance.pk])


@admin.register(Finding)
class FindingAdmin(ProjectScopedAdmin):
    project_path = "workshop__project"
    list_display = ["statement", "theme", "workshop", "position"]


class MemoVersionInline(admin.TabularInline):
    model = MemoVersion
    fields = ["version", "text", "written_by", "written_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Memo)
class MemoAdmin(ProjectScopedAdmin):
    """Memos are written on the workshop's memo pages, where every save is kept as a version."""

    project_path = "workshop__project"
    list_display = ["__str__", "workshop", "version", "updated_at"]
    inlines = [MemoVersionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ProjectScopedAdmin):
    list_display = ["slug", "project", "created_at"]
    readonly_fields = ["created_by"]


@admin.register(ReportVersion)
class ReportVersionAdmin(ProjectScopedAdmin):
    """Versions are edited and published on the report pages, where consent and audit apply."""

    project_path = "report__project"
    list_display = ["title", "number", "status", "report_date", "published_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProjectImport)
class ProjectImportAdmin(ProjectScopedAdmin):
    """The record of each coded project brought in; imports are made on the import page."""

    list_display = ["original_filename", "project", "state", "stories", "quotes", "created_at"]
    list_filter = ["state"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

"""Django admin for every model; lists go through the visibility querysets."""

from django.contrib import admin

from stories import choices
from stories.models import (
    AuditEvent,
    Consent,
    Membership,
    Project,
    Recording,
    Redaction,
    SearchTerm,
    Segment,
    Story,
    Storyteller,
    StorytellerContact,
    StorytellerLink,
    SubjectAccessCopy,
    Transcript,
)
from stories.querysets import project_ids_for


def is_curator(request) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    return user.is_superuser or Membership.objects.filter(user=user, role="curator").exists()


class ProjectScopedAdmin(admin.ModelAdmin):
    """Staff see only rows from projects where they are curators; admins see everything."""

    project_path = "project"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.project_path}__in": project_ids_for(request.user, "curator")}
        )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    search_fields = ["name"]

    def get_queryset(self, request):
        return Project.objects.for_member(request.user, "curator")


@admin.register(Membership)
class MembershipAdmin(ProjectScopedAdmin):
    list_display = ["user", "project", "role"]
    list_filter = ["role", "project"]
    autocomplete_fields = ["user"]


@admin.register(Storyteller)
class StorytellerAdmin(ProjectScopedAdmin):
    list_display = ["code", "project", "credit_preference", "created_at"]
    list_filter = ["project", "credit_preference"]
    search_fields = ["code", "credit_name"]
    readonly_fields = ["created_by", "created_at"]

    def get_exclude(self, request, obj=None):
        return () if is_curator(request) else choices.DEMOGRAPHIC_FIELDS


@admin.register(StorytellerContact)
class StorytellerContactAdmin(ProjectScopedAdmin):
    project_path = "storyteller__project"
    list_display = ["storyteller"]

    def has_module_permission(self, request):
        return is_curator(request) and super().has_module_permission(request)


@admin.register(Story)
class StoryAdmin(ProjectScopedAdmin):
    list_display = ["title", "project", "storyteller", "interviewer", "status", "updated_at"]
    list_filter = ["status", "project"]
    search_fields = ["title"]
    # Status and consent change only through the services, so each change is audited.
    readonly_fields = ["status", "current_consent", "submitted_at", "published_at"]


class ImmutableAdmin(ProjectScopedAdmin):
    """Records that are history: they can be read, never edited or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(ImmutableAdmin):
    project_path = "story__project"
    list_display = ["story", "version", "withdrawn", "channel", "created_at"]
    list_filter = ["withdrawn", "channel"]


@admin.register(AuditEvent)
class AuditEventAdmin(ImmutableAdmin):
    list_display = ["created_at", "action", "actor_label", "story"]
    list_filter = ["action", "project"]


@admin.register(Recording)
class RecordingAdmin(ProjectScopedAdmin):
    project_path = "story__project"
    list_display = ["original_filename", "story", "media_type", "size", "state", "created_at"]
    list_filter = ["state", "media_type"]
    readonly_fields = ["file", "sha256", "size", "media_type", "duration_seconds", "codecs"]


class SegmentInline(admin.TabularInline):
    model = Segment
    extra = 0


@admin.register(Transcript)
class TranscriptAdmin(ImmutableAdmin):
    project_path = "story__project"
    list_display = ["story", "version", "is_current", "origin", "created_at"]
    inlines = [SegmentInline]


@admin.register(Redaction)
class RedactionAdmin(ImmutableAdmin):
    project_path = "transcript__story__project"
    list_display = ["transcript", "char_start", "char_end", "reason", "created_at"]


@admin.register(SearchTerm)
class SearchTermAdmin(admin.ModelAdmin):
    """Words known to search, for "did you mean"; rebuilt by reindex_search."""

    search_fields = ["word"]

    def has_module_permission(self, request):
        return request.user.is_superuser


@admin.register(StorytellerLink)
class StorytellerLinkAdmin(ProjectScopedAdmin):
    project_path = "storyteller__project"
    list_display = ["storyteller", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = ["token_hash"]


@admin.register(SubjectAccessCopy)
class SubjectAccessCopyAdmin(ImmutableAdmin):
    """Copies of everything held about a storyteller: when and for whom, never their content."""

    project_path = "storyteller__project"
    list_display = ["storyteller", "requested_by", "state", "size", "created_at", "expires_at"]
    list_filter = ["state"]
    exclude = ["file"]

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Employer, KpjCard, Participant, User
from .selectors import participants_visible_to_staff


class BranchScopedAdmin(admin.ModelAdmin):
    """Staff work only their own branch's records; superusers see every branch.

    `branch_path` is the lookup from the model to its Branch.
    """

    branch_path = "branch"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        if user.is_staff and user.branch_id:
            return queryset.filter(**{f"{self.branch_path}_id": user.branch_id})
        return queryset.none()


class KpjCardInline(admin.TabularInline):
    model = KpjCard
    extra = 0
    fields = ["number", "employer", "status", "joined_on", "left_on"]
    autocomplete_fields = ["employer"]


@admin.register(Participant)
class ParticipantAdmin(BranchScopedAdmin):
    list_display = ["full_name", "masked_nik", "category", "branch", "has_account"]
    list_filter = ["category", "branch"]
    search_fields = ["full_name", "=nik", "kpj_cards__number"]
    list_select_related = ["branch"]
    readonly_fields = ["user", "last_active_at", "created_at", "updated_at"]
    inlines = [KpjCardInline]

    def get_queryset(self, request):
        return participants_visible_to_staff(user=request.user)

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj):
        return obj.masked_nik

    @admin.display(boolean=True, description=_("account"))
    def has_account(self, obj):
        return obj.user_id is not None


@admin.register(Employer)
class EmployerAdmin(BranchScopedAdmin):
    list_display = ["name", "registration_number", "jkk_risk_class", "branch"]
    list_filter = ["jkk_risk_class", "branch"]
    search_fields = ["name", "registration_number"]
    list_select_related = ["branch"]


@admin.register(KpjCard)
class KpjCardAdmin(BranchScopedAdmin):
    branch_path = "participant__branch"
    list_display = ["number", "participant", "employer", "status", "joined_on"]
    list_filter = ["status"]
    search_fields = ["=number"]
    list_select_related = ["participant", "employer"]
    autocomplete_fields = ["participant", "employer"]


@admin.register(AuditEvent)
class AuditEventAdmin(BranchScopedAdmin):
    branch_path = "participant__branch"
    list_display = ["at", "action", "actor", "participant"]
    list_filter = ["action"]
    list_select_related = ["actor", "participant"]
    readonly_fields = ["at", "actor", "participant", "action", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "branch"]
    list_filter = ["is_staff", "is_superuser", "is_active", "branch"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name"]}),
        (_("Staff"), {"fields": ["is_active", "is_staff", "is_superuser", "branch", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    def get_queryset(self, request):
        # User accounts are managed by superusers only; branch staff never edit logins.
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.none()


# Pengkinian data: the review queue, and each participant's change history.
from .data_update_admin import ChangeHistoryInline  # noqa: E402

ParticipantAdmin.inlines = [*ParticipantAdmin.inlines, ChangeHistoryInline]

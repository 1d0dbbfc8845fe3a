import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access_audit import VIA_QUEUE, VIEWED, AuditedAccessAdmin, staff_access_record_many
from core.admin import BranchScopedAdmin
from core.models import Branch
from core.scoping import staff_branches, staff_sees_all_branches

from . import selectors, services
from .models import Appointment, BranchService, Holiday, OpeningHours, ServiceType


class BranchServiceInline(admin.TabularInline):
    model = BranchService
    extra = 0


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "address"]
    search_fields = ["code", "name"]
    inlines = [BranchServiceInline, OpeningHoursInline]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "name_en", "duration_minutes", "by_video_call", "is_active"]
    list_editable = ["is_active"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "branch"]
    list_filter = ["branch"]
    date_hierarchy = "date"

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Appointment)
class AppointmentAdmin(AuditedAccessAdmin, BranchScopedAdmin):
    """Appointments at the staff member's branch; the day's queue is a page of its own."""

    list_display = ["scheduled_for", "seat", "participant", "service_type", "status", "branch"]
    list_filter = ["status", "service_type"]
    list_select_related = ["participant", "service_type", "branch"]
    date_hierarchy = "scheduled_for"
    ordering = ["scheduled_for", "seat"]
    search_fields = ["participant__full_name", "=participant__nik"]
    readonly_fields = [f.name for f in Appointment._meta.fields]

    def get_queryset(self, request):
        return selectors.appointments_visible_to_staff(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        queue = self.admin_site.admin_view(self.queue_view)
        return [
            path("queue/", queue, name="appointments_appointment_queue"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "queue_url": reverse("admin:appointments_appointment_queue"),
        }
        return super().changelist_view(request, extra_context)

    def queue_view(self, request):
        """The day's queue at one branch: arrival order, with check-in, no-show and done."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        user = request.user
        branches = list(staff_branches(user=user))
        if not (branches or staff_sees_all_branches(user)):
            raise PermissionDenied  # staff without a branch have no queue
        asked = [b for b in branches if str(b.pk) == request.GET.get("branch")]
        branch = (asked or branches or [None])[0]
        try:
            day = datetime.date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            day = timezone.localdate()
        if request.method == "POST":
            action = request.POST.get("action")
            if action not in services.STAFF_TRANSITIONS:
                raise Http404
            appointment = (
                selectors.appointments_visible_to_staff(user=user)
                .filter(pk=request.POST.get("appointment"))
                .first()
            )
            if appointment is None:
                raise Http404
            try:
                services.appointment_record_visit(
                    appointment=appointment, action=action, actor=user
                )
            except services.AppointmentError as error:
                messages.error(request, error.message)
            return redirect(request.get_full_path())
        queue = list(selectors.day_queue(user=user, branch_id=branch.pk, day=day)) if branch else []
        # Each visit shown names its participant: audited like a change list's rows.
        staff_access_record_many(
            staff=user,
            objs=queue,
            participant_id_of=self.audit_participant_id,
            action=VIEWED,
            via=VIA_QUEUE,
        )
        one_day = datetime.timedelta(days=1)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Queue for the day"),
            "opts": self.model._meta,
            "queue": queue,
            "branch": branch,
            "branches": branches,
            "day": day,
            "previous_day": day - one_day,
            "next_day": day + one_day,
            "status": Appointment.Status,
        }
        return TemplateResponse(request, "admin/appointments/queue.html", context)

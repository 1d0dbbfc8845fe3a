import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.access_audit import VIA_QUEUE, VIEWED, AuditedAccessAdmin, staff_access_record_many
from core.admin import BranchScopedAdmin
from core.models import Branch
from core.scoping import staff_branches, staff_sees_all_branches
from participants.card import qr_svg

from . import door, selectors, services
from .forms import WalkInForm
from .models import Appointment, BranchService, Holiday, OpeningHours, QueueTicket, ServiceType


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
            if action not in {"check_in", *services.STAFF_TRANSITIONS}:
                raise Http404
            appointment = (
                selectors.appointments_visible_to_staff(user=user)
                .filter(pk=request.POST.get("appointment"))
                .first()
            )
            if appointment is None:
                raise Http404
            try:
                if action == "check_in":
                    ticket = services.ticket_check_in(
                        appointment=appointment, channel=QueueTicket.Channel.STAFF, actor=user
                    )
                    messages.success(
                        request,
                        _("Arrival reported. Queue number %(number)s.") % {"number": ticket.label},
                    )
                else:
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
        today = timezone.localdate()
        # Titled by the day it shows: "today" only when it is today (it once said today's
        # queue while showing tomorrow).
        title = (
            _("Today's visits")
            if day == today
            else _("Visits on %(date)s") % {"date": date_format(day, "l, j F Y")}
        )
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "today": today,
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


@admin.register(QueueTicket)
class QueueTicketAdmin(BranchScopedAdmin):
    """The day's queue numbers at the staff member's branch, and the counter's buttons."""

    list_display = ["day", "label", "status", "counter", "service_type", "issued_at", "branch"]
    list_filter = ["status", "day"]
    list_select_related = ["branch", "service_type"]
    ordering = ["-day", "prefix", "number"]
    readonly_fields = [f.name for f in QueueTicket._meta.fields]

    @admin.display(description=_("number"))
    def label(self, obj):
        return obj.label

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        counter = self.admin_site.admin_view(self.counter_view)
        poster = self.admin_site.admin_view(self.door_poster_view)
        return [
            path("counter/", counter, name="appointments_queueticket_counter"),
            path("door/", poster, name="appointments_queueticket_door"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "counter_url": reverse("admin:appointments_queueticket_counter"),
        }
        return super().changelist_view(request, extra_context)

    def _branch(self, request):
        """The branch worked: the staff member's own; a superuser picks one (?branch=)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        branches = list(staff_branches(user=request.user))
        if not branches:
            raise PermissionDenied  # staff without a branch have no queue
        asked = request.POST.get("branch") or request.GET.get("branch")
        chosen = [b for b in branches if str(b.pk) == asked]
        return (chosen or branches)[0], branches

    def counter_view(self, request):
        """Today's numbers: call the next one to a counter, start, finish, no-show; and a
        number for a walk-in at the door."""
        branch, branches = self._branch(request)
        user = request.user
        try:
            asked = request.POST.get("counter") or request.GET.get("counter") or 1
            counter = max(1, min(99, int(asked)))
        except ValueError:
            counter = 1
        walk_in = WalkInForm(
            request.POST if request.POST.get("action") == "walk_in" else None, branch=branch
        )
        if request.method == "POST":
            action = request.POST.get("action")
            back = f"{request.path}?branch={branch.pk}&counter={counter}"
            try:
                if action == "call_next":
                    ticket = services.ticket_call_next(branch=branch, counter=counter, staff=user)
                    if ticket is None:
                        messages.info(request, _("Nobody is waiting."))
                    else:
                        messages.success(
                            request,
                            _("%(number)s called to counter %(counter)s.")
                            % {"number": ticket.label, "counter": counter},
                        )
                    if ticket is not None and ticket.participant_id:
                        # Straight to everything about the person called: the counter screen.
                        member = reverse("counter:member", args=[ticket.participant_id])
                        return redirect(f"{member}?counter={counter}")
                    return redirect(back)
                if action == "walk_in":
                    if walk_in.is_valid():
                        ticket = services.ticket_issue_walk_in(
                            branch=branch,
                            service_type=walk_in.cleaned_data["service_type"],
                            channel=QueueTicket.Channel.STAFF,
                            actor=user,
                        )
                        messages.success(
                            request,
                            _("Walk-in number %(number)s issued.") % {"number": ticket.label},
                        )
                        return redirect(back)
                else:
                    moves = {
                        "serve_start": services.ticket_serve_start,
                        "serve_finish": services.ticket_serve_finish,
                        "no_show": services.ticket_no_show,
                    }
                    if action not in moves:
                        raise Http404
                    ticket = (
                        selectors.tickets_visible_to_staff(user=user)
                        .filter(pk=request.POST.get("ticket"), branch=branch)
                        .first()
                    )
                    if ticket is None:
                        raise Http404
                    moves[action](ticket=ticket, staff=user)
                    return redirect(back)
            except services.AppointmentError as error:
                messages.error(request, error.message)
                return redirect(back)
        tickets = selectors.queue_for_branch_today(branch=branch)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Today's queue numbers"),
            "opts": self.model._meta,
            "branch": branch,
            "branches": branches,
            "counter": counter,
            "tickets": tickets,
            "walk_in": walk_in,
            "today": timezone.localdate(),
            "status": QueueTicket.Status,
            "grace": settings.QUEUE_NO_SHOW_GRACE_MINUTES,
        }
        return TemplateResponse(request, "admin/appointments/queue_counter.html", context)

    def door_poster_view(self, request):
        """Today's door QR code, to print and put up at the entrance (it changes daily)."""
        branch, branches = self._branch(request)
        today = timezone.localdate()
        token = door.door_token(branch_id=branch.pk, day=today)
        url = settings.PORTAL_BASE_URL + reverse("appointments:queue_door", args=[token])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Door QR code for today"),
            "opts": self.model._meta,
            "branch": branch,
            "branches": branches,
            "today": today,
            "door_url": url,
            "door_qr": mark_safe(qr_svg(url)),  # noqa: S308 - our own generated SVG
        }
        return TemplateResponse(request, "admin/appointments/queue_door.html", context)

"""The counter workspace (admin pages): the day's queue and the claims waiting for me, one
member on one screen, and each decision from there: approve (a second officer above the
limit), reject or ask for documents with a reason, documents received, check in."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appointments import services as appointment_services
from appointments.models import Appointment
from claims import payouts
from claims import services as claim_services
from claims.choices import Status
from claims.models import Claim
from core.access_audit import VIEWED, staff_access_record
from participants.models import Participant

from . import selectors, services
from .forms import DecisionForm, SearchForm

VIA_COUNTER = "counter"
VIEW_PERMISSION = "participants.view_participant"
DECIDE_PERMISSION = "claims.change_claim"


def _context(request, **extra):
    return {**admin.site.each_context(request), **extra}


def _need(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def home(request):
    """Search any branch's member, the claims waiting for me, today's queue."""
    _need(request, VIEW_PERMISSION)
    form = SearchForm(request.GET or None)
    found = selectors.members_find(query=form.cleaned_data["q"]) if form.is_valid() else None
    waiting = list(selectors.claims_waiting_for(user=request.user)[:50])
    return TemplateResponse(
        request,
        "admin/counter/home.html",
        _context(
            request,
            title=_("Counter"),
            form=form,
            found=found,
            second_approvals=[c for c in waiting if c.status == Status.SECOND_APPROVAL],
            in_review=[c for c in waiting if c.status == Status.IN_REVIEW],
            queue=list(selectors.queue_today(user=request.user)),
            today=timezone.localdate(),
        ),
    )


def member(request, participant_id: int):
    """One member, everything about them, each item with the action that fits. Staff of
    another branch get a read view (audited) and may serve the member here for the day."""
    _need(request, VIEW_PERMISSION)
    file = selectors.member_file_get(participant_id=participant_id, user=request.user)
    if file is None:
        raise Http404
    staff_access_record(
        staff=request.user,
        obj=file.participant,
        participant_id=file.participant.pk,
        action=VIEWED,
        via=VIA_COUNTER,
    )
    return TemplateResponse(
        request,
        "admin/counter/member.html",
        _context(
            request,
            title=file.participant.full_name,
            file=file,
            decision_form=DecisionForm(),
            can_decide=file.may_act and request.user.has_perm(DECIDE_PERMISSION),
            ticket=selectors.ticket_at_counter(participant_id=participant_id, user=request.user),
            counter=_counter_number(request),
            # Check-in only on the day, at the branch the appointment is at.
            checkable={
                a.pk
                for a in file.appointments
                if a.branch_id == request.user.branch_id
                and a.status in (Appointment.Status.ASSIGNED, Appointment.Status.ACCEPTED)
                and a.scheduled_for
                and timezone.localdate(a.scheduled_for) == timezone.localdate()
            },
            user_id=request.user.pk,
        ),
    )


def _counter_number(request) -> int:
    """The counter this officer works at (from the queue page's link), 1 when not given."""
    asked = request.GET.get("counter", "")
    return max(1, min(99, int(asked))) if asked.isdigit() else 1


def _back(participant_id):
    return HttpResponseRedirect(reverse("counter:member", args=[participant_id]))


@require_POST
def serve_here(request, participant_id: int):
    _need(request, VIEW_PERMISSION)
    participant = Participant.objects.filter(pk=participant_id).first()
    if participant is None:
        raise Http404
    try:
        services.counter_visit_open(staff=request.user, participant=participant)
    except services.CounterError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You serve this member at your branch today."))
    return _back(participant_id)


@require_POST
def claim_decide(request, claim_id: int):
    """One decision on one claim, through the one state machine (four eyes included)."""
    _need(request, DECIDE_PERMISSION)
    claim = Claim.objects.select_related("participant").filter(pk=claim_id).first()
    if claim is None:
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"#{claim.pk}: {error}")
        return _back(claim.participant_id)
    decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
    try:
        if decision == DecisionForm.APPROVE:
            claim = payouts.claim_approve(claim=claim, actor=request.user)
        else:
            claim = claim_services.claim_transition(
                claim=claim,
                to_status=DecisionForm.TARGETS[decision],
                actor=request.user,
                reason=reason,
            )
    except claim_services.ClaimError as error:
        messages.error(request, f"#{claim.pk}: {error.message}")
    else:
        if claim.status == Status.SECOND_APPROVAL:
            messages.success(
                request,
                _("Claim #%(id)s approved by you: it is sent to a second officer.")
                % {"id": claim.pk},
            )
        else:
            messages.success(
                request,
                _("Claim #%(id)s is now '%(status)s'.")
                % {"id": claim.pk, "status": Status(claim.status).label},
            )
    return _back(claim.participant_id)


@require_POST
def check_in(request, appointment_id: int):
    _need(request, "appointments.change_appointment")
    appointment = (
        Appointment.objects.filter(pk=appointment_id, branch_id=request.user.branch_id).first()
        if not request.user.is_superuser
        else Appointment.objects.filter(pk=appointment_id).first()
    )
    if appointment is None:
        raise Http404
    try:
        appointment_services.appointment_record_visit(
            appointment=appointment, action="check_in", actor=request.user
        )
    except appointment_services.AppointmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Checked in: the member is at the counter."))
    return _back(appointment.participant_id)


# What the pay step needs is on the payment batch pages; the counter only says who pays.

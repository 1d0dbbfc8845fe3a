import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import ratelimit
from core.models import Branch
from participants.card import qr_svg
from participants.masking import mask_name
from participants.selectors import participant_get_for_user

from . import door, rules, selectors, services
from .forms import BookingForm, KioskCodeForm, MoveForm, WalkInForm
from .ics import appointment_ics
from .models import QueueTicket


def _participant(request):
    participant = participant_get_for_user(user=request.user)
    if participant is None:
        raise Http404
    return participant


REQUESTED_SESSION_KEY = "appointments_just_requested"


def appointment_request_saved(request, appointment) -> None:
    """After a request is saved: its page says so once, with what is true when it is shown
    (the scheduler may already have found the slot, or may still be looking)."""
    request.session[REQUESTED_SESSION_KEY] = appointment.pk


def _own(request, pk):
    return selectors.appointment_get_for_participant(
        participant=_participant(request), appointment_id=pk
    )


@never_cache
@login_required
def book(request):
    """Ask for a service at up to three branches within a date window (`?service=<code>`)."""
    participant = _participant(request)
    if request.method == "POST":
        form = BookingForm(request.POST, participant=participant)
        if form.is_valid():
            appointment = form.save(actor=request.user)
            if appointment is not None:
                appointment_request_saved(request, appointment)
                return redirect("appointments:detail", appointment.pk)
    else:
        form = BookingForm(
            participant=participant, initial={"service_type": request.GET.get("service")}
        )
    return render(request, "appointments/book.html", {"form": form})


@never_cache
@login_required
def appointment_list(request):
    participant = _participant(request)
    appointments = selectors.appointments_for_participant(participant=participant)
    return render(request, "appointments/list.html", {"appointments": appointments})


@never_cache
@login_required
def detail(request, pk):
    appointment = _own(request, pk)
    just_requested = request.session.get(REQUESTED_SESSION_KEY) == appointment.pk
    if just_requested:
        del request.session[REQUESTED_SESSION_KEY]
    return render(
        request,
        "appointments/detail.html",
        {
            "appointment": appointment,
            "just_requested": just_requested,
            "place": _open_place(appointment),
        },
    )


def _open_place(appointment):
    """The visit's place in today's queue while its number is open, else None."""
    ticket = getattr(appointment, "queue_ticket", None) if appointment.pk else None
    if ticket is None or ticket.status not in QueueTicket.OPEN:
        return None
    return selectors.ticket_place(ticket=ticket)


@never_cache
@login_required
def queue_place(request, pk):
    """The participant's place as a small fragment, polled by the detail page."""
    place = _open_place(_own(request, pk))
    html = render_to_string("appointments/_queue_place.html", {"place": place}, request=request)
    return JsonResponse({"html": html})


def _state_change(request, pk, change, done_message):
    appointment = _own(request, pk)
    try:
        change(appointment=appointment, actor=request.user)
    except services.AppointmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done_message)
    return redirect("appointments:detail", appointment.pk)


@login_required
@require_POST
def accept(request, pk):
    return _state_change(request, pk, services.appointment_accept, _("Appointment confirmed."))


@never_cache
@login_required
def cancel(request, pk):
    """Cancel an appointment: a confirmation page first (GET), the POST cancels."""
    if request.method != "POST":
        appointment = _own(request, pk)
        if not appointment.is_changeable:
            messages.error(request, services.ERRORS["not_changeable"])
            return redirect("appointments:detail", appointment.pk)
        if appointment.scheduled_for:
            when = date_format(timezone.localtime(appointment.scheduled_for), "l, j F Y, H:i")
            text = _(
                "Your visit on %(when)s WIB at %(branch)s will be cancelled and the slot "
                "given to someone else. To come later, book again."
            ) % {"when": when, "branch": appointment.branch.name}
        else:
            text = _(
                "Your request will be withdrawn and no slot looked for. To come later, book again."
            )
        return render(
            request,
            "components/confirm_page.html",
            {
                "confirm_title": _("Cancel this appointment?"),
                "confirm_text": text,
                "confirm_action": reverse("appointments:cancel", args=[appointment.pk]),
                "confirm_button": _("Yes, cancel the appointment"),
                "cancel_url": reverse("appointments:detail", args=[appointment.pk]),
            },
        )
    return _state_change(
        request,
        pk,
        services.appointment_cancel,
        _("Appointment cancelled. The slot is free again."),
    )


@never_cache
@login_required
def move(request, pk):
    """Pick a free time on one day at the chosen branches; `?date=` moves between days."""
    appointment = _own(request, pk)
    if not appointment.is_changeable:
        messages.error(request, services.ERRORS["not_changeable"])
        return redirect("appointments:detail", appointment.pk)
    earliest = rules.earliest_date(timezone.localdate())
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = (
            timezone.localtime(appointment.scheduled_for).date()
            if appointment.scheduled_for
            else max(appointment.window_start, earliest)
        )
    # A day past the booking horizon has no free times (and 9999-12-31's "next day" overflowed
    # into a 500): say how far ahead one may book and show the last day that can be chosen.
    latest = timezone.localdate() + datetime.timedelta(days=rules.MAX_DAYS_AHEAD)
    if day > latest:
        messages.error(
            request,
            _("Appointments can be booked at most %(days)s days ahead. Choose earlier dates.")
            % {"days": rules.MAX_DAYS_AHEAD},
        )
    day = min(max(day, earliest), max(latest, earliest))
    branches = list(appointment.branch_choices)
    if appointment.branch and appointment.branch not in branches:
        branches.append(appointment.branch)
    slots = selectors.free_slots(
        service_type=appointment.service_type,
        branches=branches,
        date_from=day,
        date_to=day,
        limit=200,
    )
    form = MoveForm(request.POST or None, slots=slots)
    if request.method == "POST" and form.is_valid():
        if form.save(appointment=appointment, actor=request.user) is not None:
            messages.success(request, _("Appointment moved."))
            return redirect("appointments:detail", appointment.pk)
    one_day = datetime.timedelta(days=1)
    context = {
        "appointment": appointment,
        "form": form,
        "day": day,
        "previous_day": day - one_day if day > earliest else None,
        "next_day": day + one_day if day < latest else None,
    }
    return render(request, "appointments/move.html", context)


@never_cache
@login_required
def ics(request, pk):
    appointment = _own(request, pk)
    if appointment.scheduled_for is None or appointment.seat is None:
        raise Http404
    url = request.build_absolute_uri(reverse("appointments:detail", args=[appointment.pk]))
    body = appointment_ics(
        appointment, url=url, now=timezone.now(), host=request.get_host().split(":")[0]
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    return response


# The virtual queue: public pages at the branch, and the participant's door check-in. -------


def _branch(code: str) -> Branch:
    return get_object_or_404(Branch, code=code)


def _display_context(branch):
    today = timezone.localdate()
    token = door.door_token(branch_id=branch.pk, day=today)
    url = settings.PORTAL_BASE_URL + reverse("appointments:queue_door", args=[token])
    return {
        "branch": branch,
        **selectors.queue_display(branch=branch, on=today),
        "now": timezone.localtime(),
        "door_url": url,
    }


@never_cache
def queue_display(request, branch_code):
    """The waiting-room screen: the number last called at each counter, in figures and in
    words; numbers only, no names. It polls queue_display_now every 3 s (plain script, for
    a cheap TV's browser) and reloads itself every 30 s without script."""
    branch = _branch(branch_code)
    context = _display_context(branch)
    context["door_qr"] = mark_safe(qr_svg(context["door_url"]))  # noqa: S308 - our own SVG
    return render(request, "appointments/queue_display.html", context)


@never_cache
def queue_display_now(request, branch_code):
    branch = _branch(branch_code)
    html = render_to_string(
        "appointments/_queue_calls.html", _display_context(branch), request=request
    )
    return JsonResponse({"html": html})


def _kiosk_key(request, branch) -> str:
    return f"queue-kiosk:{branch.pk}:{ratelimit.client_ip(request)}"


@never_cache
def queue_kiosk(request, branch_code):
    """The kiosk at the branch (no login): a booking code gives the visit's number. Wrong
    codes are counted per client address, so the codes cannot be tried one after another."""
    branch = _branch(branch_code)
    form = KioskCodeForm(request.POST or None)
    if request.method == "POST":
        key = _kiosk_key(request, branch)
        limit = settings.QUEUE_KIOSK_TRIES_PER_10_MINUTES
        if ratelimit.exceeded(key=key, limit=limit):
            form.is_valid()
            form.add_error(
                "booking_code",
                _("Too many wrong codes from this kiosk. Wait 10 minutes, or ask the staff."),
            )
        elif form.is_valid():
            ticket = form.save(branch=branch)
            if ticket is not None:
                return _kiosk_ticket(request, ticket)
            ratelimit.hit(key=key, limit=limit, period=10 * 60)
    return render(request, "appointments/queue_kiosk.html", {"branch": branch, "form": form})


def _kiosk_ticket(request, ticket):
    name = ticket.participant.full_name if ticket.participant_id else ""
    return render(
        request,
        "appointments/queue_ticket.html",
        {
            "ticket": ticket,
            "branch": ticket.branch,
            "words": rules.ticket_words_id(ticket.prefix, ticket.number),
            "masked_name": mask_name(name) if name else "",
            "place": selectors.ticket_place(ticket=ticket),
        },
    )


@never_cache
def queue_kiosk_walk_in(request, branch_code):
    """The kiosk's "no appointment" button: the service asked, then a number."""
    branch = _branch(branch_code)
    form = WalkInForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        ticket = form.save(channel=QueueTicket.Channel.KIOSK)
        if ticket is not None:
            return _kiosk_ticket(request, ticket)
    return render(request, "appointments/queue_walk_in.html", {"branch": branch, "form": form})


@never_cache
@login_required
def queue_door(request, token):
    """The branch door's QR code, scanned on the participant's phone: one button reports
    arrival (lapor hadir) for today's visit there, then the visit's page shows the number."""
    participant = _participant(request)
    branch_id = door.door_token_branch_id(token, today=timezone.localdate())
    branch = Branch.objects.filter(pk=branch_id).first() if branch_id else None
    error = None if branch else services.ERRORS["door_code_invalid"]
    if request.method == "POST" and branch:
        try:
            ticket = services.ticket_check_in_by_door(participant=participant, token=token)
        except services.AppointmentError as problem:
            error = problem.message
        else:
            messages.success(
                request,
                _("Arrival reported. Your queue number is %(number)s.") % {"number": ticket.label},
            )
            return redirect("appointments:detail", ticket.appointment_id)
    return render(
        request,
        "appointments/queue_door.html",
        {"branch": branch, "error": error},
        status=200 if branch else 404,
    )

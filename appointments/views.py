import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from participants.selectors import participant_get_for_user

from . import rules, selectors, services
from .forms import BookingForm, MoveForm
from .ics import appointment_ics


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
        {"appointment": appointment, "just_requested": just_requested},
    )


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

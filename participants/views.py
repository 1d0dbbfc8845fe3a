from allauth.account.views import SignupView
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import render

from appointments.selectors import appointment_next_for_participant

from .selectors import participant_get_for_user
from .services import ParticipantAlreadyRegistered


class ParticipantSignupView(SignupView):
    """allauth's signup, made all-or-nothing: losing the NIK race leaves no half account."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ParticipantAlreadyRegistered:
            form.add_nik_registered_error()
            return self.form_invalid(form)


def home(request):
    return render(request, "home.html")


@login_required
def dashboard(request):
    participant = participant_get_for_user(user=request.user)
    context = {"participant": participant}
    if participant is not None:
        context["next_appointment"] = appointment_next_for_participant(participant=participant)
    response = render(request, "participants/dashboard.html", context)
    response["Cache-Control"] = "no-store"
    return response

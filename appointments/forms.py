import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Branch

from . import rules, selectors, services

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Enter the date as day, month and year.")}


class BranchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.address})"


class BookingForm(forms.Form):
    service_type = forms.ModelChoiceField(
        label=_("Service"),
        queryset=selectors.service_types_bookable(),
        to_field_name="code",
        # An explicit prompt, never Django's "---------" (and no service chosen by accident).
        empty_label=_("Choose a service"),
        error_messages={
            "required": _("Service: choose the service you need."),
            "invalid_choice": _("Choose a service from the list."),
        },
    )
    branch_choice_1 = BranchChoiceField(
        label=_("First choice of branch"),
        queryset=Branch.objects.all(),
        required=False,
        empty_label=_("Choose a branch"),
    )
    branch_choice_2 = BranchChoiceField(
        label=_("Second choice"),
        queryset=Branch.objects.all(),
        required=False,
        empty_label=_("No second choice"),
    )
    branch_choice_3 = BranchChoiceField(
        label=_("Third choice"),
        queryset=Branch.objects.all(),
        required=False,
        empty_label=_("No third choice"),
    )
    earliest_anywhere = forms.BooleanField(
        label=_("Earliest at any branch near me"),
        required=False,
        help_text=_("We choose the nearest branches and give you the earliest free slot."),
    )
    window_start = forms.DateField(
        label=_("Earliest day"), widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )
    window_end = forms.DateField(
        label=_("Latest day"),
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
    )

    def __init__(self, *args, participant, **kwargs):
        self.participant = participant
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["window_start"].initial = rules.earliest_date(today)
        self.fields["window_end"].initial = rules.earliest_date(today) + datetime.timedelta(days=13)
        self.fields["branch_choice_1"].initial = participant.branch_id
        self.fields["window_end"].help_text = _("At most %(days)s days from the earliest day.") % {
            "days": rules.MAX_WINDOW_DAYS
        }

    def branch_choices(self) -> list:
        """The preferred branches the participant picked, in their order, blanks left out."""
        names = ("branch_choice_1", "branch_choice_2", "branch_choice_3")
        return [self.cleaned_data[name] for name in names if self.cleaned_data.get(name)]

    def save(self, *, actor):
        data = self.cleaned_data
        choices = self.branch_choices()
        try:
            return services.appointment_request_create(
                participant=self.participant,
                service_type=data["service_type"],
                branch_choices=choices,
                earliest_anywhere=data["earliest_anywhere"],
                window_start=data["window_start"],
                window_end=data["window_end"],
                actor=actor,
            )
        except services.AppointmentError as error:
            self.add_error(error.field, error.message)
            return None


class MoveForm(forms.Form):
    slot = forms.ChoiceField(
        label=_("New time"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the free times."),
            "invalid_choice": _("That time is no longer free. Choose another from the list."),
        },
    )

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {slot.value: slot for slot in slots}
        self.fields["slot"].choices = [(slot.value, slot) for slot in slots]

    def save(self, *, appointment, actor):
        slot = self.slots[self.cleaned_data["slot"]]
        try:
            return services.appointment_move(
                appointment=appointment, branch=slot.branch, starts_at=slot.starts_at, actor=actor
            )
        except services.AppointmentError as error:
            self.add_error(None if error.field is None else "slot", error.message)
            return None


class KioskCodeForm(forms.Form):
    """The branch kiosk: a booking code in, the visit's queue number out."""

    booking_code = forms.CharField(
        label=_("Booking code"),
        max_length=12,
        help_text=_("6 letters and digits, on your appointment page and in its e-mail."),
        error_messages={
            "required": _("Booking code: type the 6 letters and digits of your booking."),
            "max_length": _("Booking code: it has 6 letters and digits. Check and type it again."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def save(self, *, branch):
        try:
            return services.ticket_check_in_by_code(
                branch=branch, booking_code=self.cleaned_data["booking_code"]
            )
        except services.AppointmentError as error:
            self.add_error("booking_code", error.message)
            return None


class WalkInForm(forms.Form):
    """A queue number without an appointment: which service the visitor came for."""

    service_type = forms.ModelChoiceField(
        label=_("What did you come for?"),
        queryset=None,  # the branch's services, set in __init__
        empty_label=_("Choose a service"),
        error_messages={
            "required": _("Service: choose what you came for."),
            "invalid_choice": _("Service: choose one from the list."),
        },
    )

    def __init__(self, *args, branch, **kwargs):
        self.branch = branch
        super().__init__(*args, **kwargs)
        self.fields["service_type"].queryset = selectors.services_at_branch(branch=branch)

    def save(self, *, channel, actor=None):
        try:
            return services.ticket_issue_walk_in(
                branch=self.branch,
                service_type=self.cleaned_data["service_type"],
                channel=channel,
                actor=actor,
            )
        except services.AppointmentError as error:
            self.add_error("service_type", error.message)
            return None

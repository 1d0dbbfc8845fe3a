from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Branch
from documents.forms import DocumentsField
from participants.nik import parse_nik

ERRORS = {
    "contact": _("Give an e-mail address so staff can answer you."),
}


class PortalForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""


def _max_attachments() -> int:
    return settings.COMPLAINTS_MAX_ATTACHMENTS


def attachments_field() -> DocumentsField:
    return DocumentsField(label=_("Attachments"), max_files=_max_attachments, required=False)


class TicketForm(PortalForm):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=150,
        help_text=_('In a few words, for example: "Balance of my second KPJ card not shown".'),
        error_messages={"required": _("Write a short subject for your complaint.")},
    )
    body = forms.CharField(
        label=_("What happened?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What you tried, what you saw (the error message) and when. Never write your "
            "password here."
        ),
        error_messages={"required": _("Describe the problem so staff can help you.")},
    )
    attachments = attachments_field()


class AnonymousTicketForm(TicketForm):
    """For people who cannot log in: who they are, and how to reach them."""

    nik = forms.CharField(
        label=_("NIK (16 digits, from your KTP)"),
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Enter your NIK so staff can find your membership.")},
    )
    name = forms.CharField(
        label=_("Full name as on your KTP"),
        max_length=150,
        error_messages={"required": _("Enter your full name as on your KTP.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("We send the ticket number and the answers to this address."),
        error_messages={
            "required": ERRORS["contact"],
            "invalid": _("This e-mail address is not valid. Check it, e.g. name@example.com."),
        },
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    branch = forms.ModelChoiceField(
        label=_("Nearest branch office"),
        queryset=Branch.objects.all(),
        empty_label=_("Choose a branch office"),
        help_text=_("If your NIK is registered, your own branch handles the complaint."),
        error_messages={"required": _("Choose the branch office nearest to you.")},
    )

    field_order = ["nik", "name", "email", "phone", "branch", "subject", "body", "attachments"]

    def clean_nik(self):
        nik = self.cleaned_data["nik"].strip()
        parse_nik(nik, today=timezone.localdate())  # names the broken part of the NIK
        return nik


class ReplyForm(PortalForm):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your reply before sending it.")},
    )
    attachments = attachments_field()


class RatingForm(PortalForm):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the help?"),
        choices=[
            (5, _("5 - very good")),
            (4, _("4 - good")),
            (3, _("3 - fair")),
            (2, _("2 - poor")),
            (1, _("1 - very poor")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TicketFollowForm(PortalForm):
    """Follow a complaint sent without an account: its number plus the NIK or phone given."""

    number = forms.CharField(
        label=_("Ticket number"),
        max_length=16,
        help_text=_("As in the e-mail we sent, for example PGD-7K2M9QXA."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    nik_or_phone = forms.CharField(
        label=_("Your NIK or mobile number"),
        max_length=20,
        help_text=_("The NIK or the mobile number you gave with the complaint."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean_nik_or_phone(self):
        return self.cleaned_data["nik_or_phone"].strip()

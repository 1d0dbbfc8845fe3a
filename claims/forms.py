import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.models import Participant
from participants.nik import normalise_name

from .choices import Kind, Program, Reason
from .rules import CLAIM_TYPES, CLAIM_TYPES_BY_CODE, ClaimType


def claim_type_choices():
    """Options grouped by program, e.g. "JHT" -> "Full: Resigned"."""
    groups = []
    for program in Program:
        options = [
            (
                claim_type.code,
                f"{Kind(claim_type.kind).label}: {Reason(claim_type.reason).label}",
            )
            for claim_type in CLAIM_TYPES
            if claim_type.program == program
        ]
        groups.append((program.label, options))
    return [("", _("Choose what you are claiming for"))] + groups


class EligibilityForm(forms.Form):
    """The checker: what and since when. Also the first half of the filing form."""

    claim_type = forms.ChoiceField(
        label=_("What are you claiming for?"),
        choices=claim_type_choices,
        error_messages={"required": _("Claim: choose what you are claiming for.")},
    )
    event_date = forms.DateField(
        label=_("Date of the event"),
        required=False,
        help_text=_(
            "For a resignation: the date on the resignation letter. For a termination: the "
            "PHK date. Also the contract's end, the certification, the death or the accident."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Date of the event: enter it as day, month and year.")},
    )
    requested_amount = forms.IntegerField(
        label=_("Amount for a partial withdrawal (Rp, optional)"),
        required=False,
        min_value=1,
        help_text=_("Leave empty to withdraw the most allowed."),
        error_messages={"min_value": _("Amount: enter a whole number of rupiah above 0.")},
    )
    accident_reported = forms.BooleanField(
        label=_("The work accident has been reported to BPJS Ketenagakerjaan"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""

    @property
    def selected_type(self) -> ClaimType:
        return CLAIM_TYPES_BY_CODE[self.cleaned_data["claim_type"]]

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("claim_type")
        if code and CLAIM_TYPES_BY_CODE[code].kind != Kind.PARTIAL:
            cleaned["requested_amount"] = None
        if code and CLAIM_TYPES_BY_CODE[code].needs_event_date and not cleaned.get("event_date"):
            if "event_date" not in self.errors:
                self.add_error(
                    "event_date",
                    _("Date of the event: this claim needs it, for example the resignation date."),
                )
        return cleaned


class ClaimFileForm(EligibilityForm):
    """Filing: the checker's fields plus the payout account and the double-click guard.

    MERGE SEAM (issue 4): the account fields give way to the participant's verified bank
    account from pengkinian data; the name match below then happens at verification.
    """

    bank_name = forms.CharField(label=_("Bank"), max_length=60)
    bank_account_number = forms.RegexField(
        label=_("Account number"),
        regex=r"^\d{6,20}$",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Account number: digits only, 6 to 20 of them, as in your bank book.")
        },
    )
    bank_account_holder = forms.CharField(
        label=_("Account holder's name"),
        max_length=150,
        help_text=_("The account must be in your own name, as on your KTP."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, participant: Participant, heir_allowed: bool = False, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.heir_allowed = heir_allowed

    def clean_bank_account_holder(self):
        holder = self.cleaned_data["bank_account_holder"]
        if not self.heir_allowed and normalise_name(holder) != normalise_name(
            self.participant.full_name
        ):
            raise forms.ValidationError(
                _(
                    "Account holder's name: it must match your name as on your KTP (%(name)s). "
                    "Use an account in your own name."
                ),
                params={"name": self.participant.full_name},
                code="name_mismatch",
            )
        return holder


class StaffClaimFileForm(ClaimFileForm):
    """Filing at the counter for a participant who is present (admin, branch-scoped)."""

    identity_checked = forms.BooleanField(
        label=_("I checked the participant's KTP at the counter"),
        error_messages={"required": _("Identity: check the KTP, then tick this box.")},
    )
    filed_by_heir = forms.BooleanField(
        label=_("Filed by an heir (after the participant's death)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, heir_allowed=True, **kwargs)

    def clean(self):
        cleaned = super().clean()
        holder = cleaned.get("bank_account_holder")
        if holder and not cleaned.get("filed_by_heir"):
            if normalise_name(holder) != normalise_name(self.participant.full_name):
                self.add_error(
                    "bank_account_holder",
                    _(
                        "Account holder's name: it must be the participant's name "
                        "(%(name)s) unless an heir files the claim."
                    )
                    % {"name": self.participant.full_name},
                )
        return cleaned


class ReasonForm(forms.Form):
    """The admin's intermediate page for reject / request documents."""

    reason = forms.CharField(
        label=_("Reason, in words the participant understands"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Reason: write what is wrong or missing.")},
    )

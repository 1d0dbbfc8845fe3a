import uuid
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from appointments.forms import BookingForm
from documents.forms import DocumentField
from documents.models import Document
from participants.models import Bank, Participant
from participants.nik import normalise_name

from .choices import CLAIM_TYPE_LABELS, DocumentType, Kind, Program, Reason
from .rules import (
    CLAIM_TYPES,
    CLAIM_TYPES_BY_CODE,
    DISABILITY_LABELS,
    ClaimType,
    documents_for,
    jkp_offered,
)
from .selectors import PayoutAccount
from .services import ClaimDocumentsRefused, ClaimNotEligible


def claim_type_choices(programs=tuple(Program)):
    """Options grouped by program, each label whole on its own (a phone's picker may not show
    the group): "JHT in full: I resigned", "JKM death benefit for the heir: …"."""
    groups = []
    for program in programs:
        options = [
            (claim_type.code, CLAIM_TYPE_LABELS[claim_type.code])
            for claim_type in CLAIM_TYPES
            if claim_type.program == program
        ]
        groups.append((program.label, options))
    return [("", _("Choose what you are claiming for"))] + groups


def disability_choices():
    return [("", _("None, or not known yet"))] + [
        (code, label) for code, label in DISABILITY_LABELS.items()
    ]


# The questions that depend on the claim chosen, and the claims that ask each.
QUESTIONS_BY_TYPE = {
    "event_date": lambda claim_type: claim_type.needs_event_date,
    "requested_amount": lambda claim_type: claim_type.kind == Kind.PARTIAL,
    "accident_reported": lambda claim_type: claim_type.program == Program.JKK,
    "contract_retirement_age": lambda claim_type: (
        (claim_type.program, claim_type.reason) == (Program.JHT, Reason.RETIREMENT_AGE)
    ),
    "pmi_work_period": lambda claim_type: claim_type.program == Program.JKM,
    "stmb_months": lambda claim_type: claim_type.program == Program.JKK,
    "disability_code": lambda claim_type: claim_type.program == Program.JKK,
}


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
    contract_retirement_age = forms.IntegerField(
        label=_("Retirement age in your work contract or company rules"),
        required=False,
        min_value=40,
        max_value=70,
        help_text=_("Only for a JHT claim at retirement age, if your contract sets an age."),
        error_messages={
            "min_value": _("Retirement age: enter an age from 40 to 70, or leave it empty."),
            "max_value": _("Retirement age: enter an age from 40 to 70, or leave it empty."),
            "invalid": _("Retirement age: enter a whole number of years, or leave it empty."),
        },
    )
    pmi_work_period = forms.BooleanField(
        label=_("Migrant worker (PMI): the death happened during the work period abroad"),
        required=False,
    )
    stmb_months = forms.IntegerField(
        label=_("Months unable to work after the accident"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("For a JKK estimate of the pay while unable to work (STMB)."),
        error_messages={
            "min_value": _("Months unable to work: enter 1 to 120, or leave it empty."),
            "max_value": _("Months unable to work: enter 1 to 120, or leave it empty."),
            "invalid": _("Months unable to work: enter a whole number, or leave it empty."),
        },
    )
    disability_code = forms.ChoiceField(
        label=_("Lasting injury (partial disability)"),
        required=False,
        choices=disability_choices,
        help_text=_("For a JKK estimate; the doctor's certificate decides."),
    )

    def __init__(self, *args, participant: Participant | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        # Once the claim is chosen, only the questions it asks: a farmer checking a JKM
        # claim is not asked about partial withdrawals or accident reports.
        code = (self.data if self.is_bound else self.initial).get("claim_type")
        chosen = CLAIM_TYPES_BY_CODE.get(code) if isinstance(code, str) else None
        if chosen is not None:
            for name, asks in QUESTIONS_BY_TYPE.items():
                if name in self.fields and not asks(chosen):
                    del self.fields[name]
        # JKP is offered only to those who can have it (an Indonesian wage earner); every
        # other program stays listed, with the reason when the category lacks it.
        if participant is not None and not jkp_offered(
            category=participant.category, nationality=participant.nationality
        ):
            programs = [program for program in Program if program != Program.JKP]
            self.fields["claim_type"].choices = claim_type_choices(programs)

    @property
    def selected_type(self) -> ClaimType:
        return CLAIM_TYPES_BY_CODE[self.cleaned_data["claim_type"]]

    def claim_fields(self) -> dict:
        """The claim asked for, from a valid form: what the rules judge (ClaimRequest) and
        what claim_file files."""
        data = self.cleaned_data
        return {
            "claim_type": self.selected_type,
            "event_date": data.get("event_date"),
            "requested_amount": data.get("requested_amount"),
            "accident_reported": data.get("accident_reported", False),
            "contract_retirement_age": data.get("contract_retirement_age"),
            "pmi_work_period": data.get("pmi_work_period", False),
        }

    def calculator_fields(self) -> dict:
        """The checker's extra JKK estimate inputs (not filed with a claim)."""
        data = self.cleaned_data
        return {
            "stmb_months": data.get("stmb_months"),
            "disability_code": data.get("disability_code") or "",
        }

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


# Which field a refusal of the rules is about, so the error sits by that field (the rest go to
# the top of the form).
BLOCKER_FIELDS = {
    "event_date_missing": "event_date",
    "waiting_period": "event_date",
    "not_yet_happened": "event_date",
    "partial_amount_above_maximum": "requested_amount",
    "accident_not_reported": "accident_reported",
}


@dataclass(frozen=True)
class DocumentRow:
    """One document input of the filing form, with the file kept for it after a refusal."""

    field: forms.BoundField
    kept: Document | None


class ClaimFileForm(EligibilityForm):
    """Filing online: the checker's fields and the double-click guard.

    The payout account is not entered here: the claim pays into the participant's verified
    bank account from their pengkinian data (`claims.selectors.payout_account_for`).

    `kept` holds the files kept for this form (same idempotency key) after an earlier refusal
    (`claims.services.claim_draft_uploads_keep`): a document with a kept file needs no new
    one; a new file replaces it.
    """

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # The JKK calculator inputs estimate; a claim is judged on the doctor's certificate.
    stmb_months = None
    disability_code = None

    def __init__(self, *args, participant: Participant, kept: dict | None = None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, participant=participant, **kwargs)
        self.participant = participant
        # One file input per document the chosen claim needs (the checker's list); the
        # claim type comes from the posted form or from the checker's link.
        code = (self.data if self.is_bound else self.initial).get("claim_type")
        claim_type = CLAIM_TYPES_BY_CODE.get(code) if isinstance(code, str) else None
        self.document_codes = documents_for(claim_type) if claim_type else ()
        self.kept = {code: doc for code, doc in (kept or {}).items() if code in self.document_codes}
        for document in self.document_codes:
            label = DocumentType(document).label
            self.fields[f"document_{document}"] = DocumentField(label=label, required=False)

    def document_field_names(self) -> list[str]:
        return [f"document_{code}" for code in self.document_codes]

    def document_rows(self) -> list[DocumentRow]:
        """The document inputs in order, each with its kept file, for the template."""
        return [
            DocumentRow(field=self[f"document_{code}"], kept=self.kept.get(code))
            for code in self.document_codes
        ]

    def clean(self):
        cleaned = super().clean()
        self.refuse_rejected_kept(replaced=self.chosen_files)
        return cleaned

    def refuse_rejected_kept(self, *, replaced=()) -> None:
        """A kept file the automatic check refused meanwhile is no longer attached: say why
        at its input and ask for another (except where `replaced` by a new file)."""
        chosen = replaced
        for code, document in list(self.kept.items()):
            if document.status != Document.Status.REJECTED or code in chosen:
                continue
            reasons = " ".join(str(reason) for reason in document.failed_reasons())
            self.add_error(
                f"document_{code}",
                _("%(document)s: the automatic check refused %(file)s. %(why)s "
                  "Choose another file.")
                % {"document": DocumentType(code).label, "file": document.original_name,
                   "why": reasons},
            )  # fmt: skip
            del self.kept[code]

    def add_filing_error(self, error) -> None:
        """A refusal of `claims.services.claim_file`, by the field it is about: a document's
        problems at its file input, a rule's reason at the field it names (the date, the
        amount), anything else at the top; the error summary lists them all."""
        if isinstance(error, ClaimNotEligible) and error.eligibility is not None:
            for blocker in error.eligibility.blockers:
                field = BLOCKER_FIELDS.get(blocker.code)
                self.add_error(field if field in self.fields else None, blocker.message)
            if error.eligibility.blockers:
                return
        if not isinstance(error, ClaimDocumentsRefused):
            self.add_error(None, error.message)
            return
        self.add_document_problems(error.problems)

    def add_document_problems(self, problems: dict[str, list[str]]) -> None:
        for code, messages in problems.items():
            field = f"document_{code}"
            for message in messages:
                if field in self.fields:
                    if message not in self.errors.get(field, []):
                        self.add_error(field, message)
                else:
                    self.add_error(None, message)

    @property
    def chosen_files(self) -> dict:
        """The files chosen in this post by document type, valid form or not."""
        return {
            code: upload
            for code in self.document_codes
            if (upload := self.files.get(self.add_prefix(f"document_{code}")))
        }

    @property
    def uploads(self) -> dict:
        """The chosen files by document type (only those sent)."""
        return {
            code: self.cleaned_data[f"document_{code}"]
            for code in self.document_codes
            if self.cleaned_data.get(f"document_{code}")
        }

    @property
    def kept_documents(self) -> dict:
        """The kept files still to use: those not replaced by a new file in this post."""
        uploads = self.uploads
        return {code: doc for code, doc in self.kept.items() if code not in uploads}


class StaffClaimFileForm(ClaimFileForm):
    """Filing at the counter for a participant who is present (admin, branch-scoped).

    The participant's own claim pays into their verified account; an heir's claim pays into
    the heir's account, entered here from the heir's bank book.
    """

    identity_checked = forms.BooleanField(
        label=_("I checked the participant's KTP at the counter"),
        error_messages={"required": _("Identity: check the KTP, then tick this box.")},
    )
    filed_by_heir = forms.BooleanField(
        label=_("Filed by an heir (after the participant's death)"), required=False
    )
    heir_nik = forms.RegexField(
        label=_("Heir's NIK (from the heir's KTP)"),
        regex=r"^\d{16}$",
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("Heir's NIK: the 16 digits from the heir's KTP.")},
    )
    heir_name = forms.CharField(
        label=_("Heir's name (exactly as on the heir's KTP)"), max_length=150, required=False
    )
    heir_bank_name = forms.ChoiceField(
        label=_("Heir's bank"), choices=[("", "")] + Bank.choices, required=False
    )
    heir_account_number = forms.RegexField(
        label=_("Heir's account number"),
        regex=r"^\d{6,20}$",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": _(
                "Heir's account number: digits only, 6 to 20 of them, as in the bank book."
            )
        },
    )
    heir_account_holder = forms.CharField(
        label=_("Heir's name on the account"), max_length=150, required=False
    )

    HEIR_FIELDS = (
        "heir_nik",
        "heir_name",
        "heir_bank_name",
        "heir_account_number",
        "heir_account_holder",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("filed_by_heir"):
            for name in self.HEIR_FIELDS:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(
                        name,
                        _("%(field)s: an heir's claim pays into the heir's account; fill it in.")
                        % {"field": self.fields[name].label},
                    )
            holder, name = cleaned.get("heir_account_holder"), cleaned.get("heir_name")
            if holder and name and normalise_name(holder) != normalise_name(name):
                self.add_error(
                    "heir_account_holder",
                    _(
                        "Heir's name on the account: it must be the heir's name as on their "
                        "KTP. An heir's claim pays only into the heir's own account."
                    ),
                )
        return cleaned

    def heir_identity(self) -> dict:
        """The heir's NIK and name for claim_file (empty for the participant's own claim)."""
        data = self.cleaned_data
        if not data.get("filed_by_heir"):
            return {}
        return {"heir_nik": data["heir_nik"], "heir_name": data["heir_name"]}

    @property
    def heir_account(self) -> PayoutAccount | None:
        data = self.cleaned_data
        if not data.get("filed_by_heir"):
            return None
        return PayoutAccount(
            data["heir_bank_name"], data["heir_account_number"], data["heir_account_holder"]
        )


class ReplaceDocumentForm(forms.Form):
    """Send one required document again, while the claim asks for documents."""

    file = DocumentField(
        label=_("New file"),
        error_messages={"required": _("New file: choose the photo or PDF scan to upload.")},
    )


class BranchVisitForm(BookingForm):
    """Book the branch visit that finishes a claim above the online limit.

    The appointments booking form without the service choice: the visit is always a JHT
    claim verification, linked to the claim and scheduled with priority.
    """

    def __init__(self, *args, claim, **kwargs):
        super().__init__(*args, participant=claim.participant, **kwargs)
        self.claim = claim
        del self.fields["service_type"]

    def save(self, *, actor):
        from appointments.services import AppointmentError

        from . import services

        data = self.cleaned_data
        choices = self.branch_choices()
        try:
            return services.claim_branch_visit_request(
                claim=self.claim,
                branch_choices=choices,
                window_start=data["window_start"],
                window_end=data["window_end"],
                earliest_anywhere=data["earliest_anywhere"],
                actor=actor,
            )
        except AppointmentError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        except services.ClaimError as error:
            self.add_error(None, error.message)
        return None


class ReasonForm(forms.Form):
    """The admin's intermediate page for reject / request documents."""

    reason = forms.CharField(
        label=_("Reason, in words the participant understands"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Reason: write what is wrong or missing.")},
    )


class JkkCalculatorForm(forms.Form):
    """Staff's JKK calculator: the cash benefits for a wage, with their basis."""

    monthly_wage = forms.IntegerField(
        label=_("Monthly wage reported (Rp)"),
        min_value=1,
        error_messages={
            "required": _("Monthly wage: enter the wage in rupiah."),
            "min_value": _("Monthly wage: enter a whole number of rupiah above 0."),
            "invalid": _("Monthly wage: enter a whole number of rupiah above 0."),
        },
    )
    stmb_months = EligibilityForm.base_fields["stmb_months"]
    disability_code = EligibilityForm.base_fields["disability_code"]

"""Forms for pengkinian data: each error names the field, what is wrong and what to do."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.forms import DocumentField
from documents.models import Document
from participants.models import Bank, Nationality, Relationship
from participants.nik import normalise_name, parse_nik

from .models import DataUpdateRequest, RemoveReason
from .rules import name_tidy, name_well_formed

Kind = DataUpdateRequest.Kind
_PHONE = re.compile(r"^08\d{8,11}$")

ERRORS = {
    "phone": _(
        "Mobile number: enter an Indonesian mobile number that starts with 08 and has 10 to 13 "
        "digits, for example 081234567890."
    ),
    "phone_same": _("Mobile number: this is already your number. Type the new number."),
    "email": _("E-mail: this is not a valid address. Write it like name@example.com."),
    "email_same": _("E-mail: this is already your e-mail. Type the new address."),
    "postal_code": _("Postal code: type the 5 digits of your postal code, for example 40911."),
    "rt_rw": _("RT/RW: write it as two numbers with a slash, for example 003/007."),
    "address_long": _("Address: it is too long for our records. Shorten the street part."),
    "account_number": _("Account number: use digits only (6 to 20), as printed in your bank book."),
    "birth_date_future": _("Birth date: it cannot be in the future. Check it against the KK."),
    "date": _("Birth date: enter the day, month and year, for example 1990-07-25."),
    "name_same": _("New name: this is already the name in our records."),
    "nationality_same": _(
        "Nationality: this is already the nationality in our records. Choose the other one, "
        "or leave this page."
    ),
    "name_chars": _(
        "New name: use letters, spaces, dots, commas, apostrophes or dashes only, "
        "as printed on your KTP."
    ),
    "new_value_needed": _("New value: fill in the new %(what)s you want."),
    "code": _("Confirmation code: type the 6 digits from the message we sent you."),
    "required": _("This field is required: please fill it in."),
    "family_unchanged": _(
        "Nothing changed: correct at least one field as printed on your KK, or go back if "
        "this person's data is already right."
    ),
}


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s\-().]", "", value or "")
    if digits.startswith("+62"):
        digits = "0" + digits[3:]
    elif digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits


def _date_field(label):
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": ERRORS["date"], "required": ERRORS["required"]},
    )


class DataUpdateForm(forms.Form):
    """Base: knows the participant and the draft; `values()` is what the request stores."""

    kind = None
    document_fields: dict[str, str] = {}

    def __init__(self, *args, participant, draft=None, **kwargs):
        self.participant = participant
        self.draft = draft
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        for field in self.fields.values():
            field.error_messages.setdefault("required", ERRORS["required"])
            field.error_messages["required"] = ERRORS["required"]
        attached = self.attached_kinds()
        for name, document_kind in self.document_fields.items():
            if document_kind in attached:
                self.fields[name].required = False

    def attached_kinds(self) -> set[str]:
        if self.draft is None or self.draft.pk is None:
            return set()
        return {
            document.kind
            for document in self.draft.documents.all()
            if document.status != Document.Status.REJECTED
        }

    @classmethod
    def kind_for(cls, data) -> str:
        return cls.kind

    def values(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.document_fields
        }


class PhoneForm(DataUpdateForm):
    kind = Kind.PHONE
    phone = forms.CharField(
        label=_("New mobile number"),
        max_length=20,
        help_text=_("Starts with 08, for example 081234567890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        if not _PHONE.match(phone):
            raise ValidationError(ERRORS["phone"], code="phone")
        if phone == self.participant.phone and self.participant.phone_verified_at:
            # An unverified number on record (from an employer's report) can be confirmed.
            raise ValidationError(ERRORS["phone_same"], code="phone_same")
        return phone


class EmailForm(DataUpdateForm):
    kind = Kind.EMAIL
    email = forms.EmailField(
        label=_("New e-mail address"),
        help_text=_("We send a confirmation code to this address."),
        error_messages={"invalid": ERRORS["email"]},
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email == (self.participant.email or "").lower():
            raise ValidationError(ERRORS["email_same"], code="email_same")
        return email


class AddressForm(DataUpdateForm):
    kind = Kind.ADDRESS
    street = forms.CharField(
        label=_("Street, house number"),
        max_length=150,
        help_text=_("For example: Jl. Raya Soreang No. 12"),
    )
    rt_rw = forms.CharField(label=_("RT/RW"), max_length=7, required=False)
    village = forms.CharField(label=_("Village (desa/kelurahan)"), max_length=60)
    district = forms.CharField(label=_("District (kecamatan)"), max_length=60)
    city = forms.CharField(label=_("Regency or city"), max_length=60)
    postal_code = forms.CharField(label=_("Postal code"), max_length=5, required=False)

    def clean_rt_rw(self):
        value = self.cleaned_data["rt_rw"].strip()
        if value and not re.fullmatch(r"\d{1,3}/\d{1,3}", value):
            raise ValidationError(ERRORS["rt_rw"], code="rt_rw")
        return value

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if value and not re.fullmatch(r"\d{5}", value):
            raise ValidationError(ERRORS["postal_code"], code="postal_code")
        return value

    def values(self):
        data = self.cleaned_data
        parts = [data["street"]]
        if data["rt_rw"]:
            parts.append(f"RT/RW {data['rt_rw']}")
        parts += [data["village"], data["district"], data["city"]]
        address = ", ".join(part.strip() for part in parts)
        if data["postal_code"]:
            address += f" {data['postal_code']}"
        if len(address) > 255:
            raise ValidationError({"street": ERRORS["address_long"]})
        return {"address": address}


class EmergencyContactForm(DataUpdateForm):
    kind = Kind.EMERGENCY_CONTACT
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    relationship = forms.ChoiceField(label=_("Relationship to you"), choices=Relationship.choices)
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        if not _PHONE.match(phone):
            raise ValidationError(ERRORS["phone"], code="phone")
        return phone


def _clean_nik(value: str) -> str:
    value = value.strip()
    parse_nik(value, today=timezone.localdate())
    return value


class FamilyMemberForm(DataUpdateForm):
    kind = Kind.FAMILY_MEMBER
    document_fields = {"kk_file": Document.Kind.KK}
    full_name = forms.CharField(label=_("Full name as on the KK"), max_length=150)
    relationship = forms.ChoiceField(label=_("Relationship to you"), choices=Relationship.choices)
    birth_date = _date_field(_("Birth date"))
    nik = forms.CharField(
        label=_("NIK (if they have one)"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    is_heir = forms.BooleanField(
        label=_("This person is my heir (ahli waris)"),
        required=False,
        help_text=_("Heirs receive the benefits if something happens to you."),
    )
    kk_file = DocumentField(label=_("Photo or scan of your family card (KK)"))

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value > timezone.localdate():
            raise ValidationError(ERRORS["birth_date_future"], code="birth_date_future")
        return value

    def clean_nik(self):
        value = self.cleaned_data["nik"]
        return _clean_nik(value) if value.strip() else ""

    def values(self):
        values = super().values()
        values["birth_date"] = values["birth_date"].isoformat()
        return values


class FamilyMemberEditForm(FamilyMemberForm):
    """Correct a family member already on record; staff check it against the KK."""

    kind = Kind.FAMILY_MEMBER_EDIT
    kk_file = DocumentField(label=_("Photo or scan of your family card (KK) showing this person"))

    def __init__(self, *args, member, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            new = {name: value for name, value in self.values().items() if name != "member"}
            if new == {field: self.member.as_values()[field] for field in new}:
                raise ValidationError(ERRORS["family_unchanged"], code="family_unchanged")
        return cleaned

    def values(self):
        return {**super().values(), "member": self.member.pk}


class FamilyMemberRemoveForm(DataUpdateForm):
    """Take a family member off the record (an heir stops receiving benefits); staff check."""

    kind = Kind.FAMILY_MEMBER_REMOVE
    document_fields = {"kk_file": Document.Kind.KK}
    REASONS = RemoveReason.choices
    reason = forms.ChoiceField(
        label=_("Why should this person be removed?"), choices=REASONS, widget=forms.RadioSelect
    )
    kk_file = DocumentField(
        label=_("Photo or scan of your current family card (KK)"),
        help_text=_(
            "The newest KK, without this person (or a death certificate photo if they passed "
            "away). A photo (JPG or PNG) or a PDF scan."
        ),
    )

    def __init__(self, *args, member, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def values(self):
        return {
            "member": self.member.pk,
            "full_name": self.member.full_name,
            "reason": self.cleaned_data["reason"],
        }


class BankAccountForm(DataUpdateForm):
    kind = Kind.BANK_ACCOUNT
    bank = forms.ChoiceField(label=_("Bank"), choices=Bank.choices)
    account_number = forms.CharField(
        label=_("Account number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account_name = forms.CharField(
        label=_("Name on the account"),
        max_length=150,
        help_text=_("Exactly as in your bank book; it must be your own name."),
    )

    def clean_account_number(self):
        value = re.sub(r"[\s\-.]", "", self.cleaned_data["account_number"])
        if not re.fullmatch(r"\d{6,20}", value):
            raise ValidationError(ERRORS["account_number"], code="account_number")
        return value


class IdentityCorrectionForm(DataUpdateForm):
    """Name, birth date or NIK corrections: KTP always, KK as well for a NIK."""

    document_fields = {"ktp_file": Document.Kind.KTP, "kk_file": Document.Kind.KK}
    WHAT = [(Kind.NAME, _("My name")), (Kind.BIRTH_DATE, _("My birth date")),
            (Kind.NIK, _("My NIK")), (Kind.NATIONALITY, _("My nationality"))]  # fmt: skip
    what = forms.ChoiceField(
        label=_("What is wrong in our records?"), choices=WHAT, widget=forms.RadioSelect
    )
    new_name = forms.CharField(
        label=_("Correct name, as on your KTP"), max_length=150, required=False
    )
    new_birth_date = _date_field(_("Correct birth date, as on your KTP"))
    new_nik = forms.CharField(
        label=_("Correct NIK, as on your KTP"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    # A foreign national with a KITAP holds a KTP too, which prints the citizenship: the KTP
    # is the document; the NIK itself says nothing of it.
    new_nationality = forms.ChoiceField(
        label=_("Correct nationality, as on your KTP"),
        choices=[("", _("Choose one"))] + list(Nationality.choices),
        required=False,
    )
    ktp_file = DocumentField(label=_("Photo or scan of your KTP"))
    kk_file = DocumentField(
        label=_("Photo or scan of your family card (KK)"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_birth_date"].required = False

    @classmethod
    def kind_for(cls, data) -> str:
        what = (data or {}).get("what")
        kinds = {Kind.NAME, Kind.BIRTH_DATE, Kind.NIK, Kind.NATIONALITY}
        return what if what in kinds else Kind.NAME

    def clean_new_name(self):
        value = name_tidy(self.cleaned_data["new_name"])
        if value and not name_well_formed(value):
            raise ValidationError(ERRORS["name_chars"], code="name_chars")
        return value

    def clean_new_nik(self):
        value = self.cleaned_data["new_nik"]
        return _clean_nik(value) if value.strip() else ""

    def clean(self):
        cleaned = super().clean()
        what = cleaned.get("what")
        field = {Kind.NAME: "new_name", Kind.BIRTH_DATE: "new_birth_date", Kind.NIK: "new_nik",
                 Kind.NATIONALITY: "new_nationality"}  # fmt: skip
        if what and not cleaned.get(field[what]) and field[what] not in self.errors:
            label = dict(self.WHAT)[what]
            self.add_error(
                field[what],
                ValidationError(ERRORS["new_value_needed"], params={"what": str(label).lower()}),
            )
        if what == Kind.NAME and cleaned.get("new_name"):
            if normalise_name(cleaned["new_name"]) == normalise_name(self.participant.full_name):
                self.add_error("new_name", ValidationError(ERRORS["name_same"]))
        if what == Kind.NATIONALITY and cleaned.get("new_nationality"):
            if cleaned["new_nationality"] == self.participant.nationality:
                self.add_error("new_nationality", ValidationError(ERRORS["nationality_same"]))
        if what == Kind.BIRTH_DATE and cleaned.get("new_birth_date"):
            if cleaned["new_birth_date"] > timezone.localdate():
                self.add_error("new_birth_date", ERRORS["birth_date_future"])
        if what == Kind.NIK and Document.Kind.KK not in self.attached_kinds():
            if not cleaned.get("kk_file") and "kk_file" not in self.errors:
                self.add_error(
                    "kk_file",
                    ValidationError(_("Family card (KK): a NIK correction needs your KK too.")),
                )
        return cleaned

    def values(self):
        data = self.cleaned_data
        if data["what"] == Kind.NAME:
            return {"name": data["new_name"]}
        if data["what"] == Kind.BIRTH_DATE:
            return {"birth_date": data["new_birth_date"].isoformat()}
        if data["what"] == Kind.NATIONALITY:
            return {"nationality": data["new_nationality"]}
        return {"nik": data["new_nik"]}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Confirmation code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={
            "required": ERRORS["code"],
            "min_length": ERRORS["code"],
            "max_length": ERRORS["code"],
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise ValidationError(ERRORS["code"], code="code")
        return code


class AnotherDocumentForm(forms.Form):
    document_kind = forms.ChoiceField(
        label=_("Which document"),
        choices=[(Document.Kind.KTP, _("KTP")), (Document.Kind.KK, _("Family card (KK)"))],
    )
    file = DocumentField(label=_("Photo or scan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""

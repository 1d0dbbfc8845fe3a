from decimal import Decimal

from allauth.account.forms import (
    ChangePhoneForm,
    ConfirmPasswordResetCodeForm,
    LoginForm,
    ResetPasswordForm,
    SignupForm,
    VerifyPhoneForm,
)
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import format_rupiah
from sms.phone import phone_normalise

from . import selectors, services
from .models import kpj_validator
from .nik import nik_matches_birth_date, normalise_name, parse_nik
from .phone_reset import PhonePasswordResetProcess
from .selectors import participant_get_by_nik

RESET_IDENTIFIER_INVALID = _(
    "E-mail or mobile number: write the e-mail address of your account, or your mobile "
    "number, for example 0812 3456 7890."
)

ERRORS = {
    "nik_unknown": _(
        "No membership is registered for this NIK. Ask your employer to register you, "
        "or visit a branch office."
    ),
    "nik_registered": _(
        "An account for this NIK already exists. Log in, or reset your password if you forgot it."
    ),
    "kpj_unknown": _(
        "This KPJ number does not belong to this NIK. Check the number on your membership card."
    ),
    "birth_date_nik": _(
        "This birth date does not match the one in your NIK. Check both against your KTP."
    ),
    "birth_date_record": _(
        "This birth date does not match our membership record. Check it against your KTP, "
        "or ask a branch office to correct the record."
    ),
    "name_record": _(
        "This name does not match our membership record. Type it as printed on your KTP."
    ),
    "birth_date_future": _("The birth date cannot be in the future."),
}


class ParticipantSignupForm(SignupForm):
    """Registration proves identity: NIK, KPJ, birth date and name must match a membership."""

    nik = forms.CharField(
        label=_("NIK (16 digits, from your KTP)"),
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kpj_number = forms.CharField(
        label=_("KPJ number (11 digits, from your membership card)"),
        max_length=11,
        validators=[kpj_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Full name as on your KTP"), max_length=150)
    birth_date = forms.DateField(
        label=_("Birth date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the birth date as day, month and year.")},
    )

    field_order = [
        "nik",
        "kpj_number",
        "full_name",
        "birth_date",
        "email",
        "password1",
        "password2",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        # allauth adds a phone field (ACCOUNT_SIGNUP_FIELDS); the number is added and
        # verified by SMS after the first login instead (/accounts/phone/change/).
        self.fields.pop("phone", None)
        self.fields["email"].label = _("E-mail")
        self.fields["email"].help_text = _("We send a confirmation link to this address.")
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password (again)")

    def clean_nik(self):
        nik = self.cleaned_data["nik"].strip()
        self.nik_info = parse_nik(nik, today=timezone.localdate())
        return nik

    def clean_kpj_number(self):
        return self.cleaned_data["kpj_number"].strip()

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > timezone.localdate():
            raise ValidationError(ERRORS["birth_date_future"], code="birth_date_future")
        return birth_date

    def clean(self):
        cleaned = super().clean()
        needed = ("nik", "kpj_number", "full_name", "birth_date")
        if any(field not in cleaned for field in needed):
            return cleaned
        if not nik_matches_birth_date(self.nik_info, cleaned["birth_date"]):
            self.add_error(
                "birth_date", ValidationError(ERRORS["birth_date_nik"], "birth_date_nik")
            )
            return cleaned
        participant = participant_get_by_nik(nik=cleaned["nik"])
        if participant is None:
            self.add_error("nik", ValidationError(ERRORS["nik_unknown"], "nik_unknown"))
            return cleaned
        if participant.user_id is not None:
            self.add_error("nik", ValidationError(ERRORS["nik_registered"], "nik_registered"))
            return cleaned
        if cleaned["kpj_number"] not in {card.number for card in participant.kpj_cards.all()}:
            self.add_error("kpj_number", ValidationError(ERRORS["kpj_unknown"], "kpj_unknown"))
        if cleaned["birth_date"] != participant.birth_date:
            self.add_error(
                "birth_date", ValidationError(ERRORS["birth_date_record"], "birth_date_record")
            )
        if normalise_name(cleaned["full_name"]) != normalise_name(participant.full_name):
            self.add_error("full_name", ValidationError(ERRORS["name_record"], "name_record"))
        cleaned["participant"] = participant
        return cleaned

    def signup(self, request, user):
        services.participant_link_user(participant=self.cleaned_data["participant"], user=user)

    def add_nik_registered_error(self):
        self.add_error("nik", ValidationError(ERRORS["nik_registered"], "nik_registered"))


class PortalLoginForm(LoginForm):
    """allauth's login with visible labels in the portal's own words.

    One field takes an e-mail address, a verified mobile number (allauth's phone login), a
    NIK or a KPJ number (participants.auth_backends.NikKpjBackend).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["login"].label = _("E-mail, mobile number, NIK or KPJ number")
        self.fields["login"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].label = _("Password")
        self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = _("Remember me on this device")

    def user_credentials(self) -> dict:
        """An 11-digit number may read as both a phone and a KPJ number: both are tried."""
        credentials = super().user_credentials()
        login = "".join(self.cleaned_data["login"].split())
        if login.isdigit() and len(login) in (11, 16):
            credentials["nik_or_kpj"] = login
        return credentials


class PortalResetPasswordForm(ResetPasswordForm):
    """Reset by e-mail (allauth's link) or by mobile number (a code by SMS).

    The field keeps allauth's name, `email`, because allauth's view rate-limits on it. Known
    and unknown e-mails and numbers get the same answer (issue 17); allauth's own form says
    "unknown e-mail" while ACCOUNT_PREVENT_ENUMERATION is off for the signup's sake.
    """

    email = forms.CharField(
        label=_("E-mail or mobile number"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
        help_text=_("A mobile number works if you confirmed it with an SMS code before."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.phone = ""

    def clean_email(self):
        value = self.cleaned_data["email"].strip()
        if "@" in value:
            self.cleaned_data["email"] = (
                forms.EmailField(error_messages={"invalid": RESET_IDENTIFIER_INVALID})
                .clean(value)
                .lower()
            )
            try:
                return super().clean_email()  # finds the accounts (self.users)
            except ValidationError:
                self.users = []  # allauth would say "unknown e-mail"; the portal does not
                return self.cleaned_data["email"]
        try:
            self.phone = phone_normalise(value)
        except ValidationError:
            raise ValidationError(RESET_IDENTIFIER_INVALID, code="invalid") from None
        user = selectors.user_get_by_verified_phone(phone=self.phone)
        self.users = [user] if user and user.is_active else []
        return self.phone

    def save(self, request, **kwargs):
        if not self.phone:
            return super().save(request, **kwargs)
        PhonePasswordResetProcess.initiate_by_phone(
            request=request, user=self.users[0] if self.users else None, phone=self.phone
        )
        return self.phone


class PortalConfirmResetCodeForm(ConfirmPasswordResetCodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth's views always pass the expected code ("" when none was sent); built
        # without one, no code is right rather than the comparison failing.
        self.expected_code = self.expected_code or ""
        self.label_suffix = ""
        self.fields["code"].label = _("Code from the SMS (6 digits)")
        self.fields["code"].widget.attrs = {
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "maxlength": "12",
        }


class PortalChangePhoneForm(ChangePhoneForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["phone"].label = _("New mobile number")


class PortalVerifyPhoneForm(VerifyPhoneForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth's views always pass the expected code ("" when none was sent); built
        # without one, no code is right rather than the comparison failing.
        self.expected_code = self.expected_code or ""
        self.label_suffix = ""
        self.fields["code"].label = _("Code from the SMS (6 digits)")
        self.fields["code"].widget.attrs = {
            "inputmode": "numeric",
            "autocomplete": "one-time-code",
            "maxlength": "12",
        }


# --- public simulators (GET forms: no account, no CSRF, work without JS) -----------------


class ContributionSimulationForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Participant category"),
        choices=[
            ("PPU", _("Wage earner (PU)")),
            ("BPU", _("Non-wage earner (BPU)")),
            ("JAKON", _("Construction project (Jakon)")),
            ("PMI", _("Migrant worker (PMI)")),
        ],
    )
    # A date input only takes an ISO value (2026-12-07): the localised one ("07-12-2026" in
    # Indonesian) is dropped by the browser, and the first "Hitung" then failed on the empty
    # field. ISO out, and Django always reads ISO back in, whatever the language.
    on_date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("The rules in force on this day are used."),
    )  # fmt: skip
    monthly_wage = forms.IntegerField(
        label=_("Monthly wage or declared income (Rp)"), required=False, min_value=1,
        help_text=_("PU: the wage. BPU: your declared income. Jakon: the workers' known wage."),
    )  # fmt: skip
    jkk_risk_class = forms.TypedChoiceField(
        label=_("Employer's JKK risk class (PU)"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Choose a risk class"))] + [(n, str(n)) for n in range(1, 6)],
        help_text=_("1 = very low risk ... 5 = very high risk."),
    )  # fmt: skip
    jkk_relief = forms.BooleanField(
        label=_("My employer has the JKK relief (PU)"), required=False,
        help_text=_("Labour-intensive industries with at least 50 workers pay half the JKK rate "
                    "for February 2025 to January 2026 (PP 7/2025, PP 36/2025)."),
    )  # fmt: skip
    project_value = forms.IntegerField(
        label=_("Project contract value before VAT (Jakon, Rp)"), required=False, min_value=1
    )
    pmi_phase = forms.TypedChoiceField(
        label=_("Phase (PMI)"), required=False, empty_value=None,
        choices=[("", _("Choose a phase")), ("pre_departure", _("Before departure")),
                 ("placement", _("During and after work"))],
    )  # fmt: skip
    contract_months = forms.IntegerField(
        label=_("Contract length in months (PMI)"), required=False, min_value=1, max_value=120
    )
    include_jht = forms.BooleanField(label=_("Include JHT (BPU, PMI)"), required=False)
    jht_amount = forms.TypedChoiceField(
        label=_("Monthly JHT amount (PMI)"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Choose an amount"))] + [(n, format_rupiah(n)) for n in
                               (50_000, 100_000, 200_000, 300_000, 400_000, 500_000, 600_000)],
    )  # fmt: skip

    # The page opens with a worked example that calculates as it stands; the visitor changes
    # what differs for them.
    EXAMPLE = {"category": "PPU", "monthly_wage": 5_000_000, "jkk_risk_class": 1}


class PensionAgeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2015, max_value=2200)


class JhtProjectionForm(forms.Form):
    balance = forms.IntegerField(label=_("Current JHT balance (Rp)"), min_value=0)
    monthly_wage = forms.IntegerField(label=_("Monthly wage (Rp)"), min_value=0)
    years = forms.IntegerField(
        label=_("Years to pension age"), min_value=1, max_value=50,
        help_text=_("Check your pension age with the pension age simulator."),
    )  # fmt: skip
    annual_return = forms.DecimalField(
        label=_("Assumed return (% a year)"), min_value=0, max_value=30, decimal_places=2,
        help_text=_("JHT returns must be at least the 1-year deposit rate of state banks."),
    )  # fmt: skip
    wage_growth = forms.DecimalField(
        label=_("Wage growth (% a year)"), min_value=0, max_value=30, decimal_places=2,
        required=False,
    )  # fmt: skip

    EXAMPLE = {"balance": 0, "monthly_wage": 5_000_000, "years": 20, "annual_return": "5"}

    def clean_wage_growth(self):
        return self.cleaned_data["wage_growth"] or Decimal(0)

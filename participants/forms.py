from decimal import Decimal

from allauth.account.forms import (
    ChangePhoneForm,
    ConfirmPasswordResetCodeForm,
    LoginForm,
    ResetPasswordForm,
    VerifyPhoneForm,
)
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.money import format_rupiah
from sms.phone import phone_normalise

from . import selectors
from .phone_reset import PhonePasswordResetProcess

RESET_IDENTIFIER_INVALID = _(
    "E-mail or mobile number: write the e-mail address of your account, or your mobile "
    "number, for example 0812 3456 7890."
)


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

import datetime

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import kpj_validator
from participants.nik import nik_matches_birth_date, parse_nik
from sms.phone import phone_local


class _PortalForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""


def _nik_field():
    return forms.CharField(
        label=_("NIK (16 digits, from your KTP)"),
        max_length=16,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _kpj_field():
    return forms.CharField(
        label=_("KPJ number (11 digits, from your membership card)"),
        max_length=11,
        validators=[kpj_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _birth_date_field():
    return forms.DateField(
        label=_("Birth date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the birth date as day, month and year.")},
    )


class _IdentityForm(_PortalForm):
    """NIK, KPJ and birth date, checked against each other (the NIK holds the birth date),
    never against a record: whether they match a member is not said field by field."""

    nik = _nik_field()
    kpj_number = _kpj_field()
    birth_date = _birth_date_field()

    def clean_nik(self):
        nik = self.cleaned_data["nik"].strip()
        self.nik_info = parse_nik(nik, today=timezone.localdate())
        return nik

    def clean_kpj_number(self):
        return self.cleaned_data["kpj_number"].strip()

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > timezone.localdate():
            raise ValidationError(
                _("The birth date cannot be in the future."), code="birth_date_future"
            )
        return birth_date

    def clean(self):
        cleaned = super().clean()
        if "nik" in cleaned and "birth_date" in cleaned:
            if not nik_matches_birth_date(self.nik_info, cleaned["birth_date"]):
                self.add_error(
                    "birth_date",
                    ValidationError(
                        _(
                            "This birth date does not match the one in your NIK. Check both "
                            "against your KTP."
                        ),
                        code="birth_date_nik",
                    ),
                )
        return cleaned


class SignupStartForm(_IdentityForm):
    pass


class _PasswordPairForm(_PortalForm):
    email = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error(
                "password2",
                ValidationError(_("The two passwords are not the same."), code="mismatch"),
            )
        elif one:
            try:
                validate_password(one)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SignupCodeForm(_PasswordPairForm):
    code = forms.CharField(
        label=_("Code (6 digits)"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    field_order = ["code", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "You log in with this address. If it is not the one the code went to, we send it a "
            "confirmation link."
        )


class NewLoginForm(_PasswordPairForm):
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_(
            "To log in with your phone too. After you log in, we send it a code by SMS to "
            "confirm it."
        ),
    )

    field_order = ["email", "phone", "password1", "password2"]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return phone_local(phone) if phone else ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "A new address you can use. We send it a confirmation link before you can log in."
        )


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m")
        return value


class RecoveryForm(_IdentityForm):
    start_month = forms.DateField(
        label=_("The month this KPJ card began"),
        input_formats=["%Y-%m", "%m/%Y", "%m-%Y"],
        widget=MonthInput(),
        help_text=_(
            "Usually the month you started at that employer (or registered yourself), as "
            "year and month, for example 2019-07. Not printed on your card or KTP."
        ),
        error_messages={"invalid": _("Enter the month as year and month, for example 2019-07.")},
    )


class BranchCodeForm(_PortalForm):
    nik = _nik_field()
    code = forms.CharField(
        label=_("Recovery code from the branch (12 characters)"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

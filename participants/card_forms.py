"""Forms of Kartu saya: "Tambah kartu KPJ" and a balance merge request."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import kpj_validator

MONTH_FORMATS = (
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$"),  # what <input type="month"> sends
    re.compile(r"^(?P<month>\d{1,2})[/.-](?P<year>\d{4})$"),  # typed where it is a text box
)


class MonthField(forms.CharField):
    """A calendar month, typed as MM/YYYY or picked (YYYY-MM); cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "MM/YYYY"})
    default_error_messages = {
        "invalid": _("Enter the month and year, for example 03/2019."),
        "future": _("The month cannot be in the future."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        for pattern in MONTH_FORMATS:
            match = pattern.match(value.strip())
            if match:
                try:
                    month = datetime.date(int(match["year"]), int(match["month"]), 1)
                except ValueError:
                    break
                if month > timezone.localdate():
                    raise ValidationError(self.error_messages["future"], code="future")
                return month
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class KpjCardLinkForm(forms.Form):
    number = forms.CharField(
        label=_("KPJ number (11 digits)"),
        max_length=11,
        validators=[kpj_validator],
        help_text=_("It is printed on the membership card. Your employer's HR can tell you too."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Enter the KPJ number of the card.")},
    )
    employer = forms.CharField(
        label=_("Employer"),
        max_length=200,
        required=False,
        help_text=_(
            "The company's name as on your pay slip (for example Tekstil Majalaya), or its "
            "employer number (NPP)."
        ),
    )
    self_registered = forms.BooleanField(
        label=_("I registered this card myself (no employer)"), required=False
    )
    first_month = MonthField(
        label=_("Month of the first contribution"),
        help_text=_("The first month paid into this card. It is on your first pay slip."),
        error_messages={"required": _("Enter the month of the first contribution.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""

    def clean_number(self):
        return self.cleaned_data["number"].strip()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("self_registered") and not cleaned.get("employer", "").strip():
            self.add_error(
                "employer",
                ValidationError(
                    _("Enter the employer, or tick the box if you registered the card yourself."),
                    code="required",
                ),
            )
        return cleaned


class BalanceMergeForm(forms.Form):
    """Which card receives the balance; the choices are the participant's other cards."""

    to_card = forms.TypedChoiceField(
        label=_("Move the balance to"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the card that receives the balance.")},
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["to_card"].choices = [
            (card.pk, f"{card.number} · {card.employer or _('Self-registered')}")
            for card in targets
        ]

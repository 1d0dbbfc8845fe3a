from django import forms
from django.utils.translation import gettext_lazy as _

from .phone import phone_normalise


class PhoneField(forms.CharField):
    """An Indonesian mobile number as people type it (0812…, 62812…, +62 812-…), cleaned to
    +62…; the field allauth's phone login, verification and reset use (adapter.phone_form_field).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 24)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        )
        kwargs.setdefault("help_text", _("For example 0812 3456 7890."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return phone_normalise(value) if value else value

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.choices import Status


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("NIK, KPJ number or name"),
        max_length=150,
        error_messages={"required": _("Search: type a NIK, a KPJ number or a name.")},
    )

    def clean_q(self):
        query = self.cleaned_data["q"].strip()
        if not (query.isdigit() and len(query) in (11, 16)) and (query.isdigit() or len(query) < 3):
            raise forms.ValidationError(
                _(
                    "Search: type the 16-digit NIK, the 11-digit KPJ number or at least 3 "
                    "letters of the name."
                )
            )
        return query


class DecisionForm(forms.Form):
    APPROVE = "approve"
    TARGETS = {
        "reject": Status.REJECTED,
        "request_documents": Status.NEEDS_DOCUMENTS,
        "documents_received": Status.IN_REVIEW,
    }
    decision = forms.ChoiceField(
        choices=[(APPROVE, APPROVE), *[(name, name) for name in TARGETS]],
        error_messages={"invalid_choice": _("Decision: choose one of the buttons.")},
    )
    reason = forms.CharField(
        label=_("Reason, in words the participant understands"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

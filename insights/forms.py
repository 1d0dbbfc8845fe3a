"""The dashboard's period picker and branch filter (GET form)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 30


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last 30 complete days: summaries exist up to yesterday."""
    end = today - datetime.timedelta(days=1)
    return end - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), end


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": _("From: not a date. Pick a day or write it as YYYY-MM-DD."),
        },
    )
    end = forms.DateField(
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": _("Until: not a date. Pick a day or write it as YYYY-MM-DD."),
        },
    )
    branch = forms.TypedChoiceField(label=_("Branch"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, branches, all_branches: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(branch.pk, branch.name) for branch in branches]
        if all_branches:
            choices = [("", _("All branches")), *choices]
        self.fields["branch"].choices = choices
        self.fields["branch"].error_messages["invalid_choice"] = _(
            "Branch: you can only see the branches listed. Pick one of them."
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error(
                    "end", _("Until is before From: pick an end day on or after the first day.")
                )
            elif (end - start).days + 1 > MAX_PERIOD_DAYS:
                self.add_error(
                    "end",
                    _("The period is longer than %(days)s days: pick a shorter one.")
                    % {"days": MAX_PERIOD_DAYS},
                )
        return cleaned

"""Pure help-desk rules: SLA deadlines and the self-help step offered per category.

No clock and no database here: callers pass the policies and the moment.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Category, SlaPolicy


class NoSlaPolicy(Exception):
    """No SLA policy is valid for this category on this date (the seeded data has a gap)."""


def sla_policy_for(*, policies: Iterable[SlaPolicy], category: str, on: datetime.date) -> SlaPolicy:
    """The policy valid on a date: the latest `valid_from` that has not ended yet."""
    valid = [
        policy
        for policy in policies
        if policy.category == category
        and policy.valid_from <= on
        and (policy.valid_to is None or on <= policy.valid_to)
    ]
    if not valid:
        raise NoSlaPolicy(category, on)
    return max(valid, key=lambda policy: policy.valid_from)


def ticket_deadlines(
    *, policy: SlaPolicy, opened_at: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    """First-response and resolution deadlines, in calendar hours from opening."""
    return (
        opened_at + datetime.timedelta(hours=policy.first_response_hours),
        opened_at + datetime.timedelta(hours=policy.resolution_hours),
    )


@dataclass(frozen=True)
class SelfHelp:
    """What the complaint form offers before a ticket is filed."""

    hint: str
    guide_slug: str = ""
    action_url_name: str = ""
    action_label: str = ""


SELF_HELP = {
    Category.CANNOT_LOG_IN: SelfHelp(
        hint=_(
            "Most login problems are solved by setting a new password: press “Set a new "
            "password” below and enter the e-mail you registered with. The link arrives "
            "within a few minutes; check your spam folder too. If you never finished "
            "registering, follow the registration guide."
        ),
        guide_slug="register",
        action_url_name="account_reset_password",
        action_label=_("Set a new password"),
    ),
    Category.DUPLICATE_ACCOUNT: SelfHelp(
        hint=_(
            "A second KPJ number from a new employer is not a second account. Log in with "
            "your existing account and add the other KPJ card: its balance is then shown "
            "together with the first."
        ),
        guide_slug="link-kpj",
    ),
    Category.DATA_UPDATE_FAILED: SelfHelp(
        hint=_(
            "A data update is refused when the name or birth date differs from your KTP, or "
            "when a photo of a document is blurred. Check the data against your KTP and KK "
            "and send clear photos."
        ),
        guide_slug="update-data",
    ),
    Category.BALANCE_MISSING: SelfHelp(
        hint=_(
            "After a job change the balance of the new KPJ card only appears once that card "
            "is linked to your account. Link your other KPJ card first; a new contribution "
            "can also take until the next month to appear."
        ),
        guide_slug="link-kpj",
    ),
    Category.CLAIM_PROBLEM: SelfHelp(
        hint=_(
            "A JHT claim is refused while your employer has not yet reported you as no longer "
            "working there. Ask your former employer to report it, then file the claim "
            "again. The guide lists the documents you need."
        ),
        guide_slug="claim-jht",
    ),
    Category.APPOINTMENT_PROBLEM: SelfHelp(
        hint=_(
            "You can move or cancel a branch appointment yourself on your dashboard. If no "
            "time is free, try another day or a nearby branch."
        ),
        guide_slug="book-appointment",
    ),
    Category.SERVICE_UNAVAILABLE: SelfHelp(
        hint=_(
            "At busy times (around pay day and in the morning) the service can be slow. "
            "Check the news page for maintenance notices and try again later, for example "
            "in the evening."
        ),
        action_url_name="news:article_list",
        action_label=_("See news and notices"),
    ),
    Category.OTHER: SelfHelp(
        hint=_("Many questions are already answered in the frequently asked questions."),
        action_url_name="news:faq",
        action_label=_("Read the FAQ"),
    ),
}

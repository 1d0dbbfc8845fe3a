"""What a member is told about an employer's link to them (services.kpj_card_links_notify):
an e-mail to their login and, when they proved a phone, an SMS, in Bahasa Indonesia first."""

import logging

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from core.notifications import BILINGUAL, absolute_url, notify
from sms.services import SmsRateLimited, sms_send

from .models import KpjCard

logger = logging.getLogger(__name__)

SMS_PURPOSE = "employer_link"


def _mail(context: dict) -> tuple[str, str]:
    status, params = (
        context["status"],
        {
            "employer": context["employer"],
            "date": formats.date_format(context["joined_on"], "j F Y"),
            "kpj": context["kpj"],
            "link": context["link"],
        },
    )
    if status == KpjCard.Status.PENDING:
        return (
            _("%(employer)s wants to register you as their worker") % params,
            _(
                "%(employer)s registered you as their worker since %(date)s, with a new KPJ "
                "card %(kpj)s.\n\n"
                "Is this right? Confirm it, or decline it if you do not work there, on My "
                "cards: %(link)s\n\n"
                "Until you confirm, the company cannot report contributions for you or see "
                "your claims. You can also confirm or decline at your branch office."
            )
            % params,
        )
    if status == KpjCard.Status.ACTIVE:
        return (
            _("Your branch confirmed your registration with %(employer)s") % params,
            _(
                "Your branch confirmed that you work for %(employer)s since %(date)s. KPJ card "
                "%(kpj)s is active. See it on My cards: %(link)s"
            )
            % params,
        )
    return (
        _("Your branch declined the registration by %(employer)s") % params,
        _(
            "Your branch declined the registration by %(employer)s (KPJ card %(kpj)s). The "
            "company cannot report contributions for you on that card or see your claims. "
            "My cards: %(link)s"
        )
        % params,
    )


def _sms(context: dict) -> str:
    params = {"employer": context["employer"][:40], "link": context["link"]}
    if context["status"] == KpjCard.Status.PENDING:
        return (
            _(
                "JMO Portal: %(employer)s wants to register you as their worker. Confirm or "
                "decline on My cards: %(link)s"
            )
            % params
        )
    if context["status"] == KpjCard.Status.ACTIVE:
        return _("JMO Portal: your branch confirmed your registration with %(employer)s.") % params
    return _("JMO Portal: your branch declined the registration by %(employer)s.") % params


def link_notify(*, kpj_card_id: int) -> bool:
    """One message (e-mail and SMS) about the card's link status as it is now."""
    card = KpjCard.objects.select_related("employer", "participant__user").get(pk=kpj_card_id)
    participant = card.participant
    context = {
        "status": card.status,
        "employer": card.employer.name,
        "joined_on": card.joined_on,
        "kpj": card.number,
    }
    # Only the member's own login: the contact e-mail on record may be a former employer's
    # HR inbox, which has no business hearing of a new employer.
    mailed = notify(
        to=participant.user.email if participant.user_id else "",
        message=_mail,
        context=context,
        links={"link": reverse("my_cards")},
        languages=BILINGUAL,
    )
    texted = False
    if participant.phone and participant.phone_verified_at is not None:
        with translation.override("id"):
            text = _sms({**context, "link": absolute_url(reverse("my_cards"))})
        try:
            sms_send(to=participant.phone, text=text, purpose=SMS_PURPOSE)
            texted = True
        except (ValidationError, SmsRateLimited):
            logger.warning("kpj card %s: link SMS not sent (number or rate limit)", card.pk)
    return mailed or texted

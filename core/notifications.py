"""The one way the portal sends e-mail: who gets it, in which language, with absolute links, once.

Every mail the portal writes goes through `notify`; a mail that must go out once guards its
send with `send_once`. allauth's own account mails take their links from `absolute_url` through
`core.account_adapter.PortalAccountAdapter`.
"""

import logging
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Model, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

INDONESIAN = ("id",)
# Bahasa Indonesia first, the English text below it, for readers who asked for English.
BILINGUAL = ("id", "en")
SEPARATOR = "\n\n----\n\n"

Message = Callable[[dict], tuple[str, str]]


def absolute_url(path: str) -> str:
    """A portal path as a link that works from a mail client.

    Always `settings.PORTAL_BASE_URL`, never a request's Host header or the Sites table: workers
    have no request, and one setting keeps every mail pointing at the same portal.
    """
    if not path.startswith("/"):
        raise ValueError(f"expected a path starting with '/', got {path!r}")
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def portal_site() -> SimpleNamespace:
    """The portal as mails name it: `settings.PORTAL_NAME` at the host of `PORTAL_BASE_URL`.

    Shaped like a `Site` (name, domain) so allauth's mail templates take it as `current_site`.
    """
    return SimpleNamespace(
        name=settings.PORTAL_NAME, domain=urlsplit(settings.PORTAL_BASE_URL).netloc
    )


def mail_signature() -> str:
    """The plain-text close of every mail: the brand and the portal's address, as text.

    The address is written without a scheme, so a mail that must carry no link (a code) has none.
    """
    site = portal_site()
    return f"-- \n{site.name} · BPJS Ketenagakerjaan · call centre 175\n{site.domain}"


def mail_html(*, subject: str, sections: Sequence[tuple[str, str]]) -> str:
    """The branded HTML twin of a plain-text mail: each (language, text) section as paragraphs,
    links made clickable, the signature as the footer."""
    bodies = [(language, text.split("\n-- \n")[0].strip()) for language, text in sections]
    return render_to_string(
        "emails/message.html",
        {"subject": subject, "sections": bodies, "site": portal_site()},
    )


def notification_recipient(participant) -> str:
    """The address a participant's mail goes to: the login e-mail, else the contact e-mail.

    The login e-mail is proven by allauth's confirmation link and belongs to the person; the
    contact e-mail may still be the one the employer reported with the worker (an HR inbox), so
    it is used only for someone without a login, such as a claim or visit staff handled for a
    participant who never registered.
    """
    login = participant.user.email if participant.user_id else ""
    return login or participant.email


def _from_template(template: str) -> Message:
    """A text template whose first line is the subject and the rest the body."""

    def message(context: dict) -> tuple[str, str]:
        subject, _, body = render_to_string(template, context).strip().partition("\n")
        return subject, body

    return message


def notify(
    *,
    to: str | Sequence[str],
    template: str = "",
    message: Message | None = None,
    context: dict | None = None,
    links: dict[str, str] | None = None,
    languages: Sequence[str] = INDONESIAN,
) -> bool:
    """Send one e-mail, written once per language (Bahasa Indonesia first), its links absolute.

    The words come from `template` (first line the subject) or from `message(context)`, for mails
    whose words are gettext strings in code. `links` maps context names to portal paths, which
    reach the words as absolute URLs. Sends nothing and answers False when there is no address.
    """
    if (message is None) == (not template):
        raise TypeError("notify() takes a template or a message, not both")
    recipients = [address for address in ([to] if isinstance(to, str) else to) if address]
    if not recipients:
        logger.info("no e-mail address to send %s to", template or "a message")
        return False
    compose = message or _from_template(template)
    context = {**(context or {})}
    context.update({name: absolute_url(path) for name, path in (links or {}).items()})
    subjects: list[str] = []
    bodies: list[str] = []
    for language in languages:
        with translation.override(language):
            subject, body = compose(context)
        subject = " ".join(str(subject).split())
        if subject not in subjects:
            subjects.append(subject)
        bodies.append(str(body).strip())
    subject = " / ".join(subjects)
    send_mail(
        subject,
        SEPARATOR.join(bodies) + "\n\n" + mail_signature() + "\n",
        None,
        recipients,
        html_message=mail_html(subject=subject, sections=list(zip(languages, bodies, strict=True))),
    )
    return True


def send_once(
    model: type[Model],
    pk: int,
    *,
    stamp: str,
    send: Callable[[], bool],
    value: Any = None,
    unsent: Q | None = None,
    released: Any = None,
    **conditions,
) -> bool:
    """Run `send` for one row at most once, claimed by a conditional UPDATE of its `stamp` field.

    By default the stamp is a time: unsent means NULL, the claim writes now. A run that finds the
    row claimed (or not matching `conditions`) sends nothing and answers False. When `send`
    raises, the claim is given back (`released`) so the retry can send; only our own claim is
    given back, as a later change may have reset the stamp and another run claimed it since.
    """
    if value is None:
        value = timezone.now()
    if unsent is None:
        unsent = Q(**{f"{stamp}__isnull": True})
    rows = model._default_manager
    if not rows.filter(unsent, pk=pk, **conditions).update(**{stamp: value}):
        return False
    try:
        return send()
    except Exception:
        rows.filter(pk=pk, **{stamp: value}).update(**{stamp: released})
        raise

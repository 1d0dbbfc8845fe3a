"""The words of the e-mails pengkinian sends (Bahasa Indonesia, the portal's first language)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


def code_message(*, kind_label: str, code: str) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Your JMO Portal confirmation code")
        body = gettext(
            "Your confirmation code for changing your %(what)s is: %(code)s\n\n"
            "Type it on the JMO Portal page within 15 minutes. If you did not ask for this "
            "change, ignore this message and call 175."
        ) % {"what": str(kind_label).lower(), "code": code}
    return subject, body


def status_message(*, kind_label: str, status_label: str, reason: str, url: str):
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Your data update request: %(status)s") % {"status": status_label}
        body = gettext("Your request (%(what)s) now has this status: %(status)s.\n") % {
            "what": kind_label,
            "status": status_label,
        }
        if reason:
            body += gettext("Reason: %(reason)s\n") % {"reason": reason}
        body += gettext("See the details and next steps: %(url)s\n") % {"url": url}
    return subject, body

"""The words of the e-mails pengkinian sends (Bahasa Indonesia, the portal's first language).

Each takes the mail's context and is called by `core.notifications.notify` in the language of
the mail, so the labels in the context are translated there.
"""

from django.utils.translation import gettext


def code_message(context: dict) -> tuple[str, str]:
    subject = gettext("Your JMO Portal confirmation code")
    body = gettext(
        "Your confirmation code for changing your %(what)s is: %(code)s\n\n"
        "Type it on the JMO Portal page within 15 minutes. If you did not ask for this "
        "change, ignore this message and call 175."
    ) % {"what": str(context["kind_label"]).lower(), "code": context["code"]}
    return subject, body


def sms_code_text(*, code: str) -> str:
    return gettext(
        "JMO: your code to confirm your new mobile number is %(code)s. Valid 15 minutes. "
        "Never share it with anyone. Did not ask? Call 175."
    ) % {"code": code}


def status_message(context: dict) -> tuple[str, str]:
    status_label = context["status_label"]
    subject = gettext("Your data update request: %(status)s") % {"status": status_label}
    body = gettext("Your request (%(what)s) now has this status: %(status)s.\n") % {
        "what": context["kind_label"],
        "status": status_label,
    }
    if context["reason"]:
        body += gettext("Reason: %(reason)s\n") % {"reason": context["reason"]}
    body += gettext("See the details and next steps: %(url)s\n") % {"url": context["url"]}
    return subject, body

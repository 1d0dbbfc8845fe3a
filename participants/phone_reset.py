"""Password reset by an SMS code to a verified mobile number, on allauth's code-reset flow.

allauth 65.22 resets by code to an e-mail address only. Its process keeps its state in the
session and its confirm and set-password views only resume that state, so one subclass that
sends the code by SMS is enough; the portal mounts those views (participants.account_urls).
E-mail resets keep allauth's link.
"""

import logging

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.password_reset_by_code import (
    PasswordResetVerificationProcess,
)
from django.utils.translation import gettext

from sms.phone import phone_mask
from sms.services import SmsRateLimited, sms_send

logger = logging.getLogger(__name__)

SMS_PURPOSE_RESET = "password_reset"


class PhonePasswordResetProcess(PasswordResetVerificationProcess):
    def send(self) -> None:
        """A code by SMS when the number is an account's verified phone; nothing otherwise.

        Nobody learns from the page whether the number has an account: both go on to the
        code page, where no code works for a number without one. No SMS goes to a stranger's
        number (allauth's "unknown account" mail has no SMS twin here: texts cost and annoy).
        A number that had its share of SMS lately gets none now, silently, for the same reason.
        """
        if not self.user:
            return
        code = get_adapter().generate_password_reset_code()
        self.state["code"] = code
        text = gettext(
            "JMO: your code to set a new password is %(code)s. Never share this code with "
            "anyone, not even BPJS Ketenagakerjaan staff. Did not ask? Ignore this SMS."
        ) % {"code": code}
        try:
            sms_send(to=self.state["phone"], text=text, purpose=SMS_PURPOSE_RESET)
        except SmsRateLimited:
            logger.info("password reset SMS to %s held back by the rate limit",
                        phone_mask(self.state["phone"]))  # fmt: skip

    @classmethod
    def initiate_by_phone(cls, *, request, user, phone: str) -> "PhonePasswordResetProcess":
        state = cls.initial_state(user, phone=phone)
        # allauth's confirm step marks `email` verified when a code came by mail; none did.
        state["email"] = ""
        process = cls(request, state=state, user=user)
        process.send()
        process.persist()
        return process

"""allauth for participants: log in with e-mail, a verified phone, NIK or KPJ; codes by SMS.

allauth keeps phone numbers wherever the adapter says: here, Participant.phone (with its
`phone_verified_at` stamp), the one number a participant has (participants.services).
"""

from allauth.core import context
from allauth.core.internal.httpkit import clean_client_ip
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.account_adapter import PortalAccountAdapter
from sms.forms import PhoneField
from sms.phone import phone_normalise
from sms.services import SmsRateLimited, sms_send

from . import selectors, services

# One answer whatever was typed and whether or not an account exists (issue 17): the page
# below it says what to do next (reset, branch, complaint without an account).
LOGIN_MISMATCH = _(
    "We could not log you in with these details. Check what you typed, or use one of the "
    "ways below."
)

SMS_PURPOSE_VERIFY = "phone_verification"


class ParticipantAccountAdapter(PortalAccountAdapter):
    error_messages = {
        **PortalAccountAdapter.error_messages,
        "email_password_mismatch": LOGIN_MISMATCH,
        "phone_password_mismatch": LOGIN_MISMATCH,
        "username_password_mismatch": LOGIN_MISMATCH,
        "invalid_login": LOGIN_MISMATCH,
        "phone_taken": services.PHONE_TAKEN,
        "incorrect_code": _("Code: it does not match the code we sent. Check it and try again."),
    }

    # --- phone: allauth's hooks over Participant.phone ---------------------------------

    def phone_form_field(self, **kwargs):
        return PhoneField(**kwargs)

    def get_phone(self, user):
        return selectors.user_phone(user=user)

    def set_phone(self, user, phone: str, verified: bool) -> None:
        services.participant_phone_set(user=user, phone=phone, verified=verified)

    def set_phone_verified(self, user, phone: str) -> None:
        try:
            services.participant_phone_set(user=user, phone=phone, verified=True)
        except ValidationError as exc:
            # Another record verified the number between the code and now (the unique
            # constraint caught it): allauth has no error path here, so a message.
            messages.error(context.request, exc.messages[0])

    def get_user_by_phone(self, phone: str):
        return selectors.user_get_by_verified_phone(phone=phone)

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        text = gettext(
            "JMO: your code to confirm this mobile number is %(code)s. "
            "Never share this code with anyone, not even BPJS Ketenagakerjaan staff."
        ) % {"code": code}
        try:
            sms_send(to=phone, text=text, purpose=SMS_PURPOSE_VERIFY)
        except SmsRateLimited as exc:
            # The person's own number, in their own session: saying "wait" tells nobody else
            # anything. allauth calls this after its form is valid, so a message, not an error.
            messages.error(context.request, exc.message)

    # --- rate limits: which address is the client ------------------------------------

    def get_client_ip(self, request) -> str:
        """The address NUM_PROXIES hops from the right of X-Forwarded-For, as the API
        throttles read it (DRF), so one setting decides for every per-IP limit. allauth's own
        reading answers 500 when the header is shorter than the count; this one, like DRF,
        takes the leftmost address then."""
        count = settings.NUM_PROXIES
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if count and forwarded:
            hops = [hop.strip() for hop in forwarded.split(",")]
            address = hops[-min(count, len(hops))]
        else:
            address = request.META.get("REMOTE_ADDR", "")
        cleaned = clean_client_ip(address) if address else None
        if not cleaned:
            raise PermissionDenied("Unable to determine client IP address")
        return cleaned

    # --- failed-login counters ---------------------------------------------------------

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """One counter per identifier as typed once normalised: allauth 65.22 counts only
        e-mail and username, so every phone login would share one counter (five wrong
        phone passwords anywhere would lock all phone logins). Kept per identifier, not per
        account: a shared counter would tell an attacker which NIK goes with which e-mail."""
        login = credentials.get("email") or credentials.get("username") or ""
        if credentials.get("phone"):
            try:
                login = phone_normalise(credentials["phone"])
            except ValidationError:
                login = credentials["phone"]
        return super()._get_login_attempts_cache_key(request, username=login.strip())

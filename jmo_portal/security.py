"""Cross-cutting security: staff must use two-factor login; personal answers are never cached."""

import datetime

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

# What a staff member without an authenticator may still open: the way to set one up (allauth's
# MFA and re-authentication pages), logging out, and the language switch. Everything else waits.
STAFF_MFA_SETUP_URL_NAMES = frozenset(
    {
        "account_login",
        "account_logout",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_reauthenticate",
        "mfa_authenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "set_language",
        "healthz",
    }
)
API_PREFIX = "/api/"


def staff_has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMfaRequiredMiddleware:
    """A staff login without a TOTP authenticator is sent to set one up before any other page.

    allauth asks for the code at login once an authenticator exists, so "has one" means "the
    session passed it". Sits after AuthenticationMiddleware and allauth's AccountMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in STAFF_MFA_SETUP_URL_NAMES:
            return None
        if staff_has_totp(user):
            return None
        setup = redirect("mfa_activate_totp")
        setup["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return setup


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every API answer and every page of a logged-in person.

    Public pages seen anonymously (news, guides, FAQ) keep their own caching. Reading the
    session costs nothing extra: a logged-in request has loaded it for the user already, and an
    anonymous request without a session cookie never touches the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(API_PREFIX) or self._personal(request):
            # Replaces any caching a view chose: a shared proxy or the browser's back button must
            # not hand one person's page to the next user of the same phone or kiosk.
            if "no-store" not in response.get("Cache-Control", ""):
                response["Cache-Control"] = "no-store, private"
        return response

    @staticmethod
    def _personal(request) -> bool:
        session = getattr(request, "session", None)
        return session is not None and SESSION_KEY in session


IDLE_SESSION_KEY = "last_activity"
# The session is written at most this often just to note activity: not on every request.
IDLE_TOUCH_SECONDS = 60


class IdleSessionTimeoutMiddleware:
    """Logs out a session left alone too long, besides the absolute SESSION_COOKIE_AGE.

    A phone put down or a kiosk left logged in is the usual way someone else reaches an
    account: after SESSION_IDLE_TIMEOUT seconds without a request (shorter for staff, whose
    accounts reach many people) the session ends, and the request goes on as anonymous, so
    protected pages send the person to the login page with a message saying why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if settings.SESSION_IDLE_TIMEOUT and user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            last = request.session.get(IDLE_SESSION_KEY)
            limit = (
                settings.SESSION_IDLE_TIMEOUT_STAFF
                if user.is_staff
                else settings.SESSION_IDLE_TIMEOUT
            )
            if last is not None and now - last > limit:
                logout(request)
                messages.info(
                    request,
                    _(
                        "You were logged out after %(minutes)d minutes without activity. "
                        "Please log in again."
                    )
                    % {"minutes": limit // 60},
                )
            elif last is None or now - last >= IDLE_TOUCH_SECONDS:
                if last is None and request.session.get("_session_expiry") is None:
                    # Saving the session would slide its expiry on by SESSION_COOKIE_AGE at
                    # each touch; pinning it keeps the 8-hour limit absolute.
                    request.session.set_expiry(
                        timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
                    )
                request.session[IDLE_SESSION_KEY] = now
        return self.get_response(request)


# Browser features the portal never uses, switched off for every page and any frame: an injected
# script cannot ask for the camera, the microphone, the location, a payment or a USB device. The
# branch pages show written addresses and never ask where the visitor is, so geolocation is off
# as well.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header to every answer (Django has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class PortalMfaAdapter(DefaultMFAAdapter):
    """Staff keep their TOTP authenticator: two-factor login is mandatory for them."""

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and authenticator.user.is_staff:
            return False
        return super().can_delete_authenticator(authenticator)

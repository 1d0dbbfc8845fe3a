"""The portal's own deploy checks (`manage.py check --deploy`), next to Django's.

Each guards a security decision that a later settings edit could quietly undo: ASVS level 2
asks for a strong password hash, password rules, CSP against framing, bounded sessions and
the staff admin behind the same (rate-limited, MFA-protected) login as everybody else.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.module_loading import import_string

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"
REQUIRED_VALIDATORS = {
    "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    "django.contrib.auth.password_validation.MinimumLengthValidator",
    "django.contrib.auth.password_validation.CommonPasswordValidator",
    "django.contrib.auth.password_validation.NumericPasswordValidator",
}
MIN_PASSWORD_LENGTH = 10  # ASVS 2.1.1 asks for at least 12 for new schemes; 10 is DOMAIN's rule
MAX_SESSION_AGE = 12 * 60 * 60  # one working day: a shared kiosk's session must not live on
CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"
STAFF_MFA_MIDDLEWARE = "jmo_portal.security.StaffMfaRequiredMiddleware"
NO_STORE_MIDDLEWARE = "jmo_portal.security.NoStoreMiddleware"


def _full_cost_argon2(path: str) -> bool:
    """Django's Argon2 hasher, or a subclass that keeps its algorithm and at least its costs
    (participants.hashers only moves the work to low-priority threads)."""
    hasher = import_string(path)
    stock = import_string(ARGON2)
    return issubclass(hasher, stock) and (
        hasher.algorithm == stock.algorithm
        and hasher.time_cost >= stock.time_cost
        and hasher.memory_cost >= stock.memory_cost
        and hasher.parallelism >= stock.parallelism
    )


@register(Tags.security, deploy=True)
def check_password_hashers(app_configs, **kwargs):
    hashers = list(getattr(settings, "PASSWORD_HASHERS", []))
    if not hashers or not _full_cost_argon2(hashers[0]):
        return [
            Error(
                "Argon2 is not the first entry of PASSWORD_HASHERS.",
                hint=f"Put '{ARGON2}' first; the others only verify old hashes.",
                id="jmo_portal.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_password_validators(app_configs, **kwargs):
    validators = getattr(settings, "AUTH_PASSWORD_VALIDATORS", [])
    names = {validator.get("NAME") for validator in validators}
    errors = []
    missing = sorted(REQUIRED_VALIDATORS - names)
    if missing:
        errors.append(
            Error(
                "AUTH_PASSWORD_VALIDATORS lacks: " + ", ".join(missing) + ".",
                hint="Keep Django's four validators in AUTH_PASSWORD_VALIDATORS.",
                id="jmo_portal.E002",
            )
        )
    for validator in validators:
        if validator.get("NAME", "").endswith(".MinimumLengthValidator"):
            length = validator.get("OPTIONS", {}).get("min_length", 8)
            if length < MIN_PASSWORD_LENGTH:
                errors.append(
                    Error(
                        f"The minimum password length is {length}.",
                        hint=f"Set OPTIONS min_length to {MIN_PASSWORD_LENGTH} or more.",
                        id="jmo_portal.E003",
                    )
                )
    return errors


@register(Tags.security, deploy=True)
def check_content_security_policy(app_configs, **kwargs):
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    directives = policy.get("DIRECTIVES") or {}
    if CSP_MIDDLEWARE not in settings.MIDDLEWARE or not directives.get("default-src"):
        return [
            Error(
                "No Content-Security-Policy is sent.",
                hint=f"Add '{CSP_MIDDLEWARE}' to MIDDLEWARE and CONTENT_SECURITY_POLICY "
                "with a default-src directive.",
                id="jmo_portal.E004",
            )
        ]
    if list(directives.get("frame-ancestors") or []) != ["'none'"]:
        return [
            Error(
                "The Content-Security-Policy does not forbid framing.",
                hint="Set CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-ancestors'] = [\"'none'\"].",
                id="jmo_portal.E005",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_session_age(app_configs, **kwargs):
    age = settings.SESSION_COOKIE_AGE
    if age > MAX_SESSION_AGE:
        return [
            Error(
                f"SESSION_COOKIE_AGE is {age} seconds.",
                hint=f"Keep it at {MAX_SESSION_AGE} seconds (12 hours) or less.",
                id="jmo_portal.E006",
            )
        ]
    return []


def _admin_login_view():
    try:
        return resolve(reverse("admin:login")).func
    except NoReverseMatch:
        return None


@register(Tags.security, deploy=True)
def check_admin_login(app_configs, **kwargs):
    """The admin's login page must be allauth's (rate limits, MFA), not Django's own form."""
    view = _admin_login_view()
    code = getattr(view, "__code__", None)
    if view is not None and "secure_admin_login" not in getattr(code, "co_qualname", ""):
        return [
            Error(
                "The admin login does not go through allauth.",
                hint="In the URLconf: admin.site.login = secure_admin_login(admin.site.login).",
                id="jmo_portal.E007",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_security_middleware(app_configs, **kwargs):
    errors = []
    if STAFF_MFA_MIDDLEWARE not in settings.MIDDLEWARE:
        errors.append(
            Error(
                "Staff are not required to use two-factor authentication.",
                hint=f"Add '{STAFF_MFA_MIDDLEWARE}' to MIDDLEWARE after AccountMiddleware.",
                id="jmo_portal.E008",
            )
        )
    if NO_STORE_MIDDLEWARE not in settings.MIDDLEWARE:
        errors.append(
            Error(
                "Personal pages and API answers may be cached.",
                hint=f"Add '{NO_STORE_MIDDLEWARE}' to MIDDLEWARE.",
                id="jmo_portal.E009",
            )
        )
    return errors


def _per_process_cache() -> bool:
    backend = settings.CACHES["default"]["BACKEND"]
    return backend.endswith(("LocMemCache", "DummyCache"))


@register(Tags.security, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Cached sessions and page fragments on a per-process cache outlive a logout or a change
    made in another process."""
    uses_cache = settings.PAGE_CACHE_SECONDS or settings.SESSION_ENGINE.endswith(
        (".cache", ".cached_db")
    )
    if uses_cache and _per_process_cache():
        return [
            Error(
                "Sessions or personal pages are cached in a cache each process keeps for itself.",
                hint="Set CACHE_URL to Redis, or PAGE_CACHE_SECONDS=0 with database sessions.",
                id="jmo_portal.E010",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_portal_base_url(app_configs, **kwargs):
    """Every link in every e-mail starts with PORTAL_BASE_URL (core.notifications): left at the
    development default, a production mail would send people to 127.0.0.1 over plain http."""
    if not settings.PORTAL_BASE_URL.startswith("https://"):
        return [
            Error(
                "PORTAL_BASE_URL is not an https:// address, so the links in e-mails would not "
                "reach the portal securely.",
                hint="Set PORTAL_BASE_URL to the portal's public address, e.g. "
                "https://portal.example.id.",
                id="jmo_portal.E011",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_sms_backend(app_configs, **kwargs):
    """Login, reset and confirmation codes go by SMS (sms/backends): the console backend would
    print them into the server's log instead of sending them, and a gateway needs its URL."""
    backend = settings.SMS_BACKEND
    if backend.endswith((".console.SmsBackend", ".locmem.SmsBackend")):
        return [
            Error(
                f"SMS_BACKEND is {backend}: SMS codes would be printed or kept in memory, not "
                "sent.",
                hint="Set SMS_BACKEND=sms.backends.http.SmsBackend with SMS_GATEWAY_URL and "
                "SMS_GATEWAY_TOKEN (or SMS_GATEWAY_USER and SMS_GATEWAY_PASSWORD).",
                id="jmo_portal.E012",
            )
        ]
    if backend.endswith(".http.SmsBackend") and not settings.SMS_GATEWAY_URL.startswith("https://"):
        return [
            Error(
                "SMS_GATEWAY_URL is not an https:// address: codes would travel unencrypted.",
                hint="Set SMS_GATEWAY_URL to the gateway's https address.",
                id="jmo_portal.E012",
            )
        ]
    return []

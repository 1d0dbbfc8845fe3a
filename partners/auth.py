"""Partner API keys: creation, the DRF authentication class, scope permissions, throttles.

A key looks like `jmo_<prefix>_<secret>` and travels only as `Authorization: Bearer <key>`.
The prefix finds the row; the SHA-256 of the whole key is compared in constant time.
"""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, permissions, throttling
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.views import APIView

from core.models import AuditEvent
from participants.models import Employer, User

from .models import PartnerCredential, PartnerScope
from .ratelimit import ReportingThrottleMixin, rate_limit_headers

KEY_PREFIX = "jmo"
LAST_USED_GRANULARITY = datetime.timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def partner_credential_create(
    *,
    employer: Employer,
    name: str,
    scopes: list[str],
    expires_at: datetime.datetime,
    created_by: User | None = None,
) -> tuple[PartnerCredential, str]:
    """Create a credential; the returned key is the only time the secret exists in clear."""
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    credential = PartnerCredential.objects.create(
        employer=employer,
        name=name,
        prefix=prefix,
        secret_hash=_hash(key),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
        created_by=created_by,
    )
    AuditEvent.objects.create(
        actor=created_by,
        action="partner_credential_created",
        detail={"prefix": prefix, "employer": employer.registration_number, "scopes": scopes},
    )
    return credential, key


@transaction.atomic
def partner_credential_revoke(*, credential: PartnerCredential, revoked_by: User | None) -> bool:
    """Revoke once (conditional UPDATE); a second revoke changes nothing and writes nothing."""
    now = timezone.now()
    revoked = PartnerCredential.objects.filter(pk=credential.pk, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    if revoked:
        credential.revoked_at = now
        AuditEvent.objects.create(
            actor=revoked_by,
            action="partner_credential_revoked",
            detail={"prefix": credential.prefix},
        )
    return bool(revoked)


@dataclass(frozen=True)
class PartnerClient:
    """`request.user` for a partner call: the employer's system, never a person's login."""

    credential: PartnerCredential

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False

    @property
    def employer(self) -> Employer:
        return self.credential.employer

    @property
    def pk(self):
        return f"partner:{self.credential.pk}"


class PartnerKeyAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the key as 'Authorization: Bearer <key>', with one space and no quotes."),
                code="credential_malformed",
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise self._invalid() from None
        pieces = key.split("_", 2)
        if len(pieces) != 3 or pieces[0] != KEY_PREFIX:
            raise self._invalid()
        credential = (
            PartnerCredential.objects.select_related("employer").filter(prefix=pieces[1]).first()
        )
        if credential is None or not hmac.compare_digest(credential.secret_hash, _hash(key)):
            raise self._invalid()
        now = timezone.now()
        if credential.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                _("This API key was revoked. Ask your BPJS Ketenagakerjaan branch for a new one."),
                code="credential_revoked",
            )
        if credential.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                _("This API key has expired. Ask your BPJS Ketenagakerjaan branch for a new one."),
                code="credential_expired",
            )
        # At most one write a minute per key: busy partners do not turn every read into a write.
        stale = now - LAST_USED_GRANULARITY
        if credential.last_used_at is None or credential.last_used_at < stale:
            PartnerCredential.objects.filter(pk=credential.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale)
            ).update(last_used_at=now)
        return PartnerClient(credential), credential

    def authenticate_header(self, request):
        return 'Bearer realm="api"'

    @staticmethod
    def _invalid():
        return exceptions.AuthenticationFailed(
            _("The API key is not valid. Check that it was copied whole."),
            code="credential_invalid",
        )


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    """The key is a plain bearer token (no OAuth flow issues it), but each operation's security
    requirement lists the scope the key must hold, as OpenAPI 3.1 allows for any scheme."""

    target_class = "partners.auth.PartnerKeyAuthentication"
    name = "partnerKey"

    def get_security_requirement(self, auto_schema):
        scopes = [
            permission.scope_for(auto_schema.method)
            for permission in getattr(auto_schema.view, "permission_classes", [])
            if issubclass(permission, _ScopePermission)
        ]
        return {self.name: [scope for scope in scopes if scope]}

    def get_security_definition(self, auto_schema):
        scopes = ", ".join(f"`{scope.value}` ({scope.label})" for scope in PartnerScope)
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "Partner API key `jmo_<prefix>_<secret>`, issued by the branch in the staff "
                f"admin with its scopes: {scopes}. Each operation lists the scope it needs; "
                "without it the answer is 403."
            ),
        }


class _ScopePermission(permissions.BasePermission):
    """Lets through keys holding the scope of the request's method (`scopes`: method -> scope,
    "*" for any method); a method with no scope is denied."""

    scopes: dict[str, str] = {}

    @classmethod
    def scope_for(cls, method: str) -> str | None:
        return cls.scopes.get(method.upper(), cls.scopes.get("*"))

    @property
    def scope(self) -> str:
        return ", ".join(sorted(set(self.scopes.values())))

    def has_permission(self, request, view):
        credential = request.auth
        if not isinstance(credential, PartnerCredential):
            return False  # DRF answers 401 when nobody is authenticated, 403 otherwise
        scope = self.scope_for(request.method)
        if scope is None or not credential.has_scope(scope):
            self.message = _("This API key does not have the '%(scope)s' scope.") % {"scope": scope}
            return False
        return True


def partner_scope(scope: str, **by_method: str) -> type[permissions.BasePermission]:
    """A permission class that lets through only keys holding `scope`, or for the methods named
    (`GET=...`), the scope given for that method."""
    scopes = {"*": scope, **{method.upper(): value for method, value in by_method.items()}}
    name = "_".join(sorted(set(scopes.values()))).replace(":", "_")
    return type(f"HasScope_{name}", (_ScopePermission,), {"scopes": scopes})


class PartnerRateThrottle(ReportingThrottleMixin, throttling.SimpleRateThrottle):
    """Per credential, so one busy partner cannot slow down the others."""

    scope = "partner"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, PartnerCredential):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class AnonymousIpThrottle(ReportingThrottleMixin, throttling.AnonRateThrottle):
    """Per client IP for calls without a valid key; NUM_PROXIES decides which address counts."""

    scope = "partner_anon"


def api_language(request) -> str:
    """The API speaks Indonesian unless the language cookie or Accept-Language asks for English."""
    return translation.get_language_from_request(request)


class PartnerApi(APIView):
    """Base of every partner view: key auth, throttles, deny by default, language per call."""

    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [permissions.IsAuthenticated]  # every subclass narrows it to a scope
    throttle_classes = [PartnerRateThrottle, AnonymousIpThrottle]

    def dispatch(self, request, *args, **kwargs):
        with translation.override(api_language(request)):
            response = super().dispatch(request, *args, **kwargs)
            response["Content-Language"] = translation.get_language()
            return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in rate_limit_headers(request).items():
            response[name] = value
        return response

    def initial(self, request, *args, **kwargs):
        try:
            super().initial(request, *args, **kwargs)
        except (exceptions.NotAuthenticated, exceptions.AuthenticationFailed):
            # Failed and missing keys count against the caller's IP, so guessing keys is throttled.
            self.check_throttles(request)
            raise

    def check_permissions(self, request):
        # A call is counted before its scope is checked: a 403 then carries the rate-limit
        # headers like every other answer, and probing scopes is throttled too.
        self.check_throttles(request)
        super().check_permissions(request)

    def check_throttles(self, request):
        if getattr(request, "_partner_throttled", False):
            return  # once per request, whichever path asked first
        request._partner_throttled = True
        super().check_throttles(request)

    @property
    def employer(self) -> Employer:
        return self.request.auth.employer

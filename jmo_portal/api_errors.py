"""One error shape for every API error: `{"code": str, "message": str, "fields": {...}}`.

`fields` maps a field path to its messages. Rows of a list are addressed as `rows[2].nik`;
errors about the whole request sit under `non_field_errors`. Messages are translated into the
language active for the request (Indonesian unless the client asked for English).

`ERROR_CODES` lists every `code` the API answers with; the schema publishes it as an enum, and
a code raised anywhere that is missing from it is answered as `error` (a test greps the code
for raised codes, so a new one is added here with its meaning).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import RuleInputError

NON_FIELD = "non_field_errors"
API_PREFIX = "/api/"

# Every code, with its one-line meaning (English: the schema is English; messages are not).
ERROR_CODES = {
    "invalid": "A field or the body is not valid: `fields` names each field and what to correct.",
    "parse_error": "The body is not JSON, or it nests deeper than the API accepts.",
    "not_authenticated": "No credentials were sent: send the API key as a Bearer token.",
    "authentication_failed": "The credentials were refused.",
    "credential_malformed": "The Authorization header is not `Bearer <key>`.",
    "credential_invalid": "The API key is unknown: check that it was copied whole.",
    "credential_revoked": "The API key was revoked: ask the branch for a new one.",
    "credential_expired": "The API key has expired: ask the branch for a new one.",
    "permission_denied": "The key lacks the scope the operation needs (the message names it).",
    "not_found": "No such path, or the object is not yours (the same answer for both).",
    "method_not_allowed": "The path exists but not with this HTTP method (see `Allow`).",
    "not_acceptable": "The Accept header asks for something other than JSON.",
    "unsupported_media_type": "The body is not sent as `Content-Type: application/json`.",
    "request_too_large": "The body is larger than the operation accepts: send less at a time.",
    "throttled": "Too many requests: wait the seconds in `Retry-After`.",
    "idempotency_key_reused": "The Idempotency-Key was already used with another body or path.",
    "report_processing": "The report is being processed and can no longer be cancelled.",
    "report_posted": "The report is posted: only a reversal request to the branch undoes it.",
    "report_refused": "The report was refused, so nothing of it was posted to cancel.",
    "error": "An error on the portal's side: try again later; the message says more.",
}

ERROR_CODE_CHOICES = list(ERROR_CODES.items())


class ApiError(exceptions.APIException):
    """An application error with its own status and code (e.g. idempotency key reuse)."""

    def __init__(self, *, status_code: int, code: str, message: str, fields=None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.fields = fields or {}


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer (documented once in the OpenAPI schema)."""

    code = serializers.ChoiceField(
        choices=ERROR_CODE_CHOICES,
        help_text="What went wrong, for programs; one of the values below.",
    )
    message = serializers.CharField(
        help_text="What went wrong and what to do, for people; Indonesian unless the request "
        "asks for English (`Accept-Language: en`)."
    )
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field path (`rows[2].nik`); `non_field_errors` for the whole "
        "request; empty when no field is at fault.",
    )

    class Meta:
        ref_name = "Error"


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as `{"rows[1].nik": ["..."]}`."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # DRF reports list rows by their index
                path = f"{prefix}[{key}]"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            if key == NON_FIELD and prefix:
                path = prefix
            for inner, messages in flatten_errors(value, path).items():
                flat.setdefault(inner, []).extend(messages)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                for inner, messages in flatten_errors(value, f"{prefix}[{index}]").items():
                    flat.setdefault(inner, []).extend(messages)
            else:
                flat.setdefault(prefix or NON_FIELD, []).append(str(value))
    else:
        flat.setdefault(prefix or NON_FIELD, []).append(str(detail))
    return flat


def _from_django(exc):
    if isinstance(exc, RequestDataTooBig):
        # Django's DATA_UPLOAD_MAX_MEMORY_SIZE, checked on Content-Length before reading: in
        # the API's shape, not Django's HTML 400.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return ApiError(
            status_code=413,
            code="request_too_large",
            message=_("The request is larger than %(mb)s MB. Send less at a time.")
            % {"mb": f"{round(limit / 1_000_000, 1):g}"},
        )
    if isinstance(exc, RuleInputError):
        return exceptions.ValidationError(exc.errors)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(
                {key: [str(message) for message in messages] for key, messages in exc}
            )
        return exceptions.ValidationError({NON_FIELD: [str(m) for m in exc.messages]})
    return exc


def _message(exc) -> str:
    """The portal's own words for DRF's generic errors: DRF's Indonesian catalogue lacks some
    (its 429 came out half English), and ours say what to do next."""
    if isinstance(exc, exceptions.Throttled):
        seconds = max(1, int(exc.wait or 1))
        return ngettext(
            "Too many requests. Try again in %(seconds)s second.",
            "Too many requests. Try again in %(seconds)s seconds.",
            seconds,
        ) % {"seconds": seconds}
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("This address does not accept this HTTP method. See the Allow header.")
    if isinstance(exc, exceptions.NotAcceptable):
        return _("The API answers only in JSON. Send 'Accept: application/json'.")
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("Send the body as JSON with 'Content-Type: application/json'.")
    if isinstance(exc, exceptions.NotFound) and str(exc.detail) == str(
        exceptions.NotFound.default_detail
    ):
        return not_found_message()
    if isinstance(exc, exceptions.NotAuthenticated):
        return _(
            "No credentials were sent. A partner sends its API key as "
            "'Authorization: Bearer <key>'; a participant logs in first."
        )
    return str(exc.detail)


def not_found_message() -> str:
    return _("Nothing was found at this address. Check the path and the id in it.")


def api_exception_handler(exc, context):
    """DRF's handler, then the body rewritten into the one shape; 500s stay Django's."""
    exc = _from_django(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_errors(exc.detail)
        code = "invalid"
        message = _("Some fields are not valid: see `fields` for what to correct.")
        if list(fields) == [NON_FIELD]:
            message = fields[NON_FIELD][0]
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
        message = _message(exc)
        fields = getattr(exc, "fields", {})
    if code not in ERROR_CODES:
        code = "error"
    response.data = {"code": code, "message": message, "fields": fields}
    return response


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def api_error_response(request, *, status: int, code: str, message: str) -> JsonResponse:
    """An error body for answers Django gives outside DRF (an unknown path under /api/, a 500),
    in the language the request asks for, like every API answer."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        body = {"code": code, "message": str(message), "fields": {}}
    response = JsonResponse(body, status=status)
    response["Content-Language"] = language
    return response

"""One error shape for every API error: `{"code": str, "message": str, "fields": {...}}`.

`fields` maps a field path to its messages. Rows of a list are addressed as `rows[2].nik`;
errors about the whole request sit under `non_field_errors`. Messages are translated into the
language active for the request (Indonesian unless the client asked for English).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import RuleInputError

NON_FIELD = "non_field_errors"


class ApiError(exceptions.APIException):
    """An application error with its own status and code (e.g. idempotency key reuse)."""

    def __init__(self, *, status_code: int, code: str, message: str, fields=None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.fields = fields or {}


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer (documented once in the OpenAPI schema)."""

    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))

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
        message = str(exc.detail)
        fields = getattr(exc, "fields", {})
    response.data = {"code": code, "message": message, "fields": fields}
    return response

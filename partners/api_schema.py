"""What every partner endpoint shares in its contract: documented errors and headers, the
idempotency header, paging.

`partner_responses()` builds an operation's `responses` (every status it can answer, each with
a description that says when) and `partner_headers()` its response headers. Scopes are in the
security requirement of each operation (`PartnerKeyScheme` in auth.py reads the view's scope).
"""

from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import pagination, serializers

from core.notifications import absolute_url
from jmo_portal.api_errors import ErrorSerializer

from .idempotency import HEADER as IDEMPOTENCY_HEADER
from .idempotency import REPLAYED_HEADER
from .ratelimit import LIMIT_HEADER, REMAINING_HEADER, RESET_HEADER

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Optional, 1 to 255 visible ASCII characters (a UUID is good). The same key with the "
        "same body answers the stored answer again (with `Idempotent-Replayed: true`) and does "
        "nothing twice; with another body or path it is refused with 422."
    ),
)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


def partner_responses(ok: dict, *, scope: str, write: bool = False, extra=None) -> dict:
    """`ok` (the 2xx answers) plus every error the partner views share, described."""
    responses = {
        **ok,
        400: _error(
            "A field, a query parameter or the body is not valid: `code` is `invalid` (or "
            "`parse_error`) and `fields` names each field and what to correct."
        ),
        401: _error(
            "No API key, or one that is unknown, revoked or expired (`code` says which); "
            "`WWW-Authenticate: Bearer` is sent."
        ),
        403: _error(f"The key does not have the `{scope}` scope this operation needs."),
        404: _error(
            "No such path or object, or the object belongs to another employer (the same "
            "answer for both)."
        ),
        405: _error("The path does not take this HTTP method; `Allow` lists those it takes."),
        406: _error("The `Accept` header asks for something other than `application/json`."),
        429: _error(
            "Too many calls for this key (or, without a valid key, for this address); wait "
            "the seconds in `Retry-After`."
        ),
    }
    if write:
        responses.update(
            {
                413: _error("The body is larger than this operation accepts; send less."),
                415: _error("The body is not sent as `Content-Type: application/json`."),
                422: _error(
                    "Only for a reused `Idempotency-Key`: the key was already used with another "
                    "body or path (`code` `idempotency_key_reused`). Send a new key."
                ),
            }
        )
    responses.update(extra or {})
    return responses


def _header(name: str, kind, description: str, statuses) -> OpenApiParameter:
    return OpenApiParameter(
        name, kind, OpenApiParameter.HEADER, description=description, response=statuses
    )


RATE_LIMIT_HEADERS = [
    _header(LIMIT_HEADER, OpenApiTypes.INT, "Calls allowed in the window (per key).", True),
    _header(REMAINING_HEADER, OpenApiTypes.INT, "Calls left in the window.", True),
    _header(
        RESET_HEADER, OpenApiTypes.INT, "Seconds until a call is free again in the window.", True
    ),
    _header("Retry-After", OpenApiTypes.INT, "Seconds to wait before calling again.", [429]),
]


def partner_headers(*, write_statuses=(), location_statuses=()) -> list[OpenApiParameter]:
    """The response headers of a partner operation: rate limits on every answer, and for
    writes the replay marker (and `Location` where a status URL is answered)."""
    headers = list(RATE_LIMIT_HEADERS)
    if write_statuses:
        headers.append(
            _header(
                REPLAYED_HEADER,
                OpenApiTypes.STR,
                "`true` when this is the stored answer to an earlier call with the same "
                "`Idempotency-Key` (nothing was done again); absent otherwise.",
                list(write_statuses),
            )
        )
    if location_statuses:
        headers.append(
            _header(
                "Location",
                OpenApiTypes.URI,
                "The absolute status URL of what was created (the same as `status_url`).",
                list(location_statuses),
            )
        )
    return headers


def _rebase(link: str | None) -> str | None:
    """A paging link on the portal's one base URL (PORTAL_BASE_URL), like every other URL the
    API answers, whatever Host the request came through."""
    if link is None:
        return None
    parts = urlsplit(link)
    return absolute_url(parts.path + (f"?{parts.query}" if parts.query else ""))


class PartnerPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = _("This page does not exist. Start again from page 1.")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdecimal() or not 1 <= int(raw) <= self.max_page_size:
            message = _("Use a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
            raise serializers.ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def get_next_link(self):
        return _rebase(super().get_next_link())

    def get_previous_link(self):
        return _rebase(super().get_previous_link())

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1; past the last page is a 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Results per page, 1 to {self.max_page_size} (default {self.page_size}); "
                    "another value is a 400."
                ),
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]

    def get_paginated_response_schema(self, schema):
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                # The examples make a one-page answer around each operation's example item.
                "count": {"type": "integer", "description": "Results on all pages.", "example": 1},
                "next": {
                    **link,
                    "description": "Absolute URL of the next page; null on the last.",
                    "example": None,
                },
                "previous": {
                    **link,
                    "description": "Absolute URL of the previous page; null on the first.",
                    "example": None,
                },
                "results": schema,
            },
        }

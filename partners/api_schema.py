"""What every partner endpoint shares: its documented errors, the idempotency header, paging."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import pagination

from jmo_portal.api_errors import ErrorSerializer

from .idempotency import HEADER as IDEMPOTENCY_HEADER

_COMMON_ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    429: ErrorSerializer,
}
READ_ERRORS = {**_COMMON_ERRORS, 404: ErrorSerializer}
WRITE_ERRORS = {**_COMMON_ERRORS, 415: ErrorSerializer, 422: ErrorSerializer}
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Optional. The same key with the same body returns the stored answer; "
        "with another body it is refused with 422."
    ),
)


class PartnerPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

"""Serializer fields the API shares: the types a client in any language reads the same way."""

import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# One form for every datetime the API writes: RFC 3339, UTC, whole seconds ("Z"). Python's
# own isoformat() drops the fraction when it is zero, so answers varied in precision; and the
# portal's local offset would make clients compare strings of two forms.
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "description": "RFC 3339, always UTC and whole seconds: `2026-12-07T01:02:03Z`.",
        "example": "2026-12-07T01:02:03Z",
    }
)
class DateTimeField(serializers.DateTimeField):
    """UTC with whole seconds on the way out. On the way in, a date at the edge of the calendar
    ("0001-01-01") is invalid input, not a 500: converting it to the portal's time zone
    overflows inside DRF (found by hypothesis)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", DATETIME_FORMAT)
        kwargs.setdefault("default_timezone", datetime.UTC)
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]")


@extend_schema_field(
    {
        "type": "integer",
        "format": "int64",
        "description": "Whole rupiah (no fraction). 64-bit: a large report's total passes 2^31.",
    }
)
class MoneyField(serializers.IntegerField):
    """An amount in whole rupiah, typed int64 in the schema so no client reads it as 32-bit."""


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "format": "email", "maxLength": 254},
            {"type": "string", "maxLength": 0},
        ],
        "default": "",
        "description": "An e-mail address, or empty when there is none.",
    }
)
class OptionalEmailField(serializers.EmailField):
    """An e-mail address that may be left out or blank. drf-spectacular's own schema for it put
    `default: ''` on the `format: email` branch, which strict validators reject."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", "")
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

"""Serializer fields the API shares."""

from rest_framework import serializers


class DateTimeField(serializers.DateTimeField):
    """DRF's, but a date at the edge of the calendar ("0001-01-01") is invalid input, not a
    500: converting it to the portal's time zone overflows inside DRF (found by hypothesis)."""

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]")

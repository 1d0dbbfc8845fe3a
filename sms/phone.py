"""Indonesian mobile numbers in one shape: +62 followed by the number without its leading 0."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-().]")
# Indonesian mobile numbers start 08 (+628) and have 10 to 13 digits written with the 0.
_MOBILE = re.compile(r"^\+628\d{7,11}$")

INVALID_PHONE = _(
    "Phone number: write an Indonesian mobile number, for example 0812 3456 7890 "
    "or +62 812 3456 7890."
)


def phone_normalise(value: str) -> str:
    """'0812-3456-7890', '62812…' and '+62 812…' all become '+6281234567890'.

    Raises ValidationError (code "phone") for anything that is not an Indonesian mobile number.
    """
    digits = _SEPARATORS.sub("", value or "")
    if digits.startswith("+62"):
        digits = digits[3:]
    elif digits.startswith("62"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    normalised = "+62" + digits
    if not _MOBILE.match(normalised):
        raise ValidationError(INVALID_PHONE, code="phone")
    return normalised


def phone_is_valid(value: str) -> bool:
    try:
        phone_normalise(value)
    except ValidationError:
        return False
    return True


def phone_local(value: str) -> str:
    """'+6281234567890' as people write it: '081234567890' (the form Participant.phone keeps)."""
    return "0" + phone_normalise(value)[3:]


def phone_mask(value: str) -> str:
    """'+6281234567890' -> '+62812*****890': enough to recognise, not to reuse."""
    return value[:6] + "*" * max(len(value) - 9, 0) + value[-3:] if len(value) > 9 else "***"

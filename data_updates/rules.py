"""Pure rules for the identity values a correction writes, shared by the participant's forms
and the staff correction (services.identity_correct)."""

import re

_NAME = re.compile(r"^[^\W\d_]+(?:[ .,'\-][^\W\d_]*)*\.?$")


def name_tidy(value: str) -> str:
    """A typed name as it is stored: no leading, trailing or repeated spaces."""
    return " ".join(value.split())


def name_well_formed(name: str) -> bool:
    """Letters, with spaces, dots, commas, apostrophes or dashes between, as a KTP prints."""
    return bool(_NAME.match(name))


# How each kind of request goes (the status values, as plain strings).
CODE_KINDS = frozenset({"phone", "email"})
IMMEDIATE_KINDS = frozenset({"address", "emergency_contact", "bank_account"})
REVIEW_KINDS = frozenset(
    {
        "name",
        "birth_date",
        "nik",
        "nationality",
        "family_member",
        "family_member_edit",
        "family_member_remove",
    }
)

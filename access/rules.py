"""Pure rules of getting in: codes, their hashes, and the recovery question (no ORM, no clock)."""

import datetime
import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

SIGNUP_CODE_DIGITS = 6
SIGNUP_CODE_TTL = datetime.timedelta(minutes=15)
SIGNUP_CODE_MAX_ATTEMPTS = 5
# Crockford's base 32 without I, L, O, U: read aloud and typed from paper without mix-ups.
BRANCH_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BRANCH_CODE_LENGTH = 12  # 60 bits; typed as three groups of four
BRANCH_CODE_TTL = datetime.timedelta(hours=72)
BRANCH_CODE_MAX_ATTEMPTS = 5
# Online recovery: wrong answers for one account before its online recovery is locked.
RECOVERY_FAILURES_BEFORE_LOCK = 3
RECOVERY_FAILURE_WINDOW = datetime.timedelta(days=30)
# After a successful check, the new login must be set within this time.
RECOVERY_SESSION_TTL = datetime.timedelta(minutes=20)

SALT = "access.codes"


def signup_code_new() -> str:
    return f"{secrets.randbelow(10**SIGNUP_CODE_DIGITS):0{SIGNUP_CODE_DIGITS}d}"


def branch_code_new() -> str:
    return "".join(secrets.choice(BRANCH_CODE_ALPHABET) for _ in range(BRANCH_CODE_LENGTH))


def branch_code_normalise(typed: str) -> str:
    """What staff wrote on paper, as typed: case, spaces and dashes do not matter; O is 0, I/L 1."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def branch_code_display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def code_hash(code: str, *, scope: str) -> str:
    """HMAC-SHA256 under SECRET_KEY; `scope` ties a code to its use (and its participant)."""
    return salted_hmac(SALT, f"{scope}:{code}", algorithm="sha256").hexdigest()


def code_matches(code: str, *, scope: str, stored_hash: str) -> bool:
    return constant_time_compare(code_hash(code, scope=scope), stored_hash)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def recovery_fact_matches(
    *, answer: datetime.date, joined_on: datetime.date, first_posting_month: datetime.date | None
) -> bool:
    """The recovery question: the month this KPJ card began.

    Members remember the month they started a job better than the day; the first
    contribution may be paid for the month after, so that month counts too.
    """
    accepted = {month_start(joined_on)}
    if first_posting_month is not None:
        accepted.add(month_start(first_posting_month))
    return month_start(answer) in accepted


def mask_email(email: str) -> str:
    """`b***@demo.jmo.example`: enough for the owner to recognise, not to learn."""
    name, _, domain = email.partition("@")
    return f"{name[:1]}***@{domain}" if domain else ""

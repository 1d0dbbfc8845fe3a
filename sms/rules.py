"""Pure rules of the SMS channel: masking, rate-limit arithmetic, backoff. No ORM, no clock."""

import datetime
import re

_CODE_LIKE = re.compile(r"\d{4,}")
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")


def text_mask(text: str) -> str:
    """Every run of four or more digits (codes, numbers) replaced by as many '*'."""
    return _CODE_LIKE.sub(lambda m: "*" * len(m.group()), text)


def rate_parse(rate: str) -> tuple[int, datetime.timedelta]:
    """'5/h' -> (5, 1 hour); '3/15m' -> (3, 15 minutes). ValueError on anything else."""
    match = _RATE.match(rate.strip())
    if not match:
        raise ValueError(f"SMS rate {rate!r}: write it as count/period, e.g. 5/h or 3/15m")
    count, multiple, unit = match.groups()
    seconds = int(multiple or 1) * _PERIODS[unit]
    return int(count), datetime.timedelta(seconds=seconds)


def backoff_seconds(*, attempts: int, base: float, cap: float) -> float:
    """base, 2×base, 4×base … after the 1st, 2nd, 3rd failed attempt, at most `cap`."""
    return min(base * 2 ** max(attempts - 1, 0), cap)

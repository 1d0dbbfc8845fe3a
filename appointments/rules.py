"""Pure rules for branch appointments: slots from opening hours, booking windows, distance.

Nothing here reads the clock or the database: callers pass dates and the branch's calendar.
"""

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

# A request may ask for a window of at most this many days, starting at the earliest tomorrow
# and at most this far ahead: the scheduler looks no further.
MAX_WINDOW_DAYS = 30
MAX_DAYS_AHEAD = 60
# "Earliest at any nearby branch" picks this many of the nearest branches offering the service.
NEARBY_BRANCHES = 3


@dataclass(frozen=True)
class BranchCalendar:
    """What decides one branch's slots for one service."""

    branch_id: int
    counters: int
    # weekday (Monday = 0) -> opening periods (opens, closes)
    hours: Mapping[int, tuple[tuple[datetime.time, datetime.time], ...]]
    holidays: frozenset[datetime.date] = field(default_factory=frozenset)


def slot_starts(
    calendar: BranchCalendar, day: datetime.date, duration_minutes: int
) -> list[datetime.time]:
    """Start times of the day's slots: every `duration` from opening while a visit still fits."""
    if day in calendar.holidays or calendar.counters < 1:
        return []
    step = datetime.timedelta(minutes=duration_minutes)
    starts = []
    for opens, closes in sorted(calendar.hours.get(day.weekday(), ())):
        start = datetime.datetime.combine(day, opens)
        end = datetime.datetime.combine(day, closes)
        while start + step <= end:
            starts.append(start.time())
            start += step
    return starts


def day_capacity(calendar: BranchCalendar, day: datetime.date, duration_minutes: int) -> int:
    """How many people one branch serves for the service on the day (slots x counters)."""
    return len(slot_starts(calendar, day, duration_minutes)) * calendar.counters


def earliest_date(today: datetime.date) -> datetime.date:
    """Appointments start the next day at the earliest, so there is time for the reminder."""
    return today + datetime.timedelta(days=1)


def window_problem(*, start: datetime.date, end: datetime.date, today: datetime.date) -> str | None:
    """Why a requested date window cannot be used (an error code), or None when it can."""
    if start < earliest_date(today):
        return "window_start_past"
    if end < start:
        return "window_end_before_start"
    if (end - start).days + 1 > MAX_WINDOW_DAYS:
        return "window_too_long"
    if (end - today).days > MAX_DAYS_AHEAD:
        return "window_too_far"
    return None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), good enough to rank nearby branches."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


# The virtual queue -----------------------------------------------------------------------

# Booking codes avoid letters and digits read alike (0/O, 1/I/L, 5/S, 2/Z, 8/B) on a kiosk.
BOOKING_CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
BOOKING_CODE_LENGTH = 6

_ONES = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]


def number_words_id(n: int) -> str:
    """An integer 0 to 999,999 in Indonesian words, as a caller says it ("dua belas")."""
    if not 0 <= n <= 999_999:
        raise ValueError(n)
    if n < 10:
        return _ONES[n]
    if n == 10:
        return "sepuluh"
    if n == 11:
        return "sebelas"
    if n < 20:
        return f"{_ONES[n - 10]} belas"
    if n < 100:
        tens, ones = divmod(n, 10)
        return f"{_ONES[tens]} puluh" + (f" {_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "seratus" if hundreds == 1 else f"{_ONES[hundreds]} ratus"
        return head + (f" {number_words_id(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = "seribu" if thousands == 1 else f"{number_words_id(thousands)} ribu"
    return head + (f" {number_words_id(rest)}" if rest else "")


def ticket_label(prefix: str, number: int) -> str:
    """The number as printed and shown: "A-012"."""
    return f"{prefix}-{number:03d}"


def ticket_words_id(prefix: str, number: int) -> str:
    """The number as an Indonesian caller reads it out: the letter, then the number as one
    whole ("A dua belas"), not digit by digit: that is how bank and hospital queues call."""
    return f"{prefix} {number_words_id(number)}"


def call_words_id(prefix: str, number: int, counter: int) -> str:
    """The whole call: "Nomor antrean A dua belas, silakan ke loket dua"."""
    return (
        f"Nomor antrean {ticket_words_id(prefix, number)}, "
        f"silakan ke loket {number_words_id(counter)}"
    )


def walk_in_due(
    *,
    slot_starts: list[datetime.datetime],
    free_per_slot: Mapping[datetime.datetime, int],
    now: datetime.datetime,
    duration_minutes: int,
) -> datetime.datetime | None:
    """The slot a walk-in is fitted into: the first one still running or to come that has a
    counter nobody booked (free_per_slot already counts walk-ins fitted before). None: the
    day is full, and the walk-in is called after the day's booked visits, in arrival order."""
    step = datetime.timedelta(minutes=duration_minutes)
    for start in sorted(slot_starts):
        if start + step > now and free_per_slot.get(start, 0) > 0:
            return start
    return None


def check_in_problem(*, visit_day: datetime.date | None, today: datetime.date) -> str | None:
    """Why a visit cannot be reported today (an error code), or None when it can."""
    if visit_day is None:
        return "check_in_no_slot"
    if visit_day > today:
        return "check_in_early"
    if visit_day < today:
        return "check_in_late"
    return None

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

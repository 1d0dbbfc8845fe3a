"""The indicators as pure functions: plain rows in, one day's summary per branch out.

No ORM and no clock here: insights/aggregation.py loads the rows for a day's window
([start, end), local midnight to local midnight) and passes them in; the same functions run on
hand-built rows in the tests. Every function returns `{branch_id: {field: value}}` with the
field names of `DailySummary`; `branch_id` may be None (events that belong to no branch).

Percentiles use the nearest-rank method: the p-th percentile is the smallest value that at
least p % of the observations do not exceed (so the median of 1, 2, 3, 4 is 2). Durations are
whole hours (claims, rounded down) and whole calendar days (appointments).
"""

import datetime
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ACTIVE_WINDOW_DAYS = 30
CLAIM_DECIDED = ("approved", "rejected", "paid")
APPOINTMENT_OUTCOMES = ("done", "no_show")
APPOINTMENT_SCHEDULED = ("assigned", "accepted", "checked_in", "done", "no_show")
REASON_MAX_LENGTH = 120


# Rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisteredCount:
    """Participants with a portal login registered before the day began, per branch+category."""

    branch_id: int | None
    category: str
    count: int


@dataclass(frozen=True)
class Registration:
    branch_id: int | None
    category: str
    at: datetime.datetime


@dataclass(frozen=True)
class Activity:
    """A login or a service used by the participant themself, at `at`."""

    participant_id: int
    branch_id: int | None
    category: str
    at: datetime.datetime


@dataclass(frozen=True)
class ClaimRow:
    branch_id: int | None
    program: str
    channel: str
    status: str
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None = None
    paid_at: datetime.datetime | None = None
    cancelled_at: datetime.datetime | None = None


@dataclass(frozen=True)
class RatingRow:
    branch_id: int | None
    rating: int


@dataclass(frozen=True)
class QuizRow:
    branch_id: int | None
    guide: str
    score: int
    total: int
    first: bool  # the participant's first attempt at this guide's quiz: a completed guide


@dataclass(frozen=True)
class SelfHelpRow:
    branch_id: int | None
    category: str
    solved: bool


@dataclass(frozen=True)
class AppointmentRow:
    branch_id: int | None
    status: str
    requested_on: datetime.date
    scheduled_on: datetime.date


@dataclass(frozen=True)
class TicketRow:
    branch_id: int | None
    created_at: datetime.datetime
    first_response_due: datetime.datetime
    resolution_due: datetime.datetime
    first_responded_at: datetime.datetime | None = None
    resolved_at: datetime.datetime | None = None


@dataclass(frozen=True)
class DataUpdateOutcome:
    """A request reaching its end on the day: applied, or rejected with the staff's reason."""

    branch_id: int | None
    status: str
    reason: str = ""


# Helpers ---------------------------------------------------------------------------------


def _within(at: datetime.datetime | None, start: datetime.datetime, end: datetime.datetime):
    return at is not None and start <= at < end


def whole_hours(start: datetime.datetime, end: datetime.datetime) -> int:
    return max(0, int((end - start).total_seconds() // 3600))


def claim_key(program: str, channel: str) -> str:
    return f"{program}|{channel}"


def split_claim_key(key: str) -> tuple[str, str]:
    program, _, channel = key.partition("|")
    return program, channel


def merge_histograms(histograms: Iterable[Mapping[str, int]]) -> dict[int, int]:
    merged: Counter = Counter()
    for histogram in histograms:
        for value, count in histogram.items():
            merged[int(value)] += count
    return dict(merged)


def percentile(histogram: Mapping[int, int], p: float) -> int | None:
    """Nearest-rank percentile of a `{value: count}` histogram; None when it is empty."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(p * total / 100 - 1e-9))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)  # unreachable: the ranks add up to `total`


# Indicators ------------------------------------------------------------------------------


def active_users(
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    registered_before: Iterable[RegisteredCount],
    registrations: Iterable[Registration],
    activity: Iterable[Activity],
) -> dict:
    """Registered (end of day), new registrations, active that day and in the last 30 days.

    A participant is active on a day when they logged in or used a service themself that day;
    active in the last 30 days covers the day and the 29 before it.
    """
    window_start = start - datetime.timedelta(days=ACTIVE_WINDOW_DAYS - 1)
    out: dict = defaultdict(lambda: {"by_category": defaultdict(_category_counts)})

    for row in registered_before:
        out[row.branch_id]["by_category"][row.category]["registered"] += row.count
    for row in registrations:
        if row.at < end:
            cats = out[row.branch_id]["by_category"][row.category]
            cats["registered"] += 1
            if row.at >= start:
                cats["new"] += 1
    seen_1d, seen_30d = set(), set()
    for row in activity:
        if not window_start <= row.at < end:
            continue
        cats = out[row.branch_id]["by_category"][row.category]
        if row.participant_id not in seen_30d:
            seen_30d.add(row.participant_id)
            cats["active_30d"] += 1
        if row.at >= start and row.participant_id not in seen_1d:
            seen_1d.add(row.participant_id)
            cats["active_1d"] += 1

    result = {}
    for branch_id, data in out.items():
        by_category = {key: dict(value) for key, value in sorted(data["by_category"].items())}
        result[branch_id] = {
            "registered": sum(c["registered"] for c in by_category.values()),
            "new_registrations": sum(c["new"] for c in by_category.values()),
            "active_1d": sum(c["active_1d"] for c in by_category.values()),
            "active_30d": sum(c["active_30d"] for c in by_category.values()),
            "by_category": by_category,
        }
    return result


def _category_counts():
    return {"registered": 0, "new": 0, "active_1d": 0, "active_30d": 0}


def claims(*, start: datetime.datetime, end: datetime.datetime, rows: Iterable[ClaimRow]) -> dict:
    """Claims submitted, approved, rejected that day and pending at its end; the durations.

    Approved counts a positive decision (a claim paid later stays approved); pending is filed,
    not yet decided and not cancelled when the day ended. Decision and payment durations run from
    submission, for the claims decided (paid) that day.
    """
    flows: dict = defaultdict(lambda: defaultdict(_claim_counts))
    decision: dict = defaultdict(lambda: defaultdict(Counter))
    payment: dict = defaultdict(lambda: defaultdict(Counter))
    for row in rows:
        key = claim_key(row.program, row.channel)
        counts = flows[row.branch_id][key]
        if _within(row.submitted_at, start, end):
            counts["submitted"] += 1
        if _within(row.decided_at, start, end):
            counts["rejected" if row.status == "rejected" else "approved"] += 1
            decision[row.branch_id][key][str(whole_hours(row.submitted_at, row.decided_at))] += 1
        if _within(row.paid_at, start, end):
            payment[row.branch_id][key][str(whole_hours(row.submitted_at, row.paid_at))] += 1
        open_at_end = (
            row.submitted_at < end
            and (row.decided_at is None or row.decided_at >= end)
            and (row.cancelled_at is None or row.cancelled_at >= end)
        )
        if open_at_end:
            counts["pending"] += 1
    result = {}
    for branch_id in set(flows) | set(decision) | set(payment):
        result[branch_id] = {
            "claims": {
                key: dict(value)
                for key, value in sorted(flows[branch_id].items())
                if any(value.values())
            },
            "decision_hours": {k: dict(v) for k, v in sorted(decision[branch_id].items())},
            "payment_hours": {k: dict(v) for k, v in sorted(payment[branch_id].items())},
        }
    return result


def _claim_counts():
    return {"submitted": 0, "approved": 0, "rejected": 0, "pending": 0}


def satisfaction(*, rows: Iterable[RatingRow]) -> dict:
    """Complaint ratings given that day, as counts per score 1..5."""
    out: dict = defaultdict(lambda: [0, 0, 0, 0, 0])
    for row in rows:
        if 1 <= row.rating <= 5:
            out[row.branch_id][row.rating - 1] += 1
    return {branch_id: {"complaint_ratings": counts} for branch_id, counts in out.items()}


def knowledge(*, quiz_rows: Iterable[QuizRow], self_help_rows: Iterable[SelfHelpRow]) -> dict:
    """Quiz attempts per guide (score and question sums, first completions); self-help offers."""
    quiz: dict = defaultdict(dict)
    for row in quiz_rows:
        guide = quiz[row.branch_id].setdefault(
            row.guide, {"attempts": 0, "score": 0, "total": 0, "completions": 0}
        )
        guide["attempts"] += 1
        guide["score"] += row.score
        guide["total"] += row.total
        guide["completions"] += int(row.first)
    offers: dict = defaultdict(dict)
    for row in self_help_rows:
        category = offers[row.branch_id].setdefault(row.category, {"offered": 0, "solved": 0})
        category["offered"] += 1
        category["solved"] += int(row.solved)
    result = {}
    for branch_id in set(quiz) | set(offers):
        result[branch_id] = {
            "quiz": dict(sorted(quiz[branch_id].items())),
            "self_help": dict(sorted(offers[branch_id].items())),
        }
    return result


def process(
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    appointments: Iterable[AppointmentRow],
    tickets: Iterable[TicketRow],
    data_updates: Iterable[DataUpdateOutcome],
) -> dict:
    """Visits served and missed, waiting days, complaint SLA, data-update outcomes and reasons.

    `appointments` are the visits scheduled on the day; the day is `start`'s date.
    """
    out: dict = defaultdict(_process_counts)
    for row in appointments:
        data = out[row.branch_id]
        if row.status == "done":
            data["appointments_served"] += 1
        elif row.status == "no_show":
            data["appointments_no_show"] += 1
        if row.status in APPOINTMENT_SCHEDULED:
            days = str(max(0, (row.scheduled_on - row.requested_on).days))
            data["waiting_days"][days] = data["waiting_days"].get(days, 0) + 1
    for row in tickets:
        data = out[row.branch_id]
        if _within(row.created_at, start, end):
            data["tickets_filed"] += 1
        if _within(row.first_responded_at, start, end):
            data["tickets_responded"] += 1
            data["tickets_responded_on_time"] += int(
                row.first_responded_at <= row.first_response_due
            )
        if _within(row.resolved_at, start, end):
            data["tickets_resolved"] += 1
            data["tickets_resolved_on_time"] += int(row.resolved_at <= row.resolution_due)
    for row in data_updates:
        data = out[row.branch_id]
        if row.status == "applied":
            data["data_updates_applied"] += 1
        elif row.status == "rejected":
            data["data_updates_rejected"] += 1
            reason = " ".join(row.reason.split())[:REASON_MAX_LENGTH] or "-"
            data["rejection_reasons"][reason] = data["rejection_reasons"].get(reason, 0) + 1
    return {branch_id: dict(data) for branch_id, data in out.items()}


def _process_counts():
    return {
        "appointments_served": 0,
        "appointments_no_show": 0,
        "waiting_days": {},
        "tickets_filed": 0,
        "tickets_responded": 0,
        "tickets_responded_on_time": 0,
        "tickets_resolved": 0,
        "tickets_resolved_on_time": 0,
        "data_updates_applied": 0,
        "data_updates_rejected": 0,
        "rejection_reasons": {},
    }


def summarise_day(*parts: dict) -> dict:
    """Merge the indicators' per-branch dicts into one field dict per branch."""
    merged: dict = defaultdict(dict)
    for part in parts:
        for branch_id, fields in part.items():
            merged[branch_id].update(fields)
    return dict(merged)


def add_fields(total: dict, fields: Mapping) -> dict:
    """Add one summary's fields into `total`: numbers add, dicts merge, lists add by position.

    Every stored field is one of those, so the day's all-branches row is the sum of its parts.
    """
    for name, value in fields.items():
        if isinstance(value, Mapping):
            total[name] = add_fields(dict(total.get(name, {})), value)
        elif isinstance(value, list):
            current = list(total.get(name) or [0] * len(value))
            total[name] = [a + b for a, b in zip(current, value, strict=True)]
        else:
            total[name] = total.get(name, 0) + value
    return total


def total_of(per_branch: Mapping) -> dict:
    total: dict = {}
    for fields in per_branch.values():
        add_fields(total, fields)
    return total

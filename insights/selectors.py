"""Reads for the dashboard: summary rows only, one query whatever the period or data size."""

import datetime
from dataclasses import dataclass

from appointments.selectors import QueueDayFigures, queue_day_figures
from claims.models import Claim

from .aggregation import day_window
from .models import DailySummary

SUMMARY_FIELDS = [
    field.name
    for field in DailySummary._meta.concrete_fields
    if field.name not in {"id", "is_total", "computed_at"}
]


def summaries_for_period(
    *, start: datetime.date, end: datetime.date, branch_id: int | None, all_branches: bool
) -> list[dict]:
    """The period's rows for one branch, or the all-branches total rows (one per day)."""
    rows = DailySummary.objects.filter(day__gte=start, day__lte=end)
    if branch_id is not None:
        rows = rows.filter(branch_id=branch_id)
    elif all_branches:
        rows = rows.filter(is_total=True)
    else:
        return []
    return [
        {**row, "branch_id": row.pop("branch")}
        for row in rows.order_by("day", "branch_id").values(*SUMMARY_FIELDS)
    ]


def guide_titles(*, language: str) -> dict[str, str]:
    """Each guide's title in `language` by its slug (one query): the dashboard names guides as
    staff know them, not by their URL slug."""
    from news.models import Guide

    return {guide.slug: guide.localized("title", language) for guide in Guide.objects.all()}


@dataclass(frozen=True)
class CounterDay:
    """The branch head's figures for one day: the queue's, and the claims decided."""

    day: datetime.date
    queue: QueueDayFigures
    claims_decided: int


def counter_day_figures(*, branch_id: int, day: datetime.date) -> CounterDay:
    """Read live (three queries), not from the nightly summaries: the head looks at today.
    A claim counts for the branch of its participant, as the claim indicators do."""
    start, end = day_window(day)
    decided = Claim.objects.filter(
        participant__branch_id=branch_id, decided_at__gte=start, decided_at__lt=end
    ).count()
    return CounterDay(
        day=day,
        queue=queue_day_figures(branch_id=branch_id, day=day),
        claims_decided=decided,
    )

"""Reads for the dashboard: summary rows only, one query whatever the period or data size."""

import datetime

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

"""Compute the daily summaries for a range of past days (safe to run again: it replaces them)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from insights.aggregation import insights_aggregate_range


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"'{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-11-01."
        ) from exc


class Command(BaseCommand):
    help = "Aggregate the effectiveness indicators for each day from --from to --to (inclusive)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="last", help="Last day, YYYY-MM-DD (default: yesterday).")

    def handle(self, *args, first, last=None, **options):
        first_day = _date(first)
        last_day = _date(last) if last else timezone.localdate() - datetime.timedelta(days=1)
        if last_day < first_day:
            raise CommandError(
                f"--to ({last_day}) is before --from ({first_day}): swap them or pick a later --to."
            )
        stored = insights_aggregate_range(first=first_day, last=last_day)
        days = (last_day - first_day).days + 1
        self.stdout.write(
            f"Aggregated {days} day(s) from {first_day} to {last_day}: {stored} row(s)."
        )

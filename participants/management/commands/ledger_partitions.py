"""The ledger's monthly partitions on PostgreSQL, for operators.

    manage.py ledger_partitions list                   (month, rows, table; ~ an estimate)
    manage.py ledger_partitions ensure [--ahead N]     (what the daily beat task does)
    manage.py ledger_partitions detach --month YYYY-MM (kept as ..._archive_YYYYMM)

See participants/partitions.py for what a detached month still means for balances.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from participants.partitions import (
    PartitionError,
    ledger_partition_detach,
    ledger_partitions_ensure,
    ledger_partitions_list,
)


def _month(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(f"{value}-01")
    except ValueError:
        raise CommandError(
            f"--month: '{value}' bukan bulan YYYY-MM, mis. 2024-01. / "
            f"--month: '{value}' is not a YYYY-MM month, e.g. 2024-01."
        ) from None


class Command(BaseCommand):
    help = "List, create ahead or detach the monthly partitions of the contribution ledger."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="Partitions with their months and rows.")
        ensure = actions.add_parser("ensure", help="Create this month's and the next ones.")
        ensure.add_argument("--ahead", type=int, default=None, help="Months after this one.")
        detach = actions.add_parser("detach", help="Detach a past month into an archive table.")
        detach.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args, action, **options):
        try:
            if action == "list":
                for partition in ledger_partitions_list():
                    month = f"{partition.month:%Y-%m}" if partition.month else "DEFAULT"
                    if partition.month is None:
                        rows = str(partition.rows)
                    else:  # PostgreSQL's estimate, unknown before the first analyze
                        rows = "?" if partition.rows is None else f"~{partition.rows}"
                    self.stdout.write(f"{month}\t{rows}\t{partition.name}")
            elif action == "ensure":
                ahead = options["ahead"]
                created = ledger_partitions_ensure(
                    today=timezone.localdate(),
                    ahead=settings.LEDGER_PARTITIONS_AHEAD if ahead is None else ahead,
                )
                months = ", ".join(f"{month:%Y-%m}" for month in created) or "none"
                self.stdout.write(self.style.SUCCESS(f"Partitions created: {months}."))
            else:
                archive = ledger_partition_detach(
                    month=_month(options["month"]), today=timezone.localdate()
                )
                self.stdout.write(self.style.SUCCESS(f"Detached into {archive}."))
        except PartitionError as exc:
            raise CommandError(str(exc)) from exc

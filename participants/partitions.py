"""The monthly partitions of the contribution ledger, on PostgreSQL.

Migration 0018 made `participants_contributionposting` a table partitioned by RANGE on
`month`: one partition per month (`..._pYYYYMM`) and a DEFAULT partition (`..._default`) that
takes a posting whose month has none yet, so no write ever fails for want of a partition.
This module keeps that shape:

- `ledger_partitions_ensure` creates the partitions of this month and the next months ahead,
  and of every month that has rows waiting in DEFAULT; a beat task runs it daily and it is
  idempotent;
- `ledger_partitions_list` lists the partitions with their months and rows;
- `ledger_partition_detach` takes one past month out of the ledger, kept as a plain table
  `..._archive_YYYYMM` to dump and drop.

Balances do not move when a month is detached: `JhtBalance` and `KpjBalance` are running
totals written with each posting and never summed from history on read, so the balance and
the dashboard show the same figures before and after. What reads history does see the month
go: the statement, the benefit history (months paid, average wage) and
`ledger_balances_rebuild`, which would then report every card with postings in that month as
different. Detach only months that no benefit and no audit will read again; while an archive
table is in the database, `manage.py rebuild_balances --fix` refuses to run (`ledger_archives`).

Why PostgreSQL's own declarative partitioning and not a kept tool: django-postgres-extra
partitions only tables it creates through its own database engine (`psqlextra.backend`) and
model base class, so it would replace the ENGINE of the whole project and cannot take over
the existing table; pg_partman (Debian `postgresql-15-partman` 4.7) needs a server extension
that the compose `postgres:15` image and many managed servers do not carry, and still leaves
the conversion of the existing table and the moving of DEFAULT rows to the caller. What is
left is three statements per month, here.

Each function runs in one transaction: the DDL of PostgreSQL is transactional, so a month is
created, filled and attached entirely or not at all.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import connection, transaction

from .models import ContributionPosting

_BOUND = re.compile(r"FROM \('(\d{4}-\d{2}-\d{2})'\) TO \('(\d{4}-\d{2}-\d{2})'\)")


class PartitionError(Exception):
    """A partition operation that cannot be done (not PostgreSQL, a month still in use...)."""


@dataclass(frozen=True)
class Partition:
    name: str
    month: datetime.date | None  # None for the DEFAULT partition
    # Exact for DEFAULT (kept small); for a month, PostgreSQL's estimate from its last
    # (auto)analyze, None before the first: counting tens of millions of rows a month would
    # make listing take minutes.
    rows: int | None


PARENT = ContributionPosting._meta.db_table
DEFAULT = f"{PARENT}_default"


def _partition_name(month: datetime.date) -> str:
    return f"{PARENT}_p{month:%Y%m}"


def archive_name(month: datetime.date) -> str:
    return f"{PARENT}_archive_{month:%Y%m}"


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise PartitionError(
            "Partisi buku besar hanya ada di PostgreSQL; basis data ini "
            f"{connection.vendor}. / Ledger partitions exist on PostgreSQL only; this database "
            f"is {connection.vendor}."
        )


def _months_partitioned(cursor) -> set[datetime.date]:
    return {month for month in _bounds(cursor).values() if month is not None}


def _bounds(cursor) -> dict[str, datetime.date | None]:
    """Each partition of the ledger with the month it holds (None: DEFAULT)."""
    cursor.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
        [PARENT],
    )
    bounds = {}
    for name, bound in cursor.fetchall():
        found = _BOUND.search(bound)
        bounds[name] = datetime.date.fromisoformat(found.group(1)) if found else None
    return bounds


def ledger_archives() -> list[str]:
    """The tables of detached months (`archive_name`) still in the database; none off
    PostgreSQL."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE %s "
            "AND relnamespace = current_schema()::regnamespace ORDER BY relname",
            [f"{PARENT}\\_archive\\_%"],
        )
        return [row[0] for row in cursor.fetchall()]


def ledger_partitions_list() -> list[Partition]:
    """The ledger's partitions, oldest month first and DEFAULT last, with their rows."""
    _require_postgresql()
    with connection.cursor() as cursor:
        bounds = _bounds(cursor)
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)",
            [list(bounds)],
        )
        estimates = {name: rows if rows >= 0 else None for name, rows in cursor.fetchall()}
        cursor.execute(f"SELECT count(*) FROM {DEFAULT}")  # noqa: S608 - a fixed name
        estimates[DEFAULT] = cursor.fetchone()[0]
    partitions = [Partition(name, month, estimates[name]) for name, month in bounds.items()]
    return sorted(partitions, key=lambda p: (p.month is None, p.month or datetime.date.min))


@transaction.atomic
def ledger_partitions_ensure(*, today: datetime.date, ahead: int) -> list[datetime.date]:
    """Create the partitions of `today`'s month and the `ahead` months after it, and of every
    month with postings waiting in DEFAULT; returns the months created (none on a second run).

    DEFAULT is locked first (attaching would lock it anyway), so no posting lands there while
    its rows move. Each month is created as a plain table, filled with its rows from DEFAULT
    (moved in one DELETE ... RETURNING; usually none) and attached, because PostgreSQL
    refuses to create a partition whose rows sit in DEFAULT. Attaching builds the month's
    indexes and foreign keys from the parent's.
    """
    _require_postgresql()
    start = today.replace(day=1)
    wanted = {start}
    for _step in range(ahead):
        wanted.add(_next_month(max(wanted)))
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {DEFAULT} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"SELECT DISTINCT month FROM {DEFAULT}")  # noqa: S608 - fixed name
        wanted |= {row[0] for row in cursor.fetchall()}
        created = sorted(wanted - _months_partitioned(cursor))
        for month in created:
            name, following = _partition_name(month), _next_month(month)
            cursor.execute(
                f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            )
            cursor.execute(
                f"WITH moved AS (DELETE FROM {DEFAULT} WHERE month >= %s AND month < %s "  # noqa: S608
                f"RETURNING *) INSERT INTO {name} SELECT * FROM moved",
                [month, following],
            )
            cursor.execute(
                f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)",
                [month, following],
            )
    return created


@transaction.atomic
def ledger_partition_detach(*, month: datetime.date, today: datetime.date) -> str:
    """Take a past month's partition out of the ledger and keep it as `archive_name(month)`.

    Refused for this month and later ones (postings still land there) and for a month
    without its own partition. The archive keeps the rows, indexes and checks but not the
    foreign keys, so it never holds back the cards or participants it names. Balances do not
    move (see the module's docstring). Returns the archive's table name.
    """
    _require_postgresql()
    month = month.replace(day=1)
    if month >= today.replace(day=1):
        raise PartitionError(
            f"Bulan {month:%Y-%m} masih menerima setoran; lepaskan hanya bulan yang sudah "
            f"lewat. / Month {month:%Y-%m} still takes postings; detach only past months."
        )
    name, archive = _partition_name(month), archive_name(month)
    with connection.cursor() as cursor:
        if month not in _months_partitioned(cursor):
            raise PartitionError(
                f"Bulan {month:%Y-%m} tidak punya partisi sendiri; jalankan `ledger_partitions "
                f"list`. / Month {month:%Y-%m} has no partition of its own; see "
                "`ledger_partitions list`."
            )
        # The foreign keys are deferred: checks still pending in the caller's transaction
        # would forbid dropping them from the archive, so they run now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {name}")
        cursor.execute(f"ALTER TABLE {name} RENAME TO {archive}")
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [archive],
        )
        for (constraint,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {archive} DROP CONSTRAINT "{constraint}"')
    return archive

"""Seeding at scale on PostgreSQL: the one place the benchmarks fill the database in bulk.

Everything goes in by COPY (psycopg2's `copy_expert`, fed one generated buffer per batch of
participants, one transaction each): the people, optionally their logins, their KPJ cards,
24 months of JHT postings (2024-2025, each month paid on the 10th of the next, the wage
rising 5 % in 2025) and the running balances those postings add up to, computed from the
same figures, so `KpjBalance` and `JhtBalance` equal the sum of the postings exactly as the
ledger (participants/ledger.py) keeps them. The ledger itself is too slow for this: its bulk
post took 1.7x the time of COPY at 100,000 participants, about half an hour at 1,000,000.

COPY names the parent table only, so it works whether the postings table is a plain heap or
partitioned by month (the partitions for 2024-2025 must exist, as the ledger's own writes
need). Participants, users and cards get their ids here (from the table's highest, so a
second call grows the population) and the sequences are moved past them afterwards.

`benchmarks/balance.py`, `load.py`, `ingest.py` and `scale.py` seed through `seed`.
"""

import datetime
import io
from collections.abc import Iterable, Sequence

from django.db import connection, transaction

D = datetime.date
MONTHS = 24
FIRST_MONTH = D(2024, 1, 1)
BATCH = 10_000
NOW = "2026-01-01 00:00:00+07"
NATIONALITY = "WNI"
ACTIVE_ON = D(2026, 1, 5)  # the day the logins' last visits lead up to


def months(count: int = MONTHS, start: D = FIRST_MONTH) -> list[D]:
    found, month = [], start
    for _ in range(count):
        found.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return found


def card_number(prefix: str, index: int) -> str:
    return f"{prefix}{index:010d}"


def wage(index: int) -> int:
    """A participant's 2024 monthly wage: many distinct values, from Rp 3.0 to 8.2 million."""
    return 3_000_000 + (index % 211) * 25_000


def jht_shares(monthly_wage: int, month: D) -> tuple[int, int]:
    """The (employer 3.7 %, worker 2 %) JHT shares of the wage paid for `month`."""
    paid = monthly_wage * (105 if month.year >= 2025 else 100) // 100
    return paid * 37 // 1000, paid * 2 // 100


def copy(table: str, columns: Sequence[str], lines: Iterable[str]) -> None:
    """COPY csv `lines` (each ending in a newline) into `table`, in the caller's transaction."""
    buffer = io.StringIO("".join(lines))
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer
        )


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - fixed names
        return cursor.fetchone()[0]


PARTICIPANT_COLUMNS = ["id", "created_at", "updated_at", "user_id", "nik", "full_name",
                       "birth_date", "gender", "category", "nationality", "phone", "email",
                       "address", "branch_id"]  # fmt: skip
USER_COLUMNS = ["id", "password", "last_login", "is_superuser", "first_name", "last_name",
                "is_staff", "is_active", "date_joined", "email"]  # fmt: skip
CARD_COLUMNS = ["id", "created_at", "updated_at", "number", "participant_id", "employer_id",
                "status", "joined_on", "left_reason", "link_notified_status"]  # fmt: skip
POSTING_COLUMNS = ["kpj_card_id", "participant_id", "kind", "program", "month",
                   "employer_amount", "worker_amount", "amount", "wage", "paid_on",
                   "posted_at"]  # fmt: skip


def _user_line(uid: int, index: int, active_on: D) -> str:
    """A login that cannot sign in by password (the benchmarks log in with sessions); every
    third one was last seen in the 30 days up to `active_on` (the insights' active users)."""
    joined = FIRST_MONTH + datetime.timedelta(days=index % 700)
    seen = ""
    if index % 3 == 0:
        seen = f"{active_on - datetime.timedelta(days=index % 30)} 09:00:00+07"
    return f'{uid},!,{seen},f,"","",f,t,{joined} 08:00:00+07,peserta-{index}@scale.example\n'


def seed(
    count: int,
    *,
    branch_ids: Sequence[int],
    nik_prefix: str = "32048",
    card_prefix: str = "5",
    employer_id: int | None = None,
    month_count: int = MONTHS,
    with_users: bool = False,
    active_on: D = ACTIVE_ON,
    start: int = 0,
) -> int:
    """Participants `start` .. `start + count - 1` (NIK and card number from the index), spread
    over `branch_ids`, each with one active card (at `employer_id` if given), `month_count`
    months of JHT postings from 2024-01 and their balances, and a login if `with_users`.
    Returns the rows written."""
    paid = {m: (m + datetime.timedelta(days=32)).replace(day=10) for m in months(month_count)}
    shares_cache: dict[int, list[tuple[D, int, int]]] = {}
    base_p = _next_id("participants_participant")
    base_c = _next_id("participants_kpjcard")
    base_u = _next_id("participants_user") if with_users else 0
    employer = "" if employer_id is None else str(employer_id)
    written = 0
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    if month_count and connection.vendor == "postgresql":
        # Each month in its own partition, as the daily beat task keeps them in production:
        # postings seeded into DEFAULT would measure a ledger no deployment has.
        from participants.partitions import ledger_partitions_ensure

        ledger_partitions_ensure(today=FIRST_MONTH, ahead=month_count - 1)
    for first in range(start, start + count, BATCH):
        people, users, cards, postings, card_totals, totals = [], [], [], [], [], []
        for index in range(first, min(first + BATCH, start + count)):
            pid, cid = base_p + index - start, base_c + index - start
            user = ""
            if with_users:
                user = str(base_u + index - start)
                users.append(_user_line(int(user), index, active_on))
            branch = branch_ids[index % len(branch_ids)]
            people.append(f'{pid},{NOW},{NOW},{user},{nik_prefix}{index:011d},Peserta {index},'
                          f'1985-01-01,M,PPU,{NATIONALITY},"","","",{branch}\n')  # fmt: skip
            cards.append(f'{cid},{NOW},{NOW},{card_number(card_prefix, index)},{pid},{employer},'
                         f'active,2024-01-01,"",""\n')  # fmt: skip
            if not month_count:
                continue
            monthly_wage = wage(index)
            shares = shares_cache.get(monthly_wage)
            if shares is None:
                shares = [(m, *jht_shares(monthly_wage, m)) for m in paid]
                shares_cache[monthly_wage] = shares
            balance = 0
            for month, employer_amount, worker_amount in shares:
                amount = employer_amount + worker_amount
                balance += amount
                postings.append(
                    f"{cid},{pid},contribution,JHT,{month},{employer_amount},{worker_amount},"
                    f"{amount},{monthly_wage},{paid[month]},{NOW}\n"
                )
            last = shares[-1][0]
            card_totals.append(f"{cid},{balance},{last},{NOW}\n")
            totals.append(f"{pid},{balance},{month_count},{last},{NOW}\n")
        with transaction.atomic():
            if users:
                copy("participants_user", USER_COLUMNS, users)
            copy("participants_participant", PARTICIPANT_COLUMNS, people)
            copy("participants_kpjcard", CARD_COLUMNS, cards)
            if postings:
                copy("participants_contributionposting", POSTING_COLUMNS, postings)
                copy("participants_kpjbalance", ["kpj_card_id", "balance",
                     "last_contribution_month", "updated_at"], card_totals)  # fmt: skip
                copy("participants_jhtbalance", ["participant_id", "balance", "posting_count",
                     "last_contribution_month", "updated_at"], totals)  # fmt: skip
        written += len(users) + len(people) + len(cards) + len(postings)
        written += len(card_totals) + len(totals)
    with connection.cursor() as cursor:
        for table in ("participants_participant", "participants_kpjcard", "participants_user"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names
                f"(SELECT MAX(id) FROM {table}))"
            )
        # As autovacuum would have by now in production: statistics, and hint bits and the
        # visibility map set, so no measurement after a seed shares the cores with a vacuum of
        # millions of fresh rows or pays for the first reads' hint-bit writes; then a checkpoint,
        # so the checkpointer does not flush those pages during the measurement either.
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")
    return written

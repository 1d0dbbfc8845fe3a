"""JHT balance benchmarks (issue 3).

1. History length: the cek saldo page and API for a participant with 12 months of postings
   against one with 600 months: same query count, time ratio <= 1.2 expected.
2. Scale: seed N participants x 24 months of JHT postings (PostgreSQL: 100,000 participants,
   2.4 M postings; SQLite at a smaller, printed scale), report rows/s, then the balance page
   p50/p99 over 1,000 random participants against `hello`.

On PostgreSQL everything is seeded by COPY (benchmarks/seeding.py: the postings and the running
balances they add up to); on SQLite the postings and balances go through the ledger's bulk post.
"""

import datetime
import logging
import os
import random
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks import seeding
from benchmarks.harness import time_get

D = datetime.date
MONTHS = seeding.MONTHS
SAMPLE = 1_000
EPOCH = D(2000, 1, 1)
PAID_ON = D(2026, 1, 10)  # the SQLite seed's 24 months (2024-2025), as one late payment


def _post_jht(cards: list[tuple[int, int, int, int]], months, *, paid_on) -> int:
    """Each (card, participant, employer, worker) share paid for every month, in one bulk
    post through the ledger (postings and running balances); returns the postings written."""
    from participants.ledger import ContributionLine, ledger_contributions_post_bulk

    lines = [
        ContributionLine(card_id=card, participant_id=pid, month=month, program="JHT",
                         employer=employer, worker=worker)
        for card, pid, employer, worker in cards
        for month in months
    ]  # fmt: skip
    ledger_contributions_post_bulk(lines=lines, paid_on=paid_on)
    return len(lines)


def _participant_with_history(branch, index: int, months: int):
    from participants.models import KpjCard, Participant, User

    user = User.objects.create_user(email=f"bench-history-{index}@bench.example")
    participant = Participant.objects.create(
        user=user, nik=f"32049900{index:08d}", full_name=f"Bench {index}",
        birth_date=D(1980, 1, 1), gender="M", category="PPU", branch=branch,
    )  # fmt: skip
    card = KpjCard.objects.create(
        number=f"9{index:010d}", participant=participant, joined_on=D(2000, 1, 1)
    )
    for month in seeding.months(months, EPOCH):  # one report a month, paid in that month
        _post_jht([(card.pk, participant.pk, 185_000, 100_000)], [month], paid_on=month)
    return user


def history_length(baseline: dict) -> None:
    from core.models import Branch

    branch = Branch.objects.first()
    print("\n== Cek saldo: 12 vs 600 months of postings ==")
    users = {months: _participant_with_history(branch, months, months) for months in (12, 600)}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would have by now in production
    clients = {}
    for months in (12, 600):
        clients[months] = Client()
        clients[months].force_login(users[months])
    for label, url in (("page /balance/", "/balance/"), ("API /api/v1/me/balance",
                                                         "/api/v1/me/balance")):  # fmt: skip
        # Interleaved samples, so load from other processes hits both sides alike.
        samples = {12: [], 600: []}
        for _ in range(20):
            for months in (12, 600):
                clients[months].get(url)
        for _ in range(300):
            for months in (12, 600):
                start = time.perf_counter()
                response = clients[months].get(url)
                samples[months].append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
        queries = {}
        for months in (12, 600):
            with CaptureQueriesContext(connection) as captured:
                clients[months].get(url)
            queries[months] = len(captured)
        short = statistics.median(samples[12]) * 1000
        long = statistics.median(samples[600]) * 1000
        print(
            f"{label:<26} 12 months {short:.2f} ms ({queries[12]} queries)  "
            f"600 months {long:.2f} ms ({queries[600]} queries)  "
            f"ratio {long / short:.2f} (target <= 1.2)  "
            f"vs hello {long / baseline['p50_ms']:.1f}x"
        )


def _seed_postgres(count: int, branch_id: int) -> int:
    return seeding.seed(count, branch_ids=[branch_id])


def _seed_orm(count: int, branch) -> int:
    from participants.models import KpjCard, Participant

    months = seeding.months()
    participants = Participant.objects.bulk_create(
        Participant(nik=f"32048{i:011d}", full_name=f"Peserta {i}", birth_date=D(1985, 1, 1),
                    gender="M", category="PPU", branch=branch)
        for i in range(count)
    )  # fmt: skip
    cards = KpjCard.objects.bulk_create(
        KpjCard(number=f"5{i:010d}", participant=p, joined_on=D(2024, 1, 1))
        for i, p in enumerate(participants)
    )
    postings = _post_jht(
        [(c.pk, c.participant_id, 190_000, 95_000) for c in cards], months, paid_on=PAID_ON
    )
    return 4 * len(participants) + postings  # participants, cards, 2 balances, postings


def scale(baseline: dict) -> None:
    from core.models import Branch
    from participants.models import Participant, User

    postgres = connection.vendor == "postgresql"
    default = 100_000 if postgres else 2_000
    count = int(os.environ.get("BENCH_PARTICIPANTS", default))
    if count <= 0:
        print("\n(seed-at-scale skipped: BENCH_PARTICIPANTS=0)")
        return
    branch = Branch.objects.first()
    how = "COPY" if postgres else "ledger bulk post"
    print(
        f"\n== Seed {count:,} participants x {MONTHS} months of postings "
        f"({connection.vendor}, {how}{'' if postgres else '; smaller scale on SQLite'}) =="
    )
    started = time.perf_counter()
    rows = _seed_postgres(count, branch.pk) if postgres else _seed_orm(count, branch)
    elapsed = time.perf_counter() - started
    print(f"inserted {rows:,} rows in {elapsed:.1f} s = {rows / elapsed:,.0f} rows/s")

    rng = random.Random(3)  # noqa: S311 - a benchmark sample, not security
    ids = list(Participant.objects.filter(nik__startswith="32048").values_list("pk", flat=True))
    sample = rng.sample(ids, min(SAMPLE, len(ids)))
    users = User.objects.bulk_create(
        User(email=f"bench-{pid}@bench.example", password="!")  # noqa: S106 - unusable
        for pid in sample
    )
    for user, pid in zip(users, sample, strict=True):
        Participant.objects.filter(pk=pid).update(user=user)
    client = Client()
    samples = []
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # one line per login
    for user in users:
        client.force_login(user)
        start = time.perf_counter()
        response = client.get("/balance/")
        samples.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"/balance/ answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get("/balance/")
    last_count = len(queries)
    samples.sort()
    p50 = statistics.median(samples) * 1000
    p99 = samples[int(len(samples) * 0.99) - 1] * 1000
    hello = time_get(Client(), "/bench/hello")
    print(
        f"balance page over {len(samples):,} random participants: p50 {p50:.2f} ms, "
        f"p99 {p99:.2f} ms, {last_count} queries"
    )
    print(
        f"hello (same run): p50 {hello['p50_ms']:.2f} ms -> balance/hello ratio "
        f"{p50 / hello['p50_ms']:.1f}x (earlier baseline {baseline['p50_ms']:.2f} ms)"
    )

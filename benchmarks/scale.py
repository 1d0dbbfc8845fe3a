"""`make bench-scale`: 1,000,000 participants, measured against 100,000 in one run (issue 21).

PostgreSQL only (DATABASE_URL=postgres://...): a throwaway test database is created and dropped.
It is seeded by COPY (benchmarks/seeding.py) with BENCH_SCALE_SMALL participants (default
100,000) across 325 branches, each with a login, a KPJ card at one employer, 24 months of JHT
postings and the balances they add up to; measured; grown to BENCH_SCALE_PARTICIPANTS
(default 1,000,000; 24 M postings) and measured again:

- dashboard and cek saldo: server CPU per request, i.e. this process's CPU time (Django, the
  test Client's request handling, the cache client) plus that of its PostgreSQL backend
  (/proc), over BENCH_SCALE_PAGE_SAMPLE (default 500) random participants' first views each
  (logged in beforehand, the cache emptied first, so every view renders): 1M / 100k <= 1.10;
- a contribution report of one row per participant (100,000 rows, then 1,000,000), end to
  end through the partner API, against the COPY of the same postings (benchmarks/ingest.py):
  >= 40 % of COPY's rate;
- the insights nightly job (`insights_aggregate_day`) for one day;
- and once, with no database: the scheduler on BENCH_SCALE_REQUESTS (default 100,000)
  requests x 325 branches x 20 working days, its objective over the LP lower bound (1.0000 is
  the optimum) and its time (< 60 s).

Develop at a small size, e.g. BENCH_SCALE_SMALL=2000 BENCH_SCALE_PARTICIPANTS=20000
BENCH_SCALE_REQUESTS=5000. The machine's other processes count in every figure.
"""

import datetime
import os
import random
import sys
import time

from django.db import connection

from benchmarks import seeding

BRANCHES = 325
EMPLOYER = "BENCH-SCALE"
INSIGHTS_DAY = datetime.date(2026, 1, 5)
PAGES = (("dashboard", "/dashboard/"), ("balance", "/balance/"))
CPU_TARGET = 1.10
INGEST_TARGET = 0.40
SCHEDULER_SECONDS = 60


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _backend_cpu_seconds() -> tuple[int, float]:
    from benchmarks.load import _cpu_seconds

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return pid, _cpu_seconds({pid})


def page_cpu(url: str, participant_ids: list[int]) -> float:
    """Server CPU milliseconds per first view of `url`, one view per participant."""
    from django.core.cache import cache
    from django.test import Client

    from participants.models import Participant

    users = [p.user for p in Participant.objects.select_related("user").filter(
        pk__in=participant_ids)]  # fmt: skip
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    cache.clear()
    warm, measured = clients[:20], clients[20:]
    for client in warm:  # templates, URL resolvers, the first queries' plans
        client.get(url)
    pid, backend_before = _backend_cpu_seconds()
    process_before = time.process_time()
    for client in measured:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    process = time.process_time() - process_before
    pid_after, backend_after = _backend_cpu_seconds()
    if pid_after != pid:
        raise RuntimeError("the database connection changed during the measurement")
    backend = backend_after - backend_before
    print(f"{url}: {1000 * process / len(measured):.2f} ms in this process, "
          f"{1000 * backend / len(measured):.2f} ms in PostgreSQL", flush=True)  # fmt: skip
    return 1000 * (process + backend) / len(measured)


def _sample(size: int, count: int) -> list[int]:
    from participants.models import Participant

    ids = list(
        Participant.objects.filter(nik__startswith="32048", user__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    return random.Random(size).sample(ids, min(size + 20, len(ids)))  # noqa: S311 - a sample


def _insights_seconds() -> float:
    from insights.aggregation import insights_aggregate_day

    started = time.perf_counter()
    insights_aggregate_day(day=INSIGHTS_DAY)
    return time.perf_counter() - started


def measure(count: int, employer, month: str, page_sample: int) -> dict:
    """The figures at the current population of `count` participants."""
    from benchmarks import ingest

    print(f"\n== {count:,} participants: pages ==", flush=True)
    figures = {}
    for name, url in PAGES:
        figures[f"{name}_cpu"] = page_cpu(url, _sample(page_sample, count))
        print(f"{name}: {figures[f'{name}_cpu']:.2f} ms server CPU per request", flush=True)
    figures["insights"] = _insights_seconds()
    print(f"insights_aggregate_day: {figures['insights']:.2f} s", flush=True)
    numbers = [seeding.card_number("5", i) for i in range(count)]
    print(f"\n== {count:,} participants: a {count:,}-row contribution report ==", flush=True)
    found = ingest.measure(employer, numbers, month)
    figures["ingest_rate"] = found["rows"] / found["seconds"]
    figures["copy_rate"] = found["rows"] / found["copy_seconds"]
    figures["ingest_ratio"] = found["ratio"]
    return figures


def _seed(start: int, stop: int, branch_ids: list[int], employer_id: int) -> float:
    started = time.perf_counter()
    rows = seeding.seed(
        stop - start, start=start, branch_ids=branch_ids, employer_id=employer_id,
        with_users=True, active_on=INSIGHTS_DAY,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    print(f"seeded participants {start:,}..{stop - 1:,}: {rows:,} rows in {elapsed:.0f} s "
          f"({rows / elapsed:,.0f} rows/s)", flush=True)  # fmt: skip
    return elapsed


def run(*, small: int, large: int, page_sample: int, requests: int) -> list[tuple]:
    """Seed, measure, grow, measure, schedule; prints the table and returns its rows."""
    from benchmarks import scheduling
    from core.models import Branch
    from participants.models import Employer

    branches = Branch.objects.bulk_create(
        Branch(code=f"scale-{n}", name=f"KCP Skala {n}", address="Jakarta") for n in range(BRANCHES)
    )
    branch_ids = [branch.pk for branch in branches]
    employer = Employer.objects.create(
        registration_number=EMPLOYER, name="PT Skala", jkk_risk_class=2, branch=branches[0]
    )
    seconds = {"small": _seed(0, small, branch_ids, employer.pk)}
    at_small = measure(small, employer, "2026-01", page_sample)
    seconds["large"] = seconds["small"] + _seed(small, large, branch_ids, employer.pk)
    at_large = measure(large, employer, "2026-02", page_sample)
    print(f"\n== scheduler: {requests:,} requests x {BRANCHES} branches x "
          f"{scheduling.WORKING_DAYS} days ==", flush=True)  # fmt: skip
    plan = scheduling.optimum(requests=requests, branches=BRANCHES)
    print(f"scheduler {plan['seconds']:.1f} s, lower bound {plan['bound_seconds']:.1f} s, "
          f"{len(plan['plan'].assignments):,} placed", flush=True)  # fmt: skip

    def pair(key, fmt="{:.2f}"):
        return (fmt.format(at_small[key]), fmt.format(at_large[key]),
                f"{at_large[key] / at_small[key]:.2f}")  # fmt: skip

    def cpu(key):
        return at_large[key] / at_small[key] <= CPU_TARGET

    ingest_ok = at_large["ingest_ratio"] >= INGEST_TARGET
    rows = [
        ("seed by COPY (s, cumulative)", f"{seconds['small']:.0f}", f"{seconds['large']:.0f}",
         f"{seconds['large'] / seconds['small']:.2f}", "-", None),
        ("dashboard server CPU (ms/request)", *pair("dashboard_cpu"),
         f"ratio <= {CPU_TARGET:.2f}", cpu("dashboard_cpu")),
        ("balance server CPU (ms/request)", *pair("balance_cpu"),
         f"ratio <= {CPU_TARGET:.2f}", cpu("balance_cpu")),
        ("report ingest (rows/s)", *pair("ingest_rate", "{:,.0f}"), "-", None),
        ("COPY of the same postings (rows/s)", *pair("copy_rate", "{:,.0f}"), "-", None),
        ("report ingest / COPY", *pair("ingest_ratio", "{:.0%}"),
         f">= {INGEST_TARGET:.0%} (larger)", ingest_ok),
        ("insights_aggregate_day, one day (s)", *pair("insights"), "-", None),
        (f"scheduler {requests:,} x {BRANCHES} x 20 (s)", "-", f"{plan['seconds']:.1f}", "-",
         f"< {SCHEDULER_SECONDS}", plan["seconds"] < SCHEDULER_SECONDS),
        ("scheduler objective / lower bound", "-", f"{plan['ratio']:.4f}", "-", "1.0000",
         round(plan["ratio"], 4) == 1.0),
    ]  # fmt: skip
    print(f"\n== Scale: {small:,} vs {large:,} participants (PostgreSQL; other processes were "
          "running on these cores) ==")  # fmt: skip
    header = ("metric", f"{small:,}", f"{large:,}", "ratio", "target", "result")
    widths = (38, 12, 12, 7, 20, 7)
    print("".join(f"{h:<{w}}" for h, w in zip(header, widths, strict=True)))
    for row in rows:
        verdict = {True: "pass", False: "FAIL", None: "-"}[row[5]]
        print("".join(f"{str(c):<{w}}" for c, w in zip((*row[:5], verdict), widths, strict=True)))
    return rows


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jmo_portal.settings.test")
    import django

    django.setup()
    if connection.vendor != "postgresql":
        print("make bench-scale needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name "
              "(a throwaway test database is created next to it and dropped afterwards).",
              file=sys.stderr)  # fmt: skip
        return 2
    import logging

    from django.conf import settings
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(small=_setting("BENCH_SCALE_SMALL", 100_000),
            large=_setting("BENCH_SCALE_PARTICIPANTS", 1_000_000),
            page_sample=_setting("BENCH_SCALE_PAGE_SAMPLE", 500),
            requests=_setting("BENCH_SCALE_REQUESTS", 100_000))  # fmt: skip
    finally:
        connection.close()
        connection.creation.destroy_test_db(test_db, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())

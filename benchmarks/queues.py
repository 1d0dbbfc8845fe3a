"""Queues that do not starve each other (issue 21): how long a participant's upload waits for
its verification while a 100,000-row contribution import runs, on real worker processes.

`make bench-queues` (`python -m benchmarks.queues`), apart from `make bench` for its time
(about 6 minutes). Needs PostgreSQL (DATABASE_URL; a test database is created and dropped)
and Redis (CELERY_BROKER_URL; its queues are emptied).

Each phase starts real `celery worker` processes, then makes BENCH_QUEUES_UPLOADS uploads
(default 30), one every BENCH_QUEUES_INTERVAL seconds (1.0; one check takes about 0.45 s here),
through `document_upload` (the service call that stores the file and queues its verification
on commit). The time of one is from the call to the worker's `finished_at` on the document;
the p95 over all is the figure.

- per-queue pools, as docker-compose.yml runs them: a `documents` pool and an `imports` pool,
  concurrency 1 each.
- one shared queue, as before: every task sent to `default` (the routes switched off in this
  process) and one pool of BENCH_QUEUES_SHARED_CONCURRENCY processes (2: the same process
  count, and what the compose file ran).

Each is measured idle, while one partner's BENCH_QUEUES_IMPORT_ROWS-row report (100,000) is
being imported (posted to the partner API, which queues the import on commit; the uploads
start once a worker has claimed it), and on a payroll day: two such reports, as many as the
shared pool has processes. Target: per-queue pools, p95 with one import <= 2x idle.

An import is never waited for: the pools are killed after the uploads (a report stays
`processing`, the throwaway database goes). Each phase prints how many imports were still
running or queued when the last upload was verified, so every upload was measured under them.
"""

import contextlib
import datetime
import json
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jmo_portal.settings.test")

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from jmo_portal.celery import app as celery_app  # noqa: E402

UPLOADS = int(os.environ.get("BENCH_QUEUES_UPLOADS", 30))
INTERVAL = float(os.environ.get("BENCH_QUEUES_INTERVAL", 1.0))
IMPORT_ROWS = int(os.environ.get("BENCH_QUEUES_IMPORT_ROWS", 100_000))
SHARED_CONCURRENCY = int(os.environ.get("BENCH_QUEUES_SHARED_CONCURRENCY", 2))
ROUTED_POOLS = [(["documents"], 1), (["imports"], 1)]
# Idle, the one import, and a payroll day: as many imports as the shared pool has
# processes, which is when one shared queue makes a KTP check wait.
LOADS = {"idle": 0, "1 import": 1, "2 imports": 2}
MONTHS = iter(f"2026-{month:02d}" for month in range(2, 13))  # a fresh month per import


@contextlib.contextmanager
def _one_shared_queue():
    """Every task this process sends goes to CELERY_TASK_DEFAULT_QUEUE, as before the routes
    (the uploads and the report are sent from here; their tasks send nothing measured)."""
    routes = celery_app.conf.task_routes

    def use(table):
        celery_app.conf.task_routes = table
        celery_app.amqp.flush_routes()
        del celery_app.amqp.router  # a cached Router keeps the table it was built with

    use({})
    try:
        yield
    finally:
        use(routes)


def _forget_broker_messages() -> None:
    """Queued and unacknowledged messages of killed workers would outlive the database."""
    celery_app.control.purge()
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2)
    broker.delete("unacked", "unacked_index", "unacked_mutex")


def _submit_import(key: str, numbers: list[str]) -> int:
    """The partner's POST of a report as large as IMPORT_ROWS, for a month of its own; the
    answer is 202 and the import task is queued on commit."""
    from benchmarks.ingest import _wage

    month = next(MONTHS)
    rows = [{"kpj": n, "month": month, "wage": _wage(i)} for i, n in enumerate(numbers)]
    response = Client().post(
        "/api/v1/employers/me/contributions",
        data=json.dumps({"rows": rows}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    if response.status_code != 202:
        raise RuntimeError(f"the report answered {response.status_code}, not 202 (queued)")
    return response.json()["id"]


def _wait_claimed(report_ids: list[int], slots: int) -> None:
    """Until as many reports as the pools have processes for imports are being imported."""
    from partners.models import ContributionReport

    open_statuses = {ContributionReport.Status.QUEUED, ContributionReport.Status.PROCESSING}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        statuses = list(
            ContributionReport.objects.filter(pk__in=report_ids).values_list("status", flat=True)
        )
        if set(statuses) - open_statuses:
            raise RuntimeError(f"reports {report_ids} are {statuses} before the uploads")
        if statuses.count(ContributionReport.Status.PROCESSING) >= min(slots, len(report_ids)):
            return
        time.sleep(0.1)
    raise RuntimeError(f"the workers did not claim reports {report_ids} in 60 s")


def _uploads(owners) -> list[float]:
    """Seconds from each upload call to its document's verification by the worker."""
    from documents.models import Document
    from documents.services import document_upload
    from tests.documents.files import upload

    started = {}
    first = time.monotonic()
    for i, owner in enumerate(owners):
        time.sleep(max(0.0, first + i * INTERVAL - time.monotonic()))
        called = timezone.now()
        document = document_upload(owner=owner, kind="ktp", upload=upload(), actor=None)
        started[document.pk] = called
    deadline = time.monotonic() + 600
    while True:
        documents = list(Document.objects.filter(pk__in=started))
        if all(document.is_final for document in documents):
            break
        if time.monotonic() > deadline:
            raise RuntimeError("uploads still unverified after 10 minutes")
        time.sleep(0.1)
    refused = [d.pk for d in documents if d.status != Document.Status.VERIFIED]
    if refused:
        raise RuntimeError(f"documents {refused} ended unverified: the figure would be wrong")
    return [(d.finished_at - started[d.pk]).total_seconds() for d in documents]


def _end_orphan_queries() -> None:
    """A killed import's query runs on in its server process until it next writes to the dead
    client: it would load the next phase and keep the database from being dropped."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def _phase(pools, owners, *, imports: int = 0, partner=None, slots: int = 1) -> dict:
    """The uploads on fresh `pools` ([(queues, concurrency)]), with `imports` reports posted
    by `partner` (key, card numbers) and claimed first; `slots` processes take imports."""
    from partners.models import ContributionReport
    from tests.workers import WorkerProcess

    workers = [WorkerProcess(queues=queues, concurrency=concurrency, quiet=True)
               for queues, concurrency in pools]  # fmt: skip
    try:
        for worker in workers:
            worker.start()
        report_ids = [_submit_import(*partner) for _ in range(imports)]
        if report_ids:
            _wait_claimed(report_ids, slots)
        times = _uploads(owners)
        reports = list(ContributionReport.objects.filter(pk__in=report_ids))
    finally:
        for worker in workers:
            worker.kill()
        _forget_broker_messages()
        _end_orphan_queries()
    failed = [r.pk for r in reports if r.is_final and r.status != ContributionReport.Status.POSTED]
    if failed:
        raise RuntimeError(f"imports {failed} were refused: the load was not what it says")
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": statistics.quantiles(times, n=100, method="inclusive")[94],
        "max": times[-1],
        "running": sum(r.status == ContributionReport.Status.PROCESSING for r in reports),
        "queued": sum(r.status == ContributionReport.Status.QUEUED for r in reports),
    }


def _seed_import(count: int) -> tuple[str, list[str]]:
    """`count` workers with a card at one employer (COPY) and the employer's partner key."""
    from benchmarks.ingest import _seed
    from core.models import Branch
    from participants.models import Employer
    from partners.auth import partner_credential_create

    branch = Branch.objects.first()
    employer = Employer.objects.create(
        registration_number="BENCH-QUEUES", name="PT Antrean", jkk_risk_class=2, branch=branch
    )
    numbers = _seed(count, employer, branch.pk)
    _credential, key = partner_credential_create(
        employer=employer, name="bench", scopes=["contributions:write"],
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )  # fmt: skip
    return key, numbers


def run() -> dict:
    from participants.models import Participant
    from tests.documents.files import upload

    celery_app.conf.task_always_eager = False
    partner = _seed_import(IMPORT_ROWS)
    setups = {
        "per-queue pools (documents 1, imports 1)": (ROUTED_POOLS, 1, contextlib.nullcontext),
        f"one shared queue (1 pool of {SHARED_CONCURRENCY})": (
            [(["default"], SHARED_CONCURRENCY)], SHARED_CONCURRENCY, _one_shared_queue,
        ),
    }  # fmt: skip
    people = iter(Participant.objects.order_by("pk")[: len(setups) * len(LOADS) * UPLOADS])
    upload()  # the noise image is encoded once, before any clock runs
    _forget_broker_messages()
    results = {}
    for setup, (pools, slots, routing) in setups.items():
        with routing():
            for load, imports in LOADS.items():
                owners = [next(people) for _ in range(UPLOADS)]
                results[setup, load] = _phase(
                    pools, owners, imports=imports, partner=partner, slots=slots
                )
    _report(results)
    return results


def _report(results: dict) -> None:
    print(
        f"\n== Queues: upload -> verified document, {UPLOADS} uploads every {INTERVAL} s, "
        f"while {IMPORT_ROWS:,}-row contribution imports run (PostgreSQL, Redis, real workers) =="
    )
    print(f"{'setup':<42}{'load':<11}{'p50 s':>7}{'p95 s':>7}{'max s':>7}"
          f"  imports at the end")  # fmt: skip
    for (setup, load), row in results.items():
        state = f"{row['running']} running, {row['queued']} queued" if LOADS[load] else "-"
        print(f"{setup:<42}{load:<11}{row['p50']:>7.2f}{row['p95']:>7.2f}{row['max']:>7.2f}"
              f"  {state}")  # fmt: skip
    for setup in dict.fromkeys(setup for setup, _load in results):
        idle = results[setup, "idle"]["p95"]
        for load in list(LOADS)[1:]:
            ratio = results[setup, load]["p95"] / idle
            target = " (target <= 2.00)" if load == "1 import" and "per-queue" in setup else ""
            print(f"{setup}, {load}: p95 / idle p95 = {ratio:.2f}{target}")


def main() -> None:
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise SystemExit("benchmarks.queues needs PostgreSQL: set DATABASE_URL=postgres://...")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        raise SystemExit("benchmarks.queues needs Redis: set CELERY_BROKER_URL=redis://...")
    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        run()
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()

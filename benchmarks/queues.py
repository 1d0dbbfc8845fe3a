"""Queues that do not starve each other (issue 21): how long a participant's upload waits for
its verification while a 100,000-row contribution import runs, on real worker processes.

`make bench-queues` (`python -m benchmarks.queues`), apart from `make bench` for its time
(about 3 minutes). Needs PostgreSQL (DATABASE_URL; a test database is created and dropped)
and Redis (CELERY_BROKER_URL; its queues are emptied).

Each phase starts real `celery worker` processes, then makes BENCH_QUEUES_UPLOADS uploads
(default 30), one every BENCH_QUEUES_INTERVAL seconds (1.0; one check takes about 0.45 s here),
through `document_upload` (the service call that stores the file and queues its verification
on commit). The time of one is from the call to the worker's `finished_at` on the document;
the p95 over all is the figure.

- per-queue pools, as docker-compose.yml runs them: a `documents` pool and an `imports` pool,
  concurrency 1 each; idle, then while a partner's 100,000-row report (posted to the partner
  API, which queues the import on commit) is being imported. Target: p95 under import <= 2x idle.
- one shared queue (every task sent to `default`, the routes switched off in this process) and
  one pool of BENCH_QUEUES_SHARED_CONCURRENCY processes (2: the same process count, and what the
  compose file ran before the split), the same two phases.

The import is never waited for: its pool is killed after the uploads (the report stays
`processing`, the throwaway database goes). Each phase says whether the import was still
running when the last upload was verified, so every upload was measured under it.
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
    """The partner's POST of a report as large as IMPORT_ROWS; returns the report's id once a
    worker has claimed it (the import is then running)."""
    from benchmarks.ingest import _wage
    from partners.models import ContributionReport

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
    report_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = ContributionReport.objects.get(pk=report_id).status
        if status == ContributionReport.Status.PROCESSING:
            return report_id
        if status != ContributionReport.Status.QUEUED:
            raise RuntimeError(f"report {report_id} is {status} before the uploads")
        time.sleep(0.1)
    raise RuntimeError(f"no worker claimed report {report_id} in 60 s")


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


def _phase(pools, owners, *, import_from: tuple[str, list[str]] | None) -> dict:
    from partners.models import ContributionReport
    from tests.workers import WorkerProcess

    workers = [WorkerProcess(queues=queues, concurrency=concurrency, quiet=True)
               for queues, concurrency in pools]  # fmt: skip
    try:
        for worker in workers:
            worker.start()
        report_id = _submit_import(*import_from) if import_from else None
        times = _uploads(owners)
        still_running = None
        if report_id:
            report = ContributionReport.objects.get(pk=report_id)
            still_running = not report.is_final
            if report.is_final and report.status != ContributionReport.Status.POSTED:
                raise RuntimeError(f"the import ended {report.status}: {report.result}")
    finally:
        for worker in workers:
            worker.kill()
        _forget_broker_messages()
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": statistics.quantiles(times, n=100, method="inclusive")[94],
        "max": times[-1],
        "still_running": still_running,
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

    celery_app.conf.task_always_eager = False
    key, numbers = _seed_import(IMPORT_ROWS)
    people = iter(Participant.objects.order_by("pk")[: 4 * UPLOADS])
    owners = [[next(people) for _ in range(UPLOADS)] for _ in range(4)]
    from tests.documents.files import upload

    upload()  # the noise image is encoded once, before any clock runs
    shared = [(["default"], SHARED_CONCURRENCY)]
    results = {}
    _forget_broker_messages()
    results["routed", "idle"] = _phase(ROUTED_POOLS, owners[0], import_from=None)
    results["routed", "import"] = _phase(ROUTED_POOLS, owners[1], import_from=(key, numbers))
    with _one_shared_queue():
        results["shared", "idle"] = _phase(shared, owners[2], import_from=None)
        results["shared", "import"] = _phase(shared, owners[3], import_from=(key, numbers))
    _report(results)
    return results


def _report(results: dict) -> None:
    labels = {
        "routed": "per-queue pools (documents 1, imports 1)",
        "shared": f"one shared queue (1 pool of {SHARED_CONCURRENCY})",
    }
    print(
        f"\n== Queues: upload -> verified document, {UPLOADS} uploads every {INTERVAL} s; "
        f"load: a {IMPORT_ROWS:,}-row contribution import (PostgreSQL, Redis, real workers) =="
    )
    print(f"{'setup':<42}{'load':<8}{'p50 s':>8}{'p95 s':>8}{'max s':>8}  import still running")
    for (setup, load), row in results.items():
        running = {None: "-", True: "yes", False: "NO (finished early)"}[row["still_running"]]
        print(f"{labels[setup]:<42}{load:<8}{row['p50']:>8.2f}{row['p95']:>8.2f}"
              f"{row['max']:>8.2f}  {running}")  # fmt: skip
    for setup in ("routed", "shared"):
        ratio = results[setup, "import"]["p95"] / results[setup, "idle"]["p95"]
        target = " (target <= 2.00)" if setup == "routed" else ""
        print(f"{labels[setup]}: p95 under import / idle = {ratio:.2f}{target}")


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

"""Contribution report ingest (issue 8): a 100,000-row report end to end, against COPY.

End to end = the partner's POST (JSON parsing, shape check, the stored report, 202) and the
task that checks every row against the cards, the ledger and the dated rules, then writes
the postings (bulk_create) and the balances (grouped UPDATE ... FROM). The task runs eagerly
on commit here, so the POST returns when the report is posted; the clock stops then.

Then the same postings are read back, deleted, and written again by a raw `COPY` into the same
table in the same run: the ratio of the two rates is the figure (target >= 25 % of COPY).

BENCH_INGEST_ROWS sets the row count (default 100,000 on PostgreSQL, 5,000 on SQLite, where
there is no COPY to compare with); 0 skips it.
"""

import datetime
import io
import json
import logging
import os
import time

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from benchmarks import seeding

POSTING_COLUMNS = seeding.POSTING_COLUMNS
MONTH = "2026-01"


def _wage(i: int) -> int:
    return 4_000_000 + (i % 997) * 7_000  # many distinct wages: no free ride on the rule memo


def _seed(count: int, employer, branch_id: int) -> list[str]:
    """`count` workers with a card at `employer`: COPY on PostgreSQL, bulk_create elsewhere."""
    from participants.models import KpjCard, Participant

    numbers = [seeding.card_number("8", i) for i in range(count)]
    if connection.vendor == "postgresql":
        seeding.seed(count, branch_ids=[branch_id], nik_prefix="33017", card_prefix="8",
                     employer_id=employer.pk, month_count=0)  # fmt: skip
        return numbers
    people = Participant.objects.bulk_create(
        Participant(nik=f"33017{i:011d}", full_name=f"Pekerja {i}", birth_date="1990-01-01",
                    gender="M", category="PPU", branch_id=branch_id)
        for i in range(count)
    )  # fmt: skip
    KpjCard.objects.bulk_create(
        KpjCard(number=numbers[i], participant=p, employer=employer, joined_on="2024-01-01")
        for i, p in enumerate(people)
    )
    return numbers


def _copy_same_postings(card_ids_from: int, month: str) -> tuple[int, float]:
    """Read the report's postings out, delete them, COPY them back in; the COPY is timed."""
    buffer = io.StringIO()
    first_day = datetime.date.fromisoformat(f"{month}-01")
    where = (f"kpj_card_id >= {int(card_ids_from)} AND kind = 'contribution' "
             f"AND month = '{first_day}'")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY (SELECT {', '.join(POSTING_COLUMNS)} FROM participants_contributionposting "  # noqa: S608
            f"WHERE {where}) TO STDOUT WITH (FORMAT csv)",
            buffer,
        )
        lines = buffer.getvalue().splitlines(keepends=True)
        cursor.execute(f"DELETE FROM participants_contributionposting WHERE {where}")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE participants_contributionposting")
    started = time.perf_counter()
    with transaction.atomic():
        seeding.copy("participants_contributionposting", POSTING_COLUMNS, lines)
    return len(lines), time.perf_counter() - started


def main() -> None:
    from core.models import Branch
    from participants.models import Employer

    postgres = connection.vendor == "postgresql"
    count = int(os.environ.get("BENCH_INGEST_ROWS", 100_000 if postgres else 5_000))
    if count <= 0:
        print("\n(ingest skipped: BENCH_INGEST_ROWS=0)")
        return
    print(f"\n== Contribution report ingest: {count:,} rows, end to end ({connection.vendor}) ==")
    branch = Branch.objects.first()
    employer = Employer.objects.create(
        registration_number="BENCH-INGEST", name="PT Bench", jkk_risk_class=2, branch=branch
    )
    measure(employer, _seed(count, employer, branch.pk), MONTH)


def measure(employer, numbers: list[str], month: str) -> dict:
    """One report of a row per card number for `month`, posted by `employer`'s partner key and
    timed end to end, then (PostgreSQL) the COPY of the same postings; prints and returns the
    figures: rows, seconds, copy_seconds, ratio (ingest rate over COPY's)."""
    from participants.models import KpjCard
    from partners.auth import partner_credential_create
    from partners.models import ContributionReport
    from partners.tasks import contribution_report_process_task

    count = len(numbers)
    first_card = KpjCard.objects.get(number=numbers[0]).pk
    _credential, key = partner_credential_create(
        employer=employer, name="bench", scopes=["contributions:write"],
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )  # fmt: skip
    client = Client()
    # Warm up (URLconf import, key lookup) as a running server would be; its 404 is expected.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    client.get("/api/v1/employers/me/contributions/0", HTTP_AUTHORIZATION=f"Bearer {key}")
    logging.getLogger("django.request").setLevel(logging.NOTSET)
    # More rows than one report takes (CONTRIBUTIONS_MAX_ROWS) go as several reports, one
    # after the other, as the API's refusal tells the partner to send them.
    per_report = settings.CONTRIBUTIONS_MAX_ROWS
    elapsed, postings, size = 0.0, 0, 0
    for first in range(0, count, per_report):
        rows = [{"kpj": n, "month": month, "wage": _wage(first + i)}
                for i, n in enumerate(numbers[first : first + per_report])]  # fmt: skip
        body = json.dumps({"rows": rows})
        size += len(body)
        started = time.perf_counter()
        response = client.post(
            "/api/v1/employers/me/contributions",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        if response.status_code not in (201, 202):
            raise RuntimeError(f"ingest answered {response.status_code}: {response.content[:500]}")
        report = ContributionReport.objects.order_by("-pk").first()
        if not report.is_final:  # a broker without eager tasks: run it here, still on the clock
            contribution_report_process_task.apply(args=[report.pk])
            report.refresh_from_db()
        elapsed += time.perf_counter() - started
        if report.status != ContributionReport.Status.POSTED:
            raise RuntimeError(f"report {report.pk} ended {report.status}: {report.result}")
        postings += report.result["totals"]["postings"]
    reports = -(-count // per_report)
    print(f"{reports} report(s), {size / 1e6:.1f} MB in all, last answered "
          f"{response.status_code}; {postings:,} postings")  # fmt: skip
    print(f"ingest: {elapsed:.2f} s = {count / elapsed:,.0f} rows/s "
          f"({postings / elapsed:,.0f} postings/s)")  # fmt: skip
    figures = {"rows": count, "seconds": elapsed, "postings": postings}
    if connection.vendor != "postgresql":
        print("COPY: not on SQLite (run with DATABASE_URL=postgres://... for the ratio)")
        return figures
    copied, copy_elapsed = _copy_same_postings(first_card, month)
    if copied != postings:
        raise RuntimeError(f"COPY read back {copied} postings, the report wrote {postings}")
    print(
        f"COPY of the same {copied:,} postings: {copy_elapsed:.2f} s = "
        f"{count / copy_elapsed:,.0f} report rows/s ({copied / copy_elapsed:,.0f} postings/s)"
    )
    print(f"ingest / COPY = {copy_elapsed / elapsed:.0%} (target >= 25 %)")
    return {**figures, "copy_seconds": copy_elapsed, "ratio": copy_elapsed / elapsed}

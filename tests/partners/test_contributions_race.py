"""Two contribution reports at the same moment on PostgreSQL: a worker-month counts once;
a cancel and a worker's claim of the same report at the same moment: exactly one wins."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent
from participants.ledger import ledger_balances_rebuild
from participants.models import ContributionPosting, JhtBalance, KpjBalance
from partners.contribution_reports import contribution_report_create, report_rows_parse
from partners.models import ContributionReport
from partners.tasks import contribution_report_process_task
from tests.factories import KpjCardFactory

from .conftest import bearer, make_key

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("dated_rules"),
]

URL = "/api/v1/employers/me/contributions"


def send_at_once(key, bodies):
    barrier = threading.Barrier(len(bodies))
    answers = [None] * len(bodies)

    def send(index, body):
        try:
            barrier.wait(timeout=10)
            response = Client().post(URL, data=body, content_type="application/json",
                                     HTTP_ACCEPT_LANGUAGE="en", **bearer(key))  # fmt: skip
            answers[index] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=pair) for pair in enumerate(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def rows(cards, months, wage=5_000_000):
    return [{"kpj": c.number, "month": m, "wage": wage} for c in cards for m in months]


@pytest.fixture
def cards(employer_a):
    return [KpjCardFactory(number=f"7000000000{i}", employer=employer_a) for i in range(3)]


def test_two_reports_of_the_same_worker_months_at_once_count_once(employer_a, cards):
    key = make_key(employer_a)
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    answers = send_at_once(
        key, [{"rows": rows(cards, months)}, {"rows": rows(cards, months, wage=6_000_000)}]
    )
    statuses = sorted(status for status, _body in answers)
    assert statuses == [201, 400], answers
    refused = next(body for status, body in answers if status == 400)
    assert all("already posted" in messages[0] for messages in refused["fields"].values())
    assert "rows[0].month" in refused["fields"]
    assert ContributionPosting.objects.count() == 3 * 12 * 4
    winner = next(body for status, body in answers if status == 201)
    jht = sum(p["total"] for r in winner["rows"] for p in r["programs"] if p["program"] == "JHT")
    assert sum(KpjBalance.objects.values_list("balance", flat=True)) == jht
    assert ledger_balances_rebuild() == []


def test_two_reports_of_other_months_of_the_same_workers_both_add_up(employer_a, cards):
    key = make_key(employer_a)
    first = [f"2024-{m:02d}" for m in range(1, 13)]
    second = [f"2025-{m:02d}" for m in range(1, 13)]
    answers = send_at_once(key, [{"rows": rows(cards, first)}, {"rows": rows(cards, second)}])
    assert [status for status, _body in answers] == [201, 201], answers
    for card in cards:
        assert KpjBalance.objects.get(kpj_card=card).balance == 24 * 285_000
        assert JhtBalance.objects.get(participant=card.participant).posting_count == 24 * 4
    assert ledger_balances_rebuild() == []


def waiting_on_locks() -> int:
    """Backends of this test database blocked on a lock, read fresh (not the transaction's
    statistics snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def cancel_and_claim_at_once(key, report_id):
    """The partner's cancel and a worker's run of the task, both held on the report's row lock
    (taken here) until each is waiting in its conditional UPDATE, then let go together."""
    barrier = threading.Barrier(2)
    answers = {}

    def cancel():
        try:
            barrier.wait(timeout=10)
            response = Client().generic(
                "POST", f"{URL}/{report_id}/cancel", HTTP_ACCEPT_LANGUAGE="en", **bearer(key)
            )
            answers["cancel"] = (response.status_code, response.json())
        finally:
            connection.close()

    def work():
        try:
            barrier.wait(timeout=10)
            answers["worker"] = contribution_report_process_task.apply(args=[report_id]).get()
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel), threading.Thread(target=work)]
    with transaction.atomic():
        ContributionReport.objects.select_for_update().get(pk=report_id)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while waiting_on_locks() < 2:
            assert time.monotonic() < deadline, "the cancel and the claim never both waited"
            time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_a_cancel_and_a_workers_claim_at_once_exactly_one_wins(employer_a, cards):
    key = make_key(employer_a)
    postings = 0
    for year in (2021, 2022, 2023, 2024):
        rows_sent = report_rows_parse(
            {"rows": rows(cards, [f"{year}-{m:02d}" for m in (1, 2, 3)])},
            today=timezone.localdate(),
        )
        report = contribution_report_create(
            employer=employer_a, rows=rows_sent, credential=None, language="en", deferred=True
        )
        answers = cancel_and_claim_at_once(key, report.pk)
        (status, body), outcome = answers["cancel"], answers["worker"]
        report.refresh_from_db()
        if status == 200:  # the cancel won: the worker claimed nothing and posted nothing
            assert (body["status"], outcome, report.status) == ("cancelled", "cancelled",
                                                               "cancelled"), answers  # fmt: skip
            assert report.attempts == 0
        else:  # the worker won: the cancel is refused, the report posted once
            assert status == 409, answers
            assert body["code"] in ("report_processing", "report_posted"), body
            assert (outcome, report.status, report.attempts) == ("posted", "posted", 1), answers
            postings += len(rows_sent) * 4
        assert ContributionPosting.objects.count() == postings
        cancels = AuditEvent.objects.filter(action="contribution_report_cancelled",
                                            detail__report=report.pk)  # fmt: skip
        posted = AuditEvent.objects.filter(action="contribution_report_posted",
                                           detail__report=report.pk)  # fmt: skip
        assert (cancels.count(), posted.count()) in ((1, 0), (0, 1))
    assert ledger_balances_rebuild() == []

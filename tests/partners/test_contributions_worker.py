"""Large contribution reports through a real Celery worker on PostgreSQL and Redis: the
status URL's progress reaches 100 %, and a worker killed mid-import still posts it once.

The only test seam is CONTRIBUTIONS_IMPORT_TEST_DELAY_SECONDS (settings/test.py), given to
the killed worker's environment, which holds each checked chunk open long enough to kill it.
"""

import os
import signal
import time

import pytest
from django.test import Client

from core.models import AuditEvent
from participants.ledger import ledger_balances_rebuild
from participants.models import ContributionPosting, JhtBalance, KpjBalance
from partners.models import ContributionReport
from partners.tasks import contribution_report_process_task, contribution_reports_requeue_stuck_task
from tests.factories import KpjCardFactory
from tests.polling import wait_for

from .conftest import bearer, make_key

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("dated_rules"),
]

URL = "/api/v1/employers/me/contributions"


def months(count, start_year=2017):
    return [f"{start_year + i // 12}-{i % 12 + 1:02d}" for i in range(count)]


def report_rows(cards, month_list):
    return [{"kpj": c.number, "month": m, "wage": 5_000_000} for c in cards for m in month_list]


def post(key, body):
    return Client().post(URL, data=body, content_type="application/json", **bearer(key))


def test_a_10000_row_report_is_processed_by_the_worker_with_progress_to_100(
    celery_worker, employer_a, settings
):
    assert settings.CONTRIBUTIONS_ASYNC_ROWS == 10_000  # the real threshold
    cards = [KpjCardFactory(number=f"60000000{i:03d}", employer=employer_a) for i in range(100)]
    key = make_key(employer_a)
    response = post(key, {"rows": report_rows(cards, months(100))})
    assert response.status_code == 202, response.json()
    url = response["Location"]
    seen = []

    def finished():
        status = Client().get(url, **bearer(key)).json()
        seen.append(status["progress"])
        return status if status["status"] in ("posted", "refused") else None

    status = wait_for(finished, timeout=240, what="the report to be posted")
    assert status["status"] == "posted", status
    assert status["progress"] == 100
    assert status["processed_rows"] == 10_000
    assert seen == sorted(seen)  # progress only moves forward
    assert status["totals"]["postings"] == 40_000
    assert ContributionPosting.objects.count() == 40_000
    assert KpjBalance.objects.get(kpj_card=cards[0]).balance == 100 * 285_000
    assert JhtBalance.objects.get(participant=cards[0].participant).posting_count == 400
    assert ledger_balances_rebuild() == []


def claimed(report_id):
    report = ContributionReport.objects.get(pk=report_id)
    return report if report.status == "processing" and report.claimed_by else None


def final(report_id):
    report = ContributionReport.objects.get(pk=report_id)
    return report if report.is_final else None


def test_killing_the_child_mid_import_still_posts_the_report_exactly_once(
    start_worker, employer_a, settings
):
    settings.CONTRIBUTIONS_ASYNC_ROWS = 5
    worker = start_worker(CONTRIBUTIONS_IMPORT_TEST_DELAY_SECONDS=1, CONTRIBUTIONS_CHUNK_ROWS=2)
    cards = [KpjCardFactory(number=f"6100000000{i}", employer=employer_a) for i in range(2)]
    key = make_key(employer_a)
    response = post(key, {"rows": report_rows(cards, months(3))})
    assert response.status_code == 202, response.json()
    report_id = response.json()["id"]

    first = wait_for(lambda: claimed(report_id), timeout=20, what="the worker to claim it")
    child_pid = int(first.claimed_by.rsplit(":", 1)[1])
    assert child_pid != worker.process.pid
    os.kill(child_pid, signal.SIGKILL)

    # acks_late + reject_on_worker_lost: the message goes back and a new child runs it again.
    done = wait_for(lambda: final(report_id), timeout=60, what="a final status")
    assert done.status == "posted"
    assert done.attempts == 2
    assert int(done.claimed_by.rsplit(":", 1)[1]) != child_pid
    assert ContributionPosting.objects.count() == 6 * 4
    assert KpjBalance.objects.get(kpj_card=cards[0]).balance == 3 * 285_000
    assert AuditEvent.objects.filter(action="contribution_report_posted").count() == 1

    # The same message once more (a duplicate delivery) changes nothing.
    late = contribution_report_process_task.apply_async(args=[report_id])
    assert late.get(timeout=20) == "posted"
    assert ContributionPosting.objects.count() == 6 * 4
    assert ContributionReport.objects.get(pk=report_id).attempts == 2
    assert ledger_balances_rebuild() == []


def test_a_dead_worker_is_replaced_and_the_beat_job_finishes_the_report(
    start_worker, employer_a, settings
):
    settings.CONTRIBUTIONS_ASYNC_ROWS = 5
    slow = start_worker(CONTRIBUTIONS_IMPORT_TEST_DELAY_SECONDS=30, CONTRIBUTIONS_CHUNK_ROWS=2)
    cards = [KpjCardFactory(number=f"6200000000{i}", employer=employer_a) for i in range(2)]
    key = make_key(employer_a)
    response = post(key, {"rows": report_rows(cards, months(3))})
    report_id = response.json()["id"]
    wait_for(lambda: claimed(report_id), timeout=20, what="the worker to claim it")
    slow.kill()  # parent and child: nothing left to redeliver the message

    settings.CONTRIBUTIONS_STUCK_AFTER_SECONDS = 1
    start_worker()
    time.sleep(1.2)
    assert ContributionReport.objects.get(pk=report_id).status == "processing"
    assert contribution_reports_requeue_stuck_task() == 1  # what beat runs every 5 minutes

    done = wait_for(lambda: final(report_id), timeout=60, what="a final status")
    assert done.status == "posted"
    assert done.attempts == 2
    assert ContributionPosting.objects.count() == 6 * 4
    assert AuditEvent.objects.filter(action="contribution_report_posted").count() == 1
    assert contribution_reports_requeue_stuck_task() == 0
    assert ledger_balances_rebuild() == []

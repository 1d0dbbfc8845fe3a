"""Contribution reports listed (own only, newest first, filtered, paged in constant queries)
and cancelled (queued only, idempotent, 409 saying why otherwise, the task then posts nothing).

The cancel racing a real worker's claim is in test_contributions_race.py (PostgreSQL)."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from core.models import AuditEvent
from news.maintenance import maintenance_notice
from participants.models import ContributionPosting, KpjBalance
from partners.contribution_reports import contribution_reports_stuck
from partners.models import ContributionReport
from partners.tasks import contribution_report_process_task, contribution_reports_requeue_stuck_task
from tests.factories import ContributionReportFactory

from .conftest import bearer, make_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("dated_rules")]

URL = "/api/v1/employers/me/contributions"
Status = ContributionReport.Status


def cancel(client, key, report_id, **headers):
    """POST without a body, as a partner's `curl -X POST` sends it."""
    return client.generic("POST", f"{URL}/{report_id}/cancel", **bearer(key), **headers)


def report_at(employer, *, minutes_ago, **fields):
    """A report created `minutes_ago` (created_at is auto_now_add, so set after)."""
    report = ContributionReportFactory(employer=employer, **fields)
    created = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    ContributionReport.objects.filter(pk=report.pk).update(created_at=created)
    return report


@pytest.fixture
def queued_report(client, key_a, card_a, settings, django_capture_on_commit_callbacks):
    """A large report posted through the API and answered 202; its task is held back (the
    message still on its way) and returned to be run when the test says so."""
    settings.CONTRIBUTIONS_ASYNC_ROWS = 2
    rows = [{"kpj": card_a.number, "month": f"2025-{m:02d}", "wage": 5_000_000} for m in (1, 2, 3)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(URL, data={"rows": rows}, content_type="application/json",
                               **bearer(key_a))  # fmt: skip
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "queued"
    return response.json(), callbacks


# List ---------------------------------------------------------------------------------------


def test_the_list_shows_own_reports_newest_first_shaped_like_the_status_url(
    client, key_a, employer_a, employer_b
):
    old = report_at(employer_a, minutes_ago=30, status=Status.POSTED, row_count=3,
                    processed_rows=3, result={"totals": {"rows": 3, "postings": 12, "total": 1,
                                                         "programs": {}}})  # fmt: skip
    new = report_at(employer_a, minutes_ago=1)
    report_at(employer_b, minutes_ago=0)
    response = client.get(URL, **bearer(key_a))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == 2
    assert [item["id"] for item in body["results"]] == [new.pk, old.pk]
    for item in body["results"]:
        assert item == client.get(item["status_url"], **bearer(key_a)).json()
    first = body["results"][0]
    assert (first["status"], first["progress"], first["rows"]) == ("queued", 0, 1)
    assert first["status_url"] == f"{settings.PORTAL_BASE_URL}{URL}/{new.pk}"
    assert body["results"][1]["totals"]["postings"] == 12


def test_another_employers_list_holds_none_of_ours(client, key_b, employer_a):
    report_at(employer_a, minutes_ago=1)
    body = client.get(URL, **bearer(key_b)).json()
    assert (body["count"], body["results"]) == (0, [])


def test_the_list_filters_by_status(client, key_a, employer_a):
    report_at(employer_a, minutes_ago=3, status=Status.POSTED)
    cancelled = report_at(employer_a, minutes_ago=2, status=Status.CANCELLED)
    report_at(employer_a, minutes_ago=1)
    body = client.get(f"{URL}?status=cancelled", **bearer(key_a)).json()
    assert [item["id"] for item in body["results"]] == [cancelled.pk]
    assert body["results"][0]["progress"] == 100
    assert client.get(f"{URL}?status=queued", **bearer(key_a)).json()["count"] == 1
    assert client.get(f"{URL}?status=refused", **bearer(key_a)).json()["count"] == 0


def test_the_list_pages_like_the_other_partner_lists(client, key_a, employer_a):
    reports = [report_at(employer_a, minutes_ago=10 - i) for i in range(5)]
    page = client.get(f"{URL}?page_size=2", **bearer(key_a)).json()
    assert page["count"] == 5
    assert [item["id"] for item in page["results"]] == [reports[4].pk, reports[3].pk]
    assert page["next"] == f"{settings.PORTAL_BASE_URL}{URL}?page=2&page_size=2"
    assert page["previous"] is None
    last = client.get(f"{URL}?page=3&page_size=2", **bearer(key_a)).json()
    assert [item["id"] for item in last["results"]] == [reports[0].pk]
    assert client.get(f"{URL}?page=4&page_size=2", **bearer(key_a)).status_code == 404


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Unknown status. Use one of: queued, processing, posted, refused, cancelled."),
        ("id", "Status tidak dikenal. Gunakan salah satu dari: queued, processing, posted, "
               "refused, cancelled."),
    ],
)  # fmt: skip
def test_a_bad_status_filter_is_a_400_naming_the_field(client, key_a, language, message):
    # The states' names before migration 0002 are unknown now, like any other word.
    response = client.get(f"{URL}?status=failed", HTTP_ACCEPT_LANGUAGE=language, **bearer(key_a))
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": response.json()["message"],
        "fields": {"status": [message]},
    }
    assert response["Content-Language"] == language


def test_the_list_reads_in_constant_queries(client, key_a, employer_a, django_assert_num_queries):
    report_at(employer_a, minutes_ago=30, status=Status.REFUSED,
              result={"error": {"code": "invalid", "message": "x", "fields": {}}})  # fmt: skip
    maintenance_notice()  # warms the site-wide maintenance-notice cache
    client.get(URL, **bearer(key_a))  # the key's last_used_at is written at most once a minute
    # key lookup, count, page
    with django_assert_num_queries(3):
        assert client.get(URL, **bearer(key_a)).json()["count"] == 1
    for minutes in range(19):
        report_at(employer_a, minutes_ago=minutes, payload=[["x"] * 5] * 100)
    with django_assert_num_queries(3):
        body = client.get(URL, **bearer(key_a)).json()
    assert (body["count"], len(body["results"])) == (20, 20)


def test_list_and_cancel_need_the_contributions_scope(client, employer_a):
    key = make_key(employer_a, scopes=["members:read", "members:write", "claims:read"])
    report = ContributionReportFactory(employer=employer_a)
    assert client.get(URL, **bearer(key)).status_code == 403
    response = cancel(client, key, report.pk)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert client.get(URL).status_code == 401
    assert client.post(f"{URL}/{report.pk}/cancel").status_code == 401
    report.refresh_from_db()
    assert report.status == Status.QUEUED


# Cancel -------------------------------------------------------------------------------------


def test_a_queued_report_is_cancelled_and_its_task_then_posts_nothing(client, key_a, queued_report):
    status, callbacks = queued_report
    response = cancel(client, key_a, status["id"])
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["status_label"]) == ("cancelled", "Dibatalkan")
    assert (body["progress"], body["processed_rows"], body["rows"]) == (100, 0, 3)
    assert body["finished_at"] is not None
    assert (body["totals"], body["error"]) == (None, None)
    assert client.get(status["status_url"], **bearer(key_a)).json() == body
    report = ContributionReport.objects.get()
    assert report.payload == []  # the rows are dropped with the report
    event = AuditEvent.objects.get(action="contribution_report_cancelled")
    assert event.detail == {"report": report.pk, "employer": report.employer.registration_number,
                            "rows": 3, "partner_key": report.credential.prefix}  # fmt: skip

    # The queued message arrives after the cancel: the task (eager here) claims nothing.
    for callback in callbacks:
        callback()
    assert contribution_report_process_task.apply(args=[report.pk]).get() == "cancelled"
    report.refresh_from_db()
    assert (report.status, report.attempts, report.claimed_by) == ("cancelled", 0, "")
    assert not ContributionPosting.objects.exists()
    assert not KpjBalance.objects.exists()
    assert not AuditEvent.objects.filter(action="contribution_report_posted").exists()


def test_the_stuck_report_beat_job_never_requeues_a_cancelled_report(
    client, key_a, queued_report, settings
):
    status, _callbacks = queued_report
    assert cancel(client, key_a, status["id"]).status_code == 200
    settings.CONTRIBUTIONS_STUCK_AFTER_SECONDS = 1
    later = timezone.now() + datetime.timedelta(hours=1)
    assert contribution_reports_stuck(now=later) == []
    assert contribution_reports_requeue_stuck_task() == 0
    assert not ContributionPosting.objects.exists()


def test_cancelling_again_answers_the_same_and_changes_nothing(client, key_a, queued_report):
    status, _callbacks = queued_report
    first = cancel(client, key_a, status["id"])
    again = cancel(client, key_a, status["id"])
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert AuditEvent.objects.filter(action="contribution_report_cancelled").count() == 1


def test_a_cancel_with_an_idempotency_key_is_replayed(client, key_a, queued_report):
    status, _callbacks = queued_report
    first = cancel(client, key_a, status["id"], HTTP_IDEMPOTENCY_KEY="cancel-1")
    again = cancel(client, key_a, status["id"], HTTP_IDEMPOTENCY_KEY="cancel-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize(
    ("state", "code", "words"),
    [
        (Status.PROCESSING, "report_processing", "already being processed"),
        (Status.POSTED, "report_posted", "send a reversal request to your BPJS"),
        (Status.REFUSED, "report_refused", "nothing of it was posted"),
    ],
)
def test_a_started_or_final_report_is_a_409_saying_why(
    client, key_a, employer_a, state, code, words
):
    report = ContributionReportFactory(employer=employer_a, status=state)
    response = cancel(client, key_a, report.pk, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["fields"]) == (code, {})
    assert words in body["message"]
    report.refresh_from_db()
    assert report.status == state
    assert not AuditEvent.objects.filter(action="contribution_report_cancelled").exists()


def test_the_409_speaks_indonesian_by_default(client, key_a, employer_a):
    report = ContributionReportFactory(employer=employer_a, status=Status.POSTED)
    response = cancel(client, key_a, report.pk)
    assert response.status_code == 409
    assert response.json()["message"].startswith("Laporan ini sudah dibukukan")
    assert "kantor cabang BPJS Ketenagakerjaan" in response.json()["message"]


def test_a_posted_report_cannot_be_cancelled_and_keeps_its_postings(client, key_a, queued_report):
    status, callbacks = queued_report
    for callback in callbacks:
        callback()  # the worker (eager) posts it first
    assert client.get(status["status_url"], **bearer(key_a)).json()["status"] == "posted"
    response = cancel(client, key_a, status["id"], HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert response.json()["code"] == "report_posted"
    assert ContributionPosting.objects.count() == 12


def test_another_employers_report_is_a_404_like_a_missing_one(client, key_b, queued_report):
    status, _callbacks = queued_report
    foreign = cancel(client, key_b, status["id"])
    missing = cancel(client, key_b, status["id"] + 1000)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert foreign.json()["code"] == "not_found"
    assert ContributionReport.objects.get().status == Status.QUEUED
    assert not AuditEvent.objects.filter(action="contribution_report_cancelled").exists()

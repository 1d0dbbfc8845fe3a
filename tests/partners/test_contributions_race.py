"""Two contribution reports at the same moment on PostgreSQL: a worker-month counts once."""

import threading

import pytest
from django.db import connection
from django.test import Client

from participants.models import ContributionPosting, JhtBalance, KpjBalance
from participants.services import balances_rebuild
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
    assert balances_rebuild() == []


def test_two_reports_of_other_months_of_the_same_workers_both_add_up(employer_a, cards):
    key = make_key(employer_a)
    first = [f"2024-{m:02d}" for m in range(1, 13)]
    second = [f"2025-{m:02d}" for m in range(1, 13)]
    answers = send_at_once(key, [{"rows": rows(cards, first)}, {"rows": rows(cards, second)}])
    assert [status for status, _body in answers] == [201, 201], answers
    for card in cards:
        assert KpjBalance.objects.get(kpj_card=card).balance == 24 * 285_000
        assert JhtBalance.objects.get(participant=card.participant).posting_count == 24 * 4
    assert balances_rebuild() == []

import threading

import pytest
from django.db import connection
from django.test import Client

from participants.models import KpjCard
from partners.models import IdempotencyRecord

from .conftest import bearer, make_key
from .test_endpoints import member


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_retries_with_one_key_register_once(employer_a):
    """The second request waits on the key's unique index, then replays the first answer."""
    key = make_key(employer_a)
    body = {"members": [member(1), member(2)]}
    barrier = threading.Barrier(4)
    answers = []

    def send():
        try:
            barrier.wait(timeout=10)
            response = Client().post(
                "/api/v1/employers/me/new-members", data=body,
                content_type="application/json", HTTP_IDEMPOTENCY_KEY="race", **bearer(key),
            )  # fmt: skip
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [status for status, _ in answers] == [201] * 4
    assert all(body == answers[0][1] for _, body in answers)
    assert KpjCard.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1

import threading

import pytest
from django.db import connection

from claims.models import Claim, ClaimEvent
from claims.services import ClaimAlreadyOpen, claim_submit
from participants.models import AuditEvent
from tests.claims.conftest import submit_kwargs

ATTEMPTS = 20


def _race(participant, keys):
    barrier = threading.Barrier(len(keys))
    outcomes = []

    def submit(key):
        try:
            barrier.wait(timeout=10)
            try:
                outcomes.append(claim_submit(**submit_kwargs(participant, idempotency_key=key)).pk)
            except ClaimAlreadyOpen as refused:
                outcomes.append(("refused", refused.claim.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_20_concurrent_submissions_give_exactly_one_claim(resigned, claim_rules):
    """Twenty double clicks with different keys: one claim, the rest pointed at it."""
    outcomes = _race(resigned, [f"click-{n}" for n in range(ATTEMPTS)])

    claim = Claim.objects.get()
    assert len(outcomes) == ATTEMPTS
    assert outcomes.count(claim.pk) == 1
    assert outcomes.count(("refused", claim.pk)) == ATTEMPTS - 1
    assert ClaimEvent.objects.filter(to_status="submitted").count() == 1
    assert AuditEvent.objects.filter(action="claim_submitted").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_20_concurrent_retries_with_one_key_all_return_the_first_claim(resigned, claim_rules):
    outcomes = _race(resigned, ["same-key"] * ATTEMPTS)

    claim = Claim.objects.get()
    assert outcomes == [claim.pk] * ATTEMPTS
    assert ClaimEvent.objects.filter(to_status="submitted").count() == 1

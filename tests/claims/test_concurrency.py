import threading

import pytest
from django.db import connection

from claims.models import Claim, ClaimEvent
from claims.services import ClaimAlreadyOpen, claim_file
from core.models import AuditEvent
from tests.claims.conftest import submit_kwargs

ATTEMPTS = 20


def _race(participant, keys):
    barrier = threading.Barrier(len(keys))
    outcomes = []

    def submit(key):
        try:
            barrier.wait(timeout=10)
            try:
                outcomes.append(
                    claim_file(**submit_kwargs(participant, idempotency_key=key)).claim.pk
                )
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_confirming_payment_at_once_pay_once_and_post_once(resigned, claim_rules):
    """Both click "mark paid" on their own copy: one wins, the other is told; one withdrawal."""
    from claims.choices import Status
    from claims.services import ClaimTransitionError, claim_transition
    from participants.models import ContributionPosting, JhtBalance
    from tests.claims.conftest import give_jht_balance
    from tests.factories import ClaimFactory, StaffFactory

    give_jht_balance(resigned, 9_000_000)
    claim = ClaimFactory(participant=resigned, status=Status.APPROVED, amount_approved=8_000_000)
    staff = [StaffFactory(branch=resigned.branch, password=None) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def confirm(user):
        try:
            copy = Claim.objects.select_related("participant").get(pk=claim.pk)
            barrier.wait(timeout=10)
            try:
                claim_transition(claim=copy, to_status=Status.PAID, actor=user)
                outcomes.append("paid")
            except ClaimTransitionError as refused:
                outcomes.append(str(refused.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(user,)) for user in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("paid") == 1
    assert len(outcomes) == 2
    assert Claim.objects.get().status == Status.PAID
    assert ContributionPosting.objects.filter(kind="withdrawal", claim_id=claim.pk).count() == 1
    assert JhtBalance.objects.get(participant=resigned).balance == 1_000_000
    assert AuditEvent.objects.filter(action="claim_paid").count() == 1

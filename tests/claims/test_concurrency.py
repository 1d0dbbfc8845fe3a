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
def test_two_payers_confirming_the_bank_file_at_once_pay_once_and_post_once(resigned, claim_rules):
    """Both upload the bank's return file at the same moment: one confirms the batch, the other
    is told it was confirmed; the claim is paid once, with one withdrawal."""
    from claims.choices import Status
    from claims.payouts import PaymentError, payment_batch_confirm, payment_batch_create
    from participants.models import ContributionPosting, JhtBalance
    from tests.claims.conftest import give_jht_balance, payer_for, return_file
    from tests.factories import ClaimFactory, StaffFactory

    give_jht_balance(resigned, 9_000_000)
    approver = StaffFactory(branch=resigned.branch, password=None)
    claim = ClaimFactory(participant=resigned, status=Status.APPROVED, amount_approved=8_000_000,
                         approved_by=approver)  # fmt: skip
    payers = [payer_for(resigned) for _ in range(2)]
    batch = payment_batch_create(claim_ids=[claim.pk], actor=payers[0]).batch
    content = return_file(batch)
    barrier = threading.Barrier(2)
    outcomes = []

    def confirm(user):
        try:
            barrier.wait(timeout=10)
            try:
                payment_batch_confirm(batch=batch, actor=user, content=content)
                outcomes.append("paid")
            except PaymentError as refused:
                outcomes.append(str(refused.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(user,)) for user in payers]
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_second_approvers_at_once_approve_once(resigned, claim_rules):
    """Two officers give the second approval at the same moment: one wins, one is told."""
    from claims.choices import Status
    from claims.payouts import claim_approve
    from claims.services import ClaimTransitionError
    from tests.factories import ClaimFactory, StaffFactory

    first = StaffFactory(branch=resigned.branch, password=None)
    claim = ClaimFactory(participant=resigned, status=Status.SECOND_APPROVAL,
                         amount_approved=42_000_000, approved_by=first)  # fmt: skip
    seconds = [StaffFactory(branch=resigned.branch, password=None) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(user):
        try:
            copy = Claim.objects.select_related("participant").get(pk=claim.pk)
            barrier.wait(timeout=10)
            try:
                claim_approve(claim=copy, actor=user)
                outcomes.append("approved")
            except ClaimTransitionError as refused:
                outcomes.append(str(refused.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(user,)) for user in seconds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("approved") == 1
    claim.refresh_from_db()
    assert claim.status == Status.APPROVED
    assert claim.second_approved_by_id in {user.pk for user in seconds}

import datetime
import itertools

import pytest
from django.core import mail
from django.utils import translation

from claims.choices import TRANSITIONS, Channel, Status
from claims.models import Claim, ClaimDocument, ClaimEvent
from claims.rules import CLAIM_TYPES_BY_CODE
from claims.selectors import PayoutAccount
from claims.services import (
    ClaimAlreadyOpen,
    ClaimError,
    ClaimNotEligible,
    ClaimTransitionError,
    claim_file,
    claim_notify,
    claim_transition,
    claim_verify,
)
from core.models import AuditEvent
from participants.ledger import ledger_balances_rebuild, ledger_contribution_post
from participants.models import BankAccount, ContributionPosting, JhtBalance, KpjBalance
from participants.selectors import statement_get_for_participant
from tests.claims.conftest import (
    TODAY,
    give_bank_account,
    give_jht_balance,
    pay_through_bank,
    submit_kwargs,
)
from tests.factories import ClaimFactory, KpjCardFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Refusals are matched on their English wording."""
    with translation.override("en"):
        yield


def test_filing_writes_the_claim_its_timeline_documents_and_audit(resigned):
    claim = claim_file(**submit_kwargs(resigned)).claim

    assert claim.status == Status.SUBMITTED
    assert claim.channel == Channel.ONLINE
    assert claim.amount_estimated == 0
    assert list(claim.events.values_list("to_status", flat=True)) == [Status.SUBMITTED]
    documents = ClaimDocument.objects.filter(claim=claim).values_list("document_type", flat=True)
    assert set(documents) == {
        "kpj_card", "ktp", "bank_book", "resignation_letter",
    }  # fmt: skip
    audit = AuditEvent.objects.get(action="claim_submitted")
    assert audit.actor == resigned.user
    assert audit.detail["claim_id"] == claim.pk
    assert "0123456789012" not in str(audit.detail)


def test_after_commit_the_claim_is_verified_and_the_participant_mailed(
    resigned, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_file(**submit_kwargs(resigned)).claim

    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    assert claim.complete_at is not None
    assert list(claim.events.values_list("to_status", flat=True)) == [
        Status.SUBMITTED, Status.VERIFYING, Status.IN_REVIEW,
    ]  # fmt: skip
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resigned.user.email]
    assert f"/claims/{claim.pk}/" in mail.outbox[0].body


def test_the_same_idempotency_key_returns_the_first_claim(resigned):
    first = claim_file(**submit_kwargs(resigned)).claim
    again = claim_file(**submit_kwargs(resigned, event_date=datetime.date(2025, 12, 1))).claim
    assert again.pk == first.pk
    assert Claim.objects.count() == 1
    assert ClaimEvent.objects.count() == 1


def test_a_second_open_claim_for_the_program_is_refused(resigned):
    first = claim_file(**submit_kwargs(resigned)).claim
    with pytest.raises(ClaimAlreadyOpen) as refused:
        claim_file(**submit_kwargs(resigned, idempotency_key="second-key"))
    assert refused.value.claim == first


def test_after_cancelling_a_new_claim_can_be_filed(resigned):
    first = claim_file(**submit_kwargs(resigned)).claim
    claim_transition(claim=first, to_status=Status.CANCELLED, actor=resigned.user)
    second = claim_file(**submit_kwargs(resigned, idempotency_key="second-key")).claim
    assert second.pk != first.pk


def test_the_database_refuses_a_second_open_claim_even_past_the_service(resigned):
    from django.db import IntegrityError, transaction

    ClaimFactory(participant=resigned, status=Status.IN_REVIEW)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(participant=resigned, status=Status.SUBMITTED)


def test_a_claim_in_the_waiting_month_is_refused_with_the_date(resigned):
    with pytest.raises(ClaimNotEligible) as refused:
        claim_file(**submit_kwargs(resigned, on_date=datetime.date(2026, 1, 13)))
    assert refused.value.eligibility.earliest_date == TODAY
    assert Claim.objects.count() == 0


@pytest.mark.parametrize("account", ["none", "another name"])
def test_without_a_verified_account_in_ones_own_name_filing_is_refused(resigned, account):
    """The payout account comes from pengkinian data; none, or a stale name, refuses."""
    BankAccount.objects.filter(participant=resigned).delete()
    if account == "another name":
        give_bank_account(resigned, name="Orang Lain")
    with pytest.raises(ClaimNotEligible) as refused:
        claim_file(**submit_kwargs(resigned))
    assert [b.code for b in refused.value.eligibility.blockers] == ["bank_account_missing"]
    assert "Update my data, Bank account" in refused.value.eligibility.reasons[0]
    assert not Claim.objects.exists()


def test_the_claim_copies_the_verified_account_at_filing(resigned):
    claim = claim_file(**submit_kwargs(resigned)).claim
    BankAccount.objects.filter(participant=resigned).update(account_number="999999999")
    claim.refresh_from_db()
    assert (claim.bank_name, claim.bank_account_number) == ("BRI", "0123456789012")
    assert claim.bank_account_holder == resigned.full_name.upper()


def test_another_account_is_accepted_only_for_an_heir(resigned):
    account = PayoutAccount("BNI", "5566778899", "Siti")
    with pytest.raises(ClaimError, match="accepted only for an heir"):
        claim_file(**submit_kwargs(resigned, heir_account=account))


@pytest.mark.parametrize(
    ("on_date", "online"),
    [(datetime.date(2025, 4, 30), False), (datetime.date(2025, 5, 1), True)],
)
def test_online_limit_on_both_sides_of_1_may_2025(resigned, on_date, online):
    """Rp12 juta: above the Rp10 juta limit on 30 April 2025, within Rp15 juta from 1 May;
    above it the claim is filed but finished at a branch visit."""
    give_jht_balance(resigned, 12_000_000)
    kwargs = submit_kwargs(resigned, on_date=on_date, event_date=datetime.date(2025, 3, 1))
    claim = claim_file(**kwargs).claim
    assert claim.amount_estimated == 12_000_000
    assert claim.branch_visit is (not online)


def test_above_the_online_limit_staff_file_it_at_the_branch(resigned, staff):
    give_jht_balance(resigned, 40_000_000)
    claim = claim_file(
        **submit_kwargs(resigned), channel=Channel.BRANCH, created_by=staff, identity_checked=True
    ).claim
    assert claim.channel == Channel.BRANCH
    assert claim.created_by == staff
    event = claim.events.get()
    assert event.actor == staff
    assert staff.email in event.note_text
    audit = AuditEvent.objects.get(action="claim_submitted")
    assert (audit.actor, audit.detail["identity_checked_by"]) == (staff, staff.pk)


def test_branch_filing_needs_staff_of_that_branch_and_the_identity_check(resigned, staff):
    other_branch_staff = StaffFactory(password=None)
    with pytest.raises(ClaimError, match="branch"):
        claim_file(
            **submit_kwargs(resigned), channel=Channel.BRANCH, created_by=other_branch_staff,
            identity_checked=True,
        )  # fmt: skip
    with pytest.raises(ClaimError, match="KTP"):
        claim_file(**submit_kwargs(resigned), channel=Channel.BRANCH, created_by=staff)
    assert Claim.objects.count() == 0


# -- the state machine --------------------------------------------------------------------

ILLEGAL = [
    (source, target)
    for source, target in itertools.product(Status, Status)
    if target not in TRANSITIONS.get(source, set())
]


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_every_illegal_transition_is_refused(resigned, source, target):
    claim = ClaimFactory(participant=resigned, status=source)
    superuser = UserFactory(is_staff=True, is_superuser=True, password=None)
    actor = resigned.user if target == Status.CANCELLED else superuser
    with pytest.raises(ClaimTransitionError, match="cannot become"):
        claim_transition(claim=claim, to_status=target, actor=actor, reason="r")
    claim.refresh_from_db()
    assert claim.status == source
    assert not ClaimEvent.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_happy_path_records_decision_and_payment(resigned, staff):
    give_jht_balance(resigned, 9_000_000)
    claim = ClaimFactory(participant=resigned, status=Status.IN_REVIEW, amount_estimated=8_000_000)
    claim_transition(claim=claim, to_status=Status.NEEDS_DOCUMENTS, actor=staff, reason="Paklaring")
    claim_transition(claim=claim, to_status=Status.IN_REVIEW, actor=resigned.user)
    claim_transition(claim=claim, to_status=Status.APPROVED, actor=staff)
    pay_through_bank(claim)

    claim.refresh_from_db()
    assert claim.status == Status.PAID
    assert (claim.amount_approved, claim.amount_paid) == (8_000_000, 8_000_000)
    assert claim.decided_at is not None
    assert claim.paid_at >= claim.decided_at
    assert list(AuditEvent.objects.order_by("at", "pk").values_list("action", flat=True)) == [
        "claim_needs_documents", "claim_in_review", "claim_approved", "claim_payment_prepared",
        "claim_paid", "jht_withdrawal_posted", "payment_batch_confirmed",
    ]  # fmt: skip
    assert JhtBalance.objects.get(participant=resigned).balance == 1_000_000
    withdrawal = ContributionPosting.objects.get(kind="withdrawal")
    assert (withdrawal.amount, withdrawal.claim_id) == (-8_000_000, claim.pk)


def _partial(participant, **overrides):
    return submit_kwargs(
        participant,
        claim_type=CLAIM_TYPES_BY_CODE["JHT:partial:housing"],
        event_date=None,
        requested_amount=None,
        **overrides,
    )


def test_a_paid_partial_claim_withdraws_from_cards_and_a_second_is_refused(resigned, staff):
    """30 % for housing leaves the ledger when paid, largest card first; never twice."""
    second_card = KpjCardFactory(participant=resigned, joined_on=datetime.date(2014, 1, 1))
    give_jht_balance(resigned, 6_000_000)
    ledger_contribution_post(kpj_card=second_card, month=datetime.date(2025, 2, 1), program="JHT",
                             employer_amount=4_000_000, worker_amount=0,
                             paid_on=datetime.date(2025, 2, 3))  # fmt: skip
    claim = claim_file(**_partial(resigned)).claim
    assert claim.amount_estimated == 3_000_000
    claim_verify(claim_id=claim.pk)
    claim.refresh_from_db()
    claim_transition(claim=claim, to_status=Status.APPROVED, actor=staff)
    assert JhtBalance.objects.get(participant=resigned).balance == 10_000_000  # not yet paid
    pay_through_bank(claim)

    assert JhtBalance.objects.get(participant=resigned).balance == 7_000_000
    cards = dict(KpjBalance.objects.values_list("kpj_card_id", "balance"))
    assert cards[second_card.pk] == 4_000_000
    assert sum(cards.values()) == 7_000_000
    assert list(
        ContributionPosting.objects.filter(kind="withdrawal").values_list("amount", "claim_id")
    ) == [(-3_000_000, claim.pk)]
    assert ledger_balances_rebuild() == []  # the running totals still equal the ledger
    year = ContributionPosting.objects.get(kind="withdrawal").month.year
    lines, _postings = statement_get_for_participant(participant=resigned, year=year)
    assert sum(line.withdrawals for line in lines) == -3_000_000
    assert sum(line.closing for line in lines) == 7_000_000
    assert sum(line.opening for line in lines) == 10_000_000
    with pytest.raises(ClaimNotEligible) as refused:
        claim_file(**_partial(resigned, idempotency_key="second"))
    assert [b.code for b in refused.value.eligibility.blockers] == ["partial_already_taken"]


def test_a_paid_full_claim_empties_the_balance(resigned, staff):
    give_jht_balance(resigned, 5_500_000)
    claim = claim_file(**submit_kwargs(resigned)).claim
    claim_verify(claim_id=claim.pk)
    claim.refresh_from_db()
    claim_transition(claim=claim, to_status=Status.APPROVED, actor=staff)
    pay_through_bank(claim)
    assert JhtBalance.objects.get(participant=resigned).balance == 0
    assert Claim.objects.get().amount_paid == 5_500_000


def test_a_payment_above_the_balance_is_refused_and_nothing_changes(resigned, staff):
    give_jht_balance(resigned, 1_000_000)
    claim = ClaimFactory(participant=resigned, status=Status.APPROVED, amount_approved=2_000_000)
    with pytest.raises(ClaimError, match="lower than the amount to pay"):
        pay_through_bank(claim)
    assert Claim.objects.get().status == Status.APPROVED
    assert JhtBalance.objects.get(participant=resigned).balance == 1_000_000
    assert not ContributionPosting.objects.filter(kind="withdrawal").exists()
    assert not AuditEvent.objects.filter(action="claim_paid").exists()


def test_a_paid_jp_claim_leaves_the_jht_ledger_alone(resigned, staff):
    give_jht_balance(resigned, 1_000_000)
    claim = ClaimFactory(participant=resigned, program="JP", reason="pension_age",
                         status=Status.APPROVED, amount_approved=2_000_000)  # fmt: skip
    pay_through_bank(claim)
    assert JhtBalance.objects.get(participant=resigned).balance == 1_000_000


@pytest.mark.parametrize("target", [Status.REJECTED, Status.NEEDS_DOCUMENTS])
def test_reject_and_request_documents_need_a_reason(resigned, staff, target):
    claim = ClaimFactory(participant=resigned, status=Status.IN_REVIEW)
    with pytest.raises(ClaimTransitionError, match="Reason"):
        claim_transition(claim=claim, to_status=target, actor=staff, reason="  ")
    claim_transition(claim=claim, to_status=target, actor=staff, reason="Surat PHK tidak terbaca")
    assert Claim.objects.get().decision_note == "Surat PHK tidak terbaca"


def test_only_branch_staff_decide_and_only_the_participant_cancels(resigned, staff):
    claim = ClaimFactory(participant=resigned, status=Status.IN_REVIEW)
    for actor in (resigned.user, StaffFactory(password=None), UserFactory(password=None)):
        with pytest.raises(ClaimTransitionError, match="not allowed"):
            claim_transition(claim=claim, to_status=Status.APPROVED, actor=actor)
    for actor in (staff, UserFactory(password=None), None):
        with pytest.raises(ClaimTransitionError, match="not allowed"):
            claim_transition(claim=claim, to_status=Status.CANCELLED, actor=actor)
    assert Claim.objects.get().status == Status.IN_REVIEW


def test_a_stale_copy_cannot_move_a_claim_someone_else_moved(resigned, staff):
    claim = ClaimFactory(participant=resigned, status=Status.IN_REVIEW)
    stale = Claim.objects.select_related("participant").get(pk=claim.pk)
    claim_transition(claim=claim, to_status=Status.CANCELLED, actor=resigned.user)
    with pytest.raises(ClaimTransitionError, match="changed by someone else"):
        claim_transition(claim=stale, to_status=Status.APPROVED, actor=staff)
    assert Claim.objects.get().status == Status.CANCELLED


def test_verification_is_idempotent(resigned):
    claim = ClaimFactory(participant=resigned)
    claim_verify(claim_id=claim.pk)
    claim_verify(claim_id=claim.pk)
    assert Claim.objects.get().status == Status.IN_REVIEW
    assert ClaimEvent.objects.count() == 2
    assert claim_verify(claim_id=0) is None


def test_the_participant_is_mailed_once_per_step(resigned, staff):
    claim = ClaimFactory(participant=resigned, status=Status.IN_REVIEW)
    claim_transition(claim=claim, to_status=Status.APPROVED, actor=staff)
    event = ClaimEvent.objects.get()
    assert claim_notify(event_id=event.pk) is True
    assert claim_notify(event_id=event.pk) is False
    assert len(mail.outbox) == 1
    assert "Disetujui" in mail.outbox[0].subject or "Approved" in mail.outbox[0].subject

"""Maker-checker on money (issue 18): the insider who files a false death claim cannot
approve or pay it; two approvers are needed above the dated limit; only a finance officer
who decided nothing pays, through a batch the bank confirms; each step names both people."""

import datetime

import pytest
from django.utils import translation

from claims.choices import Channel, Status
from claims.models import Claim, ClaimRuleValue, PaymentBatch, RuleKey
from claims.payouts import (
    PaymentError,
    claim_approve,
    payment_batch_bank_file,
    payment_batch_confirm,
    payment_batch_create,
)
from claims.rules import CLAIM_TYPES_BY_CODE
from claims.selectors import PayoutAccount
from claims.services import ClaimError, ClaimTransitionError, claim_file, claim_transition
from core.models import AuditEvent
from tests.claims.conftest import (
    PAY_PERMISSIONS,
    checked_documents,
    give_jht_balance,
    pay_through_bank,
    payer_for,
    return_file,
)
from tests.factories import ClaimFactory, KpjCardFactory, ParticipantFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Refusals are matched on their English wording."""
    with translation.override("en"):
        yield


JKM_DEATH = CLAIM_TYPES_BY_CODE["JKM:full:death"]
HEIR_ACCOUNT = PayoutAccount("BNI", "5566778899", "Siti Hermawan")
HEIR = {"heir_nik": "3204014101800001", "heir_name": "Siti Hermawan"}


@pytest.fixture
def member():
    participant = ParticipantFactory(full_name="Ujang Hermawan")
    KpjCardFactory(participant=participant, joined_on=datetime.date(2015, 1, 1))
    return participant


@pytest.fixture
def insider(member):
    return StaffFactory(branch=member.branch, password=None, perms=PAY_PERMISSIONS)


def _file_death_claim(member, insider, **overrides):
    values = {
        "participant": member,
        "claim_type": JKM_DEATH,
        "idempotency_key": "death-1",
        "event_date": datetime.date(2026, 11, 1),
        "channel": Channel.BRANCH,
        "created_by": insider,
        "identity_checked": True,
        "filed_by_heir": True,
        "heir_account": HEIR_ACCOUNT,
        **HEIR,
    }
    values.update(overrides)
    return claim_file(**values).claim


def test_the_heirs_account_must_be_in_the_heirs_name(member, insider):
    insiders_account = PayoutAccount("BNI", "9999888877", "Insider Staff")
    with pytest.raises(ClaimError, match="heir's own account"):
        _file_death_claim(member, insider, heir_account=insiders_account)
    with pytest.raises(ClaimError, match="participant's own NIK"):
        _file_death_claim(member, insider, heir_nik=member.nik)
    with pytest.raises(ClaimError, match="16 digits"):
        _file_death_claim(member, insider, heir_nik="")
    assert not Claim.objects.exists()


def test_the_insider_alone_can_neither_approve_nor_pay_a_death_claim(member, insider):
    """The security test's case: filed at the counter without documents, approved and paid by
    the same officer. Every one of those steps is now refused."""
    claim = _file_death_claim(member, insider)
    Claim.objects.filter(pk=claim.pk).update(status=Status.IN_REVIEW, amount_estimated=42_000_000)
    claim.refresh_from_db()

    with pytest.raises(ClaimTransitionError, match="another officer approves"):
        claim_approve(claim=claim, actor=insider)
    colleague = StaffFactory(branch=member.branch, password=None)
    with pytest.raises(ClaimTransitionError, match="Not yet verified: .*Death certificate"):
        claim_approve(claim=claim, actor=colleague)
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW
    assert not AuditEvent.objects.filter(action__in=["claim_approved", "claim_second_approval"])


def _verify_all_documents(claim):
    """Every required document uploaded and verified, as the pipeline or staff leave them."""
    documents = checked_documents(claim.participant, JKM_DEATH)
    for requirement in claim.requirements.all():
        requirement.document = documents[requirement.document_type]
        requirement.save()


def test_a_large_payout_needs_two_approvers_and_a_third_person_pays(member, insider):
    claim = _file_death_claim(member, insider)
    _verify_all_documents(claim)
    Claim.objects.filter(pk=claim.pk).update(status=Status.IN_REVIEW, amount_estimated=42_000_000)
    claim.refresh_from_db()
    first = StaffFactory(branch=member.branch, password=None, perms=PAY_PERMISSIONS)
    second = StaffFactory(branch=member.branch, password=None)

    with pytest.raises(ClaimTransitionError, match="needs a second approval"):
        claim_transition(claim=claim, to_status=Status.APPROVED, actor=first)
    claim_approve(claim=claim, actor=first)
    assert (claim.status, claim.approved_by, claim.amount_approved) == (
        Status.SECOND_APPROVAL, first, 42_000_000,
    )  # fmt: skip
    for same in (first, insider):
        with pytest.raises(ClaimTransitionError, match="second officer"):
            claim_approve(claim=claim, actor=same)
    claim_approve(claim=claim, actor=second)
    assert (claim.status, claim.second_approved_by) == (Status.APPROVED, second)

    for decided in (insider, first):  # both hold the pay permission, both decided something
        prepared = payment_batch_create(claim_ids=[claim.pk], actor=decided)
        assert prepared.batch is None
        assert "filed or approved" in prepared.refused[claim.pk]
    with pytest.raises(PaymentError, match="pay permission"):
        payment_batch_create(claim_ids=[claim.pk], actor=second)

    payer = payer_for(member)
    paid = pay_through_bank(claim, payer=payer)
    assert (paid.status, paid.amount_paid) == (Status.PAID, 42_000_000)
    audit = AuditEvent.objects.get(action="claim_paid").detail
    people = [audit[role] for role in ("filed_by", "approved_by", "second_approved_by", "paid_by")]
    assert people == [insider.email, first.email, second.email, payer.email]
    approval = AuditEvent.objects.get(action="claim_approved").detail
    assert (approval["approved_by"], approval["second_approved_by"]) == (first.email, second.email)


def test_up_to_the_dated_limit_one_approver_is_enough(member):
    give_jht_balance(member, 9_000_000)
    claim = ClaimFactory(participant=member, status=Status.IN_REVIEW, amount_estimated=8_000_000)
    officer = StaffFactory(branch=member.branch, password=None)
    claim_approve(claim=claim, actor=officer)
    assert claim.status == Status.APPROVED

    # The limit is a dated row: lowered from tomorrow's point of view, the same amount needs two.
    ClaimRuleValue.objects.filter(key=RuleKey.SECOND_APPROVAL_ABOVE).update(value=5_000_000)
    other = ClaimFactory(participant=ParticipantFactory(branch=member.branch),
                         status=Status.IN_REVIEW, amount_estimated=8_000_000)  # fmt: skip
    claim_approve(claim=other, actor=officer)
    assert other.status == Status.SECOND_APPROVAL


def test_the_approver_cannot_mark_paid_and_no_claim_is_paid_outside_a_batch(member):
    officer = StaffFactory(branch=member.branch, password=None, perms=PAY_PERMISSIONS)
    claim = ClaimFactory(participant=member, status=Status.APPROVED, amount_approved=1_000_000,
                         approved_by=officer)  # fmt: skip
    with pytest.raises(ClaimTransitionError, match="filed or approved"):
        claim_transition(claim=claim, to_status=Status.PAID, actor=officer)
    with pytest.raises(ClaimTransitionError, match="payment batch"):
        claim_transition(claim=claim, to_status=Status.PAID, actor=payer_for(member))
    assert Claim.objects.get(pk=claim.pk).status == Status.APPROVED


def test_a_participant_on_staff_cannot_decide_their_own_claim(member):
    from tests.factories import UserFactory

    member.user = UserFactory(is_staff=True, branch=member.branch, password=None)
    member.save()
    claim = ClaimFactory(participant=member, status=Status.IN_REVIEW, amount_estimated=1_000)
    with pytest.raises(ClaimTransitionError, match="your own claim"):
        claim_approve(claim=claim, actor=member.user)


def test_the_bank_file_and_the_return_file(member):
    approver = StaffFactory(branch=member.branch, password=None)
    claims = [
        ClaimFactory(
            participant=ParticipantFactory(branch=member.branch),
            status=Status.APPROVED,
            program="JKM",
            reason="death",
            amount_approved=amount,
            approved_by=approver,
            bank_account_holder=holder,
        )  # fmt: skip
        for amount, holder in ((1_000_000, "Asep"), (2_000_000, "=HYPERLINK(1)"))
    ]
    payer = payer_for(member)
    batch = payment_batch_create(claim_ids=[c.pk for c in claims], actor=payer).batch
    assert (batch.claim_count, batch.total_amount) == (2, 3_000_000)
    content = payment_batch_bank_file(batch=batch, actor=payer)
    assert content.splitlines()[0].startswith("batch_reference,claim_reference,bank,")
    assert "'=HYPERLINK(1)" in content  # a name never runs as a spreadsheet formula
    assert AuditEvent.objects.filter(action="payment_batch_exported").exists()
    other_branch = StaffFactory(password=None, perms=PAY_PERMISSIONS)
    with pytest.raises(PaymentError):
        payment_batch_bank_file(batch=batch, actor=other_branch)

    bad = b"claim_reference,amount,status\nJMO-CLAIM-999,5,paid\n"
    with pytest.raises(PaymentError) as refused:
        payment_batch_confirm(batch=batch, actor=payer, content=bad)
    assert any("not a claim of this batch" in line for line in refused.value.lines)
    assert any("lacks the claims" in line for line in refused.value.lines)
    assert Claim.objects.filter(status=Status.PAID).count() == 0

    done = payment_batch_confirm(batch=batch, actor=payer,
                                 content=return_file(batch, failed={claims[1].pk}))  # fmt: skip
    assert (done.paid, done.failed) == ([claims[0].pk], [claims[1].pk])
    failed = Claim.objects.get(pk=claims[1].pk)
    assert (failed.status, failed.payment_batch) == (Status.APPROVED, None)  # to pay again
    batch.refresh_from_db()
    assert (batch.status, batch.confirmed_by) == (PaymentBatch.Status.CONFIRMED, payer)
    with pytest.raises(PaymentError, match="already confirmed"):
        payment_batch_confirm(batch=batch, actor=payer, content=return_file(batch))


def test_the_database_refuses_the_filer_as_approver_even_past_the_services(member, insider):
    from django.db import IntegrityError, transaction

    claim = _file_death_claim(member, insider)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(approved_by=insider)


def test_a_dated_row_may_not_overlap_another_of_its_kind():
    """One value a day: the second-approval limit, like every rule row and table row."""
    from django.core.exceptions import ValidationError

    from claims.models import BenefitTableRow

    row = ClaimRuleValue(
        key=RuleKey.SECOND_APPROVAL_ABOVE, value=1, valid_from=datetime.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError, match="already applies"):
        row.clean()
    first = BenefitTableRow.objects.create(
        table="jp_return", code="2030", value=500, valid_from=datetime.date(2030, 1, 1),
        valid_to=datetime.date(2030, 12, 31),
    )  # fmt: skip
    BenefitTableRow(
        table="jp_return", code="2030", value=1, valid_from=datetime.date(2031, 1, 1)
    ).clean()
    with pytest.raises(ValidationError, match="already applies"):
        BenefitTableRow(table=first.table, code="2030", value=1,
                        valid_from=datetime.date(2030, 6, 1)).clean()  # fmt: skip

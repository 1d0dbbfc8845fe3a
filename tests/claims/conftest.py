import datetime
import uuid

import pytest

from claims.rules import CLAIM_TYPES_BY_CODE
from tests.factories import (
    BankAccountFactory,
    KpjCardFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)

RESIGNATION = CLAIM_TYPES_BY_CODE["JHT:full:resignation"]
TODAY = datetime.date(2026, 1, 14)
RESIGNED_ON = datetime.date(2025, 12, 14)


@pytest.fixture
def resigned():
    """A participant who resigned on 14 December 2025; the employer reported it."""
    participant = ParticipantFactory(full_name="Budi Santoso", user=UserFactory(password=None))
    KpjCardFactory(
        participant=participant, status="non_active", joined_on=datetime.date(2012, 1, 1)
    )
    give_bank_account(participant)
    return participant


def give_bank_account(participant, *, name=None):
    """The verified payout account of pengkinian data (saved after its name check)."""
    return BankAccountFactory(
        participant=participant,
        bank="BRI",
        account_number="0123456789012",
        account_name=(name or participant.full_name).upper(),
    )


@pytest.fixture
def staff(resigned):
    return StaffFactory(branch=resigned.branch, password=None)


def submit_kwargs(participant, **overrides):
    """claim_file's arguments; the required documents are checked uploads unless given."""
    values = {
        "participant": participant,
        "claim_type": RESIGNATION,
        "idempotency_key": "first-key",
        "event_date": RESIGNED_ON,
        "on_date": TODAY,
    }
    values.update(overrides)
    if "documents" not in values:
        values["documents"] = checked_documents(participant, values["claim_type"])
    return values


def checked_documents(participant, claim_type=RESIGNATION, *, status="verified"):
    """Document rows as the documents pipeline leaves them (the pipeline has its own tests;
    the upload journey in test_documents.py goes through it for real)."""
    from claims.choices import DOCUMENT_KIND_OTHER, DOCUMENT_KINDS
    from claims.rules import documents_for
    from documents.models import Document

    return {
        code: Document.objects.create(
            owner=participant,
            kind=DOCUMENT_KINDS.get(code, DOCUMENT_KIND_OTHER),
            original_name=f"{code}.png",
            storage_name=f"documents/test/{uuid.uuid4().hex}.png",
            content_type="image/png",
            size=2048,
            sha256=uuid.uuid4().hex + uuid.uuid4().hex,
            status=status,
        )
        for code in documents_for(claim_type)
    }


def seed_claim_rules():
    """The claims' dated rows as their data migrations write them: transactional tests (live
    servers, races) flush them."""
    import importlib

    from django.apps import apps

    importlib.import_module("claims.migrations.0002_seed_rule_values").seed(apps, None)
    importlib.import_module("claims.migrations.0007_seed_benefit_rules").seed(apps, None)
    four_eyes = importlib.import_module("claims.migrations.0006_four_eyes_payment_batches")
    four_eyes.seed_limit_and_approvers(apps, None)


@pytest.fixture
def claim_rules():
    """Re-seed the dated values: transactional tests flush what the data migration wrote."""
    seed_claim_rules()
    seed_pension_ages()


def seed_pension_ages():
    """Put back the JP pension-age rows (participants' data migration) after a flush."""
    import importlib

    from participants.models import PensionAge

    if PensionAge.objects.exists():
        return
    membership = importlib.import_module("participants.migrations.0003_seed_membership_rules")
    PensionAge.objects.bulk_create(
        PensionAge(age=age, valid_from=valid_from, valid_to=valid_to, source="test re-seed")
        for age, valid_from, valid_to in membership.PENSION_AGES
    )


def give_jht_balance(participant, amount: int, *, month=datetime.date(2025, 1, 1)):
    """A real JHT contribution through the ledger, so the running balance is `amount`
    more (no patched reader: the claim sees what cek saldo shows)."""
    from participants.ledger import ledger_contribution_post

    card = participant.kpj_cards.order_by("pk").first() or KpjCardFactory(participant=participant)
    return ledger_contribution_post(
        kpj_card=card,
        month=month,
        program="JHT",
        employer_amount=amount,
        worker_amount=0,
        paid_on=month,
    )


PAY_PERMISSIONS = ["claims.view_claim", "claims.change_claim", "claims.pay_claim"]


def payer_for(participant):
    """A finance officer of the participant's branch: the pay permission, no approvals."""
    return StaffFactory(branch=participant.branch, password=None, perms=PAY_PERMISSIONS)


def return_file(batch, *, failed=()) -> bytes:
    """The bank's return file for `batch`: every claim transferred except those `failed`."""
    lines = ["claim_reference,amount,status,note"]
    for claim in batch.claims.order_by("pk"):
        status = "failed" if claim.pk in failed else "paid"
        lines.append(f"JMO-CLAIM-{claim.pk},{claim.amount_approved},{status},")
    return ("\n".join(lines) + "\n").encode()


def pay_through_bank(claim, *, payer=None):
    """An approved claim paid the only way there is: a batch, the bank file, the return file."""
    from claims.payouts import payment_batch_confirm, payment_batch_create

    payer = payer or payer_for(claim.participant)
    batch = payment_batch_create(claim_ids=[claim.pk], actor=payer).batch
    assert batch is not None, "the claim could not be put in a batch"
    payment_batch_confirm(batch=batch, actor=payer, content=return_file(batch))
    claim.refresh_from_db()
    return claim

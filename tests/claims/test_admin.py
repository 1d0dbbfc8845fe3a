import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from claims.choices import Channel, Status
from claims.models import Claim, PaymentBatch
from core.models import AuditEvent
from documents.models import Document
from participants.models import JhtBalance
from tests.claims.conftest import give_bank_account, give_jht_balance, payer_for, return_file
from tests.documents.files import upload
from tests.factories import ClaimFactory, KpjCardFactory, ParticipantFactory, StaffFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:claims_claim_changelist"
PERMISSIONS = ["claims.view_claim", "claims.change_claim", "claims.add_claim"]


@pytest.fixture
def mine():
    return ClaimFactory(status=Status.IN_REVIEW, participant__full_name="Asep Sunandar")


@pytest.fixture
def theirs():
    return ClaimFactory(status=Status.IN_REVIEW, participant__full_name="Rina Marlina")


@pytest.fixture
def staff(client, mine):
    user = StaffFactory(branch=mine.participant.branch, password=None, perms=PERMISSIONS)
    client.force_login(user)
    return user


def act(client, action, claims, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [c.pk for c in claims], **extra},
        follow=True,
    )


def test_staff_see_only_their_branch_with_masked_accounts(client, staff, mine, theirs):
    body = client.get(reverse(CHANGELIST)).content.decode()
    assert "Asep Sunandar" in body
    assert "Rina Marlina" not in body
    assert "BRI ****9012" in body
    assert mine.bank_account_number not in body
    response = client.get(reverse("admin:claims_claim_change", args=[theirs.pk]))
    assert response.status_code == 302


def test_the_claim_change_page_shows_the_payout_account_masked(client, staff, mine):
    response = client.get(reverse("admin:claims_claim_change", args=[mine.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert mine.bank_account_number not in body
    assert "****" + mine.bank_account_number[-4:] in body
    assert 'name="bank_account_number"' not in body  # not an input either


def test_approve_goes_through_the_state_machine(client, staff, mine):
    act(client, "approve", [mine])
    mine.refresh_from_db()
    assert mine.status == Status.APPROVED
    assert mine.amount_approved == mine.amount_estimated
    assert AuditEvent.objects.get(action="claim_approved").actor == staff


def test_an_action_on_another_branchs_claim_changes_nothing(client, staff, theirs):
    act(client, "approve", [theirs])
    assert Claim.objects.get(pk=theirs.pk).status == Status.IN_REVIEW


def test_an_illegal_action_is_refused_with_a_message(client, staff, mine):
    response = act(client, "documents_received", [mine])
    assert "tidak dapat menjadi" in response.content.decode()
    assert Claim.objects.get(pk=mine.pk).status == Status.IN_REVIEW


@pytest.mark.parametrize(
    ("action", "status"),
    [("reject", Status.REJECTED), ("request_documents", Status.NEEDS_DOCUMENTS)],
)
def test_reject_and_request_documents_ask_for_the_reason_first(client, staff, mine, action, status):
    first = act(client, action, [mine])
    assert 'name="reason"' in first.content.decode()
    assert Claim.objects.get(pk=mine.pk).status == Status.IN_REVIEW

    act(client, action, [mine], apply="1", reason="Paklaring belum dilampirkan")
    mine.refresh_from_db()
    assert mine.status == status
    assert mine.decision_note == "Paklaring belum dilampirkan"


def test_documents_received_approved_then_paid_by_a_finance_officer(client, staff, mine):
    give_jht_balance(mine.participant, mine.amount_estimated + 1_000)
    Claim.objects.filter(pk=mine.pk).update(status=Status.NEEDS_DOCUMENTS)
    act(client, "documents_received", [mine])
    act(client, "approve", [mine])
    response = act(client, "prepare_payment", [mine])
    assert response.status_code == 200
    assert not PaymentBatch.objects.exists()  # the approver has no pay permission anyway

    payer = payer_for(mine.participant)
    client.force_login(payer)
    page = act(client, "prepare_payment", [mine])
    batch = PaymentBatch.objects.get()
    assert page.redirect_chain[-1][0] == reverse("admin:claims_paymentbatch_change",
                                                 args=[batch.pk])  # fmt: skip
    body = page.content.decode()
    assert mine.bank_account_number in body  # in full, on the payment step for the payer
    bank_file = client.get(reverse("admin:claims_paymentbatch_bank_file", args=[batch.pk]))
    assert f"JMO-CLAIM-{mine.pk},BRI,{mine.bank_account_number}" in bank_file.content.decode()

    upload_file = SimpleUploadedFile("return.csv", return_file(batch), "text/csv")
    client.post(reverse("admin:claims_paymentbatch_confirm", args=[batch.pk]),
                {"return_file": upload_file})  # fmt: skip
    mine.refresh_from_db()
    assert mine.status == Status.PAID
    assert mine.amount_paid == mine.amount_estimated
    assert JhtBalance.objects.get(participant=mine.participant).balance == 1_000
    paid = AuditEvent.objects.get(action="claim_paid")
    assert (paid.detail["approved_by"], paid.detail["paid_by"]) == (staff.email, payer.email)


def test_staff_file_a_claim_at_the_counter(client):
    participant = ParticipantFactory(full_name="Ujang Hermawan")
    KpjCardFactory(participant=participant, status="non_active")
    give_bank_account(participant)
    staff = StaffFactory(branch=participant.branch, password=None, perms=PERMISSIONS)
    client.force_login(staff)
    url = reverse("admin:claims_claim_file")
    assert client.get(reverse("admin:claims_claim_add")).url == url
    form = client.post(url, {"nik": participant.nik})
    assert participant.nik not in form.request["PATH_INFO"] + form.request["QUERY_STRING"]
    assert "BRI ****9012" in form.content.decode()
    key = form.context["form"]["idempotency_key"].value()

    response = client.post(
        url,
        {
            "claim_type": "JHT:full:resignation",
            "event_date": (timezone.localdate() - datetime.timedelta(days=60)).isoformat(),
            "idempotency_key": key,
            "identity_checked": "on",
            "nik": participant.nik,
        },
    )

    claim = Claim.objects.get()
    assert response.url == reverse("admin:claims_claim_change", args=[claim.pk])
    assert (claim.channel, claim.created_by) == (Channel.BRANCH, staff)
    assert (claim.bank_name, claim.bank_account_number) == ("BRI", "0123456789012")
    assert AuditEvent.objects.get(action="claim_submitted").actor == staff


def test_an_heirs_claim_at_the_counter_pays_into_the_heirs_account(client):
    participant = ParticipantFactory(full_name="Ujang Hermawan")
    KpjCardFactory(participant=participant, status="non_active")
    client.force_login(StaffFactory(branch=participant.branch, password=None, perms=PERMISSIONS))
    data = {
        "nik": participant.nik, "claim_type": "JHT:full:death", "event_date": "2025-11-01",
        "idempotency_key": "heir-1", "identity_checked": "on", "filed_by_heir": "on",
    }  # fmt: skip
    response = client.post(reverse("admin:claims_claim_file"), data)
    assert "Bank ahli waris" in response.content.decode()
    assert not Claim.objects.exists()

    heir = {"heir_nik": "3204014101800001", "heir_name": "Siti Hermawan",
            "heir_bank_name": "BNI", "heir_account_number": "5566778899",
            "heir_account_holder": "Insider Staff"}  # fmt: skip
    refused = client.post(reverse("admin:claims_claim_file"), {**data, **heir})
    assert "nama ahli waris sesuai KTP" in refused.content.decode()
    assert not Claim.objects.exists()

    heir["heir_account_holder"] = "SITI  HERMAWAN"
    client.post(reverse("admin:claims_claim_file"), {**data, **heir})
    claim = Claim.objects.get()
    assert (claim.bank_name, claim.bank_account_holder, claim.filed_by_heir) == (
        "BNI", "SITI  HERMAWAN", True,
    )  # fmt: skip
    assert (claim.heir_nik, claim.heir_name) == ("3204014101800001", "Siti Hermawan")


def test_counter_filing_finds_only_own_branch_participants(client, staff, theirs):
    response = client.post(reverse("admin:claims_claim_file"), {"nik": theirs.participant.nik})
    assert "tidak ada peserta dengan NIK ini" in response.content.decode()
    assert response.context["form"] is None


def test_counter_filing_needs_the_identity_check(client):
    participant = ParticipantFactory(full_name="Ujang Hermawan")
    KpjCardFactory(participant=participant, status="non_active")
    client.force_login(StaffFactory(branch=participant.branch, password=None, perms=PERMISSIONS))
    response = client.post(
        reverse("admin:claims_claim_file"),
        {"nik": participant.nik, "claim_type": "JHT:full:leaving_indonesia",
         "idempotency_key": "k1"},
    )  # fmt: skip
    assert "Identitas: periksa KTP" in response.content.decode()
    assert not Claim.objects.exists()


def test_counter_scans_are_stored_with_the_claim_and_only_for_a_claim_that_can_be_filed(
    client, media_root
):
    """Both through claim_file: a scan for a claim not yet possible is not kept; a scan for
    one that is becomes its document, the rest seen at the counter."""
    participant = ParticipantFactory(full_name="Ujang Hermawan")
    KpjCardFactory(participant=participant, status="non_active")
    give_bank_account(participant)
    client.force_login(StaffFactory(branch=participant.branch, password=None, perms=PERMISSIONS))
    data = {"nik": participant.nik, "claim_type": "JHT:full:resignation",
            "idempotency_key": "counter-1", "identity_checked": "on"}  # fmt: skip
    too_early = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    response = client.post(
        reverse("admin:claims_claim_file"),
        {**data, "event_date": too_early, "document_ktp": upload("ktp.png")},
    )
    assert response.status_code == 200
    assert not Claim.objects.exists()
    assert not Document.objects.exists()

    on_time = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
    client.post(
        reverse("admin:claims_claim_file"),
        {**data, "event_date": on_time, "document_ktp": upload("ktp.png")},
    )
    claim = Claim.objects.get()
    documents = dict(claim.requirements.values_list("document_type", "document__owner_id"))
    assert documents["ktp"] == participant.pk
    assert documents["bank_book"] is None

import re

import pytest
from django.core import mail

import sms
from core.models import AuditEvent
from data_updates.models import DataUpdateRequest
from documents.models import Document
from participants.models import BankAccount, EmergencyContact, FamilyMember
from sms.models import SmsMessage
from tests.documents.files import image_bytes, upload
from tests.factories import TEST_PASSWORD, ParticipantFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]
Status = DataUpdateRequest.Status


@pytest.fixture
def participant():
    return ParticipantFactory(
        user=UserFactory(email="budi@example.test"),
        full_name="Budi Santoso",
        phone="081200000001",
        email="budi.lama@example.test",
    )


@pytest.fixture
def logged_in(client, participant, settings):
    """Logged in, reading the pages in English (the Indonesian words are tested elsewhere)."""
    client.force_login(participant.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def code_from_outbox() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_the_phone_change_is_kept_as_a_draft_when_invalid_then_confirmed_by_code(
    logged_in, participant, django_capture_on_commit_callbacks
):
    reauthenticate(logged_in, "/data/phone/")
    response = logged_in.post("/data/phone/", {"phone": "12345"})

    assert response.status_code == 200
    assert "Mobile number: enter an Indonesian mobile number" in response.content.decode()
    draft = DataUpdateRequest.objects.get(participant=participant, status=Status.DRAFT)
    assert draft.values == {"phone": "12345"}
    assert 'value="12345"' in logged_in.get("/data/phone/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post("/data/phone/", {"phone": "+62 812-3456-7890"})
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == Status.AWAITING_CODE
    # The code goes by SMS to the new number: typing it back proves the phone is theirs.
    assert [message.to for message in sms.outbox] == ["+6281234567890"]
    assert mail.outbox == []
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    assert code not in str(DataUpdateRequest.objects.filter(pk=draft.pk).values().get())
    assert code not in SmsMessage.objects.get().text_masked
    assert "SMS" in logged_in.get(f"/data/requests/{draft.pk}/").content.decode()

    wrong = "000000" if code != "000000" else "111111"
    response = logged_in.post(f"/data/requests/{draft.pk}/", {"action": "confirm", "code": wrong})
    assert "Confirmation code: this code is not right" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post(f"/data/requests/{draft.pk}/", {"action": "confirm", "code": code})

    participant.refresh_from_db()
    draft.refresh_from_db()
    assert participant.phone == "081234567890"
    assert participant.phone_verified_at is not None, "the SMS code verified the new number"
    assert draft.status == Status.APPLIED
    audit = AuditEvent.objects.get(action="data_updated", participant=participant)
    assert audit.actor == participant.user
    assert audit.detail == {
        "request": draft.pk,
        "field": "phone",
        "old": "0812*****001",
        "new": "0812*****890",
    }
    assert "Done" in mail.outbox[-1].subject or "Selesai" in mail.outbox[-1].subject
    statuses = [step.status for step in draft.steps.all()]
    assert statuses == [Status.DRAFT, Status.AWAITING_CODE, Status.APPLIED]


def test_five_wrong_codes_lock_the_request(
    logged_in, participant, django_capture_on_commit_callbacks
):
    reauthenticate(logged_in, "/data/email/")
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post("/data/email/", {"email": "budi.baru@example.test"})
    request = DataUpdateRequest.objects.get(participant=participant)
    assert mail.outbox[-1].to == ["budi.baru@example.test"]
    code = code_from_outbox()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        logged_in.post(f"/data/requests/{request.pk}/", {"action": "confirm", "code": wrong})

    response = logged_in.post(f"/data/requests/{request.pk}/", {"action": "confirm", "code": code})

    assert "too many wrong tries" in response.content.decode()
    participant.refresh_from_db()
    assert participant.email == "budi.lama@example.test"


def test_address_and_emergency_contact_apply_at_once(logged_in, participant):
    logged_in.post(
        "/data/address/",
        {"street": "Jl. Raya Soreang No. 12", "rt_rw": "003/007", "village": "Soreang",
         "district": "Soreang", "city": "Kab. Bandung", "postal_code": "40911"},
    )  # fmt: skip
    logged_in.post(
        "/data/emergency-contact/",
        {"full_name": "Siti Aminah", "relationship": "spouse", "phone": "081298765432"},
    )

    participant.refresh_from_db()
    assert participant.address == (
        "Jl. Raya Soreang No. 12, RT/RW 003/007, Soreang, Soreang, Kab. Bandung 40911"
    )
    assert EmergencyContact.objects.get(participant=participant).phone == "081298765432"
    fields = set(
        AuditEvent.objects.filter(action="data_updated").values_list("detail__field", flat=True)
    )
    assert fields == {"address", "emergency_contact"}


def test_a_bad_postal_code_names_the_field_and_the_fix(logged_in):
    response = logged_in.post(
        "/data/address/",
        {"street": "Jl. A", "village": "B", "district": "C", "city": "D", "postal_code": "4091"},
    )
    assert "Postal code: type the 5 digits" in response.content.decode()


def reauthenticate(client, next_url):
    response = client.get(next_url)
    assert response.status_code == 302
    assert "/accounts/reauthenticate/" in response["Location"]
    client.post(response["Location"], {"password": TEST_PASSWORD})


@pytest.mark.parametrize("slug", ["phone", "email", "bank-account"])
def test_changing_where_codes_and_payouts_go_needs_the_password_again(logged_in, slug):
    """A session left open on a shared phone cannot redirect codes or money (ASVS 3.7.1)."""
    for method in (logged_in.get, logged_in.post):
        response = method(f"/data/{slug}/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/reauthenticate/?next=")
    assert not DataUpdateRequest.objects.exists()
    logged_in.post(response["Location"], {"password": "wrong-password-1"})
    assert logged_in.get(f"/data/{slug}/").status_code == 302
    logged_in.post(response["Location"], {"password": TEST_PASSWORD})
    assert logged_in.get(f"/data/{slug}/").status_code == 200


def test_the_bank_account_needs_the_password_again_and_the_participants_name(
    logged_in, participant
):
    reauthenticate(logged_in, "/data/bank-account/")

    response = logged_in.post(
        "/data/bank-account/",
        {"bank": "BRI", "account_number": "0123-4567-8901", "account_name": "Siti Aminah"},
    )
    assert "Name on the account: it must be your own name" in response.content.decode()
    assert not BankAccount.objects.exists()

    logged_in.post(
        "/data/bank-account/",
        {"bank": "BRI", "account_number": "012345678901", "account_name": "BUDI  SANTOSO"},
    )
    account = BankAccount.objects.get(participant=participant)
    assert account.account_number == "012345678901"
    audit = AuditEvent.objects.get(action="data_updated", detail__field="account_number")
    assert audit.detail["new"] == "****8901"


def test_a_name_correction_waits_for_staff_after_its_document_is_checked(
    logged_in, participant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(
            "/data/identity/",
            {"what": "name", "new_name": "Budi Santosa", "ktp_file": upload("ktp.png")},
        )

    request = DataUpdateRequest.objects.get(participant=participant, kind="name")
    assert response.status_code == 302
    assert request.status == Status.IN_REVIEW
    assert request.documents.get().status == Document.Status.VERIFIED
    participant.refresh_from_db()
    assert participant.full_name == "Budi Santoso"  # not yet: staff decide


def test_a_rejected_document_asks_for_another_one(
    logged_in, participant, django_capture_on_commit_callbacks
):
    blank = upload("ktp.png", image_bytes(blank=True))
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post(
            "/data/identity/", {"what": "birth_date", "new_birth_date": "1988-04-21",
                                "ktp_file": blank},
        )  # fmt: skip
    request = DataUpdateRequest.objects.get(participant=participant)
    assert request.status == Status.NEEDS_DOCUMENT
    page = logged_in.get(f"/data/requests/{request.pk}/").content.decode()
    assert "The picture looks empty" in page

    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post(
            f"/data/requests/{request.pk}/",
            {"action": "document", "document_kind": "ktp", "file": upload("ktp2.png")},
        )
    request.refresh_from_db()
    assert request.status == Status.IN_REVIEW


def test_a_family_member_needs_a_kk_and_staff(
    logged_in, participant, django_capture_on_commit_callbacks
):
    logged_in.cookies.pop("django_language")
    response = logged_in.post(
        "/data/family/",
        {"full_name": "Ani", "relationship": "child", "birth_date": "2015-02-03"},
    )
    assert "Kolom ini wajib: silakan diisi." in response.content.decode()
    draft = DataUpdateRequest.objects.get(participant=participant, status=Status.DRAFT)
    assert draft.values["full_name"] == "Ani"

    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post(
            "/data/family/",
            {"full_name": "Ani", "relationship": "child", "birth_date": "2015-02-03",
             "is_heir": "on", "kk_file": upload("kk.png")},
        )  # fmt: skip
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert not FamilyMember.objects.exists()


def test_another_participant_cannot_reach_my_requests_or_documents(
    client, participant, django_capture_on_commit_callbacks
):
    client.force_login(participant.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/data/identity/", {"what": "name", "new_name": "Budi Santosa",
                                        "ktp_file": upload("ktp.png")})  # fmt: skip
    request = DataUpdateRequest.objects.get(participant=participant)
    document = request.documents.get()
    other = ParticipantFactory(user=UserFactory())
    client.force_login(other.user)

    assert client.get(f"/data/requests/{request.pk}/").status_code == 404
    assert client.post(f"/data/requests/{request.pk}/", {"action": "resend"}).status_code == 404
    assert client.get(f"/documents/{document.pk}/download/").status_code == 404
    assert "Budi Santosa" not in client.get("/data/").content.decode()


def test_staff_accounts_without_a_participant_get_404(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/data/").status_code == 404


def test_the_pages_use_a_constant_number_of_queries(
    logged_in, participant, django_assert_max_num_queries
):
    reauthenticate(logged_in, "/data/phone/")
    for number in ("081234567890", "081234567891", "081234567892"):
        logged_in.post("/data/phone/", {"phone": number})
        DataUpdateRequest.objects.filter(status=Status.DRAFT).update(status=Status.REJECTED)
    with django_assert_max_num_queries(12):
        assert logged_in.get("/data/").status_code == 200
    request = DataUpdateRequest.objects.first()
    with django_assert_max_num_queries(12):
        assert logged_in.get(f"/data/requests/{request.pk}/").status_code == 200


def test_a_number_verified_by_another_account_cannot_be_confirmed(
    logged_in, participant, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    ParticipantFactory(phone="081234567890", phone_verified_at=timezone.now())
    reauthenticate(logged_in, "/data/phone/")
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post("/data/phone/", {"phone": "081234567890"})
    draft = DataUpdateRequest.objects.get(participant=participant)
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    response = logged_in.post(f"/data/requests/{draft.pk}/", {"action": "confirm", "code": code})
    assert "already verified for another account" in response.content.decode()
    participant.refresh_from_db()
    assert participant.phone == "081200000001"

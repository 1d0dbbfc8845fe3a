"""The participant's pengkinian pages: a finished change says so and shows old and new,
the re-upload form asks for the document that was refused, the bank reads once, every
form page has the error summary and keeps what was typed, and the portal's own words are
stored as codes, shown in the reader's language."""

import datetime

import pytest
from django.core import mail
from django.utils import translation

from data_updates import services as data_updates
from data_updates.models import DataUpdateRequest
from data_updates.selectors import data_update_document_kind_asked
from documents.models import Document
from participants.models import BankAccount, FamilyMember
from tests.documents.files import image_bytes, upload
from tests.factories import ParticipantFactory, StaffFactory, UserFactory
from tests.participants.test_data_updates import reauthenticate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]
Status = DataUpdateRequest.Status


@pytest.fixture
def participant():
    return ParticipantFactory(
        user=UserFactory(email="rina@example.test"),
        full_name="Rina Marlina",
        address="Jl. Lama No. 1, Soreang",
    )


@pytest.fixture
def client_id(client, participant):
    """Logged in, reading Indonesian (the portal's first language)."""
    client.force_login(participant.user)
    return client


def main(response) -> str:
    body = response.content.decode()
    return body[body.index("<main") :]


ADDRESS = {"street": "Jl. Baru No. 7", "village": "Soreang", "district": "Soreang",
           "city": "Kab. Bandung", "postal_code": "40911"}  # fmt: skip


def test_a_finished_change_says_it_is_done_and_shows_old_and_new(client_id, participant):
    response = client_id.post("/data/address/", ADDRESS, follow=True)
    page = main(response)
    assert "Ini langkah berikutnya" not in page
    assert "Selesai. Data Anda sudah diperbarui." in page
    assert 'class="tracker"' in page
    assert page.count('class="done"') == 2  # sent and done: nothing left to do
    changes = page[page.index('id="changes"') :]
    assert "Sebelumnya" in changes
    assert "Jl. Lama No. 1, Soreang" in changes
    assert "Sekarang" in changes
    assert "Jl. Baru No. 7, Soreang, Soreang, Kab. Bandung 40911" in changes


def test_an_open_request_says_what_comes_next_and_what_was_asked(
    client_id, participant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_id.post(
            "/data/identity/",
            {"what": "name", "new_name": "Rina Marlinah", "ktp_file": upload("ktp.png")},
            follow=True,
        )
    assert "Permohonan Anda tersimpan. Ini langkah berikutnya." in main(response)
    request = DataUpdateRequest.objects.get(participant=participant)
    page = main(client_id.get(f"/data/requests/{request.pk}/"))  # the KTP is checked by now
    assert "Yang Anda minta" in page
    assert "Rina Marlinah" in page
    assert 'class="done">Pemeriksaan dokumen</li>' in page
    assert 'aria-current="step">Tinjauan petugas</li>' in page


def test_the_bank_is_named_once(client_id, participant):
    BankAccount.objects.create(
        participant=participant, bank="BJB", account_number="0011223344",
        account_name="RINA MARLINA",
    )  # fmt: skip
    page = main(client_id.get("/data/"))
    assert "Bank BJB BJB" not in page
    bank = page[page.index('id="bank-account"') :]
    assert "<dd>Bank BJB</dd>" in bank
    assert "****3344" in bank
    assert "0011223344" not in page


def test_a_bank_change_shows_old_and_new_masked(client_id, participant):
    BankAccount.objects.create(
        participant=participant, bank="BJB", account_number="0011223344",
        account_name="RINA MARLINA",
    )  # fmt: skip
    reauthenticate(client_id, "/data/bank-account/")
    response = client_id.post(
        "/data/bank-account/",
        {"bank": "BRI", "account_number": "998877665544", "account_name": "Rina Marlina"},
        follow=True,
    )
    changes = main(response)[main(response).index('id="changes"') :]
    assert "Bank BJB" in changes
    assert "Bank Rakyat Indonesia (BRI)" in changes
    assert "****3344" in changes
    assert "****5544" in changes
    assert "998877665544" not in changes


def test_the_reupload_form_asks_for_the_refused_document(
    client_id, participant, django_capture_on_commit_callbacks
):
    member = FamilyMember.objects.create(
        participant=participant, full_name="Ani", relationship="child",
        birth_date=datetime.date(2015, 2, 3),
    )  # fmt: skip
    blank = upload("kk.png", image_bytes(blank=True))
    with django_capture_on_commit_callbacks(execute=True):
        client_id.post(
            f"/data/family/{member.pk}/change/",
            {"full_name": "Ani Marlina", "relationship": "child", "birth_date": "2015-02-03",
             "kk_file": blank},
        )  # fmt: skip
    request = DataUpdateRequest.objects.get(participant=participant)
    assert request.status == Status.NEEDS_DOCUMENT
    page = main(client_id.get(f"/data/requests/{request.pk}/"))
    assert '<option value="kk" selected>' in page
    assert '<option value="ktp" selected>' not in page


def test_a_document_asked_for_by_staff_defaults_to_what_the_request_needs(participant):
    family = DataUpdateRequest.objects.create(participant=participant, kind="family_member")
    name = DataUpdateRequest.objects.create(participant=participant, kind="name")
    assert data_update_document_kind_asked(request=family) == Document.Kind.KK
    assert data_update_document_kind_asked(request=name) == Document.Kind.KTP


def test_the_automatic_reason_is_stored_as_a_code_and_read_in_each_language(
    client, participant, django_capture_on_commit_callbacks
):
    client.force_login(participant.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/data/identity/",
            {"what": "name", "new_name": "Rina Marlinah",
             "ktp_file": upload("ktp.png", image_bytes(blank=True))},
        )  # fmt: skip
    request = DataUpdateRequest.objects.get(participant=participant)
    assert (request.reason, request.reason_code) == ("", "document_failed")
    url = f"/data/requests/{request.pk}/"
    assert "Ada dokumen yang tidak lolos pemeriksaan" in main(client.get(url))
    client.cookies["django_language"] = "en"
    english = main(client.get(url))
    assert "A document did not pass the checks" in english
    assert "Ada dokumen" not in english


def test_the_status_mail_says_each_label_in_the_mails_language(participant):
    """Labels travel as codes: a worker running in English still writes an Indonesian mail."""
    request = DataUpdateRequest.objects.create(
        participant=participant, kind="name", status=Status.NEEDS_DOCUMENT,
        reason_code="document_failed",
    )  # fmt: skip
    with translation.override("en"):
        data_updates.data_update_notify(request_id=request.pk)
    mail_text = mail.outbox[-1].subject + mail.outbox[-1].body
    assert "Koreksi nama" in mail_text
    assert "Ada dokumen yang tidak lolos pemeriksaan" in mail_text
    assert "Name correction" not in mail_text
    assert "did not pass" not in mail_text


def test_a_failed_form_has_the_error_summary_and_keeps_what_was_typed(client_id):
    response = client_id.post("/data/address/", {**ADDRESS, "postal_code": "4091"})
    page = main(response)
    summary = page[page.index('class="error-summary"') :]
    assert 'href="#id_postal_code"' in summary
    assert 'value="Jl. Baru No. 7"' in page
    assert 'value="4091"' in page


def test_a_wrong_code_is_in_the_error_summary(client_id, participant):
    reauthenticate(client_id, "/data/phone/")
    client_id.post("/data/phone/", {"phone": "081234567890"})
    request = DataUpdateRequest.objects.get(participant=participant)
    page = main(
        client_id.post(f"/data/requests/{request.pk}/", {"action": "confirm", "code": "12"})
    )
    assert 'href="#id_code"' in page[page.index('class="error-summary"') :]


def test_staff_rejection_shows_the_staff_reason_in_a_red_banner(client_id, participant):
    request = DataUpdateRequest.objects.create(
        participant=participant, kind="name", status=Status.IN_REVIEW, values={"name": "Rina M"}
    )
    staff = StaffFactory(branch=participant.branch, perms=["data_updates.change_dataupdaterequest"])
    data_updates.data_update_decide(
        request=request, staff=staff, decision=data_updates.REJECT, reason="Foto KTP buram."
    )
    page = main(client_id.get(f"/data/requests/{request.pk}/"))
    assert 'class="banner banner-error" role="alert"><p>Alasan: Foto KTP buram.' in page
    assert 'class="tag tag-red" id="request-status">Ditolak</span>' in page


def test_an_applied_removal_names_the_person_and_the_reason(client_id, participant):
    member = FamilyMember.objects.create(
        participant=participant, full_name="Ani", relationship="child",
        birth_date=datetime.date(2015, 2, 3),
    )  # fmt: skip
    request = DataUpdateRequest.objects.create(
        participant=participant, kind="family_member_remove", status=Status.IN_REVIEW,
        values={"member": member.pk, "full_name": "Ani", "reason": "mistake"},
    )  # fmt: skip
    staff = StaffFactory(branch=participant.branch, perms=["data_updates.change_dataupdaterequest"])
    data_updates.data_update_decide(request=request, staff=staff, decision=data_updates.APPROVE)
    request.refresh_from_db()
    assert request.old_values["full_name"] == "Ani"
    page = main(client_id.get(f"/data/requests/{request.pk}/"))
    changes = page[page.index('id="changes"') :]
    assert "<del>Ani</del>" in changes
    assert "Dihapus" in changes
    assert "Ditambahkan karena keliru" in changes

"""Claim documents are documents-app uploads; their verdict moves the claim."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from claims.choices import Status
from claims.models import Claim, ClaimDocument, ClaimDraftUpload
from claims.services import ClaimNotEligible, claim_file, claim_verify
from core.models import AuditEvent
from documents.models import Document
from documents.services import document_review
from tests.claims.conftest import checked_documents, submit_kwargs
from tests.documents.files import image_bytes, upload
from tests.factories import ClaimFactory, ParticipantFactory, StaffFactory, UserFactory

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("media_root"),
    pytest.mark.frozen_at(datetime.datetime(2026, 1, 14, 9, 0, tzinfo=JAKARTA)),
]
RESIGNATION_DOCUMENTS = ("kpj_card", "ktp", "bank_book", "resignation_letter")


@pytest.fixture
def budi(client, resigned):
    client.force_login(resigned.user)
    return resigned


def form(*, blank=(), **files):
    data = {
        "claim_type": "JHT:full:resignation",
        "event_date": "2025-12-14",
        "idempotency_key": "form-key-1",
    }
    for code in RESIGNATION_DOCUMENTS:
        data[f"document_{code}"] = upload(f"{code}.png", image_bytes(blank=code in blank))
    return {**data, **files}


def test_the_form_asks_for_the_documents_the_checker_listed(client, budi):
    page = client.get(reverse("claims:file") + "?claim_type=JHT:full:resignation").content
    page = page.decode()
    assert 'enctype="multipart/form-data"' in page
    for code in RESIGNATION_DOCUMENTS:
        assert f'name="document_{code}"' in page
    assert "Surat pengunduran diri (paklaring)" in page


def test_a_possible_claim_without_its_files_says_which_and_keeps_the_others(client, budi):
    data = form()
    del data["document_resignation_letter"]
    response = client.post(reverse("claims:file"), data)
    assert response.status_code == 200
    assert "Surat pengunduran diri (paklaring) dari pemberi kerja: pilih foto" in (
        response.content.decode()
    )
    assert not Claim.objects.exists()
    # The three chosen files are kept for this form, not for a claim (there is none yet).
    kept = ClaimDraftUpload.objects.filter(participant=budi, form_key="form-key-1")
    assert {row.document_type for row in kept} == {"kpj_card", "ktp", "bank_book"}
    assert not ClaimDocument.objects.exists()


def test_a_refused_file_is_an_error_on_its_field(client, budi):
    response = client.post(
        reverse("claims:file"),
        form(document_ktp=upload("ktp.png", b"<html><script>x</script></html>" * 60)),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["document_ktp"]
    assert not Claim.objects.exists()
    # The refused file is not stored; the good ones are kept for the form.
    assert set(Document.objects.values_list("original_name", flat=True)) == {
        "kpj_card.png", "bank_book.png", "resignation_letter.png",
    }  # fmt: skip


def test_files_stored_for_a_claim_refused_after_all_are_deleted_with_their_rows(
    budi, media_root, monkeypatch
):
    """The last check fails after the files went in (the account was removed meanwhile): the
    rows roll back with the filing and the files leave the storage too."""
    monkeypatch.setattr("claims.services.selectors.payout_account_for", lambda **kwargs: None)
    uploads = {code: upload(f"{code}.png") for code in RESIGNATION_DOCUMENTS}
    with pytest.raises(ClaimNotEligible):
        claim_file(**submit_kwargs(budi, documents={}, uploads=uploads))
    assert not Document.objects.exists()
    assert not [path for path in media_root.rglob("*") if path.is_file()]


def test_the_same_key_again_returns_the_first_claim_and_stores_no_files(budi):
    first = claim_file(**submit_kwargs(budi))
    again = claim_file(**submit_kwargs(budi, documents={}, uploads={"ktp": upload()}))
    assert (first.repeated, again.repeated) == (False, True)
    assert again.claim == first.claim
    assert Document.objects.count() == len(RESIGNATION_DOCUMENTS)  # the first claim's


def test_files_are_uploads_and_their_verification_moves_the_claim_to_review(
    client, budi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("claims:file"), form())

    claim = Claim.objects.get()
    assert response.url == reverse("claims:detail", args=[claim.pk])
    rows = ClaimDocument.objects.filter(claim=claim).select_related("document")
    assert {row.document_type for row in rows} == set(RESIGNATION_DOCUMENTS)
    assert {row.document.owner_id for row in rows} == {budi.pk}
    assert {row.document.status for row in rows} == {Document.Status.VERIFIED}
    assert {row.document.kind for row in rows} == {"ktp", "bank_book", "supporting"}
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW


def test_a_rejected_document_asks_for_it_again_with_the_reason_then_reviews(
    client, budi, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("claims:file"), form(blank=("ktp",)))
    claim = Claim.objects.get()
    assert claim.status == Status.NEEDS_DOCUMENTS
    assert "Kartu Tanda Penduduk (KTP)" in claim.current_note_text
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Gambar tampak kosong" in page  # the pipeline's reason, in the reader's language
    assert reverse("claims:document_send", args=[claim.pk, "ktp"]) in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("claims:document_send", args=[claim.pk, "ktp"]), {"file": upload("ktp2.png")}
        )
    assert response.url == reverse("claims:detail", args=[claim.pk])
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW
    assert list(claim.events.values_list("to_status", flat=True)) == [
        "submitted", "verifying", "needs_documents", "verifying", "in_review",
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="claim_document_replaced").count() == 1


def test_a_document_left_for_staff_keeps_the_claim_verifying_until_staff_decide(
    resigned, django_capture_on_commit_callbacks
):
    documents = checked_documents(resigned)
    documents["ktp"].status = Document.Status.NEEDS_REVIEW
    documents["ktp"].save(update_fields=["status"])
    claim = claim_file(**submit_kwargs(resigned, documents=documents)).claim
    claim_verify(claim_id=claim.pk)
    claim.refresh_from_db()
    assert claim.status == Status.VERIFYING

    staff = StaffFactory(branch=resigned.branch, password=None)
    with django_capture_on_commit_callbacks(execute=True):
        document_review(document=documents["ktp"], staff=staff, accept=True)
    claim.refresh_from_db()
    assert claim.status == Status.IN_REVIEW


def test_staff_rejecting_a_document_asks_the_participant_with_the_staff_note(
    resigned, django_capture_on_commit_callbacks
):
    documents = checked_documents(resigned)
    documents["bank_book"].status = Document.Status.NEEDS_REVIEW
    documents["bank_book"].save(update_fields=["status"])
    claim = claim_file(**submit_kwargs(resigned, documents=documents)).claim
    claim_verify(claim_id=claim.pk)
    staff = StaffFactory(branch=resigned.branch, password=None)
    with django_capture_on_commit_callbacks(execute=True):
        document_review(
            document=documents["bank_book"], staff=staff, accept=False, note="Nama tidak terbaca."
        )
    claim.refresh_from_db()
    assert claim.status == Status.NEEDS_DOCUMENTS
    assert "Nama tidak terbaca." in claim.current_note_text


def test_files_of_another_participant_are_refused(resigned):
    other = checked_documents(ParticipantFactory())
    from claims.services import ClaimError

    with pytest.raises(ClaimError):
        claim_file(**submit_kwargs(resigned, documents=other))
    assert not Claim.objects.exists()


def test_someone_elses_claim_cannot_receive_my_document(client, budi):
    claim = ClaimFactory(status=Status.NEEDS_DOCUMENTS)
    response = client.post(
        reverse("claims:document_send", args=[claim.pk, "ktp"]), {"file": upload()}
    )
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_documents_are_sent_again_only_while_the_claim_asks(client, budi):
    claim = ClaimFactory(participant=budi, status=Status.IN_REVIEW)
    ClaimDocument.objects.create(claim=claim, document_type="ktp")
    response = client.post(
        reverse("claims:document_send", args=[claim.pk, "ktp"]), {"file": upload()}, follow=True
    )
    assert "hanya dapat dikirim ulang" in response.content.decode()
    assert ClaimDocument.objects.get().document is None
    assert not Document.objects.exists()  # checked before the file is stored


def test_branch_staff_download_claim_documents_from_the_admin(client, resigned):
    documents = checked_documents(resigned)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    for document in documents.values():
        default_storage.save(document.storage_name, ContentFile(image_bytes()))
    claim = claim_file(**submit_kwargs(resigned, documents=documents)).claim
    staff = StaffFactory(branch=resigned.branch, password=None, perms=["claims.view_claim"])
    client.force_login(staff)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    link = reverse("documents:download", args=[documents["ktp"].pk])
    assert link in page
    assert client.get(link).status_code == 200

    other_branch = StaffFactory(password=None)
    other_branch.user_permissions.add(*staff.user_permissions.all())
    client.force_login(other_branch)
    assert client.get(link).status_code == 404
    assert client.get(reverse("admin:claims_claim_change", args=[claim.pk])).status_code in (
        302,
        404,
    )
    client.force_login(UserFactory(password=None))
    assert client.get(link).status_code == 404


def test_the_api_shows_each_required_document_and_its_check(client, resigned):
    documents = checked_documents(resigned)
    claim = claim_file(**submit_kwargs(resigned, documents=documents)).claim
    client.force_login(resigned.user)
    body = client.get(reverse("api-me-claim", args=[claim.pk])).json()
    rows = {row["document_type"]: row for row in body["required_documents"]}
    assert set(rows) == set(RESIGNATION_DOCUMENTS)
    assert rows["ktp"]["document_id"] == documents["ktp"].pk
    assert rows["ktp"]["check_status"] == "verified"

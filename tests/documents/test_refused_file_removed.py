"""A file the background check refuses as unsafe or unreadable leaves storage (issue 18: "a
refused file is never stored"); its row stays with the reasons, and a download says so."""

import hashlib
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.models import AuditEvent
from documents.models import Document
from documents.services import document_upload, document_verify
from tests.documents.files import image_bytes, pdf_bytes, upload
from tests.factories import BranchFactory, ParticipantFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def stored_before_todays_filters(owner, data: bytes, content_type: str, name: str) -> Document:
    """A file stored when the upload filter was weaker: on disk, recorded, not yet checked."""
    storage_name = f"documents/old/{uuid.uuid4().hex}.bin"
    default_storage.save(storage_name, ContentFile(data))
    return Document.objects.create(
        owner=owner, kind="ktp", original_name=name, storage_name=storage_name,
        content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
    )  # fmt: skip


def verify(document, capture) -> Document:
    with capture(execute=True):
        document_verify(document_id=document.pk, claim_token="t1", worker="test")
    document.refresh_from_db()
    return document


def failed_codes(document):
    return sorted(c.reason_code for c in document.checks.all() if c.outcome == "fail")


def markup_png() -> bytes:
    data = image_bytes()
    return data[:-12] + b"<img src=x onerror=alert(1)>" + data[-12:]


def script_pdf() -> bytes:
    return pdf_bytes().replace(b"%%EOF", b"<< /OpenAction << /S /J#61vaScript >> >>\n%%EOF")


@pytest.mark.parametrize(
    ("data", "content_type", "reason"),
    [
        (markup_png, "image/png", "markup"),
        (script_pdf, "application/pdf", "pdf_active"),
        (image_bytes, "application/pdf", "type_mismatch"),
    ],
)
def test_a_file_the_worker_refuses_for_its_content_is_deleted_and_its_row_kept(
    data, content_type, reason, django_capture_on_commit_callbacks
):
    owner = ParticipantFactory(user=UserFactory())
    document = stored_before_todays_filters(owner, data(), content_type, "KTP saya.png")
    assert default_storage.exists(document.storage_name)

    document = verify(document, django_capture_on_commit_callbacks)

    assert document.status == Document.Status.REJECTED
    assert reason in failed_codes(document)
    assert document.file_removed_at is not None
    assert not default_storage.exists(document.storage_name)
    assert document.original_name == "KTP saya.png"
    event = AuditEvent.objects.get(action="document_checked", participant=owner)
    assert event.detail["file_removed"] is True


def test_a_file_changed_in_storage_after_upload_is_deleted(django_capture_on_commit_callbacks):
    owner = ParticipantFactory()
    document = document_upload(owner=owner, kind="ktp", upload=upload("ktp.png"), actor=None)
    # The worker has not run (callbacks not executed); the stored bytes are swapped meanwhile.
    default_storage.delete(document.storage_name)
    default_storage.save(document.storage_name, ContentFile(image_bytes()))

    document = verify(document, django_capture_on_commit_callbacks)

    assert "integrity" in failed_codes(document)
    assert not default_storage.exists(document.storage_name)


def test_the_file_is_deleted_only_after_the_rejection_commits(django_capture_on_commit_callbacks):
    owner = ParticipantFactory()
    document = stored_before_todays_filters(owner, markup_png(), "image/png", "a.png")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document_verify(document_id=document.pk, claim_token="t1", worker="test")
    assert default_storage.exists(document.storage_name)

    for callback in callbacks:
        callback()
    assert not default_storage.exists(document.storage_name)


def test_a_file_rejected_only_for_its_quality_is_kept_for_staff(
    client, django_capture_on_commit_callbacks
):
    """Too small to read is a scan to redo, not a danger: staff can look at what was sent."""
    owner = ParticipantFactory(user=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        document = document_upload(owner=owner, kind="ktp",
                                   upload=upload("ktp.png", image_bytes(size=(300, 200))),
                                   actor=None)  # fmt: skip
    document.refresh_from_db()

    assert failed_codes(document) == ["image_too_small"]
    assert document.file_removed_at is None
    assert default_storage.exists(document.storage_name)
    client.force_login(StaffFactory(branch=owner.branch))
    assert client.get(f"/documents/{document.pk}/download/").status_code == 200


def test_downloading_a_removed_file_says_it_was_refused_and_removed(
    client, django_capture_on_commit_callbacks
):
    owner = ParticipantFactory(user=UserFactory())
    document = stored_before_todays_filters(owner, script_pdf(), "application/pdf", "slip.pdf")
    document = verify(document, django_capture_on_commit_callbacks)
    url = f"/documents/{document.pk}/download/"

    client.force_login(owner.user)
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "slip.pdf" in page
    assert "refused and removed" in page
    assert "scripts or attachments" in page

    client.force_login(StaffFactory(branch=owner.branch))
    assert client.get(url).status_code == 410
    # Still nobody else's business: another branch gets the same 404 as before.
    client.force_login(StaffFactory(branch=BranchFactory()))
    assert client.get(url).status_code == 404

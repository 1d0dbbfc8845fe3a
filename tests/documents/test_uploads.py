import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from documents.models import Document
from documents.services import document_upload
from tests.documents.files import image_bytes, pdf_bytes, upload
from tests.factories import ParticipantFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def refused(participant, file, media_root) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        document_upload(owner=participant, kind="ktp", upload=file, actor=None)
    assert not Document.objects.exists()
    assert stored_files(media_root) == []
    return caught.value


def test_a_good_photo_is_stored_under_a_generated_name_with_its_hash(media_root):
    participant = ParticipantFactory()
    data = image_bytes("JPEG")

    document = document_upload(
        owner=participant, kind="ktp", upload=upload("KTP Budi.jpg", data), actor=None
    )

    assert document.original_name == "KTP Budi.jpg"
    assert document.content_type == "image/jpeg"
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert "Budi" not in document.storage_name
    assert document.storage_name.startswith("documents/")
    assert document.storage_name.endswith(".jpg")
    assert (media_root / document.storage_name).read_bytes() == data
    assert AuditEvent.objects.filter(action="document_uploaded", participant=participant).exists()


def test_an_oversized_file_is_refused_and_nothing_is_stored(media_root, settings):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 50_000
    error = refused(ParticipantFactory(), upload("scan.pdf", pdf_bytes(pages=3)), media_root)
    assert error.code == "too_large"
    assert "MB" in error.messages[0]


def test_html_with_a_pdf_extension_is_refused(media_root):
    html = b"<!doctype html><html><script>alert(1)</script></html>"
    error = refused(ParticipantFactory(), upload("ktp.pdf", html, "application/pdf"), media_root)
    assert error.code == "type"
    assert "PDF, JPG" in error.messages[0]


def test_a_png_html_polyglot_is_refused(media_root):
    polyglot = image_bytes("PNG") + b"<html><body><script>document.cookie</script></body></html>"
    error = refused(ParticipantFactory(), upload("ktp.png", polyglot), media_root)
    assert error.code == "markup"


def test_a_path_traversal_file_name_is_refused(media_root):
    """Any door (API, admin, import) passing a raw name with folders gets a clear refusal."""
    file = ContentFile(image_bytes(), name="../../etc/passwd.png")
    error = refused(ParticipantFactory(), file, media_root)
    assert error.code == "name_path"
    assert "/" in error.messages[0]


def test_a_traversal_name_posted_in_a_form_never_reaches_the_disk(client, media_root):
    """Django keeps only the last part of a posted name; the stored name is ours anyway."""
    user = UserFactory()
    participant = ParticipantFactory(user=user)
    client.force_login(user)
    evil = upload("../../../../tmp/evil.png")
    evil.name = "../../../../tmp/evil.png"

    client.post("/data/identity/", {"what": "name", "new_name": "Budi Santosa", "ktp_file": evil})

    document = Document.objects.get(owner=participant)
    assert document.original_name == "evil.png"
    assert [path.name for path in stored_files(media_root)] == [
        document.storage_name.rsplit("/", 1)[1]
    ]


def test_an_empty_file_is_refused(media_root):
    error = refused(ParticipantFactory(), upload("ktp.png", b""), media_root)
    assert error.code == "empty"


def test_a_pdf_with_javascript_is_refused(media_root):
    data = pdf_bytes().replace(b"%%EOF", b"<< /S /JavaScript /JS (app.alert(1)) >>\n%%EOF")
    error = refused(ParticipantFactory(), upload("ktp.pdf", data, "application/pdf"), media_root)
    assert error.code == "pdf_active"


def test_refusals_are_explained_in_indonesian_on_the_page(client, media_root):
    user = UserFactory()
    participant = ParticipantFactory(user=user)
    client.force_login(user)
    html = SimpleUploadedFile("ktp.png", b"<html>not an image</html>", "image/png")

    response = client.post(
        "/data/identity/",
        {"what": "name", "new_name": "Budi Santosa", "ktp_file": html},
        HTTP_ACCEPT_LANGUAGE="id",
    )

    assert response.status_code == 200
    assert "bukan PDF, JPG atau PNG" in response.content.decode()
    assert not Document.objects.filter(owner=participant).exists()
    assert stored_files(media_root) == []

"""The upload filter's known bypasses (security test, issue 18): hex-escaped PDF names,
markup in UTF-16 and in event-handler attributes, and a PNG sent under an .html name."""

import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from documents import content
from documents.models import Document
from documents.services import document_upload
from tests.documents.files import image_bytes, pdf_bytes, upload
from tests.factories import ParticipantFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def refusal_code(data: bytes, name: str, media_root) -> str:
    with pytest.raises(ValidationError) as caught:
        document_upload(
            owner=ParticipantFactory(), kind="ktp", upload=upload(name, data), actor=None
        )
    assert not Document.objects.exists()
    assert stored_files(media_root) == []
    return caught.value.code


def with_trailer_object(pdf: bytes, obj: bytes) -> bytes:
    return pdf.replace(b"%%EOF", obj + b"\n%%EOF")


@pytest.mark.parametrize(
    "obj",
    [
        b"<< /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>",
        b"<< /S /#4Aava#53cript /JS (app.alert(1)) >>",
        b"<< /S /L#61unch /F (cmd.exe) >>",
        b"<< /Type /Emb#65ddedFile >>",
        b"<< /A#41 << /O << /S /URI >> >> >>",
        b"<< /OpenAction 9 0 R >>",
    ],
)
def test_active_pdf_content_is_refused_even_with_hex_escaped_names(obj, media_root):
    data = with_trailer_object(pdf_bytes(), obj)
    assert refusal_code(data, "ktp.pdf", media_root) == "pdf_active"


def test_a_pdf_whose_catalog_opens_a_script_is_refused_as_parsed():
    """pypdf writes the action; the check reads the parsed catalog, not only the bytes."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("x")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert content.has_active_pdf_content(buffer.getvalue())


def test_a_plain_pdf_with_a_page_destination_is_accepted(media_root):
    data = with_trailer_object(pdf_bytes(), b"<< /OpenAction [3 0 R /Fit] /Title (#41 KTP) >>")
    assert not content.has_active_pdf_content(data)
    document = document_upload(
        owner=ParticipantFactory(), kind="ktp", upload=upload("ktp.pdf", data), actor=None
    )
    assert document.content_type == content.PDF


@pytest.mark.parametrize(
    "markup",
    [
        b'<img src=x onerror="alert(1)">',
        b"<IMG SRC=x\nOnError=alert(1)>",
        b"<a/onmouseover=alert(1)>x</a>",
        b"\xff\xfe" + "<script>alert(1)</script>".encode("utf-16-le"),
        b"\xfe\xff" + "<script>alert(1)</script>".encode("utf-16-be"),
        b"\xff\xfe\x00\x00" + "<script>alert(1)</script>".encode("utf-32-le"),
        "<script>alert(1)</script>".encode("utf-16-le"),  # no byte-order mark
    ],
)
def test_markup_in_event_handlers_and_utf16_is_refused(markup, media_root):
    assert refusal_code(image_bytes("PNG") + markup, "ktp.png", media_root) == "markup"


def test_plain_photos_do_not_look_like_markup():
    for _ in range(5):
        assert not content.has_markup(image_bytes("PNG"))
        assert not content.has_markup(image_bytes("JPEG"))


def test_a_png_sent_as_html_downloads_as_a_png(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    owner = ParticipantFactory(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        document = document_upload(owner=owner, kind="ktp", upload=upload("x.html"), actor=None)
    client.force_login(user)

    response = client.get(f"/documents/{document.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="x.png"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("KTP saya.png", content.PNG, "KTP_saya.png"),
        ("scan.pdf.html", content.PDF, "scan_pdf.pdf"),
        ("Kartu Keluarga.jpeg", content.JPEG, "Kartu_Keluarga.jpg"),
        (".html", content.PNG, "document.png"),
        ("résumé", content.PDF, "resume.pdf"),
    ],
)
def test_download_names_take_the_detected_type_s_extension(name, content_type, expected):
    assert content.download_file_name(original_name=name, content_type=content_type) == expected

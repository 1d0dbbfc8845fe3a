"""Files sent with complaints: stored and verified by the documents app, shown only to those
who may see the complaint."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import services
from complaints.models import Ticket, TicketAttachment
from complaints.tokens import ticket_status_token
from documents.models import Document
from tests.documents.files import image_bytes, pdf_bytes, upload
from tests.factories import (
    BranchFactory,
    ParticipantFactory,
    StaffFactory,
    TicketFactory,
    UserFactory,
    make_nik,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

NIK = make_nik(birth_date=datetime.date(1991, 3, 14), gender="F", sequence=7)
HTML_AS_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>" * 40
TICKET_PERMISSIONS = ["complaints.view_ticket", "complaints.change_ticket"]


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def pdf(name="surat.pdf"):
    return upload(name, pdf_bytes(), "application/pdf")


def png(name="tangkapan-layar.png"):
    return upload(name, image_bytes(), "image/png")


def _file(client, participant_form, files, *, category="balance_missing", language="id"):
    client.cookies["django_language"] = language
    return client.post(
        reverse("complaints:create", args=[category]),
        {**participant_form, "attachments": files},
    )


PARTICIPANT_FORM = {
    "subject": "Saldo KPJ kedua tidak muncul",
    "body": "Sudah pindah kerja bulan Maret, saldonya belum tampil.",
}


def _visitor_form(branch):
    return {
        "nik": NIK,
        "name": "Siti Aminah",
        "email": "siti@example.test",
        "phone": "",
        "branch": branch.pk,
        "subject": "Akun ganda",
        "body": "Saya punya dua akun dengan NIK yang sama.",
    }


@pytest.fixture
def visitor_ticket(client, branch, django_capture_on_commit_callbacks):
    """An anonymous complaint with one PDF, filed through the page."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("complaints:create", args=["duplicate_account"]),
            {**_visitor_form(branch), "attachments": [pdf("bukti-akun-ganda.pdf")]},
        )
    ticket = Ticket.objects.get()
    return ticket, TicketAttachment.objects.get(message__ticket=ticket).document


def _status_file_url(ticket, document, token=None):
    token = token or ticket_status_token(ticket=ticket)
    return reverse("complaints:status_file", args=[ticket.number, token, document.pk])


# Filing and replying ------------------------------------------------------------------------


def test_a_participant_files_with_two_files_that_the_pipeline_verifies(
    client, participant, django_capture_on_commit_callbacks
):
    client.force_login(participant.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = _file(client, PARTICIPANT_FORM, [pdf(), png()])

    ticket = Ticket.objects.get()
    assert response.url == reverse("complaints:detail", args=[ticket.number])
    documents = Document.objects.filter(ticket_attachment__message__ticket=ticket).order_by("pk")
    assert [d.original_name for d in documents] == ["surat.pdf", "tangkapan-layar.png"]
    assert {(d.owner, d.branch, d.kind, d.status) for d in documents} == {
        (participant, None, "complaint", "verified")
    }
    page = client.get(response.url).content.decode()
    for document in documents:
        assert reverse("documents:download", args=[document.pk]) in page
        assert document.original_name in page
    assert "Terverifikasi" in page
    assert participant.audit_events.get(action="complaint_filed").detail["attachments"] == 2


def test_a_complaint_without_files_still_files(client, participant):
    client.force_login(participant.user)
    response = _file(client, PARTICIPANT_FORM, [])
    assert response.status_code == 302
    assert not TicketAttachment.objects.exists()


def test_a_reply_carries_files_of_the_ticket_owner(
    client, participant, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(participant=participant)
    client.force_login(participant.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("complaints:detail", args=[ticket.number]),
            {"action": "reply", "body": "Ini buktinya.", "attachments": [png("bukti.png")]},
        )

    assert response.status_code == 302
    attachment = TicketAttachment.objects.select_related("document", "message").get()
    assert attachment.message.body == "Ini buktinya."
    assert attachment.document.owner == participant
    assert attachment.document.status == "verified"


@pytest.mark.parametrize("language", ["id", "en"])
def test_too_many_files_are_refused_on_the_field_keeping_the_typed_text(
    client, participant, settings, media_root, language
):
    settings.COMPLAINTS_MAX_ATTACHMENTS = 2
    client.force_login(participant.user)

    response = _file(
        client, PARTICIPANT_FORM, [pdf("a.pdf"), pdf("b.pdf"), png()], language=language
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["attachments"]
    expected = {
        "id": "Anda memilih 3 berkas; paling banyak 2 yang bisa dilampirkan.",
        "en": "You chose 3 files; at most 2 can be attached.",
    }[language]
    assert expected in errors["attachments"][0]
    page = response.content.decode()
    assert 'value="Saldo KPJ kedua tidak muncul"' in page
    assert "Sudah pindah kerja bulan Maret" in page
    assert not Ticket.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("language", "type_error", "again"),
    [
        ("id", "bukan PDF, JPG atau PNG (kami memeriksa isinya", "pilih lagi berkasnya"),
        ("en", "is not a PDF, JPG or PNG (we check the content", "choose the files again"),
    ],
)
def test_a_file_of_the_wrong_type_by_content_is_named_in_the_field_error(
    client, participant, media_root, language, type_error, again
):
    """A web page renamed .pdf is refused by its bytes; the good file with it is not kept."""
    client.force_login(participant.user)
    fake = SimpleUploadedFile("laporan.pdf", HTML_AS_PDF, "application/pdf")

    response = _file(client, PARTICIPANT_FORM, [png(), fake], language=language)

    assert response.status_code == 200
    messages = response.context["form"].errors["attachments"]
    assert messages[0].startswith("laporan.pdf: ")
    assert type_error in messages[0]
    assert again in messages[-1]
    assert "Saldo KPJ kedua tidak muncul" in response.content.decode()
    assert not Ticket.objects.exists()
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "lebih besar dari 1 MB"), ("en", "is larger than 1 MB")],
)
def test_an_oversized_file_is_refused_on_the_field(
    client, participant, settings, media_root, language, expected
):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(participant.user)
    big = upload("scan-besar.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10), "application/pdf")

    response = _file(client, PARTICIPANT_FORM, [big], language=language)

    assert response.status_code == 200
    message = response.context["form"].errors["attachments"][0]
    assert message.startswith("scan-besar.pdf: ")
    assert expected in message
    assert stored_files(media_root) == []


def test_a_refused_reply_file_keeps_the_reply_text(client, participant, media_root):
    ticket = TicketFactory(participant=participant)
    client.force_login(participant.user)

    response = client.post(
        reverse("complaints:detail", args=[ticket.number]),
        {"action": "reply", "body": "Balasan panjang saya", "attachments": [upload("x.png", b"")]},
    )

    assert response.status_code == 200
    assert response.context["reply_form"].errors["attachments"][0].startswith("x.png: ")
    assert "Balasan panjang saya" in response.content.decode()
    assert ticket.messages.count() == 0
    assert stored_files(media_root) == []


def test_the_service_removes_stored_files_when_a_later_file_is_refused(participant, media_root):
    """Storage is not transactional: the service deletes the first file itself."""
    fake = SimpleUploadedFile("laporan.pdf", HTML_AS_PDF, "application/pdf")

    with pytest.raises(ValidationError):
        services.ticket_create(
            participant=participant,
            category="other",
            subject="Lain",
            body="Isi",
            attachments=[pdf(), fake],
        )

    assert not Ticket.objects.exists()
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_the_service_refuses_more_files_than_the_setting(participant, settings):
    settings.COMPLAINTS_MAX_ATTACHMENTS = 1
    with pytest.raises(ValidationError) as caught:
        services.ticket_create(
            participant=participant,
            category="other",
            subject="Lain",
            body="Isi",
            attachments=[pdf(), png()],
        )
    assert "attachments" in caught.value.message_dict
    assert not Ticket.objects.exists()


# A visitor without an account ---------------------------------------------------------------


def test_a_visitors_file_has_no_owner_and_names_the_complaints_branch(visitor_ticket):
    ticket, document = visitor_ticket
    assert document.owner is None
    assert document.branch == ticket.branch
    assert document.status == "verified"


def test_the_visitor_fetches_their_file_through_the_status_link(client, visitor_ticket):
    ticket, document = visitor_ticket
    page = client.get(
        reverse("complaints:status", args=[ticket.number, ticket_status_token(ticket=ticket)])
    )
    assert _status_file_url(ticket, document) in page.content.decode()

    response = client.get(_status_file_url(ticket, document))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_the_visitor_attaches_to_a_reply_through_the_status_link(
    client, visitor_ticket, django_capture_on_commit_callbacks
):
    ticket, _ = visitor_ticket
    url = reverse("complaints:status", args=[ticket.number, ticket_status_token(ticket=ticket)])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "reply", "body": "Foto KTP saya.", "attachments": [png("ktp.png")]}
        )

    assert response.status_code == 302
    reply_file = Document.objects.get(original_name="ktp.png")
    assert (reply_file.owner, reply_file.branch) == (None, ticket.branch)
    assert client.get(_status_file_url(ticket, reply_file)).status_code == 200


def test_a_wrong_token_gets_the_same_404(client, visitor_ticket):
    ticket, document = visitor_ticket
    assert client.get(_status_file_url(ticket, document, token="0" * 32)).status_code == 404


def test_another_complaints_link_does_not_open_this_file(client, visitor_ticket, branch):
    ticket, document = visitor_ticket
    other = services.ticket_create_anonymous(
        category="cannot_log_in",
        nik=make_nik(birth_date=datetime.date(1985, 1, 2), sequence=9),
        name="Orang Lain",
        email="lain@example.test",
        phone="",
        branch=branch,
        subject="Lupa sandi",
        body="Tidak bisa masuk",
    )
    assert client.get(_status_file_url(other, document)).status_code == 404


def test_a_file_not_attached_to_the_complaint_gets_404(client, visitor_ticket, participant):
    ticket, _ = visitor_ticket
    from documents.services import document_upload

    foreign = document_upload(owner=participant, kind="ktp", upload=png(), actor=None)
    assert client.get(_status_file_url(ticket, foreign)).status_code == 404


def test_a_participants_complaint_has_no_status_link_files(client, participant):
    ticket = services.ticket_create(
        participant=participant, category="other", subject="S", body="B", attachments=[pdf()]
    )
    document = TicketAttachment.objects.get().document
    assert client.get(_status_file_url(ticket, document)).status_code == 404


def test_staff_of_the_complaints_branch_download_the_visitors_file(client, visitor_ticket):
    ticket, document = visitor_ticket
    client.force_login(StaffFactory(branch=ticket.branch))
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("who", ["other_branch_staff", "participant", "plain_user"])
def test_no_one_else_downloads_the_visitors_file(client, visitor_ticket, who):
    ticket, document = visitor_ticket
    viewer = {
        "other_branch_staff": lambda: StaffFactory(branch=BranchFactory(code="jauh")),
        "participant": lambda: ParticipantFactory(user=UserFactory(), branch=ticket.branch).user,
        "plain_user": UserFactory,
    }[who]()
    client.force_login(viewer)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404


def test_a_visitor_without_the_link_is_sent_to_log_in(client, visitor_ticket):
    _, document = visitor_ticket
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_participant_cannot_download_a_participants_attachment(client, participant):
    services.ticket_create(
        participant=participant, category="other", subject="S", body="B", attachments=[pdf()]
    )
    document = TicketAttachment.objects.get().document
    client.force_login(ParticipantFactory(user=UserFactory(), branch=participant.branch).user)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404


def test_a_visitors_file_only_counts_as_duplicate_of_a_participants_document(
    visitor_ticket, participant, django_capture_on_commit_callbacks
):
    """A visitor's file sent again passes; a copy of a participant's KTP waits for staff."""
    from documents.services import document_upload

    ticket, first = visitor_ticket
    with django_capture_on_commit_callbacks(execute=True):
        mine = document_upload(owner=participant, kind="ktp", upload=png("ktp.png"), actor=None)
    copies = {}
    for label, source in [("visitor", first), ("participant", mine)]:
        with django_capture_on_commit_callbacks(execute=True):
            copies[label] = document_upload(
                owner=None,
                kind="complaint",
                upload=upload("salinan", _stored_bytes(source), source.content_type),
                actor=None,
                branch=ticket.branch,
            )
        copies[label].refresh_from_db()

    assert copies["visitor"].status == "verified"
    assert copies["participant"].status == "needs_review"


def _stored_bytes(document):
    from django.core.files.storage import default_storage

    with default_storage.open(document.storage_name, "rb") as stored:
        return stored.read()


def test_a_document_without_owner_or_branch_is_refused():
    from documents.services import document_upload

    with pytest.raises(ValueError, match="branch"):
        document_upload(owner=None, kind="complaint", upload=png(), actor=None)


# What staff see -------------------------------------------------------------------------------


def test_the_admin_complaint_page_lists_files_with_their_status(
    client, participant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_create(
            participant=participant,
            category="other",
            subject="S",
            body="B",
            attachments=[pdf("surat-keterangan.pdf")],
        )
    document = TicketAttachment.objects.get().document
    client.force_login(StaffFactory(branch=participant.branch, perms=TICKET_PERMISSIONS))

    page = client.get(reverse("admin:complaints_ticket_change", args=[ticket.pk])).content.decode()

    assert "surat-keterangan.pdf" in page
    assert reverse("documents:download", args=[document.pk]) in page
    assert "Terverifikasi" in page


def test_the_admin_shows_why_a_file_is_waiting_for_staff(client, visitor_ticket):
    ticket, document = visitor_ticket
    Document.objects.filter(pk=document.pk).update(status="needs_review")
    client.force_login(StaffFactory(branch=ticket.branch, perms=TICKET_PERMISSIONS))

    page = client.get(reverse("admin:complaints_ticket_change", args=[ticket.pk])).content.decode()

    assert "bukti-akun-ganda.pdf" in page
    assert "Menunggu petugas" in page


def _queries_for(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_do_not_grow_with_the_number_of_files(client, participant, settings):
    settings.COMPLAINTS_MAX_ATTACHMENTS = 5
    one = services.ticket_create(
        participant=participant, category="other", subject="S", body="B", attachments=[pdf()]
    )
    many = services.ticket_create(
        participant=participant,
        category="other",
        subject="S",
        body="B",
        attachments=[pdf("1.pdf"), png("2.png"), pdf("3.pdf")],
    )
    services.ticket_reply(
        ticket=many, body="lagi", author=participant.user, from_staff=False, attachments=[png()]
    )
    client.force_login(participant.user)
    client.get(reverse("complaints:list"))  # warm the maintenance-notice cache
    detail = [
        _queries_for(client, reverse("complaints:detail", args=[t.number])) for t in (one, many)
    ]
    client.force_login(StaffFactory(branch=participant.branch, perms=TICKET_PERMISSIONS))
    for ticket in (one, many):  # content types cached; each first view is audited once
        client.get(reverse("admin:complaints_ticket_change", args=[ticket.pk]))
    admin_page = [
        _queries_for(client, reverse("admin:complaints_ticket_change", args=[t.pk]))
        for t in (one, many)
    ]
    assert detail[0] == detail[1]
    assert admin_page[0] == admin_page[1]


def test_a_visitors_refused_file_keeps_everything_else_they_typed(client, branch, media_root):
    fake = SimpleUploadedFile("ktp.jpg", HTML_AS_PDF, "image/jpeg")

    response = client.post(
        reverse("complaints:create", args=["cannot_log_in"]),
        {**_visitor_form(branch), "attachments": [fake]},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["attachments"]
    page = response.content.decode()
    for typed in (NIK, "Siti Aminah", "siti@example.test", "Akun ganda"):
        assert typed in page
    assert not Ticket.objects.exists()
    assert stored_files(media_root) == []


def test_branch_staff_find_a_visitors_file_in_the_documents_admin_to_decide_it(
    client, visitor_ticket
):
    """Files without an owner are scoped by the branch they name, like everyone else's."""
    ticket, document = visitor_ticket
    perms = ["documents.view_document", "documents.change_document"]
    mine = StaffFactory(branch=ticket.branch, perms=perms)
    other = StaffFactory(branch=BranchFactory(), perms=perms)
    change_url = reverse("admin:documents_document_change", args=[document.pk])

    client.force_login(mine)
    assert client.get(change_url).status_code == 200
    client.force_login(other)
    assert client.get(change_url).status_code == 302  # "does not exist" redirect

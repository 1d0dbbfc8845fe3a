import os
import re
import time

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from complaints.models import Ticket, TicketAttachment, TicketMessage
from tests.documents.files import pdf_bytes
from tests.e2e.staff import staff_log_in
from tests.factories import (
    TEST_PASSWORD,
    BranchFactory,
    EmailAddressFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
    ensure_seeded_rules,
)

SHOTS = os.environ.get("E2E_SCREENSHOTS")


def _shot(page, tmp_path, name):
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_file_a_complaint_staff_reply_in_admin_participant_rates(live_server, page: Page, tmp_path):
    ensure_seeded_rules()
    branch = BranchFactory(code="majalaya", name="KCP Majalaya")
    user = UserFactory(email="budi@example.test")
    EmailAddressFactory(user=user)
    ParticipantFactory(user=user, branch=branch, full_name="Budi Santoso")
    staff = StaffFactory(
        branch=branch,
        email="staf.majalaya@example.test",
        perms=["complaints.view_ticket", "complaints.change_ticket"],
    )
    EmailAddressFactory(user=staff)

    # The participant asks for help; the self-help step comes first.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail, nomor HP, NIK, atau nomor KPJ (kartu peserta)").fill(
        "budi@example.test"
    )
    page.get_by_label("Kata sandi", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="Bantuan", exact=True).click()
    page.get_by_role("link", name="Saldo tidak muncul atau kartu KPJ belum terhubung").click()
    expect(page.get_by_role("heading", name="Coba ini dulu")).to_be_visible()
    expect(page.get_by_role("link", name="Buka panduan langkah demi langkah")).to_be_visible()
    _shot(page, tmp_path, "1-self-help")
    page.get_by_role("button", name="Belum, saya masih butuh bantuan").click()
    page.get_by_label("Judul").fill("Saldo KPJ kedua tidak muncul")
    page.get_by_label("Apa yang terjadi?").fill(
        "Saya pindah kerja Maret lalu, saldonya belum tampil."
    )
    page.get_by_label(re.compile(r"^Lampiran")).set_input_files(
        [{"name": "slip-gaji-maret.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    page.get_by_role("button", name="Kirim pengaduan").click()
    ticket = Ticket.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Pengaduan {ticket.number}")
    expect(page.locator(".status")).to_have_text("Menunggu petugas")
    expect(page.locator(".thread .attachments")).to_contain_text("slip-gaji-maret.pdf")
    _shot(page, tmp_path, "2-filed")

    # The pipeline verifies the PDF (in-process when eager, or on a live worker).
    document = TicketAttachment.objects.select_related("document").get().document
    deadline = time.monotonic() + 30
    while not document.is_final and time.monotonic() < deadline:
        time.sleep(0.2)
        document.refresh_from_db()
    assert document.status == "verified"

    # Branch staff answer and resolve it in the admin, in their own browser session.
    staff_page = page.context.browser.new_context().new_page()
    staff_page.set_default_timeout(10_000)
    staff_page.goto(f"{live_server.url}/admin/complaints/ticket/")
    # The admin's login is the portal's (allauth); it returns to the admin afterwards.
    staff_log_in(staff_page, "staf.majalaya@example.test")
    staff_page.get_by_role("link", name=ticket.number).click()
    # Staff see the participant's file with its verification status, and can open it.
    attachments = staff_page.locator(".ticket-attachments")
    expect(attachments).to_contain_text("slip-gaji-maret.pdf")
    expect(attachments.locator(".doc-status")).to_have_text("Terverifikasi")
    with staff_page.expect_download() as download:
        attachments.get_by_role("link", name="slip-gaji-maret.pdf").click()
    assert download.value.suggested_filename == "slip-gaji-maret.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    staff_page.locator("#id_assign_to").select_option(str(staff.pk))
    staff_page.locator("#id_reply").fill("Kartu KPJ kedua sudah kami hubungkan. Silakan cek saldo.")
    staff_page.locator("#id_resolve").check()
    _shot(staff_page, tmp_path, "3-admin-reply")
    staff_page.locator("input[name=_save]").click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    staff_page.context.close()

    # The reply e-mail goes through Celery: in-process when eager, or a real worker when an
    # earlier test in the session started one. Either way the message is marked as e-mailed.
    reply = TicketMessage.objects.get(ticket=ticket, from_staff=True)
    deadline = time.monotonic() + 30
    while reply.emailed_at is None and time.monotonic() < deadline:
        time.sleep(0.2)
        reply.refresh_from_db()
    assert reply.emailed_at is not None
    if mail.outbox:  # eager: the e-mail is in this process's outbox
        assert "Kartu KPJ kedua sudah kami hubungkan" in mail.outbox[0].body

    # The participant reads the answer and rates the help.
    page.reload()
    expect(page.locator(".thread li.staff")).to_contain_text("Kartu KPJ kedua sudah kami hubungkan")
    expect(page.locator(".status")).to_have_text("Selesai")
    page.get_by_label("5 - sangat baik").check()
    page.get_by_label(re.compile(r"^Komentar")).fill("Cepat dan jelas.")
    page.get_by_role("button", name="Kirim nilai").click()
    expect(page.get_by_text(re.compile("Anda memberi nilai 5 dari 5"))).to_be_visible()
    _shot(page, tmp_path, "4-rated")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating, ticket.assigned_to) == ("resolved", 5, staff)

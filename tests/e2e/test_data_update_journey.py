import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

import sms
from participants.models import Participant
from tests.documents.files import image_bytes
from tests.e2e.staff import staff_log_in
from tests.factories import (
    TEST_PASSWORD,
    EmailAddressFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)

STAFF_PERMISSIONS = ["data_updates.view_dataupdaterequest", "data_updates.change_dataupdaterequest"]


def log_in(page: Page, base_url: str, email: str):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail, nomor HP, NIK, atau nomor KPJ (kartu peserta)").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Masuk").click()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_update_phone_and_correct_name_with_a_document(live_server, page: Page, browser, tmp_path):
    user = UserFactory(email="rina@example.test")
    EmailAddressFactory(user=user)
    participant = ParticipantFactory(user=user, full_name="Rina Marlna", phone="081200000001")
    staff = StaffFactory(
        email="staf@example.test", branch=participant.branch, perms=STAFF_PERMISSIONS
    )
    EmailAddressFactory(user=staff)

    log_in(page, live_server.url, user.email)
    page.get_by_role("link", name="Perbarui data").first.click()
    expect(page.get_by_role("heading", name="Cara kerjanya, langkah demi langkah")).to_be_visible()
    page.screenshot(path=tmp_path / "data-home.png", full_page=True)

    # 1. Phone number, confirmed by the code we send by SMS to the new number.
    page.get_by_role("link", name="Ubah nomor HP").click()
    # Where codes go is sensitive: the portal asks for the password once more first.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.get_by_label("Nomor HP baru").fill("0812 345")  # a typo first
    page.get_by_role("button", name="Simpan dan lanjutkan").click()
    expect(page.locator(".errorlist")).to_contain_text("diawali 08")
    expect(page.get_by_label("Nomor HP baru")).to_have_value("0812 345")
    page.get_by_label("Nomor HP baru").fill("0812-3456-7890")
    page.get_by_role("button", name="Simpan dan lanjutkan").click()
    expect(page.locator("#request-status")).to_have_text("Menunggu kode konfirmasi")
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    assert sms.outbox[-1].to == "+6281234567890"
    page.get_by_label("Kode konfirmasi").fill(code)
    page.get_by_role("button", name="Konfirmasi").click()
    expect(page.locator("#request-status")).to_have_text("Selesai: data Anda sudah diperbarui")

    # 2. Name correction with a photo of the KTP, checked by the pipeline, then staff.
    page.get_by_role("link", name="Perbarui data").first.click()
    page.get_by_role("link", name="Koreksi nama, tanggal lahir atau NIK").click()
    page.get_by_label("Nama saya").check()
    page.get_by_label("Nama yang benar, sesuai KTP").fill("Rina Marlina")
    ktp = tmp_path / "ktp rina.png"
    ktp.write_bytes(image_bytes())
    page.get_by_label("Foto atau hasil pindai KTP Anda").set_input_files(ktp)
    page.get_by_role("button", name="Simpan dan lanjutkan").click()
    expect(page.locator("#request-status")).to_have_text("Menunggu pemeriksaan petugas")
    expect(page.get_by_text("Terverifikasi")).to_be_visible()
    page.screenshot(path=tmp_path / "name-in-review.png", full_page=True)
    request_url = page.url

    staff_page = browser.new_context().new_page()
    staff_page.set_default_timeout(10_000)
    queue = "/admin/data_updates/dataupdaterequest/?status__exact=in_review"
    # The admin's login is the portal's (allauth); it returns to the queue afterwards.
    staff_page.goto(f"{live_server.url}/admin/login/?next={quote(queue)}")
    staff_log_in(staff_page, staff.email)
    staff_page.screenshot(path=tmp_path / "staff-queue.png", full_page=True)
    staff_page.get_by_role("link", name=re.compile(r"^Koreksi nama #")).click()
    staff_page.get_by_label("Keputusan").select_option("approve")
    staff_page.get_by_role("button", name="Simpan", exact=True).click()
    staff_page.context.close()

    page.goto(request_url)
    expect(page.locator("#request-status")).to_have_text("Selesai: data Anda sudah diperbarui")
    expect(page.locator(".timeline li")).to_have_count(4)
    page.screenshot(path=tmp_path / "name-applied.png", full_page=True)
    participant = Participant.objects.get(pk=participant.pk)
    assert (participant.full_name, participant.phone) == ("Rina Marlina", "081234567890")

import datetime
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.documents.files import image_bytes
from tests.e2e.staff import staff_log_in
from tests.e2e.test_data_update_journey import STAFF_PERMISSIONS, log_in
from tests.factories import (
    EmailAddressFactory,
    FamilyMemberFactory,
    ParticipantFactory,
    StaffFactory,
    UserFactory,
)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_correct_an_heirs_name_with_the_kk_and_staff_approve(
    live_server, page: Page, browser, tmp_path
):
    user = UserFactory(email="dedi@example.test")
    EmailAddressFactory(user=user)
    participant = ParticipantFactory(user=user, full_name="Dedi Kurnia")
    member = FamilyMemberFactory(
        participant=participant,
        full_name="Sri Wahyuni",
        relationship="spouse",
        birth_date=datetime.date(1990, 4, 1),
        is_heir=True,
    )
    staff = StaffFactory(
        email="staf.keluarga@example.test", branch=participant.branch, perms=STAFF_PERMISSIONS
    )
    EmailAddressFactory(user=staff)

    log_in(page, live_server.url, user.email)
    page.get_by_role("link", name="Perbarui data").first.click()
    page.get_by_role("link", name="Ubah data Sri Wahyuni").click()
    expect(page.get_by_label("Nama lengkap sesuai KK")).to_have_value("Sri Wahyuni")
    page.get_by_label("Nama lengkap sesuai KK").fill("Sri Wahyuningsih")
    kk = tmp_path / "kk.png"
    kk.write_bytes(image_bytes())
    page.get_by_label(
        "Foto atau hasil pindai Kartu Keluarga (KK) Anda yang memuat orang ini"
    ).set_input_files(kk)
    page.get_by_role("button", name="Simpan dan lanjutkan").click()
    expect(page.locator("#request-status")).to_have_text("Menunggu pemeriksaan petugas")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ubah data anggota keluarga atau ahli waris"
    )
    request_url = page.url

    staff_page = browser.new_context().new_page()
    staff_page.set_default_timeout(10_000)
    queue = "/admin/data_updates/dataupdaterequest/?status__exact=in_review"
    staff_page.goto(f"{live_server.url}/admin/login/?next={quote(queue)}")
    staff_log_in(staff_page, staff.email)
    request_link = re.compile(r"^Ubah data anggota keluarga atau ahli waris #")
    staff_page.get_by_role("link", name=request_link).click()
    expect(staff_page.get_by_text("full_name: Sri Wahyuni", exact=True)).to_be_visible()
    staff_page.get_by_label("Keputusan").select_option("approve")
    staff_page.get_by_role("button", name="Simpan", exact=True).click()
    staff_page.context.close()

    page.goto(request_url)
    expect(page.locator("#request-status")).to_have_text("Selesai: data Anda sudah diperbarui")
    page.get_by_role("link", name="Perbarui data").first.click()
    expect(page.get_by_text(re.compile("Sri Wahyuningsih"))).to_be_visible()
    member.refresh_from_db()
    assert (member.full_name, member.is_heir) == ("Sri Wahyuningsih", True)
